"""Checkpoints: copies of the weights at chosen epochs, kept in memory.

`KeepCheckpoints` follows Keras' `ModelCheckpoint`: with `mode="best"` it
saves the weights whenever the watched validation value improves
(`save_best_only`), with `mode="every"` every N epochs (`save_freq` in
epochs). Instead of files on the worker's disk it keeps the arrays, which
go with the run's end into the store (`.npz`, never pickle), so any server
sharing the store can offer them as `.keras` downloads or continue from
them (**Train more**).

Each checkpoint is a whole copy of the weights, so a run keeps at most
`keep` of them, the latest ones (with `best`, the last is the best epoch),
and never more than `MAX_CHECKPOINT_BYTES` together (then fewer, but at
least the latest one).

A checkpoint is a plain dict: `epoch` (1-based, numbered on after a
continued run's parent), `monitor` and `value` (the watched validation
value at that epoch; None without validation data) and `weights` (as
`model.get_weights()` gives them).
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

MAX_CHECKPOINT_BYTES = 256 * 2**20
"""The most memory (and store space) one run's checkpoints take together."""


def better(monitor: str, value: float, best: float | None) -> bool:
    """Whether `value` improves on `best`: accuracy up, losses and errors down
    (Keras' `mode="auto"`)."""
    if best is None:
        return True
    return value > best if "acc" in monitor else value < best


class KeepCheckpoints(keras.callbacks.Callback):
    """Keeps the weights of chosen epochs in memory, as `ModelCheckpoint` saves files.

    Goes after `StreamCallback` in `fit`'s list, so that it reads the same
    `val_*` values the charts show.

    Args:
        mode: `"best"` (each epoch whose `monitor` improved) or `"every"`.
        monitor: The validation value watched (`val_loss`, `val_accuracy`,
            `val_mae`); with `every`, only recorded beside the weights.
        every: With `every`, the epochs between two checkpoints.
        keep: How many checkpoints are kept, the latest ones.
        max_bytes: The most bytes all kept checkpoints take together.

    Attributes:
        kept: The checkpoints, oldest first.
    """

    def __init__(self, mode: str, monitor: str, every: int = 1, keep: int = 3,
                 max_bytes: int = MAX_CHECKPOINT_BYTES):
        super().__init__()
        if mode not in ("best", "every"):
            raise ValueError(f"mode must be 'best' or 'every'; received {mode!r}.")
        self.mode, self.monitor = mode, monitor
        self.every, self.keep, self.max_bytes = every, keep, max_bytes
        self.best: float | None = None
        self.kept: list[dict[str, Any]] = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if not all(math.isfinite(float(v)) for v in logs.values()):
            return  # a diverged epoch: its weights are no checkpoint
        number = epoch + 1
        value = logs.get(self.monitor)
        value = None if value is None else float(value)
        if self.mode == "every":
            if number % self.every:
                return
        elif value is None or not better(self.monitor, value, self.best):
            return
        else:
            self.best = value
        self.kept.append({"epoch": number, "monitor": self.monitor, "value": value,
                          "weights": [np.array(w) for w in self.model.get_weights()]})
        while len(self.kept) > self.keep or (
                len(self.kept) > 1 and _size(self.kept) > self.max_bytes):
            self.kept.pop(0)


def _size(kept: list[dict[str, Any]]) -> int:
    return sum(w.nbytes for point in kept for w in point["weights"])


def checkpoint_callbacks(exp: Any) -> list[KeepCheckpoints]:
    """The experiment's checkpoint callback, or none when checkpoints are off."""
    if exp.checkpoint == "off":
        return []
    return [KeepCheckpoints(exp.checkpoint, exp.early_stop_monitor,
                            exp.checkpoint_every, exp.checkpoint_keep)]


def kept_checkpoints(made: list[Any]) -> list[dict[str, Any]]:
    """The checkpoints kept by the `KeepCheckpoints` among `made`, if any."""
    return next((list(c.kept) for c in made if isinstance(c, KeepCheckpoints)), [])
