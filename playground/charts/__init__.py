"""Pure figure builders: data in, `plotly.graph_objects.Figure` out.

Pages only pass these figures to `st.plotly_chart`; the builders know
nothing of Streamlit, so they are tested without a browser. One module per
family of figures, all drawn in the shared `style`:

- `history`: loss and metrics per epoch, the learning rate, early stopping.
- `data`: 2-D points, image grids, class balance, a scatter matrix.
- `plane`: the decision boundary and each neuron's map over the plane.
- `weights`: kernels, filters, histograms, norms over training.
- `activations`: one sample's path through the layers.
- `live_figures`: the Train page's figures for a run, rebuilt only on change.

The families are re-exported here, so a page writes `charts.history_figure`.
`svg_figures` draws the Data page's plane and class balance as SVG text
instead, so the first page a browser opens needs no plotly.js.
The evaluation and search figures live beside their numbers
(`playground.evaluation.figures`, `playground.search.figures`).
"""

from playground.charts.activations import activation_figure, prediction_figure
from playground.charts.data import (
    class_balance,
    dataset_scatter,
    image_mosaic,
    scatter_matrix,
)
from playground.charts.history import (
    PREVIOUS_COLOR,
    WAITING,
    history_figure,
    learning_rate_figure,
    mark_epochs,
)
from playground.charts.plane import (
    BOUNDARY_SCALE,
    NEURON_ROW_HEIGHT,
    NEURON_SCALE,
    boundary_figure,
    boundary_points,
    neuron_grid,
    neuron_grid_height,
)
from playground.charts.style import CLASS_COLORS, METRIC_LABELS
from playground.charts.weights import (
    filter_grid,
    histogram_ridges,
    kernel_heatmap,
    norm_history,
    weight_histograms,
)

__all__ = ["BOUNDARY_SCALE", "CLASS_COLORS", "METRIC_LABELS", "NEURON_ROW_HEIGHT",
           "NEURON_SCALE", "PREVIOUS_COLOR", "WAITING", "activation_figure", "boundary_figure",
           "boundary_points", "class_balance", "dataset_scatter", "filter_grid",
           "histogram_ridges", "history_figure", "image_mosaic", "kernel_heatmap",
           "learning_rate_figure", "mark_epochs", "neuron_grid", "neuron_grid_height",
           "norm_history", "prediction_figure", "scatter_matrix", "weight_histograms"]
