"""What every executor of training jobs shares: the queue, the slots, the owners.

An executor trains at most `limit` jobs at once. Each of its `Slot`s runs
one job at a time on a worker of its own (a local process, a Ray actor)
and takes the next from one FIFO queue as soon as it is free. Owners (a
browser tab) that left wait out their grace here: their queued jobs are
skipped, not dropped, and their jobs are cancelled once it ends. Only how
a worker is started, reached and replaced differs between executors; that
is what a `Slot` subclass implements.
"""

from __future__ import annotations

import abc
import collections
import logging
import threading
import time
import weakref
from typing import Any, Callable

from playground.config import Experiment
from playground.jobs import messages
from playground.jobs.executor import (
    Executor,
    default_jobs_per_worker,
    default_max_run_seconds,
    default_memory_limit_mb,
    default_workers,
    time_limit_reason,
)
from playground.jobs.handle import JobHandle
from playground.jobs.messages import RELEASED
from playground.jobs.queue_wait import estimated_wait, running_paces

START_ATTEMPTS = 3
"""Fresh workers in a row that may die before a job is failed for it."""
REHEARSAL_PATIENCE_SECONDS = 8.0
"""How long a run waits for its worker to finish preparing another network
before the worker is replaced. Preparing takes 1-3 s. A worker once
stopped for 14-134 s inside a trace, in about one in four presses of Train
right after the page opened: Python's collector was freeing earlier
networks' TensorFlow threads there (`worker.collect_garbage`, now called
between jobs, is the fix); the bound stays for whatever else may hold a
worker, as a fresh worker takes seconds to start."""
REHEARSAL_CHECK_SECONDS = 0.25
"""How often a slot preparing a network looks whether a run now waits."""

log = logging.getLogger(__name__)


def tables_for(experiment: Experiment | None) -> dict[str, Any]:
    """The uploaded table (or the kept dataset of a stored CSV run) that an
    experiment needs, by token: they live in the server's memory, so they
    travel to the worker with the job."""
    if experiment is None or not getattr(experiment, "upload", ""):
        return {}
    from playground.datasets import uploads
    from playground.datasets.source import kept_dataset

    data = uploads.get(experiment.upload)
    if data is None:
        data = kept_dataset(experiment.upload)
    return {} if data is None else {experiment.upload: data}


class Slot(abc.ABC):
    """Runs queued jobs one at a time on its own worker, replacing the
    worker when it died, after `jobs_per_worker` jobs, or once it holds
    more than `memory_limit_mb`, so memory a model took goes back.

    Subclasses say how a worker starts (`start_worker`), trains a job
    (`train`) and is asked to stop (`stop_job`). A worker object has
    `jobs_run`, `memory_mb` and `retire()`, which lets it go (at once if
    idle) and frees what it holds.
    """

    REHEARSES = False
    """Whether `rehearse` prepares a network on this slot's worker."""

    def __init__(self, executor: QueuedExecutor, index: int):
        self.executor = executor
        self.current: JobHandle | None = None
        self.network: Experiment | None = None  # what its worker last trained or prepared
        self.rehearsing = False
        self.worker = self.start_worker()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name=f"training-slot-{index}")
        self._thread.start()

    @abc.abstractmethod
    def start_worker(self):
        """A fresh worker, warming up (importing TensorFlow) in the background."""

    @abc.abstractmethod
    def train(self, handle: JobHandle) -> bool:
        """Runs one job to its end and finishes its handle; False when the
        worker died doing it (the slot then replaces it)."""

    @abc.abstractmethod
    def stop_job(self, handle: JobHandle) -> None:
        """Asks the running job to stop (called from any thread)."""

    def prepare(self, handle: JobHandle) -> None:
        """Readies the worker for a new job, before a stop can reach it."""

    def ready(self) -> bool:
        """Whether the worker has started (imported TensorFlow). Only a
        started worker prepares a network ahead of its run: on one still
        starting, preparing would hold the slot through the whole start, and
        a run pressed meanwhile would wait behind it, "waiting for a free
        worker" (seen for 33–37 s after a worker was replaced)."""
        return True

    def rehearse(self, experiment: Experiment) -> bool:
        """Prepares the experiment's network on the worker
        (`playground.training.rehearsal.prepare_network`); False when the worker
        died doing it, or was ended by `patiently`."""
        return True

    def tidy(self) -> bool:
        """Frees, in the worker, what its last job or preparation left
        behind (`worker.collect_garbage`), before it takes the next one;
        False when the worker died doing it, or was ended by `patiently`."""
        return True

    patience = REHEARSAL_PATIENCE_SECONDS

    def patiently(self, ended: Callable[[float], bool], end_worker: Callable[[], None],
                  ) -> bool:
        """Waits for work done between runs (a network's preparation, a
        collection), which `ended(seconds)` waits for at most that long;
        True once it ended. While a run waits, the wait lasts at most
        `patience` seconds: `end_worker()` then ends the worker (the slot
        starts a fresh one for the run) and this returns False."""
        started = time.monotonic()
        while not ended(REHEARSAL_CHECK_SECONDS):
            waited = time.monotonic() - started
            if waited > self.patience and self.executor.run_waiting():
                log.warning("A worker was still busy between runs after %.0f s "
                            "while a run waited; replacing it.", waited)
                end_worker()
                return False
        return True

    def _loop(self) -> None:
        while True:
            handle = self.executor.next_job(self)
            if handle is None:
                break
            if isinstance(handle, Experiment):  # a network to prepare, no job
                healthy = self.rehearse(handle) and self.tidy()
                self.network, self.rehearsing = handle, False
                if not healthy:
                    self.worker.retire()
                    self.worker = self.start_worker()
                continue
            # Set before the run, so that a request to prepare this network
            # meanwhile is skipped, and again after it, because a worker
            # started during the job (`start_worker`) holds the app's
            # first network until then.
            self.network = handle.experiment
            healthy = self._run(handle)
            self.network = handle.experiment
            self.current = None
            healthy = healthy and self.tidy()  # before the memory ceiling is read
            self.worker.jobs_run += 1
            if (not healthy or self.worker.jobs_run >= self.executor.jobs_per_worker
                    or self.worker.memory_mb > self.executor.memory_limit_mb):
                self.worker.retire()
                self.worker = self.start_worker()
        self.worker.retire()

    def _run(self, handle: JobHandle) -> bool:
        self.prepare(handle)
        # The job is the slot's from here: a stop reaches whichever worker
        # runs it, even one that replaced a worker that died warming up.
        handle.started(lambda: self.stop_job(handle))
        limit = self.executor.max_run_seconds
        timer = threading.Timer(limit, handle.stop, (time_limit_reason(limit),))
        timer.daemon = True
        if limit:
            timer.start()
        try:
            return self.train(handle)
        finally:
            timer.cancel()


class QueuedExecutor(Executor):
    """An executor whose slots take jobs from one FIFO queue.

    Args:
        limit: Jobs trained at once (default `PLAYGROUND_WORKERS`, else
            cores − 1, at least 1); the others wait in the queue.
        jobs_per_worker: Jobs a worker runs before it is replaced.
        memory_limit_mb: A worker holding more memory is replaced.
        max_run_seconds: A run training longer is stopped as by Stop, its
            epochs kept, and says so (default `PLAYGROUND_MAX_RUN_SECONDS`;
            0 for no limit).

    Subclasses create their slots with `_start_slots` at the end of their
    own `__init__`.
    """

    def __init__(self, limit: int | None = None, jobs_per_worker: int | None = None,
                 memory_limit_mb: int | None = None,
                 max_run_seconds: float | None = None):
        self.limit = limit or default_workers()
        self.max_run_seconds = (default_max_run_seconds() if max_run_seconds is None
                                else max_run_seconds)
        self.jobs_per_worker = jobs_per_worker or default_jobs_per_worker()
        self.memory_limit_mb = memory_limit_mb or default_memory_limit_mb()
        self._queue: collections.deque[JobHandle] = collections.deque()
        self._cond = threading.Condition()
        self._closed = False
        self._releases: dict[str, threading.Timer] = {}
        self._away: set[str] = set()  # owners whose browser left, within their grace
        self._handles: weakref.WeakValueDictionary[str, JobHandle] = (
            weakref.WeakValueDictionary())
        self._slots: list[Slot] = []
        self._rehearsal: Experiment | None = None  # a network to prepare, for a free slot
        self._idle: set[Slot] = set()  # the slots waiting in `next_job`

    def _start_slots(self, slot_class: type[Slot]) -> None:
        self._slots = [slot_class(self, i) for i in range(self.limit)]

    # -- training jobs -----------------------------------------------------------

    def submit(self, experiment: Experiment, owner: str | None = None,
               recording=None) -> JobHandle:
        handle = JobHandle(experiment, owner)
        if recording is not None:
            handle.recording = recording(handle)
        handle.queued(lambda: self._jobs_ahead(handle), lambda: self._cancel(handle),
                      lambda: self._wait(handle))
        with self._cond:
            if self._closed:
                raise RuntimeError("This executor was shut down; create a new one.")
            self._rehearsal = None  # a job comes first: no worker prepares for later
            self._queue.append(handle)
            self._handles[handle.id] = handle
            self._cond.notify_all()  # the slot to take it may be any idle one (`next_job`)
        return handle

    def find(self, job_id: str) -> JobHandle | None:
        with self._cond:
            return self._handles.get(job_id)

    def active_jobs(self, creator: str) -> list[JobHandle]:
        with self._cond:
            queued = [h for h in self._queue if h.creator == creator]
            running = [s.current for s in self._slots
                       if s.current is not None and s.current.creator == creator]
        return [h for h in running + queued if not h.done]

    def next_job(self, slot: Slot) -> JobHandle | Experiment | None:
        """The oldest queued job whose browser is still there, for a free
        slot (the one whose worker holds its network, if idle), else a
        network to prepare (`prepare_network`); None once shut down."""
        with self._cond:
            self._idle.add(slot)
            try:
                while not self._closed and self._startable_for(slot) is None and not (
                        self._rehearsal is not None and slot.ready()):
                    # A network to prepare waits for a started worker
                    # (`Slot.ready`), and a job left to another slot may be
                    # this one's after all (that slot took another first):
                    # either way, this slot looks again shortly.
                    waiting = self._rehearsal is not None or self._startable() is not None
                    self._cond.wait(0.5 if waiting else None)
            finally:
                self._idle.discard(slot)
            if self._closed:
                return None
            job = self._startable_for(slot)
            if job is None:
                network, self._rehearsal = self._rehearsal, None
                slot.rehearsing = True
                return network
            slot.current = job
            self._queue.remove(job)
            if self._queue:  # a slot that left the taken job to this one looks again
                self._cond.notify_all()
            return job

    def _startable_for(self, slot: Slot) -> JobHandle | None:
        """The oldest startable job for `slot`, unless another slot waiting
        for work (`next_job`) has a started worker that holds the job's
        network ready (it prepared or last trained it) and this slot's does
        not: that slot takes the job, whose first epoch then starts at once."""
        job = self._startable()
        if job is None or self._holds(slot, job.experiment):
            return job
        if any(other is not slot and other in self._idle and self._holds(other, job.experiment)
               and other.ready() for other in self._slots):
            return None
        return job

    @staticmethod
    def _holds(slot: Slot, experiment: Experiment) -> bool:
        """Whether `slot`'s worker last prepared or trained `experiment`'s network."""
        from playground.training.warm_models import same_network

        return slot.network is not None and same_network(slot.network, experiment)

    def prepare_network(self, experiment: Experiment) -> None:
        """Hands the network to a free worker to prepare, when one is idle,
        nothing waits, and no worker holds that network already. With
        several workers, the run starts on the one holding its network if
        that one is idle (`next_job`), else on another, which builds the
        network as it would have anyway."""
        with self._cond:
            slots = [s for s in self._slots if s.REHEARSES]
            if (self._closed or self._queue or not slots
                    or any(self._holds(s, experiment) for s in slots)
                    or not any(s.current is None and not s.rehearsing and s.ready()
                               for s in slots)):
                return
            self._rehearsal = experiment
            self._cond.notify_all()  # the one to take it may be any idle, started slot

    def run_waiting(self) -> bool:
        """Whether a queued run could start now if a slot were free."""
        with self._cond:
            return self._startable() is not None

    def _startable(self) -> JobHandle | None:
        return next(iter(self._present(self._queue)), None)

    def _present(self, jobs) -> list[JobHandle]:
        """The jobs whose browser is still there (the others wait, skipped)."""
        return [job for job in jobs if job.owner not in self._away]

    def _jobs_ahead(self, handle: JobHandle) -> int | None:
        """The queued jobs that start before this one: those of a browser
        that has left wait, skipped, so they are not counted."""
        with self._cond:
            if handle not in self._queue:
                return None
            return len(self._present(list(self._queue)[:self._queue.index(handle)]))

    def _wait(self, handle: JobHandle) -> float | None:
        """Seconds until a queued job starts, from the running jobs' pace."""
        with self._cond:
            if handle not in self._queue:
                return None
            ahead = self._present(list(self._queue)[:self._queue.index(handle)])
            running = [s.current for s in self._slots if s.current is not None]
        return estimated_wait(running_paces(running),
                              [job.experiment.epochs for job in ahead], self.limit)

    def _cancel(self, handle: JobHandle) -> None:
        """Takes a stopped job out of the queue, if it is still there."""
        with self._cond:
            if handle not in self._queue:
                return
            self._queue.remove(handle)
            self._cond.notify_all()  # a job behind it may be a waiting slot's now
        handle.finish(handle.cancelled(messages.NOT_STARTED))

    # -- sessions ------------------------------------------------------------------

    def release_owner(self, owner: str, grace: float = 0.0) -> None:
        self.reclaim_owner(owner)
        if grace <= 0:
            self._release(owner)
            return
        timer = threading.Timer(grace, self._release, (owner,))
        timer.daemon = True
        with self._cond:
            self._releases[owner] = timer
            self._away.add(owner)  # its queued jobs wait until it is back
            self._cond.notify_all()  # a job behind them may be a waiting slot's now
        timer.start()

    def reclaim_owner(self, owner: str) -> None:
        with self._cond:
            timer = self._releases.pop(owner, None)
            if owner in self._away:
                self._away.discard(owner)
                self._cond.notify_all()
        if timer is not None:
            timer.cancel()

    def _release(self, owner: str) -> None:
        self._released(owner)  # first: a search of the owner starts no more trials
        with self._cond:
            self._releases.pop(owner, None)
            self._away.discard(owner)
            mine = [h for h in self._queue if h.owner == owner]
            mine += [s.current for s in self._slots
                     if s.current is not None and s.current.owner == owner]
        for handle in mine:
            handle.stop(RELEASED)

    # -- the executor ------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        with self._cond:
            return {"running": sum(s.current is not None for s in self._slots),
                    "queued": len(self._queue), "limit": self.limit}

    def shutdown(self) -> None:
        """Cancels the queued jobs and asks the running ones to stop; the
        slots then let their workers go."""
        for handle in self.close_queue():
            handle.stop()

    def join(self, timeout: float | None = None) -> bool:
        """Waits, after `shutdown`, until every slot has let its worker go.

        A slot tidies its worker after a job ends (the handle is already
        done by then), so a process that exits at once can pull Ray or the
        pool from under it: Ray's core worker then ends the process with
        exit status 1. Returns True when every slot ended within `timeout`.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        for slot in self._slots:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            slot._thread.join(left)
        return not any(slot._thread.is_alive() for slot in self._slots)

    def close_queue(self) -> list[JobHandle]:
        """Takes no more jobs and cancels the queued ones; idle slots let
        their workers go. Returns the jobs still running."""
        with self._cond:
            self._closed = True
            queued, self._queue = list(self._queue), collections.deque()
            running = [s.current for s in self._slots if s.current is not None]
            self._cond.notify_all()
        for handle in queued:
            handle.finish(handle.cancelled(messages.SHUT_DOWN))
        return running
