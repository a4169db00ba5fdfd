"""What a layer stack outputs for the data, checked before anything is built.

`check_stack` walks the stack from the data's input shape, computes each
layer's output shape and parameter count exactly as `model.summary()`
would (without importing TensorFlow), and refuses a stack that cannot fit
the data with `StackError`, naming the layer and the fix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from playground.datasets.catalog import DataSpec
from playground.i18n import mark, tr, tr_n
from playground.model.layers import LayerSpec
from playground.registry import BINARY, MULTICLASS, REGRESSION


class StackError(ValueError):
    """The layer stack cannot fit the data.

    Attributes:
        index: Position of the offending layer (0-based; the output layer
            has index `len(layers)`), or None for the stack as a whole.
    """

    def __init__(self, index: int | None, message: str):
        self.index = index
        super().__init__(message)


@dataclass(frozen=True)
class LayerRow:
    """One row of the model summary: name, output shape, parameter count."""

    name: str
    output_shape: tuple[int, ...]
    params: int


def suggest_output(data: DataSpec) -> LayerSpec:
    """The output layer that fits the task: sigmoid, softmax or linear."""
    if data.task == BINARY:
        return LayerSpec.make("dense", units=1, activation="sigmoid")
    if data.task == MULTICLASS:
        return LayerSpec.make("dense", units=data.num_classes, activation="softmax")
    return LayerSpec.make("dense", units=1, activation="linear")


def _units(count: int) -> str:
    return tr_n("{count} unit", "{count} units", count)


def format_shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _conv_size(size: int, kernel: int, stride: int, padding: str) -> int:
    if padding == "same":
        return math.ceil(size / stride)
    return (size - kernel) // stride + 1


def layer_output(spec: LayerSpec, shape: tuple[int, ...], kind: str,
                  data: DataSpec, where: str) -> tuple[tuple[int, ...], int, str]:
    """What one layer makes of its input: `(output shape, parameter count,
    input kind after it)`; raises ValueError naming `where` and the fix."""
    t = spec.kind
    if kind == "tokens" and t != "embedding":
        raise ValueError(tr(
            "{where} receives token ids (integers), which only an Embedding layer "
            "can read. Put an Embedding layer first.", where=where))
    if t == "dense":
        if len(shape) != 1:
            message = (
                mark("{where} receives a {rank}-D input {shape} but Dense expects a "
                     "flat vector. Add a Flatten layer before it (or an LSTM for a "
                     "sequence).") if kind == "sequence" else
                mark("{where} receives a {rank}-D input {shape} but Dense expects a "
                     "flat vector. Add a Flatten layer before it."))
            raise ValueError(tr(message, where=where, rank=len(shape), shape=format_shape(shape)))
        units = spec["units"]
        return (units,), shape[0] * units + units, "features"
    if t in ("dropout", "activation"):
        return shape, 0, kind
    if t == "batchnorm":
        return shape, 4 * shape[-1], kind
    if t == "flatten":
        return (math.prod(shape),), 0, "features"
    if t == "conv2d":
        if len(shape) != 3:
            raise ValueError(tr(
                "{where} needs an image input (height, width, channels) but receives "
                "{shape}. Conv2D only fits image data such as digits; for tabular "
                "data use Dense layers.", where=where, shape=format_shape(shape)))
        k, s, p = spec["kernel"], spec["stride"], spec["padding"]
        h, w = (_conv_size(d, k, s, p) for d in shape[:2])
        if h < 1 or w < 1:
            raise ValueError(tr(
                "{where} cannot fit a {k}x{k} kernel in its {h}x{w} input with padding "
                "'valid'. Use padding 'same', a smaller kernel, or fewer pooling "
                "layers before it.", where=where, k=k, h=shape[0], w=shape[1]))
        filters = spec["filters"]
        return (h, w, filters), k * k * shape[2] * filters + filters, "image"
    if t == "maxpool2d":
        if len(shape) != 3:
            raise ValueError(tr(
                "{where} needs an image input (height, width, channels) but receives "
                "{shape}. Remove it, or use it after Conv2D on image data.",
                where=where, shape=format_shape(shape)))
        pool = spec["pool"]
        h, w = shape[0] // pool, shape[1] // pool
        if h < 1 or w < 1:
            raise ValueError(tr(
                "{where} cannot fit a {pool}x{pool} window in its {h}x{w} input. Remove "
                "this pooling layer or use padding 'same' in the convolutions before "
                "it.", where=where, pool=pool, h=shape[0], w=shape[1]))
        return (h, w, shape[2]), 0, "image"
    if t == "embedding":
        if kind != "tokens":
            raise ValueError(tr(
                "{where} reads integer token ids, but this dataset gives {kind} of "
                "shape {shape}. Remove the Embedding layer; it is for text datasets.",
                where=where, kind=tr(kind), shape=format_shape(shape)))
        dim = spec["output_dim"]
        return (*shape, dim), data.vocab_size * dim, "sequence"
    if t == "lstm":
        if len(shape) != 2:
            message = (
                mark("{where} needs a sequence (timesteps, features) but receives "
                     "{shape}. Put an Embedding layer before it on text data; LSTM "
                     "does not fit flat feature vectors.") if len(shape) == 1 else
                mark("{where} needs a sequence (timesteps, features) but receives "
                     "{shape}. Put an Embedding layer before it on text data; LSTM "
                     "does not fit images."))
            raise ValueError(tr(message, where=where, shape=format_shape(shape)))
        units = spec["units"]
        params = 4 * (units * (shape[1] + units) + units)
        if spec["return_sequences"] == "on":
            return (shape[0], units), params, "sequence"
        return (units,), params, "features"
    raise ValueError(f"{where}: unknown layer type {t!r}.")


def check_stack(layers: tuple[LayerSpec, ...], output: LayerSpec | None,
                data: DataSpec) -> list[LayerRow]:
    """Checks that a stack fits the data and returns its summary rows.

    Args:
        layers: The hidden layers, first to last.
        output: The output layer, or None for the one `suggest_output` picks.
        data: The dataset's input and task.

    Returns:
        One `LayerRow` per layer, output layer last, with the output shapes
        and parameter counts Keras' `model.summary()` reports.

    Raises:
        StackError: naming the first layer that does not fit and the fix.
    """
    out_spec = output if output is not None else suggest_output(data)
    stack = (*layers, out_spec)
    shape, kind = tuple(data.input_shape), data.input_kind
    rows = []
    for index, spec in enumerate(stack):
        is_output = index == len(layers)
        where = (tr("The output layer {layer}", layer=spec.describe()) if is_output
                 else tr("Layer {number}, {layer},", number=index + 1,
                         layer=spec.describe()))
        try:
            shape, params, kind = layer_output(spec, shape, kind, data, where)
        except ValueError as error:
            raise StackError(index, str(error)) from None
        rows.append(LayerRow(spec.type.label, shape, params))
    check_output(out_spec, shape, data, len(layers))
    return rows


def check_output(spec: LayerSpec, shape: tuple[int, ...], data: DataSpec,
                  index: int) -> None:
    if spec.kind != "dense":
        raise StackError(index, tr("The output layer must be Dense; received {layer}.",
                                   layer=spec.type.label))
    units, act = spec["units"], spec["activation"]
    if act == "softmax" and units == 1:
        raise StackError(index, tr(
            "The output layer is a softmax over 1 unit, which always outputs 1. Use "
            "sigmoid for one unit, or more units."))
    if act == "softmax" and data.task != REGRESSION and units != data.num_classes:
        raise StackError(index, tr(
            "The output layer has softmax over {units}, but the data has {classes} "
            "classes. Set units to {classes}.", units=_units(units),
            classes=data.num_classes))
    if data.task == BINARY and units not in (1, 2):
        raise StackError(index, tr(
            "The output layer has {units} but the data has 2 classes. Use 1 unit with "
            "sigmoid (or 2 with softmax).", units=_units(units)))
    if data.task == MULTICLASS and units != data.num_classes:
        raise StackError(index, tr(
            "The output layer has {units} but the data has {classes} classes. Set "
            "units to {classes}.", units=_units(units), classes=data.num_classes))
    if data.task == REGRESSION and units != 1:
        raise StackError(index, tr(
            "The output layer has {units} but a regression target is one number. Set "
            "units to 1 and activation to linear.", units=_units(units)))
