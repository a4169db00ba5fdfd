"""The Keras callback that streams epochs out of `fit`, and its validator.

Kept in its own module so the classes are defined once per process (a class
defined in a Streamlit page would be redefined on every rerun). The callback
only overrides epoch-level hooks, which keeps Keras' asynchronous batch
dispatch on: a batch hook would force a host sync after every step.

Validation is computed here rather than by `fit(validation_data=...)`:
Keras' per-epoch `evaluate()` rebuilds its callbacks and data iterator every
epoch, which cost more than the training itself on small data (measured in
`bench/training_speed.py`). The validator runs one compiled call per chunk
of fixed, preloaded tensors and gives the same numbers.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf


def _metric(name: str, y_true, y_pred):
    """Batch mean of the task metric, as Keras' string metrics define it."""
    if name == "mae":
        return tf.reduce_mean(tf.abs(tf.cast(y_true, y_pred.dtype) - y_pred))
    if y_pred.shape[-1] == 1:  # binary_accuracy, threshold 0.5
        hits = tf.cast(y_pred > 0.5, y_pred.dtype) == tf.cast(y_true, y_pred.dtype)
    elif len(y_true.shape) == len(y_pred.shape):  # categorical_accuracy
        hits = tf.argmax(y_true, axis=-1) == tf.argmax(y_pred, axis=-1)
    else:  # sparse_categorical_accuracy
        hits = tf.cast(y_true, tf.int64) == tf.argmax(y_pred, axis=-1)
    return tf.reduce_mean(tf.cast(hits, tf.float32))


class Validator:
    """Validation loss and task metric of a model, in compiled chunks.

    One `tf.function`, traced once for any number of rows (its batch
    dimension is left open), scores the validation split every epoch and
    the test split at the end (`score`), which also gives the model's test
    outputs from the same forward pass: Keras' `evaluate` and `predict`
    would each trace a function of their own for that one call (about
    0.4 s of a 2-D run's few seconds).

    Args:
        model: The compiled model (its loss and regularisation are used).
        x, y: Validation inputs and encoded targets.
        metric: `"accuracy"` or `"mae"`.
        batch_size: Chunk size, bounding the memory of one forward pass.
        functions: Where the compiled function is kept for another run of
            the same model (`playground.training.warm_models`): one already
            there for these inputs is used instead of tracing a new one.
    """

    def __init__(self, model: Any, x: np.ndarray, y: np.ndarray, metric: str,
                 batch_size: int, functions: dict | None = None):
        self.metric = metric
        self.batch_size = batch_size
        self.chunks = self._chunks(x, y)
        self.total = len(x)
        x_spec = tf.TensorSpec((None, *np.shape(x)[1:]), tf.as_dtype(np.asarray(x).dtype))
        y_spec = tf.TensorSpec((None, *np.shape(y)[1:]), tf.as_dtype(np.asarray(y).dtype))
        functions = {} if functions is None else functions
        key = ("validate", x_spec, y_spec, metric)
        if key not in functions:
            @tf.function(input_signature=(x_spec, y_spec))
            def evaluate(xb, yb):
                y_pred = model(xb, training=False)
                loss = model.compute_loss(x=xb, y=yb, y_pred=y_pred, training=False)
                return loss, _metric(metric, yb, y_pred), y_pred

            functions[key] = evaluate
        self._evaluate = functions[key]
        # Called as its concrete function: half the cost of a call through
        # `tf.function`'s argument matching (about 0.6 ms an epoch).
        self._call = self._evaluate.get_concrete_function()

    def _chunks(self, x: np.ndarray, y: np.ndarray) -> list[tuple[Any, Any]]:
        return [(tf.constant(x[i:i + self.batch_size]), tf.constant(y[i:i + self.batch_size]))
                for i in range(0, len(x), self.batch_size)]

    def _run(self, chunks, total: int, outputs: list | None = None) -> tuple[float, float]:
        loss = value = 0.0
        for xb, yb in chunks:
            batch_loss, batch_value, batch_outputs = self._call(xb, yb)
            weight = len(xb) / total
            loss += float(batch_loss) * weight
            value += float(batch_value) * weight
            if outputs is not None:
                outputs.append(batch_outputs.numpy())
        return loss, value

    def __call__(self) -> dict[str, float]:
        loss, value = self._run(self.chunks, self.total)
        return {"val_loss": loss, f"val_{self.metric}": value}

    def score(self, x: np.ndarray, y: np.ndarray,
              keep_outputs: bool) -> tuple[dict[str, float], np.ndarray | None]:
        """Loss and task metric on another split (the test set), as Keras'
        `evaluate` names them, and the model's outputs when `keep_outputs`."""
        outputs: list | None = [] if keep_outputs else None
        x = np.asarray(x, dtype=self._evaluate.input_signature[0].dtype.as_numpy_dtype)
        y = np.asarray(y, dtype=self._evaluate.input_signature[1].dtype.as_numpy_dtype)
        loss, value = self._run(self._chunks(x, y), len(x), outputs)
        kept = np.concatenate(outputs).astype(np.float32) if outputs else None
        return {"loss": loss, self.metric: value}, kept


def weight_reader(model: Any, functions: dict | None = None) -> Callable[[], list]:
    """A compiled read of `model`'s weights, in `get_weights()` order.

    It gives tensors that the next training step does not change
    (TensorFlow copies a variable's buffer before updating it while a read
    of it is held), in one call: `get_weights()` converts each variable to
    NumPy alone, about 1 ms an epoch for a 2-D network's six arrays, three
    times this read. `np.asarray` turns them into arrays when they are used.

    Args:
        model: A built model.
        functions: As `Validator`'s: where the traced read is kept for
            another run of the same model.
    """
    functions = {} if functions is None else functions
    if "weights" not in functions:
        variables = list(model.weights)
        functions["weights"] = tf.function(
            lambda: [tf.identity(v.value) for v in variables]).get_concrete_function()
    return functions["weights"]


class StreamCallback(keras.callbacks.Callback):
    """Emits one plain-data event per epoch and handles stop and divergence.

    Args:
        epochs: Planned number of epochs, reported with each event.
        emit: Receives each event dict.
        stop: The run's `StopSignal`.
        history: Filled in place with one value per epoch and metric.
        state: Filled in place: `weights` (the initial weights, then the
            last ones with a finite loss, as tensors: see `weight_reader`),
            `elapsed` (seconds) and `diverged_at` (epoch number or None).
        validator: Adds `val_*` values to each epoch, if given.
        snapshotter: A `playground.training.measurements.Snapshotter`, if snapshots
            of the model's insides are wanted.
        learning_rate: Also record `learning_rate`, the optimizer's rate at
            the start of each epoch (for runs with a schedule).
        functions: As `Validator`'s, for the weights' read.

    Callbacks after this one in `fit`'s list see the `val_*` values it adds:
    Keras passes the same logs dict to each callback in turn.
    """

    def __init__(self, epochs: int, emit: Callable[[dict], None], stop: Any,
                 history: dict[str, list[float]], state: dict[str, Any],
                 validator: Validator | None = None,
                 snapshotter: Any = None, learning_rate: bool = False,
                 functions: dict | None = None):
        super().__init__()
        self.functions = functions
        self.learning_rate = learning_rate
        self._rate = None
        self.validator = validator
        self.snapshotter = snapshotter
        self.epochs = epochs
        self.emit = emit
        self.stop = stop
        self.history = history
        self.state = state
        self._start = 0.0
        self._epoch = 0
        self._first: int | None = None  # the first epoch of this fit (a continued
        # run's is numbered on from its parent's)

    def on_train_end(self, logs=None):
        if self.snapshotter is not None and self.state["diverged_at"] is None:
            self.snapshotter(self._epoch, self.state["weights"], self.emit, force=True)

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self._read_weights = weight_reader(self.model, self.functions)
        self.state["weights"] = self._read_weights()
        self.stop.attach(self.model)

    def on_epoch_begin(self, epoch, logs=None):
        if self._first is None:
            self._first = epoch
        if self.learning_rate:
            self._rate = float(keras.ops.convert_to_numpy(
                self.model.optimizer.learning_rate))

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        if self.validator is not None:
            logs.update(self.validator())  # in place: later callbacks read them
        values = {k: float(v) for k, v in logs.items()}
        if self._rate is not None:
            values["learning_rate"] = self._rate
        elapsed = time.perf_counter() - self._start
        self.state["elapsed"] = elapsed
        finite = all(math.isfinite(v) for v in values.values())
        if finite:
            self.state["weights"] = self._read_weights()
        elif self.state["diverged_at"] is None:
            self.state["diverged_at"] = epoch + 1
            self.model.stop_training = True
        for key, value in values.items():
            self.history.setdefault(key, []).append(value)
        self.emit({"type": "epoch", "epoch": epoch + 1, "epochs": self.epochs,
                   "logs": values, "elapsed": elapsed})
        if self.snapshotter is not None and finite:
            self.snapshotter(epoch + 1, self.state["weights"], self.emit,
                             force=epoch == self._first)
        self._epoch = epoch + 1
        if self.stop.requested:
            self.model.stop_training = True
