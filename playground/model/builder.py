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
from playground.model.graph import GRAPH_INPUT, MERGES, GraphNode, keras_order
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
            spec["units"], return_sequences=spec["return_sequences"] == "on",
            kernel_initializer=init,
            recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
            name=name)
    raise ValueError(f"Unknown layer type {kind!r}.")


def _numbered_names(specs: tuple[LayerSpec, ...]) -> list[str]:
    return [f"{spec.kind}_{i + 1}" for i, spec in enumerate(specs)]


def layer_names(exp: Experiment) -> list[str]:
    """The Keras names given to the layers: `dense_1`, ..., `output`; a
    graph's layers are named by their node ids."""
    if exp.graph:
        return [node.id for node in exp.graph] + ["output"]
    return _numbered_names(exp.layers) + ["output"]


def keras_layers(exp: Experiment) -> tuple[list[str], list[str]]:
    """`(kinds, names)` of the model's layers in the order Keras lists them
    (`model.layers`, and the arrays of `model.get_weights()`), output last:
    a stack's order, or `keras_order` of a graph. A merge's kind is its
    merge (`"concatenate"`); a `TimeDistributed` layer's, its layer's."""
    if exp.graph:
        nodes = [exp.graph[i] for i in keras_order(exp.graph)]
        return ([node.merge or node.layer.kind for node in nodes] + ["dense"],
                [node.id for node in nodes] + ["output"])
    return [spec.kind for spec in exp.layers] + ["dense"], layer_names(exp)


def build_graph(nodes: tuple[GraphNode, ...], output: LayerSpec, data: DataSpec,
                seed: int, augmentation: Any = None) -> Any:
    """Builds a functional `keras.Model(inputs, outputs)` from a graph.

    Each node's layer is named by its id and seeded by its position, the
    output layer (`"output"`) after the last node; a `TimeDistributed`
    node wraps its layer (named `<id>_inner`). `augmentation`, when given,
    is applied to the input before any node reads it.
    """
    import keras

    dtype = "int32" if data.input_kind == "tokens" else "float32"
    inputs = keras.Input(shape=data.input_shape, dtype=dtype, name="input")
    tensors = {GRAPH_INPUT: inputs if augmentation is None else augmentation(inputs)}
    for i, node in enumerate(nodes):
        taken = [tensors[name] for name in node.inputs]
        if node.merge:
            tensors[node.id] = getattr(keras.layers, MERGES[node.merge])(
                name=node.id)(taken)
            continue
        seed_i = layer_seed(seed, i)
        if node.time_distributed:
            inner = _make_layer(node.layer, f"{node.id}_inner", seed_i, data.vocab_size)
            layer = keras.layers.TimeDistributed(inner, name=node.id)
        else:
            layer = _make_layer(node.layer, node.id, seed_i, data.vocab_size)
        tensors[node.id] = layer(taken[0])
    last = tensors[nodes[-1].id if nodes else GRAPH_INPUT]
    out = _make_layer(output, "output", layer_seed(seed, len(nodes)), data.vocab_size)
    return keras.Model(inputs, out(last), name="playground_model")


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
    """Builds the (uncompiled) model of an experiment, output layer included
    (a `keras.Sequential` for a stack, a functional `keras.Model` for a graph),
    with the experiment's data augmentation at its input when it has one
    (the block named `augmentation.LAYER_NAME`, active only in training).

    Raises:
        StackError: when the stack does not fit the data (checked first).
    """
    check_experiment(exp)
    data = data_spec_of(exp)
    augment = (augmentation.augmentation_layer(exp.augment, exp.augment_strength,
                                               exp.seed) if exp.augment else None)
    if exp.graph:
        return build_graph(exp.graph, resolve_output(exp, data), data, exp.seed, augment)
    return build_layers((*exp.layers, resolve_output(exp, data)), data, exp.seed,
                        layer_names(exp), augment)
