"""The `playground` command line."""

import json
from pathlib import Path

import pytest

from playground.cli import main
from playground.config import Experiment
from playground.presets import PRESETS


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


def test_train_on_a_bad_csv_exits_2_with_the_reason(capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("a,b\n")
    code, _, err = run(capsys, "train", "circle", "--csv", str(path))
    assert code == 2
    assert err.count("\n") == 1 and "no data rows" in err
    code, _, err = run(capsys, "train", "circle", "--target", "a")
    assert code == 2 and "--target needs --csv" in err


def test_csv_on_the_command_line_has_no_upload_limits(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_COLUMNS", "2")
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "0.0001")
    rows = "\n".join(f"{i % 5},{(i * 7) % 11},{i % 3},{i % 2}" for i in range(60))
    path = tmp_path / "wide.csv"
    path.write_text(f"a,b,c,label\n{rows}\n")
    code, _, err = run(capsys, "train", "epochs=1", "--csv", str(path), "--json")
    assert code == 0, err


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
