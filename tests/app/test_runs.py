"""Runs that last, in the app: saved runs, `run=` links and the Runs page.

Each test points `PLAYGROUND_STORE` at its own SQLite file, trains for real
in the worker pool, and drives the pages with AppTest.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.i18n import use_language
from playground.runs import open_store

from tests.app.sessions import app

TIMEOUT = 120
APP = str(Path(__file__).resolve().parents[2] / "app.py")




def train(at: AppTest, epochs: int = 5):
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    job = at.session_state["training_job"]
    result = job.wait(TIMEOUT)
    assert result is not None and result.status == "completed", result
    at.run()
    return job


def charts(at: AppTest) -> dict[str, dict]:
    return {el.proto.id: json.loads(el.proto.spec)
            for el in at.get("plotly_chart")}


@pytest.mark.workers
def test_a_run_is_saved_and_its_link_opens_it_in_a_new_session(store_url):
    first = app(dataset="xor", epochs="6")
    job = train(first)
    assert first.query_params["run"] == job.id
    saved = open_store(store_url).load(job.id)
    assert saved.status == "completed" and saved.epochs_run == 6
    assert len(saved.weights) == len(job.result.weights)
    assert saved.snapshots, "the replay snapshots were saved"

    other = app(run=job.id, dataset="xor", epochs="6")  # a reload, another browser
    assert not other.exception
    other.switch_page("views/train.py").run()
    opened = other.session_state["training_job"]
    assert opened.result.history == job.result.history
    assert opened.snapshots.epochs() == job.snapshots.epochs()
    assert other.session_state["experiment"] == job.experiment
    assert any(m.value.startswith("Test accuracy") or "accuracy" in m.label
               for m in other.metric)
    other.switch_page("views/inspect.py").run()
    assert not other.exception
    assert "Run " in other.caption[0].value


@pytest.mark.parametrize("run, message", [
    ("x" * 300, "is not a run id"),
    ("not%20an%20id", "is not a run id"),
    ("AAAAAAAAAAAAAAAAAAAAAA", "is not in this server's store"),
])
def test_a_bad_or_unknown_run_falls_back_to_the_link_experiment(store_url, run,
                                                                  message):
    at = app(run=run, dataset="spiral", epochs="33")
    assert not at.exception
    texts = [el.value for el in at.error] + [el.value for el in at.warning]
    assert any(message in text for text in texts), texts
    exp = at.session_state["experiment"]
    assert (exp.dataset, exp.epochs) == ("spiral", 33)
    assert "training_job" not in at.session_state


@pytest.mark.workers
def test_a_run_saved_by_another_server_opens_from_the_store(store_url):
    """No job of this process knows the run: it comes from the store alone."""
    from playground.presets import PRESETS
    from playground.runs import RunRecord
    from playground.training.loop import run_training
    from playground.training.snapshot_store import SnapshotStore

    exp = PRESETS["xor"].experiment.replace(epochs=8)
    snapshots = SnapshotStore()
    result = run_training(exp, lambda e: e["type"] == "snapshot" and snapshots.add(
        e["epoch"], {k: v for k, v in e.items() if k not in ("type", "epoch")}),
        snapshots=True)
    record = RunRecord.from_result(exp, result, snapshots, name="from elsewhere")
    open_store(store_url).save(record)

    at = app(run=record.id)
    at.switch_page("views/train.py").run()
    assert not at.exception
    opened = at.session_state["training_job"]
    assert opened.id == record.id and opened.result.status == "completed"
    assert opened.progress()["epoch"] == 8
    assert at.session_state["experiment"] == exp
    titles = [json.dumps(spec.get("layout", {}).get("title", ""))
              for spec in charts(at).values()]
    assert any("Decision boundary after epoch 8" in t for t in titles), titles
    at.switch_page("views/inspect.py").run()
    assert not at.exception


@pytest.mark.parametrize("make_store", ["corrupt file", "folder is a file"])
@pytest.mark.workers
def test_a_store_that_cannot_be_used_is_said_once_and_training_goes_on(
        tmp_path, monkeypatch, make_store):
    if make_store == "corrupt file":
        path = tmp_path / "runs.sqlite"
        path.write_bytes(b"this is not a database" * 100)
    else:
        (tmp_path / "file").write_text("not a folder")
        path = tmp_path / "file" / "runs.sqlite"
    monkeypatch.setenv("PLAYGROUND_STORE", str(path))
    at = app(dataset="xor", epochs="3")
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    warnings = [w.value for w in at.warning if "Runs are not being saved" in w.value]
    assert len(warnings) == 1, [w.value for w in at.warning]
    assert str(tmp_path) in warnings[0].replace("\\", "")  # says which store
    job = at.session_state["training_job"]
    assert job.wait(TIMEOUT).status == "completed"
    at.run()
    at.switch_page("views/runs.py").run()
    at.switch_page("views/train.py").run()
    assert not at.exception
    assert at.session_state["training_job"] is job  # the run on screen stays
    shown = [w.value for w in at.warning if "Runs are not being saved" in w.value]
    assert not shown, "said once, not on every page"
    assert at.session_state["store_problem_shown"]


@pytest.mark.workers
def test_a_csv_run_link_opens_without_the_upload_and_trains_again(store_url):
    import numpy as np

    from playground.datasets import uploads

    rng = np.random.default_rng(0)
    rows = ["a,b,label"] + [f"{x:.3f},{y:.3f},{'yes' if x + y > 0 else 'no'}"
                            for x, y in rng.normal(size=(80, 2))]
    token = uploads.register("\n".join(rows).encode(), "mine.csv")
    at = app(dataset="csv", file="mine.csv", target="label", epochs="4")
    at.session_state["experiment"] = at.session_state["experiment"].replace(upload=token)
    job = train(at)
    run_id = at.query_params["run"]
    assert run_id == job.id and "upload" not in str(dict(at.query_params))
    history = job.result.history

    uploads.forget(token)  # as after a restart: the uploaded file is gone
    other = app(run=run_id)
    other.switch_page("views/train.py").run()
    assert not other.exception and not other.main.warning
    opened = other.session_state["training_job"]
    assert opened.result.history == history
    other.switch_page("views/inspect.py").run()
    assert not other.exception and not other.main.warning

    other.switch_page("views/train.py").run()
    other.button(key="train_button").click().run()  # train again, on the kept data
    again = other.session_state["training_job"]
    assert again.id != run_id
    assert again.wait(TIMEOUT).status == "completed", again.result.message


@pytest.mark.workers
def test_a_csv_run_saved_by_the_command_line_opens_without_its_file(
        store_url, tmp_path, capsys):
    from playground.cli import main

    rows = "\n".join(f"{i % 5},{(i * 7) % 11},{'up' if i % 5 > 1 else 'down'}"
                     for i in range(60))
    path = tmp_path / "table.csv"
    path.write_text(f"a,b,direction\n{rows}\n")
    code = main(["train", "epochs=3&lr=0.3", "--csv", str(path), "--target",
                 "direction", "--json"])
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert code == 0 and summary["run_id"]
    path.unlink()  # the file is gone: the run must open from what it kept

    at = app(run=summary["run_id"])
    at.switch_page("views/train.py").run()
    assert not at.exception and not at.main.warning
    opened = at.session_state["training_job"]
    assert opened.result.history["loss"] == summary["history"]["loss"]
    assert "table.csv" in opened.experiment.csv_name
    at.switch_page("views/inspect.py").run()
    assert not at.exception and not at.main.warning
    at.switch_page("views/evaluate.py").run()  # its "Your own input" tab included
    assert not at.exception and not at.main.warning
    assert any("A stored run keeps its prepared data, not the file" in i.value
               for i in at.main.info)


@pytest.mark.workers
def test_train_again_and_compare_with_the_previous_run(store_url):
    at = app(dataset="xor", epochs="4")
    first = train(at)
    assert at.button(key="train_button").label == "Train again"
    second = train(at)
    assert at.session_state["previous_job"] is first
    assert "previous run" not in json.dumps(list(charts(at).values()))
    at.checkbox(key="compare_previous").check().run()
    grey = [trace for spec in charts(at).values()
            for trace in spec.get("data", []) if "previous run" in trace.get("name", "")]
    assert grey and grey[0]["y"] == first.result.history["loss"]
    assert second is at.session_state["training_job"]


@pytest.mark.workers
def test_the_runs_page_compares_selected_runs(store_url):
    at = app(dataset="xor", epochs="3")
    first = train(at)
    at.session_state["experiment"] = at.session_state["experiment"].replace(
        optimizer="sgd", learning_rate=0.0018566433578077874)
    second = train(at)
    at.switch_page("views/runs.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.index) == [second.id, first.id]  # newest first
    assert list(table["Status"]) == ["completed", "completed"]
    # What the runs achieved first: a narrow window cuts the settings instead.
    columns = list(table.columns)
    assert columns[:3] == ["Name", "Status", "Best validation"]
    assert columns.index("Test accuracy") < columns.index("Dataset")
    at.session_state["runs_table"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    assert not at.exception
    assert any("Comparing 2 runs" in h.value for h in at.subheader)
    store = open_store(store_url)
    names = {trace.get("name") for spec in charts(at).values()
             for trace in spec.get("data", [])}
    for job in (first, second):
        assert f"{store.load(job.id).name} · training" in names, names
    settings = at.dataframe[1].value  # by the sidebar's labels, what differs first
    assert "Learning rate" in list(settings.index[:2]) and "Optimizer" in settings.index
    assert list(settings.loc["Learning rate"]) == ["0.00185664", "0.03"]
    assert list(settings.loc["Hidden layer 1"]) == ["Dense(4, tanh)", "Dense(4, tanh)"]
    # An XOR run uses neither a Keras set's vocabulary nor a CSV's target.
    assert not {"Vocabulary (num_words)", "Tokens per text (maxlen)", "Subset size",
                "Target column", "CSV file", "version"} & set(settings.index)
    assert "Noise" in settings.index and "Momentum" in settings.index


@pytest.mark.workers
def test_runs_with_the_same_name_compare(store_url):
    at = app(dataset="xor", epochs="2")
    first = train(at)
    second = train(at)  # Train again: the same settings, the same default name
    at.switch_page("views/runs.py").run()
    at.session_state["runs_table"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    assert not at.exception
    assert any("Comparing 2 runs" in h.value for h in at.subheader)
    # The same seed trains alike: the page says the curves coincide, and the
    # earlier run's line is drawn wider so both stay in sight.
    said = next(c.value for c in at.caption if "have the same curves" in c.value)
    thin, wide = (first, second) if said.index(first.id[:6]) > said.index(
        second.id[:6]) else (second, first)
    loss = next(spec for spec in charts(at).values()
                if spec.get("layout", {}).get("title", {}).get("text") == "loss")
    widths = {trace["name"]: trace["line"]["width"] for trace in loss["data"]}
    assert (next(w for name, w in widths.items() if wide.id[:6] in name)
            > next(w for name, w in widths.items() if thin.id[:6] in name))


def test_the_runs_table_speaks_the_readers_language_and_the_targets_units(store_url):
    """Statuses translated; a regression run's best MAE in the target's units,
    as the Train and Evaluate pages give it; no accuracy cell saying None."""
    from playground.presets import PRESETS
    from playground.runs import RunRecord
    from playground.runs.units import target_scale

    houses = next(p.experiment for p in PRESETS.values()
                  if p.experiment.dataset == "house-prices")
    store = open_store(store_url)
    store.save(RunRecord(experiment=PRESETS["xor"].experiment, status="completed",
                         history={"loss": [0.5], "val_accuracy": [0.9]},
                         test_metrics={"loss": 0.3, "accuracy": 0.95}))
    store.save(RunRecord(experiment=houses, status="stopped",
                         history={"loss": [0.5], "val_mae": [0.7, 0.618]},
                         test_metrics={"loss": 0.4, "mae": 0.5}))
    with use_language("zh"):  # AppTest formats the pages' choices in this thread
        at = app(lang="zh")
        at.switch_page("views/runs.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["状态"]) == ["已停止", "已完成"]
    scale = target_scale(houses)
    assert table["最佳验证结果"].iloc[0] == f"MAE {0.618 * scale:.4g}"
    assert table["测试集MAE"].iloc[0] == f"{0.5 * scale:.4g}"
    columns = list(table.columns)
    assert columns.index("测试集准确率") < columns.index("创建时间")
    assert table["测试集准确率"].iloc[0] == "—" and table["测试集MAE"].iloc[1] == "—"
    assert table["测试集准确率"].iloc[1] == "0.95"
    # Compared, the test bars give the same figure as the table.
    at.session_state["runs_table"] = {"selection": {"rows": [0, 1], "columns": []}}
    with use_language("zh"):
        at.run()
    assert not at.exception
    bars = next(spec for key, spec in charts(at).items() if "compare_test" in key)
    panels = [a["text"] for a in bars["layout"]["annotations"]]  # one per metric
    assert panels == ["accuracy", "loss", "mae"]
    axis = f"x{panels.index('mae') + 1}"
    [mae] = [trace["y"][0] for trace in bars["data"]
             if trace["name"] == table.iloc[0, 0] and trace["xaxis"] == axis]
    assert mae == pytest.approx(0.5 * scale)
