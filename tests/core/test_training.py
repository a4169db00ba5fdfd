"""Real Keras training on tiny data: learning, stop, divergence, failure."""

import math

import numpy as np
import pytest

from playground.config import Experiment
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.training.loop import StopSignal, run_training

L = LayerSpec.make


def test_gauss_preset_learns_to_high_test_accuracy():
    events = []
    result = run_training(PRESETS["gauss"].experiment.replace(epochs=15),
                          emit=events.append)
    assert result.status == "completed"
    assert result.epochs_run == 15
    assert result.test_metrics["accuracy"] >= 0.95
    assert result.history["loss"][-1] < result.history["loss"][0]
    epochs = [e for e in events if e["type"] == "epoch"]
    assert [e["epoch"] for e in epochs] == list(range(1, 16))
    assert set(epochs[0]["logs"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert events[-1]["type"] == "end"


def test_iris_mlp_preset_learns():
    result = run_training(PRESETS["iris-mlp"].experiment.replace(epochs=40))
    assert result.test_metrics["accuracy"] >= 0.85


def test_regression_reports_mae():
    exp = Experiment(dataset="reg-plane", layers=(L("dense", units=8),),
                     optimizer="adam", learning_rate=0.01, epochs=10)
    result = run_training(exp)
    assert result.status == "completed"
    assert result.test_metrics["mae"] < 0.2


def test_same_experiment_same_history():
    exp = PRESETS["xor"].experiment.replace(epochs=3)
    first, second = run_training(exp), run_training(exp)
    assert np.allclose(first.history["loss"], second.history["loss"], rtol=1e-4)


def test_stop_keeps_history_and_weights():
    """A stop request reaches `fit` after the current group of batches; the
    epochs run, the weights and the test metrics are kept. (The worker pool's
    tests check the same across a process boundary.)"""
    exp = PRESETS["circle"].experiment.replace(epochs=2000)
    stop = StopSignal()

    def emit(event):
        if event["type"] == "epoch" and event["epoch"] == 3:
            stop.request()

    result = run_training(exp, emit, stop=stop)
    assert result.status == "stopped"
    assert 3 <= result.epochs_run < 2000
    assert all(len(v) == result.epochs_run for v in result.history.values())
    assert result.message == f"Stopped by you after {result.epochs_run} epoch(s)."
    assert [w.shape for w in result.weights] == [(2, 4), (4,), (4, 2), (2,), (2, 1), (1,)]
    assert "accuracy" in result.test_metrics


def test_stop_requested_before_fit_ends_after_first_batch_group():
    stop = StopSignal()
    stop.request()
    result = run_training(PRESETS["circle"].experiment.replace(epochs=50), stop=stop)
    assert result.status == "stopped"
    assert result.epochs_run == 1


def test_huge_learning_rate_diverges_and_keeps_finite_weights():
    exp = Experiment(dataset="reg-gauss", layers=(L("dense", units=16),),
                     optimizer="sgd", learning_rate=10.0, epochs=30)
    result = run_training(exp)
    assert result.status == "diverged"
    assert result.message.startswith("Training diverged at epoch ")
    epoch = int(result.message.split("epoch ")[1].split(":")[0])
    assert epoch == result.epochs_run
    assert not math.isfinite(result.history["loss"][-1])
    assert all(np.isfinite(w).all() for w in result.weights)


def test_failure_is_reported_not_raised():
    bad = Experiment(dataset="iris", layers=(L("conv2d"),))
    result = run_training(bad)
    assert result.status == "failed"
    assert "needs an image input" in result.message


@pytest.mark.parametrize("kwargs", [
    dict(dataset="circle"),                                         # binary, sigmoid
    dict(dataset="wine", layers=(L("dense", units=8, l2=0.01),)),   # sparse labels + L2
    dict(dataset="iris", loss="cce"),                               # one-hot labels
    dict(dataset="reg-plane", layers=(L("dense", units=4),)),       # regression, mae
])
def test_validation_numbers_match_keras_evaluate(kwargs):
    from playground.datasets import load_dataset
    from playground.model.builder import build_model
    from playground.model.checks import encode_targets
    from playground.registry import task_metrics
    from playground.training.callbacks import Validator
    from playground.training.compiling import compile_model

    exp = Experiment(**kwargs)
    data = load_dataset(exp.dataset, exp.samples, exp.noise, exp.val_fraction,
                        exp.test_fraction, exp.seed)
    model = compile_model(build_model(exp), exp)
    y_val = encode_targets(data.y_val, exp)
    metric = task_metrics(data.info.task)[0]
    ours = Validator(model, data.x_val, y_val, metric, batch_size=16)()
    keras_logs = model.evaluate(data.x_val, y_val, batch_size=16, verbose=0,
                                return_dict=True)
    assert ours["val_loss"] == pytest.approx(keras_logs["loss"], rel=1e-4)
    assert ours[f"val_{metric}"] == pytest.approx(keras_logs[metric], rel=1e-4)
    # The same compiled function scores the test split (another number of
    # rows) as `evaluate` would, and gives `predict`'s outputs.
    y_test = encode_targets(data.y_test, exp)
    validator = Validator(model, data.x_val, y_val, metric, batch_size=16)
    scores, outputs = validator.score(data.x_test, y_test, keep_outputs=True)
    keras_test = model.evaluate(data.x_test, y_test, batch_size=16, verbose=0,
                                return_dict=True)
    assert scores == pytest.approx(keras_test, rel=1e-4)
    np.testing.assert_allclose(outputs, model.predict(data.x_test, verbose=0), rtol=1e-5,
                               atol=1e-6)
    assert validator.score(data.x_test, y_test, keep_outputs=False)[1] is None
    assert validator._evaluate.experimental_get_tracing_count() == 1  # one trace for both


def test_with_l2_the_test_data_loss_leaves_the_penalty_out():
    import keras

    from playground.datasets.source import experiment_data
    from playground.model.builder import build_model

    exp = Experiment(dataset="reg-plane", samples=200, epochs=3, seed=2,
                     layers=(LayerSpec.make("dense", units=8, l2=0.1),))
    result = run_training(exp)
    metrics = result.test_metrics
    assert metrics["data_loss"] < metrics["loss"]  # the penalty is positive
    model = build_model(exp)
    model.set_weights(result.weights)
    data = experiment_data(exp)
    predicted = model.predict(data.x_test, verbose=0)
    mse = float(keras.losses.MeanSquaredError()(data.y_test.reshape(-1, 1), predicted))
    assert metrics["data_loss"] == pytest.approx(mse, rel=1e-3)
    assert metrics["mae"] == pytest.approx(float(np.mean(np.abs(
        data.y_test.reshape(-1, 1) - predicted))), rel=1e-3)
    unregularised = run_training(exp.replace(layers=(LayerSpec.make("dense", units=8),)))
    assert "data_loss" not in unregularised.test_metrics


@pytest.mark.parametrize("dataset", ["iris", "reg-plane"])
def test_the_test_outputs_are_kept_with_the_result(dataset):
    """The worker predicts the test set once when training ends, so the
    Evaluate page needs no second pass: the kept outputs are the model's."""
    from playground.datasets.source import experiment_data
    from playground.evaluation.predictions import model_outputs

    exp = Experiment(dataset=dataset, samples=200, epochs=2,
                     layers=(LayerSpec.make("dense", units=4),))
    result = run_training(exp)
    data = experiment_data(exp)
    assert result.test_outputs.dtype == np.float32
    assert result.test_outputs.shape == (len(data.x_test), 3 if dataset == "iris" else 1)
    np.testing.assert_allclose(result.test_outputs,
                               model_outputs(exp, result.weights, data.x_test),
                               rtol=1e-5, atol=1e-6)


def test_a_failed_run_keeps_no_test_outputs():
    result = run_training(Experiment(dataset="iris", layers=(L("conv2d"),)))
    assert result.status == "failed" and result.test_outputs is None
