"""Training controls: links, refusals, and Keras' own behaviour in a real run."""

import io
import math
import zipfile

import keras
import numpy as np
import pytest

from playground.config import TRAINING_CONTROL_FIELDS, Experiment
from playground.datasets.source import experiment_data
from playground.model.builder import build_model
from playground.model.checks import check_experiment, encode_targets
from playground.model.shapes import StackError
from playground.training.compiling import compile_model
from playground.training.loop import (
    _make_dataset,
    run_training,
    steps_per_execution_for,
)

# Noisy circle at a high learning rate: validation loss stalls early.
NOISY = Experiment(dataset="circle", samples=200, noise=0.3, learning_rate=0.3,
                   epochs=60, seed=3)
CONTROLS = dict(early_stop_patience=4, early_stop_monitor="val_accuracy",
                early_stop_min_delta=0.001, restore_best="on", lr_schedule="cosine",
                lr_decay_rate=0.3, lr_decay_epochs=7, lr_warmup_epochs=3,
                plateau_factor=0.2, plateau_patience=2, min_lr=0.0001, clipnorm=1.5,
                class_weight="balanced", tensorboard="on", checkpoint="every",
                checkpoint_every=5, checkpoint_keep=4)


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_each_control_round_trips_through_url_and_json(name):
    exp = Experiment().replace(**{name: CONTROLS[name]})
    assert Experiment.from_query(exp.to_query()) == exp
    assert Experiment.from_json(exp.to_json()) == exp


def test_controls_at_their_defaults_stay_out_of_links():
    keys = {f.url_key for f in TRAINING_CONTROL_FIELDS}
    assert not keys & set(Experiment().to_query())
    assert Experiment(**CONTROLS).to_query().keys() >= keys


def test_a_bad_control_in_a_link_is_named():
    with pytest.raises(ValueError, match="lr_schedule"):
        Experiment.from_query({"schedule": "linear"})


@pytest.mark.parametrize("changes, words", [
    (dict(dataset="reg-plane", class_weight="balanced"), "regression"),
    (dict(dataset="reg-plane", early_stop_patience=3,
          early_stop_monitor="val_accuracy"), "val_mae"),
    (dict(early_stop_patience=3, early_stop_monitor="val_mae"), "val_accuracy"),
    (dict(early_stop_patience=3, val_fraction=0.0), "validation share is 0"),
    (dict(lr_schedule="plateau", val_fraction=0.0), "validation share is 0"),
    (dict(lr_schedule="cosine", lr_warmup_epochs=100), "warm-up"),
])
def test_unsuitable_controls_are_refused_with_the_fix(changes, words):
    with pytest.raises(StackError, match=words):
        check_experiment(Experiment(**changes))
    result = run_training(Experiment(epochs=2, **changes))
    assert result.status == "failed" and words in result.message


def test_restoring_without_early_stopping_is_ignored_not_refused():
    """The control is greyed out while early stopping is off: it must not
    block training (it used to ask to switch it off, which it then could not)."""
    exp = Experiment(epochs=3, restore_best="on", early_stop_patience=0)
    check_experiment(exp)
    result = run_training(exp)
    assert result.status == "completed" and result.epochs_run == 3
    assert result.best_epoch is None and not result.early_stop


def _plain_keras_fit(exp, callbacks):
    """Plain Keras `fit` with `validation_data`, fed the app's own pipeline."""
    data = experiment_data(exp)
    model = build_model(exp)
    steps = math.ceil(len(data.x_train) / exp.batch_size)
    spe = steps_per_execution_for(steps)
    compile_model(model, exp, steps_per_execution=spe, steps_per_epoch=steps)
    train = _make_dataset(data.x_train, encode_targets(data.y_train, exp),
                          exp.batch_size, exp.seed, shuffle=True, repeat=steps == spe)
    history = model.fit(train, epochs=exp.epochs, verbose=0, shuffle=False,
                        steps_per_epoch=steps if steps == spe else None,
                        validation_data=(data.x_val, encode_targets(data.y_val, exp)),
                        validation_batch_size=1024, callbacks=callbacks)
    return model, history.history


def test_early_stopping_stops_where_plain_keras_does():
    exp = NOISY.replace(early_stop_patience=3, early_stop_min_delta=0.001)
    result = run_training(exp)
    stopper = keras.callbacks.EarlyStopping("val_loss", patience=3, min_delta=0.001)
    _, plain = _plain_keras_fit(exp, [stopper])
    assert result.epochs_run < exp.epochs  # it did stop early
    assert result.epochs_run == len(plain["loss"])
    np.testing.assert_allclose(result.history["val_loss"], plain["val_loss"],
                               rtol=1e-4)
    assert result.best_epoch == stopper.best_epoch + 1
    assert result.message.startswith(f"Early stopping after epoch {result.epochs_run}")
    assert "val_loss had not improved by more than 0.001 for 3 epoch(s)" in result.message
    from playground.i18n import translated, use_language

    with use_language("zh"):  # made in English, read in the reader's language
        assert translated(result.message).startswith(
            f"早停：第 {result.epochs_run} 轮后结束")


def test_restore_best_keeps_the_best_epochs_weights_like_plain_keras():
    exp = NOISY.replace(early_stop_patience=3, early_stop_monitor="val_accuracy",
                        restore_best="on")
    result = run_training(exp)
    model, plain = _plain_keras_fit(exp, [keras.callbacks.EarlyStopping(
        "val_accuracy", patience=3, restore_best_weights=True)])
    assert result.epochs_run == len(plain["loss"]) < exp.epochs
    best = int(np.argmax(result.history["val_accuracy"])) + 1
    assert result.best_epoch == best < result.epochs_run
    for ours, theirs in zip(result.weights, model.get_weights()):
        np.testing.assert_allclose(ours, theirs, atol=1e-5)
    # The kept weights are those a run of exactly `best` epochs ends with.
    shorter = run_training(NOISY.replace(epochs=best))
    for ours, theirs in zip(result.weights, shorter.weights):
        np.testing.assert_allclose(ours, theirs, atol=1e-5)


def _steps(exp):
    return math.ceil(len(experiment_data(exp).x_train) / exp.batch_size)


@pytest.mark.parametrize("schedule, make", [
    ("step", lambda lr, steps: keras.optimizers.schedules.ExponentialDecay(
        lr, 3 * steps, 0.5, staircase=True)),
    ("exponential", lambda lr, steps: keras.optimizers.schedules.ExponentialDecay(
        lr, 3 * steps, 0.5)),
    ("cosine", lambda lr, steps: keras.optimizers.schedules.CosineDecay(
        0.0, 8 * steps, warmup_target=lr, warmup_steps=2 * steps)),
])
def test_each_schedule_sets_the_learning_rate_keras_computes(schedule, make):
    exp = Experiment(dataset="circle", samples=100, epochs=10, lr_schedule=schedule,
                     lr_decay_rate=0.5, lr_decay_epochs=3, lr_warmup_epochs=2)
    result = run_training(exp)
    steps = _steps(exp)
    expected = [float(make(exp.learning_rate, steps)(e * steps)) for e in range(10)]
    np.testing.assert_allclose(result.history["learning_rate"], expected, rtol=1e-6)
    assert len(set(np.round(expected, 9))) > 2  # the rate did change


def test_plateau_schedule_follows_reduce_lr_on_plateau():
    exp = NOISY.replace(epochs=25, lr_schedule="plateau", plateau_factor=0.5,
                        plateau_patience=2, min_lr=0.1)
    result = run_training(exp)
    # Replay the recorded validation losses through Keras' own callback.
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(exp.learning_rate), loss="mse")
    replay = keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=2, min_lr=0.1)
    replay.set_model(model)
    replay.on_train_begin()
    rates = []
    for epoch, val_loss in enumerate(result.history["val_loss"]):
        rates.append(float(model.optimizer.learning_rate))
        replay.on_epoch_end(epoch, {"val_loss": val_loss})
    np.testing.assert_allclose(result.history["learning_rate"], rates, rtol=1e-6)
    assert min(rates) == pytest.approx(0.1) and max(rates) == pytest.approx(0.3)


def test_constant_rate_records_no_learning_rate_and_clipnorm_reaches_keras():
    exp = Experiment(dataset="circle", samples=100, epochs=2, clipnorm=0.5)
    assert "learning_rate" not in run_training(exp).history
    from playground.training.compiling import make_optimizer
    assert make_optimizer(exp).clipnorm == 0.5
    assert make_optimizer(exp.replace(clipnorm=0.0)).clipnorm is None


def test_balanced_class_weights_are_sklearns_and_change_training():
    from playground.training.controls import class_weights

    exp = Experiment(class_weight="balanced")
    y = np.array([0, 0, 0, 1])
    assert class_weights(exp, y) == pytest.approx({0: 4 / 6, 1: 2.0})
    assert class_weights(Experiment(), y) is None
    base = Experiment(dataset="breast-cancer", epochs=3, layers=(), optimizer="adam")
    plain, weighted = run_training(base), run_training(base.replace(
        class_weight="balanced"))
    assert weighted.status == "completed"
    assert plain.history["loss"] != weighted.history["loss"]


def test_tensorboard_zip_holds_event_files_with_epoch_scalars(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    exp = Experiment(dataset="circle", samples=100, epochs=4, tensorboard="on")
    result = run_training(exp)
    assert run_training(exp.replace(tensorboard="off")).tensorboard_zip is None
    archive = zipfile.ZipFile(io.BytesIO(result.tensorboard_zip))
    names = archive.namelist()
    assert any(n.startswith("train/events.out.tfevents") for n in names)
    assert any(n.startswith("validation/events.out.tfevents") for n in names)
    archive.extractall(tmp_path)
    tags = {}
    for folder in ("train", "validation"):
        acc = EventAccumulator(str(tmp_path / folder), size_guidance={"tensors": 0})
        acc.Reload()
        tags[folder] = acc.Tags()
    assert {"epoch_loss", "epoch_accuracy"} <= set(tags["train"]["tensors"])
    assert {"epoch_loss", "epoch_accuracy"} <= set(tags["validation"]["tensors"])
    assert any("kernel" in t for t in tags["train"]["tensors"])  # histograms
