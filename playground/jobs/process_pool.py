"""Training jobs in a pool of warm worker processes on this machine.

Each of the `limit` slots owns a one-process `ProcessPoolExecutor` (spawn
context): the standard library starts the worker, carries the job and its
result, and notices when the worker dies. Giving every slot its own
executor keeps faults apart: a worker killed mid-run (SIGKILL, out of
memory, a TensorFlow abort) breaks only its own executor, so only its job
fails, keeping the history it had streamed; the slot then starts a fresh
worker while every other job carries on. A worker is also replaced after
`jobs_per_worker` jobs or once it holds more than `memory_limit_mb`, so
memory a model took goes back to the system.

Jobs wait in one FIFO queue and start as slots come free. Short Keras
tasks (`call`) run in one more worker of their own, so that inspecting a
trained model never waits behind someone's training.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import logging
import multiprocessing
import queue
import sys
import threading
import time
import types
import weakref
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from typing import Any, Callable

from playground.config import Experiment
from playground.jobs import messages, worker
from playground.jobs.executor import (
    Executor,
    default_jobs_per_worker,
    default_max_run_seconds,
    default_memory_limit_mb,
    default_workers,
    time_limit_reason,
)
from playground.jobs.handle import JobHandle
from playground.jobs.messages import CRASHED, OVER_MEMORY, RELEASED, TASK_CRASHED
from playground.jobs.queue_wait import estimated_wait, running_paces
from playground.keras_work import WorkerCrashed
from playground.training.result import failure_message

MEMORY_CHECK_SECONDS = 0.25
"""How often a running job's worker memory is read against the ceiling."""
FLUSH_SECONDS = 10.0
log = logging.getLogger(__name__)
START_ATTEMPTS = 3


def _tables_for(experiment: Experiment | None) -> dict[str, Any]:
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


@contextlib.contextmanager
def _without_main_script():
    """Starts processes without re-running this process's main script.

    A spawned child imports the parent's `__main__` file first. Streamlit
    runs each page script as `__main__`, so a worker would run `app.py`,
    start a pool of its own, and so on. The workers need nothing from the
    main script: hide it while the process starts.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class _Worker:
    """One warm worker process with its event queue and stop event."""

    def __init__(self, context: Any):
        self.events = context.Queue()
        self.stop = context.Event()
        self.executor = ProcessPoolExecutor(1, mp_context=context,
                                            initializer=worker.start,
                                            initargs=(self.events, self.stop))
        with _without_main_script():  # the process starts on the first submit
            self.ready = self.executor.submit(worker.warm_up)
        self.jobs_run = 0
        self.memory_mb = 0.0

    @property
    def pid(self) -> int | None:
        """The process id, once warm (None while starting or if it failed)."""
        try:
            return self.ready.result(timeout=0) if self.ready.done() else None
        except Exception:  # noqa: BLE001 - a failed start is reported by the job
            return None

    def retire(self) -> None:
        """Lets the process exit (now if idle) and frees its channels."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.events.cancel_join_thread()
        self.events.close()


class _Slot:
    """Runs queued jobs one at a time in its own worker process."""

    def __init__(self, pool: ProcessExecutor, index: int):
        self._pool = pool
        self.current: JobHandle | None = None
        self.worker = _Worker(pool.context)
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name=f"training-slot-{index}")
        self._thread.start()

    def _loop(self) -> None:
        while True:
            handle = self._pool.next_job(self)
            if handle is None:
                break
            healthy = self._run(handle)
            self.current = None
            self.worker.jobs_run += 1
            if (not healthy or self.worker.jobs_run >= self._pool.jobs_per_worker
                    or self.worker.memory_mb > self._pool.memory_limit_mb):
                self.worker.retire()
                self.worker = _Worker(self._pool.context)
        self.worker.retire()

    def _submit(self, handle: JobHandle) -> tuple[_Worker, Any] | None:
        """Hands the job to a warm worker, replacing workers that died before
        they got it (a failed start, or killed while idle); None when
        `START_ATTEMPTS` fresh workers in a row died."""
        for _ in range(START_ATTEMPTS):
            current = self.worker
            try:
                if isinstance(current.ready.exception(), BrokenExecutor):
                    raise BrokenExecutor  # it died warming up
                return current, current.executor.submit(
                    worker.train, handle.experiment, _tables_for(handle.experiment))
            except BrokenExecutor:
                log.warning("A training worker died before it got a job; starting "
                            "a fresh one.")
                current.retire()
                self.worker = _Worker(self._pool.context)
        return None

    def _run(self, handle: JobHandle) -> bool:
        """Runs one job to its end; False when the worker died doing it."""
        self.worker.stop.clear()
        # The job is the slot's from here: a stop reaches whichever worker
        # runs it, even one that replaced a worker that died warming up.
        handle.started(lambda: self.worker.stop.set())
        limit = self._pool.max_run_seconds
        timer = threading.Timer(limit, handle.stop, (time_limit_reason(limit),))
        timer.daemon = True
        if limit:
            timer.start()
        try:
            return self._train(handle)
        finally:
            timer.cancel()

    def _train(self, handle: JobHandle) -> bool:
        submitted = self._submit(handle)
        if submitted is None:
            handle.finish(handle.failed(CRASHED))
            return False
        current, future = submitted
        if handle.stop_requested:
            current.stop.set()
        over_memory = self._relay(handle, future)
        try:
            result, current.memory_mb = future.result()
        except BrokenExecutor:  # the worker died mid-run, or was stopped for its memory
            handle.finish(handle.failed(
                OVER_MEMORY.format(limit=self._pool.memory_limit_mb) if over_memory
                else CRASHED))
            return False
        except BaseException as error:  # noqa: BLE001 - raised by the job itself
            handle.finish(handle.failed(failure_message(error)))
            return True
        handle.finish(result)
        return True

    def _relay(self, handle: JobHandle, future: Any) -> bool:
        """Hands the worker's events to the handle until the job's last one.

        Meanwhile the worker's memory is read against the pool's ceiling: a
        job that passes it is ended at once by killing its worker (a model
        too large for the machine must not take the memory other students'
        runs need). Returns whether that happened.
        """
        events, deadline = self.worker.events, None
        pid, checked = self.worker.pid, time.monotonic()
        while True:
            if pid is not None and time.monotonic() - checked > MEMORY_CHECK_SECONDS:
                checked = time.monotonic()
                used = worker.memory_mb(pid)
                if used is not None and used > self._pool.memory_limit_mb:
                    log.warning("A training worker used %.0f MB, over the limit of "
                                "%d MB; stopping its run.", used,
                                self._pool.memory_limit_mb)
                    worker.kill(pid)
                    return True
            try:
                event = events.get(timeout=0.05)
            except queue.Empty:
                if future.done():
                    if future.exception() is not None:
                        return False
                    deadline = deadline or time.monotonic() + FLUSH_SECONDS
                    if time.monotonic() > deadline:
                        return False
                continue
            except (EOFError, OSError):  # the pipe broke with the worker
                return False
            if event["type"] == worker.FLUSHED:
                return False
            handle.deliver(event)


class ProcessExecutor(Executor):
    """A local pool of warm worker processes with a FIFO queue.

    Args:
        limit: Jobs trained at once (default `PLAYGROUND_WORKERS`, else
            cores − 1, at least 1); the others wait in the queue.
        jobs_per_worker: Jobs a worker runs before it is replaced.
        memory_limit_mb: A worker holding more memory after a job is replaced.
        warm_tasks: Also start the worker for short tasks (`call`) now,
            rather than on the first call.
        max_run_seconds: A run training longer is stopped as by Stop, its
            epochs kept, and says so (default `PLAYGROUND_MAX_RUN_SECONDS`;
            0 for no limit).
    """

    def __init__(self, limit: int | None = None, jobs_per_worker: int | None = None,
                 memory_limit_mb: int | None = None, warm_tasks: bool = False,
                 max_run_seconds: float | None = None):
        self.limit = limit or default_workers()
        self.max_run_seconds = (default_max_run_seconds() if max_run_seconds is None
                                else max_run_seconds)
        self.jobs_per_worker = jobs_per_worker or default_jobs_per_worker()
        self.memory_limit_mb = memory_limit_mb or default_memory_limit_mb()
        self.context = multiprocessing.get_context("spawn")
        self._queue: collections.deque[JobHandle] = collections.deque()
        self._cond = threading.Condition()
        self._closed = False
        self._releases: dict[str, threading.Timer] = {}
        self._away: set[str] = set()  # owners whose browser left, within their grace
        self._handles: weakref.WeakValueDictionary[str, JobHandle] = (
            weakref.WeakValueDictionary())
        self._task_lock = threading.Lock()
        self._task_worker = _Worker(self.context) if warm_tasks else None
        self._slots = [_Slot(self, i) for i in range(self.limit)]

    # -- training jobs -----------------------------------------------------------

    def submit(self, experiment: Experiment, owner: str | None = None) -> JobHandle:
        handle = JobHandle(experiment, owner)
        handle.queued(lambda: self._jobs_ahead(handle), lambda: self._cancel(handle),
                      lambda: self._wait(handle))
        with self._cond:
            if self._closed:
                raise RuntimeError("This executor was shut down; create a new one.")
            self._queue.append(handle)
            self._handles[handle.id] = handle
            self._cond.notify()
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

    def next_job(self, slot: _Slot) -> JobHandle | None:
        """The oldest queued job whose browser is still there, for a free
        slot; None once shut down."""
        with self._cond:
            while not self._closed and self._startable() is None:
                self._cond.wait()
            if self._closed:
                return None
            slot.current = self._startable()
            self._queue.remove(slot.current)
            return slot.current

    def _startable(self) -> JobHandle | None:
        return next(iter(self._present(self._queue)), None)

    def _present(self, jobs) -> list[JobHandle]:
        """The jobs whose browser is still there (the others wait, skipped)."""
        return [job for job in jobs if job.owner not in self._away]

    def _jobs_ahead(self, handle: JobHandle) -> int | None:
        with self._cond:
            try:
                return self._queue.index(handle)
            except ValueError:
                return None

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

    # -- short tasks -----------------------------------------------------------------

    def call(self, function: Callable[..., Any], *args: Any,
             experiment: Experiment | None = None, **kwargs: Any) -> Any:
        """Runs a short task in the task worker.

        Tasks only read (a prediction, a diagram, a download), so a task
        whose worker died is tried once more in a fresh worker; the second
        death raises `WorkerCrashed`, whose message is for the page.
        """
        tables = _tables_for(experiment)
        with self._task_lock:
            for _ in range(2):
                if self._task_worker is None:
                    self._task_worker = _Worker(self.context)
                current = self._task_worker
                try:
                    return current.executor.submit(worker.run_task, function, args,
                                                   kwargs, tables).result()
                except BrokenExecutor:
                    log.warning("The task worker died running %s; starting a "
                                "fresh one.", getattr(function, "__qualname__", function))
                    current.retire()
                    self._task_worker = None
            raise WorkerCrashed(TASK_CRASHED)

    # -- the pool ----------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        with self._cond:
            return {"running": sum(s.current is not None for s in self._slots),
                    "queued": len(self._queue), "limit": self.limit}

    def worker_pids(self) -> list[int | None]:
        """The training workers' process ids (None while one is starting)."""
        return [slot.worker.pid for slot in self._slots]

    def wait_until_warm(self, timeout: float | None = None) -> None:
        """Blocks until every worker has imported TensorFlow."""
        workers = [s.worker for s in self._slots] + [self._task_worker]
        for current in workers:
            if current is not None:
                current.ready.result(timeout)

    def shutdown(self) -> None:
        with self._cond:
            self._closed = True
            queued, self._queue = list(self._queue), collections.deque()
            running = [s.current for s in self._slots if s.current is not None]
            self._cond.notify_all()
        for handle in queued:
            handle.finish(handle.cancelled(messages.SHUT_DOWN))
        for handle in running:
            handle.stop()
        with self._task_lock:
            if self._task_worker is not None:
                self._task_worker.retire()


_default: ProcessExecutor | None = None
_default_lock = threading.Lock()


def default_executor(create: bool = True) -> ProcessExecutor | None:
    """The process-wide pool, started on first use and shut down at exit;
    with `create=False`, None while nobody has started it."""
    global _default
    with _default_lock:
        if _default is None and create:
            _default = ProcessExecutor(warm_tasks=True)
            # Before concurrent.futures joins its workers at exit (which would
            # wait for running jobs to finish), ask those jobs to stop.
            register = getattr(threading, "_register_atexit", atexit.register)
            register(_default.shutdown)
        return _default
