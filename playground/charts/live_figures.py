"""The Train page's live figures for one run, rebuilt only when their input changed.

The page polls a running job several times a second. Each poll needs the
loss chart, the decision boundary and the neuron maps; `LiveFigures` keeps
what a run never changes (the plane's grid ticks, the train and test point
traces) and the last figure of each kind with the input it was built from,
so a poll that finds no new epoch or snapshot rebuilds nothing.

While training runs, the boundary is drawn from every `COARSE_STEP`-th
grid tick (a quarter of the data to send and redraw); once the run is over
the full grid is drawn.
"""

from __future__ import annotations

import base64
from typing import Any, Callable

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from playground.charts.history import history_figure
from playground.charts.plane import (
    BOUNDARY_SCALE,
    NEURON_ROW_HEIGHT,
    boundary_figure,
    boundary_points,
    neuron_grid,
    neuron_grid_height,
    neuron_grid_title,
)
from playground.i18n import tr
from playground.inspection.plane import NEURON_STRIDE, covered_points, plane_grid
from playground.model.graph import graph_layers
from playground.registry import task_metrics

COARSE_STEP = 2
LIVE_POINTS = 500
NETWORK_UNITS = 8


class LiveFigures:
    """Figures of one training run for the Train page (see the module doc).

    Args:
        exp: The run's experiment.
        data: Its loaded dataset.
    """

    def __init__(self, exp: Any, data: Any):
        info = data.info
        self.epochs = exp.epochs
        self.metrics = ("loss", task_metrics(info.task)[0])
        self.plane = info.input_shape == (2,)
        self.regression = info.task == "regression"
        self.standardised = data.target_scaler is not None
        layers = graph_layers(exp.graph) if exp.graph else exp.layers
        self.hidden_layers = sum(layer.kind == "dense" for layer in layers)
        # TF Playground's network view: a plane, and a stack of Dense layers
        # (Dropout between them changes no connection); not a graph's branches.
        self.network = self.plane and not exp.graph and all(
            layer.kind in ("dense", "dropout") for layer in exp.layers)
        self._built: dict[str, tuple[Any, go.Figure]] = {}
        if self.plane:
            self.xs, self.ys, _ = plane_grid(covered_points(data))
            self._points = boundary_points(
                data.x_train, data.y_train, data.x_test, data.y_test, self.regression,
                info.class_names)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """The plane's `(x min, x max, y min, y max)`."""
        return (float(self.xs[0]), float(self.xs[-1]), float(self.ys[0]),
                float(self.ys[-1]))

    def plane_points(self) -> dict[str, list]:
        """The boundary's train and test points as flat lists, each with its
        colour (its class's, or its target on the boundary's scale) and
        whether it is a test point: what a canvas needs to draw them."""
        def build() -> dict[str, list]:
            low, high = (-1.0, 1.0) if self.regression else (0.0, 1.0)
            xs, ys, colours, test = [], [], [], []
            for trace in self._points:
                marker, count = trace["marker"], len(trace["x"])
                if isinstance(marker["color"], str):
                    colours += [marker["color"]] * count
                else:
                    scaled = np.clip((np.asarray(marker["color"]) - low) / (high - low), 0, 1)
                    colours += sample_colorscale(BOUNDARY_SCALE, scaled.tolist())
                xs += np.round(np.asarray(trace["x"], dtype=float), 4).tolist()
                ys += np.round(np.asarray(trace["y"], dtype=float), 4).tolist()
                test += [marker["line"]["color"] == "black"] * count
            return {"x": xs, "y": ys, "colour": colours, "test": test}

        return self._cached("plane_points", None, build)

    def neuron_maps(self, epoch: int | None, snapshot: dict | None,
                    picks: dict[str, list[int]]) -> dict:
        """The picked hidden units' maps of a snapshot as plain data for a
        canvas (`ui.live_neurons`): a row per layer, each unit's map as
        0..255 bytes over its layer's symmetric range, with the Plotly
        grid's title, labels and height (`neuron_grid`), so that nothing
        moves when the grid replaces it at the end of the run."""
        neurons = snapshot["neurons"] if snapshot else {}
        key = (epoch if snapshot else None, tuple((k, tuple(v)) for k, v in picks.items()))
        return self._cached("neuron_maps", key, lambda: self._neuron_maps(
            epoch, neurons, picks))

    def _neuron_maps(self, epoch: int | None, neurons: dict, picks: dict) -> dict:
        rows, size = [], 1
        for name, maps in neurons.items():
            if not picks.get(name):
                continue
            maps = np.asarray(maps, dtype=np.float32)[picks[name]]
            limit = float(max(np.abs(np.nan_to_num(maps)).max(), 1e-6))
            size = int(maps.shape[1])
            rows.append({"name": name, "units": [
                {"label": tr("{layer} · unit {unit}", layer=name, unit=unit),
                 "map": _node_bytes(m, limit)} for unit, m in zip(picks[name], maps)]})
        shown = int(epoch) if rows and epoch is not None else None
        return {"epoch": -1 if shown is None else shown,
                "stamp": f"{epoch}:{[(r['name'], len(r['units'])) for r in rows]}",
                "title": neuron_grid_title(shown), "rows": rows, "size": size, "row": NEURON_ROW_HEIGHT,
                "height": neuron_grid_height(self.hidden_layers)}

    def network_data(self, epoch: int | None, snapshot: dict | None) -> dict | None:
        """TF Playground's view of the network at a snapshot, as plain data
        for a canvas: a column per layer (the inputs x1 and x2, the first
        `NETWORK_UNITS` units of each hidden Dense layer, the output), each
        node with its output over the plane as 0..255 bytes (0 most negative,
        255 most positive, per node), and the kernels between the columns.
        None when the snapshot has no maps and links (or the model is not a
        stack of Dense layers on a plane)."""
        if not self.network or not snapshot or not snapshot.get("links"):
            return None
        return self._cached("network", epoch, lambda: self._network(epoch, snapshot))

    def _network(self, epoch: int | None, snapshot: dict) -> dict:
        neurons = snapshot.get("neurons") or {}
        step = NEURON_STRIDE
        xs, ys = np.meshgrid(self.xs[::step], self.ys[::step])
        columns = [{"name": "input", "nodes": [
            {"label": "x1", "map": _node_bytes(xs)}, {"label": "x2", "map": _node_bytes(ys)}]}]
        for name, maps in neurons.items():
            shown = maps[:NETWORK_UNITS]
            columns.append({"name": name, "more": max(0, len(maps) - len(shown)),
                            "nodes": [{"label": "", "map": _node_bytes(m)} for m in shown]})
        output = np.asarray(snapshot["boundary"], dtype=np.float32)[::step, ::step]
        columns.append({"name": "output", "nodes": [{"label": "", "map": _node_bytes(
            output if self.regression else output - 0.5)}]})
        links = []
        for left, right, kernel in zip(columns, columns[1:], snapshot["links"].values()):
            kernel = np.nan_to_num(np.asarray(kernel, dtype=np.float32))
            links.append(kernel[:len(left["nodes"]), :len(right["nodes"])].round(4).tolist())
        return {"epoch": epoch, "size": int(xs.shape[0]), "columns": columns,
                "links": links}

    def _cached(self, kind: str, key: Any, build: Callable[[], go.Figure]) -> go.Figure:
        held = self._built.get(kind)
        if held is None or held[0] != key:
            held = (key, build())
            self._built[kind] = held
        return held[1]

    def history(self, history: dict[str, list[float]],
                previous: dict[str, list[float]] | None = None) -> go.Figure:
        """The loss and metric curves, over `previous` run's in grey when
        given; rebuilt when an epoch was added or the comparison changed.
        (While the run trains, `ui.live_history` draws them in the browser,
        each curve with about `LIVE_POINTS` points at most.)"""
        key = (tuple((name, len(values)) for name, values in history.items()),
               id(previous) if previous is not None else None)
        return self._cached("history", key, lambda: history_figure(
            history, self.epochs, self.metrics, previous, self.standardised))

    def boundary(self, epoch: int | None, snapshot: dict | None,
                 coarse: bool) -> go.Figure:
        """The boundary of a snapshot (points only while there is none)."""
        step = COARSE_STEP if coarse else 1

        def build() -> go.Figure:
            if snapshot is None:
                return boundary_figure(self.xs, self.ys, None, self._points,
                                              self.regression, None)
            return boundary_figure(
                self.xs[::step], self.ys[::step], snapshot["boundary"][::step, ::step],
                self._points, self.regression, epoch)

        return self._cached("boundary", (epoch if snapshot else None, step), build)

    def neurons(self, epoch: int | None, snapshot: dict | None,
                picks: dict[str, list[int]]) -> go.Figure:
        """The hidden units' maps of a snapshot (an empty, sized grid before)."""
        neurons = snapshot["neurons"] if snapshot else {}
        key = (epoch if snapshot else None, tuple((k, tuple(v)) for k, v in picks.items()))
        return self._cached("neurons", key, lambda: neuron_grid(
            neurons, picks, epoch, self.hidden_layers))


def boundary_frame(epoch: int, image: Any, regression: bool) -> dict[str, Any]:
    """One boundary image for a canvas: its epoch, its side and its values as
    base64 bytes, 0..255 over the chart's range (0..1 for a probability,
    -1..1 for a regression value), row 0 at the lowest y."""
    low, high = (-1.0, 1.0) if regression else (0.0, 1.0)
    image = np.nan_to_num(np.asarray(image, dtype=np.float32), nan=low)
    values = np.clip(np.rint((image - low) / (high - low) * 255), 0, 255).astype(np.uint8)
    return {"epoch": int(epoch), "size": int(values.shape[0]),
            "values": base64.b64encode(values.tobytes()).decode("ascii")}


def _node_bytes(values: Any, limit: float | None = None) -> str:
    """A map as base64 bytes: 128 is zero, 0 and 255 are -`limit` and
    +`limit` (by default the map's own largest size: TF Playground's
    colouring of a node; a layer's grid passes the layer's)."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float32))
    scale = limit if limit is not None else max(float(np.abs(values).max()), 1e-6)
    scaled = np.clip(np.rint((values / scale + 1) * 127.5), 0, 255).astype(np.uint8)
    return base64.b64encode(scaled.tobytes()).decode("ascii")
