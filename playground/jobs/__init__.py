"""Training as a job: submit an experiment, get a handle, poll it.

The app never calls `fit` itself, nor imports TensorFlow. It submits the
experiment to an `Executor` (`start_job`), keeps the returned `JobHandle`
in the user's session and polls it. Today's executor is a pool of warm
worker processes on this machine (`ProcessExecutor`); a cluster engine can
implement the same interface later without changing the pages.

Short Keras work the server needs (an activation probe, Keras' diagram, a
`keras.datasets` download) goes through `keras_work`: in the web server,
once `keep_tensorflow_out()` was called, it runs in a worker process; in a
notebook, the command line or a worker it runs in-process.
"""

from __future__ import annotations

from typing import Any, Callable

from playground.jobs.executor import Executor
from playground.jobs.handle import QUEUED, RUNNING, STARTING, JobHandle
from playground.jobs.process_pool import ProcessExecutor, WorkerCrashed, default_executor

__all__ = ["Executor", "JobHandle", "ProcessExecutor", "QUEUED", "RUNNING", "STARTING",
           "WorkerCrashed", "default_executor", "keep_tensorflow_out", "keras_work", "start_job"]

_offload = False


def start_job(experiment, owner: str | None = None) -> JobHandle:
    """Queues an experiment on the default executor and returns its handle."""
    return default_executor().submit(experiment, owner)


def keep_tensorflow_out(enabled: bool = True) -> None:
    """From now on, `keras_work` in this process runs in a worker process.

    The web server calls this once: TensorFlow then never loads there, so
    its memory stays flat and a crash in Keras cannot take it down.
    """
    global _offload
    _offload = enabled


def keras_work(function: Callable[..., Any], *args: Any, experiment=None,
               **kwargs: Any) -> Any:
    """Runs `function(*args, **kwargs)`, away from this process when asked.

    Args:
        function: A module-level function (it may have to be pickled).
        experiment: The experiment the work is about; an uploaded table it
            needs travels with it to the worker.
    """
    if _offload:
        return default_executor().call(function, *args, experiment=experiment, **kwargs)
    return function(*args, **kwargs)
