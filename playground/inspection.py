"""Looking inside a model: the decision boundary over the 2-D input plane.

The grid is prepared once per run; during training the model is called on
it directly (not through `model.predict`, which costs a whole prediction
loop per call), and the output is kept as a small float16 image.
"""

from __future__ import annotations

import numpy as np

GRID_RESOLUTION = 100


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


def boundary_image(outputs: np.ndarray, resolution: int = GRID_RESOLUTION) -> np.ndarray:
    """The model's output over the grid as an image: the probability of
    class 1 (sigmoid unit, or the second softmax unit) or the regression value."""
    column = outputs[:, 1] if outputs.shape[1] == 2 else outputs[:, 0]
    return column.reshape(resolution, resolution).astype(np.float16)


# How many arrays each layer type holds in `model.get_weights()`, in order.
WEIGHT_NAMES = {
    "dense": ("kernel", "bias"),
    "conv2d": ("kernel", "bias"),
    "batchnorm": ("gamma", "beta", "moving_mean", "moving_variance"),
    "embedding": ("embeddings",),
    "lstm": ("kernel", "recurrent_kernel", "bias"),
}


def weights_by_layer(kinds: list[str], names: list[str],
                     weights: list[np.ndarray]) -> list[dict]:
    """Splits Keras' flat weight list into one entry per layer that has weights.

    Args:
        kinds: Layer type of each layer (`"dense"`, ...), output layer last.
        names: Keras name of each layer (`dense_1`, ..., `output`).
        weights: `model.get_weights()` of that model (e.g. a job's result).

    Returns:
        `[{"name": "dense_1", "kind": "dense", "arrays": {"kernel": ..., ...}}]`.

    Raises:
        ValueError: when the list does not match the layers.
    """
    layers, position = [], 0
    for kind, name in zip(kinds, names):
        keys = WEIGHT_NAMES.get(kind, ())
        if not keys:
            continue
        arrays = weights[position:position + len(keys)]
        if len(arrays) != len(keys):
            raise ValueError(f"Expected {len(keys)} weight arrays for {name}; "
                             f"received {len(arrays)}.")
        layers.append({"name": name, "kind": kind, "arrays": dict(zip(keys, arrays))})
        position += len(keys)
    if position != len(weights):
        raise ValueError(f"{len(weights) - position} weight arrays were left over "
                         "after the last layer: the weights belong to another model.")
    return layers


def architecture_dot(exp) -> str:
    """Keras' own diagram of the experiment's model, as Graphviz DOT text.

    `keras.utils.model_to_dot` needs only pydot (no Graphviz binary); the
    browser renders the text (`st.graphviz_chart`). Builds the model, so it
    imports TensorFlow.
    """
    import keras

    from playground.builder import build_model

    dot = keras.utils.model_to_dot(build_model(exp), show_shapes=True,
                                   show_layer_names=True, dpi=72)
    return dot.to_string()
