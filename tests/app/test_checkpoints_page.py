"""Checkpoints and Train more on the pages: the checkpoint setting, each
checkpoint's `.keras` download on Train and Runs, Train more from a stored
run (a refusal when the layers changed, a linked run on the pool), and the
parent link."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.config import Experiment
from playground.model.layers import LayerSpec
from playground.runs import open_store
from playground.runs.record import RunRecord

from tests.app.sessions import TIMEOUT, app

PARENT = Experiment(dataset="circle", samples=200, epochs=9, checkpoint="every",
                    checkpoint_every=3)
SHAPES = [(2, 4), (4,), (4, 2), (2,), (2, 1), (1,)]  # the default tanh 4-2 stack


def weights(scale: float) -> list[np.ndarray]:
    rng = np.random.default_rng(int(scale * 10))
    return [rng.normal(scale=scale, size=shape).astype(np.float32) for shape in SHAPES]


def stored_parent(store_url, **fields) -> RunRecord:
    """A completed nine-epoch run with checkpoints at epochs 3, 6 and 9."""
    record = RunRecord(
        PARENT, status="completed", message="Finished 9 epoch(s).",
        history={"loss": [0.7 - 0.05 * i for i in range(9)],
                 "val_loss": [0.72 - 0.05 * i for i in range(9)]},
        test_metrics={"loss": 0.3}, epochs_run=9, elapsed=1.0, weights=weights(1.0),
        checkpoints=[{"epoch": e, "monitor": "val_loss", "value": 0.72 - 0.05 * (e - 1),
                      "weights": weights(e / 10)} for e in (3, 6, 9)], **fields)
    open_store(store_url).save(record)
    return record


def opened(record) -> object:
    at = app(run=record.id)
    at.switch_page("views/train.py").run()
    assert not at.exception
    return at


def test_the_checkpoint_setting_is_in_the_controls_and_the_link():
    at = app()
    at.switch_page("views/train.py").run()
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Checkpoints")) \
        .set_value("every").run()
    assert at.session_state["experiment"].checkpoint == "every"
    assert at.query_params["ckpt"] == "every"
    keep = next(n for n in at.get("number_input") if n.label == "Checkpoints kept")
    assert not keep.proto.disabled


def test_a_stored_runs_checkpoints_download_and_offer_train_more(store_url):
    record = stored_parent(store_url)
    at = opened(record)
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Epoch 9 · val_loss 0.32", "Epoch 6 · val_loss 0.47",
            "Epoch 3 · val_loss 0.62"} <= set(labels)
    deferred = [b for b in at.get("download_button") if b.proto.label.startswith("Epoch")]
    assert all(b.proto.deferred_file_id and not b.proto.url for b in deferred)
    start = at.selectbox(key=f"train_more_from_{record.id}")
    assert start.options == ["final weights (epoch 9)",
                             "checkpoint: epoch 9 (val_loss 0.32)",
                             "checkpoint: epoch 6 (val_loss 0.47)",
                             "checkpoint: epoch 3 (val_loss 0.62)"]
    assert any("The optimizer starts afresh" in c.value for c in at.caption)


def test_train_more_with_other_layers_is_refused_with_the_fix(store_url):
    record = stored_parent(store_url)
    at = opened(record)
    wider = PARENT.replace(layers=(LayerSpec.make("dense", units=8, activation="tanh"),
                                   LayerSpec.make("dense", units=2, activation="tanh")))
    at.session_state["experiment"] = wider
    at.run()
    at.button(key=f"train_more_button_{record.id}").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("Train more cannot start from this run's weights" in e
               and "24" in e and "Train to start this model afresh" in e
               for e in errors), errors
    assert at.session_state["training_job"].id == record.id  # nothing was queued


def test_the_runs_page_shows_the_parent_and_the_checkpoints(store_url):
    parent = stored_parent(store_url)
    child = stored_parent(store_url, parent_id=parent.id, start_epoch=6,
                          created_at=parent.created_at + 1)
    at = app()
    at.switch_page("views/runs.py").run()
    at.session_state["runs_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(f"/train?run={parent.id}" in c and "at epoch 6" in c for c in captions)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Epoch 3 · val_loss 0.62" in labels
    assert child.id != parent.id


@pytest.mark.workers
def test_train_more_trains_a_linked_run_that_goes_on_from_the_parent(store_url):
    record = stored_parent(store_url)
    at = opened(record)
    at.selectbox(key=f"train_more_from_{record.id}").set_value(2).run()  # epoch 6
    at.number_input(key=f"train_more_epochs_{record.id}").set_value(3).run()
    at.button(key=f"train_more_button_{record.id}").click().run()
    assert not at.exception
    job = at.session_state["training_job"]
    assert job.id != record.id
    result = job.wait(TIMEOUT)
    assert result.status == "completed" and result.epochs_run == 9
    at.run()
    assert at.session_state["experiment"].epochs == 9
    assert at.query_params["run"] == job.id
    child = open_store(store_url).load(job.id)
    assert (child.parent_id, child.start_epoch) == (record.id, 6)
    assert child.history["loss"][:6] == pytest.approx(record.history["loss"][:6])
    assert any(f"/train?run={record.id}" in c.value for c in at.caption)
    specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    history = next(s for s in specs if s["layout"].get("uirevision") == "history")
    assert max(max(trace["x"]) for trace in history["data"] if trace.get("x")) == 9


def test_checkpoints_and_train_more_show_no_text_that_bypassed_the_catalog(
        store_url, monkeypatch):
    from playground import i18n
    from tests.app.test_language import bypassing, exempt_words

    parent = stored_parent(store_url)
    child = stored_parent(store_url, parent_id=parent.id, start_epoch=6)
    monkeypatch.setattr(i18n, "language", lambda: i18n.PSEUDO)
    at = opened(child)
    assert not bypassing(at, "", exempt_words())
