"""What a run is and leaves: its status words and the plain `TrainingResult`.

No TensorFlow here: the job handle, the run store and the pages read
results without loading Keras. The statuses are defined once, here:
a job is `QUEUED`, `STARTING` (its worker is getting ready) or
`RUNNING`, and ends `COMPLETED`, `STOPPED`, `DIVERGED` or `FAILED`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.i18n import template, use_language

QUEUED = "queued"
STARTING = "starting"
RUNNING = "running"
COMPLETED = "completed"
STOPPED = "stopped"
DIVERGED = "diverged"
FAILED = "failed"
ENDED = (COMPLETED, STOPPED, DIVERGED, FAILED)
"""The statuses of a run that is over, however it ended."""

# How a run ended, in English wherever it runs (a worker knows no reader);
# pages show them translated (`playground.i18n.translated`), and stored runs
# keep the English. Defined here, with no TensorFlow, so the web server has
# them registered.
FINISHED = template("Finished {epochs} epoch(s).")
STOPPED_BY_YOU = template("Stopped by you after {epochs} epoch(s).")
EARLY_STOP = template("Early stopping after epoch {stopped}: {monitor} had not improved "
                      "for {patience} epoch(s); the best was {best} at epoch {epoch}.")
EARLY_STOP_KEPT = template("Early stopping after epoch {stopped}: {monitor} had not "
                           "improved for {patience} epoch(s); the best was {best} at "
                           "epoch {epoch}. The weights of epoch {epoch} are kept.")
EARLY_STOP_DELTA = template("Early stopping after epoch {stopped}: {monitor} had not "
                            "improved by more than {delta} for {patience} epoch(s); the "
                            "best was {best} at epoch {epoch}.")
EARLY_STOP_DELTA_KEPT = template(
    "Early stopping after epoch {stopped}: {monitor} had not improved by more than "
    "{delta} for {patience} epoch(s); the best was {best} at epoch {epoch}. The "
    "weights of epoch {epoch} are kept.")
DIVERGED_AT = template("Training diverged at epoch {epoch}: the loss became NaN or "
                       "infinite. The last finite weights are kept. Try a lower "
                       "learning rate, Adam, or normalised inputs.")


@dataclass
class TrainingResult:
    """What a finished, stopped, diverged or failed run leaves behind.

    Attributes:
        status: `"completed"`, `"stopped"`, `"diverged"` or `"failed"`.
        message: One line for the user about how the run ended.
        history: Metric name to one value per epoch run (`loss`,
            `val_loss`, `accuracy`, ...).
        epochs_run: Number of epochs with a history entry.
        elapsed: Seconds spent in `fit`.
        weights: The model's weights as NumPy arrays (for a diverged run,
            the last ones with a finite loss).
        test_metrics: Metric name to value on the test set; empty when the
            run failed before a model could be evaluated.
        best_epoch: With early stopping, the epoch (1-based) with the best
            monitored value; else None.
        early_stop: With early stopping that ended the run, one line saying
            why; else empty.
        tensorboard_zip: With `tensorboard` on, a zip of the run's
            TensorBoard event files; else None.
        test_outputs: The final model's outputs on the test set
            (`model.predict`, float32), computed in the worker when training
            ends so that evaluating needs no second pass; None when not
            computed (no test rows, a failed run, or too large to keep).
        checkpoints: The checkpoints the run kept (`checkpoint` on), oldest
            first: dicts of `epoch`, `monitor`, `value` and `weights`
            (`playground.training.checkpoints`).
        recorded: Whether the job has written this end to its run in the
            store itself (`playground.runs.job_recording`); the server
            then writes nothing more.
    """

    status: str
    message: str
    history: dict[str, list[float]] = field(default_factory=dict)
    epochs_run: int = 0
    elapsed: float = 0.0
    weights: list[np.ndarray] = field(default_factory=list)
    test_metrics: dict[str, float] = field(default_factory=dict)
    best_epoch: int | None = None
    early_stop: str = ""
    tensorboard_zip: bytes | None = None
    test_outputs: np.ndarray | None = None
    checkpoints: list[dict[str, Any]] = field(default_factory=list)
    recorded: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (weights left out)."""
        return {
            "status": self.status,
            "message": self.message,
            "epochs_run": self.epochs_run,
            "elapsed": round(self.elapsed, 3),
            "history": self.history,
            "test": self.test_metrics,
            **({"best_epoch": self.best_epoch} if self.best_epoch else {}),
        }


TRAINING_FAILED = template("Training failed: {error}")


def failure_message(error: BaseException) -> str:
    """One line for the user about an error that ended a run, in English
    like every run's message (made in a worker, which knows no reader):
    pages translate it with `playground.i18n.translated`."""
    with use_language("en"):
        reason = f"{type(error).__name__}: {error}"
    return TRAINING_FAILED.format(error=reason).strip().splitlines()[0]
