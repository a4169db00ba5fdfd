"""A listed run's figures in the units the Train and Evaluate pages use.

A regression network learns a standardised target; Keras reports its MAE
in those standard units (0.618), while the Train and Evaluate pages give it
in the target's own units (43.7 thousand). The run store keeps the figures
as Keras reported them, so a list of runs converts them back with the
target's scale, which the experiment's data gives again. Where the data
cannot be had again without its upload or a download (an uploaded CSV, a
Keras set), the figure is labelled as standardised instead.
"""

from __future__ import annotations

import functools

from playground.config import Experiment
from playground.datasets import DATASETS
from playground.i18n import tr
from playground.registry import REGRESSION, metric_label

SCALED_IN_UNITS = ("mae",)
"""Metrics that scale with the target (a squared one would need the square)."""


def standardised(exp: Experiment) -> bool:
    """Whether the run's network learned a standardised target: regression
    on real (not generated) data, as `split_dataset` prepares it."""
    info = DATASETS.get(exp.dataset)
    if info is None or info.synthetic:
        return False
    task = info.task or exp.task
    return task == REGRESSION


@functools.lru_cache(maxsize=64)
def target_scale(exp: Experiment) -> float | None:
    """The standard deviation the target was divided by, from the data the
    run was trained on; None when the target was not standardised or the
    data cannot be loaded here without an upload or a download."""
    if not standardised(exp) or DATASETS[exp.dataset].source not in ("sklearn", "table") \
            or exp.dataset == "csv":
        return None
    from playground.datasets.source import experiment_data

    try:
        scaler = experiment_data(exp).target_scaler
    except (OSError, ValueError, KeyError):
        return None
    return float(scaler.scale_[0]) if scaler is not None else None


def metric_value(name: str, value: float, exp: Experiment | None) -> float:
    """A test or validation figure in the target's units where it has them."""
    base = name.removeprefix("val_")
    scale = target_scale(exp) if exp is not None and base in SCALED_IN_UNITS else None
    return value * scale if scale is not None else value


def best_text(name: str | None, value: float | None, exp: Experiment | None) -> str:
    """The best validation figure as the Runs table shows it: `MAE 43.71`
    in the target's units, `accuracy 0.95`, or `loss 0.312 (standardised)`
    where the units could not be given back; empty without one."""
    if not name or value is None:
        return ""
    base = name.removeprefix("val_")
    label = metric_label(base)
    shown = metric_value(name, value, exp)
    text = f"{label} {shown:.4g}"
    # An uploaded table's task may be left to detection: an MAE says regression.
    scaled = exp is not None and (standardised(exp) or (
        exp.dataset == "csv" and base in SCALED_IN_UNITS))
    if scaled and (base not in SCALED_IN_UNITS or target_scale(exp) is None):
        text = tr("{metric} (standardised)", metric=text)
    return text
