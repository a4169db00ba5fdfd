"""Train more: a stored run continued from its final weights or a checkpoint.

A finished run (completed or stopped) offers its final weights and each of
its checkpoints as starting points (`starting_points`). `continued` makes
the experiment of the new run: the settings to train (the run's own, or
the editors' when the learner changed, say, the learning rate), trained to
`epoch + more` epochs, whose job carries the weights and the parent's
history up to `epoch` (`playground.training.starting_point.StartingPoint`).
The new run is an ordinary job on any executor; its run names its parent
and the epoch it started from, and its curves go on from the parent's.

What is not continued: the optimizer's state (momentum, Adam's averages)
and a learning-rate schedule start afresh, since a run keeps its weights
only.

`layers_differ` tells, before anything is queued and without TensorFlow,
whether the weights of a run's model can fit another experiment's model;
the worker checks the shapes again when it builds the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.config import Experiment
from playground.i18n import tr
from playground.model.checks import check_experiment
from playground.model.shapes import StackError
from playground.training.result import COMPLETED, STOPPED
from playground.training.starting_point import StartingPoint

CONTINUABLE = (COMPLETED, STOPPED)
"""The statuses of a run that Train more continues (a diverged or failed
run's weights are no place to go on from)."""


@dataclass(frozen=True)
class StartChoice:
    """One set of weights a run may continue from.

    Attributes:
        epoch: The epoch the weights are from (1-based).
        weights: The arrays, as `model.get_weights()` gives them.
        checkpoint: Whether they are a checkpoint (else the final weights).
        monitor, value: The watched validation value at that epoch, if known.
    """

    epoch: int
    weights: list
    checkpoint: bool = False
    monitor: str | None = None
    value: float | None = None

    def label(self) -> str:
        """How the page names it: `final weights (epoch 20)`, `checkpoint:
        epoch 12 (val_loss 0.231)`."""
        if not self.checkpoint:
            return tr("final weights (epoch {epoch})", epoch=self.epoch)
        if self.value is None:
            return tr("checkpoint: epoch {epoch}", epoch=self.epoch)
        return tr("checkpoint: epoch {epoch} ({monitor} {value})", epoch=self.epoch,
                  monitor=self.monitor, value=format(self.value, ".4g"))


def final_epoch(experiment: Experiment, result: Any) -> int:
    """The epoch a run's final weights are from: its last, or the best one
    when early stopping ended it and kept the best epoch's weights."""
    if (experiment.restore_best == "on" and getattr(result, "early_stop", "")
            and getattr(result, "best_epoch", None)):
        return int(result.best_epoch)
    return int(result.epochs_run)


def starting_points(experiment: Experiment, result: Any) -> list[StartChoice]:
    """The final weights, then the checkpoints newest first, of a run that
    Train more can continue; empty for any other run."""
    if result is None or result.status not in CONTINUABLE or not result.weights:
        return []
    final = final_epoch(experiment, result)
    if final < 1:
        return []
    choices = [StartChoice(final, list(result.weights))]
    for point in reversed(getattr(result, "checkpoints", None) or []):
        choices.append(StartChoice(int(point["epoch"]), list(point["weights"]), True,
                                   point.get("monitor"), point.get("value")))
    return choices


def continued(experiment: Experiment, parent_id: str, choice: StartChoice,
              history: dict[str, list[float]], more: int) -> Experiment:
    """The experiment of a run that continues `parent_id` from `choice` for
    `more` epochs: `experiment`'s settings, trained to `choice.epoch + more`
    epochs from the chosen weights, its history beginning with the parent's
    up to that epoch.

    Raises:
        ConfigError: when `choice.epoch + more` is over the epochs' maximum.
    """
    start = StartingPoint.of(parent_id, choice.epoch,
                             [np.asarray(w) for w in choice.weights], history)
    return experiment.replace(epochs=choice.epoch + int(more), start=start)


def layers_differ(trained: Experiment, experiment: Experiment) -> str | None:
    """Why a model of `trained` has weights that cannot fit `experiment`'s,
    or None when they fit: the layers with weights must hold the same
    numbers of parameters, in the same order (layers without weights, such
    as Dropout, may come and go). Computed from the stack's summary,
    without TensorFlow."""
    try:
        before = [row for row in check_experiment(trained) if row.params]
        now = [row for row in check_experiment(experiment) if row.params]
    except StackError as error:
        return str(error)
    for index, (old, new) in enumerate(zip(before, now)):
        if (old.params, old.output_shape) != (new.params, new.output_shape):
            return tr("layer {index} with weights holds {before} parameters (output "
                      "{old_shape}) in the run and {now} (output {new_shape}) now",
                      index=index + 1, before=old.params, now=new.params,
                      old_shape=old.output_shape, new_shape=new.output_shape)
    if len(before) != len(now):
        return tr("the run's model has {before} layers with weights and this one "
                  "{now}", before=len(before), now=len(now))
    return None
