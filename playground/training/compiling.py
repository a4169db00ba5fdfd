"""The experiment's optimizer and `model.compile`: what training minimises, and how.

The optimizer comes with its learning-rate schedule and gradient clipping
(`playground.training.controls`); the loss and metrics follow the task.
Imports Keras when called.
"""

from __future__ import annotations

from typing import Any

from playground.config import Experiment
from playground.model.checks import data_spec_of, resolve_loss
from playground.registry import LOSSES, OPTIMIZERS, task_metrics


def make_optimizer(exp: Experiment, steps_per_epoch: int = 1) -> Any:
    """The experiment's optimizer, with its schedule and gradient clipping.

    Args:
        steps_per_epoch: Batches per epoch; schedules count steps.
    """
    import keras

    from playground.training.controls import learning_rate

    info = OPTIMIZERS[exp.optimizer]
    cls = getattr(keras.optimizers, info.keras_class)
    kwargs = {"learning_rate": learning_rate(exp, steps_per_epoch)}
    if info.uses_momentum:
        kwargs["momentum"] = exp.momentum
    if exp.clipnorm:
        kwargs["clipnorm"] = exp.clipnorm
    return cls(**kwargs)


def compile_model(model: Any, exp: Experiment, steps_per_execution: int = 1,
                  steps_per_epoch: int = 1) -> Any:
    """Compiles with the experiment's loss, optimizer and task metrics, and
    keeps the metrics' per-epoch upkeep compiled (`metric_upkeep`)."""
    from playground.training.metric_upkeep import keep_metrics_compiled

    data = data_spec_of(exp)
    model.compile(
        optimizer=make_optimizer(exp, steps_per_epoch),
        loss=LOSSES[resolve_loss(exp, data)].keras_name,
        metrics=task_metrics(data.task),
        steps_per_execution=steps_per_execution,
        jit_compile=False,
    )
    return keep_metrics_compiled(model)
