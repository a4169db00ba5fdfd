"""The Search page's figures: trials on parallel axes, and an objective map.

Both take plain `Trial`s, so they draw a running search as it stands and a
finished one alike. Choices that are names (an optimizer, an activation) get
an axis with one tick per name; numbers keep their scale (a log scale for a
log range).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from playground.charts.style import log_ticks
from playground.i18n import tr, tr_n
from playground.search.engine import Trial, maximised
from playground.search.space import SearchSpace

HEATMAP_BINS = 6


def scored(trials: list[Trial]) -> list[Trial]:
    """The trials with a finite objective."""
    return [t for t in trials if t.objective is not None and math.isfinite(t.objective)]


def _axis(space_dimension: Any, values: list[Any]) -> dict[str, Any]:
    label = space_dimension.name
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        numbers = [float(v) for v in values]
        if space_dimension.log and min(numbers) > 0:
            low, high = min(numbers), max(numbers)
            ticks = log_ticks(low, high)
            return {"label": tr("{range} (log)", range=label), "values": [math.log10(v) for v in numbers],
                    "range": [math.log10(low), math.log10(high) + 1e-9],
                    "tickvals": [math.log10(t) for t in ticks],
                    "ticktext": [f"{t:.3g}" for t in ticks]}
        return {"label": label, "values": numbers}
    names = list(dict.fromkeys(str(c) for c in (space_dimension.choices or values)))
    return {"label": label, "values": [names.index(str(v)) for v in values],
            "tickvals": list(range(len(names))), "ticktext": names,
            "range": [-0.5, len(names) - 0.5]}


def parallel_coordinates(trials: list[Trial], space: SearchSpace,
                         objective: str) -> go.Figure:
    """One line per scored trial across every dimension and the objective,
    coloured by the objective (brighter is better)."""
    done = scored(trials)
    dimensions = []
    if done:
        for dimension in space.dimensions:
            dimensions.append(_axis(dimension, [t.values.get(dimension.name) for t in done]))
        dimensions.append({"label": objective, "values": [t.objective for t in done]})
    colour = [t.objective for t in done]
    figure = go.Figure(go.Parcoords(
        line={"color": colour, "colorscale": "Viridis",
              "reversescale": not maximised(objective), "showscale": bool(done),
              "colorbar": {"title": {"text": objective}}},
        dimensions=dimensions))
    figure.update_layout(
        title={"text": tr_n("{count} trial scored", "{count} trials scored", len(done))
               if done else tr("Trials: waiting for the first to finish")},
        height=400, margin={"l": 70, "r": 70, "t": 90, "b": 30}, uirevision="parcoords")
    return figure


def _label(value: Any) -> str:
    """A value as an axis label: 0.0018566433578077874 reads 0.00186."""
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def objective_map(trials: list[Trial], x: str, y: str, objective: str) -> go.Figure:
    """The mean objective over two parameters: their values, or up to
    `HEATMAP_BINS` bins of a continuous range."""
    done = scored(trials)
    frame = pd.DataFrame({"x": [t.values.get(x) for t in done],
                          "y": [t.values.get(y) for t in done],
                          "objective": [t.objective for t in done]})
    for column in ("x", "y"):
        if len(frame) and frame[column].nunique() > HEATMAP_BINS and pd.api.types.is_numeric_dtype(
                frame[column]):
            values = frame[column].astype(float)
            edges = np.unique(np.quantile(values, np.linspace(0, 1, HEATMAP_BINS + 1)))
            frame[column] = pd.cut(values, edges, include_lowest=True).map(
                lambda b: f"{b.left:.3g}–{b.right:.3g}").astype(str)
    table = frame.pivot_table(index="y", columns="x", values="objective", aggfunc="mean")
    figure = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[_label(c) for c in table.columns],
        y=[_label(i) for i in table.index], colorscale="Viridis",
        reversescale=not maximised(objective), colorbar={"title": {"text": objective}},
        hovertemplate=f"{x}=%{{x}}<br>{y}=%{{y}}<br>"
                      + tr("mean {objective}", objective=objective)
                      + "=%{z:.4f}<extra></extra>"))
    figure.update_layout(title={"text": tr("Mean {objective} by {x} and {y}",
                                           objective=objective, x=x, y=y)}, height=380,
                         xaxis={"title": {"text": x}, "type": "category"},
                         yaxis={"title": {"text": y}, "type": "category"},
                         uirevision="objective_map")
    return figure
