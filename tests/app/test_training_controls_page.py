"""Train page: the callbacks-and-schedules controls, marked charts, downloads."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.config import Experiment
from tests.app.sessions import ended

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.mark.workers
def test_controls_write_the_experiment_and_early_stopping_is_marked():
    exp = Experiment(dataset="circle", samples=200, noise=0.3, learning_rate=0.3,
                     epochs=60, seed=3, lr_schedule="exponential", lr_decay_rate=0.99,
                     lr_decay_epochs=50)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in exp.to_query().items():
        at.query_params[key] = value
    at.run().switch_page("views/train.py").run()
    assert not at.exception
    next(w for w in at.number_input
         if w.label == "Early stopping: patience").set_value(3).run()
    next(w for w in at.selectbox
         if w.label == "Keep the best epoch's weights").select("on").run()
    assert at.session_state["experiment"] == exp.replace(early_stop_patience=3,
                                                         restore_best="on")
    at.button(key="train_button").click().run()
    result = ended(at.session_state["training_job"])
    at.run()
    assert result.epochs_run < 60 and result.early_stop
    assert any(result.early_stop in s.value for s in at.success)
    specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    history = next(s for s in specs if s["layout"].get("uirevision") == "history")
    lines = [shape["x0"] for shape in history["layout"]["shapes"]]
    assert result.best_epoch in lines and result.epochs_run in lines
    rates = next(s for s in specs if s["layout"].get("uirevision") == "learning_rate")
    assert rates["data"][0]["y"] == result.history["learning_rate"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download model (.keras)" in labels
    assert not at.exception
    # Each file is made when its button is clicked (no file that a rerun can
    # expire before the click): the sidebar's, the settings' and the run's.
    assert {"Download experiment JSON", "Download as Python",
            "Download this run as Python",
            "Download model for raw rows (.keras)"} <= set(labels)
    not_deferred = [b.proto.label for b in at.get("download_button")
                    if not b.proto.deferred_file_id or b.proto.url]
    assert not_deferred == []


def test_train_page_offers_the_experiment_as_a_python_script():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run().switch_page("views/train.py").run()
    button = next(b for b in at.get("download_button")
                  if b.proto.label == "Download as Python")
    assert not at.exception and button is not None


def test_uploaded_experiment_json_is_read_like_a_link():
    import pytest

    from playground.fields import ConfigErrors
    from ui.experiment_file import read_experiment

    exp = Experiment(dataset="spiral", epochs=7, lr_schedule="cosine")
    assert read_experiment(exp.to_json().encode()) == exp
    bad = json.dumps({**exp.to_dict(), "epochs": 0, "lr_schedule": "linear"})
    with pytest.raises(ConfigErrors) as caught:
        read_experiment(bad.encode())
    assert [e.field for e in caught.value.errors] == ["epochs", "lr_schedule"]
    with pytest.raises(ValueError, match="UTF-8"):
        read_experiment(b"\xff\xfe{")


def _upload_script(data: bytes):
    """A script that receives one upload and runs the sidebar's callback."""
    from types import SimpleNamespace

    import streamlit as st

    from ui import experiment_file, state

    state.experiment()
    st.session_state[experiment_file.KEY] = SimpleNamespace(
        name="upload.json", getvalue=lambda: data)
    experiment_file.load_upload()


def test_a_bad_upload_names_each_field_and_leaves_the_experiment_unchanged():
    at = AppTest.from_function(_upload_script, args=(
        b'{"epochs": -1, "optimizer": "x", "es": 3}',), default_timeout=30).run()
    assert at.session_state["experiment"] == Experiment()
    kind, message, details = at.session_state["notices"][0]
    assert kind == "error" and "experiment is unchanged" in message
    # The notice escapes what it shows, once: not `upload\\.json`.
    assert message.startswith("upload.json was not loaded")
    assert sorted(d.split("`")[1] for d in details) == [
        "epochs", "experiment key", "optimizer"]
    good = Experiment(dataset="xor", early_stop_patience=5).to_json().encode()
    at = AppTest.from_function(_upload_script, args=(good,), default_timeout=30).run()
    assert at.session_state["experiment"] == Experiment(dataset="xor",
                                                        early_stop_patience=5)


def test_the_doctors_apply_button_sets_gradient_clipping(tmp_path, monkeypatch):
    """A run whose recorded gradients exploded: one click turns clipping on."""
    from playground.presets import PRESETS
    from playground.runs import RunRecord, open_store
    from playground.training.loop import run_training
    from playground.training.snapshot_store import SnapshotStore

    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("PLAYGROUND_STORE", store)
    exp = PRESETS["xor"].experiment.replace(epochs=6)
    snapshots = SnapshotStore()
    result = run_training(exp, lambda e: e["type"] == "snapshot" and snapshots.add(
        e["epoch"], {k: v for k, v in e.items() if k not in ("type", "epoch")}),
        snapshots=True)
    for _, shot in snapshots.items():  # what a run with oversized weights records
        shot["grad_norms"] = {name: 5e4 for name in shot["grad_norms"]}
    record = RunRecord.from_result(exp, result, snapshots)
    open_store(store).save(record)

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["run"] = record.id
    at.run().switch_page("views/train.py").run()
    assert any("Exploding gradients" in w.value for w in at.warning)
    button = at.button(key="apply_exploding")
    assert button.label == "Apply: clipnorm = 1"
    button.click().run()
    assert not at.exception
    assert at.session_state["experiment"] == exp.replace(clipnorm=1.0)
    assert at.query_params["clip"] == "1"  # and the link says so


def test_early_stopping_watches_only_what_fits_the_task():
    for dataset, fitting in (("diabetes", ["val_loss", "val_mae"]),
                             ("circle", ["val_loss", "val_accuracy"])):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"dataset": dataset, "es": "3"})
        at.run().switch_page("views/train.py").run()
        watch = next(w for w in at.selectbox if w.label == "Watch")
        assert list(watch.options) == fitting, dataset
        assert not at.exception
