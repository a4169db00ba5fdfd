"""Turns an experiment into a Keras model (compiling it is `playground.training.compiling`).

This is the one module that maps stored layer names to Keras layers. Every layer
gets a seeded initializer derived from the experiment's seed, so the same
experiment starts from the same weights without touching Keras' process-wide
random state (which other users of a shared server would also see).
"""

from __future__ import annotations

from typing import Any

from playground.config import Experiment
from playground.datasets.catalog import DataSpec
from playground.model import augmentation
from playground.model.checks import check_experiment, data_spec_of, resolve_output
from playground.model.layers import LayerSpec


def layer_seed(seed: int, index: int) -> int:
    """The seed of the `index`-th layer's initializers (the exported script
    uses the same, so it starts from the same weights)."""
    return (seed * 7919 + index * 104729) % (2**31 - 1)


def _make_layer(spec: LayerSpec, name: str, seed: int, vocab_size: int) -> Any:
    import keras

    init = keras.initializers.GlorotUniform(seed=seed)
    kind = spec.kind
    if kind == "dense":
        reg = None
        if spec["l1"] or spec["l2"]:
            reg = keras.regularizers.L1L2(l1=spec["l1"], l2=spec["l2"])
        return keras.layers.Dense(spec["units"], activation=spec["activation"],
                                  kernel_initializer=init, kernel_regularizer=reg,
                                  name=name)
    if kind == "dropout":
        return keras.layers.Dropout(spec["rate"], seed=seed, name=name)
    if kind == "batchnorm":
        return keras.layers.BatchNormalization(name=name)
    if kind == "activation":
        return keras.layers.Activation(spec["activation"], name=name)
    if kind == "flatten":
        return keras.layers.Flatten(name=name)
    if kind == "conv2d":
        return keras.layers.Conv2D(spec["filters"], spec["kernel"],
                                   strides=spec["stride"], padding=spec["padding"],
                                   activation=spec["activation"],
                                   kernel_initializer=init, name=name)
    if kind == "maxpool2d":
        return keras.layers.MaxPooling2D(spec["pool"], name=name)
    if kind == "embedding":
        return keras.layers.Embedding(
            vocab_size, spec["output_dim"],
            embeddings_initializer=keras.initializers.RandomUniform(
                -0.05, 0.05, seed=seed),
            name=name)
    if kind == "lstm":
        return keras.layers.LSTM(
            spec["units"], kernel_initializer=init,
            recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
            name=name)
    raise ValueError(f"Unknown layer type {kind!r}.")


def _numbered_names(specs: tuple[LayerSpec, ...]) -> list[str]:
    return [f"{spec.kind}_{i + 1}" for i, spec in enumerate(specs)]


def layer_names(exp: Experiment) -> list[str]:
    """The Keras names given to the layers: `dense_1`, ..., `output`."""
    return _numbered_names(exp.layers) + ["output"]


def build_layers(specs: tuple[LayerSpec, ...], data: DataSpec, seed: int,
                 names: list[str] | None = None, augmentation: Any = None) -> Any:
    """Builds a `keras.Sequential` from layer specs over a dataset's input.

    Args:
        specs: All layers, output layer included.
        data: The input shape and kind (token inputs are int32).
        seed: Base seed of the layers' initializers.
        names: Layer names; `dense_1`, ... by default.
        augmentation: A layer put right after the input, before `specs`
            (the random image layers of `playground.model.augmentation`),
            or None.
    """
    import keras

    names = names or _numbered_names(specs)
    dtype = "int32" if data.input_kind == "tokens" else "float32"
    layers = [keras.Input(shape=data.input_shape, dtype=dtype, name="input")]
    if augmentation is not None:
        layers.append(augmentation)
    for i, (spec, name) in enumerate(zip(specs, names)):
        layers.append(_make_layer(spec, name, layer_seed(seed, i), data.vocab_size))
    return keras.Sequential(layers, name="playground_model")


def build_model(exp: Experiment) -> Any:
    """Builds the (uncompiled) model of an experiment, output layer included,
    with the experiment's data augmentation at its input when it has one
    (the block named `augmentation.LAYER_NAME`, active only in training).

    Raises:
        StackError: when the stack does not fit the data (checked first).
    """
    check_experiment(exp)
    data = data_spec_of(exp)
    augment = (augmentation.augmentation_layer(exp.augment, exp.augment_strength,
                                               exp.seed) if exp.augment else None)
    return build_layers((*exp.layers, resolve_output(exp, data)), data, exp.seed,
                        layer_names(exp), augment)
