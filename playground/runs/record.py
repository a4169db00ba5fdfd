"""`RunRecord`: everything a training run leaves behind, ready to store.

A record holds the experiment, how the run ended, its history, test
metrics, final (and best) weights, its snapshots for replay and, for a run
on an uploaded CSV file, the prepared data arrays, so that a link to the
run opens without the upload. `RunSummary` is the small part used to list
runs: no arrays.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.config import Experiment
from playground.i18n import mark, tr_lazy
from playground.registry import OPTIMIZERS
from playground.runs.arrays import nbytes
from playground.runs.errors import RunNotFound
from playground.training.result import RUNNING

ID_BYTES = 16  # 22 URL-safe characters: unguessable, short enough for a link
MAX_ID_LENGTH = 32
_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,%d}" % MAX_ID_LENGTH)
MAX_NAME_LENGTH = 200
MAX_NOTE_LENGTH = 5000
MAX_STATUS_LENGTH = 20
MAX_STUDENT_LENGTH = 100  # the column's width; a lesson allows shorter names
MAX_ARRAYS_BYTES = 50 * 2**20  # a CSV run's prepared data kept up to 50 MB
DATA_SPLITS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


def new_run_id() -> str:
    """A fresh, unguessable run id (URL-safe).

    Never starts with `-`, so that `playground runs show ID` does not take
    it for an option.
    """
    while True:
        run_id = secrets.token_urlsafe(ID_BYTES)
        if not run_id.startswith("-"):
            return run_id


def check_run_id(run_id: Any) -> str:
    """Returns `run_id` if it has the form of a run id, else raises.

    Checked before any database access, so a malformed or huge id from a URL
    costs nothing.

    Raises:
        RunNotFound: naming the value received and the form expected.
    """
    if isinstance(run_id, str) and _ID_PATTERN.fullmatch(run_id):
        return run_id
    shown = repr(run_id[:40]) + "..." if isinstance(run_id, str) and len(run_id) > 40 \
        else repr(run_id)
    raise RunNotFound(tr_lazy(
        "{value} is not a run id: expected 1 to {most} letters, digits, '-' or '_', as "
        "in the link or the list of runs. Copy the id again.", value=shown,
        most=MAX_ID_LENGTH))


_CHECKED = (mark("name"), mark("note"), mark("student"), mark("status"))
"""What `check_text` checks, as its messages name it."""


def check_text(value: Any, what: str, limit: int) -> str:
    """A run's name or note, checked: text of at most `limit` characters
    (`what`, one of `_CHECKED`, is translated in the message)."""
    if not isinstance(value, str):
        raise ValueError(tr_lazy("A run's {what} must be text; received {kind} "
                                 "{value}.", what=tr_lazy(what), kind=type(value).__name__,
                                 value=f"{value!r:.60}"))
    if len(value) > limit:
        raise ValueError(tr_lazy("A run's {what} is at most {limit} characters; received "
                                 "{count}. Shorten it.", what=tr_lazy(what), limit=limit,
                                 count=len(value)))
    return value


def model_summary(exp: Experiment) -> str:
    """The hidden layers in a few words: `Dense 8-8`, `Conv2D 16 · Dense 64`.

    Consecutive layers of one type are grouped, with their first setting
    (units, filters, rate) joined by dashes; a graph lists its nodes' types.
    """
    if exp.graph:  # Keras' class of a graph's model, and its nodes in order
        return "Functional(" + " · ".join(node.label for node in exp.graph) + ")"
    groups: list[tuple[str, list[str]]] = []
    for layer in exp.layers:
        label = layer.type.label
        first = str(layer.options[0][1]) if layer.options else ""
        if groups and groups[-1][0] == label:
            groups[-1][1].append(first)
        else:
            groups.append((label, [first]))
    parts = [f"{label} {'-'.join(v for v in values if v)}".strip()
             for label, values in groups]
    return " · ".join(parts) or "no hidden layers"


def dataset_label(exp: Experiment) -> str:
    """The dataset's name, or the CSV file's name for an uploaded table."""
    return exp.csv_name if exp.dataset == "csv" and exp.csv_name else exp.dataset


def optimizer_label(exp: Experiment) -> str:
    info = OPTIMIZERS.get(exp.optimizer)
    return info.keras_class if info else exp.optimizer


def default_name(exp: Experiment) -> str:
    """`spiral · Dense 8-8 · Adam 0.01`."""
    return (f"{dataset_label(exp)} · {model_summary(exp)} · "
            f"{optimizer_label(exp)} {exp.learning_rate:g}")[:MAX_NAME_LENGTH]


def best_validation(history: dict[str, list[float]]) -> tuple[str | None, float | None]:
    """The best validation value so far: `val_accuracy` max, else the least
    `val_loss` (regression: `val_mae` when present). NaN epochs are skipped."""
    for name, pick in (("val_accuracy", max), ("val_mae", min), ("val_loss", min)):
        values = [v for v in history.get(name, []) if v == v]
        if values:
            return name, float(pick(values))
    return None, None


def data_arrays(dataset: Any) -> dict[str, np.ndarray] | None:
    """The prepared splits of a loaded `Dataset`, or None over the size cap."""
    arrays = {name: np.asarray(getattr(dataset, name)) for name in DATA_SPLITS}
    return arrays if nbytes(arrays) <= MAX_ARRAYS_BYTES else None


@dataclass
class RunSummary:
    """What a list of runs shows: no arrays, no history.

    `best_metric` names the validation metric `best_value` comes from
    (None when the run had no validation data). `lesson_id` and `student`
    say which lesson and which of its students trained the run (None for a
    run trained outside a lesson).
    """

    id: str
    name: str
    note: str
    owner: str | None
    dataset: str
    model: str
    optimizer: str
    learning_rate: float
    epochs: int
    epochs_run: int
    status: str
    best_metric: str | None
    best_value: float | None
    test_metrics: dict[str, float]
    created_at: float
    lesson_id: str | None = None
    student: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class RunRecord:
    """One training run as the store keeps it.

    Attributes:
        id: Unguessable URL-safe id (`new_run_id`); whoever has it may open
            the run.
        experiment: The experiment trained (its upload token is not kept;
            `arrays` stands in for the upload).
        status, message: How the run ended (`playground.training` statuses,
            or `"running"` while it trains).
        history: Metric name to one value per epoch.
        test_metrics: Metric name to test-set value.
        epochs_run, elapsed: Epochs with history, seconds in `fit`.
        weights: The final weights, as `model.get_weights()` gives them.
        best_weights: Weights of the best epoch, when kept.
        checkpoints: The run's checkpoints, oldest first: dicts of `epoch`,
            `monitor`, `value` and `weights` (`playground.training.checkpoints`).
        test_outputs: The final model's outputs on the test set, when the
            run computed them (the Evaluate page reads them instead of
            predicting again).
        snapshots: `(epoch, snapshot)` pairs as `SnapshotStore.items()`
            gives them.
        arrays: A CSV run's prepared `x_train` ... `y_test`, at most
            `MAX_ARRAYS_BYTES` in all; None when not kept.
        name, note: Editable by the user.
        owner: Who may list the run; None for a single-user store.
        created_at, started_at, finished_at: Unix times in seconds.
        lesson_id, student: The lesson the run was trained in and the
            student's name as they joined it (`playground.lessons`); None
            outside a lesson.
        executor, worker: What trained it: `process` (a worker process of
            the server that started it), `ray` (a Ray actor) or `local`
            (the command line's own process), and which worker, e.g.
            `host 10.0.0.5, pid 4121`; None until a worker took it.
        updated_at: When the job last wrote to the run (at least every few
            seconds while it lives); None for runs saved in one piece.
        parent_id, start_epoch: For a run continued from another (**Train
            more**), that run's id and the epoch whose weights it started
            from; None for a run from fresh weights.
    """

    experiment: Experiment
    status: str = RUNNING
    message: str = ""
    history: dict[str, list[float]] = field(default_factory=dict)
    test_metrics: dict[str, float] = field(default_factory=dict)
    epochs_run: int = 0
    elapsed: float = 0.0
    weights: list[np.ndarray] = field(default_factory=list)
    best_weights: list[np.ndarray] | None = None
    checkpoints: list[dict[str, Any]] = field(default_factory=list)
    test_outputs: np.ndarray | None = None
    snapshots: list[tuple[int, dict]] = field(default_factory=list)
    arrays: dict[str, np.ndarray] | None = None
    name: str = ""
    note: str = ""
    owner: str | None = None
    id: str = field(default_factory=new_run_id)
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    lesson_id: str | None = None
    student: str | None = None
    executor: str | None = None
    worker: str | None = None
    updated_at: float | None = None
    parent_id: str | None = None
    start_epoch: int | None = None

    def __post_init__(self):
        check_run_id(self.id)
        if self.parent_id is not None:
            check_run_id(self.parent_id)
        if self.lesson_id is not None:
            check_run_id(self.lesson_id)
        if self.student is not None:
            check_text(self.student, "student", MAX_STUDENT_LENGTH)
        if not isinstance(self.experiment, Experiment):
            raise ValueError("RunRecord.experiment must be an Experiment; received "
                             f"{type(self.experiment).__name__}.")
        self.name = check_text(self.name or default_name(self.experiment), "name",
                               MAX_NAME_LENGTH)
        self.note = check_text(self.note, "note", MAX_NOTE_LENGTH)
        check_text(self.status, "status", MAX_STATUS_LENGTH)
        size = nbytes(self.arrays)
        if size > MAX_ARRAYS_BYTES:
            raise ValueError(
                f"A run keeps at most {MAX_ARRAYS_BYTES // 2**20} MB of data arrays; "
                f"received {size / 2**20:.1f} MB. Pass arrays=None (the run then "
                "needs its upload to be opened again), or use `data_arrays`, which "
                "drops them over the cap.")

    @classmethod
    def from_result(cls, experiment: Experiment, result: Any,
                    snapshots: Any = None, **fields: Any) -> RunRecord:
        """A record of a finished `TrainingResult`.

        Args:
            experiment: The experiment that was trained.
            result: The `playground.training.TrainingResult`.
            snapshots: A `SnapshotStore`, a list of `(epoch, snapshot)`
                pairs, or None.
            **fields: Other record fields (`arrays`, `best_weights`, `name`,
                `owner`, `started_at`, ...). `finished_at` defaults to now.
        """
        if snapshots is not None and hasattr(snapshots, "items"):
            snapshots = snapshots.items()
        fields.setdefault("finished_at", time.time())
        if experiment.start is not None:  # a continued run names its parent
            fields.setdefault("parent_id", experiment.start.parent_id)
            fields.setdefault("start_epoch", experiment.start.epoch)
        return cls(experiment=experiment, status=result.status, message=result.message,
                   history={k: list(v) for k, v in result.history.items()},
                   test_metrics=dict(result.test_metrics), epochs_run=result.epochs_run,
                   elapsed=result.elapsed, weights=list(result.weights),
                   test_outputs=getattr(result, "test_outputs", None),
                   checkpoints=list(getattr(result, "checkpoints", None) or []),
                   snapshots=list(snapshots or []), **fields)

    def summary(self) -> RunSummary:
        """The listing view of this record (what `RunStore.list` returns)."""
        best_metric, best_value = best_validation(self.history)
        exp = self.experiment
        return RunSummary(
            id=self.id, name=self.name, note=self.note, owner=self.owner,
            dataset=dataset_label(exp), model=model_summary(exp),
            optimizer=optimizer_label(exp), learning_rate=exp.learning_rate,
            epochs=exp.epochs, epochs_run=self.epochs_run, status=self.status,
            best_metric=best_metric, best_value=best_value,
            test_metrics=dict(self.test_metrics), created_at=self.created_at,
            lesson_id=self.lesson_id, student=self.student)
