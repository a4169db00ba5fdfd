"""Looking inside a model: the decision boundary over the 2-D input plane.

The grid is prepared once per run; during training the model is called on
it directly (not through `model.predict`, which costs a whole prediction
loop per call), and the output is kept as a small float16 image.
"""

from __future__ import annotations

import collections

import numpy as np

GRID_RESOLUTION = 100
# Neuron thumbnails keep every third grid point: 34x34 instead of 100x100.
NEURON_STRIDE = 3
HISTOGRAM_BINS = 30


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


def weight_summary(layers: list[dict]) -> dict[str, dict]:
    """Small, storable statistics of a model's weights at one moment.

    Args:
        layers: `[{"name": ..., "arrays": {"kernel": ..., ...},
            "trainable": ["kernel", ...]}]`, one entry per layer with weights.

    Returns:
        `{"weights": {layer: {array: (counts, edges)}}, "norms": {layer: norm}}`:
        a `HISTOGRAM_BINS`-bin histogram of every array (a few hundred bytes,
        whatever the layer's size) and the L2 norm of each layer's trainable
        weights (BatchNorm's moving statistics left out).
    """
    histograms, norms = {}, {}
    for layer in layers:
        arrays = layer["arrays"]
        histograms[layer["name"]] = {
            name: tuple(np.histogram(np.nan_to_num(a, posinf=0, neginf=0),
                                     bins=HISTOGRAM_BINS))
            for name, a in arrays.items()}
        trainable = layer.get("trainable", list(arrays))
        norms[layer["name"]] = float(np.sqrt(sum(
            np.sum(np.square(arrays[name], dtype=np.float64)) for name in trainable)))
    return {"weights": histograms, "norms": norms}


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


class ActivationProbe:
    """Every layer's output for one sample, from a run's saved weights.

    Rebuilds the experiment's model, loads the weights and wraps it in
    `keras.Model(model.inputs[0], [layer.output ...])`, as Keras' FAQ does to
    read intermediate activations. Build it once per run and call it per
    sample. Imports TensorFlow.

    Args:
        exp: The experiment the weights were trained for.
        weights: Its `model.get_weights()` list (e.g. a job's result).
    """

    def __init__(self, exp, weights: list[np.ndarray]):
        import keras

        from playground.builder import build_model

        model = build_model(exp)
        model.set_weights(weights)
        self.names = [layer.name for layer in model.layers]
        self._probe = keras.Model(model.inputs[0], [layer.output for layer in model.layers])

    def __call__(self, sample: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """`(layer name, output)` for each layer, the batch axis removed."""
        outputs = self._probe(np.asarray(sample)[None], training=False)
        if not isinstance(outputs, (list, tuple)):  # a one-layer model
            outputs = [outputs]
        return [(name, np.asarray(out)[0]) for name, out in zip(self.names, outputs)]


_PROBES_KEPT = 4
_probes: collections.OrderedDict = collections.OrderedDict()


def layer_outputs(exp, weights: list[np.ndarray], sample: np.ndarray,
                  key: str | None = None) -> list[tuple[str, np.ndarray]]:
    """Every layer's output for one sample: `(layer name, output)` pairs.

    The page asks once per picked sample; the probe of the last few `key`s
    (a run's id) is kept, so the model is built once per run. In the web
    server this runs in a worker process (`playground.jobs.keras_work`).
    """
    probe = _probes.get(key) if key is not None else None
    if probe is None:
        probe = ActivationProbe(exp, weights)
        if key is not None:
            _probes[key] = probe
            while len(_probes) > _PROBES_KEPT:
                _probes.popitem(last=False)
    else:
        _probes.move_to_end(key)
    return probe(sample)
