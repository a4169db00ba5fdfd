"""The one small interface between the app and whatever runs its jobs.

Pages submit an experiment and get a `JobHandle`; they never know whether
a local pool of worker processes runs it (`ProcessExecutor`, the default)
or actors on a Ray cluster (`RayExecutor`): the host chooses with
`PLAYGROUND_EXECUTOR` (see `playground.jobs.choice`). Short
Keras work that the server must not do itself, because it never imports
TensorFlow (an activation probe, Keras' architecture diagram, a
`keras.datasets` download), goes through `call`.
"""

from __future__ import annotations

import abc
import os
from typing import Any, Callable

from playground.config import Experiment
from playground.i18n import tr_lazy
from playground.jobs.handle import JobHandle


class HostSettingError(ValueError):
    """A `PLAYGROUND_*` setting of the host that cannot be used: the page
    says so (the host's to fix) instead of failing."""


def _setting(name: str, default: int, minimum: int = 1) -> int:
    """A whole-number setting of the host (at least `minimum`), from the environment."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and int(text) >= minimum):
        raise HostSettingError(tr_lazy(
            "{name} must be a whole number from {minimum} up; received {value}. Unset "
            "it to use the default ({default}).", name=name, minimum=minimum,
            value=repr(text), default=default))
    return int(text)


def default_workers(otherwise: int | None = None) -> int:
    """Concurrent training jobs: `PLAYGROUND_WORKERS`, else `otherwise`
    (a cluster's CPUs), else this machine's cores − 1 (≥ 1)."""
    return _setting("PLAYGROUND_WORKERS",
                    otherwise or max(1, (os.cpu_count() or 2) - 1))


def default_worker_threads() -> int:
    """TensorFlow threads of one training worker: `PLAYGROUND_WORKER_THREADS`,
    else this machine's cores less one, shared by the workers (≥ 1).

    TensorFlow otherwise runs each worker on every core: on a 2-core laptop
    one training worker took 1.3 cores, and the web server and the browser
    that draw the run waited for the rest. A small network trains as fast
    on one thread (measured: 62.7 against 61.2 epochs/s on the spiral, 26.9
    against 28.2 on the 8×8 digits), so the cores left go to drawing it."""
    cores = os.cpu_count() or 2
    return _setting("PLAYGROUND_WORKER_THREADS", max(1, (cores - 1) // default_workers()))


def default_jobs_per_worker() -> int:
    """Jobs a worker runs before it is replaced: `PLAYGROUND_JOBS_PER_WORKER`."""
    return _setting("PLAYGROUND_JOBS_PER_WORKER", 20)


def default_memory_limit_mb() -> int:
    """Memory (MiB) above which a worker is replaced after its job:
    `PLAYGROUND_WORKER_MEMORY_MB`."""
    return _setting("PLAYGROUND_WORKER_MEMORY_MB", 3072)


def default_max_run_seconds() -> int:
    """The longest a run may train, in seconds, before it is stopped like Stop
    (its epochs and weights kept): `PLAYGROUND_MAX_RUN_SECONDS`, 0 for no
    limit. One learner's 2,000-epoch CIFAR-10 run must not hold a classroom
    server's worker for days."""
    return _setting("PLAYGROUND_MAX_RUN_SECONDS", 3600, minimum=0)


def default_tab_grace_seconds() -> int:
    """How long a closed tab's running job goes on, in case the tab comes
    back (a reload, a flaky network): `PLAYGROUND_TAB_GRACE_SECONDS`,
    default 30. Its queued jobs start no sooner than it returns."""
    return _setting("PLAYGROUND_TAB_GRACE_SECONDS", 30, minimum=0)


def default_max_weights_mb() -> int:
    """The largest model, in MiB of weights, that the app trains:
    `PLAYGROUND_MAX_WEIGHTS_MB`, 0 for no limit. The default, 100, is 26
    million weights: every preset is far below it."""
    return _setting("PLAYGROUND_MAX_WEIGHTS_MB", 100, minimum=0)


def default_max_params() -> int:
    """The most parameters (weights and biases) a model may have on this server:
    `PLAYGROUND_MAX_PARAMS`, 0 (the default) for no count beyond the weight
    limit (`PLAYGROUND_MAX_WEIGHTS_MB`). A classroom host sets it lower, so
    that a student's model stays small enough to train while others wait."""
    return _setting("PLAYGROUND_MAX_PARAMS", 0, minimum=0)


def time_limit_reason(seconds: float) -> str:
    """The message of a run stopped at the time limit (a `template`, in
    English), its `{epochs}` left for the run's end to fill."""
    from playground.jobs.messages import TIME_LIMITS

    hours, minutes, plain = TIME_LIMITS
    if seconds >= 3600 and not seconds % 3600:
        message, amount = hours, seconds / 3600
    elif seconds >= 60 and not seconds % 60:
        message, amount = minutes, seconds / 60
    else:
        message, amount = plain, seconds
    return message.replace("{amount}", f"{amount:g}")


class Executor(abc.ABC):
    """Runs training jobs and short Keras tasks away from the web server."""

    @abc.abstractmethod
    def submit(self, experiment: Experiment, owner: str | None = None,
               recording: Callable[[JobHandle], Any] | None = None) -> JobHandle:
        """Queues an experiment for training and returns its handle at once.

        Jobs start in the order submitted, at most `limit` at a time.

        Args:
            experiment: What to train.
            owner: The token whose release cancels the job.
            recording: Called with the new handle before the job is queued
                (a run store saves the run there, before any worker can
                write to it); what it returns travels with the job to its
                worker, which records the run through it
                (`playground.runs.job_recording.StoreRecording`), or None.
        """

    def prepare_network(self, experiment: Experiment) -> None:
        """Asks an idle worker to build, compile and trace the experiment's
        network before anyone presses Train, so its first epoch starts at
        once (`playground.training.warm_models`). A hint: executors that
        cannot do it, or have no idle worker, ignore it."""

    @abc.abstractmethod
    def find(self, job_id: str) -> JobHandle | None:
        """The handle of a job submitted here and still referenced (queued,
        running, or finished and held by some session), else None."""

    @abc.abstractmethod
    def active_jobs(self, creator: str) -> list[JobHandle]:
        """The jobs of one creator (a browser) that are queued or running."""

    @abc.abstractmethod
    def call(self, function: Callable[..., Any], *args: Any,
             experiment: Experiment | None = None, **kwargs: Any) -> Any:
        """Runs a short, picklable module-level `function` away from the
        server and returns its result (errors are raised here).

        `experiment` names the experiment the work is about, so that an
        uploaded table it needs travels with it.
        """

    @abc.abstractmethod
    def release_owner(self, owner: str, grace: float = 0.0) -> None:
        """Cancels an owner's queued and running jobs after `grace` seconds,
        unless `reclaim_owner` is called first (the browser came back).
        Meanwhile none of its queued jobs starts: a worker trains for the
        browsers that are still there."""

    def on_release(self, listener: Callable[[str], None]) -> None:
        """Calls `listener(owner)` whenever an owner's jobs are cancelled, so
        that work that would start more jobs for it (a search) stops too."""
        listeners = self.__dict__.setdefault("_release_listeners", [])
        if listener not in listeners:
            listeners.append(listener)

    def _released(self, owner: str) -> None:
        """Tells the release listeners (implementations call it)."""
        for listener in self.__dict__.get("_release_listeners", []):
            listener(owner)

    @abc.abstractmethod
    def reclaim_owner(self, owner: str) -> None:
        """Keeps an owner's jobs: a pending `release_owner` is dropped."""

    @abc.abstractmethod
    def stats(self) -> dict[str, int]:
        """`running`, `queued` and `limit`: how busy the executor is."""

    @abc.abstractmethod
    def shutdown(self) -> None:
        """Stops every job and worker; the executor cannot be used after."""
