"""Keras objects for the experiment's training controls.

Each control of `playground.config` maps to Keras' own piece:
early stopping to `keras.callbacks.EarlyStopping`, checkpoints to a
`ModelCheckpoint` that keeps arrays (`playground.training.checkpoints`), the step, exponential and
cosine schedules to `keras.optimizers.schedules`, the plateau schedule to
`keras.callbacks.ReduceLROnPlateau`, clipping to the optimizer's `clipnorm`
and class weights to `fit(class_weight=...)` with scikit-learn's balanced
weights. Schedules count optimizer steps; the experiment counts epochs, so
they are converted with the number of batches per epoch.

The callbacks made here go after `StreamCallback` in `fit`'s list: Keras
hands every callback the same logs dict, in which `StreamCallback` has put
the `val_*` values of the app's fast validation, so early stopping and the
plateau schedule watch exactly the numbers the charts show.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.config import Experiment


def learning_rate(exp: Experiment, steps_per_epoch: int) -> Any:
    """The optimizer's learning rate: a float, or a Keras schedule.

    Args:
        exp: The experiment (its `learning_rate` and `lr_*` fields).
        steps_per_epoch: Batches per epoch, to turn epochs into steps.
    """
    import keras

    schedules = keras.optimizers.schedules
    lr = exp.learning_rate
    if exp.lr_schedule in ("step", "exponential"):
        return schedules.ExponentialDecay(
            lr, decay_steps=exp.lr_decay_epochs * steps_per_epoch,
            decay_rate=exp.lr_decay_rate, staircase=exp.lr_schedule == "step")
    if exp.lr_schedule == "cosine":
        warmup = exp.lr_warmup_epochs * steps_per_epoch
        return schedules.CosineDecay(
            0.0 if warmup else lr, decay_steps=exp.epochs * steps_per_epoch - warmup,
            warmup_target=lr if warmup else None, warmup_steps=warmup)
    return lr


def callbacks(exp: Experiment) -> list[Any]:
    """Early stopping, the plateau schedule and checkpoints, as the experiment asks."""
    import keras

    from playground.training.checkpoints import checkpoint_callbacks

    made = []
    if exp.early_stop_patience:
        made.append(keras.callbacks.EarlyStopping(
            monitor=exp.early_stop_monitor, patience=exp.early_stop_patience,
            mode="max" if exp.early_stop_monitor == "val_accuracy" else "min",
            min_delta=exp.early_stop_min_delta,
            restore_best_weights=exp.restore_best == "on"))
    if exp.lr_schedule == "plateau":
        made.append(keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=exp.plateau_factor,
            patience=exp.plateau_patience, min_lr=exp.min_lr))
    return made + checkpoint_callbacks(exp)


def class_weights(exp: Experiment, y: np.ndarray) -> dict[int, float] | None:
    """scikit-learn's balanced weight of each class id in `y`, or None."""
    if exp.class_weight != "balanced":
        return None
    from sklearn.utils.class_weight import compute_class_weight

    classes = np.unique(y)
    weights = compute_class_weight("balanced", classes=classes, y=y)
    return {int(c): float(w) for c, w in zip(classes, weights)}


def early_stop_summary(made: list[Any], exp: Experiment) -> tuple[int | None, str]:
    """The best epoch (1-based) and a line saying why early stopping ended the run.

    The line is empty when early stopping is off or let the run finish.
    """
    import keras

    stopper = next((c for c in made if isinstance(c, keras.callbacks.EarlyStopping)),
                   None)
    if stopper is None or stopper.best is None:
        return None, ""
    best = stopper.best_epoch + 1
    if not stopper.stopped_epoch:
        return best, ""
    from playground.training import result

    kept = exp.restore_best == "on"
    if exp.early_stop_min_delta:
        line = result.EARLY_STOP_DELTA_KEPT if kept else result.EARLY_STOP_DELTA
    else:
        line = result.EARLY_STOP_KEPT if kept else result.EARLY_STOP
    return best, line.format(  # English; pages show it translated
        stopped=stopper.stopped_epoch + 1, monitor=exp.early_stop_monitor,
        delta=format(exp.early_stop_min_delta, "g"), patience=exp.early_stop_patience,
        best=format(float(stopper.best), ".4g"), epoch=best)
