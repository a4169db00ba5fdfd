"""Keras Tuner's oracles, kept in the process that may import TensorFlow.

Importing `keras_tuner` imports Keras and TensorFlow, which never load in
the web server. So the oracle of each search lives here, in a module-level
table of the process that hosts it: the worker that runs short Keras tasks
(`playground.keras_work`) for the server, or the process itself on the
command line and in notebooks. The search's scheduler talks to it through
these functions, with plain data only: a trial's id, status and values going
out; its objective per epoch coming back.

The oracle's working files go in a temporary folder per search, removed when
the search is closed.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

_oracles: dict[str, tuple[Any, str, dict[str, Any]]] = {}


def _make(strategy: str, space: Any, objective: str, direction: str, max_trials: int,
          epochs: int, seed: int) -> Any:
    import keras_tuner

    common = dict(objective=keras_tuner.Objective(objective, direction),
                  hyperparameters=space.hyperparameters(), seed=seed,
                  allow_new_entries=False, tune_new_entries=False,
                  # A failed trial is reported, not fatal: the search goes on.
                  max_consecutive_failed_trials=max_trials + 1)
    if strategy == "random":
        return keras_tuner.oracles.RandomSearchOracle(max_trials=max_trials, **common)
    if strategy == "grid":
        return keras_tuner.oracles.GridSearchOracle(max_trials=max_trials, **common)
    if strategy == "bayesian":
        return keras_tuner.oracles.BayesianOptimizationOracle(max_trials=max_trials,
                                                              **common)
    return keras_tuner.oracles.HyperbandOracle(max_epochs=epochs, factor=3, **common)


def open_oracle(search_id: str, strategy: str, space: Any, objective: str,
                direction: str, max_trials: int, epochs: int, seed: int) -> None:
    """Creates the search's oracle (random, grid, bayesian or hyperband)."""
    oracle = _make(strategy, space, objective, direction, max_trials, epochs, seed)
    oracle.verbose = 0
    folder = tempfile.mkdtemp(prefix="playground-search-")
    oracle._set_project_dir(folder, "search")  # what a Keras Tuner tuner does first
    _oracles[search_id] = (oracle, folder, {})


def _entry(search_id: str) -> tuple[Any, str, dict[str, Any]]:
    entry = _oracles.get(search_id)
    if entry is None:
        raise LookupError(
            "its Keras Tuner oracle is gone: the worker process that kept it was "
            "restarted. The finished trials are kept; start the search again to go on.")
    return entry


def create_trial(search_id: str, slot: str) -> dict[str, Any]:
    """The oracle's next trial for `slot`: `{"status", "trial_id", "values"}`.

    The status is `RUNNING` for a trial to train, `IDLE` while the oracle
    waits for running trials (grid, Hyperband) and `STOPPED` once it has no
    more to give.
    """
    oracle, _, picked = _entry(search_id)
    trial = oracle.create_trial(slot)
    if trial.status == "RUNNING":
        picked[trial.trial_id] = trial
    return {"status": str(trial.status), "trial_id": trial.trial_id,
            "values": dict(trial.hyperparameters.values)}


def end_trial(search_id: str, trial_id: str, history: list[float], scored: bool,
              message: str) -> None:
    """Reports a trial's objective per epoch and ends it, completed (scored)
    or failed."""
    import math

    oracle, _, picked = _entry(search_id)
    trial = picked.pop(trial_id)
    for step, value in enumerate(history):
        if math.isfinite(value):
            oracle.update_trial(trial_id, {oracle.objective.name: value}, step=step)
    trial.status = "COMPLETED" if scored else "FAILED"
    trial.message = message
    oracle.end_trial(trial)


def close_oracle(search_id: str) -> None:
    """Forgets the search's oracle and removes its working files."""
    entry = _oracles.pop(search_id, None)
    if entry is not None:
        shutil.rmtree(entry[1], ignore_errors=True)
