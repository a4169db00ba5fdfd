"""A model's weights as the pages show them: Keras' flat weight list split
per layer, and small storable statistics (histograms, norms) of a moment.
"""

from __future__ import annotations

import numpy as np

HISTOGRAM_BINS = 30


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
