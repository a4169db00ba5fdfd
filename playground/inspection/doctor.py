"""The training doctor: plain-language diagnosis of a run, with a fix.

`diagnose` reads what a run measured (its per-epoch history and the
snapshots of `playground.training.measurements`) and names the classic problems a
learner meets, each with what to try next:

| Rule          | Measurement                         | Flagged when                 |
|---------------|-------------------------------------|------------------------------|
| `diverged`    | loss                                | NaN or infinite              |
| `flat`        | loss                                | < 1% change over the run     |
| `overfitting` | validation vs training loss         | validation rises, gap opens  |
| `vanishing`   | gradient norm, first vs last layer  | first < last / 1000          |
| `exploding`   | gradient norms                      | first > last * 1000, any     |
|               |                                     | layer > 100, or infinite     |
| `dead_relu`   | ReLU units silent on a whole batch  | half of a layer or more      |

The thresholds are deliberately loose: a rule should fire on a run that
clearly has the problem and stay silent on a healthy one (the tests run
both kinds). Pure Python and NumPy: no TensorFlow needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.i18n import tr

MIN_EPOCHS = 5
FLAT_CHANGE = 0.01
GRADIENT_RATIO = 1e3
EXPLODING_NORM = 100.0
DEAD_FRACTION = 0.5
RECENT_SNAPSHOTS = 5
# Gradient clipping offered against exploding gradients: the largest norm of
# each weight's gradient, a common starting point.
CLIPNORM_ADVICE = 1.0
CLIP = (("clipnorm", CLIPNORM_ADVICE),)


def same_decimals(*values: float, digits: int = 3) -> list[str]:
    """The values written with one number of decimals, enough for `digits`
    significant digits of the smallest: `0.1094` and `0.05123` read
    `0.1094` and `0.0512` (four decimals each, not four beside five), so
    the numbers of one message line up and compare at a glance."""
    sizes = [abs(v) for v in values if math.isfinite(v) and v != 0]
    decimals = max(0, digits - 1 - math.floor(math.log10(min(sizes)))) if sizes else 0
    return [format(v, f".{decimals}f") for v in values]


@dataclass(frozen=True)
class Finding:
    """One diagnosis.

    Attributes:
        rule: Which rule fired (`"diverged"`, `"flat"`, ...).
        title: One line naming the problem.
        detail: What was measured, in numbers from this run.
        fix: What to try next.
        changes: Experiment settings that apply the fix in one click, as
            `(field, value)` pairs; empty when the fix is the user's to make.
    """

    rule: str
    title: str
    detail: str
    fix: str
    changes: tuple[tuple[str, Any], ...] = ()


def _diverged(history: dict[str, list[float]]) -> Finding | None:
    bad = [i for values in history.values()
           for i, v in enumerate(values) if not math.isfinite(v)]
    if not bad:
        return None
    epoch = min(bad) + 1
    return Finding(
        "diverged", tr("The loss became NaN or infinite at epoch {epoch}.", epoch=epoch),
        tr("The weight updates grew until the numbers overflowed; training was "
           "stopped there and the last finite weights were kept."),
        tr("Lower the learning rate (try ten times smaller), switch to Adam, or "
           "normalise the inputs."))


def _flat(loss: list[float]) -> Finding | None:
    if len(loss) < MIN_EPOCHS:
        return None
    k = max(1, min(3, len(loss) // 5))
    first, last = float(np.mean(loss[:k])), float(np.mean(loss[-k:]))
    if last < 1e-3 or first - last > FLAT_CHANGE * abs(first):
        return None
    first_text, last_text = same_decimals(first, last, digits=4)
    return Finding(
        "flat", tr("The loss has barely moved in {epochs} epochs.", epochs=len(loss)),
        tr("It went from {first} to {last}, a change of less than {share}.",
           first=first_text, last=last_text, share=format(FLAT_CHANGE, ".0%")),
        tr("Raise the learning rate, and check that the output activation and the "
           "loss belong together (sigmoid with binary crossentropy, softmax with "
           "categorical crossentropy, linear with mean squared error)."))


def _overfitting(history: dict[str, list[float]]) -> Finding | None:
    loss, val = history.get("loss", []), history.get("val_loss", [])
    if len(val) < 2 * MIN_EPOCHS:
        return None
    best = int(np.argmin(val))
    val_now, train_now = float(np.mean(val[-3:])), float(np.mean(loss[-3:]))
    rising = val_now >= 1.2 * val[best] and val_now - val[best] >= 0.02
    gap = val_now >= 1.5 * train_now and val_now - train_now >= 0.05
    acc, val_acc = history.get("accuracy"), history.get("val_accuracy")
    acc_gap = (float(np.mean(acc[-3:])) - float(np.mean(val_acc[-3:]))
               if acc and val_acc else 0.0)
    if not (rising and gap) and acc_gap < 0.15:
        return None
    # The rule reads the mean of the last epochs (one noisy epoch does not
    # fire it); the message quotes the last epoch, the chart's last point.
    best_text, now_text, train_text = same_decimals(val[best], val[-1], loss[-1])
    detail = tr("Validation loss was lowest at epoch {epoch} ({best}) and is {now} "
                "after the last epoch, while the training loss is {train}.",
                epoch=best + 1, best=best_text, now=now_text, train=train_text)
    if acc_gap >= 0.15:
        detail += " " + tr("Training accuracy is {gap} above validation accuracy.",
                           gap=format(acc_gap, ".0%"))
    return Finding(
        "overfitting", tr("The model is overfitting: it memorises the training data."),
        detail,
        tr("Add Dropout or L2 regularisation, use a smaller network or more data, or "
           "stop earlier (early stopping at the best validation epoch)."))


def _gradient_ratio(recent: list[dict[str, float]]) -> tuple[str, str, float] | None:
    """First over last layer's gradient norm, the median over recent snapshots."""
    ratios, names = [], []
    for norms in recent:
        if len(norms) < 2:
            continue
        names = list(norms)
        first, last = norms[names[0]], norms[names[-1]]
        if not math.isfinite(first) or not math.isfinite(last):
            ratios.append(math.inf)
        elif last > 0 and first > 0:
            ratios.append(first / last)
    if not ratios:
        return None
    return names[0], names[-1], float(np.median(ratios))


def _gradients(snapshots: list[dict[str, Any]]) -> Finding | None:
    recent = [shot.get("grad_norms") or {} for shot in snapshots[-RECENT_SNAPSHOTS:]]
    largest = {name: value for norms in recent for name, value in norms.items()
               if not value <= EXPLODING_NORM}
    if largest:
        name = max(largest, key=lambda n: largest[n] if math.isfinite(largest[n])
                   else math.inf)
        return Finding(
            "exploding", tr("Exploding gradients: the updates are huge."),
            tr("The gradient norm at {layer} reached {norm}; healthy runs stay well "
               "below {limit}.", layer=name, norm=format(largest[name], ",.0f"),
               limit=format(EXPLODING_NORM, ",.0f")),
            tr("Clip the gradients (norm {norm}), lower the learning rate, normalise "
               "the inputs, add BatchNormalization, or use fewer layers.",
               norm=format(CLIPNORM_ADVICE, "g")), CLIP)
    found = _gradient_ratio(recent)
    if found is None:
        return None
    first, last, ratio = found
    if ratio < 1 / GRADIENT_RATIO:
        return Finding(
            "vanishing", tr("Vanishing gradients: the first layers barely learn."),
            tr("The gradient reaching {first} is {times} times smaller than at {last}.",
               first=first, times=format(1 / ratio, ",.0f"), last=last),
            tr("Use relu or elu instead of sigmoid or tanh in deep stacks, add "
               "BatchNormalization, or use fewer layers."))
    if ratio > GRADIENT_RATIO:
        times = (tr("infinitely") if math.isinf(ratio)
                 else tr("{count} times", count=format(ratio, ",.0f")))
        return Finding(
            "exploding", tr("Exploding gradients: the first layers get huge updates."),
            tr("The gradient reaching {first} is {times} larger than at {last}.",
               first=first, times=times, last=last),
            tr("Clip the gradients (norm {norm}), lower the learning rate, add "
               "BatchNormalization, or use fewer layers.",
               norm=format(CLIPNORM_ADVICE, "g")), CLIP)
    return None


def _dead_relus(snapshots: list[dict[str, Any]]) -> Finding | None:
    if not snapshots:
        return None
    dead = snapshots[-1].get("dead") or {}
    worst = {name: f for name, f in dead.items() if f >= DEAD_FRACTION}
    if not worst:
        return None
    listed = ", ".join(f"{name} {f:.0%}" for name, f in worst.items())
    return Finding(
        "dead_relu", tr("Dead ReLUs: many units output zero for every sample."),
        tr("Share of units that are silent on a whole training batch: {layers}. A "
           "dead unit has zero gradient, so it never recovers.", layers=listed),
        tr("Lower the learning rate, try elu or gelu instead of relu, or add "
           "BatchNormalization before the activation."))


def diagnose(history: dict[str, list[float]],
             snapshots: list[dict[str, Any]] = ()) -> list[Finding]:
    """Diagnoses a run from its history and snapshots, most serious first.

    Args:
        history: Metric name to one value per epoch (`loss`, `val_loss`, ...).
        snapshots: The run's snapshot dicts in epoch order (only the last few
            are read), as kept by the job's `SnapshotStore`.

    Returns:
        The findings; empty when nothing looks wrong.
    """
    diverged = _diverged(history)
    if diverged is not None:  # later numbers are meaningless after a NaN
        return [diverged]
    snapshots = list(snapshots)
    rules = (_gradients(snapshots), _dead_relus(snapshots),
             _flat(history.get("loss", [])), _overfitting(history))
    return [finding for finding in rules if finding is not None]
