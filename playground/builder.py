"""Turns an experiment into a compiled Keras model.

This is the one module that maps stored names to Keras objects. Every layer
gets a seeded initializer derived from the experiment's seed, so the same
experiment starts from the same weights without touching Keras' process-wide
random state (which other users of a shared server would also see).
"""

from __future__ import annotations

from typing import Any

from playground.experiment_check import check_experiment, data_spec_of, resolve_loss, resolve_output
from playground.config import Experiment
from playground.layers import DataSpec, LayerSpec
from playground.registry import LOSSES, OPTIMIZERS, task_metrics


def _layer_seed(seed: int, index: int) -> int:
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
                 names: list[str] | None = None) -> Any:
    """Builds a `keras.Sequential` from layer specs over a dataset's input.

    Args:
        specs: All layers, output layer included.
        data: The input shape and kind (token inputs are int32).
        seed: Base seed of the layers' initializers.
        names: Layer names; `dense_1`, ... by default.
    """
    import keras

    names = names or _numbered_names(specs)
    dtype = "int32" if data.input_kind == "tokens" else "float32"
    layers = [keras.Input(shape=data.input_shape, dtype=dtype, name="input")]
    for i, (spec, name) in enumerate(zip(specs, names)):
        layers.append(_make_layer(spec, name, _layer_seed(seed, i), data.vocab_size))
    return keras.Sequential(layers, name="playground_model")


def build_model(exp: Experiment) -> Any:
    """Builds the (uncompiled) model of an experiment, output layer included.

    Raises:
        StackError: when the stack does not fit the data (checked first).
    """
    check_experiment(exp)
    data = data_spec_of(exp)
    return build_layers((*exp.layers, resolve_output(exp, data)), data, exp.seed,
                        layer_names(exp))


def make_optimizer(exp: Experiment, steps_per_epoch: int = 1) -> Any:
    """The experiment's optimizer, with its schedule and gradient clipping.

    Args:
        steps_per_epoch: Batches per epoch; schedules count steps.
    """
    import keras

    from playground.controls import learning_rate

    info = OPTIMIZERS[exp.optimizer]
    cls = getattr(keras.optimizers, info.keras_class)
    kwargs = {"learning_rate": learning_rate(exp, steps_per_epoch)}
    if info.uses_momentum:
        kwargs["momentum"] = exp.momentum
    if exp.clipnorm:
        kwargs["clipnorm"] = exp.clipnorm
    return cls(**kwargs)


def compile_model(model: Any, exp: Experiment, steps_per_execution: int = 1,
                  steps_per_epoch: int = 1) -> Any:
    """Compiles with the experiment's loss, optimizer and task metrics."""
    data = data_spec_of(exp)
    model.compile(
        optimizer=make_optimizer(exp, steps_per_epoch),
        loss=LOSSES[resolve_loss(exp, data)].keras_name,
        metrics=task_metrics(data.task),
        steps_per_execution=steps_per_execution,
        jit_compile=False,
    )
    return model
