"""Preparing a network before its run: a worker builds, compiles and traces it.

A worker does this for the app's first experiment as it starts, and for the
network on the Train page while nobody trains (`Executor.prepare_network`).
The network is then kept (`playground.training.warm_models`), and the run
that follows takes it, set back to a new model's state.
"""

from __future__ import annotations

from typing import Any

from playground.config import Experiment


def rehearsal(exp: Experiment) -> Experiment:
    """`exp` as a run that only prepares its network (`prepare_network`):
    without the callbacks that would write logs or files, whose settings
    the kept model does not depend on."""
    return exp.replace(tensorboard="off", checkpoint="off", early_stop_patience=0,
                       start=None)


def prepare_network(exp: Experiment, dataset: Any = None) -> None:
    """Builds, compiles and traces `exp`'s network ahead of its run, and
    keeps it (`warm_models.keep`): the run then takes it, set back to a new
    model's state. Tracing means running: it trains one compiled group of batches
    (a whole small epoch, at most `MAX_STEPS_PER_EXECUTION` batches of a
    large one), validates and measures once, and keeps nothing of that but
    the traced functions."""
    from playground.training.loop import StopSignal, run_training

    stop = StopSignal()
    stop.request()  # ends the run after its first group of batches
    run_training(rehearsal(exp), stop=stop, dataset=dataset, snapshots=True)
