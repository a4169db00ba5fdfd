"""The `playground` command line."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.cli import main
from playground.config import Experiment
from playground.presets import PRESETS
from playground.runs import open_store


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_presets_lists_every_preset(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(PRESETS)


def test_preset_prints_experiment_json(capsys):
    code, out, _ = run(capsys, "preset", "iris-mlp")
    assert code == 0
    exp = Experiment.from_json(out)
    assert exp == PRESETS["iris-mlp"].experiment
    assert [layer["units"] for layer in json.loads(out)["layers"]] == [64, 32, 16]
    assert exp.optimizer == "adam" and exp.learning_rate == 0.001


def test_share_then_show_round_trips(capsys, tmp_path):
    path = tmp_path / "exp.json"
    path.write_text(PRESETS["spiral"].experiment.to_json())
    code, query, _ = run(capsys, "share", str(path))
    assert code == 0
    code, out, _ = run(capsys, "show", f"http://localhost:8501/train?{query.strip()}")
    assert code == 0 and Experiment.from_json(out) == PRESETS["spiral"].experiment


@pytest.mark.parametrize("args, fragment", [
    (("show", "http://x/?lr=abc"), "Received: learning_rate='abc'"),
    (("train", "no-such-thing"), "is not a preset, a file, a URL or a query string"),
    (("train", "dataset=iris&layers=conv2d"), "needs an image input"),
    (("preset", "mnist"), "no preset 'mnist'"),
    (("share", "?dataset=circle&dataset=xor"), "Give `dataset` only once."),
])
def test_bad_input_exits_2_with_one_line(capsys, args, fragment):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("playground: error: ")
    assert fragment in err


def test_bad_json_file_exits_2(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"version": 1, "epochs": "many"}')
    code, _, err = run(capsys, "train", str(path))
    assert code == 2 and "Received: epochs='many'" in err


def test_train_json_ends_with_history_and_test_metrics(capsys):
    code, out, _ = run(capsys, "train", "dataset=gauss&epochs=3&opt=adam&lr=0.03",
                       "--json")
    assert code == 0
    lines = out.strip().splitlines()
    assert [line.split()[1] for line in lines[:-1]] == ["1/3", "2/3", "3/3"]
    summary = json.loads(lines[-1])
    assert len(summary["history"]["loss"]) == 3
    assert set(summary["test"]) == {"loss", "accuracy"}
    assert summary["status"] == "completed"


# -- saved runs ----------------------------------------------------------------

def test_train_saves_its_run_and_says_its_id(capsys):
    code, out, err = run(capsys, "train", "dataset=gauss&epochs=2", "--json")
    assert code == 0
    [line] = err.splitlines()
    assert re.fullmatch(r"playground: saved run [\w-]{22}", line)
    summary = json.loads(out.splitlines()[-1])
    assert summary["run_id"] == line.split()[-1]
    saved = open_store().load(summary["run_id"])
    assert saved.history == summary["history"] and saved.status == "completed"
    assert saved.experiment == Experiment.from_dict(summary["experiment"])
    assert saved.weights and saved.started_at < saved.finished_at


def test_no_save_trains_without_saving(capsys):
    code, out, err = run(capsys, "train", "dataset=gauss&epochs=1", "--json",
                         "--no-save")
    assert code == 0 and err == ""
    assert json.loads(out.splitlines()[-1])["run_id"] is None
    assert open_store().list() == []


def test_a_store_that_cannot_be_used_never_fails_the_run(capsys, tmp_path,
                                                          monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("PLAYGROUND_STORE", str(tmp_path / "file" / "runs.sqlite"))
    code, out, err = run(capsys, "train", "dataset=gauss&epochs=1", "--json")
    assert code == 0
    [line] = err.splitlines()
    assert line.startswith("playground: the run was not saved: The run store at ")
    assert "is a file, not a folder" in line
    summary = json.loads(out.splitlines()[-1])
    assert summary["status"] == "completed" and summary["run_id"] is None
    code, out, err = run(capsys, "runs")
    assert code == 1 and out == "" and err.startswith("playground: error: The run store")


def test_runs_lists_shows_and_deletes(capsys):
    code, _, err = run(capsys, "runs")
    assert code == 0 and err.startswith("playground: no saved runs in ")
    run(capsys, "train", "dataset=gauss&epochs=2&opt=adam&lr=0.01")
    run(capsys, "train", "dataset=circle&epochs=1")
    first, second = (s.id for s in reversed(open_store().list()))
    code, out, _ = run(capsys, "runs")
    header, *rows = out.splitlines()
    assert code == 0 and header.split()[:4] == ["ID", "NAME", "STATUS", "EPOCHS"]
    assert [row.split()[0] for row in rows] == [second, first]
    assert "gauss · Dense 4-2 · Adam 0.01" in rows[1] and "2/2" in rows[1]
    assert "val_accuracy=" in rows[1] and "accuracy=" in rows[1]

    code, out, _ = run(capsys, "runs", "show", first)
    details = json.loads(out)
    assert code == 0 and details["id"] == first and details["epochs_run"] == 2
    assert details["weights"] == [[2, 4], [4], [4, 2], [2], [2, 1], [1]]
    assert len(details["history"]["loss"]) == 2 and details["arrays"] is None

    code, _, err = run(capsys, "runs", "delete", first)
    assert code == 0 and err == f"playground: deleted run {first}\n"
    assert [s.id for s in open_store().list()] == [second]
    for action in ("show", "delete"):
        code, out, err = run(capsys, "runs", action, first)
        assert code == 2 and out == ""
        assert err.startswith(f"playground: error: No run has the id {first!r}")
    code, _, err = run(capsys, "runs", "show", "../../etc")
    assert code == 2 and "is not a run id" in err


def test_train_json_reports_the_confusion_matrix_and_f1(capsys):
    code, out, _ = run(capsys, "train", "dataset=gauss&epochs=3&opt=adam&lr=0.03",
                       "--json")
    assert code == 0
    summary = json.loads(out.strip().splitlines()[-1])
    report = summary["report"]
    assert report["classes"] == ["orange", "blue"]
    matrix = np.array(report["confusion_matrix"])
    # 500 points, 30% held out for the test; Keras' accuracy on the same rows.
    assert matrix.sum() == 150
    assert np.trace(matrix) / matrix.sum() == pytest.approx(summary["test"]["accuracy"],
                                                            abs=1e-6)
    assert set(report["per_class"]["blue"]) == {"precision", "recall", "f1", "support"}
    assert sum(c["support"] for c in report["per_class"].values()) == 150
    assert 0 <= report["macro_f1"] <= 1 and 0 <= report["roc_auc"] <= 1


def test_train_json_reports_regression_errors_in_the_target_units(capsys):
    code, out, _ = run(capsys, "train", "dataset=diabetes&epochs=2", "--json")
    assert code == 0
    report = json.loads(out.strip().splitlines()[-1])["report"]
    assert set(report) == {"mae", "rmse", "r2"}
    assert report["mae"] > 10  # disease progression units, not standardised ones
    assert report["rmse"] >= report["mae"]


def test_json_output_writes_non_finite_numbers_as_null():
    from playground.cli import _finite

    line = json.dumps(_finite({"history": {"loss": [0.5, float("nan"), float("inf")]}}))
    assert json.loads(line) == {"history": {"loss": [0.5, None, None]}}


def test_train_on_a_csv_file_with_a_target(capsys, tmp_path):
    rows = "\n".join(f"{i % 5},{(i * 7) % 11},{'up' if i % 5 > 1 else 'down'},{i}"
                     for i in range(60))
    path = tmp_path / "table.csv"
    path.write_text(f"a,b,direction,row\n{rows}\n")
    code, out, err = run(capsys, "train", "epochs=3&lr=0.3", "--csv", str(path),
                         "--target", "direction", "--json")
    assert code == 0, err
    summary = json.loads(out.splitlines()[-1])
    assert summary["status"] == "completed" and len(summary["history"]["loss"]) == 3
    assert summary["experiment"]["dataset"] == "csv"
    assert summary["experiment"]["target"] == "direction"
    assert "accuracy" in summary["test"]
    saved = open_store().load(summary["run_id"])  # opens without the upload
    assert saved.experiment.csv_name == "table.csv" and saved.experiment.upload == ""
    assert saved.arrays["x_train"].shape[0] + saved.arrays["x_val"].shape[0] \
        + saved.arrays["x_test"].shape[0] == 60


def test_train_on_a_bad_csv_exits_2_with_the_reason(capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("a,b\n")
    code, _, err = run(capsys, "train", "circle", "--csv", str(path))
    assert code == 2
    assert err.count("\n") == 1 and "no data rows" in err
    code, _, err = run(capsys, "train", "circle", "--target", "a")
    assert code == 2 and "--target needs --csv" in err


# -- how a run ends: exit status and one line on standard error --------------

ROOT = Path(__file__).resolve().parents[2]


def cli_process(*args, keras_home, **popen):
    """The command in a fresh process, offline: Keras' home is an empty
    folder and every download goes to a closed local port."""
    env = {**os.environ, "KERAS_HOME": str(keras_home), "TF_CPP_MIN_LOG_LEVEL": "3",
           "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9",
           "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "playground.cli", *args], cwd=ROOT,
                            env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **popen)


def our_lines(err: str) -> list[str]:
    """The command's own lines on standard error (TensorFlow adds its own)."""
    return [line for line in err.splitlines() if line.startswith("playground:")]


@pytest.mark.workers
def test_data_that_cannot_be_loaded_fails_the_run_with_exit_1(tmp_path):
    process = cli_process("train", "dataset=mnist&layers=flatten_dense-8&epochs=1",
                          "--json", keras_home=tmp_path)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    [line] = our_lines(err)
    assert line.startswith("playground: Training failed: MNIST is not available: "
                           "the download failed")
    assert "Download mnist.npz from https://" in line and str(tmp_path) in line
    assert "DatasetUnavailable" not in out + err
    summary = json.loads(out)  # standard output holds the JSON line only
    assert summary["status"] == "failed" and summary["history"] == {}
    assert summary["message"] == line.removeprefix("playground: ")


def test_a_diverged_run_exits_3_and_says_so_on_stderr(capsys):
    code, out, err = run(capsys, "train",
                         "dataset=reg-gauss&layers=dense-16&opt=sgd&lr=10&epochs=30")
    assert code == 3
    diverged, saved = err.splitlines()
    assert diverged.startswith("playground: Training diverged at epoch ")
    assert open_store().load(saved.split()[-1]).status == "diverged"
    assert out.startswith("epoch 1/30") and "test  loss: " in out


def test_a_standardised_target_is_reported_in_its_units(capsys):
    from urllib.parse import parse_qsl

    from playground.config import Experiment
    from playground.datasets.source import experiment_data
    from playground.training.loop import run_training

    query = "dataset=diabetes&epochs=2"
    code, out, _ = run(capsys, "train", query, "--no-save")
    assert code == 0
    line = out.splitlines()[-1]
    assert line.startswith("test  loss (standardised): ")
    exp = Experiment.from_query(dict(parse_qsl(query)))
    mae = run_training(exp).test_metrics["mae"]  # the same seed, the same run
    scale = experiment_data(exp).target_scaler.scale_[0]
    shown = re.search(r"MAE \(target's units\): ([\d.]+) \(standardised: ([\d.]+)\)",
                      line)
    assert float(shown[1]) == pytest.approx(mae * scale, rel=1e-3)
    assert float(shown[2]) == pytest.approx(mae, rel=1e-3)


@pytest.mark.workers
def test_ctrl_c_stops_the_run_keeps_its_epochs_and_exits_130(tmp_path):
    process = cli_process("train", "dataset=circle&epochs=2000&batch=50",
                          keras_home=tmp_path)
    first = process.stdout.readline()
    assert first.startswith("epoch 1/2000"), process.communicate(timeout=60)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    lines = our_lines(err)
    assert lines[0] == ("playground: stopping after the current batch "
                        "(press Ctrl-C again to quit now)")
    assert re.fullmatch(r"playground: Stopped by you after \d+ epoch\(s\)\.", lines[1])
    assert re.fullmatch(r"playground: saved run [\w-]{22}", lines[2])
    assert len(lines) == 3 and "Traceback" not in err
    assert re.fullmatch(r"(epoch \d+/2000 .*\n)*test  loss: .*  accuracy: .*\n", out), out


@pytest.mark.parametrize("message, shown", [
    ("Training failed: ValueError: the shapes differ", "Training failed: the shapes differ"),
    ("Training failed: tensorflow.errors.ResourceExhaustedError: OOM when allocating",
     "Training failed: OOM when allocating"),
    ("Training failed: MemoryError:", "Training failed without a reason."),
    ("Training failed: MNIST is not available: offline",
     "Training failed: MNIST is not available: offline"),
    ("Finished 3 epoch(s).", "Finished 3 epoch(s)."),
])
def test_failure_messages_lose_the_python_class_name(message, shown):
    from playground.cli import without_class_name

    assert without_class_name(message) == shown


def test_train_runs_from_a_thread_other_than_the_main_one(capsys):
    """Only the main thread may handle Ctrl-C; elsewhere training still runs."""
    import threading

    codes = []
    worker = threading.Thread(target=lambda: codes.append(
        main(["train", "dataset=gauss&epochs=1"])))
    worker.start()
    worker.join(timeout=120)
    assert codes == [0], capsys.readouterr().err
def test_csv_on_the_command_line_has_no_upload_limits(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_COLUMNS", "2")
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "0.0001")
    rows = "\n".join(f"{i % 5},{(i * 7) % 11},{i % 3},{i % 2}" for i in range(60))
    path = tmp_path / "wide.csv"
    path.write_text(f"a,b,c,label\n{rows}\n")
    code, _, err = run(capsys, "train", "epochs=1", "--csv", str(path), "--json")
    assert code == 0, err


@pytest.mark.workers
def test_csv_too_big_for_memory_says_so(tmp_path):
    """A real MemoryError: the child's address space is capped just above
    what it uses before reading a 40 MB file."""
    import subprocess
    import sys

    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 10_000_000)
    child = (
        "import resource, sys\n"
        "from playground import cli\n"
        "import numpy, pandas\n"
        "size = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()\n"
        "resource.setrlimit(resource.RLIMIT_AS, (size + 20 * 2**20,) * 2)\n"
        f"sys.exit(cli.main(['train', 'circle', '--csv', {str(path)!r}]))\n")
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          timeout=120, cwd=str(Path(__file__).resolve().parents[2]))
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip() == (
        "playground: error: big.csv (38.1 MB) does not fit in this machine's "
        "memory once read. The command line has no size limit, only memory: "
        "free some memory, use a machine with more, or train on a sample of "
        "the rows or the columns you need.")


@pytest.mark.workers
def test_tensorflows_own_log_lines_stay_off_standard_error_unless_verbose(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    command = [sys.executable, "-m", "playground.cli", "train",
               "dataset=xor&layers=dense-4-tanh&epochs=2", "--no-save"]
    quiet = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""  # no cuInit, CUDA driver or CPU instruction lines
    assert "Finished 2 epoch(s)." in quiet.stdout

    bad = subprocess.run([*command[:4], "dataset=nope"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("playground: error: ")

    verbose = subprocess.run([*command[:3], "--verbose", *command[3:]], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert verbose.returncode == 0 and "Finished 2 epoch(s)." in verbose.stdout


def test_runs_says_browser_runs_are_left_out_and_all_lists_them(capsys):
    from playground.runs import RunRecord

    store = open_store()
    browser_run = RunRecord(experiment=PRESETS["xor"].experiment, name="from a browser",
                            status="completed", owner="a-browser-cookie")
    store.save(browser_run)
    code, out, err = run(capsys, "runs")
    assert code == 0 and err == "" and browser_run.id not in out
    assert "1 more were trained in a browser: playground runs --all" in out
    run(capsys, "train", "dataset=circle&epochs=1")
    code, out, _ = run(capsys, "runs", "--all")
    ids = [line.split()[0] for line in out.splitlines()[1:]]
    assert code == 0 and len(ids) == 2 and browser_run.id in ids
    assert "more were trained" not in out
    code, out, _ = run(capsys, "--lang", "zh", "runs", "--all")  # aligned in Chinese too
    header, *rows = out.splitlines()
    assert header.split()[:3] == ["ID", "名称", "状态"] and "已完成" in rows[0]
    assert header.index("名称") == rows[0].index(rows[0].split()[1])


def test_the_messages_follow_lang_and_the_json_keeps_english(capsys, monkeypatch):
    code, out, err = run(capsys, "--lang", "zh", "train", "dataset=gauss&epochs=2",
                         "--no-save")
    assert code == 0 and "已完成 2 轮训练。" in out and "测试集  损失: " in out and "准确率: " in out
    assert out.startswith("第 1/2 轮  ")
    code, out, _ = run(capsys, "--lang", "zh", "train", "dataset=gauss&epochs=2",
                       "--no-save", "--json")
    summary = json.loads(out.splitlines()[-1])
    assert {"history", "test", "report"} <= set(summary)
    assert summary["message"] == "Finished 2 epoch(s)."  # JSON stays English
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, _, err = run(capsys, "preset", "nope")
    assert code == 2 and err.startswith("playground: 错误：")
    code, _, err = run(capsys, "--lang", "fr", "presets")  # said in LANG's language
    assert code == 2 and err == "playground: 错误：--lang fr：应为 en, zh 之一。\n"


def test_data_that_cannot_be_had_is_told_in_the_language_and_json_keeps_english(
        capsys, monkeypatch):
    from playground.datasets import source
    from playground.datasets.keras_loading import DatasetUnavailable
    from playground.i18n import tr_lazy

    def offline(exp):
        raise DatasetUnavailable("mnist", tr_lazy("the download failed ({error})",
                                                  error="offline"))

    monkeypatch.setattr(source, "experiment_data", offline)
    code, out, err = run(capsys, "--lang", "zh", "train",
                         "dataset=mnist&layers=flatten_dense-8&epochs=1", "--json")
    assert code == 1
    assert err.startswith("playground: 训练失败：MNIST 不可用：下载失败（offline）。请从 ")
    assert json.loads(out)["message"].startswith(
        "Training failed: MNIST is not available: the download failed (offline). "
        "Download mnist.npz from https://")


def test_train_refuses_a_model_over_max_params_only_when_asked(capsys):
    code, out, err = run(capsys, "train", "dataset=iris&layers=dense-64-relu&epochs=1",
                         "--no-save", "--max-params", "500")
    assert code != 0 and out == ""
    assert "This model has 515 parameters (weights and biases), more than this " \
           "server's limit of 500." in err
    code, _, err = run(capsys, "train", "dataset=iris&layers=dense-64-relu&epochs=1",
                       "--no-save", "--max-params", "0")
    assert code == 2 and "--max-params takes a number from 1 up; received 0." in err
    code, out, _ = run(capsys, "train", "dataset=iris&layers=dense-64-relu&epochs=1",
                       "--no-save")  # no limit unless asked
    assert code == 0 and out.startswith("epoch 1/1")


def test_help_follows_lang(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--lang", "zh", "train", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert out.startswith("用法: playground train") and "显示此帮助信息并退出" in out
    assert "在这个 CSV 文件上训练" in out and "train on this CSV file" not in out
    with pytest.raises(SystemExit):
        main(["train", "--help"])  # no --lang: the environment's language (English here)
    assert "train on this CSV file" in capsys.readouterr().out


def test_train_from_a_saved_run_continues_it_as_a_linked_run(capsys):
    run(capsys, "train", "dataset=xor&n=100&epochs=6&ckpt=every&ckpt_every=2")
    parent = open_store().list()[0].id
    code, out, err = run(capsys, "train", "--from", parent, "--checkpoint", "4",
                         "--epochs", "3", "--json")
    assert code == 0, err
    summary = json.loads(out.splitlines()[-1])
    assert summary["epochs_run"] == 7 and summary["experiment"]["epochs"] == 7
    child = open_store().load(summary["run_id"])
    stored_parent = open_store().load(parent)
    assert (child.parent_id, child.start_epoch) == (parent, 4)
    assert child.history["loss"][:4] == stored_parent.history["loss"][:4]
    code, out, _ = run(capsys, "runs", "show", child.id)
    details = json.loads(out)
    assert (details["parent_id"], details["start_epoch"]) == (parent, 4)
    assert [c["epoch"] for c in json.loads(run(capsys, "runs", "show", parent)[1])[
        "checkpoints"]] == [2, 4, 6]


@pytest.mark.parametrize("args, words", [
    (["--checkpoint", "5", "--epochs", "2"], "checkpoint epochs: 2, 4, 6"),
    ([], "Add --epochs N"),
    (["--epochs", "2", "xor"], "Leave out CONFIG"),
])
def test_train_from_says_what_is_wrong_with_the_fix(capsys, args, words):
    run(capsys, "train", "dataset=xor&n=100&epochs=6&ckpt=every&ckpt_every=2")
    parent = open_store().list()[0].id
    code, out, err = run(capsys, "train", "--from", parent, *args)
    assert code == 2 and out == "" and words in err


def test_train_needs_config_or_from(capsys):
    code, _, err = run(capsys, "train")
    assert code == 2 and "Give CONFIG, or --from RUN_ID" in err
    code, _, err = run(capsys, "train", "xor", "--epochs", "3")
    assert code == 2 and "no value without --from" in err
