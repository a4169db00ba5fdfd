"""Training curves: loss and metrics per epoch, the learning rate, and the
epochs that early stopping marked.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from playground.charts.style import (
    CLASS_COLORS,
    METRIC_LABELS,
    base_layout,
    dict_figure,
    log_ticks,
    side_by_side,
    styled,
)
from playground.i18n import mark, tr

WAITING = mark("Waiting for the first epoch")


PREVIOUS_COLOR = "#b8b8b8"


def history_figure(history: dict[str, list[float]], epochs: int | None = None,
                   metrics: tuple[str, ...] = (),
                   previous: dict[str, list[float]] | None = None,
                   standardised: bool = False, most_points: int | None = None
                   ) -> go.Figure:
    """Loss and the task metric per epoch, training and validation side by side.

    Before the first epoch the plots are already there, empty, with the
    epoch axis spanning the planned run and a line saying what is awaited,
    so that the chart neither jumps nor shows meaningless axes.

    Args:
        history: Metric name to per-epoch values, as Keras' `History` keeps
            them (`loss`, `val_loss`, `accuracy`, `val_accuracy`, ...).
        epochs: The planned number of epochs, for the empty state's axis.
        metrics: Metric names to plot even before they have values
            (e.g. `("loss", "accuracy")`).
        previous: Another run's history, drawn in grey under this one
            ("did the change help?").
        standardised: The network learned a standardised regression target:
            the titles say that the numbers are in standard units.
        most_points: Draw each curve with about this many points at most
            (`thinned`), or all of them when None.
    """
    bases, titles = zip(*curve_panels(history, metrics, standardised))
    suffixes, layout = side_by_side(list(titles))
    layout.update(base_layout("", 340, "history"))
    data = []
    for suffix, base in zip(suffixes, bases):
        layout[f"xaxis{suffix}"]["title"] = {"text": tr("epoch")}
        for key, name, dash in ((base, tr("training"), "solid"),
                                (f"val_{base}", tr("validation"), "dot")):
            before = (previous or {}).get(key)
            if before:
                xs, ys = thinned(before, most_points)
                data.append({
                    "type": "scatter", "x": xs, "y": ys, "mode": "lines",
                    "name": tr("previous run, {curve}", curve=name),
                    "legendgroup": f"previous {name}", "showlegend": suffix == "",
                    "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                    "line": {"dash": dash, "color": PREVIOUS_COLOR}})
            values = history.get(key)
            if not values:
                continue
            xs, ys = thinned(values, most_points)
            data.append({
                "type": "scatter", "x": xs, "y": ys,
                "mode": "lines+markers" if len(values) < 30 else "lines", "name": name,
                "legendgroup": name, "showlegend": suffix == "",
                "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                "line": {"dash": dash, "color": CLASS_COLORS[1 if dash == "solid" else 0]}})
    for suffix, base in zip(suffixes, bases):
        span = panel_range(history, base)
        if span:
            layout[f"yaxis{suffix}"]["range"] = span
    if not data:  # before the first epoch
        show_waiting(layout, suffixes, epochs)
        # An empty trace on each panel: Plotly draws no axes for a panel
        # that no trace uses.
        data = [{"type": "scatter", "x": [], "y": [], "showlegend": False,
                 "hoverinfo": "skip", "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
                for suffix in suffixes]
    return dict_figure(data, layout)


def curve_panels(history: dict[str, list[float]], metrics: tuple[str, ...] = (),
                 standardised: bool = False) -> list[tuple[str, str]]:
    """The panels of the training curves, side by side: `(metric, title)`
    for the loss first, then each other metric (its `val_` curve drawn in
    the same panel)."""
    bases = {k for k in history if not k.startswith("val_")} | set(metrics)
    bases = sorted(bases, key=lambda k: (k != "loss", k)) or ["loss"]
    titles = [tr(METRIC_LABELS[b]) if b in METRIC_LABELS else b for b in bases]
    if standardised:
        titles = [tr("{metric} (standardised)", metric=title) for title in titles]
    return list(zip(bases, titles))


def panel_range(history: dict[str, list[float]], base: str) -> list[float] | None:
    """The value axis of a panel when it must not be the data's own: a flat
    accuracy at chance must not fill the plot (`share_range`)."""
    if base not in SHARES:
        return None
    return share_range([v for key in (base, f"val_{base}")
                        for v in finite_or_none(history.get(key, ())) if v is not None])


def show_waiting(layout: dict, suffixes, epochs: int | None) -> None:
    """Empty panels, each saying that the first epoch is awaited, over the
    run's epochs (not Plotly's default -1 to 6)."""
    for suffix in suffixes:
        layout[f"xaxis{suffix}"]["range"] = [1, max(2, epochs or 1)]
        layout[f"yaxis{suffix}"].update(range=[0, 1], showticklabels=False)
        layout["annotations"].append({
            "text": tr(WAITING), "x": 0.5, "y": 0.5, "xref": f"x{suffix} domain",
            "yref": f"y{suffix} domain", "showarrow": False,
            "font": {"color": "#808080"}})


SHARES = ("accuracy", "auc")
"""Metrics that are shares from 0 to 1."""
MIN_SHARE_SPAN = 0.1
"""The least span of a share's axis: 0.085–0.1 would make noise look like
learning."""


def thinned(values, most: int | None) -> tuple[list[int], list[float | None]]:
    """Epoch numbers and values of a curve, with about `most` points at most.

    While a long run trains, its curves are redrawn at every poll, and a
    chart some hundred pixels wide shows no more than a few hundred points
    of a line: sending them all costs the server and the browser at every
    poll and shows nothing more. Each bucket of epochs keeps its lowest and
    highest value, so a spike (a divergence, a bad batch) stays visible; the
    first and the newest epoch are always kept. NaN and infinities are gaps
    (`finite_or_none`).
    """
    count = len(values)
    if most is None or count <= most:
        return list(range(1, count + 1)), finite_or_none(values)
    finite = finite_or_none(values)
    size = math.ceil(2 * count / most)
    xs: list[int] = []
    ys: list[float | None] = []
    for start in range(0, count, size):
        bucket = [(i, v) for i, v in enumerate(finite[start:start + size], start)
                  if v is not None]
        if not bucket:  # a gap stays a gap
            xs.append(start + 1)
            ys.append(None)
            continue
        low = min(bucket, key=lambda item: item[1])
        high = max(bucket, key=lambda item: item[1])
        for i, v in sorted({low, high}):
            xs.append(i + 1)
            ys.append(v)
    for i in (0, count - 1):  # the first and the newest epoch, always
        if i + 1 not in xs:
            xs.insert(0 if i == 0 else len(xs), i + 1)
            ys.insert(0 if i == 0 else len(ys), finite[i])
    return xs, ys


def finite_or_none(values) -> list[float | None]:
    """The values with NaN and infinities as gaps: after a divergence the
    finite epochs are still drawn (Plotly drops a trace's line otherwise)."""
    return [float(v) if v is not None and math.isfinite(v) else None for v in values]


def share_range(values: list[float]) -> list[float] | None:
    """An axis range of at least `MIN_SHARE_SPAN` around the values, kept
    within 0..1 (with a little room); None leaves Plotly's own."""
    if not values:
        return None
    low, high = min(values), max(values)
    if high - low >= MIN_SHARE_SPAN:
        return None
    middle = (low + high) / 2
    low = min(max(0.0, middle - MIN_SHARE_SPAN / 2), 1.0 - MIN_SHARE_SPAN)
    return [low - 0.01, low + MIN_SHARE_SPAN + 0.01]


LEARNING_RATE_HEIGHT = 300
"""Pixels: with the margins, about 170 for the log axis and its labels."""


def learning_rate_figure(rates: list[float]) -> go.Figure:
    """The learning rate at the start of each epoch, on a log scale."""
    fig = go.Figure(go.Scatter(x=list(range(1, len(rates) + 1)), y=rates,
                               mode="lines", name=tr("learning rate"),
                               line=dict(shape="hv", color=CLASS_COLORS[1])))
    fig.update_xaxes(title_text=tr("epoch"))
    finite = [r for r in rates if r and math.isfinite(r) and r > 0]
    ticks = log_ticks(min(finite), max(finite)) if finite else []
    fig.update_yaxes(title_text=tr("learning rate"), type="log", tickvals=ticks,
                     ticktext=[f"{t:.3g}" for t in ticks])
    return styled(fig, "", LEARNING_RATE_HEIGHT, "learning_rate")


def mark_epochs(fig: go.Figure, best_epoch: int | None = None,
                stopped_epoch: int | None = None) -> go.Figure:
    """Marks the best epoch and where early stopping ended a run, in every
    panel. Why it ended is the page's to say, beside the run's outcome: a
    line above the panels had no room there.

    Args:
        fig: A `history_figure`.
        best_epoch: The epoch (1-based) with the best monitored value.
        stopped_epoch: The last epoch, when early stopping ended the run.
    """
    # The panels' axes by name: the figure is built from dicts, without the
    # subplot grid that `add_vline(row="all")` would need to find them.
    axes = sorted(name[5:] for name in fig.layout.to_plotly_json() if name.startswith("xaxis"))
    marks = [(best_epoch, dict(color="green", dash="dash"), tr("best: {epoch}",
                                                              epoch=best_epoch), 1),
             (stopped_epoch, dict(color="gray"), tr("early stop"), 0)]
    for epoch, line, text, top in marks:
        if not epoch:
            continue
        for axis in axes:
            fig.add_shape(type="line", x0=epoch, x1=epoch, y0=0, y1=1, line=line,
                          xref=f"x{axis}", yref=f"y{axis} domain")
            fig.add_annotation(x=epoch, y=top, xref=f"x{axis}", yref=f"y{axis} domain",
                               text=text, showarrow=False, xanchor="left",
                               yanchor="top" if top else "bottom")
    return fig
