"""Following a run that trains elsewhere, through the run store.

A job records its own run (`playground.runs.job_recording`), so a run
started from one web server can be watched from another that shares the
store, or from the same server after a restart, while its job trains on in
a worker the server does not hold (a Ray actor). `handle_for` turns a
stored run into the handle the pages draw: a finished one as it was
(`stored_handle`), a live one as a `JobHandle` fed by a thread that reads
the run's progress every `FOLLOW_SECONDS` and finishes it with the stored
end. Stopping it asks the job through the store (`RunStore.request_stop`).

A job writes to its run at least every `HEARTBEAT_SECONDS`; a run that
says it trains but has not been written for `LOST_SECONDS` has lost its
worker (its server's pool ended with the server, a machine went away) and
is shown as interrupted, with the epochs it saved. Every viewer of one run
in a process shares one follower.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

from playground.jobs.handle import JobHandle
from playground.runs.errors import RunNotFound, StoreUnavailable
from playground.runs.job_recording import HEARTBEAT_SECONDS
from playground.runs.record import RunRecord
from playground.runs.recorder import (
    INTERRUPTED,
    epoch_event,
    stored_handle,
    stored_result,
)
from playground.training.result import ENDED, QUEUED

FOLLOW_SECONDS = 1.0
"""How often a follower reads the run's progress."""
LOST_SECONDS = 6 * HEARTBEAT_SECONDS
"""How long a training run may go unwritten before it counts as lost."""
LOST_QUEUED_SECONDS = 3600.0
"""How long a run may wait in its server's queue, unwritten, before it
counts as lost (the queue ended with its server)."""
log = logging.getLogger(__name__)

_followers: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_followers_lock = threading.Lock()


def lost(record_or_state: Any, now: float | None = None) -> bool:
    """Whether a run that says it is queued or training has lost its job."""
    get = (record_or_state.get if isinstance(record_or_state, dict)
           else lambda name: getattr(record_or_state, name))
    now = time.time() if now is None else now
    if get("status") in ENDED:
        return False
    written = get("updated_at")
    if written is None:  # never taken by a worker that records itself
        return (get("status") != QUEUED
                or now - (get("created_at") or now) > LOST_QUEUED_SECONDS)
    return now - written > LOST_SECONDS


def handle_for(store: Any, record: RunRecord) -> JobHandle:
    """The handle that shows `record`: followed live while its job trains
    (elsewhere), else the stored run as it ended (or as interrupted)."""
    if record.status in ENDED or lost(record):
        return stored_handle(record)
    with _followers_lock:
        handle = _followers.get(record.id)
        if handle is None or handle.done:
            handle = _follow(store, record)
            _followers[record.id] = handle
    return handle


def _follow(store: Any, record: RunRecord) -> JobHandle:
    handle = JobHandle(record.experiment)
    handle.id = record.id
    handle.creator = record.owner
    handle.submitted_at = record.created_at
    for index in range(record.epochs_run):
        handle.deliver(epoch_event(record.history, index, record.experiment.epochs,
                                    record.elapsed * (index + 1) / record.epochs_run))

    def stop() -> None:
        try:
            store.request_stop(record.id)
        except (StoreUnavailable, RunNotFound) as error:
            log.warning("Could not ask run %s to stop: %s", record.id, error)

    if record.started_at is not None:
        handle.started(stop)
    else:
        handle.queued(lambda: None, stop)
    threading.Thread(target=_read_progress, args=(store, weakref.ref(handle),
                                                  record.epochs_run, stop),
                     daemon=True, name=f"follow-{record.id[:8]}").start()
    return handle


def _read_progress(store: Any, ref: weakref.ref, delivered: int, stop) -> None:
    """Feeds a followed handle from the store until the run ends, is lost,
    or nobody holds the handle any more (only a weak reference is kept
    between two reads)."""
    while delivered is not None:
        time.sleep(FOLLOW_SECONDS)
        handle = ref()
        if handle is None or handle.done:
            return
        delivered = _read_once(store, handle, delivered, stop)
        del handle


def _read_once(store: Any, handle: JobHandle, delivered: int, stop) -> int | None:
    """One read of the run: new epochs delivered; returns the epochs
    delivered so far, or None once the handle is finished."""
    try:
        state = store.live_state(handle.id)
    except RunNotFound:  # deleted meanwhile
        handle.finish(handle.failed(INTERRUPTED))
        return None
    except StoreUnavailable as error:  # try again at the next read
        log.warning("Following run %s: %s", handle.id, error)
        return delivered
    if state["started_at"] is not None and handle.status == QUEUED:
        handle.started(stop)
    history, epochs = state["history"], handle.experiment.epochs
    for index in range(delivered, state["epochs_run"]):
        handle.deliver(epoch_event(history, index, epochs, state["elapsed"] * (index + 1)
                                    / max(state["epochs_run"], 1)))
    if state["status"] in ENDED:
        _finish(store, handle)
        return None
    if lost({**state, "created_at": handle.submitted_at}):
        handle.finish(handle.failed(INTERRUPTED))
        return None
    return max(delivered, state["epochs_run"])


def _finish(store: Any, handle: JobHandle) -> None:
    """Ends a followed handle with the run's stored end."""
    try:
        record = store.load(handle.id)
    except (RunNotFound, StoreUnavailable) as error:
        handle.finish(handle.failed(str(error)))
        return
    handle.snapshots.restore(record.snapshots)
    handle.finish(stored_result(record))
