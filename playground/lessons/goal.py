"""A lesson's goal: a metric, a direction and a threshold (`val_accuracy>=0.9`).

The operator gives the direction: `>=` for a metric that is better higher
(accuracy), `<=` for one that is better lower (a loss, the mean absolute
error). A goal that asks for the wrong direction (`val_loss>=0.3`) is refused
with the fix, since it would reward a worse model.

The goal is written with the metric's name as Keras logs it during training
(`val_accuracy`, `val_loss`, `val_mae`, or the training set's `accuracy`,
`loss`, `mae`). During training, `goal_progress` follows that very name in
the history; the lesson's board ranks the finished runs on the test set,
where the same metric is named without `val_` (`Goal.test_metric`), so that
no student can reach the top by tuning to the validation data alone.

>>> goal = parse_goal("val_accuracy >= 0.9")
>>> goal.test_metric, goal_met(goal, 0.93)
('accuracy', True)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from playground.fields import ConfigError, format_number
from playground.i18n import tr

HIGHER_IS_BETTER = ("accuracy",)
LOWER_IS_BETTER = ("loss", "mae")
METRICS = tuple(f"{prefix}{name}" for prefix in ("val_", "")
                for name in HIGHER_IS_BETTER + LOWER_IS_BETTER)
"""The metrics a goal may name."""
OPERATORS = (">=", "<=")
MAX_GOAL_LENGTH = 60
_GOAL = re.compile(r"\s*([A-Za-z_]+)\s*(>=|<=|=>|=<|>|<|=|≥|≤)?\s*(.*?)\s*", re.DOTALL)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_EXAMPLE = "val_accuracy>=0.9"


@dataclass(frozen=True)
class Goal:
    """What a lesson asks the students to reach.

    Attributes:
        metric: One of `METRICS`, as Keras names it during training.
        operator: `">="` (higher is better) or `"<="` (lower is better).
        threshold: The value to reach, a finite number (0 to 1 for accuracy,
            at least 0 for a loss or an error).
    """

    metric: str
    operator: str
    threshold: float

    @property
    def higher_is_better(self) -> bool:
        return self.operator == ">="

    @property
    def test_metric(self) -> str:
        """The metric's name among a run's test metrics (`accuracy`)."""
        return self.metric.removeprefix("val_")

    def __str__(self) -> str:
        return f"{self.metric}{self.operator}{format_number(self.threshold)}"


def _error(text: Any, expected: str, fix: str) -> ConfigError:
    return ConfigError("goal", text, expected, fix)


def parse_goal(text: Any) -> Goal:
    """Reads a goal written as `METRIC>=VALUE` or `METRIC<=VALUE`.

    Spaces around the parts are allowed. `≥` and `≤` are read as `>=` and
    `<=`.

    Raises:
        ConfigError: naming what was received, what a goal looks like, and
            the fix: an unknown metric, a missing or unknown operator, a
            value that is not a finite number or is out of the metric's
            range, or a direction that rewards a worse model.
    """
    expected = tr("a metric, >= or <=, and a number, such as {example}",
                  example=_EXAMPLE)
    if not isinstance(text, str) or len(text) > MAX_GOAL_LENGTH:
        raise _error(text, expected, tr("Write the goal as text of at most {count} "
                                        "characters.", count=MAX_GOAL_LENGTH))
    match = _GOAL.fullmatch(text)
    if match is None:
        raise _error(text, expected, tr("Start with the metric's name, such as "
                                        "val_accuracy or val_loss."))
    metric, operator, value = match.groups()
    if metric not in METRICS:
        raise _error(text, expected, tr("Use one of these metrics: {metrics}.",
                                        metrics=", ".join(METRICS)))
    operator = {"=>": ">=", "=<": "<=", "≥": ">=", "≤": "<="}.get(operator, operator)
    if operator not in OPERATORS:
        raise _error(text, expected, tr("Put >= (at least) or <= (at most) between "
                                        "the metric and the number."))
    threshold = float(value) if _NUMBER.fullmatch(value) else math.nan
    if not math.isfinite(threshold):
        raise _error(text, expected, tr("Write the value as a plain number, such as "
                                        "0.9."))
    name = metric.removeprefix("val_")
    if name in HIGHER_IS_BETTER and operator != ">=":
        raise _error(text, expected, tr("Higher {metric} is better: write "
                                        "{metric}>={value}.", metric=metric,
                                        value=format_number(threshold)))
    if name in LOWER_IS_BETTER and operator != "<=":
        raise _error(text, expected, tr("Lower {metric} is better: write "
                                        "{metric}<={value}.", metric=metric,
                                        value=format_number(threshold)))
    if name == "accuracy" and not 0 < threshold <= 1:
        raise _error(text, expected, tr("Accuracy is a share: pick a value above 0 "
                                        "and at most 1, such as 0.9."))
    if threshold < 0:
        raise _error(text, expected, tr("{metric} is never below 0: pick a value of "
                                        "0 or more.", metric=metric))
    return Goal(metric, operator, threshold)


def _finite(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def goal_met(goal: Goal, value: float | None) -> bool:
    """Whether `value` of the goal's metric reaches the goal (None, NaN or
    infinity never does)."""
    if not _finite(value):
        return False
    return value >= goal.threshold if goal.higher_is_better else value <= goal.threshold


def better(goal: Goal | None, value: float, than: float) -> bool:
    """Whether `value` beats `than` in the goal's direction (no goal: lower,
    as for the loss)."""
    return value > than if goal is not None and goal.higher_is_better else value < than


@dataclass(frozen=True)
class GoalProgress:
    """How a run stands against the goal so far.

    Attributes:
        best: The best value of the goal's metric in the history, or None
            before the first epoch that logged it.
        best_epoch: The epoch (from 1) of `best`, or None.
        met_epoch: The first epoch that reached the goal, or None.
        fraction: How far `best` is towards the threshold, from 0 to 1 (1
            once met): for a progress bar.
    """

    best: float | None
    best_epoch: int | None
    met_epoch: int | None
    fraction: float

    @property
    def met(self) -> bool:
        return self.met_epoch is not None


def goal_progress(goal: Goal, history: Mapping[str, Sequence[float]]) -> GoalProgress:
    """The best value so far and the first epoch that met the goal, read
    from a live or stored run's history (metric name to one value per epoch;
    NaN epochs are skipped).

    `fraction` is `best / threshold` for a goal to reach upwards and
    `threshold / best` for one to reach downwards, capped to [0, 1].
    """
    best = best_epoch = met_epoch = None
    for epoch, value in enumerate(history.get(goal.metric, ()), start=1):
        if not _finite(value):
            continue
        if best is None or better(goal, value, best):
            best, best_epoch = float(value), epoch
        if met_epoch is None and goal_met(goal, value):
            met_epoch = epoch
    if best is None:
        fraction = 0.0
    elif met_epoch is not None:
        fraction = 1.0
    elif goal.higher_is_better:
        fraction = best / goal.threshold if goal.threshold > 0 else 1.0
    else:
        fraction = goal.threshold / best if best > 0 else 1.0
    return GoalProgress(best, best_epoch, met_epoch, min(1.0, max(0.0, fraction)))
