"""Pure figure builders: data in, `plotly.graph_objects.Figure` out.

Pages only pass these figures to `st.plotly_chart`; the builders know
nothing of Streamlit, so they are tested without a browser. Every figure
sets `layout.uirevision` so that a user's zoom survives live updates.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# TF Playground's colours: orange for class 0 (its -1), blue for class 1.
CLASS_COLORS = ("#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
METRIC_LABELS = {"loss": "Loss", "accuracy": "Accuracy", "mae": "Mean absolute error"}


def _layout(fig: go.Figure, title: str, height: int, revision: str) -> go.Figure:
    fig.update_layout(**_base_layout(title, height, revision))
    return fig


def _base_layout(title: str, height: int, revision: str) -> dict:
    return {"title": {"text": title}, "height": height, "uirevision": revision,
            "margin": {"l": 40, "r": 20, "t": 50, "b": 40},
            "legend": {"orientation": "h", "y": -0.2}}


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain trace and layout dicts, validated in one call.

    Plotly validates every property on assignment: `update_layout`,
    `update_xaxes`, `make_subplots` and one `go.Heatmap(...)` object per
    trace cost tens of milliseconds for the live figures, while one
    constructor call on the whole dict costs about one. The live figures
    are rebuilt several times a second, so they are written as dicts.
    """
    return go.Figure({"data": data, "layout": layout})


def _side_by_side(titles: list[str], gap: float = 0.08) -> tuple[list[str], dict]:
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


WAITING = "Waiting for the first epoch"
PREVIOUS_COLOR = "#b8b8b8"


def history_figure(history: dict[str, list[float]], epochs: int | None = None,
                   metrics: tuple[str, ...] = (),
                   previous: dict[str, list[float]] | None = None) -> go.Figure:
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
    """
    bases = {k for k in history if not k.startswith("val_")} | set(metrics)
    bases = sorted(bases, key=lambda k: (k != "loss", k)) or ["loss"]
    suffixes, layout = _side_by_side([METRIC_LABELS.get(b, b) for b in bases])
    layout.update(_base_layout("", 340, "history"))
    data = []
    for suffix, base in zip(suffixes, bases):
        layout[f"xaxis{suffix}"]["title"] = {"text": "epoch"}
        for key, name, dash in ((base, "training", "solid"),
                                (f"val_{base}", "validation", "dot")):
            before = (previous or {}).get(key)
            if before:
                data.append({
                    "type": "scatter", "x": list(range(1, len(before) + 1)),
                    "y": list(before), "mode": "lines", "name": f"previous run, {name}",
                    "legendgroup": f"previous {name}", "showlegend": suffix == "",
                    "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                    "line": {"dash": dash, "color": PREVIOUS_COLOR}})
            values = history.get(key)
            if not values:
                continue
            data.append({
                "type": "scatter", "x": list(range(1, len(values) + 1)), "y": list(values),
                "mode": "lines+markers" if len(values) < 30 else "lines", "name": name,
                "legendgroup": name, "showlegend": suffix == "",
                "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                "line": {"dash": dash, "color": CLASS_COLORS[1 if dash == "solid" else 0]}})
    if not data:  # before the first epoch
        for suffix in suffixes:
            layout[f"xaxis{suffix}"]["range"] = [1, max(2, epochs or 1)]
            layout[f"yaxis{suffix}"].update(range=[0, 1], showticklabels=False)
            layout["annotations"].append({
                "text": WAITING, "x": 0.5, "y": 0.5, "xref": f"x{suffix} domain",
                "yref": f"y{suffix} domain", "showarrow": False,
                "font": {"color": "#808080"}})
    return _figure(data, layout)


def dataset_scatter(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                    y_test: np.ndarray, class_names: tuple[str, ...],
                    regression: bool) -> go.Figure:
    """2-D points, training filled and test outlined, coloured by class or value.

    SVG markers, not WebGL: at most a few thousand points, and headless or
    GPU-less browsers draw WebGL in software, slower than SVG (the first
    page took 5.1 s against 2.8 s in headless Chromium).
    """
    fig = go.Figure()
    for x, y, split, symbol in ((x_train, y_train, "train", "circle"),
                                (x_test, y_test, "test", "circle-open")):
        if regression:
            fig.add_trace(go.Scatter(
                x=x[:, 0], y=x[:, 1], mode="markers", name=split,
                marker=dict(color=y, colorscale="RdBu", cmin=-1, cmax=1, size=6,
                            symbol=symbol, showscale=split == "train")))
            continue
        for label, name in enumerate(class_names):
            mask = y == label
            fig.add_trace(go.Scatter(
                x=x[mask, 0], y=x[mask, 1], mode="markers", name=f"{name} ({split})",
                marker=dict(color=CLASS_COLORS[label % len(CLASS_COLORS)], size=6,
                            symbol=symbol)))
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return _layout(fig, "Training points (filled) and test points (open)", 420,
                   "scatter")


def _tile(images: np.ndarray, columns: int) -> np.ndarray:
    """Lays `(n, h, w)` images out in a grid with a one-pixel NaN gap."""
    count, h, w = images.shape
    rows = max(1, -(-count // columns))
    mosaic = np.full((rows * (h + 1), columns * (w + 1)), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        mosaic[r * (h + 1): r * (h + 1) + h, c * (w + 1): c * (w + 1) + w] = image
    return mosaic


def image_mosaic(images: np.ndarray, labels: np.ndarray,
                 class_names: tuple[str, ...], columns: int = 8,
                 title: str = "Training images with their labels") -> go.Figure:
    """A labelled grid of images drawn as one picture (cheap to send): grey
    images as a heatmap, colour images (3 channels) as an RGB image."""
    colour = images.ndim == 4 and images.shape[-1] == 3
    images = images[..., 0] if images.ndim == 4 and not colour else images
    rows = max(1, -(-len(images) // columns))
    h, w = images.shape[1:3]
    fig = go.Figure()
    for i in range(len(images)):
        r, c = divmod(i, columns)
        fig.add_annotation(x=c * (w + 1) + w / 2 - 0.5, y=r * (h + 1) - 0.9,
                           text=class_names[int(labels[i])], showarrow=False,
                           font=dict(size=11))
    if colour:
        rgb = np.stack([_tile(images[..., c], columns) for c in range(3)], axis=-1)
        fig.add_trace(go.Image(z=np.nan_to_num(rgb * 255, nan=255).astype(np.uint8),
                               hoverinfo="skip"))
    else:
        fig.add_trace(go.Heatmap(z=_tile(images, columns), colorscale="Greys",
                                 showscale=False, hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    return _layout(fig, title, 120 + 70 * rows, f"mosaic-{title}")


def class_balance(splits: dict[str, np.ndarray], class_names: tuple[str, ...],
                  regression: bool) -> go.Figure:
    """Samples per class in each split, or the target's histogram for regression."""
    fig = go.Figure()
    for split, y in splits.items():
        if regression:
            fig.add_trace(go.Histogram(x=y, name=split, opacity=0.7, nbinsx=30))
        else:
            counts = np.bincount(y.astype(int), minlength=len(class_names))
            fig.add_trace(go.Bar(x=list(class_names), y=counts, name=split))
    fig.update_layout(barmode="overlay" if regression else "group")
    title = "Target distribution" if regression else "Class balance"
    return _layout(fig, title, 300, "balance")


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
    for x, y, split, rim in ((x_train, y_train, "train", ("white", 1)),
                             (x_test, y_test, "test", ("black", 2))):
        line = {"color": rim[0], "width": rim[1]}
        if regression:
            traces.append(_points(x, f"{split} (colour: target)", {
                "color": np.asarray(y, dtype=np.float32), "colorscale": BOUNDARY_SCALE,
                "cmin": low, "cmax": high, "size": 6, "line": line}))
            continue
        for label in np.unique(y).astype(int):
            name = class_names[label] if label < len(class_names) else f"class {label}"
            traces.append(_points(x[y == label], f"{name} ({split})", {
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
        xs, ys: Grid ticks from `playground.inspection.plane_grid` (or every
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
            "colorbar": {"title": {"text": "value" if regression else "P(blue)"},
                         "thickness": 12},
            "hovertemplate": "x1=%{x:.2f}<br>x2=%{y:.2f}<br>output=%{z:.3f}"
                             "<extra></extra>"})
    title = ("Decision boundary: waiting for the first snapshot" if image is None
             else f"Decision boundary after epoch {epoch}")
    layout = _base_layout(title, 420, "boundary")
    layout["xaxis"] = {"range": [float(xs[0]), float(xs[-1])], "title": {"text": "x1"}}
    layout["yaxis"] = {"range": [float(ys[0]), float(ys[-1])], "title": {"text": "x2"},
                       "scaleanchor": "x"}
    return _figure(data + points, layout)


def kernel_heatmap(kernel: np.ndarray, bias: np.ndarray, title: str) -> go.Figure:
    """A Dense kernel (inputs x units) as a heatmap, its bias as a row beneath."""
    fig = make_subplots(rows=2, cols=1, row_heights=[0.85, 0.15], shared_xaxes=True,
                        vertical_spacing=0.04)
    limit = float(max(np.abs(kernel).max(), np.abs(bias).max(), 1e-6))
    common = dict(colorscale="RdBu", zmid=0, zmin=-limit, zmax=limit)
    fig.add_trace(go.Heatmap(z=kernel, colorbar=dict(thickness=10), name="kernel",
                             hovertemplate="input %{y} → unit %{x}: %{z:.3f}"
                                           "<extra></extra>", **common), row=1, col=1)
    fig.add_trace(go.Heatmap(z=bias[None, :], showscale=False, name="bias",
                             hovertemplate="bias of unit %{x}: %{z:.3f}<extra></extra>",
                             **common), row=2, col=1)
    fig.update_yaxes(title_text="input", autorange="reversed", row=1, col=1)
    fig.update_yaxes(showticklabels=False, title_text="bias", row=2, col=1)
    fig.update_xaxes(title_text="unit", row=2, col=1)
    return _layout(fig, title, 260 + min(kernel.shape[0], 64) * 4, f"kernel-{title}")


def filter_grid(kernel: np.ndarray, title: str, columns: int = 8) -> go.Figure:
    """Conv2D filters (kh, kw, in, out) as small images, averaged over inputs."""
    filters = kernel.mean(axis=2).transpose(2, 0, 1)  # (out, kh, kw)
    limit = float(max(np.abs(filters).max(), 1e-6))
    rows = -(-len(filters) // columns)
    fig = go.Figure(go.Heatmap(z=_tile(filters, columns), colorscale="RdBu", zmid=0, zmin=-limit,
                               zmax=limit, hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    return _layout(fig, title, 120 + 60 * rows, f"filters-{title}")


def weight_histograms(layers: list[dict]) -> go.Figure:
    """One histogram per layer of all its weight values (kernels and biases)."""
    fig = go.Figure()
    for layer in layers:
        values = np.concatenate([a.ravel() for a in layer["arrays"].values()])
        fig.add_trace(go.Histogram(x=values, name=layer["name"], opacity=0.6,
                                   nbinsx=40))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title_text="weight value")
    fig.update_yaxes(title_text="count")
    return _layout(fig, "Weight distribution per layer", 320, "histograms")


# Hidden units: orange where a unit outputs negative values, blue positive.
NEURON_SCALE = [[0.0, "#f59322"], [0.5, "#ffffff"], [1.0, "#0877bd"]]


NEURON_ROW_HEIGHT = 110


def neuron_grid_height(layers: int) -> int:
    """The pixel height of a `neuron_grid` of that many layers (to reserve it)."""
    return 90 + NEURON_ROW_HEIGHT * max(1, layers)


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
    data, annotations = [], []
    for row, name in enumerate(names):
        maps = np.asarray(neurons[name], dtype=np.float32)[picks[name]]
        count, h, w = maps.shape
        limit = float(max(np.abs(maps).max(), 1e-6))
        y0 = (len(names) - 1 - row) * (h + 8)
        data.append({
            "type": "heatmap", "z": _tile(maps, count)[:h, :-1], "x0": 0, "dx": 1,
            "y0": y0, "dy": 1, "zmin": -limit, "zmax": limit,
            "colorscale": NEURON_SCALE, "showscale": False, "name": name,
            "hovertemplate": f"{name}<br>output=%{{z:.3f}}<extra></extra>"})
        annotations += [{"text": f"{name} · unit {unit}", "x": c * (w + 1) + (w - 1) / 2,
                         "y": y0 + h - 0.5, "yanchor": "bottom", "showarrow": False,
                         "font": {"size": 10}} for c, unit in enumerate(picks[name])]
    title = (f"What each hidden unit computes, after epoch {epoch}" if names
             else "What each hidden unit computes: waiting for the first snapshot")
    layout = _base_layout(title, neuron_grid_height(layers or len(names)), "neurons")
    layout.update(xaxis={"visible": False, "constrain": "domain"},
                  yaxis={"visible": False, "scaleanchor": "x", "constrain": "domain"},
                  annotations=annotations)
    return _figure(data, layout)


def norm_history(epochs: list[int], norms: list[dict[str, float]]) -> go.Figure:
    """The L2 norm of each layer's weights over the snapshots of a run."""
    fig = go.Figure()
    for name in (norms[-1] if norms else {}):
        fig.add_trace(go.Scatter(x=epochs, y=[n.get(name) for n in norms],
                                 mode="lines", name=name))
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(title_text="weight norm (L2)")
    return _layout(fig, "Weight norm per layer over training", 320, "norms")


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
            name=f"epoch {epochs[i]}",
            hovertemplate=f"epoch {epochs[i]}<br>value %{{x:.3f}}<extra></extra>"))
    fig.update_yaxes(tickvals=[step * 0.6 for step in range(len(picked))],
                     ticktext=[f"epoch {epochs[i]}" for i in picked])
    fig.update_xaxes(title_text="weight value")
    fig.update_layout(showlegend=False)
    return _layout(fig, title, 200 + 22 * len(picked), f"ridges-{title}")


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
                               hovertemplate="unit %{x}: %{y:.3f}<extra></extra>"))
        fig.update_xaxes(title_text="unit")
        return _layout(fig, f"{name} ({shape})", 240, f"act-{name}")
    if values.ndim == 3:
        maps = values.transpose(2, 0, 1)
        rows = -(-len(maps) // columns)
        fig = go.Figure(go.Heatmap(z=_tile(maps, min(columns, len(maps))),
                                   colorscale="Viridis", hoverinfo="skip",
                                   colorbar=dict(thickness=10)))
        fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
        fig.update_xaxes(visible=False)
        return _layout(fig, f"{name}: {len(maps)} feature maps ({shape})",
                       120 + 70 * rows, f"act-{name}")
    fig = go.Figure(go.Heatmap(z=values.reshape(values.shape[0], -1).T,
                               colorscale="RdBu", zmid=0,
                               colorbar=dict(thickness=10)))
    fig.update_xaxes(title_text="position")
    fig.update_yaxes(title_text="feature")
    return _layout(fig, f"{name} ({shape})", 300, f"act-{name}")


def prediction_figure(output: np.ndarray, class_names: tuple[str, ...],
                      true_label: int | float) -> go.Figure:
    """The predicted class probabilities, the true class highlighted."""
    output = np.asarray(output, dtype=np.float32).ravel()
    if len(output) == 1 and len(class_names) == 2:  # one sigmoid unit
        output = np.array([1 - output[0], output[0]])
    colors = [CLASS_COLORS[1] if i == int(true_label) else "#b0b0b0"
              for i in range(len(output))]
    fig = go.Figure(go.Bar(x=list(class_names), y=output, marker_color=colors,
                           text=[f"{p:.2f}" for p in output], textposition="outside",
                           hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    fig.update_yaxes(range=[0, 1.1], title_text="probability")
    return _layout(fig, f"Predicted probabilities (true class: "
                        f"{class_names[int(true_label)]}, in blue)", 280, "prediction")


def scatter_matrix(frame, columns: list[str], color: str | None) -> go.Figure:
    """Pairwise scatter plots of a few table columns, coloured by the target."""
    import plotly.express as px

    fig = px.scatter_matrix(frame, dimensions=columns, color=color, opacity=0.6)
    fig.update_traces(diagonal_visible=False, marker=dict(size=4))
    return _layout(fig, "Scatter matrix", 140 + 140 * len(columns), "scatter-matrix")


def learning_rate_figure(rates: list[float]) -> go.Figure:
    """The learning rate at the start of each epoch, on a log scale."""
    fig = go.Figure(go.Scatter(x=list(range(1, len(rates) + 1)), y=rates,
                               mode="lines", name="learning rate",
                               line=dict(shape="hv", color=CLASS_COLORS[1])))
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(title_text="learning rate", type="log")
    return _layout(fig, "", 220, "learning_rate")


def mark_epochs(fig: go.Figure, best_epoch: int | None = None,
                stopped_epoch: int | None = None, reason: str = "") -> go.Figure:
    """Marks the best epoch and where early stopping ended a run, in every panel.

    Args:
        fig: A `history_figure`.
        best_epoch: The epoch (1-based) with the best monitored value.
        stopped_epoch: The last epoch, when early stopping ended the run.
        reason: Shown under the figure: why early stopping ended the run.
    """
    if best_epoch:
        fig.add_vline(x=best_epoch, line=dict(color="green", dash="dash"),
                      annotation_text=f"best: {best_epoch}", row="all", col="all")
    if stopped_epoch:
        fig.add_vline(x=stopped_epoch, line=dict(color="gray"),
                      annotation_text="early stop", annotation_position="bottom right",
                      row="all", col="all")
    if reason:
        fig.add_annotation(text=reason, xref="paper", yref="paper", x=0, y=1.18,
                           showarrow=False, xanchor="left", font=dict(size=11))
    return fig
