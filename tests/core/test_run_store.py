"""The run store: records round-trip exactly, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import sqlalchemy as sa

from playground.presets import PRESETS
from playground.runs import (
    ProgressSaver,
    RunNotFound,
    RunRecord,
    RunStore,
    RunUnreadable,
    StoreUnavailable,
    open_store,
    schema,
)
from playground.runs.arrays import pack, unpack
from playground.runs.recorder import stored_handle
from playground.runs.record import (
    MAX_ARRAYS_BYTES,
    data_arrays,
    default_name,
    new_run_id,
)
from playground.training.snapshot_store import SnapshotStore

from tests.core.run_samples import SPIRAL, assert_same_nested, make_record


def test_a_run_round_trips_exactly(store):
    arrays = {"x_train": np.random.default_rng(1).normal(size=(30, 3)),
              "y_train": np.arange(30), "x_val": np.zeros((0, 3)),
              "y_val": np.array(["a", "b"], dtype=object)}
    record = make_record(experiment=SPIRAL.replace(dataset="csv", csv_name="h.csv",
                                                   target="price"),
                         arrays=arrays, note="first try")
    store.save(record)
    back = store.load(record.id)
    assert back.experiment == record.experiment
    assert back.history["loss"][:2] == [0.9, 0.5] and np.isnan(back.history["loss"][2])
    assert back.history["val_accuracy"] == [0.5, 0.8, 0.7]
    assert back.test_metrics == record.test_metrics
    assert (back.status, back.message, back.epochs_run, back.elapsed) == \
        ("completed", "Finished 3 epoch(s).", 3, 1.25)
    for got, want in zip(back.weights + back.best_weights,
                         record.weights + record.best_weights):
        assert got.dtype == want.dtype and np.allclose(got, want)
    assert_same_nested(back.snapshots, record.snapshots)
    assert back.snapshots[1][1]["boundary"] is None
    assert back.arrays["y_val"].tolist() == ["a", "b"]
    np.testing.assert_array_equal(back.arrays["x_train"], arrays["x_train"])
    assert back.arrays["x_val"].shape == (0, 3)
    assert (back.name, back.note, back.owner) == (record.name, "first try", None)
    assert (back.created_at, back.started_at, back.finished_at) == \
        (record.created_at, 100.0, 101.5)


def test_a_run_without_arrays_or_best_weights_round_trips(store):
    record = make_record(best_weights=None, snapshots=[], weights=[])
    store.save(record)
    back = store.load(record.id)
    assert back.best_weights is None and back.arrays is None
    assert back.snapshots == [] and back.weights == []


def test_save_replaces_the_run_with_the_same_id(store):
    record = make_record()
    store.save(record)
    record.weights = [np.full(3, 7.0)]
    record.status = "stopped"
    store.save(record)
    assert [s.id for s in store.list()] == [record.id]
    back = store.load(record.id)
    assert back.status == "stopped" and back.weights[0].tolist() == [7.0] * 3


def test_progress_updates_history_and_leaves_arrays(store):
    record = make_record(status="running", history={}, epochs_run=0)
    store.save(record)
    history = {"loss": [0.7, 0.6], "val_loss": [0.9, 0.4]}
    store.save_progress(record.id, "running", "Training", history, 2, 0.5)
    back = store.load(record.id)
    assert (back.history, back.epochs_run, back.elapsed, back.message) == \
        (history, 2, 0.5, "Training")
    assert np.allclose(back.weights[0], record.weights[0])
    summary, = store.list()
    assert (summary.best_metric, summary.best_value) == ("val_loss", 0.4)
    with pytest.raises(RunNotFound, match="No run has the id 'nope'"):
        store.save_progress("nope", "running", "", {}, 0, 0.0)


def test_progress_is_saved_from_a_background_thread(store):
    record = make_record(status="running", history={}, epochs_run=0)
    store.save(record)
    saver = ProgressSaver(store, record.id, interval=0.05)
    history = {"loss": []}
    for epoch in range(1, 201):  # the live history the training loop appends to
        history["loss"].append(1.0 / epoch)
        saver.update("running", "Training", history, epoch, epoch / 100)
    history["loss"].append(99.0)  # an epoch not yet reported is not written
    assert saver.close() is None
    back = store.load(record.id)
    assert back.history["loss"] == [1.0 / e for e in range(1, 201)]
    assert (back.epochs_run, back.elapsed) == (200, 2.0)
    assert 1 <= saver.writes < 200  # folded, not one write per epoch


def test_progress_saving_stops_quietly_on_a_store_error(tmp_path):
    path = tmp_path / "runs.sqlite"
    record = make_record()
    open_store(str(path)).save(record)
    saver = ProgressSaver(open_store(f"sqlite:///file:{path}?mode=ro&uri=true"),
                          record.id, interval=0)
    saver.update("running", "", {"loss": [1.0]}, 1, 0.1)
    saver.update("running", "", {"loss": [1.0, 0.5]}, 2, 0.2)
    error = saver.close()
    assert isinstance(error, StoreUnavailable) and "read-only" in str(error)
    assert saver.writes == 0


def test_list_rename_delete_and_owners(store):
    first = make_record(created_at=1.0)
    second = make_record(created_at=2.0, history={"loss": [1.0], "val_loss": [0.3, 0.2]})
    theirs = make_record(created_at=3.0, owner="ada")
    for record in (first, second, theirs):
        store.save(record)
    listed = store.list()
    assert [s.id for s in listed] == [second.id, first.id]  # newest first, no owner
    assert [s.id for s in store.list(owner="ada")] == [theirs.id]
    assert store.list(owner="bob") == []
    assert [s.id for s in store.list(limit=1)] == [second.id]
    top = listed[1]
    assert (top.name, top.dataset, top.model, top.optimizer, top.learning_rate) == \
        ("spiral · Dense 4-2 · Adam 0.01", "spiral", "Dense 4-2", "Adam", 0.01)
    assert (top.best_metric, top.best_value) == ("val_accuracy", 0.8)
    assert (listed[0].best_metric, listed[0].best_value) == ("val_loss", 0.2)
    assert (top.epochs_run, top.epochs, top.status, top.test_metrics) == \
        (3, 200, "completed", {"loss": 0.4, "accuracy": 0.75})
    assert "weights" not in top.to_dict() and "history" not in top.to_dict()

    store.rename(first.id, name="  wide net  ")
    store.rename(first.id, note="try relu next")
    back = store.load(first.id)
    assert (back.name, back.note) == ("wide net", "try relu next")
    with pytest.raises(ValueError, match="at least one visible character"):
        store.rename(first.id, name="   ")
    with pytest.raises(ValueError, match="at most 200 characters; received 201"):
        store.rename(first.id, name="x" * 201)

    store.delete(first.id)
    assert [s.id for s in store.list()] == [second.id]
    with pytest.raises(RunNotFound, match="No run has the id"):
        store.load(first.id)
    for action in (lambda: store.delete(first.id), lambda: store.rename(first.id, "n"),
                   lambda: store.rename(first.id)):
        with pytest.raises(RunNotFound):
            action()


def test_numpy_numbers_in_history_are_stored_as_numbers(store):
    record = make_record(history={"loss": [np.float32(0.5)]},
                         test_metrics={"accuracy": np.float64(0.25)})
    store.save(record)
    back = store.load(record.id)
    assert back.history == {"loss": [0.5]} and back.test_metrics == {"accuracy": 0.25}
    with pytest.raises(ValueError, match="hold numbers; received object"):
        store.save(make_record(history={"loss": [object()]}))
    with pytest.raises(ValueError, match="status is at most 20 characters"):
        store.save_progress(record.id, "x" * 21, "", {}, 0, 0.0)


def test_list_refuses_a_bad_limit(store):
    with pytest.raises(ValueError, match="limit must be an integer from 1 to"):
        store.list(limit=0)


def test_ids_are_unguessable_and_url_safe():
    ids = {new_run_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 22 and i.replace("-", "").replace("_", "").isalnum()
               for i in ids)
    assert not any(i.startswith("-") for i in ids)  # never read as an option


@pytest.mark.parametrize("bad", ["../etc/passwd", "x" * 33, "a b", "", 7, "x" * 10_000])
def test_a_malformed_id_is_refused_without_touching_the_database(bad):
    # Any database access here would fail: the file's folder does not exist.
    store = RunStore(sa.create_engine("sqlite:////no-such-folder/nowhere/runs.sqlite"))
    for action in (store.load, store.delete, lambda i: store.rename(i, note="n"),
                   lambda i: store.save_progress(i, "running", "", {}, 0, 0.0)):
        with pytest.raises(RunNotFound, match="is not a run id: expected 1 to 32"):
            action(bad)


def test_default_name_and_from_result_with_a_snapshot_store():
    from playground.training.result import TrainingResult

    snapshots = SnapshotStore(capacity=4)
    for epoch in range(1, 6):
        snapshots.add(epoch, {"norms": {"d": float(epoch)}})
    result = TrainingResult("completed", "Finished 5 epoch(s).", {"loss": [1.0] * 5},
                            5, 0.5, [np.ones(2)], {"loss": 1.0})
    record = RunRecord.from_result(SPIRAL, result, snapshots, owner="ada")
    assert [epoch for epoch, _ in record.snapshots] == snapshots.epochs()
    assert record.finished_at is not None and record.owner == "ada"
    assert record.name == default_name(SPIRAL) == "spiral · Dense 4-2 · SGD 0.03"
    iris = PRESETS["iris-mlp"].experiment
    assert default_name(iris) == "iris · Dense 64-32-16 · Adam 0.001"


def test_csv_arrays_are_kept_up_to_the_cap():
    class Splits:  # the six arrays of a loaded Dataset
        x_train = np.zeros((MAX_ARRAYS_BYTES // 8 + 1,))
        y_train = x_val = y_val = x_test = y_test = np.zeros(0)

    assert data_arrays(Splits) is None
    Splits.x_train = np.zeros(10)
    assert set(data_arrays(Splits)) == {"x_train", "y_train", "x_val", "y_val",
                                        "x_test", "y_test"}
    with pytest.raises(ValueError, match=r"at most 50 MB of data arrays; received 50\.0"):
        make_record(arrays={"x": np.zeros(MAX_ARRAYS_BYTES // 8 + 1)})


def test_object_arrays_are_refused_when_saving(store):
    record = make_record(weights=[np.array([{"a": 1}], dtype=object)])
    with pytest.raises(ValueError, match="array of Python objects .* never pickled"):
        store.save(record)


def test_a_crafted_object_array_in_the_store_is_refused(store):
    record = make_record()
    store.save(record)
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.array([print], dtype=object))  # savez pickles objects
    with store.engine.begin() as conn:
        conn.execute(schema.payloads.update().values(blob=buffer.getvalue()))
    with pytest.raises(RunUnreadable, match="allow_pickle=False"):
        store.load(record.id)


def test_unpack_reads_with_allow_pickle_false():
    structure, blob = pack({"w": np.ones(2)})
    assert unpack(structure, blob)["w"].tolist() == [1.0, 1.0]
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.array([None, 1], dtype=object))
    with pytest.raises(ValueError, match="cannot be read safely"):
        unpack(structure, buffer.getvalue())
    with pytest.raises(ValueError, match="stored structure is damaged .*out of range"):
        unpack('{"d":{"w":{"a":["g0",1,[2]]}}}', blob)


def test_arrays_of_one_dtype_share_one_archive_member():
    value = [np.full((2, 3), i, np.float32) for i in range(500)] + [np.arange(4)]
    structure, blob = pack(value)
    with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
        assert sorted(archive.files) == ["g0", "g1"]
    back = unpack(structure, blob)
    assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(back, value))


def test_a_real_training_run_is_saved_and_loaded_back(store, xor_run):
    exp, result, snapshots = xor_run
    assert result.status == "completed" and len(snapshots) >= 2
    record = RunRecord.from_result(exp, result, snapshots)
    store.save(record)
    back = store.load(record.id)
    assert back.experiment == exp and back.history == result.history
    assert back.test_metrics == result.test_metrics
    assert all(np.allclose(a, b) for a, b in zip(back.weights, result.weights))
    assert len(back.weights) == len(result.weights)
    assert_same_nested(back.snapshots, snapshots.items())
    assert back.snapshots[-1][1]["boundary"].shape == snapshots.latest()[1]["boundary"].shape
    # The test outputs computed when training ended come back, so a reopened
    # run evaluates without predicting again.
    np.testing.assert_array_equal(back.test_outputs, result.test_outputs)
    assert stored_handle(back).result.test_outputs is not None


def test_a_name_given_while_a_run_trains_outlives_its_last_save(store_url):
    store = open_store(store_url)
    exp = PRESETS["xor"].experiment
    record = RunRecord(experiment=exp, name="Search s · trial 1", status="running")
    store.save(record)
    store.rename(record.id, name="my favourite", note="lr looks right")
    record.status = "completed"
    store.save(record, keep_name=True)  # what a run's recorder does at its end
    saved = store.load(record.id)
    assert (saved.name, saved.note, saved.status) == ("my favourite", "lr looks right",
                                                      "completed")
    store.save(record)  # a plain save writes the record's own name
    assert store.load(record.id).name == "Search s · trial 1"
