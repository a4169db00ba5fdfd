"""`playground train` on the host's executor, when it is a Ray cluster.

With `PLAYGROUND_EXECUTOR=ray` (and `RAY_ADDRESS`), `playground search`
and `playground crossval` run their jobs on that cluster
(`host_executor`), and `playground train` does not train in its own
process: it submits the run to the cluster as a
browser's Train button does, prints each epoch as the job streams it, and
waits for the end. The job records its own run in the store (so
`playground runs show ID` names the cluster's executor and worker), and
Ctrl-C stops it as it stops a local run. Without that setting, the command
line trains in its own process (`executor: local`).
"""

from __future__ import annotations

from typing import Any, Callable

from playground.config import Experiment
from playground.i18n import tr
from playground.jobs.choice import executor_kind


def on_cluster() -> bool:
    """Whether the host asked for the Ray executor (`PLAYGROUND_EXECUTOR`)."""
    return executor_kind() == "ray"


def host_executor(workers: int | None) -> Any:
    """The executor for a command that trains several runs at once
    (`search`, `crossval`): `workers` actors on the host's Ray cluster, or
    `workers` worker processes on this machine."""
    if on_cluster():
        from playground.jobs.choice import ray_address
        from playground.jobs.ray_executor import RayExecutor

        return RayExecutor(ray_address(), limit=workers)
    from playground.jobs import ProcessExecutor

    return ProcessExecutor(limit=workers)


EXIT_WAIT_SECONDS = 30.0
"""How long a command waits for its executor's slots to let their workers
go before it exits."""


def close_executor(executor: Any) -> None:
    """Shuts `executor` down and waits for its slots to end, so that the
    command does not exit (and take Ray down) while a slot still tidies a
    worker after the last job: Ray would end the process with status 1."""
    executor.shutdown()
    executor.join(EXIT_WAIT_SECONDS)


class _StopAdapter:
    """A handle's stop, shaped as the `StopSignal` the Ctrl-C handler asks."""

    def __init__(self, handle: Any):
        self.handle = handle

    @property
    def requested(self) -> bool:
        return self.handle.stop_requested

    def request(self) -> None:
        self.handle.stop()


def train_on_cluster(exp: Experiment, on_event: Callable[[dict], None], save: bool,
                     ctrl_c: Callable[[Any], Any], say: Callable[[str], None],
                     ) -> tuple[Any, str | None]:
    """Trains `exp` as a job of the host's Ray executor.

    Args:
        exp: The experiment (checked).
        on_event: Called with each event the job streams (epoch lines).
        save: Keep the run in the store (`PLAYGROUND_STORE`).
        ctrl_c: The command line's Ctrl-C guard, given a stop signal.
        say: Writes one line for a person on standard error.

    Returns:
        The `TrainingResult` and the run's id (None when not saved).
    """
    from playground.jobs.choice import ray_address
    from playground.jobs.ray_executor import RayExecutor
    from playground.runs import StoreUnavailable, open_store
    from playground.runs.recorder import submit_and_record

    store = None
    if save:
        try:
            store = open_store()
        except StoreUnavailable as error:
            say(tr("the run was not saved: {error}", error=error))
    executor = RayExecutor(ray_address(), limit=1)
    try:
        handle, recorder = submit_and_record(executor, exp, store=store)
        shown = 0
        with ctrl_c(_StopAdapter(handle)):
            while True:  # the job's events, in order, as they arrive
                ended = handle.wait(0.2) is not None
                for event in handle.events(shown):
                    on_event(event)
                    shown += 1
                if ended:
                    break
        result = handle.result
    finally:
        close_executor(executor)
    run_id = None
    if recorder is not None:
        if recorder.problem is not None:
            say(tr("the run was not saved: {error}", error=recorder.problem))
        else:
            run_id = handle.id
            say(tr("saved run {run}", run=run_id))
    return result, run_id
