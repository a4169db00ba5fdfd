"""A trained network kept in its worker, so the next run of it starts at once.

Keras traces a model's train step the first time `fit` runs it: on a small
2-D network that is most of the first epoch's second on screen, and the
validation and snapshot functions add their own traces after it. A learner
mostly trains the same network again: after changing the learning rate,
the epochs, the noise or the samples, or just pressing Train once more.

So a worker keeps the last model it trained, compiled, with its traced
functions (`WarmModel`). The next run takes it when nothing that the traced
functions hold differs (`graph_key`: the layers, the loss, the optimizer
and its settings, the batches per compiled call, ...), and sets every piece
of state back to where a new model would start: the weights and the random
generators' states from a model built afresh with the run's seed, the
optimizer's slots and step count from the values it had before its first
step, and the learning rate. A run that takes a kept model trains exactly
as one that builds its own (tests compare the histories number for number).

One model is kept per process, and none over `MAX_KEPT_PARAMS` weights.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import numpy as np

from playground.config import Experiment

MAX_KEPT_PARAMS = 5_000_000
"""Larger models are not kept: their memory matters more than their trace."""

_UNTRACED_FIELDS = frozenset({
    # The data's size and split change the arrays, not the traced functions
    # (the batches per compiled call, which they can change, are in the key).
    "samples", "subset", "noise", "val_fraction", "test_fraction",
    # Reset when a kept model is taken: the seed's weights and random states.
    "seed",
    # Callbacks and run bookkeeping, outside the traced functions.
    "epochs", "early_stop_patience", "early_stop_monitor", "early_stop_min_delta",
    "restore_best", "plateau_factor", "plateau_patience", "min_lr", "tensorboard",
    "checkpoint", "checkpoint_every", "checkpoint_keep", "class_weight", "fold", "start",
})
"""Experiment fields a kept model does not depend on. The learning rate is
one too when it is a plain number (set when the model is taken); a schedule
is traced into the train step with its numbers (`graph_key` adds them)."""


def graph_key(exp: Experiment, steps_per_execution: int, learning_rate: Any) -> tuple:
    """What a kept model's traced functions depend on, for `exp` trained
    with `steps_per_execution` batches per compiled call and this learning
    rate (`playground.training.controls.learning_rate`: a number, which a
    taken model is given, or a schedule, whose settings are traced in)."""
    fields = _traced_fields(exp)
    schedule = (repr(sorted(learning_rate.get_config().items()))
                if callable(learning_rate) else None)
    return repr(sorted(fields.items())), steps_per_execution, schedule


@dataclasses.dataclass
class WarmModel:
    """A compiled model and what was traced for it.

    Attributes:
        key: Its `graph_key`.
        model: The compiled Keras model (its train function traced once it
            has trained).
        optimizer_start: The optimizer's variables before its first step.
        functions: Traced functions of the validator and the snapshot
            probes, by what they were made for (they reuse these).
    """

    key: tuple
    model: Any
    optimizer_start: list[np.ndarray]
    functions: dict = dataclasses.field(default_factory=dict)


def same_network(a: Experiment, b: Experiment) -> bool:
    """Whether a network kept for `a` likely serves `b` (the fields the
    traced functions depend on are equal; the data's size, which can change
    the batches per compiled call, is not looked at)."""
    return _traced_fields(a) == _traced_fields(b)


def _traced_fields(exp: Experiment) -> dict[str, Any]:
    """The experiment's fields that a kept network's traced functions hold
    (a learning rate that is a plain number is set when it is taken)."""
    return {f.name: getattr(exp, f.name) for f in dataclasses.fields(exp)
            if f.name not in _UNTRACED_FIELDS and f.name != "learning_rate"}


_lock = threading.Lock()
_kept: WarmModel | None = None


def prepared(model: Any, key: tuple) -> WarmModel:
    """A freshly built and compiled model as a `WarmModel`: builds its
    optimizer now, to note the variables' starting values."""
    model.optimizer.build(model.trainable_variables)
    return WarmModel(key, model, [np.array(v.numpy()) for v in model.optimizer.variables])


def take(key: tuple, exp: Experiment, learning_rate: Any) -> WarmModel | None:
    """The kept model for `key`, set back to the state a model built for
    `exp` starts in, or None. A taken model is no longer kept (two runs in
    one process never share one)."""
    global _kept
    with _lock:
        warm, _kept = (_kept, None) if _kept is not None and _kept.key == key else (None,
                                                                                    _kept)
    if warm is None:
        return None
    from playground.model.builder import build_model

    fresh = build_model(exp)
    model = warm.model
    if [tuple(v.shape) for v in fresh.variables] != [tuple(v.shape) for v in model.variables]:
        return None  # not the same network after all: build anew
    for variable, value in zip(model.variables, fresh.variables):
        variable.assign(value)
    for variable, value in zip(model.optimizer.variables, warm.optimizer_start):
        variable.assign(value)
    if not callable(learning_rate):
        model.optimizer.learning_rate = learning_rate
    model.stop_training = False
    return warm


def keep(warm: WarmModel) -> None:
    """Keeps `warm` for the next run in this process, in place of any other."""
    global _kept
    if warm.model.count_params() > MAX_KEPT_PARAMS:
        return
    with _lock:
        _kept = warm


def forget() -> None:
    """Drops the kept model (a test, or a worker freeing memory)."""
    global _kept
    with _lock:
        _kept = None
