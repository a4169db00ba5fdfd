"""Checkpoints and Train more: which epochs are kept, the store (and its
migration to schema 5), the `.keras` files, and a continued run whose loss
curve goes on from its parent's."""


import keras
import numpy as np
import pytest
import sqlalchemy as sa

from playground.config import Experiment
from playground.export.model_files import keras_bytes
from playground.fields import ConfigErrors
from playground.model.builder import build_model
from playground.model.checks import check_experiment
from playground.model.layers import LayerSpec
from playground.model.shapes import StackError
from playground.runs import open_store, schema
from playground.runs.continuing import continued, layers_differ, starting_points
from playground.runs.record import RunRecord
from playground.runs.recorder import stored_result
from playground.training.checkpoints import KeepCheckpoints
from playground.training.loop import run_training
from playground.training.result import COMPLETED, FAILED
from playground.training.starting_point import StartingPoint, check_fits

from tests.core.run_samples import make_record
from tests.core.test_store_opening import old_store

# A circle that a fresh model does not fit in one epoch, and a trained one does.
CIRCLE = Experiment(dataset="circle", samples=200, learning_rate=0.3, epochs=12,
                    layers=(LayerSpec.make("dense", units=8, activation="tanh"),),
                    seed=2)


@pytest.fixture(scope="module")
def every_run():
    """A 12-epoch run keeping a checkpoint every 3 epochs, the latest 3."""
    exp = CIRCLE.replace(checkpoint="every", checkpoint_every=3, checkpoint_keep=3)
    return exp, run_training(exp)


@pytest.fixture(scope="module")
def best_run():
    exp = CIRCLE.replace(checkpoint="best", early_stop_monitor="val_accuracy",
                         checkpoint_keep=10, noise=0.3)
    return exp, run_training(exp)


# -- the setting -----------------------------------------------------------------


def test_the_checkpoint_setting_round_trips_and_stays_out_of_default_links():
    exp = Experiment(checkpoint="every", checkpoint_every=5, checkpoint_keep=4)
    assert Experiment.from_query(exp.to_query()) == exp
    assert Experiment.from_json(exp.to_json()) == exp
    assert exp.to_query()["ckpt"] == "every"
    assert not {"ckpt", "ckpt_every", "ckpt_keep"} & set(Experiment().to_query())


@pytest.mark.parametrize("query, words", [
    ({"ckpt": "sometimes"}, ["checkpoint", "sometimes", "best"]),
    ({"ckpt_keep": "11"}, ["checkpoint_keep", "11", "10"]),
    ({"ckpt_every": "0"}, ["checkpoint_every", "0"]),
])
def test_a_bad_checkpoint_setting_is_named_with_the_range(query, words):
    with pytest.raises(ConfigErrors) as raised:
        Experiment.from_query(query)
    for word in words:
        assert word in str(raised.value)


@pytest.mark.parametrize("changes, words", [
    (dict(checkpoint="best", val_fraction=0.0), "validation share is 0"),
    (dict(checkpoint="best", early_stop_monitor="val_mae"), "val_accuracy"),
])
def test_a_best_checkpoint_the_task_cannot_watch_is_refused(changes, words):
    with pytest.raises(StackError, match=words):
        check_experiment(CIRCLE.replace(**changes))


# -- which epochs are kept --------------------------------------------------------


def test_every_n_epochs_keeps_the_latest_checkpoints(every_run):
    exp, result = every_run
    assert result.status == COMPLETED
    assert [c["epoch"] for c in result.checkpoints] == [6, 9, 12]
    for point in result.checkpoints:
        assert point["value"] == pytest.approx(result.history["val_loss"][point["epoch"] - 1])
    # The last checkpoint is the final epoch's weights.
    for kept, final in zip(result.checkpoints[-1]["weights"], result.weights):
        np.testing.assert_array_equal(kept, final)


def test_the_best_checkpoint_is_the_epoch_with_the_best_validation_value(best_run):
    _, result = best_run
    accuracy = result.history["val_accuracy"]
    epochs = [c["epoch"] for c in result.checkpoints]
    values = [c["value"] for c in result.checkpoints]
    assert epochs == sorted(epochs) and values == sorted(values)  # each an improvement
    assert len(set(values)) == len(values)
    assert epochs[-1] == int(np.argmax(accuracy)) + 1
    assert values[-1] == pytest.approx(max(accuracy))


def test_the_cap_keeps_the_latest_and_bounds_the_bytes():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    keeper = KeepCheckpoints("every", "val_loss", every=1, keep=4)
    keeper.set_model(model)
    for epoch in range(7):
        keeper.on_epoch_end(epoch, {"loss": 1.0, "val_loss": 1.0})
    assert [c["epoch"] for c in keeper.kept] == [4, 5, 6, 7]
    keeper.on_epoch_end(7, {"loss": float("nan")})  # a diverged epoch is no checkpoint
    assert keeper.kept[-1]["epoch"] == 7
    small = KeepCheckpoints("every", "val_loss", every=1, keep=10, max_bytes=40)
    small.set_model(model)  # one copy is 32 bytes: only the latest fits
    for epoch in range(3):
        small.on_epoch_end(epoch, {"loss": 1.0})
    assert [c["epoch"] for c in small.kept] == [3]
    best = KeepCheckpoints("best", "val_loss", keep=10)
    best.set_model(model)
    for epoch, value in enumerate([0.9, 0.7, 0.8, 0.6, 0.65]):
        best.on_epoch_end(epoch, {"val_loss": value})
    assert [(c["epoch"], c["value"]) for c in best.kept] == [(1, 0.9), (2, 0.7), (4, 0.6)]


# -- the store ---------------------------------------------------------------------


def test_checkpoints_and_the_parent_round_trip_through_the_store(store, every_run):
    exp, result = every_run
    record = RunRecord.from_result(exp, result)
    store.save(record)
    back = store.load(record.id)
    assert [c["epoch"] for c in back.checkpoints] == [6, 9, 12]
    for kept, original in zip(back.checkpoints, result.checkpoints):
        assert (kept["monitor"], kept["value"]) == (original["monitor"], original["value"])
        for a, b in zip(kept["weights"], original["weights"]):
            np.testing.assert_array_equal(a, b)
    assert (back.parent_id, back.start_epoch) == (None, None)
    assert [c["epoch"] for c in stored_result(back).checkpoints] == [6, 9, 12]

    child = make_record(parent_id=record.id, start_epoch=9)
    store.save(child)
    assert (store.load(child.id).parent_id, store.load(child.id).start_epoch) == (
        record.id, 9)
    # The job's own end writes the checkpoints too.
    job = make_record()
    store.save(job)
    store.finish_run(job.id, result, [])
    assert [c["epoch"] for c in store.load(job.id).checkpoints] == [6, 9, 12]


def test_a_version_4_store_keeps_its_runs_and_gains_the_parent_link(store_url):
    record = make_record(name="trained before checkpoints")
    old_store(store_url, record, 4, left_out=schema.PARENT_COLUMNS).dispose()

    store = open_store(store_url)
    back = store.load(record.id)
    assert back.name == "trained before checkpoints"
    assert back.weights[0].tolist() == record.weights[0].tolist()
    assert (back.parent_id, back.start_epoch, back.checkpoints) == (None, None, [])
    inspector = sa.inspect(store.engine)
    assert set(schema.PARENT_COLUMNS) <= {c["name"] for c in inspector.get_columns("runs")}
    assert "ix_runs_parent_id" in {i["name"] for i in inspector.get_indexes("runs")}
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(schema.schema.c.version)).scalar() == 5
    child = make_record(parent_id=record.id, start_epoch=2)
    store.save(child)
    assert store.load(child.id).parent_id == record.id


# -- downloads ---------------------------------------------------------------------


def test_a_checkpoint_downloads_as_a_keras_file_with_its_weights(every_run, tmp_path):
    exp, result = every_run
    point = result.checkpoints[0]
    path = tmp_path / "checkpoint.keras"
    path.write_bytes(keras_bytes(exp, point["weights"]))
    model = keras.models.load_model(path)
    loaded = model.get_weights()
    assert len(loaded) == len(point["weights"])
    for a, b in zip(loaded, point["weights"]):
        np.testing.assert_allclose(a, b)
    assert not np.allclose(loaded[0], result.weights[0])  # epoch 6, not the final


# -- Train more --------------------------------------------------------------------


def test_train_more_continues_the_loss_curve(every_run):
    exp, parent = every_run
    choices = starting_points(exp, parent)
    assert [c.epoch for c in choices] == [12, 12, 9, 6]
    assert not choices[0].checkpoint and choices[1].checkpoint
    child_exp = continued(exp, "parent-run", choices[0], parent.history, 5)
    assert (child_exp.epochs, child_exp.start.epoch) == (17, 12)
    assert child_exp == exp.replace(epochs=17)  # the starting point is the job's
    events = []
    child = run_training(child_exp, events.append)
    assert child.status == COMPLETED and child.epochs_run == 17
    epochs = [e["epoch"] for e in events if e["type"] == "epoch"]
    assert epochs == list(range(1, 18))  # the parent's 12, then 13 to 17
    assert child.history["loss"][:12] == pytest.approx(parent.history["loss"])
    fresh = run_training(exp.replace(epochs=1))
    last, first_new = parent.history["loss"][-1], child.history["loss"][12]
    assert abs(first_new - last) < 0.3 * last
    assert abs(fresh.history["loss"][0] - last) > 2 * abs(first_new - last)


def test_train_more_from_a_checkpoint_joins_the_history_there(every_run):
    exp, parent = every_run
    choice = starting_points(exp, parent)[-1]  # epoch 6
    child = run_training(continued(exp, "parent-run", choice, parent.history, 2))
    assert child.epochs_run == 8
    assert child.history["loss"][:6] == pytest.approx(parent.history["loss"][:6])
    assert abs(child.history["loss"][6] - parent.history["loss"][5]) < \
        0.3 * parent.history["loss"][5]


def test_weights_that_do_not_fit_the_model_are_refused_with_the_fix(every_run):
    exp, parent = every_run
    wider = exp.replace(layers=(LayerSpec.make("dense", units=16, activation="tanh"),))
    assert "16" in layers_differ(exp, wider)
    assert layers_differ(exp, exp.replace(learning_rate=0.01)) is None
    with_dropout = exp.replace(layers=(*exp.layers, LayerSpec.make("dropout", rate=0.1)))
    assert layers_differ(exp, with_dropout) is None
    start = StartingPoint.of("parent-run", 12, parent.weights, parent.history)
    result = run_training(wider.replace(epochs=14, start=start))
    assert result.status == FAILED
    assert "do not fit this model" in result.message
    assert "(2, 8) in the run and (2, 16) in the model" in result.message
    assert "Train more" in result.message
    assert "Traceback" not in result.message
    model = build_model(exp)
    with pytest.raises(ValueError, match="NaN"):
        check_fits([np.full(w.shape, np.nan) for w in parent.weights],
                   [tuple(w.shape) for w in model.weights], start)


def test_a_run_that_did_not_end_well_offers_no_starting_point(every_run):
    exp, parent = every_run
    import dataclasses

    assert starting_points(exp, dataclasses.replace(parent, status=FAILED)) == []
    assert starting_points(exp, None) == []
