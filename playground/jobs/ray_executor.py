"""Training jobs as Ray actors, on one machine or a cluster.

`RayExecutor` is the `Executor` for more students than one machine can
train for: each of its `limit` slots holds one Ray actor (`JobActor`), a
Ray worker process that imports TensorFlow once, warms up, and then trains
one job at a time. The actor declares what it needs, one CPU and
`memory_limit_mb` of memory, so Ray's scheduler places it on a node that
has them. TensorFlow is imported only there, never in the web server.

The queue, the slots' loop, the time limit and the owners' grace are the
pool's own (`playground.jobs.job_queue`): jobs start in the order they
were submitted, at most `limit` at once, and a closed tab's jobs are kept
through its grace, exactly as with `ProcessExecutor`. Only the worker
differs:

- Events. The actor is threaded (`max_concurrency`): `train` runs the job
  in one thread and puts its events (epochs, snapshots) in a local queue;
  the slot's thread on the server pulls them in batches with `poll`, a
  method call that waits up to `POLL_SECONDS` for the first event, and
  hands them to the `JobHandle` as they come. The reply also carries the
  actor's memory, read against the ceiling as the pool does.
- Stop. `stop(job_id)` is another method call, answered by another thread
  of the actor while `train` runs: it sets the event that `worker.train`
  watches, so the run ends after its current group of batches, with its
  history and weights. Calls to a threaded actor may run in any order, so
  the stop names its job: one that arrives before `train` stops the job
  as soon as it starts, and a late one never stops the next job.
- A dead worker. If the actor's process dies (killed, out of memory,
  TensorFlow aborts), Ray fails its pending calls with `RayActorError`:
  the job ends as failed with the epochs it had streamed (`CRASHED`), and
  the slot starts a fresh actor. An actor is also replaced after
  `jobs_per_worker` jobs or once its memory passes the ceiling.
- A prepared network. As a pool worker does, an actor warms up with the
  app's first network prepared, and an idle one prepares the network on
  the Train page (`prepare`); a run waits behind that at most
  `REHEARSAL_PATIENCE_SECONDS` before the actor is replaced.

Runs outlive the web server. A job records its own run in the store
(`playground.runs.job_recording`), from the actor, and the actors are
detached: a server that restarts or dies leaves its running jobs training
to their end; any server sharing the store follows them by their `run=`
link and may stop them through the store. An actor that nobody has called
for `ORPHAN_SECONDS` and that trains nothing ends itself (its server is
gone); a live server calls each of its actors every `KEEPALIVE_SECONDS`.
A server that shuts down cancels its queued jobs (the queue is its own)
but lets its running ones finish.

Short tasks (`call`: an activation probe, Keras' diagram, a dataset
download, a baseline) run in a local task worker, the pool's `TaskWorker`,
not as Ray tasks. They are small and someone waits on the page for them:
a Ray task would wait for a free CPU behind the cluster's training, and
on a node whose worker may not have TensorFlow warm; it would also carry
the uploaded table to the cluster and the answer back, for work that
takes a fraction of a second. Their load grows with the pages this web
server serves, not with the training, so they belong to the server's
machine, in a process of their own so that TensorFlow still stays out of
the server itself.

Every node of the cluster needs this package installed, as the server
has it: Ray imports `playground` in its workers.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from typing import Any, Callable

import ray
from ray.exceptions import GetTimeoutError, RayError, RayTaskError

from playground.config import Experiment
from playground.jobs import worker
from playground.jobs.executor import default_workers
from playground.jobs.handle import JobHandle
from playground.jobs.job_queue import START_ATTEMPTS, QueuedExecutor, Slot, tables_for
from playground.jobs.messages import CRASHED, OVER_MEMORY
from playground.jobs.process_pool import TaskWorker
from playground.training.result import failure_message

POLL_SECONDS = 0.25
"""The longest one `poll` waits for the job's next event."""
BATCH = 256
"""The most events one `poll` returns."""
ALIVE_SECONDS = 30.0
"""How long a warm actor may take to answer before a job is handed to it."""
KEEPALIVE_SECONDS = 10.0
"""How often a server calls each of its idle actors."""
ORPHAN_SECONDS = 60.0
"""How long an idle actor waits for a call before it ends itself."""
NAMESPACE = "keras_playground"
log = logging.getLogger(__name__)


class JobActor:
    """What runs in the Ray worker process: warm-up, one job at a time,
    and the calls that reach the job while it trains (`poll`, `stop`).

    Made a Ray actor by `RayExecutor` (`ray.remote` with the resources it
    declares); methods run in the actor's threads.
    """

    def __init__(self):
        self._events: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._job: str | None = None
        self._training = False
        self._called = time.monotonic()
        self._stopped_early: str | None = None
        worker.attach(self._events, self._stop)
        threading.Thread(target=self._end_when_orphaned, daemon=True,
                         name="orphan-watch").start()

    def _end_when_orphaned(self) -> None:
        """Ends this detached actor once its server is gone: idle, and not
        called for `ORPHAN_SECONDS` (a running job is let finish first)."""
        while True:
            time.sleep(min(5.0, ORPHAN_SECONDS / 4))
            idle = time.monotonic() - self._called
            if not self._training and idle > ORPHAN_SECONDS:
                log.warning("No server has called this training actor for %.0f s; "
                            "ending it.", idle)
                os._exit(0)

    def warm_up(self) -> int:
        """Imports TensorFlow and trains a tiny model; returns the process id."""
        self._called = time.monotonic()
        return worker.warm_up()

    def alive(self) -> bool:
        self._called = time.monotonic()
        return True

    def collect_garbage(self) -> float:
        """Frees what the last job left behind (see `worker.collect_garbage`)."""
        self._called = time.monotonic()
        return worker.collect_garbage()

    def prepare(self, experiment: Experiment, tables: dict[str, Any]) -> float:
        """Prepares a network ahead of its run (see `worker.prepare`)."""
        self._called = time.monotonic()
        try:
            return worker.prepare(experiment, tables)
        finally:
            self._called = time.monotonic()

    def train(self, job_id: str, experiment: Experiment, tables: dict[str, Any],
              recording: Any = None) -> tuple[Any, float]:
        """Trains one job (see `worker.train`); its events wait for `poll`."""
        with self._lock:
            self._job = job_id
            self._training = True
            self._called = time.monotonic()
            if self._stopped_early == job_id:
                self._stop.set()
            else:
                self._stop.clear()
        where = f"node {ray.util.get_node_ip_address()}, pid {os.getpid()}"
        try:
            return worker.train(experiment, tables, job_id, recording, "ray", where)
        finally:
            self._called = time.monotonic()
            self._training = False

    def stop(self, job_id: str) -> None:
        """Asks job `job_id` to stop, now if it trains, else once it starts."""
        self._called = time.monotonic()
        with self._lock:
            if self._job == job_id:
                self._stop.set()
            else:
                self._stopped_early = job_id

    def poll(self, timeout: float) -> tuple[list[dict[str, Any]], float]:
        """The job's events since the last poll (waiting up to `timeout`
        seconds for the first), and this process's memory in MiB."""
        self._called = time.monotonic()
        events = []
        try:
            events.append(self._events.get(timeout=timeout))
            while len(events) < BATCH:
                events.append(self._events.get_nowait())
        except queue.Empty:
            pass
        return events, worker.memory_mb() or 0.0


class _Actor:
    """A slot's actor, from the server's side: its handle and warm-up."""

    def __init__(self, actor_class: Any):
        self.actor = actor_class.remote()
        self.ready = self.actor.warm_up.remote()
        self.jobs_run = 0
        self.memory_mb = 0.0

    @property
    def pid(self) -> int | None:
        """The actor's process id, once warm (None while starting or dead)."""
        done, _ = ray.wait([self.ready], timeout=0)
        if not done:
            return None
        try:
            return ray.get(self.ready)
        except RayError:
            return None

    def retire(self) -> None:
        ray.kill(self.actor, no_restart=True)


class _RaySlot(Slot):
    """Runs queued jobs one at a time in its own Ray actor."""

    REHEARSES = True

    def start_worker(self) -> _Actor:
        from playground.presets import default_experiment

        self.network = default_experiment()  # what an actor prepares as it warms up
        return _Actor(self.executor.actor_class)

    def ready(self) -> bool:
        return bool(ray.wait([self.worker.ready], timeout=0)[0])

    def tidy(self) -> bool:
        return self._between_runs(lambda actor: actor.collect_garbage.remote(),
                                  "A training actor could not free its last network.")

    def rehearse(self, experiment: Experiment) -> bool:
        return self._between_runs(
            lambda actor: actor.prepare.remote(experiment, tables_for(experiment)),
            "An actor could not prepare a network ahead of its run.")

    def _between_runs(self, call: Callable[[Any], Any], failure: str) -> bool:
        """Has the actor do `call(actor)` (which returns the actor's memory)
        within the slot's patience (`Slot.patiently`); False when the actor
        died or was ended. Work that fails is logged, and the next job goes
        on without it."""
        current = self.worker
        try:
            done = call(current.actor)
            if not self.patiently(lambda seconds: bool(ray.wait([done], timeout=seconds)[0]),
                                  current.retire):
                return False
            current.memory_mb = ray.get(done)
        except RayError as error:
            if not isinstance(error, RayTaskError):  # the actor died
                return False
            log.warning(failure, exc_info=True)
        except Exception:  # noqa: BLE001 - the slot's thread must go on
            log.warning(failure, exc_info=True)
        return True

    def stop_job(self, handle: JobHandle) -> None:
        self.worker.actor.stop.remote(handle.id)

    def _warm(self) -> _Actor | None:
        """The slot's actor once warm and answering, replacing actors that
        died (warming up, or while idle); None when `START_ATTEMPTS` fresh
        actors in a row failed."""
        for _ in range(START_ATTEMPTS):
            current = self.worker
            try:
                ray.get(current.ready)  # waits for Ray to place and warm it
                ray.get(current.actor.alive.remote(), timeout=ALIVE_SECONDS)
                return current
            except (RayError, GetTimeoutError) as error:
                log.warning("A training actor died before it got a job (%s); "
                            "starting a fresh one.", error)
                current.retire()
                self.worker = self.start_worker()
        return None

    def train(self, handle: JobHandle) -> bool:
        current = self._warm()
        if current is None:
            handle.finish(handle.failed(CRASHED))
            return False
        if handle.stop_requested:  # before the actor it reached was replaced
            current.actor.stop.remote(handle.id)
        job = current.actor.train.remote(handle.id, handle.experiment,
                                          tables_for(handle.experiment), handle.recording)
        over_memory = False
        try:
            over_memory = self._relay(handle, current)
            result, current.memory_mb = ray.get(job)
        except RayTaskError as error:  # raised by the job itself
            handle.finish(handle.failed(failure_message(error.cause or error)))
            return True
        except RayError:  # the actor died mid-run, or was ended for its memory
            handle.finish(handle.failed(
                OVER_MEMORY.format(limit=self.executor.memory_limit_mb) if over_memory
                else CRASHED))
            return False
        handle.finish(result)
        return True

    def _relay(self, handle: JobHandle, current: _Actor) -> bool:
        """Hands the actor's events to the handle until the job's last one;
        ends the actor if its memory passes the ceiling, and returns
        whether that happened (`ray.get` then raises `RayActorError`)."""
        limit = self.executor.memory_limit_mb
        while True:
            events, used = ray.get(current.actor.poll.remote(POLL_SECONDS))
            if used > limit:
                log.warning("A training actor used %.0f MB, over the limit of %d MB; "
                            "stopping its run.", used, limit)
                current.retire()
                return True
            for event in events:
                if event["type"] == worker.FLUSHED:
                    return False
                handle.deliver(event)


class RayExecutor(QueuedExecutor):
    """Trains jobs in Ray actors, with the pool's FIFO queue and limits.

    Args:
        address: The Ray cluster to join (`ray://host:10001`, `host:6379`,
            `auto`), or `local` to start one in this process. Not used
            when this process is already connected to Ray.
        limit: Jobs trained at once (default `PLAYGROUND_WORKERS`, else
            the cluster's CPUs): each holds one actor and one CPU.
        jobs_per_worker: Jobs an actor runs before it is replaced.
        memory_limit_mb: The memory each actor declares to Ray's
            scheduler; a job whose actor passes it is stopped, and an
            actor holding more after a job is replaced.
        warm_tasks: Also start the local task worker (`call`) now.
        max_run_seconds: As for `ProcessExecutor`.
    """

    def __init__(self, address: str = "local", limit: int | None = None,
                 jobs_per_worker: int | None = None,
                 memory_limit_mb: int | None = None, warm_tasks: bool = False,
                 max_run_seconds: float | None = None):
        if not ray.is_initialized():
            if address == "local":
                ray.init(address="local", num_cpus=default_workers(),
                         include_dashboard=False, logging_level=logging.WARNING,
                         namespace=NAMESPACE)
            else:
                ray.init(address=address, logging_level=logging.WARNING,
                         namespace=NAMESPACE)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        super().__init__(limit or default_workers(max(1, cpus)), jobs_per_worker,
                         memory_limit_mb, max_run_seconds)
        # Detached: a running job outlives this server (see the module's docstring).
        self.actor_class = ray.remote(JobActor).options(
            num_cpus=1, memory=self.memory_limit_mb * 2**20, max_concurrency=4,
            max_restarts=0, lifetime="detached")
        self._tasks = TaskWorker(warm=warm_tasks)
        self._start_slots(_RaySlot)
        self._alive = threading.Event()
        self._keepalive = threading.Thread(target=self._keep_actors, daemon=True,
                                           name="ray-keepalive")
        self._keepalive.start()

    def _keep_actors(self) -> None:
        """Calls every actor of this server now and then, so that none of
        them takes itself for orphaned while it waits for a job."""
        while not self._alive.wait(KEEPALIVE_SECONDS):
            for slot in list(self._slots):
                try:
                    slot.worker.actor.alive.remote()
                except RayError:
                    pass  # a dead actor is replaced by its slot

    def call(self, function: Callable[..., Any], *args: Any,
             experiment: Experiment | None = None, **kwargs: Any) -> Any:
        """Runs a short task in the local task worker (see the module's
        docstring for why not on the cluster)."""
        return self._tasks.call(function, args, kwargs, experiment)

    def worker_pids(self) -> list[int | None]:
        """The actors' process ids (None while one is starting)."""
        return [slot.worker.pid for slot in self._slots]

    def wait_until_warm(self, timeout: float | None = None) -> None:
        """Blocks until every actor (and the task worker, if started) has
        imported TensorFlow."""
        ray.get([slot.worker.ready for slot in self._slots], timeout=timeout)
        self._tasks.wait_until_warm(timeout)

    def shutdown(self) -> None:
        """Cancels the queued jobs and lets the idle actors go; running
        jobs train on to their end and record it (their actors end
        themselves afterwards)."""
        self._alive.set()
        self.close_queue()
        self._tasks.shutdown()

    def join(self, timeout: float | None = None) -> bool:
        """As `QueuedExecutor.join`, and the keep-alive calls end too."""
        started = time.monotonic()
        slots_ended = super().join(timeout)
        left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
        self._keepalive.join(left)
        return slots_ended and not self._keepalive.is_alive()
