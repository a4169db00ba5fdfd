"""The 2-D input plane: a grid over the data, and the model's output on it as
an image (the decision boundary).

The grid is prepared once per run; during training the model is called on
it directly (not through `model.predict`, which costs a whole prediction
loop per call), and the output is kept as a small float16 image.
"""

from __future__ import annotations

import numpy as np

GRID_RESOLUTION = 100


# Neuron thumbnails keep every third grid point: 34x34 instead of 100x100.
NEURON_STRIDE = 3


def plane_grid(x: np.ndarray, resolution: int = GRID_RESOLUTION,
               margin: float = 0.1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A square grid covering 2-D points with a margin.

    Returns:
        `(xs, ys, points)`: the axis ticks, and the `resolution**2` grid
        points as float32, row by row (`ys` outer, `xs` inner), so that
        `values.reshape(resolution, resolution)[i, j]` is at `(xs[j], ys[i])`.
    """
    low, high = x.min(axis=0), x.max(axis=0)
    pad = (high - low) * margin
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


def covered_points(data) -> np.ndarray:
    """The points the plane's grid covers: every split's, not only the
    training points. The decision boundary is drawn under the test points
    too, and in a small set a test point can lie beyond the training
    points' margin, off the shaded plane."""
    return np.concatenate([data.x_train, data.x_val, data.x_test])


def boundary_image(outputs: np.ndarray, resolution: int = GRID_RESOLUTION) -> np.ndarray:
    """The model's output over the grid as an image: the probability of
    class 1 (sigmoid unit, or the second softmax unit) or the regression value."""
    column = outputs[:, 1] if outputs.shape[1] == 2 else outputs[:, 0]
    return column.reshape(resolution, resolution).astype(np.float16)
