"""The training doctor on real runs crafted to show each problem, and on healthy ones.

Most runs go through `run_training` as the app does. Two problems (dead
ReLUs from a negative bias, exploding gradients from oversized weights)
need weights no experiment can ask for, so those runs set the weights on the
built model and train it with the app's own callback and snapshotter.
"""

import math

import numpy as np
import pytest

from playground.config import Experiment
from playground.datasets.source import experiment_data
from playground.inspection.doctor import diagnose
from playground.model.builder import build_model
from playground.model.checks import encode_targets
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.training.compiling import compile_model
from playground.training.loop import StopSignal, run_training

L = LayerSpec.make


def run(exp: Experiment):
    events = []
    result = run_training(exp, emit=events.append, snapshots=True)
    shots = [e for e in events if e["type"] == "snapshot"]
    return result, diagnose(result.history, shots)


def run_with_weights(exp: Experiment, adjust):
    """Trains `exp` after `adjust(model)` changed its initial weights."""
    from playground.training.callbacks import StreamCallback
    from playground.training.measurements import Snapshotter

    model = build_model(exp)
    compile_model(model, exp)
    adjust(model)
    data = experiment_data(exp)
    y = encode_targets(data.y_train, exp)
    shots, history = [], {}
    state = {"weights": [], "elapsed": 0.0, "diverged_at": None}
    callback = StreamCallback(exp.epochs, shots.append, StopSignal(), history, state,
                              snapshotter=Snapshotter(model, data.x_train, y,
                                                      plane=False, interval=0))
    model.fit(data.x_train, y, batch_size=exp.batch_size, epochs=exp.epochs,
              verbose=0, callbacks=[callback])
    shots = [e for e in shots if e["type"] == "snapshot"]
    return diagnose(history, shots)


def rules(findings):
    return [f.rule for f in findings]


@pytest.mark.parametrize("preset", ["circle", "iris-mlp"])
def test_healthy_runs_get_no_findings(preset):
    exp = PRESETS[preset].experiment
    result, findings = run(exp.replace(epochs=min(exp.epochs, 60)))
    assert result.status == "completed"
    assert findings == []


def test_huge_learning_rate_gives_the_nan_advice_with_the_epoch():
    exp = Experiment(dataset="reg-plane", layers=(L("dense", units=8, activation="relu"),),
                     optimizer="sgd", learning_rate=10.0, epochs=20)
    result, findings = run(exp)
    assert result.status == "diverged"
    assert rules(findings) == ["diverged"]
    first_bad = next(i for i, v in enumerate(result.history["loss"])
                     if not math.isfinite(v)) + 1
    assert f"at epoch {first_bad}." in findings[0].title
    assert "Lower the learning rate" in findings[0].fix


def test_tiny_learning_rate_gives_the_flat_loss_advice():
    _, findings = run(PRESETS["circle"].experiment.replace(learning_rate=0.00001,
                                                           epochs=20))
    assert "flat" in rules(findings)
    assert "Raise the learning rate" in findings[rules(findings).index("flat")].fix


def test_tiny_training_set_with_a_big_network_gives_the_overfitting_advice():
    exp = Experiment(dataset="circle", samples=50, noise=0.5, val_fraction=0.4,
                     test_fraction=0.1,
                     layers=tuple(L("dense", units=64, activation="relu")
                                  for _ in range(3)),
                     optimizer="adam", learning_rate=0.01, batch_size=10, epochs=200)
    _, findings = run(exp)
    assert "overfitting" in rules(findings)
    assert "Dropout" in findings[rules(findings).index("overfitting")].fix


def test_deep_sigmoid_stack_gives_the_vanishing_gradient_advice():
    exp = Experiment(dataset="circle",
                     layers=tuple(L("dense", units=8, activation="sigmoid")
                                  for _ in range(10)), epochs=3)
    _, findings = run(exp)
    assert "vanishing" in rules(findings)


def test_negative_bias_on_a_relu_layer_gives_the_dead_units_advice():
    exp = PRESETS["iris-mlp"].experiment.replace(epochs=3)

    def negative_bias(model):
        layer = model.get_layer("dense_1")
        kernel, bias = layer.get_weights()
        layer.set_weights([kernel, np.full_like(bias, -10.0)])

    findings = run_with_weights(exp, negative_bias)
    assert "dead_relu" in rules(findings)
    assert "dense_1 100%" in findings[rules(findings).index("dead_relu")].detail


def test_oversized_weights_give_the_exploding_gradient_advice():
    exp = Experiment(dataset="circle", layers=tuple(
        L("dense", units=16, activation="relu") for _ in range(8)), epochs=1,
        learning_rate=0.00001)

    def scale_up(model):
        for layer in model.layers[:-1]:
            kernel, bias = layer.get_weights()
            layer.set_weights([kernel * 5.0, bias])

    findings = run_with_weights(exp, scale_up)
    assert "exploding" in rules(findings)
    # Its one-click fix is a valid change: gradient clipping at norm 1.
    changes = dict(findings[rules(findings).index("exploding")].changes)
    assert exp.replace(**changes).clipnorm == 1.0


def test_doctor_reads_plain_data_and_stays_quiet_without_measurements():
    assert diagnose({}) == []
    assert diagnose({"loss": [1.0, 0.5]}) == []


def test_overfitting_advice_quotes_the_last_epoch_with_one_number_of_decimals():
    """"Now" is the chart's last point, not the mean of the last epochs,
    and every number of the message has as many decimals as the others."""
    val = [0.5, 0.2, 0.0823, 0.09, 0.1, 0.11, 0.12, 0.1094, 0.1, 0.12, 0.09, 0.134]
    loss = [0.5, 0.3, 0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.04, 0.035, 0.03, 0.02512]
    findings = diagnose({"loss": loss, "val_loss": val})
    detail = next(f.detail for f in findings if f.rule == "overfitting")
    assert "(0.0823)" in detail and "0.1340 after the last epoch" in detail
    assert "0.0251." in detail
    assert "0.1147" not in detail  # the mean of the last three
