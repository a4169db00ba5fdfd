"""A model's weights: Dense kernels as heatmaps, Conv2D filters as images,
histograms per layer, and how norms and histograms moved over training.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.charts.style import (
    CLASS_COLORS,
    plotly_text,
    plotly_texts,
    styled,
    tile,
    whole_numbers,
)
from playground.i18n import tr


def kernel_heatmap(kernel: np.ndarray, bias: np.ndarray, title: str,
                   inputs: list[str] | None = None) -> go.Figure:
    """A Dense kernel (inputs x units) as a heatmap, its bias as a row beneath.

    `inputs` names the rows (a first layer's features) where they are known;
    otherwise rows and columns are numbered from 0, as Keras indexes them.
    """
    fig = make_subplots(rows=2, cols=1, row_heights=[0.85, 0.15], shared_xaxes=True,
                        vertical_spacing=0.04)
    limit = float(max(np.abs(kernel).max(), np.abs(bias).max(), 1e-6))
    common = dict(colorscale="RdBu", zmid=0, zmin=-limit, zmax=limit)
    named = inputs is not None and len(inputs) == kernel.shape[0]
    fig.add_trace(go.Heatmap(z=kernel, y=plotly_texts(inputs) if named else None,
                             colorbar=dict(thickness=10), name="kernel",
                             hovertemplate=tr("input %{y} → unit %{x}: %{z:.3f}")
                             + "<extra></extra>", **common), row=1, col=1)
    fig.add_trace(go.Heatmap(z=bias[None, :], y=[tr("bias")], showscale=False,
                             name="bias",
                             hovertemplate=tr("bias of unit %{x}: %{z:.3f}")
                             + "<extra></extra>",
                             **common), row=2, col=1)
    fig.update_yaxes(title_text=None if named else tr("input"), autorange="reversed",
                     row=1, col=1,
                     **({} if named else whole_numbers(kernel.shape[0])))
    fig.update_yaxes(showgrid=False, row=2, col=1)
    fig.update_xaxes(whole_numbers(kernel.shape[1]))
    fig.update_xaxes(title_text=tr("unit"), row=2, col=1)
    return styled(fig, title, 260 + min(kernel.shape[0], 64) * 4, f"kernel-{title}")


def filter_grid(kernel: np.ndarray, title: str, columns: int = 8) -> go.Figure:
    """Conv2D filters (kh, kw, in, out) as small images, averaged over inputs."""
    filters = kernel.mean(axis=2).transpose(2, 0, 1)  # (out, kh, kw)
    limit = float(max(np.abs(filters).max(), 1e-6))
    rows = -(-len(filters) // columns)
    fig = go.Figure(go.Heatmap(z=tile(filters, columns), colorscale="RdBu", zmid=0, zmin=-limit,
                               zmax=limit, hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    return styled(fig, title, 120 + 60 * rows, f"filters-{title}")


def weight_histograms(layers: list[dict]) -> go.Figure:
    """One histogram per layer of all its weight values (kernels and biases),
    one row each on a shared value axis: laid over each other, a wide
    layer's bars would hide a small layer's few weights. Each row counts
    shares of its own layer, so a 10-weight layer reads beside a
    10,000-weight one."""
    fig = make_subplots(rows=max(1, len(layers)), cols=1, shared_xaxes=True,
                        vertical_spacing=0.03)
    for row, layer in enumerate(layers, start=1):
        values = np.concatenate([a.ravel() for a in layer["arrays"].values()])
        fig.add_trace(go.Histogram(
            x=values, name=plotly_text(layer["name"]), nbinsx=40, histnorm="percent",
            marker_color=CLASS_COLORS[row % len(CLASS_COLORS)],
            hovertemplate=plotly_text(layer["name"]) + ": %{x} · %{y:.1f} %"
            "<extra></extra>"), row=row, col=1)
        fig.update_yaxes(title_text=plotly_text(layer["name"]), ticksuffix=" %",
                         nticks=3, row=row, col=1)
    fig.update_xaxes(title_text=tr("weight value"), row=max(1, len(layers)), col=1)
    fig.update_layout(showlegend=False)
    return styled(fig, tr("Weight distribution per layer (% of each layer's weights)"),
                  110 + 110 * len(layers), "histograms")


def norm_history(epochs: list[int], norms: list[dict[str, float]]) -> go.Figure:
    """The L2 norm of each layer's weights over the snapshots of a run."""
    fig = go.Figure()
    for name in (norms[-1] if norms else {}):
        fig.add_trace(go.Scatter(x=epochs, y=[n.get(name) for n in norms],
                                 mode="lines", name=name))
    fig.update_xaxes(title_text=tr("epoch"))
    fig.update_yaxes(title_text=tr("weight norm (L2)"))
    return styled(fig, tr("Weight norm per layer over training"), 320, "norms")


RIDGE_HEIGHT = 0.9
"""The tallest bin's height, in rows: below 1, no outline reaches the next."""


def histogram_ridges(epochs: list[int], histograms: list[tuple[np.ndarray, np.ndarray]],
                     title: str, rows: int = 12) -> go.Figure:
    """A TensorBoard-style stack of one array's histograms over the epochs.

    Each kept epoch is one outline, one row higher as training goes on, so
    the drift and spread of the weights read from bottom (first epoch) to
    top (last). At most `rows` epochs are drawn, evenly chosen.

    Args:
        epochs: The snapshot epochs.
        histograms: `(counts, edges)` of the array at each of those epochs.
    """
    picked = np.unique(np.linspace(0, len(epochs) - 1, min(rows, len(epochs)))
                       .round().astype(int)) if epochs else []
    first_of_epoch = {}  # one outline (and one label) per epoch
    for i in picked:
        first_of_epoch.setdefault(epochs[i], i)
    picked = list(first_of_epoch.values())
    peak = max((float(histograms[i][0].max()) for i in picked), default=1.0) or 1.0
    fig = go.Figure()
    for step, i in enumerate(picked):
        counts, edges = histograms[i]
        shade = 0.25 + 0.75 * step / max(1, len(picked) - 1)
        fig.add_trace(go.Scatter(
            x=np.repeat(edges, 2), y=step + RIDGE_HEIGHT * np.concatenate(
                [[0], np.repeat(counts / peak, 2), [0]]),
            mode="lines", fill="toself", line=dict(color=f"rgba(8, 119, 189, {shade:.2f})",
                                                   width=1),
            name=tr("epoch {epoch}", epoch=epochs[i]),
            hovertemplate=tr("epoch {epoch}", epoch=epochs[i])
            + "<br>" + tr("value") + " %{x:.3f}<extra></extra>"))
    # Each outline stands on its own base line and stays below the next one;
    # its bars are steps over the histogram's bins, never slopes between them.
    fig.update_yaxes(tickvals=list(range(len(picked))),
                     ticktext=[tr("epoch {epoch}", epoch=epochs[i]) for i in picked],
                     range=[-0.2, max(0, len(picked) - 1) + 1], showgrid=False)
    fig.update_xaxes(title_text=tr("weight value"))
    fig.update_layout(showlegend=False)
    return styled(fig, title, 200 + 26 * len(picked), f"ridges-{title}")
