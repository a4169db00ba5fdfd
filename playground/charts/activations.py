"""One sample through the model: each layer's output and the predicted
probabilities.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.charts.style import (
    CLASS_COLORS,
    plotly_texts,
    styled,
    tile,
    whole_numbers,
)
from playground.i18n import tr

OUTLINE = "#262730"  # the outline of the marked class's bar: the app's text colour


def activation_figure(name: str, values: np.ndarray, columns: int = 8) -> go.Figure:
    """One layer's output for one sample, drawn by its shape.

    A vector is drawn as bars (a Dense layer, or the LSTM's final hidden
    state), a `(height, width, channels)` array as a grid of feature maps
    (a convolution), and a `(steps, features)` array as a heatmap (an
    Embedding's sequence).
    """
    values = np.asarray(values, dtype=np.float32)
    shape = "×".join(str(d) for d in values.shape)
    if values.ndim == 1:
        fig = go.Figure(go.Bar(x=list(range(len(values))), y=values,
                               marker_color=np.where(values >= 0, CLASS_COLORS[1],
                                                     CLASS_COLORS[0]),
                               hovertemplate=tr("unit") + " %{x}: %{y:.3f}<extra></extra>"))
        fig.update_xaxes(title_text=tr("unit"), **whole_numbers(len(values), most=16))
        return styled(fig, f"{name} ({shape})", 240, f"act-{name}")
    if values.ndim == 3:
        maps = values.transpose(2, 0, 1)
        rows = -(-len(maps) // columns)
        fig = go.Figure(go.Heatmap(z=tile(maps, min(columns, len(maps))),
                                   colorscale="Viridis", hoverinfo="skip",
                                   colorbar=dict(thickness=10)))
        fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
        fig.update_xaxes(visible=False)
        return styled(fig, tr("{layer}: {count} feature maps ({shape})", layer=name,
                                 count=len(maps), shape=shape),
                       120 + 70 * rows, f"act-{name}")
    fig = go.Figure(go.Heatmap(z=values.reshape(values.shape[0], -1).T,
                               colorscale="RdBu", zmid=0,
                               colorbar=dict(thickness=10)))
    fig.update_xaxes(title_text=tr("position"))
    fig.update_yaxes(title_text=tr("feature"))
    return styled(fig, f"{name} ({shape})", 300, f"act-{name}")


def prediction_figure(output: np.ndarray, class_names: tuple[str, ...],
                      true_label: int | float) -> go.Figure:
    """The predicted class probabilities, the true class outlined.

    Each bar has its class's colour, as the points on the plane do; the
    true class is marked by a dark outline, the others faded. A colour
    would not do as the mark: the 2-D sets name their classes "orange"
    and "blue", and a highlight in blue on the "orange" class contradicts
    the name.
    """
    output = np.asarray(output, dtype=np.float32).ravel()
    if len(output) == 1 and len(class_names) == 2:  # one sigmoid unit
        output = np.array([1 - output[0], output[0]])
    class_names = plotly_texts(class_names)
    marked = [i == int(true_label) for i in range(len(output))]
    fig = go.Figure(go.Bar(
        x=list(class_names), y=output,
        marker={"color": [CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(len(output))],
                "opacity": [1.0 if m else 0.45 for m in marked],
                "line": {"color": OUTLINE, "width": [3 if m else 0 for m in marked]}},
        text=[f"{p:.2f}" for p in output], textposition="outside",
        hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    fig.update_yaxes(range=[0, 1.1], title_text=tr("probability"))
    return styled(fig, tr("Predicted probabilities (true class: {name}, outlined)",
                          name=class_names[int(true_label)]), 280, "prediction")
