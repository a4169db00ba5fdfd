"""A training job that records its own run, where it trains.

The server saves a run once, when it is submitted (`RunRecorder`); from
then on the job writes it itself, in its worker: a process of the server,
a Ray actor on another machine, or the command line's own process. It
marks the run started (with which executor and worker took it), writes its
progress every `PROGRESS_SECONDS` (and again every `HEARTBEAT_SECONDS`
while an epoch runs long, so that followers know it is alive), and writes
its end with the weights and snapshots. So a run outlives the web server
that started it, and any server sharing the store can follow it (`run=`
links) or stop it (`RunStore.request_stop`, read with each progress write).

`StoreRecording` is what travels with the job to its worker: only the
store's URL, pickled with the job. The worker opens it (once per process
and store) and records through a `JobRecorder`.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from playground.runs.errors import StoreUnavailable
from playground.runs.progress import ProgressSaver
from playground.training.result import RUNNING, STARTING
from playground.training.snapshot_store import SnapshotStore

PROGRESS_SECONDS = 2.0
"""Least seconds between two progress writes of a running job."""
HEARTBEAT_SECONDS = 10.0
"""Longest time a live job goes without writing to its run."""
log = logging.getLogger(__name__)

_stores: dict[str, Any] = {}
_stores_lock = threading.Lock()


@dataclass(frozen=True)
class StoreRecording:
    """Where a job records its run: a run store's URL (no password is
    shown in its repr).

    Args:
        url: The store's SQLAlchemy URL, as `RunStore.url` gives it.
    """

    url: str

    def __repr__(self) -> str:
        return "StoreRecording(...)"

    def open(self, run_id: str, executor: str, worker: str) -> JobRecorder | None:
        """Starts recording run `run_id` from this process; None (logged)
        when the store cannot be reached from here: the server that follows
        the job then saves its end, as it sees it."""
        try:
            return JobRecorder(_store(self.url), run_id, executor, worker)
        except (StoreUnavailable, ValueError) as error:
            log.warning("Run %s cannot record itself (%s); its server saves it.",
                        run_id, error)
            return None


def _store(url: str) -> Any:
    """This process's store at `url`, opened once (engines keep connections)."""
    from playground.runs.store import open_store

    with _stores_lock:
        if url not in _stores:
            _stores[url] = open_store(url)
        return _stores[url]


class JobRecorder:
    """Writes one job's run from where it trains: start, progress, end.

    Args:
        store: The `RunStore` holding the run, saved at submission.
        run_id: The run's id (the job's).
        executor: `process`, `ray` or `local`.
        worker: Which worker trains it (host, process).
    """

    def __init__(self, store: Any, run_id: str, executor: str, worker: str):
        self.store, self.run_id = store, run_id
        store.start_run(run_id, time.time(), executor, worker)
        self.snapshots = SnapshotStore()
        self._progress = ProgressSaver(store, run_id, PROGRESS_SECONDS,
                                       heartbeat=HEARTBEAT_SECONDS)
        self.history = self._progress.history  # the epochs so far
        self._progress.update(STARTING, "", self.history, 0, 0.0)

    @property
    def stop_requested(self) -> bool:
        """Whether someone asked this run to stop through the store."""
        return self._progress.stop_requested

    def event(self, event: dict[str, Any]) -> None:
        """Takes one event of the training loop; returns at once."""
        if event["type"] == "epoch":
            self._progress.add_epoch(RUNNING, event)
        elif event["type"] == "snapshot":
            self.snapshots.add_event(event)

    def finish(self, result: Any) -> bool:
        """Writes how the run ended (a `TrainingResult`); whether it was
        written (a store that failed is logged and left to the server)."""
        self._progress.close()
        try:
            self.store.finish_run(self.run_id, result, self.snapshots.items())
        except (StoreUnavailable, ValueError) as error:
            log.warning("Run %s could not save its end (%s); its server saves it.",
                        self.run_id, error)
            return False
        return True
