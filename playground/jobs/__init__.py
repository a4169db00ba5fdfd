"""Training as a job: submit an experiment, get a handle, poll it.

The app never calls `fit` itself, nor imports TensorFlow. It submits the
experiment to an `Executor` (`start_job`), keeps the returned `JobHandle`
in the user's session and polls it. The executor is a pool of warm worker
processes on this machine (`ProcessExecutor`, the default) or actors on a
Ray cluster (`playground.jobs.ray_executor.RayExecutor`), as the host
chooses with `PLAYGROUND_EXECUTOR` (`playground.jobs.choice`); the pages
do not change.

Short Keras work the server needs (an activation probe, Keras' diagram, a
`keras.datasets` download) goes through `playground.keras_work`: once the
web server called `keep_tensorflow_out()`, the executor's task worker runs it;
in a notebook, the command line or a worker it runs in-process.
"""

from __future__ import annotations

from playground import keras_work
from playground.jobs.choice import default_executor
from playground.jobs.executor import Executor
from playground.jobs.handle import JobHandle
from playground.jobs.process_pool import ProcessExecutor

__all__ = ["Executor", "JobHandle", "ProcessExecutor", "default_executor",
           "keep_tensorflow_out", "start_job"]


def start_job(experiment, owner: str | None = None) -> JobHandle:
    """Queues an experiment on the default executor and returns its handle."""
    return default_executor().submit(experiment, owner)


def _call_in_task_worker(function, *args, experiment=None, **kwargs):
    return default_executor().call(function, *args, experiment=experiment, **kwargs)


def keep_tensorflow_out(enabled: bool = True) -> None:
    """From now on, `keras_work` in this process runs in the task worker.

    The web server calls this once: TensorFlow then never loads there, so
    its memory stays flat and a crash in Keras cannot take it down.
    `enabled=False` brings the work back into this process.
    """
    keras_work.plug_runner(_call_in_task_worker if enabled else None)
