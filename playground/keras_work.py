"""Where short Keras work runs: the port between the core and the worker pool.

Some stages need Keras for a moment: `datasets` downloads with
`keras.datasets`, `search` asks Keras Tuner's oracle for a trial, the
pages want an activation probe or Keras' diagram. Importing Keras loads
TensorFlow (seconds, hundreds of megabytes), which the web server must not
do. Those stages call `keras_work(function, ...)`; by default it runs the
function right here (a notebook, the command line, a worker), and the
web server plugs in a runner that sends it to a worker process instead
(`playground.jobs.keep_tensorflow_out`).

The port is the lowest stage on purpose, in the manner of Streamlit's
runtime receiving its storage implementations at start-up: `datasets` and
`search` depend on this module, never on `playground.jobs`, so the worker
pool can depend on them without an import cycle.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol


class WorkerCrashed(RuntimeError):
    """The process that ran a short task died before it answered.

    Its message is written for the page; the runner has already replaced
    the process.
    """


class KerasRunner(Protocol):
    """Runs `function(*args, **kwargs)` somewhere TensorFlow may load.

    `experiment` names the experiment the work is about, so that data
    held only by this process (an uploaded table) can travel with it.
    """

    def __call__(self, function: Callable[..., Any], *args: Any,
                 experiment: Any = None, **kwargs: Any) -> Any: ...


_runner: KerasRunner | None = None


def plug_runner(runner: KerasRunner | None) -> None:
    """Sends every later `keras_work` call in this process to `runner`.

    `None` brings the work back into this process (the default).
    """
    global _runner
    _runner = runner


def runs_in_process() -> bool:
    """True when `keras_work` runs its function in this very process."""
    return _runner is None


def keras_work(function: Callable[..., Any], *args: Any, experiment: Any = None,
               **kwargs: Any) -> Any:
    """Runs `function(*args, **kwargs)` where Keras work belongs.

    Args:
        function: A module-level function (it may have to be pickled).
        experiment: The experiment the work is about; an uploaded table it
            needs travels with it to a worker.

    Raises:
        WorkerCrashed: The worker that ran it died (plugged runners only).
    """
    if _runner is None:
        return function(*args, **kwargs)
    return _runner(function, *args, experiment=experiment, **kwargs)
