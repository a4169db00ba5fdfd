"""Training as a job: submit an experiment, get a handle, poll it.

The app never calls `fit` on its script thread. It calls `start_job`, keeps
the returned `TrainingJob` in the user's session, and polls it: `events`
gives the plain-data events so far, `stop()` asks training to end, and
`result` holds the `TrainingResult` once the run is over. No Streamlit or
Keras object crosses this handle, so the thread behind it can later become
a worker process or a job on a cluster engine without changing the pages.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from playground.config import Experiment
from playground.snapshots import SnapshotStore
from playground.training import (
    FAILED,
    StopSignal,
    TrainingResult,
    failure_message,
    run_training,
)

STARTING = "starting"
RUNNING = "running"

_ids = itertools.count(1)


class TrainingJob:
    """A handle on one training run in a background thread.

    Attributes:
        id: A number unique within this process.
        experiment: The experiment being trained (frozen, plain data).
        snapshots: `SnapshotStore` of measurement dicts by epoch (see
            `playground.snapshotter`), for live views, replay and diagnosis.
    """

    def __init__(self, experiment: Experiment):
        self.id = next(_ids)
        self.experiment = experiment
        self.started_at = time.time()
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = StopSignal()
        self._result: TrainingResult | None = None
        self.snapshots = SnapshotStore()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"training-job-{self.id}")

    def _emit(self, event: dict[str, Any]) -> None:
        if event["type"] == "snapshot":  # bounded store, not the event log
            self.snapshots.add(event["epoch"], {k: v for k, v in event.items()
                                                if k not in ("type", "epoch")})
            return
        with self._lock:
            self._events.append(event)

    def _run(self) -> None:
        self._emit({"type": "status", "message": "Starting TensorFlow"})
        try:
            result = run_training(self.experiment, self._emit, self._stop,
                                  snapshots=True)
        except BaseException as error:  # never leave a job running forever
            result = TrainingResult(FAILED, failure_message(error))
        with self._lock:
            self._result = result

    def start(self) -> TrainingJob:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Asks training to end; the partial model and history are kept."""
        self._stop.request()

    @property
    def stop_requested(self) -> bool:
        return self._stop.requested

    def events(self, since: int = 0) -> list[dict[str, Any]]:
        """The events emitted so far, from index `since` on."""
        with self._lock:
            return list(self._events[since:])

    @property
    def done(self) -> bool:
        with self._lock:
            return self._result is not None

    @property
    def result(self) -> TrainingResult | None:
        with self._lock:
            return self._result

    def wait(self, timeout: float | None = None) -> TrainingResult | None:
        self._thread.join(timeout)
        return self.result

    @property
    def status(self) -> str:
        """`starting`, `running`, or the result's status once done."""
        with self._lock:
            if self._result is not None:
                return self._result.status
            return RUNNING if any(e["type"] == "epoch" for e in self._events) else STARTING

    def progress(self) -> dict[str, Any]:
        """A snapshot for drawing: history so far, epoch, elapsed, message."""
        with self._lock:
            events = list(self._events)
            result = self._result
        history: dict[str, list[float]] = {}
        epoch, elapsed, message = 0, 0.0, ""
        for event in events:
            if event["type"] == "epoch":
                epoch, elapsed = event["epoch"], event["elapsed"]
                for key, value in event["logs"].items():
                    history.setdefault(key, []).append(value)
            else:
                message = event.get("message", message)
        if result is not None:
            history, elapsed, message = result.history, result.elapsed, result.message
        return {"history": history, "epoch": epoch, "epochs": self.experiment.epochs,
                "elapsed": elapsed, "message": message, "status": self.status,
                "done": result is not None}


def start_job(experiment: Experiment) -> TrainingJob:
    """Starts training an experiment in the background and returns its handle."""
    return TrainingJob(experiment).start()
