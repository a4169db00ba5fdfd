"""The look every figure shares: TF Playground's class colours, metric labels,
the common layout, and helpers for figures built as plain dicts.

Every figure sets `layout.uirevision` so that a user's zoom survives live
updates; `styled` and `base_layout` are where that happens.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go

from playground.i18n import mark

# TF Playground's colours: orange for class 0 (its -1), blue for class 1.
CLASS_COLORS = ("#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


METRIC_LABELS = {"loss": mark("Loss"), "accuracy": mark("Accuracy"),
                 "mae": mark("Mean absolute error")}
"""Chart titles of the metrics; translate them with `tr` where shown."""


def styled(fig: go.Figure, title: str, height: int, revision: str) -> go.Figure:
    fig.update_layout(**base_layout(title, height, revision))
    return fig


def base_layout(title: str, height: int, revision: str) -> dict:
    """Title, height and margins; the legend in its own strip at the very
    bottom, under the x axis' title (placed in the plot's coordinates, a
    legend lands on that title at some heights)."""
    return {"title": {"text": title}, "height": height, "uirevision": revision,
            "margin": {"l": 40, "r": 20, "t": 50, "b": 80},
            "legend": {"orientation": "h", "yref": "container", "y": 0,
                       "yanchor": "bottom", "x": 0, "xanchor": "left"}}


def log_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Ticks for a log axis from `low` to `high`, both ends included, each
    labelled with its value (Plotly's own ticks label the minor ones "2, 5"
    without their power of ten).

    Between the ends: 1, 2 and 5 times the powers of ten, or only the powers
    of ten (every second, third... one over many decades) where that would
    make more than `most`; a tick nearer an end than an eighth of the
    axis' span is left out, so that no two labels print on top of each other
    (a learning rate decaying from 0.03 to 4e-5 over a short chart had
    fourteen, overlapping)."""
    if not high > low:
        return [low]
    inner: list[float] = []
    for mantissas in ((1, 2, 5), (1,)):
        inner = [m * 10.0 ** k for k in range(math.floor(math.log10(low)) - 1,
                                               math.ceil(math.log10(high)) + 1)
                 for m in mantissas if low < m * 10.0 ** k < high]
        if len(inner) <= most:
            break
    inner = inner[::math.ceil(len(inner) / most)] if inner else inner
    gap = math.log10(high / low) / (most + 2)
    inner = [t for t in inner
             if math.log10(t / low) >= gap and math.log10(high / t) >= gap]
    return [low, *inner, high]


def dict_figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain trace and layout dicts, validated in one call.

    Plotly validates every property on assignment: `update_layout`,
    `update_xaxes`, `make_subplots` and one `go.Heatmap(...)` object per
    trace cost tens of milliseconds for the live figures, while one
    constructor call on the whole dict costs about one. The live figures
    are rebuilt several times a second, so they are written as dicts.
    """
    return go.Figure({"data": data, "layout": layout})


def side_by_side(titles: list[str], gap: float = 0.08) -> tuple[list[str], dict]:
    """Axis suffixes and layout entries for `len(titles)` plots in one row,
    each titled above (what `make_subplots(rows=1, cols=n)` lays out)."""
    width = (1 - gap * (len(titles) - 1)) / len(titles)
    suffixes, layout, annotations = [], {}, []
    for i, title in enumerate(titles):
        suffix = "" if i == 0 else str(i + 1)
        low = i * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [low, low + width], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}"}
        annotations.append({"text": title, "x": low + width / 2, "y": 1.0,
                            "xref": "paper", "yref": "paper", "xanchor": "center",
                            "yanchor": "bottom", "showarrow": False,
                            "font": {"size": 16}})
        suffixes.append(suffix)
    layout["annotations"] = annotations
    return suffixes, layout


def tile(images: np.ndarray, columns: int) -> np.ndarray:
    """Lays `(n, h, w)` images out in a grid with a one-pixel NaN gap."""
    count, h, w = images.shape
    rows = max(1, -(-count // columns))
    mosaic = np.full((rows * (h + 1), columns * (w + 1)), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        mosaic[r * (h + 1): r * (h + 1) + h, c * (w + 1): c * (w + 1) + w] = image
    return mosaic


def plotly_text(text) -> str:
    """User text (a class, column or run name) as Plotly shows it literally.

    Plotly reads `<b>`, `<br>` and `<a href=...>` in legends, tick labels,
    titles and hover text as markup: a CSV class named `<a href=...>` would
    be a link in the legend. Escaping `&`, `<` and `>` shows it as written.
    """
    return html.escape(str(text), quote=False)


def plotly_texts(texts) -> list[str]:
    """`plotly_text` of each name."""
    return [plotly_text(t) for t in texts]


def whole_numbers(count: int, most: int = 12) -> dict:
    """Axis settings that number `count` rows or columns 0, 1, 2, … (a unit
    or an input has no fractions), at most about `most` labels."""
    return dict(tickmode="linear", tick0=0, dtick=max(1, math.ceil(count / most)),
                showgrid=False)
