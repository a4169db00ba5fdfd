"""The 2-D input plane: the decision boundary under the points (TF
Playground's background heatmap) and each hidden neuron's map over it.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.charts.style import (
    CLASS_COLORS,
    base_layout,
    dict_figure,
    plotly_text,
    tile,
)
from playground.i18n import mark, tr

# TF Playground's diverging scale: orange (class 0 / -1), white, blue (class 1 / +1).
BOUNDARY_SCALE = [[0.0, "#f59322"], [0.5, "#e8eaeb"], [1.0, "#0877bd"]]


def boundary_points(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                    y_test: np.ndarray, regression: bool,
                    class_names: tuple[str, ...] = ()) -> list[dict]:
    """The train and test points drawn over the decision boundary, as traces.

    One trace per class and split, so every legend entry shows exactly the
    colour of its points (TF Playground's orange and blue for classes 0
    and 1); training points have a white rim, test points a black one. For
    regression the points are coloured by their target on the boundary's
    scale, one trace per split. These traces do not change during a run:
    build them once and pass them to `boundary_figure`.
    """
    low, high = (-1.0, 1.0) if regression else (0.0, 1.0)
    traces = []
    for x, y, split, rim in ((x_train, y_train, mark("train"), ("white", 1)),
                             (x_test, y_test, mark("test"), ("black", 2))):
        line = {"color": rim[0], "width": rim[1]}
        if regression:
            traces.append(_points(x, tr("{split} (colour: target)", split=tr(split)), {
                "color": np.asarray(y, dtype=np.float32), "colorscale": BOUNDARY_SCALE,
                "cmin": low, "cmax": high, "size": 6, "line": line}))
            continue
        for label in np.unique(y).astype(int):
            name = (plotly_text(class_names[label]) if label < len(class_names)
                    else f"class {label}")
            traces.append(_points(x[y == label], f"{name} ({tr(split)})", {
                "color": CLASS_COLORS[label % len(CLASS_COLORS)], "size": 6,
                "line": line}))
    return traces


def _points(x: np.ndarray, name: str, marker: dict) -> dict:
    x = np.asarray(x, dtype=np.float32)
    return {"type": "scatter", "x": x[:, 0], "y": x[:, 1], "mode": "markers",
            "name": name, "marker": marker}


def boundary_figure(xs: np.ndarray, ys: np.ndarray, image: np.ndarray | None,
                    points: list[dict], regression: bool,
                    epoch: int | None) -> go.Figure:
    """The model's output over the input plane, under the train and test points.

    Args:
        xs, ys: Grid ticks from `playground.inspection.plane.plane_grid` (or every
            n-th of them, for a coarser image).
        image: `len(ys) x len(xs)` outputs: class-1 probability, or the
            value; None before the first snapshot (points only).
        points: Traces from `boundary_points`.
        epoch: The epoch the image was taken after, for the title.
    """
    low, high = (-1.0, 1.0) if regression else (0.0, 1.0)
    data = []
    if image is not None:
        data.append({
            "type": "heatmap", "x": np.asarray(xs, dtype=np.float32),
            "y": np.asarray(ys, dtype=np.float32),
            "z": np.asarray(image, dtype=np.float32), "zmin": low, "zmax": high,
            "colorscale": BOUNDARY_SCALE, "opacity": 0.8, "showscale": True,
            "colorbar": {"title": {"text": tr("value") if regression else tr("P(blue)")},
                         "thickness": 12},
            "hovertemplate": "x1=%{x:.2f}<br>x2=%{y:.2f}<br>"
                             + tr("output") + "=%{z:.3f}<extra></extra>"})
    title = (tr("Decision boundary: waiting for the first snapshot") if image is None
             else tr("Decision boundary after epoch {epoch}", epoch=epoch))
    layout = base_layout(title, 420, "boundary")
    layout["xaxis"] = {"range": [float(xs[0]), float(xs[-1])], "title": {"text": "x1"}}
    layout["yaxis"] = {"range": [float(ys[0]), float(ys[-1])], "title": {"text": "x2"},
                       "scaleanchor": "x"}
    return dict_figure(data + points, layout)


# Hidden units: orange where a unit outputs negative values, blue positive.
NEURON_SCALE = [[0.0, "#f59322"], [0.5, "#ffffff"], [1.0, "#0877bd"]]


NEURON_ROW_HEIGHT = 110


def neuron_grid_height(layers: int) -> int:
    """The pixel height of a `neuron_grid` of that many layers (to reserve it)."""
    return 90 + NEURON_ROW_HEIGHT * max(1, layers)


def neuron_grid_title(epoch: int | None) -> str:
    """The neuron grid's title: after which epoch its maps were taken, or
    that none has come yet (None)."""
    if epoch is None:
        return tr("What each hidden unit computes: waiting for the first snapshot")
    return tr("What each hidden unit computes, after epoch {epoch}", epoch=epoch)


def neuron_grid(neurons: dict[str, np.ndarray], picks: dict[str, list[int]],
                epoch: int | None, layers: int | None = None) -> go.Figure:
    """Each picked hidden unit's output over the input plane, one row per layer.

    Each layer is one heatmap of its units side by side (a gap between
    them) on one shared pair of axes: a handful of traces instead of one
    subplot per unit, cheap to build and to redraw. Each layer has its own
    symmetric colour range.

    Args:
        neurons: Layer name to `(units, h, w)` maps over the plane (lowest
            `x2` in the first row); empty before the first snapshot.
        picks: Layer name to the unit indices to draw.
        epoch: The epoch the maps were taken after, for the title.
        layers: Rows to make room for when `neurons` is still empty.
    """
    names = [name for name in neurons if picks.get(name)]
    data, annotations, output = [], [], tr("output")
    for row, name in enumerate(names):
        maps = np.asarray(neurons[name], dtype=np.float32)[picks[name]]
        count, h, w = maps.shape
        limit = float(max(np.abs(maps).max(), 1e-6))
        y0 = (len(names) - 1 - row) * (h + 8)
        data.append({
            "type": "heatmap", "z": tile(maps, count)[:h, :-1], "x0": 0, "dx": 1,
            "y0": y0, "dy": 1, "zmin": -limit, "zmax": limit,
            "colorscale": NEURON_SCALE, "showscale": False, "name": name,
            "hovertemplate": f"{name}<br>{output}=%{{z:.3f}}<extra></extra>"})
        annotations += [{"text": tr("{layer} · unit {unit}", layer=name, unit=unit),
                         "x": c * (w + 1) + (w - 1) / 2,
                         "y": y0 + h - 0.5, "yanchor": "bottom", "showarrow": False,
                         "font": {"size": 10}} for c, unit in enumerate(picks[name])]
    title = neuron_grid_title(epoch if names else None)
    layout = base_layout(title, neuron_grid_height(layers or len(names)), "neurons")
    layout.update(xaxis={"visible": False, "constrain": "domain"},
                  yaxis={"visible": False, "scaleanchor": "x", "constrain": "domain"},
                  annotations=annotations)
    return dict_figure(data, layout)
