"""A preview of data augmentation: a few training images and what `fit` may
see of them, drawn through the experiment's own random layers."""

from __future__ import annotations

import numpy as np

from playground.datasets.source import experiment_data
from playground.model.augmentation import augmentation_layer


def preview(exp, count: int = 4, copies: int = 5) -> np.ndarray:
    """The first `count` training images of `exp`, each followed by `copies`
    draws of its augmentation (as `fit` would see them), one image after
    another: `count * (1 + copies)` images of the data's shape. Loads the
    data and imports Keras: a page runs it in a worker (`keras_work`)."""
    x = np.asarray(experiment_data(exp).x_train[:count], dtype=np.float32)
    layer = augmentation_layer(exp.augment, exp.augment_strength, exp.seed)
    draws = [np.asarray(layer(x, training=True)) for _ in range(copies)]
    return np.stack([x, *draws], axis=1).reshape(-1, *x.shape[1:])
