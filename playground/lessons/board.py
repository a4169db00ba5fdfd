"""A lesson's board: one row per student, ranked by their best run.

Each student's best completed run is the one with the best value of the
goal's metric on the test set (`Goal.test_metric`: a goal on
`val_accuracy` ranks on test `accuracy`); without a goal, the least test
loss. Students are ranked by that value in the goal's direction; equal
values go to the run that finished first (then the earlier run, then the
name). A student without a completed run that logged the metric is listed
after the ranked ones, unranked, in the order they joined.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable

from playground.config import Experiment
from playground.fields import ConfigError, ConfigErrors
from playground.lessons.goal import Goal, goal_met
from playground.lessons.limits import trainable_params
from playground.lessons.students import Student, name_key


@dataclass(frozen=True)
class BoardRun:
    """What the board needs of one completed run in the lesson."""

    run_id: str
    student: str
    test_metrics: dict[str, float]
    epochs_run: int
    created_at: float
    finished_at: float | None
    experiment: Any = None  # its JSON (dict), an Experiment, or None

    @property
    def when(self) -> float:
        """When the run reached its value: its end, else its start."""
        return self.finished_at if self.finished_at is not None else self.created_at


@dataclass(frozen=True)
class BoardRow:
    """One student on the board.

    Attributes:
        rank: 1 for the best; None for a student without a ranked run.
        name: The student's name (plain text: show it as text).
        metric: The test metric ranked on (`accuracy`, `loss`, `mae`).
        value: The student's best value of it, or None.
        goal_met: Whether `value` reaches the lesson's goal; None without a
            goal.
        run_id: The run that gave `value` (a page links to `?run=<id>`).
        epochs_run: That run's epochs.
        params: That run's trainable parameters, or None when they cannot be
            counted here.
        finished_at: When that run finished (Unix seconds).
        runs: How many of the student's runs completed and were ranked.
    """

    rank: int | None
    name: str
    metric: str
    value: float | None
    goal_met: bool | None
    run_id: str | None
    epochs_run: int | None
    params: int | None
    finished_at: float | None
    runs: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ranked_metric(goal: Goal | None) -> str:
    """The test metric a board ranks on."""
    return goal.test_metric if goal is not None else "loss"


def params_of(experiment: Any) -> int | None:
    """The trainable parameters of a run's experiment (its JSON or the
    object), or None when they cannot be counted here."""
    try:
        exp = experiment if isinstance(experiment, Experiment) \
            else Experiment.from_dict(experiment)
    except (ConfigError, ConfigErrors):
        return None
    return trainable_params(exp)


def _value(run: BoardRun, metric: str) -> float | None:
    value = run.test_metrics.get(metric) if isinstance(run.test_metrics, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        return None
    return float(value)


def rank_students(goal: Goal | None, students: Iterable[Student],
                  runs: Iterable[BoardRun],
                  count_params: Callable[[Any], int | None] = params_of,
                  ) -> list[BoardRow]:
    """The board: ranked students first, then the others in joining order.

    Args:
        goal: The lesson's goal, or None (rank by the least test loss).
        students: Everyone who joined; a run of a name not among them (a
            student removed) is left out.
        runs: The lesson's completed runs.
        count_params: Counts a best run's trainable parameters from its
            experiment.
    """
    metric = ranked_metric(goal)
    sign = -1.0 if goal is not None and goal.higher_is_better else 1.0
    people = {name_key(s.name): s for s in students}
    best: dict[str, tuple[tuple, BoardRun, float]] = {}
    counted: dict[str, int] = {}
    for run in runs:
        key = name_key(run.student or "")
        value = _value(run, metric)
        if key not in people or value is None:
            continue
        counted[key] = counted.get(key, 0) + 1
        order = (sign * value, run.when, run.created_at, run.run_id)
        if key not in best or order < best[key][0]:
            best[key] = (order, run, value)
    ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
    rows = []
    for rank, (key, (_, run, value)) in enumerate(ranked, start=1):
        rows.append(BoardRow(
            rank=rank, name=people[key].name, metric=metric, value=value,
            goal_met=None if goal is None else goal_met(goal, value),
            run_id=run.run_id, epochs_run=run.epochs_run,
            params=count_params(run.experiment) if run.experiment is not None else None,
            finished_at=run.finished_at, runs=counted[key]))
    waiting = sorted((s for k, s in people.items() if k not in best),
                     key=lambda s: (s.joined_at, s.name))
    rows += [BoardRow(rank=None, name=s.name, metric=metric, value=None,
                      goal_met=None if goal is None else False, run_id=None,
                      epochs_run=None, params=None, finished_at=None, runs=0)
             for s in waiting]
    return rows
