"""The handle a page holds on one training job, wherever the job runs.

An executor (see `playground.jobs.executor`) creates a `JobHandle` when an
experiment is submitted, feeds it the job's plain-data events as they
arrive, and finishes it with a `TrainingResult`. The page only reads it:
`progress()` for drawing, `snapshots` for the live views and replay,
`result` once the run is over, and `stop()` to end the run early. Nothing
that crosses the handle is a Streamlit or Keras object, so the same handle
serves a local process pool today and a cluster engine later.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
import time
from typing import Any, Callable

from playground.config import Experiment
from playground.i18n import tr, tr_n
from playground.training.result import (
    FAILED,
    QUEUED,
    RUNNING,
    STARTING,
    STOPPED,
    TrainingResult,
)
from playground.training.snapshot_store import SnapshotStore

_log = logging.getLogger(__name__)


class JobHandle:
    """A training job as the page sees it: events, progress, stop, result.

    Args:
        experiment: The experiment to train (frozen, plain data).
        owner: Who submitted it (a browser session's token), so that the
            jobs of a session that ended can be cancelled; None for jobs
            nobody owns (tests, the command line).

    Attributes:
        id: An unguessable id, unique across processes.
        creator: Whose run it is: the id of the browser that started it,
            or None for the command line's. Anyone with its link may watch
            it; only its creator may stop, rename or delete it (the pages
            check this). Unlike `owner`, it outlives the browser session.
        snapshots: `SnapshotStore` of measurement dicts by epoch (see
            `playground.training.measurements`), for live views, replay and diagnosis.
        recording: Where the job records its own run, sent to its worker
            (see `Executor.submit`); None when the server records it.
    """

    def __init__(self, experiment: Experiment, owner: str | None = None):
        self.id = secrets.token_urlsafe(16)
        self.experiment = experiment
        self.owner = owner
        self.creator: str | None = None
        self.recording: Any = None
        self.submitted_at = time.time()
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.snapshots = SnapshotStore()
        self._events: list[dict[str, Any]] = []
        # What `progress()` reads, kept up to date as events arrive, so a
        # poll copies lists instead of replaying every event of the run.
        self._history: dict[str, list[float]] = {}
        self._epoch, self._elapsed, self._message = 0, 0.0, ""
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._trained = threading.Event()  # the first epoch arrived, or the end
        self._stop_requested = False
        self._stop_reason: str | None = None
        self._started = False
        self._result: TrainingResult | None = None
        self._on_stop: Callable[[], None] | None = None
        self._jobs_ahead: Callable[[], int | None] = lambda: None
        self._listeners: list[Callable[[JobHandle, dict[str, Any] | None], None]] = []

    # -- fed by the executor ---------------------------------------------------

    def deliver(self, event: dict[str, Any]) -> None:
        """Records one event from the running job (executor side)."""
        if event["type"] == "snapshot":  # bounded store, not the event log
            self.snapshots.add_event(event)
        else:
            with self._lock:
                self._events.append(event)
                if event["type"] == "epoch":
                    self._epoch, self._elapsed = event["epoch"], event["elapsed"]
                    self._trained.set()
                    for key, value in event["logs"].items():
                        self._history.setdefault(key, []).append(value)
                else:
                    self._message = event.get("message", self._message)
        self._notify(event)

    def listen(self, listener: Callable[[JobHandle, dict[str, Any] | None], None]) -> None:
        """Calls `listener(handle, event)` on every event from now on, and
        `listener(handle, None)` once the job has ended (at once if it has).

        Listeners run on the executor's thread, never on the training loop:
        a run store records the job this way. Their errors are logged, so a
        failing listener cannot end a job.
        """
        with self._lock:
            self._listeners.append(listener)
            ended = self._result is not None
        if ended:
            self._call(listener, None)

    def _notify(self, event: dict[str, Any] | None) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            self._call(listener, event)

    def _call(self, listener, event) -> None:
        try:
            listener(self, event)
        except Exception:  # noqa: BLE001 - a recorder must not end the job
            _log.exception("A listener of job %s failed", self.id)

    def started(self, on_stop: Callable[[], None]) -> None:
        """Marks the job as handed to a worker; `on_stop` reaches it there."""
        with self._lock:
            self._started = True
            self.started_at = time.time()
            self._on_stop = on_stop
            stop_now = self._stop_requested
        if stop_now:
            on_stop()

    def queued(self, jobs_ahead: Callable[[], int | None],
               cancel: Callable[[], None],
               wait: Callable[[], float | None] = lambda: None) -> None:
        """Marks the job as waiting in a queue (executor side).

        Args:
            jobs_ahead: Counts the jobs that will start before this one.
            cancel: Takes the job out of the queue when it is stopped there.
            wait: Estimates the seconds until it starts (None: not known yet).
        """
        self._jobs_ahead = jobs_ahead
        self._on_stop = cancel
        self._wait = wait

    def finish(self, result: TrainingResult) -> None:
        """Ends the job with its result (executor side); only the first counts."""
        with self._lock:
            if self._result is not None:
                return
            if result.status == STOPPED and self._stop_reason and self._started:
                result = dataclasses.replace(result, message=self._stop_reason.format(
                    epochs=result.epochs_run))
            self._result = result
            self.finished_at = time.time()
        self._notify(None)
        self._finished.set()
        self._trained.set()

    def history(self) -> dict[str, list[float]]:
        """Metric name to values of the epochs streamed so far (a copy)."""
        with self._lock:
            return {key: list(values) for key, values in self._history.items()}

    def failed(self, message: str) -> TrainingResult:
        """A failed result that keeps the history streamed so far."""
        history = self.history()
        with self._lock:
            elapsed = self._elapsed
        return TrainingResult(FAILED, message, history, len(history.get("loss", [])),
                              elapsed)

    def cancelled(self, message: str) -> TrainingResult:
        """The result of a job that was stopped before a worker took it."""
        return TrainingResult(STOPPED, message)

    # -- read by the page --------------------------------------------------------

    def stop(self, reason: str | None = None) -> None:
        """Asks training to end; the partial model and history are kept.

        A queued job leaves the queue; a running one stops after its current
        group of batches, in the worker.

        Args:
            reason: Who stopped it, when not the user who watches it: the
                run's message instead of "Stopped by you ...", a `template`
                (in English, translated where it is read) whose `{epochs}`
                is filled with the epochs run.
        """
        with self._lock:
            if not self._stop_requested:
                self._stop_reason = reason
            self._stop_requested = True
            on_stop = self._on_stop if self._result is None else None
        if on_stop is not None:
            on_stop()

    @property
    def stop_requested(self) -> bool:
        with self._lock:
            return self._stop_requested

    def events(self, since: int = 0) -> list[dict[str, Any]]:
        """The events received so far, from index `since` on."""
        with self._lock:
            return list(self._events[since:])

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def result(self) -> TrainingResult | None:
        with self._lock:
            return self._result

    def wait(self, timeout: float | None = None) -> TrainingResult | None:
        """Blocks until the job ends (or `timeout` seconds) and returns its result."""
        self._finished.wait(timeout)
        return self.result

    def wait_for_epoch(self, timeout: float) -> bool:
        """Blocks until the job has trained an epoch or ended, at most
        `timeout` seconds; returns whether it has. The Train page waits a
        moment after Train so that its first drawing already shows the
        first epoch of a network a worker had ready."""
        return self._trained.wait(timeout)

    def jobs_ahead(self) -> int | None:
        """How many queued jobs will start before this one; None once started."""
        with self._lock:
            if self._started or self._result is not None:
                return None
        return self._jobs_ahead()

    @property
    def status(self) -> str:
        """`queued`, `starting`, `running`, or the result's status once done."""
        with self._lock:
            if self._result is not None:
                return self._result.status
            if not self._started:
                return QUEUED
            return RUNNING if self._epoch else STARTING

    def progress(self) -> dict[str, Any]:
        """A snapshot for drawing: history so far, epoch, elapsed, message,
        and `waiting`, the number of jobs ahead while queued (else None)."""
        with self._lock:
            history = {key: list(values) for key, values in self._history.items()}
            epoch, elapsed, message = self._epoch, self._elapsed, self._message
            result = self._result
        waiting = self.jobs_ahead()
        if waiting is not None:
            message = (tr_n("waiting: {count} job ahead of yours",
                            "waiting: {count} jobs ahead of yours", waiting)
                       if waiting else tr("waiting for a free worker"))
            seconds = self._wait()
            if seconds is not None:
                message += " " + tr("(starts in about {time})", time=_duration(seconds))
        if result is not None:
            history, elapsed, message = result.history, result.elapsed, result.message
        return {"history": history, "epoch": epoch, "epochs": self.experiment.epochs,
                "elapsed": elapsed, "message": message, "status": self.status,
                "done": result is not None, "waiting": waiting}


def _duration(seconds: float) -> str:
    """`12 s`, `3 min`: a wait as a student reads it."""
    return (tr("{count} s", count=max(1, round(seconds))) if seconds < 90
            else tr("{count} min", count=round(seconds / 60)))
