"""Pictures of a dataset before training: 2-D points, an image grid, the
class balance of the splits, a scatter matrix of a table's columns.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.charts.style import (
    CLASS_COLORS,
    plotly_text,
    plotly_texts,
    styled,
    tile,
)
from playground.i18n import tr

TARGET_BINS = 20
"""Bins of a regression target's histogram, shared by its splits."""


def dataset_scatter(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                    y_test: np.ndarray, class_names: tuple[str, ...],
                    regression: bool) -> go.Figure:
    """2-D points, training filled and test outlined, coloured by class or value.

    SVG markers, not WebGL: at most a few thousand points, and headless or
    GPU-less browsers draw WebGL in software, slower than SVG (the first
    page took 5.1 s against 2.8 s in headless Chromium).
    """
    class_names = plotly_texts(class_names)
    fig = go.Figure()
    for x, y, split, symbol in ((x_train, y_train, "train", "circle"),
                                (x_test, y_test, "test", "circle-open")):
        if regression:
            fig.add_trace(go.Scatter(
                x=x[:, 0], y=x[:, 1], mode="markers", name=tr(split),
                marker=dict(color=y, colorscale="RdBu", cmin=-1, cmax=1, size=6,
                            symbol=symbol, showscale=split == "train")))
            continue
        for label, name in enumerate(class_names):
            mask = y == label
            fig.add_trace(go.Scatter(
                x=x[mask, 0], y=x[mask, 1], mode="markers",
                name=f"{name} ({tr(split)})",
                marker=dict(color=CLASS_COLORS[label % len(CLASS_COLORS)], size=6,
                            symbol=symbol)))
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return styled(fig, tr("Training points (filled) and test points (open)"), 420,
                   "scatter")


def image_mosaic(images: np.ndarray, labels: np.ndarray,
                 class_names: tuple[str, ...], columns: int = 8,
                 title: str | None = None, headers: bool = False,
                 row_height: int = 70) -> go.Figure:
    """A labelled grid of images drawn as one picture (cheap to send): grey
    images as a heatmap, colour images (3 channels) as an RGB image. With
    `headers`, only the first row is labelled: each column holds one kind
    (an original, then its augmented draws), and small images leave no
    room for a label over each."""
    title = title or tr("Training images with their labels")
    colour = images.ndim == 4 and images.shape[-1] == 3
    images = images[..., 0] if images.ndim == 4 and not colour else images
    rows = max(1, -(-len(images) // columns))
    h, w = images.shape[1:3]
    fig = go.Figure()
    for i in range(columns if headers else len(images)):
        r, c = divmod(i, columns)
        fig.add_annotation(x=c * (w + 1) + w / 2 - 0.5, y=r * (h + 1) - 0.9,
                           text=plotly_text(class_names[int(labels[i])]), showarrow=False,
                           font=dict(size=11))
    if colour:
        rgb = np.stack([tile(images[..., c], columns) for c in range(3)], axis=-1)
        fig.add_trace(go.Image(z=np.nan_to_num(rgb * 255, nan=255).astype(np.uint8),
                               hoverinfo="skip"))
    else:
        fig.add_trace(go.Heatmap(z=tile(images, columns), colorscale="Greys",
                                 showscale=False, hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    return styled(fig, title, 120 + row_height * rows, f"mosaic-{title}")


def class_balance(splits: dict[str, np.ndarray], class_names: tuple[str, ...],
                  regression: bool) -> go.Figure:
    """Samples per class in each split, or the target's histogram for regression.

    A regression target's splits share one set of bins and stand side by
    side in each: with bins of their own and overlaid, the splits' bars had
    different widths and the last split drawn hid the others.
    """
    fig = go.Figure()
    bins = None
    if regression:
        values = np.concatenate([np.ravel(y) for y in splits.values()]).astype(float)
        values = values[np.isfinite(values)]
        if len(values):
            edges = np.histogram_bin_edges(values, bins=TARGET_BINS)
            size = float(edges[1] - edges[0]) or 1.0
            bins = {"start": float(edges[0]), "end": float(edges[-1]) + size / 2,
                    "size": size}
    for split, y in splits.items():
        if regression:
            fig.add_trace(go.Histogram(x=y, name=tr(split), xbins=bins,
                                       autobinx=bins is None))
        else:
            counts = np.bincount(y.astype(int), minlength=len(class_names))
            fig.add_trace(go.Bar(x=plotly_texts(class_names), y=counts, name=tr(split)))
    fig.update_layout(barmode="group")
    if not regression:  # every class named, not every other one
        fig.update_xaxes(type="category", tickmode="linear", dtick=1)
    title = tr("Target distribution") if regression else tr("Class balance")
    return styled(fig, title, 300, "balance")


def scatter_matrix(frame, columns: list[str], color: str | None) -> go.Figure:
    """Pairwise scatter plots of a few table columns, coloured by the target."""
    import plotly.express as px

    named = [*columns, *([color] if color else [])]  # column names are user text
    fig = px.scatter_matrix(frame, dimensions=columns, color=color, opacity=0.6,
                            labels={c: plotly_text(c) for c in named})
    fig.update_traces(diagonal_visible=False, marker=dict(size=4))
    return styled(fig, tr("Scatter matrix"), 140 + 140 * len(columns), "scatter-matrix")
