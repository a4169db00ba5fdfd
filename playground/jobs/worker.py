"""What runs inside a worker process: warm-up, training jobs and short tasks.

A worker is a spawned Python process owned by one `ProcessPoolExecutor` of
`playground.jobs.process_pool`, or a Ray actor of
`playground.jobs.ray_executor`. `start` runs once when it starts and
receives the two channels it shares with the server: a queue for the job's
events and an event that asks the running job to stop; it also sets how
many threads TensorFlow may use (`default_worker_threads`). `warm_up`
imports TensorFlow and prepares the app's first network, so that the first
real job starts at once. `train` runs one experiment with `run_training`
and returns its `TrainingResult`; `prepare` readies a network before its
run (`playground.training.rehearsal`); `run_task` runs a short function (an
activation probe, a dataset download) for the server, which never imports
TensorFlow itself.

Keras' global state is not cleared between jobs: the network a worker
keeps (`playground.training.warm_models`) lives in it, and every layer the
app builds is named explicitly.
"""

from __future__ import annotations

import dataclasses
import faulthandler
import gc
import logging
import multiprocessing
import os
import signal
import socket
import threading
from typing import Any, Callable

# Set before TensorFlow is imported by anything in this process.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no cuInit noise without a GPU

FLUSHED = "flushed"

_events = None
_stop = None


def start(events: Any, stop: Any) -> None:
    """Initialises a new pool worker with its event queue and stop event."""
    limit_threads()
    attach(events, stop)
    # Ctrl-C in a terminal reaches the whole process group: the process that
    # owns the pool decides what stops (through the stop event), not the signal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


def limit_threads() -> None:
    """Keeps this worker's TensorFlow to its share of the cores
    (`playground.jobs.executor.default_worker_threads`), before TensorFlow
    has run anything."""
    import tensorflow as tf

    from playground.jobs.executor import default_worker_threads

    threads = default_worker_threads()
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


def attach(events: Any, stop: Any) -> None:
    """Gives `train` the channels of this worker: `events.put(event)` sends
    an event to the server, `stop.wait(seconds)` tells a stop request.

    A pool worker gets multiprocessing's queue and event; a Ray actor
    (`playground.jobs.ray_executor`) gets a `queue.Queue` and a
    `threading.Event` that its other methods read and set.
    """
    global _events, _stop
    _events, _stop = events, stop
    # A worker that dies of a signal (a crash in TensorFlow's native code)
    # leaves its Python stack on standard error, next to the server's log.
    faulthandler.enable()
    quiet_retracing()


def exit_with_parent() -> None:
    """Ends this process as soon as the process that started it is gone.

    A worker waits on its pool's queue, whose pipe it holds both ends of:
    if the web server is killed (SIGKILL, a crash, the out-of-memory
    killer), nothing would ever wake the worker, and a warm worker of
    several hundred MB would stay on the machine for good, or train on for
    nobody. `multiprocessing.parent_process()` gives a handle whose
    sentinel becomes ready when the parent exits, however it exits; a
    daemon thread waits on it and ends the process.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing: nothing to watch
        return

    def watch_parent() -> None:
        parent.join()
        os._exit(0)  # no clean-up is owed to a server that is gone

    threading.Thread(target=watch_parent, daemon=True, name="parent-watcher").start()


def quiet_retracing() -> None:
    """Drops TensorFlow's "excessive retracing" warning from this process.

    Every job builds a new model, so its training, evaluation and predict
    functions are traced afresh by design; after five jobs in one process
    TensorFlow would print that warning for every job, to nobody's use.
    Its other warnings still show.
    """
    tensorflow_log = logging.getLogger("tensorflow")
    if _not_retracing not in tensorflow_log.filters:
        tensorflow_log.addFilter(_not_retracing)


def _not_retracing(record: logging.LogRecord) -> bool:
    return "triggered tf.function retracing" not in record.getMessage()


def warm_up() -> int:
    """Imports TensorFlow and prepares the app's first experiment.

    The first `fit` of a process pays for TensorFlow's import (~4 s) and for
    initialising its runtime, `tf.data` and the app's own compiled probes;
    doing it here, when the worker starts, keeps that cost off the user's
    first epoch. The network it prepares is the one the app opens on
    (`default_experiment`), kept compiled and traced
    (`playground.training.warm_models`), so a newcomer's first Train starts
    at once. Returns the process id.
    """
    import keras  # noqa: F401 - loaded here, before `freeze_loaded_modules`
    import sklearn.compose  # noqa: F401 - what preparing bundled and CSV data uses
    import sklearn.datasets  # noqa: F401
    import sklearn.preprocessing  # noqa: F401

    import playground.training.loop  # noqa: F401
    from playground.presets import default_experiment
    from playground.training.rehearsal import prepare_network

    freeze_loaded_modules()
    prepare_network(default_experiment())
    return os.getpid()


def freeze_loaded_modules() -> None:
    """Puts what is loaded so far out of the cyclic collector's sight
    (`gc.freeze`): TensorFlow, Keras and scikit-learn, some 370,000 objects
    that live as long as the process. The collection after each job
    (`collect_garbage`) then looks only at what the jobs made, 0.05-0.12 s
    on a loaded 2-core machine instead of 0.4-0.9 s for a full one, which
    a search or a class's queue would pay between every two runs."""
    gc.collect()
    gc.freeze()


def prepare(experiment: Any, tables: dict[str, Any]) -> float:
    """Prepares an experiment's network ahead of its run
    (`playground.training.rehearsal.prepare_network`); returns this worker's
    memory in MiB."""
    from playground.training.rehearsal import prepare_network

    _adopt_tables(tables)
    prepare_network(experiment)
    return memory_mb()


def collect_garbage() -> float:
    """Frees what earlier networks left in reference cycles, while nobody
    waits for this worker; returns its memory in MiB.

    Each Keras `fit` leaves its `tf.data` iterators (with TensorFlow threads
    of their own), its traced functions and, once another network is kept,
    the network itself in reference cycles, which only Python's cyclic
    collector frees. Left to run when it would, the collector came in the
    middle of a later network's trace with several networks to free, and
    freeing them took 14-134 s on a loaded 2-core machine while a run
    waited (the worker idle, its threads ending; it held 50 threads after
    seven networks). The slot calls this after every job and preparation:
    the worker then holds 10-16 threads, and with the modules frozen
    (`freeze_loaded_modules`) a collection takes about 0.1 s, between runs."""
    gc.collect()
    return memory_mb()


def memory_mb(pid: int | str = "self") -> float | None:
    """A process's resident memory in MiB: this one's by default (Linux;
    elsewhere its peak), another's by its id (Linux; None elsewhere or once
    it has exited)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        if pid != "self":
            return None
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _adopt_tables(tables: dict[str, Any]) -> None:
    """Makes uploaded tables (or kept datasets) reachable under their tokens
    in this process."""
    if tables:
        from playground.datasets import Dataset, uploads
        from playground.datasets import source as data_source

        for token, data in tables.items():
            if isinstance(data, Dataset):
                data_source.keep_dataset(token, data)
            else:
                uploads.adopt(token, data)


def describe() -> str:
    """This worker as a run record names it: its host and process id."""
    return f"host {socket.gethostname()}, pid {os.getpid()}"


def train(experiment: Any, tables: dict[str, Any], run_id: str | None = None,
          recording: Any = None, executor: str = "process",
          where: str | None = None) -> tuple[Any, float]:
    """Runs one training job; its events go to the server as they happen.

    Args:
        experiment: The `Experiment` to train.
        tables: Uploaded CSV tables the experiment needs, by token (an
            upload lives in the server's memory, not in this process).
        run_id: The job's id, the id of its run in the store.
        recording: Where the job records its own run
            (`playground.runs.job_recording.StoreRecording`), or None: the
            server then records what it hears.
        executor, where: The executor and worker that the run record names
            (`where` defaults to `describe()`).

    Returns:
        The `TrainingResult` (`recorded` once the job wrote its end to the
        store) and this worker's memory in MiB after the job.
    """
    from playground.training.loop import StopSignal, run_training
    from playground.training.result import FAILED, TrainingResult, failure_message

    _adopt_tables(tables)
    recorder = None
    if recording is not None and run_id is not None:
        recorder = recording.open(run_id, executor, where or describe())
    signal = StopSignal()
    finished = threading.Event()

    def watch_stop() -> None:  # a stop request, from the server or the store
        while not finished.is_set():
            if _stop.wait(0.05) or (recorder is not None and recorder.stop_requested):
                signal.request()
                return

    def emit(event: dict[str, Any]) -> None:
        _events.put(event)
        if recorder is not None:
            recorder.event(event)

    watcher = threading.Thread(target=watch_stop, daemon=True, name="stop-watcher")
    watcher.start()
    try:
        result = run_training(experiment, emit, signal, snapshots=True)
    except BaseException as error:
        if recorder is not None:  # the run keeps the epochs it had
            history = {k: list(v) for k, v in recorder.history.items()}
            recorder.finish(TrainingResult(FAILED, failure_message(error), history,
                                           len(history.get("loss", []))))
        raise
    finally:
        finished.set()
        # Events and the result travel on different pipes: this marker tells
        # the server that every event of the job has arrived.
        _events.put({"type": FLUSHED})
    if recorder is not None and recorder.finish(result):
        result = dataclasses.replace(result, recorded=True)
    return result, memory_mb()


def run_task(function: Callable[..., Any], args: tuple, kwargs: dict[str, Any],
             tables: dict[str, Any]) -> Any:
    """Runs a short function for the server (e.g. Keras inspection)."""
    _adopt_tables(tables)
    return function(*args, **kwargs)


def kill(pid: int) -> None:
    """Ends a worker process at once, from the server (it may be in the
    middle of an allocation that would take the machine's memory)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # it has already gone
