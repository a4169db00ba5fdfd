"""A cross-validation's curves: every fold's validation curves and their mean.

One plot per validation value (`val_loss`, then the task's metric), side by
side; one thin line per fold in its own colour, and the mean of the folds
as a thick dark line over the epochs that every fold reached (a fold that
stopped early ends the mean there, rather than averaging fewer folds).
"""

from __future__ import annotations

import plotly.graph_objects as go

from playground.charts.history import SHARES, finite_or_none, share_range, show_waiting
from playground.charts.style import (
    CLASS_COLORS,
    METRIC_LABELS,
    base_layout,
    dict_figure,
    side_by_side,
)
from playground.i18n import tr

MEAN_COLOR = "#222222"


def mean_curve(curves: list[list[float]]) -> list[float | None]:
    """The mean of the curves per epoch, over the epochs every curve
    reached; a non-finite value makes that epoch's mean a gap."""
    if not curves or not all(curves):
        return []
    length = min(len(c) for c in curves)
    means = []
    for epoch in range(length):
        values = finite_or_none(c[epoch] for c in curves)
        means.append(None if None in values else sum(values) / len(values))
    return means


def fold_curves_figure(histories: list[dict[str, list[float]]],
                       metrics: tuple[str, ...] = ("loss",), epochs: int | None = None,
                       standardised: bool = False) -> go.Figure:
    """Every fold's validation curves, one line per fold, and their mean.

    Args:
        histories: Each fold's history (Keras' names; empty while a fold
            waits), in fold order.
        metrics: The bases to plot, e.g. `("loss", "accuracy")`: each gets
            a plot of its `val_` values.
        epochs: The planned epochs, for the axis before the first epoch.
        standardised: Regression on a standardised target: the titles say
            the values are in standard units.
    """
    titles = [tr("Validation: {metric}", metric=tr(METRIC_LABELS[m])
                 if m in METRIC_LABELS else m) for m in metrics]
    if standardised:
        titles = [tr("{metric} (standardised)", metric=title) for title in titles]
    suffixes, layout = side_by_side(titles)
    layout.update(base_layout("", 360, "fold_curves"))
    data = []
    for suffix, base in zip(suffixes, metrics):
        key = f"val_{base}"
        layout[f"xaxis{suffix}"]["title"] = {"text": tr("epoch")}
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        curves = [list(h.get(key, [])) for h in histories]
        for fold, values in enumerate(curves, start=1):
            if values:
                data.append({
                    "type": "scatter", "x": list(range(1, len(values) + 1)),
                    "y": finite_or_none(values),
                    "mode": "lines+markers" if len(values) < 15 else "lines",
                    "name": tr("fold {fold}", fold=fold), "legendgroup": f"fold {fold}",
                    "showlegend": suffix == "", **axes,
                    "line": {"width": 1.5,
                             "color": CLASS_COLORS[(fold - 1) % len(CLASS_COLORS)]}})
        mean = mean_curve(curves)
        if mean:
            data.append({
                "type": "scatter", "x": list(range(1, len(mean) + 1)), "y": mean,
                "mode": "lines", "name": tr("mean of the folds"), "legendgroup": "mean",
                "showlegend": suffix == "", **axes,
                "line": {"width": 4, "color": MEAN_COLOR}})
        if base in SHARES:
            span = share_range([v for c in curves for v in finite_or_none(c)
                                 if v is not None])
            if span:
                layout[f"yaxis{suffix}"]["range"] = span
    if not data:  # no fold has finished an epoch yet
        show_waiting(layout, suffixes, epochs)
    return dict_figure(data, layout)
