"""A step's run judged: the learner's prediction against what happened, and
the step's check, each with the numbers.

Both read a run's history (metric name to one value per epoch), so a live
run, a stored run and a made-up history in a test are judged alike.

>>> from playground.lessons.tutorials.steps import Check
>>> verdict(Check(goal="val_accuracy>=0.9"), {"val_accuracy": [0.7, 0.92]}).passed
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from playground.fields import format_number
from playground.i18n import tr
from playground.inspection.doctor import MIN_EPOCHS, diagnose
from playground.lessons.goal import goal_progress
from playground.lessons.tutorials.steps import (
    ABOVE,
    BELOW,
    DOWN,
    SAME,
    UP,
    Check,
    Prediction,
)

History = Mapping[str, Sequence[float]]
SAME_ABSOLUTE = 0.005
"""Changes of a metric this small (or 2% of its value) count as "the same"."""
SAME_RELATIVE = 0.02


def _number(value: float) -> str:
    return format(value, ".4g")


def final_value(history: History, metric: str) -> float | None:
    """The metric's last finite value in the history, or None."""
    for value in reversed(list(history.get(metric, ()))):
        if isinstance(value, (int, float)) and math.isfinite(value):
            return float(value)
    return None


@dataclass(frozen=True)
class Outcome:
    """What happened to the predicted metric.

    Attributes:
        happened: The choice that came true (`"up"`, `"above"`, ...), or None
            when it cannot be told (no value, or no earlier run to compare).
        value: The metric's final value in this run, or None.
        before: Its final value in the previous step's run, or None.
        text: One line with the numbers, for the learner.
    """

    happened: str | None
    value: float | None
    before: float | None
    text: str

    def right(self, answer: str | None) -> bool | None:
        """Whether `answer` was right; None when it cannot be told."""
        if answer is None or self.happened is None:
            return None
        return answer == self.happened


def outcome(prediction: Prediction, history: History,
            previous: History | None = None) -> Outcome:
    """What `history` (this run) shows for the prediction; `previous` is
    the previous step's run, needed by an up/down question."""
    metric = prediction.metric
    value = final_value(history, metric)
    if value is None:
        return Outcome(None, None, None, tr("This run logged no {metric}.",
                                            metric=metric))
    if prediction.threshold is not None:
        happened = ABOVE if value >= prediction.threshold else BELOW
        return Outcome(happened, value, None, tr(
            "{metric} ended at {value} ({side} {threshold}).", metric=metric,
            value=_number(value), threshold=format_number(prediction.threshold),
            side=tr("at or above") if happened == ABOVE else tr("below")))
    before = final_value(previous, metric) if previous is not None else None
    if before is None:
        return Outcome(None, value, None, tr(
            "{metric} ended at {value}; there is no earlier run in this tutorial to "
            "compare it with.", metric=metric, value=_number(value)))
    change = value - before
    if abs(change) <= max(SAME_ABSOLUTE, SAME_RELATIVE * abs(before)):
        happened = SAME
    else:
        happened = UP if change > 0 else DOWN
    words = {UP: tr("up"), DOWN: tr("down"), SAME: tr("about the same")}[happened]
    return Outcome(happened, value, before, tr(
        "{metric} went from {before} to {value}: {change}.", metric=metric,
        before=_number(before), value=_number(value), change=words))


@dataclass(frozen=True)
class Verdict:
    """A check's result: passed or not yet, and the numbers behind it."""

    passed: bool
    text: str


def verdict(check: Check, history: History,
            snapshots: Sequence[dict[str, Any]] = ()) -> Verdict:
    """Judges a run's history (and snapshots, for the doctor) by `check`."""
    if check.goal is not None:
        return _goal_verdict(check, history)
    epochs = len(history.get("val_loss", ()))
    if epochs < 2 * MIN_EPOCHS:
        return Verdict(False, tr(
            "Not yet: the training doctor needs at least {count} epochs with a "
            "validation loss to judge, and this run has {epochs}.",
            count=2 * MIN_EPOCHS, epochs=epochs))
    found = [f for f in diagnose(dict(history), list(snapshots))
             if f.rule == check.doctor_clear]
    numbers = tr("At the last epoch the validation loss is {val} and the training "
                 "loss {loss}.", val=_number(final_value(history, "val_loss") or 0),
                 loss=_number(final_value(history, "loss") or 0))
    if found:
        return Verdict(False, tr("Not yet: {title} {detail}", title=found[0].title,
                                 detail=found[0].detail))
    return Verdict(True, tr("Passed: the training doctor reports no {rule} after "
                            "{epochs} epochs. {numbers}",
                            rule=check.rule_name, epochs=epochs,
                            numbers=numbers))


def _goal_verdict(check: Check, history: History) -> Verdict:
    goal = check.goal
    progress = goal_progress(goal, history)
    if progress.best is None:
        return Verdict(False, tr("Not yet: this run logged no {metric}.",
                                 metric=goal.metric))
    if progress.met:
        return Verdict(True, tr(
            "Passed: the run met {goal} at epoch {epoch} (best {metric} {best}, at "
            "epoch {best_epoch}).", metric=goal.metric, goal=str(goal),
            epoch=progress.met_epoch, best=_number(progress.best),
            best_epoch=progress.best_epoch))
    return Verdict(False, tr(
        "Not yet: the best {metric} was {best} (epoch {best_epoch}); the check asks "
        "for {goal}.", metric=goal.metric, best=_number(progress.best),
        best_epoch=progress.best_epoch, goal=str(goal)))


SHOWN_METRICS = ("val_accuracy", "val_loss", "val_mae", "accuracy", "loss", "mae")
"""The final values the tutorial panel sets side by side, where a run has them."""


def comparison_rows(history: History, before: History | None,
                    standardised: bool = False) -> list[tuple[str, str, str]]:
    """`(metric, previous step's run, this step's run)` for the panel's table,
    each value with four decimals (`1.0000` beside `0.9792`, not `1`), `–`
    where the previous run has none. With `standardised` (a regression
    network that learned a standardised target) each name says so, as the
    Train page's charts do: the tutorial's figures are in standard units,
    while the Train page's test MAE is in the target's."""
    def shown(values: History | None, name: str) -> str:
        value = final_value(values, name) if values is not None else None
        return "–" if value is None else f"{value:.4f}"

    def named(name: str) -> str:
        return tr("{metric} (standardised)", metric=name) if standardised else name

    return [(named(name), shown(before, name), shown(history, name))
            for name in SHOWN_METRICS if name in history]
