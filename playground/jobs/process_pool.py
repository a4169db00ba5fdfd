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

Jobs wait in one FIFO queue and start as slots come free (the queue, the
slots' loop and the owners' grace are `playground.jobs.job_queue`'s, shared
with the Ray executor). Short Keras tasks (`call`) run in one more worker
of their own, the `TaskWorker`, so that inspecting a trained model never
waits behind someone's training.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import sys
import threading
import time
import types
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from concurrent.futures import wait as wait_for_futures
from typing import Any, Callable

from playground.config import Experiment
from playground.jobs import worker
from playground.jobs.executor import default_worker_threads
from playground.jobs.handle import JobHandle
from playground.jobs.job_queue import START_ATTEMPTS, QueuedExecutor, Slot, tables_for
from playground.jobs.messages import CRASHED, OVER_MEMORY, TASK_CRASHED, WORKER_STARTING
from playground.keras_work import WorkerCrashed
from playground.training.result import failure_message

MEMORY_CHECK_SECONDS = 0.25
"""How often a running job's worker memory is read against the ceiling."""
FLUSH_SECONDS = 10.0
log = logging.getLogger(__name__)
_MAIN_SWAP = threading.Lock()


@contextlib.contextmanager
def _without_main_script():
    """Starts processes without re-running this process's main script.

    A spawned child imports the parent's `__main__` file first. Streamlit
    runs each page script as `__main__`, so a worker would run `app.py`,
    start a pool of its own, and so on. The workers need nothing from the
    main script: hide it while the process starts. Starts in several
    threads take turns, so that none puts back what another hid; a page
    script that Streamlit starts meanwhile can still install itself, which
    `app.py` survives by drawing only when run as `__main__`.
    """
    with _MAIN_SWAP:
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


class _Slot(Slot):
    """Runs queued jobs one at a time in its own worker process."""

    REHEARSES = True

    def start_worker(self) -> _Worker:
        from playground.presets import default_experiment

        self.network = default_experiment()  # what a worker prepares as it starts
        return _Worker(self.executor.context)

    def ready(self) -> bool:
        return self.worker.ready.done()

    def rehearse(self, experiment: Experiment) -> bool:
        return self._between_runs("A worker could not prepare a network ahead of its run.",
                                  worker.prepare, experiment, tables_for(experiment))

    def tidy(self) -> bool:
        return self._between_runs("A training worker could not free its last network.",
                                  worker.collect_garbage)

    def _between_runs(self, failure: str, function: Callable[..., Any], *args: Any) -> bool:
        """Has the worker run `function(*args)` (which returns its memory)
        within the slot's patience (`Slot.patiently`); False when the worker
        died or was ended. Work that fails is logged, and the next job goes
        on without it."""
        current = self.worker

        def end_worker() -> None:
            if current.pid is not None:
                worker.kill(current.pid)

        try:
            future = current.executor.submit(function, *args)
            if not self.patiently(lambda seconds: bool(wait_for_futures([future], seconds)[0]),
                                  end_worker):
                return False
            current.memory_mb = future.result()
        except BrokenExecutor:
            return False
        except Exception:  # noqa: BLE001 - the next job goes on without it
            log.warning(failure, exc_info=True)
        return True

    def prepare(self, handle: JobHandle) -> None:
        self.worker.stop.clear()

    def stop_job(self, handle: JobHandle) -> None:
        self.worker.stop.set()

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
                    worker.train, handle.experiment, tables_for(handle.experiment),
                    handle.id, handle.recording, "process")
            except BrokenExecutor:
                log.warning("A training worker died before it got a job; starting "
                            "a fresh one.")
                current.retire()
                self.worker = _Worker(self.executor.context)
        return None

    def train(self, handle: JobHandle) -> bool:
        if not self.worker.ready.done():
            handle.deliver({"type": "status", "message": WORKER_STARTING})
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
                OVER_MEMORY.format(limit=self.executor.memory_limit_mb) if over_memory
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
                if used is not None and used > self.executor.memory_limit_mb:
                    log.warning("A training worker used %.0f MB, over the limit of "
                                "%d MB; stopping its run.", used,
                                self.executor.memory_limit_mb)
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


class TaskWorker:
    """The worker process that runs short tasks (`Executor.call`) on this
    machine, apart from training, so that inspecting a trained model never
    waits behind someone's training.

    Args:
        warm: Start the process now, rather than on the first call.
    """

    def __init__(self, warm: bool = False):
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._worker = _Worker(self._context) if warm else None

    def call(self, function: Callable[..., Any], args: tuple, kwargs: dict[str, Any],
             experiment: Experiment | None = None) -> Any:
        """Runs `function(*args, **kwargs)` in the task worker.

        Tasks only read (a prediction, a diagram, a download), so a task
        whose worker died is tried once more in a fresh worker; the second
        death raises `WorkerCrashed`, whose message is for the page.
        """
        tables = tables_for(experiment)
        with self._lock:
            for _ in range(2):
                if self._worker is None:
                    self._worker = _Worker(self._context)
                current = self._worker
                try:
                    return current.executor.submit(worker.run_task, function, args,
                                                   kwargs, tables).result()
                except BrokenExecutor:
                    log.warning("The task worker died running %s; starting a "
                                "fresh one.", getattr(function, "__qualname__", function))
                    current.retire()
                    self._worker = None
            raise WorkerCrashed(TASK_CRASHED)

    def wait_until_warm(self, timeout: float | None = None) -> None:
        """Blocks until the task worker (if started) has imported TensorFlow."""
        if self._worker is not None:
            self._worker.ready.result(timeout)

    def shutdown(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.retire()


class ProcessExecutor(QueuedExecutor):
    """A local pool of warm worker processes with a FIFO queue.

    Args:
        limit: Jobs trained at once (default `PLAYGROUND_WORKERS`, else
            cores − 1, at least 1); the others wait in the queue.
        jobs_per_worker: Jobs a worker runs before it is replaced.
        memory_limit_mb: A job whose worker passes it is stopped, and a
            worker holding more after a job is replaced.
        warm_tasks: Also start the worker for short tasks (`call`) now,
            rather than on the first call.
        max_run_seconds: A run training longer is stopped as by Stop, its
            epochs kept, and says so (default `PLAYGROUND_MAX_RUN_SECONDS`;
            0 for no limit).
    """

    def __init__(self, limit: int | None = None, jobs_per_worker: int | None = None,
                 memory_limit_mb: int | None = None, warm_tasks: bool = False,
                 max_run_seconds: float | None = None):
        super().__init__(limit, jobs_per_worker, memory_limit_mb, max_run_seconds)
        default_worker_threads()  # a bad setting is said here, not by a dying worker
        self.context = multiprocessing.get_context("spawn")
        self._tasks = TaskWorker(warm=warm_tasks)
        self._start_slots(_Slot)

    def call(self, function: Callable[..., Any], *args: Any,
             experiment: Experiment | None = None, **kwargs: Any) -> Any:
        """Runs a short task in the task worker (see `TaskWorker.call`)."""
        return self._tasks.call(function, args, kwargs, experiment)

    def worker_pids(self) -> list[int | None]:
        """The training workers' process ids (None while one is starting)."""
        return [slot.worker.pid for slot in self._slots]

    def wait_until_warm(self, timeout: float | None = None) -> None:
        """Blocks until every worker has imported TensorFlow."""
        for slot in self._slots:
            slot.worker.ready.result(timeout)
        self._tasks.wait_until_warm(timeout)

    def shutdown(self) -> None:
        super().shutdown()
        self._tasks.shutdown()
