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
    counted = iter(histograms_of([a for layer in layers for a in layer["arrays"].values()]))
    for layer in layers:
        arrays = layer["arrays"]
        histograms[layer["name"]] = {name: next(counted) for name in arrays}
        trainable = layer.get("trainable", list(arrays))
        norms[layer["name"]] = float(np.sqrt(sum(
            np.sum(np.square(arrays[name], dtype=np.float64)) for name in trainable)))
    return {"weights": histograms, "norms": norms}


def histograms_of(arrays: list) -> list[tuple[np.ndarray, np.ndarray]]:
    """`np.histogram(np.nan_to_num(a, posinf=0, neginf=0), bins=HISTOGRAM_BINS)`
    of every array in `arrays`: the same counts and edges, in a few calls.

    A live run summarises its weights up to twelve times a second, and
    `np.histogram` costs about 0.2 ms an array whatever its size: most of a
    snapshot's weight work on a small network (1.1 of 4.6 ms for the spiral
    preset's six arrays). Here the arrays of one float type are binned
    together, NumPy's way (the same float arithmetic, the same correction
    at the edges, `np.linspace` for the edges), with one `np.bincount`.
    Other arrays (empty, integer) go to `np.histogram` itself.
    """
    arrays = [np.asarray(a) for a in arrays]
    results: list = [None] * len(arrays)
    groups: dict[np.dtype, list[int]] = {}
    for index, array in enumerate(arrays):
        if array.size and array.dtype.kind == "f":
            groups.setdefault(array.dtype, []).append(index)
        else:
            results[index] = tuple(np.histogram(
                np.nan_to_num(array, posinf=0, neginf=0), bins=HISTOGRAM_BINS))
    for members in groups.values():
        for index, counted in zip(members, _same_type_histograms(
                [arrays[i].ravel() for i in members])):
            results[index] = counted
    return results


def _same_type_histograms(flat: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """`histograms_of` for non-empty 1-D arrays of one float type."""
    bins = HISTOGRAM_BINS
    sizes = [len(a) for a in flat]
    values = np.nan_to_num(np.concatenate(flat), posinf=0, neginf=0)
    starts = np.cumsum([0] + sizes[:-1])
    low, high = np.minimum.reduceat(values, starts), np.maximum.reduceat(values, starts)
    constant = low == high  # NumPy's range for a constant array: ±0.5
    low, high = np.where(constant, low - 0.5, low), np.where(constant, high + 0.5, high)
    edges = np.linspace(low, high, bins + 1, axis=1)
    segment = np.repeat(np.arange(len(flat)), sizes)
    index = ((values - low[segment]) / (high - low)[segment] * bins).astype(np.intp)
    index[index == bins] -= 1
    # As NumPy does: the division may land a value one bin off near an edge.
    first = segment * (bins + 1) + index
    index[values < edges.ravel()[first]] -= 1
    first = segment * (bins + 1) + index
    index[(values >= edges.ravel()[first + 1]) & (index != bins - 1)] += 1
    counts = np.bincount(segment * bins + index, minlength=len(flat) * bins)
    counts = counts.reshape(len(flat), bins)
    return [(counts[k], edges[k]) for k in range(len(flat))]


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
