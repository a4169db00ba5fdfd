"""Keeping a job's run in the store, and turning a stored run back into a handle.

`submit_and_record` is how every caller starts a run (the pages, a search,
the command line's search): it queues the experiment on an executor and
follows the job with a `RunRecorder`, which keeps a CSV run's data with it.

`RunRecorder` follows a `JobHandle` (as one of its listeners, on the
executor's thread, never on the training loop): it saves the run when it is
submitted, with a CSV run's data. From then on the job records itself where
it trains (`playground.runs.job_recording`): its start, its progress and
its end. The recorder writes what the job could not: an end the job never
reached (stopped in the queue, a worker that died) or could not write, the
reason for a stop that only the server knows, and everything for a job that
does not record itself (an executor given no `recording`). A store that
fails is reported once through `problem` and then left alone: the run on
screen is never lost because saving it failed.

`stored_handle` rebuilds a finished `JobHandle` from a `RunRecord`, so the
pages draw a stored run with the very code that draws a live one.
"""

from __future__ import annotations

from typing import Any

from playground.datasets.source import keep_dataset
from playground.i18n import template
from playground.jobs.handle import JobHandle
from playground.runs.errors import StoreUnavailable
from playground.runs.job_recording import StoreRecording
from playground.runs.kept_data import kept_arrays, new_token, unpack_dataset
from playground.runs.progress import ProgressSaver
from playground.runs.record import RunRecord
from playground.runs.store import RunStore
from playground.training.result import ENDED, FAILED, STOPPED, TrainingResult

PROGRESS_SECONDS = 2.0
INTERRUPTED = template("This run was interrupted: the worker that trained it, or its "
                       "server, stopped. The epochs it had saved are kept.")


class RunRecorder:
    """Saves one job's run at submission, and what its job could not write.

    For a job that does not record itself, progress goes through a
    `ProgressSaver`, whose thread writes the newest history at most every
    `PROGRESS_SECONDS`, so a slow store never holds up the events of the
    job it follows.

    Args:
        store: Where runs are kept.
        handle: The job to follow; its id is the run's id.
        owner: Who may list the run (a browser's id), or None.
        arrays: The prepared arrays to keep with the run (a CSV run's data),
            or None.
        name: The run's name, e.g. a search's trial (else it has none).
        lesson: `(lesson id, student name)` when a student trains in a
            lesson (`playground.lessons`): the run is kept with both, for the
            lesson's board and export. None otherwise.
    """

    def __init__(self, store: RunStore, handle: JobHandle, owner: str | None = None,
                 arrays: dict[str, Any] | None = None, name: str = "",
                 lesson: tuple[str, str] | None = None):
        self.store = store
        self.problem: Exception | None = None
        self._progress: ProgressSaver | None = None
        # The data is kept from the start: the job never sends it.
        self._write(store.save, record_of(handle, owner, arrays, name, lesson))
        handle.listen(self)

    def _write(self, write, *args) -> None:
        """One store write, unless an earlier one failed; the first failure
        is kept (read, as `str`, in the language of whoever shows it)."""
        if self.problem is None:
            try:
                write(*args)
            except StoreUnavailable as error:
                self.problem = error

    def __call__(self, handle: JobHandle, event: dict[str, Any] | None) -> None:
        if event is None:  # the end: no progress write may land after it
            if self._progress is not None:
                error = self._progress.close()
                if error is not None and self.problem is None:
                    self.problem = error
            result = handle.result
            if result.recorded:
                if result.status == STOPPED:  # the reason is known here only
                    self._write(self.store.set_message, handle.id, result.message)
            else:
                self._write(self.store.finish_run, handle.id, result,
                            handle.snapshots.items(), handle.finished_at,
                            handle.started_at)
        elif (event["type"] == "epoch" and self.problem is None
              and handle.recording is None):
            if self._progress is None:
                self._progress = ProgressSaver(self.store, handle.id, PROGRESS_SECONDS)
            self._progress.add_epoch(handle.status, event)


def submit_and_record(executor, experiment, owner: str | None = None, *,
                      store: RunStore | None = None, browser: str | None = None,
                      name: str = "", lesson: tuple[str, str] | None = None,
                      ) -> tuple[JobHandle, RunRecorder | None]:
    """Queues `experiment` and keeps its run in `store`, however it ends.

    The run is saved before the job is queued, and the job records itself
    in the same store from its worker (see the module's docstring).

    Args:
        executor: Where the job trains (a `playground.jobs.Executor`).
        experiment: What to train.
        owner: The token whose release cancels the job (a browser session).
        store: Where the run is kept; None trains without keeping it.
        browser: Who may list the run (a browser's id), or None for a run
            everyone's list shows (the command line's).
        name: The run's name (a search's trial), else one is made from the
            experiment.
        lesson: `(lesson id, student name)` for a student's run in a
            lesson (`playground.lessons.LessonStore.join` gives the name),
            else None.

    Returns:
        The job's handle, and its recorder (None without a store); the
        recorder's `problem` says why the store could not take the run.
    """
    recorders: list[RunRecorder] = []

    def record(handle: JobHandle) -> StoreRecording | None:
        handle.creator = browser
        if store is None:
            return None
        recorders.append(RunRecorder(store, handle, owner=browser, name=name,
                                     arrays=kept_arrays(experiment), lesson=lesson))
        return StoreRecording(store.url) if recorders[0].problem is None else None

    handle = executor.submit(experiment, owner, recording=record)
    return handle, (recorders[0] if recorders else None)


def record_of(handle: JobHandle, owner: str | None = None,
              arrays: dict[str, Any] | None = None, name: str = "",
              lesson: tuple[str, str] | None = None) -> RunRecord:
    """The run of a job as it stands: queued, running or ended."""
    lesson_id, student = lesson if lesson is not None else (None, None)
    start = handle.experiment.start  # a continued run names its parent
    result = handle.result
    history = result.history if result is not None else handle.history()
    return RunRecord(
        id=handle.id, experiment=handle.experiment, owner=owner, name=name,
        status=handle.status, message=result.message if result else "",
        history=history, test_metrics=result.test_metrics if result else {},
        epochs_run=len(history.get("loss", [])),
        elapsed=result.elapsed if result else 0.0,
        weights=list(result.weights) if result else [],
        test_outputs=result.test_outputs if result else None,
        checkpoints=list(result.checkpoints) if result else [],
        snapshots=handle.snapshots.items() if result else [],
        arrays=arrays, created_at=handle.submitted_at,
        started_at=handle.started_at, finished_at=handle.finished_at,
        lesson_id=lesson_id, student=student,
        parent_id=start.parent_id if start else None,
        start_epoch=start.epoch if start else None)


def stored_handle(record: RunRecord) -> JobHandle:
    """A finished handle that shows a stored run like the live one it was.

    A CSV run's kept data stands in for its upload (under a fresh token in
    the handle's experiment), so its pages draw without the file.
    """
    experiment = record.experiment
    data = unpack_dataset(record.arrays) if record.arrays else None
    if data is not None:
        token = new_token()
        keep_dataset(token, data)
        experiment = experiment.replace(upload=token)
    handle = JobHandle(experiment)
    handle.id = record.id
    handle.creator = record.owner
    handle.stored = record
    epochs = record.epochs_run
    for index in range(epochs):
        handle.deliver(epoch_event(record.history, index, epochs,
                                   record.elapsed * (index + 1) / max(epochs, 1)))
    handle.snapshots.restore(record.snapshots)
    handle.started(lambda: None)
    handle.finish(stored_result(record))
    return handle


def epoch_event(history: dict[str, list[float]], index: int, epochs: int,
                elapsed: float) -> dict[str, Any]:
    """The `epoch` event of epoch `index + 1` (0-based `index`) of a stored
    history, as the training loop sent it."""
    return {"type": "epoch", "epoch": index + 1, "epochs": epochs,
            "logs": {k: v[index] for k, v in history.items() if index < len(v)},
            "elapsed": elapsed}


def stored_result(record: RunRecord) -> TrainingResult:
    """How a stored run ended; a run stored as still training is shown as
    interrupted (`INTERRUPTED`), with the epochs it saved."""
    status, message = record.status, record.message
    if status not in ENDED:
        status, message = FAILED, INTERRUPTED
    return TrainingResult(status, message, record.history, record.epochs_run,
                          record.elapsed, list(record.weights), record.test_metrics,
                          test_outputs=record.test_outputs,
                          checkpoints=list(record.checkpoints))
