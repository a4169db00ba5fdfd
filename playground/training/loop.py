"""Runs one experiment with Keras `fit`, streaming plain-data events.

`run_training` is the whole training run: load the data, build and compile
the model, feed `fit` a cached `tf.data` pipeline, report every epoch through
a callback, honour a stop request, catch divergence, and evaluate on the
test set. Everything it emits or returns is plain Python and NumPy, so the
caller can be a thread in the app, the command line, a worker process or a
cluster engine.

Speed: small networks are limited by per-step dispatch, not arithmetic, so
the model runs several batches per call (`steps_per_execution`) over a cached
and prefetched dataset. A stop request therefore takes effect after the
current group of batches, at most `MAX_STEPS_PER_EXECUTION` of them. A
process keeps the last network it trained, compiled and traced
(`playground.training.warm_models`): the next run of the same network takes
it, set back to a new model's state, and its first epoch needs no trace.
"""

from __future__ import annotations

import math
import threading
from typing import Any, Callable

import numpy as np

from playground.config import Experiment
from playground.datasets import Dataset
from playground.datasets.source import experiment_data
from playground.i18n import mark, tr_lazy
from playground.model.checks import check_experiment, encode_targets
from playground.registry import task_metrics
from playground.training.result import (
    COMPLETED,
    DIVERGED,
    DIVERGED_AT,
    FAILED,
    FINISHED,
    STOPPED,
    STOPPED_BY_YOU,
    TrainingResult,
    failure_message,
)
from playground.training.tensorboard_logs import tensorboard_logs

MAX_STEPS_PER_EXECUTION = 32
PREPARED = mark("Starting from the network prepared for it")
"""The status of a run that takes a kept, already traced network."""


EVAL_BATCH_SIZE = 1024
MAX_TEST_OUTPUTS_BYTES = 32 * 2**20
"""The largest test-set output kept with a run (10,000 MNIST digits × 10
classes take 0.4 MB); beyond it the Evaluate page predicts again."""


class StopSignal:
    """A thread-safe stop request that reaches a running Keras model.

    `request()` may be called from any thread. It sets the flag and sets
    `model.stop_training` on the model being trained, which Keras checks
    after every executed group of batches.
    """

    def __init__(self):
        self._event = threading.Event()
        self._model = None

    def attach(self, model: Any) -> None:
        self._model = model
        if self._event.is_set():
            model.stop_training = True

    def request(self) -> None:
        self._event.set()
        if self._model is not None:
            self._model.stop_training = True

    @property
    def requested(self) -> bool:
        return self._event.is_set()


def _make_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int,
                  shuffle: bool, repeat: bool = False):
    """A cached, prefetched `tf.data` pipeline.

    With `repeat`, one iterator serves the whole run (Keras otherwise makes
    a new iterator, with a new prefetch thread, every epoch); `fit` then
    needs `steps_per_epoch`.
    """
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y)).cache()
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if repeat:
        ds = ds.repeat()
    return ds.prefetch(tf.data.AUTOTUNE)


def steps_per_execution_for(steps_per_epoch: int) -> int:
    """Batches per compiled call: a whole small epoch, capped for Stop."""
    return max(1, min(steps_per_epoch, MAX_STEPS_PER_EXECUTION))


def _floats(logs: dict[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in (logs or {}).items()}


def run_training(exp: Experiment, emit: Callable[[dict], None] = lambda e: None,
                 stop: StopSignal | None = None,
                 dataset: Dataset | None = None,
                 snapshots: bool = False) -> TrainingResult:
    """Trains the experiment's model and reports each epoch.

    Args:
        exp: The experiment to run.
        emit: Called with each event, a plain dict: `{"type": "status",
            "message": ...}`, `{"type": "epoch", "epoch": 1, "epochs": 100,
            "logs": {...}, "elapsed": 0.1}` and finally `{"type": "end",
            "status": ..., "message": ...}`.
        stop: Request it to end training after the current batch group;
            the partial model and history are kept.
        dataset: Data to use instead of loading the experiment's dataset
            (tests inject small arrays here).
        snapshots: Also emit `{"type": "snapshot", "epoch": e, ...}` events,
            at most about twelve a second, with the measurements described in
            `playground.training.measurements` (decision boundary and neuron maps on
            2-D data; weight histograms and norms, gradient norms and dead
            ReLU fractions on any data).

    Returns:
        A `TrainingResult`; errors are reported in it, not raised.
    """
    stop = stop or StopSignal()
    history: dict[str, list[float]] = {}
    state = {"weights": [], "elapsed": 0.0, "diverged_at": None}
    model = None
    try:
        emit({"type": "status", "message": mark("Loading data")})
        data = dataset or experiment_data(exp)
        emit({"type": "status", "message": mark("Building the model")})
        from playground.inspection.plane import covered_points
        from playground.model.builder import build_model
        from playground.training import controls, warm_models
        from playground.training.callbacks import StreamCallback, Validator
        from playground.training.compiling import compile_model
        from playground.training.measurements import Snapshotter

        check_experiment(exp)  # a refusal names the setting, before any Keras object
        steps = math.ceil(len(data.x_train) / exp.batch_size)
        spe = steps_per_execution_for(steps)
        rate = controls.learning_rate(exp, steps)
        key = warm_models.graph_key(exp, spe, rate)
        warm = warm_models.take(key, exp, rate)
        if warm is None:  # not the network this process trained last
            warm_models.forget()  # its memory goes back before the new one takes some
            model = build_model(exp)
            compile_model(model, exp, steps_per_execution=spe, steps_per_epoch=steps)
            warm = warm_models.prepared(model, key)
        else:
            emit({"type": "status", "message": PREPARED})
        model = warm.model
        first_epoch = _start_from(exp, model, history, emit)
        stop.attach(model)
        # An epoch that fits in one execution reuses a single repeated
        # iterator; larger epochs keep Keras' per-epoch iteration.
        whole_epoch = steps == spe
        y_train = encode_targets(data.y_train, exp)
        train = _make_dataset(data.x_train, y_train,
                              exp.batch_size, exp.seed, shuffle=True,
                              repeat=whole_epoch)
        validator = None
        if len(data.x_val):
            validator = Validator(model, data.x_val, encode_targets(data.y_val, exp),
                                  task_metrics(data.info.task)[0], EVAL_BATCH_SIZE,
                                  functions=warm.functions)
        snapshotter = None
        if snapshots:
            plane = data.info.input_shape == (2,)
            snapshotter = Snapshotter(model, data.x_train, y_train, plane=plane,
                                      plane_points=covered_points(data) if plane else None,
                                      functions=warm.functions)
        callback = StreamCallback(exp.epochs, emit, stop, history, state, validator,
                                  snapshotter,
                                  learning_rate=exp.lr_schedule != "constant",
                                  functions=warm.functions)
        # After StreamCallback: these see its val_* values in the same logs.
        extra = controls.callbacks(exp)
        emit({"type": "status", "message": mark("Training")})
        with tensorboard_logs(exp) as board:
            model.fit(train, epochs=exp.epochs, initial_epoch=first_epoch, verbose=0,
                      shuffle=False,
                      steps_per_epoch=steps if whole_epoch else None,
                      class_weight=controls.class_weights(exp, data.y_train),
                      callbacks=[callback, *extra, *board.callbacks])
        result = _finish(exp, model, data, history, state, stop, emit, extra, validator,
                         warm.functions)
        result.tensorboard_zip = board.zip_bytes
        warm_models.keep(warm)  # for the next run of this network here
        return result
    except Exception as error:  # reported to the user, history kept
        return _failed(error, history, state, emit)


def _start_from(exp: Experiment, model: Any, history: dict[str, list[float]],
                emit: Callable[[dict], None]) -> int:
    """Sets a continued run's starting weights (checked against the model)
    and replays its parent's epochs up to them; returns the epochs before
    the first new one (0 for a run from fresh weights).

    The optimizer is not restored: a run keeps no optimizer state, so
    momentum and Adam's averages start from zero again.
    """
    start = exp.start
    if start is None:
        return 0
    from playground.training.starting_point import StartingWeightsMismatch, check_fits

    weights = start.arrays()
    check_fits(weights, [tuple(w.shape) for w in model.weights], start)
    if start.epoch >= exp.epochs:
        raise StartingWeightsMismatch(tr_lazy(
            "A run continued from epoch {epoch} must train to a later epoch; received "
            "epochs={epochs}. Ask for at least one more epoch.", epoch=start.epoch,
            epochs=exp.epochs))
    model.set_weights(weights)
    for index, logs in enumerate(start.epoch_logs()):
        if exp.lr_schedule == "constant":  # this run records no learning rate
            logs.pop("learning_rate", None)
        for key, value in logs.items():
            history.setdefault(key, []).append(value)
        emit({"type": "epoch", "epoch": index + 1, "epochs": exp.epochs,
              "logs": logs, "elapsed": 0.0})
    return start.epoch


def _failed(error: Exception, history: dict[str, list[float]], state: dict[str, Any],
            emit: Callable[[dict], None]) -> TrainingResult:
    result = TrainingResult(FAILED, failure_message(error), history,
                            len(history.get("loss", [])), state["elapsed"],
                            [np.asarray(w) for w in state["weights"]])
    emit({"type": "end", "status": FAILED, "message": result.message})
    return result


def _finish(exp: Experiment, model: Any, data: Dataset,
            history: dict[str, list[float]], state: dict[str, Any], stop: StopSignal,
            emit: Callable[[dict], None], extra: list[Any],
            validator: Any = None, functions: dict | None = None) -> TrainingResult:
    """Names how the run ended, restores finite weights, evaluates on test.

    The test set is scored by the run's `Validator` (one compiled function,
    already traced for validation), which also keeps the model's test
    outputs, so that the Evaluate page opens at once; they are left out
    when they would take more than `MAX_TEST_OUTPUTS_BYTES`."""
    from playground.training.checkpoints import kept_checkpoints
    from playground.training.controls import early_stop_summary

    epochs_run = len(history.get("loss", []))
    best_epoch, early_stop = early_stop_summary(extra, exp)
    if state["diverged_at"] is not None:
        status = DIVERGED
        message = DIVERGED_AT.format(epoch=state["diverged_at"])
        model.set_weights(state["weights"])
    elif stop.requested and epochs_run < exp.epochs:
        status, message = STOPPED, STOPPED_BY_YOU.format(epochs=epochs_run)
    elif early_stop:
        status, message = COMPLETED, early_stop
    else:
        status, message = COMPLETED, FINISHED.format(epochs=epochs_run)
    test_metrics, test_outputs = {}, None
    if len(data.x_test) and state["weights"]:
        from playground.training.callbacks import Validator

        y_test = encode_targets(data.y_test, exp)
        if validator is None:  # no validation split: one made for the test set
            validator = Validator(model, data.x_test, y_test,
                                  task_metrics(data.info.task)[0], EVAL_BATCH_SIZE,
                                  functions=functions)
        keep = len(data.x_test) * math.prod(model.output_shape[1:]) * 4 \
            <= MAX_TEST_OUTPUTS_BYTES
        scores, test_outputs = validator.score(data.x_test, y_test, keep_outputs=keep)
        test_metrics = _floats(scores)
        if model.losses and "loss" in test_metrics:
            # The loss Keras reports adds the L1/L2 penalty of the weights; the
            # data's own loss is the one to compare with an unregularised run.
            penalty = float(sum(float(np.asarray(p)) for p in model.losses))
            test_metrics["data_loss"] = test_metrics["loss"] - penalty
    result = TrainingResult(status, message, history, epochs_run, state["elapsed"],
                            [np.array(w) for w in model.get_weights()], test_metrics,
                            best_epoch, early_stop, test_outputs=test_outputs,
                            checkpoints=kept_checkpoints(extra))
    emit({"type": "end", "status": status, "message": message,
          "test": test_metrics})
    return result
