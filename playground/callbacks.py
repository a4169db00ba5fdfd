"""The Keras callback that streams epochs out of `fit`.

Kept in its own module so the class is defined once per process (a class
defined in a Streamlit page would be redefined on every rerun). It only
overrides epoch-level hooks, which keeps Keras' asynchronous batch dispatch
on: a batch hook would force a host sync after every step.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable

import keras
import numpy as np


class StreamCallback(keras.callbacks.Callback):
    """Emits one plain-data event per epoch and handles stop and divergence.

    Args:
        epochs: Planned number of epochs, reported with each event.
        emit: Receives each event dict.
        stop: The run's `StopSignal`.
        history: Filled in place with one value per epoch and metric.
        state: Filled in place: `weights` (the initial weights, then the
            last ones with a finite loss),
            `elapsed` (seconds) and `diverged_at` (epoch number or None).
    """

    def __init__(self, epochs: int, emit: Callable[[dict], None], stop: Any,
                 history: dict[str, list[float]], state: dict[str, Any]):
        super().__init__()
        self.epochs = epochs
        self.emit = emit
        self.stop = stop
        self.history = history
        self.state = state
        self._start = 0.0

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self.state["weights"] = [np.array(w) for w in self.model.get_weights()]
        self.stop.attach(self.model)

    def on_epoch_end(self, epoch, logs=None):
        values = {k: float(v) for k, v in (logs or {}).items()}
        elapsed = time.perf_counter() - self._start
        self.state["elapsed"] = elapsed
        finite = all(math.isfinite(v) for v in values.values())
        if finite:
            self.state["weights"] = [np.array(w) for w in self.model.get_weights()]
        elif self.state["diverged_at"] is None:
            self.state["diverged_at"] = epoch + 1
            self.model.stop_training = True
        for key, value in values.items():
            self.history.setdefault(key, []).append(value)
        self.emit({"type": "epoch", "epoch": epoch + 1, "epochs": self.epochs,
                   "logs": values, "elapsed": elapsed})
        if self.stop.requested:
            self.model.stop_training = True
