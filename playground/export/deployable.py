"""A trained model that takes raw rows and answers in the target's units.

The network trains on prepared inputs: a table's numbers standardised, its
categories one-hot encoded, pixels divided by 255, a regression target
standardised. A `.keras` file of that network alone expects the same
preparation from whoever loads it, which a learner deploying it does not
have. `deployable_model` puts Keras preprocessing layers in front of the
trained network and the inverse scaling behind it, all as ordinary,
serialisable layers with fixed weights:

- a CSV table: one named input per feature column (numbers as float32,
  categories as strings), `StringLookup` one-hot encoding with the
  categories learned in training (an unseen category gives all zeros, as
  scikit-learn's encoder does), the columns concatenated in training
  order, then `Normalization` with the training rows' mean and variance;
- a bundled table of numbers: one `features` input and `Normalization`;
- images (pixel tables and Keras' image sets): pixels as read (0..255),
  `Rescaling` by the same divisor, reshaped to the image shape;
- a standardised regression target: `Rescaling` back to its units.

Missing values have no Keras layer: where training filled them in, the
deployable model wants complete rows (the fill values are in the run's
preprocessing steps, for whoever prepares the rows).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.config import Experiment
from playground.datasets.splits import Dataset
from playground.registry import REGRESSION


def deployable_model(exp: Experiment, weights: list[np.ndarray], data: Dataset,
                     prepared: Any = None):
    """The trained network with its data preparation in front and the
    target's units behind, as one Keras model.

    Args:
        exp: The experiment the weights were trained for.
        weights: The trained weights.
        data: The experiment's dataset (its fitted preprocessor and target
            scaler are read).
        prepared: The `PreparedTable` of a CSV experiment (its columns, kinds
            and categories); None for other data.

    Returns:
        A `keras.Model`: its inputs are raw rows (a dict of columns for a CSV
        table), its output probabilities or the target in its own units.
    """
    import keras

    from playground.model.builder import build_model

    network = build_model(exp)
    network.set_weights(weights)
    if prepared is not None:
        inputs, x = _table_inputs(prepared, data)
    else:
        inputs, x = _array_inputs(data)
    y = network(x)
    scaler = data.target_scaler
    if data.info.task == REGRESSION and scaler is not None:
        y = keras.layers.Rescaling(float(scaler.scale_[0]), float(scaler.mean_[0]),
                                   name="target_units")(y)
    return keras.Model(inputs, y, name="deployable")


def _array_inputs(data: Dataset):
    import keras

    info = data.info
    if info.input_kind == "image":
        raw = keras.Input(shape=info.input_shape, name="pixels")
        return raw, keras.layers.Rescaling(1 / 255, name="pixels_to_0_1")(raw)
    if info.input_kind == "tokens" or data.preprocessor is None:
        raw = keras.Input(shape=info.input_shape, name="features",
                          dtype="int32" if info.input_kind == "tokens" else "float32")
        return raw, raw
    scaler = data.preprocessor
    raw = keras.Input(shape=info.input_shape, name="features")
    return raw, _normalization(scaler)(raw)


def _table_inputs(prepared, data: Dataset):
    import keras

    fitted = data.preprocessor
    inputs, parts = {}, []
    for column, kind in prepared.kinds.items():
        name = _input_name(column, len(inputs))
        if kind == "category":
            raw = keras.Input(shape=(1,), dtype="string", name=name)
            vocabulary = [str(v) for v in prepared.categories[column]]
            one_hot = keras.layers.StringLookup(vocabulary=vocabulary,
                                                output_mode="one_hot")(raw)
            # StringLookup's first column counts unseen values; scikit-learn's
            # encoder gives them all zeros: a fixed matrix drops that column.
            drop_unseen = keras.layers.Dense(len(vocabulary), use_bias=False,
                                             trainable=False)
            parts.append(drop_unseen(one_hot))
            drop_unseen.set_weights([np.eye(len(vocabulary) + 1,
                                            len(vocabulary), k=-1, dtype=np.float32)])
        else:
            raw = keras.Input(shape=(1,), dtype="float32", name=name)
            parts.append(raw)
        inputs[column] = raw
    x = parts[0] if len(parts) == 1 else keras.layers.Concatenate()(parts)
    scale = fitted.named_steps["scale"]
    if prepared.image_shape:
        x = keras.layers.Rescaling(1 / prepared.pixel_max)(x)
        x = keras.layers.Reshape(prepared.image_shape)(x)
    elif scale != "passthrough":
        x = _normalization(scale)(x)
    return inputs, x


def _normalization(scaler):
    """A `Normalization` layer doing what a fitted `StandardScaler` does (a
    constant column has scale 1 there: centred, not divided by zero)."""
    import keras

    return keras.layers.Normalization(mean=np.asarray(scaler.mean_, np.float32),
                                      variance=np.asarray(scaler.scale_, np.float32) ** 2,
                                      name="standardise")


def _input_name(column: str, index: int) -> str:
    """A Keras input name for a column (letters, digits and _ only)."""
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in column).strip("_")
    return cleaned or f"column_{index}"
