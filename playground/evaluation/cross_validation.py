"""k-fold cross-validation: one experiment trained k times, once per fold.

The tutorials' cure for little data: rather than trust one validation
split, split the training part (train and validation together; the test
part stays untouched) into k folds, train k models, each validated on the
fold it did not train on, and report each final metric as mean ± standard
deviation over the folds.

Each fold is an ordinary job: the experiment with `fold=(k, i)`, which the
data-splitting step honours inside the worker (`playground.datasets.splits`,
scikit-learn's `StratifiedKFold` for classes, `KFold` for regression, both
shuffled with the experiment's seed), so only the experiment crosses to the
worker, never the arrays. All k jobs are submitted at once; the executor
trains as many at a time as it has workers, and each is kept in the run
store like any other run (named `Cross-validation <id> · fold i/k`).

`CrossValidation` takes a `submit(experiment, name)` callable that returns a
`JobHandle` (the app's session submitter, or `submit_and_record` on a pool
from the command line), as a search does: this module knows no executor.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from playground.config import FOLD, Experiment
from playground.fields import ConfigError
from playground.i18n import tr, tr_n
from playground.registry import REGRESSION
from playground.training.result import COMPLETED, ENDED, STOPPED

MIN_FOLDS, MAX_FOLDS = FOLD.minimum, FOLD.maximum
DEFAULT_FOLDS = 5
RUN_NAME = "Cross-validation {id} · fold {fold}/{k}"
"""A fold's run name, in English like a search trial's (kept in the store)."""


class FoldError(ValueError):
    """The data cannot be split into the folds asked for; the message says
    why, with the numbers, and the fix."""


def check_k(k: Any) -> int:
    """k as an int from `MIN_FOLDS` to `MAX_FOLDS`; else `ConfigError`."""
    expected = tr("an integer from {low} to {high}", low=MIN_FOLDS, high=MAX_FOLDS)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ConfigError("k", k, expected)
    if not MIN_FOLDS <= k <= MAX_FOLDS:
        raise ConfigError("k", int(k), expected, tr(
            "Pick k from {low} to {high}: each fold trains a model, and 5 or 10 are "
            "the usual choices.", low=MIN_FOLDS, high=MAX_FOLDS))
    return int(k)


def check_folds(experiment: Experiment, k: Any, data=None) -> int:
    """Refuses a k the experiment's data cannot be split into, before any
    training; returns k.

    Args:
        experiment: The experiment to cross-validate.
        k: The number of folds.
        data: Its `Dataset` when already loaded, else it is loaded.

    Raises:
        ConfigError: k is not a whole number from 2 to 10.
        FoldError: the training part has fewer rows than folds, or a class
            has fewer rows than folds (every fold must hold each class).
        DataUnavailable, CsvError: the data cannot be had (said as usual).
    """
    from playground.datasets.errors import DataUnavailable
    from playground.datasets.source import (
        experiment_data,
        is_kept,
        kept_data_has_no_folds,
    )

    k = check_k(k)
    if is_kept(experiment):
        raise DataUnavailable(kept_data_has_no_folds(experiment.csv_name))
    data = data if data is not None else experiment_data(experiment)
    y = np.concatenate([data.y_train, data.y_val])
    if len(y) < k:
        raise FoldError(tr_n(
            "The training part (train and validation together) has {rows} row, fewer "
            "than k = {k} folds: each fold needs at least one row to validate on. Pick "
            "k at most {rows}, or use more data or a smaller test share.",
            "The training part (train and validation together) has {rows} rows, fewer "
            "than k = {k} folds: each fold needs at least one row to validate on. Pick "
            "k at most {rows}, or use more data or a smaller test share.",
            len(y), rows=len(y), k=k))
    if data.info.task == REGRESSION:
        return k
    names = data.info.class_names
    counts = np.bincount(y.astype(np.int64), minlength=len(names))
    smallest = int(np.argmin(counts))
    if counts[smallest] < k:
        name = names[smallest] if smallest < len(names) else str(smallest)
        count = int(counts[smallest])
        fix = (tr("Pick k at most {most}, or use more data or a smaller test share.",
                  most=count) if count >= MIN_FOLDS else
               tr("Use more data or a smaller test share."))
        raise FoldError(tr_n(
            "Class {name} has {count} row in the training part, fewer than k = {k} "
            "folds: stratified folds keep every class in every fold.",
            "Class {name} has {count} rows in the training part, fewer than k = {k} "
            "folds: stratified folds keep every class in every fold.",
            count, name=repr(str(name)), k=k) + " " + fix)
    return k


def fold_experiments(experiment: Experiment, k: int) -> list[Experiment]:
    """The experiment of each fold: fold 1 of k to fold k of k."""
    return [experiment.replace(fold=(k, i)) for i in range(1, k + 1)]


def final_metrics(result, experiment: Experiment) -> dict[str, float]:
    """A fold's metrics at the end: the values of the epoch whose weights
    the run kept (the best epoch when early stopping restored it, else the
    last), training and validation (`loss`, `val_loss`, `accuracy`, ...)."""
    history = {key: values for key, values in result.history.items()
               if values and key != "learning_rate"}
    index = -1
    if experiment.restore_best == "on" and result.best_epoch:
        index = result.best_epoch - 1
    return {key: float(values[index]) for key, values in history.items()
            if -len(values) <= index < len(values)}


@dataclass(frozen=True)
class MetricSummary:
    """One metric over the folds that counted.

    Attributes:
        metric: Keras' name, e.g. `val_accuracy`.
        mean: The mean over the folds.
        std: The standard deviation over the folds (NumPy's, ddof=0, as
            scikit-learn's examples report cross-validation scores).
        values: Each fold's value, in fold order (None for a fold that did
            not count).
    """

    metric: str
    mean: float
    std: float
    values: tuple[float | None, ...]


def metric_order(name: str) -> tuple[int, str]:
    """Validation before training, loss before the task's metric."""
    base = name.removeprefix("val_")
    return (0 if name.startswith("val_") else 1, "" if base == "loss" else base)


def summarise(finals: list[dict[str, float] | None]) -> list[MetricSummary]:
    """Mean ± standard deviation of each metric over the folds that counted
    (None for a fold that did not), over finite values only."""
    names = sorted({name for f in finals if f for name in f}, key=metric_order)
    rows = []
    for name in names:
        values = tuple(None if f is None or not math.isfinite(f.get(name, math.nan))
                       else f[name] for f in finals)
        present = [v for v in values if v is not None]
        if present:
            rows.append(MetricSummary(name, float(np.mean(present)),
                                      float(np.std(present)), values))
    return rows


class CrossValidation:
    """The k jobs of one cross-validation, and what they add up to.

    Args:
        experiment: The experiment every fold trains.
        k: The number of folds (checked against the data first).
        submit: Starts one job: `submit(experiment, name)` returns its
            `JobHandle` (and keeps its run, if the caller keeps runs).
        data: The experiment's `Dataset` when already loaded (for the
            check), else it is loaded.
    """

    def __init__(self, experiment: Experiment, k: int,
                 submit: Callable[[Experiment, str], Any], data=None):
        self.k = check_folds(experiment, k, data)
        self.experiment = experiment
        self.id = secrets.token_hex(4)
        self.creator: str | None = None
        self.handles: list[Any] = []
        self.started_at: float | None = None
        self._submit = submit

    def start(self) -> CrossValidation:
        """Submits every fold's job at once; returns at once. A fold the
        submitter refuses stops the ones already submitted and raises."""
        self.started_at = time.time()
        for i, exp in enumerate(fold_experiments(self.experiment, self.k), start=1):
            try:
                self.handles.append(self._submit(exp, RUN_NAME.format(
                    id=self.id, fold=i, k=self.k)))
            except Exception:
                self.stop()
                raise
        return self

    def stop(self) -> None:
        """Stops every fold: queued ones leave the queue, running ones end
        after their current batches, kept as stopped runs."""
        for handle in self.handles:
            if not handle.done:
                handle.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits for every fold to end (at most `timeout` seconds in all)."""
        end = None if timeout is None else time.monotonic() + timeout
        for handle in self.handles:
            handle.wait(None if end is None else max(0.0, end - time.monotonic()))
        return self.done

    @property
    def done(self) -> bool:
        return bool(self.handles) and all(h.done for h in self.handles)

    def folds(self) -> list[dict[str, Any]]:
        """Each fold as it stands: `fold` (1..k), `status`, `epoch`,
        `epochs`, `run_id`, `message`, `elapsed` and `history`."""
        rows = []
        for i, handle in enumerate(self.handles, start=1):
            progress = handle.progress()
            history = progress["history"]
            rows.append({"fold": i, "status": progress["status"],
                         "epoch": len(history.get("loss", [])),
                         "epochs": self.experiment.epochs, "run_id": handle.id,
                         "message": progress["message"], "elapsed": progress["elapsed"],
                         "history": history, "waiting": progress["waiting"]})
        return rows

    def finals(self) -> list[dict[str, float] | None]:
        """Each fold's final metrics, or None for a fold that is not done or
        did not complete (stopped, diverged, failed): those are left out of
        the summary, which says how many folds it counts."""
        finals = []
        for handle in self.handles:
            result = handle.result
            finals.append(final_metrics(result, self.experiment)
                          if result is not None and result.status == COMPLETED else None)
        return finals

    def summary(self) -> list[MetricSummary]:
        """Mean ± standard deviation of each final metric over the folds
        that completed."""
        return summarise(self.finals())

    def counted(self) -> int:
        """How many folds the summary counts."""
        return sum(f is not None for f in self.finals())

    def ended(self) -> int:
        """How many folds have ended, however they ended."""
        return sum(h.status in ENDED for h in self.handles)

    def stopped(self) -> bool:
        """Whether some fold was stopped before it finished."""
        return any(h.status == STOPPED for h in self.handles)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json`: folds, their final metrics and the summary."""
        finals = self.finals()
        return {"id": self.id, "k": self.k, "folds": [
            {"fold": row["fold"], "status": row["status"], "run_id": row["run_id"],
             "epochs_run": row["epoch"], "metrics": final}
            for row, final in zip(self.folds(), finals)],
            "summary": {s.metric: {"mean": s.mean, "std": s.std,
                                   "folds": sum(v is not None for v in s.values)}
                        for s in self.summary()},
            "counted": sum(f is not None for f in finals)}
