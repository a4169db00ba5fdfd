"""Plotly figures of a test-set evaluation: pure builders, data in, figure out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.charts.style import CLASS_COLORS, plotly_text, plotly_texts, styled
from playground.i18n import tr


def confusion_figure(matrix: np.ndarray, class_names: tuple[str, ...],
                     normalized: bool) -> go.Figure:
    """The confusion matrix as a heatmap, rows true and columns predicted.

    An invisible marker sits on every cell centre: Streamlit's selection
    events come from points, so clicking a cell selects its marker, whose
    `customdata` is `[true class id, predicted class id]`.
    """
    names = plotly_texts(class_names)
    count = len(names)
    text = [[f"{v:.2f}" if normalized else f"{int(v)}" for v in row] for row in matrix]
    fig = go.Figure(go.Heatmap(z=matrix, x=names, y=names, colorscale="Blues",
                               text=text, texttemplate="%{text}", hoverinfo="skip",
                               showscale=False))
    true_ids, predicted_ids = np.meshgrid(np.arange(count), np.arange(count),
                                          indexing="ij")
    fig.add_trace(go.Scatter(
        x=[names[j] for j in predicted_ids.ravel()],
        y=[names[i] for i in true_ids.ravel()],
        # A plain list: a NumPy array would travel as a typed array, and the
        # selection event would hand back its bytes' description.
        customdata=np.stack([true_ids.ravel(), predicted_ids.ravel()], axis=1).tolist(),
        mode="markers", marker=dict(size=40, opacity=0.0, symbol="square"),
        hovertemplate=tr("true %{y}, predicted %{x}<extra>click for the samples</extra>"),
        showlegend=False))
    fig.update_xaxes(title_text=tr("predicted class"), type="category")
    fig.update_yaxes(title_text=tr("true class"), type="category", autorange="reversed")
    fig.update_layout(clickmode="event+select", dragmode=False)
    title = tr("Confusion matrix (each row sums to 1)") if normalized else tr(
        "Confusion matrix")
    return styled(fig, title, 160 + 40 * count, "confusion")


def curves_figure(curves: list[dict], kind: str,
                  point: tuple[float, float] | None = None) -> go.Figure:
    """ROC (`kind="roc"`) or precision-recall (`kind="pr"`) curves, each
    named with its score, and the threshold's operating point when given."""
    score = "AUC" if kind == "roc" else "AP"
    fig = go.Figure()
    if kind == "roc":
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=tr("chance"),
                                 line=dict(dash="dot", color="#b0b0b0")))
    for i, curve in enumerate(curves):
        if curve["x"] is None:
            continue
        average = curve["name"] == "macro average"
        fig.add_trace(go.Scatter(
            x=curve["x"], y=curve["y"], mode="lines",
            name=f"{plotly_text(tr(curve['name']) if average else curve['name'])} ({score} "
                 + (tr("n/a") + ")" if curve["score"] is None
                    else f"{curve['score']:.3f})"),
            line=dict(width=3 if average else 2, dash="dash" if average else "solid",
                      color="#333333" if average else CLASS_COLORS[
                          (1 if len(curves) == 1 else i) % len(CLASS_COLORS)])))
    if point is not None:
        fig.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers",
                                 name=tr("threshold"),
                                 marker=dict(size=12, color="#d62728")))
    labels = ((tr("false-positive rate"), tr("true-positive rate (recall)"))
              if kind == "roc" else (tr("recall"), tr("precision")))
    fig.update_xaxes(title_text=labels[0], range=[-0.02, 1.02])
    fig.update_yaxes(title_text=labels[1], range=[-0.02, 1.05])
    several = len(curves) > 1
    if kind == "roc":
        title = tr("ROC curves") if several else tr("ROC curve")
    else:
        title = tr("Precision-recall curves") if several else tr("Precision-recall curve")
    return styled(fig, title, 380, f"curves-{kind}")


def predicted_vs_true(y_true: np.ndarray, y_pred: np.ndarray, unit: str) -> go.Figure:
    """Predicted against true values, with the identity line of a perfect model."""
    low = float(min(np.min(y_true), np.min(y_pred)))
    high = float(max(np.max(y_true), np.max(y_pred)))
    fig = go.Figure([
        go.Scatter(x=[low, high], y=[low, high], mode="lines", name=tr("perfect"),
                   line=dict(dash="dot", color="#b0b0b0")),
        go.Scatter(x=y_true, y=y_pred, mode="markers", name=tr("test samples"),
                   marker=dict(color=CLASS_COLORS[1], opacity=0.6, size=6))])
    fig.update_xaxes(title_text=tr("true {unit}", unit=unit).strip())
    fig.update_yaxes(title_text=tr("predicted {unit}", unit=unit).strip())
    return styled(fig, tr("Predicted vs true"), 380, "pred-true")


def residual_figures(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[go.Figure, go.Figure]:
    """The residuals' histogram, and residuals against predictions."""
    residuals = np.asarray(y_true) - np.asarray(y_pred)
    histogram = go.Figure(go.Histogram(x=residuals, nbinsx=30,
                                       marker_color=CLASS_COLORS[1]))
    histogram.update_xaxes(title_text=tr("residual (true − predicted)"))
    histogram.update_yaxes(title_text=tr("samples"))
    scatter = go.Figure([
        go.Scatter(x=y_pred, y=residuals, mode="markers",
                   marker=dict(color=CLASS_COLORS[0], opacity=0.6, size=6),
                   showlegend=False)])
    scatter.add_hline(y=0, line_dash="dot", line_color="#808080")
    scatter.update_xaxes(title_text=tr("predicted"))
    scatter.update_yaxes(title_text=tr("residual"))
    return (styled(histogram, tr("Residuals"), 320, "residual-hist"),
            styled(scatter, tr("Residuals vs predictions"), 320, "residual-scatter"))


def highlighted_points(x: np.ndarray, labels: np.ndarray, picked: np.ndarray,
                       class_names: tuple[str, ...], title: str) -> go.Figure:
    """2-D test points coloured by class (or value), the picked ones ringed."""
    fig = go.Figure()
    if class_names:
        for c, name in enumerate(class_names):
            keep = labels == c
            fig.add_trace(go.Scatter(x=x[keep, 0], y=x[keep, 1], mode="markers",
                                     name=plotly_text(name), marker=dict(
                                         color=CLASS_COLORS[c % len(CLASS_COLORS)],
                                         size=6, opacity=0.5)))
    else:
        fig.add_trace(go.Scatter(x=x[:, 0], y=x[:, 1], mode="markers", name=tr("test"),
                                 marker=dict(color=labels, colorscale="RdBu", size=6)))
    fig.add_trace(go.Scatter(x=x[picked, 0], y=x[picked, 1], mode="markers",
                             name=tr("picked"), marker=dict(size=14, color="rgba(0,0,0,0)",
                                                        line=dict(width=2,
                                                                  color="#d62728"))))
    fig.update_yaxes(scaleanchor="x")
    return styled(fig, title, 420, f"points-{title}")


def click_plane(x: np.ndarray, labels: np.ndarray, class_names: tuple[str, ...],
                grid: int = 41, point: tuple[float, float] | None = None) -> go.Figure:
    """The training points over a grid of invisible markers: a click on the
    plane selects the nearest grid marker, whose position Streamlit reports;
    `point`, the one being predicted, is drawn as a star."""
    fig = highlighted_points(x, labels, np.array([], dtype=int), class_names,
                             tr("Click the plane to place a point"))
    low, high = x.min(axis=0), x.max(axis=0)
    low, high = low - 0.1 * (high - low), high + 0.1 * (high - low)
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], grid),
                         np.linspace(low[1], high[1], grid))
    fig.add_trace(go.Scatter(x=gx.ravel(), y=gy.ravel(), mode="markers",
                             marker=dict(size=10, opacity=0.0), name="plane",
                             showlegend=False,
                             hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"))
    if point is not None:
        fig.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers",
                                 name=tr("your point"), marker=dict(
                                     symbol="star", size=18, color="#d62728",
                                     line=dict(width=1, color="#ffffff"))))
    # The grid fills the plot area: a click anywhere lands near a marker.
    fig.update_xaxes(range=[low[0], high[0]])
    fig.update_yaxes(range=[low[1], high[1]], scaleanchor=None)
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig
