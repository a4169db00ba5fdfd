"""A model's weights: Dense kernels as heatmaps, Conv2D filters as images,
histograms per layer, and how norms and histograms moved over training.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.charts.style import plotly_text, styled, tile
from playground.i18n import tr


def kernel_heatmap(kernel: np.ndarray, bias: np.ndarray, title: str) -> go.Figure:
    """A Dense kernel (inputs x units) as a heatmap, its bias as a row beneath."""
    fig = make_subplots(rows=2, cols=1, row_heights=[0.85, 0.15], shared_xaxes=True,
                        vertical_spacing=0.04)
    limit = float(max(np.abs(kernel).max(), np.abs(bias).max(), 1e-6))
    common = dict(colorscale="RdBu", zmid=0, zmin=-limit, zmax=limit)
    fig.add_trace(go.Heatmap(z=kernel, colorbar=dict(thickness=10), name="kernel",
                             hovertemplate=tr("input %{y} → unit %{x}: %{z:.3f}")
                             + "<extra></extra>", **common), row=1, col=1)
    fig.add_trace(go.Heatmap(z=bias[None, :], showscale=False, name="bias",
                             hovertemplate=tr("bias of unit %{x}: %{z:.3f}")
                             + "<extra></extra>",
                             **common), row=2, col=1)
    fig.update_yaxes(title_text=tr("input"), autorange="reversed", row=1, col=1)
    fig.update_yaxes(showticklabels=False, title_text=tr("bias"), row=2, col=1)
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
    each as shares of its own layer: counts would hide a 10-weight layer
    beside a 10,000-weight one."""
    fig = go.Figure()
    for layer in layers:
        values = np.concatenate([a.ravel() for a in layer["arrays"].values()])
        fig.add_trace(go.Histogram(x=values, name=plotly_text(layer["name"]),
                                   opacity=0.6, nbinsx=40, histnorm="percent"))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title_text=tr("weight value"))
    fig.update_yaxes(title_text=tr("% of the layer's weights"))
    return styled(fig, tr("Weight distribution per layer"), 320, "histograms")


def norm_history(epochs: list[int], norms: list[dict[str, float]]) -> go.Figure:
    """The L2 norm of each layer's weights over the snapshots of a run."""
    fig = go.Figure()
    for name in (norms[-1] if norms else {}):
        fig.add_trace(go.Scatter(x=epochs, y=[n.get(name) for n in norms],
                                 mode="lines", name=name))
    fig.update_xaxes(title_text=tr("epoch"))
    fig.update_yaxes(title_text=tr("weight norm (L2)"))
    return styled(fig, tr("Weight norm per layer over training"), 320, "norms")


def histogram_ridges(epochs: list[int], histograms: list[tuple[np.ndarray, np.ndarray]],
                     title: str, rows: int = 12) -> go.Figure:
    """A TensorBoard-style stack of one array's histograms over the epochs.

    Each kept epoch is one outline, offset upwards as training goes on, so
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
        centres = (edges[:-1] + edges[1:]) / 2
        base = step * 0.6
        shade = 0.25 + 0.75 * step / max(1, len(picked) - 1)
        fig.add_trace(go.Scatter(
            x=centres, y=base + counts / peak, mode="lines", fill="toself",
            line=dict(color=f"rgba(8, 119, 189, {shade:.2f})", width=1),
            name=tr("epoch {epoch}", epoch=epochs[i]),
            hovertemplate=tr("epoch {epoch}", epoch=epochs[i])
            + "<br>" + tr("value") + " %{x:.3f}<extra></extra>"))
    # Each label sits on its outline's base line; the range keeps the lowest
    # one and the top outline's peak in view.
    fig.update_yaxes(tickvals=[step * 0.6 for step in range(len(picked))],
                     ticktext=[tr("epoch {epoch}", epoch=epochs[i]) for i in picked],
                     range=[-0.25, max(0, len(picked) - 1) * 0.6 + 1.1])
    fig.update_xaxes(title_text=tr("weight value"))
    fig.update_layout(showlegend=False)
    return styled(fig, title, 200 + 22 * len(picked), f"ridges-{title}")
