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
    fig.update_layout(title=title, height=height, uirevision=revision,
                      margin=dict(l=40, r=20, t=50, b=40),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def history_figure(history: dict[str, list[float]]) -> go.Figure:
    """Loss and the task metric per epoch, training and validation side by side.

    Args:
        history: Metric name to per-epoch values, as Keras' `History` keeps
            them (`loss`, `val_loss`, `accuracy`, `val_accuracy`, ...).
    """
    bases = [k for k in history if not k.startswith("val_")]
    bases = sorted(bases, key=lambda k: (k != "loss", k)) or ["loss"]
    fig = make_subplots(rows=1, cols=len(bases),
                        subplot_titles=[METRIC_LABELS.get(b, b) for b in bases])
    for col, base in enumerate(bases, start=1):
        for key, name, dash in ((base, "training", "solid"),
                                (f"val_{base}", "validation", "dot")):
            values = history.get(key)
            if not values:
                continue
            epochs = list(range(1, len(values) + 1))
            fig.add_trace(
                go.Scatter(x=epochs, y=values, mode="lines+markers" if len(values) < 30
                           else "lines", name=name, legendgroup=name,
                           showlegend=col == 1,
                           line=dict(dash=dash, color=CLASS_COLORS[1 if dash == "solid"
                                                                   else 0])),
                row=1, col=col)
        fig.update_xaxes(title_text="epoch", row=1, col=col)
    return _layout(fig, "", 340, "history")


def dataset_scatter(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                    y_test: np.ndarray, class_names: tuple[str, ...],
                    regression: bool) -> go.Figure:
    """2-D points, training filled and test outlined, coloured by class or value."""
    fig = go.Figure()
    for x, y, split, symbol in ((x_train, y_train, "train", "circle"),
                                (x_test, y_test, "test", "circle-open")):
        if regression:
            fig.add_trace(go.Scattergl(
                x=x[:, 0], y=x[:, 1], mode="markers", name=split,
                marker=dict(color=y, colorscale="RdBu", cmin=-1, cmax=1, size=6,
                            symbol=symbol, showscale=split == "train")))
            continue
        for label, name in enumerate(class_names):
            mask = y == label
            fig.add_trace(go.Scattergl(
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
                 class_names: tuple[str, ...], columns: int = 8) -> go.Figure:
    """A labelled grid of grey images drawn as one heatmap (cheap to send)."""
    images = images[..., 0] if images.ndim == 4 else images
    mosaic = _tile(images, columns)
    rows = max(1, -(-len(images) // columns))
    h, w = images.shape[1:3]
    fig = go.Figure()
    for i in range(len(images)):
        r, c = divmod(i, columns)
        fig.add_annotation(x=c * (w + 1) + w / 2 - 0.5, y=r * (h + 1) - 0.9,
                           text=class_names[int(labels[i])], showarrow=False,
                           font=dict(size=11))
    fig.add_trace(go.Heatmap(z=mosaic, colorscale="Greys", showscale=False,
                             hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    return _layout(fig, "Training images with their labels", 120 + 70 * rows,
                   "mosaic")


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


def boundary_figure(xs: np.ndarray, ys: np.ndarray, image: np.ndarray,
                    x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                    y_test: np.ndarray, regression: bool, epoch: int) -> go.Figure:
    """The model's output over the input plane, under the train and test points.

    Args:
        xs, ys: Grid ticks from `playground.inspection.plane_grid`.
        image: `len(ys) x len(xs)` outputs: class-1 probability, or the value.
        epoch: The epoch the image was taken after, for the title.
    """
    low, high = (-1.0, 1.0) if regression else (0.0, 1.0)
    fig = go.Figure(go.Heatmap(
        x=xs, y=ys, z=np.asarray(image, dtype=np.float32), zmin=low, zmax=high,
        colorscale=BOUNDARY_SCALE, opacity=0.8, showscale=True,
        colorbar=dict(title="value" if regression else "P(blue)", thickness=12),
        hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>output=%{z:.3f}<extra></extra>"))
    for x, y, split, line in ((x_train, y_train, "train", 1), (x_test, y_test, "test", 2)):
        color = (np.asarray(y, dtype=np.float32) if regression
                 else np.where(y == 1, CLASS_COLORS[1], CLASS_COLORS[0]))
        fig.add_trace(go.Scattergl(
            x=x[:, 0], y=x[:, 1], mode="markers", name=split,
            marker=dict(color=color, colorscale=BOUNDARY_SCALE if regression else None,
                        cmin=low, cmax=high, size=6,
                        line=dict(color="white" if split == "train" else "black",
                                  width=line))))
    fig.update_xaxes(range=[xs[0], xs[-1]], title_text="x1")
    fig.update_yaxes(range=[ys[0], ys[-1]], title_text="x2", scaleanchor="x")
    return _layout(fig, f"Decision boundary after epoch {epoch}", 420, "boundary")


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
