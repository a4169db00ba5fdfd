"""A network kept in its process after a run: the next run of it traces
nothing and trains exactly as a freshly built one would."""

from __future__ import annotations

import pytest

from playground.config import Experiment
from playground.model.layers import LayerSpec
from playground.training import warm_models
from playground.training.loop import run_training

L = LayerSpec.make
NETWORK = (L("dense", units=8, activation="relu"), L("dropout", rate=0.2),
           L("dense", units=4, activation="tanh"))
BASE = Experiment(dataset="circle", samples=200, layers=NETWORK, optimizer="adam",
                  learning_rate=0.01, batch_size=16, epochs=4)


def cold(exp: Experiment):
    """The run as a process that kept nothing trains it."""
    warm_models.forget()
    return run_training(exp)


def kept_model():
    return warm_models._kept.model if warm_models._kept is not None else None


@pytest.mark.parametrize("change", [
    {},  # the same experiment again
    {"learning_rate": 0.003, "epochs": 6},
    {"seed": 7, "noise": 0.2},
    {"optimizer": "adagrad", "learning_rate": 0.1},  # slots that start at 0.1, not 0
])
def test_a_run_on_a_kept_model_trains_exactly_as_a_fresh_one(change):
    first = BASE.replace(**({"optimizer": "adagrad"} if "optimizer" in change else {}))
    run_training(first)  # leaves its model kept
    model = kept_model()
    traced = model.train_function
    exp = first.replace(**change)
    result = run_training(exp)
    assert kept_model() is model  # taken and kept again: not built anew
    assert model.train_function is traced  # not compiled again
    expected = cold(exp)
    assert result.history == expected.history
    assert result.test_metrics == expected.test_metrics
    assert all((a == b).all() for a, b in zip(result.weights, expected.weights))


def test_another_network_or_schedule_builds_its_own_model():
    run_training(BASE)
    model = kept_model()
    run_training(BASE.replace(layers=(L("dense", units=6, activation="relu"),)))
    assert kept_model() is not model
    scheduled = BASE.replace(lr_schedule="cosine")
    run_training(scheduled)
    model = kept_model()
    run_training(scheduled.replace(epochs=8))  # the schedule's length is traced in
    assert kept_model() is not model


def test_a_run_that_fails_keeps_nothing():
    import dataclasses

    import numpy as np

    from playground.datasets import load_dataset

    warm_models.forget()
    data = load_dataset("circle", 200, 0.0, 0.2, 0.2, 0)
    wrong = dataclasses.replace(data, x_train=np.zeros((len(data.x_train), 3), np.float32))
    result = run_training(BASE, dataset=wrong)  # three inputs for a two-input model
    assert result.status == "failed" and kept_model() is None


def test_two_runs_in_one_process_never_share_a_model():
    run_training(BASE)
    key = warm_models._kept.key
    first = warm_models.take(key, BASE, BASE.learning_rate)
    assert first is not None and warm_models.take(key, BASE, BASE.learning_rate) is None
