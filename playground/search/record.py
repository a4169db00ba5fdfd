"""A search as plain data for the run store, and read back for a `search=` link.

`search_record` writes what a search is (its experiment, space, strategy,
budget, objective, seed) and where it stands (its trials, each with its run
id, and its message) as JSON-ready data. `StoredSearch` reads such a record
back with the same reading interface as a live `Search`, so the Search page
draws both with one view; each trial's curves are in its run.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from playground.config import Experiment
from playground.search.engine import Search, Trial, best_trial
from playground.search.space import Dimension, SearchSpace
from playground.training.result import RUNNING, STOPPED


def search_record(search: Search) -> dict[str, Any]:
    """The search as JSON-ready data."""
    return {
        "id": search.id, "experiment": search.experiment.to_dict(),
        "space": [dataclasses.asdict(d) for d in search.space.dimensions],
        "strategy": search.strategy, "objective": search.objective,
        "max_trials": search.max_trials, "epochs": search.epochs, "seed": search.seed,
        "trials": [t.as_dict() for t in search.snapshot_trials()],
        "message": search.message, "started_at": search.started_at,
        "finished_at": search.finished_at,
    }


class StoredSearch:
    """A saved search, read-only, shaped like a finished `Search`.

    A search that was still running when it was last saved (its server
    stopped) reads as ended, with the trials it had.
    """

    def __init__(self, record: dict[str, Any]):
        self.id = record["id"]
        self.experiment = Experiment.from_dict(record["experiment"])
        self.space = SearchSpace(tuple(
            Dimension(**{**d, "choices": tuple(d["choices"])}) for d in record["space"]))
        self.strategy = record["strategy"]
        self.objective = record["objective"]
        self.max_trials = record["max_trials"]
        self.epochs = record["epochs"]
        self.seed = record["seed"]
        self.started_at = record["started_at"]
        self.finished_at = record.get("finished_at") or record["started_at"]
        self.message = record.get("message") or (
            "This search ended before it finished (its server stopped); its trials "
            "so far are kept.")
        self.trials = [Trial(**{**trial, "status": STOPPED if trial["status"] == RUNNING
                                else trial["status"]}) for trial in record["trials"]]
        self.done = True

    def snapshot_trials(self) -> list[Trial]:
        return list(self.trials)

    def best(self) -> Trial | None:
        return best_trial(self.trials, self.objective)

    def stop(self) -> None:
        """Nothing runs: a stored search has ended."""
