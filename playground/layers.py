"""Layer specifications, their settings, and shape checking without Keras.

A `LayerSpec` is the plain-data description of one layer ("Dense, 8 units,
tanh"). `LAYER_TYPES` declares which settings each layer type has, with their
ranges, so that the app's sliders, the JSON file and the URL all agree.

`check_stack` walks a stack of specs over the dataset's input the way Keras
would, computing each layer's output shape and parameter count by the same
formulas Keras uses. It refuses a stack that cannot fit the data with a
message that names the layer and the fix, before any TensorFlow is imported;
the tests compare its numbers to `model.summary()`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from playground.fields import (
    ChoiceField,
    ConfigError,
    Field,
    FloatField,
    IntField,
    _short_repr,
)
from playground.registry import ACTIVATIONS, BINARY, MULTICLASS, REGRESSION

LAYER_SEPARATOR = "_"
SETTING_SEPARATOR = "-"


@dataclass(frozen=True)
class LayerType:
    """One kind of layer the user can add.

    Args:
        name: Stored name (`"dense"`).
        label: Keras class name shown to the user (`"Dense"`).
        fields: Its settings, in URL order.
        description: One line of what it does.
    """

    name: str
    label: str
    fields: tuple[Field, ...] = ()
    description: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _activation(default: str) -> ChoiceField:
    return ChoiceField("activation", default, "Nonlinearity applied to the output.",
                       choices=ACTIVATIONS)


LAYER_TYPES: dict[str, LayerType] = {
    t.name: t
    for t in (
        LayerType(
            "dense", "Dense",
            (
                IntField("units", 8, "Number of neurons.", minimum=1, maximum=1024),
                _activation("relu"),
                FloatField("l1", 0.0, "L1 penalty on the weights.", maximum=1.0),
                FloatField("l2", 0.0, "L2 penalty on the weights.", maximum=1.0),
            ),
            "Fully connected: every input feeds every unit.",
        ),
        LayerType(
            "dropout", "Dropout",
            (FloatField("rate", 0.5, "Fraction of inputs dropped while training.",
                        maximum=0.95),),
            "Randomly zeroes inputs while training, against overfitting.",
        ),
        LayerType("batchnorm", "BatchNormalization", (),
                  "Normalises each feature over the batch."),
        LayerType("activation", "Activation", (_activation("relu"),),
                  "Applies a nonlinearity on its own."),
        LayerType("flatten", "Flatten", (), "Turns an image or sequence into a vector."),
        LayerType(
            "conv2d", "Conv2D",
            (
                IntField("filters", 8, "Number of feature maps.", minimum=1, maximum=256),
                IntField("kernel", 3, "Kernel height and width.", minimum=1, maximum=9),
                IntField("stride", 1, "Step between kernel positions.", minimum=1,
                         maximum=4),
                ChoiceField("padding", "valid", "'same' keeps the size at stride 1.",
                            choices=("valid", "same")),
                _activation("relu"),
            ),
            "Slides small filters over an image.",
        ),
        LayerType(
            "maxpool2d", "MaxPooling2D",
            (IntField("pool", 2, "Window height and width.", minimum=2, maximum=4),),
            "Keeps the largest value of each window, halving the image.",
        ),
        LayerType(
            "embedding", "Embedding",
            (IntField("output_dim", 16, "Size of each token's vector.", minimum=1,
                      maximum=512),),
            "Maps token ids to learned vectors.",
        ),
        LayerType(
            "lstm", "LSTM",
            (IntField("units", 16, "Size of the hidden state.", minimum=1, maximum=512),),
            "Reads a sequence and returns its final hidden state.",
        ),
    )
}


@dataclass(frozen=True)
class LayerSpec:
    """The plain-data description of one layer.

    Build one with `LayerSpec.make("dense", units=4, activation="tanh")`;
    settings left out take their defaults, and every value is checked.
    """

    kind: str
    options: tuple[tuple[str, Any], ...] = field(default=())

    @classmethod
    def make(cls, kind: str, /, **options: Any) -> LayerSpec:
        if kind not in LAYER_TYPES:
            raise ConfigError(
                "layer type", kind, "one of " + ", ".join(map(repr, LAYER_TYPES))
            )
        layer_type = LAYER_TYPES[kind]
        names = {f.name for f in layer_type.fields}
        unknown = sorted(set(options) - names)
        if unknown:
            raise ConfigError(
                f"{layer_type.label} setting",
                unknown[0],
                "one of " + (", ".join(map(repr, sorted(names))) or "no settings"),
            )
        values = tuple(
            (f.name, f.validate(options.get(f.name, f.default)))
            for f in layer_type.fields
        )
        return cls(kind, values)

    @property
    def type(self) -> LayerType:
        return LAYER_TYPES[self.kind]

    def __getitem__(self, name: str) -> Any:
        return dict(self.options)[name]

    def replace(self, **changes: Any) -> LayerSpec:
        return LayerSpec.make(self.kind, **{**dict(self.options), **changes})

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, **dict(self.options)}

    @classmethod
    def from_dict(cls, data: Any) -> LayerSpec:
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise ConfigError(
                "layer", data, 'an object with a "type", like {"type": "dense"}'
            )
        options = {str(k): v for k, v in data.items() if k != "type"}
        return cls.make(data["type"], **options)

    def to_token(self) -> str:
        """Compact URL form: `dense-4-tanh`; trailing defaults are left out."""
        values = [f.to_text(self[f.name]) for f in self.type.fields]
        defaults = [f.to_text(f.default) for f in self.type.fields]
        while values and values[-1] == defaults[len(values) - 1]:
            values.pop()
        return SETTING_SEPARATOR.join([self.kind, *values])

    @classmethod
    def from_token(cls, token: str) -> LayerSpec:
        kind, *texts = token.split(SETTING_SEPARATOR)
        if kind not in LAYER_TYPES:
            raise ConfigError(
                "layer type", kind, "one of " + ", ".join(map(repr, LAYER_TYPES))
            )
        fields = LAYER_TYPES[kind].fields
        if len(texts) > len(fields):
            raise ConfigError(
                f"the number of {LAYER_TYPES[kind].label} settings", len(texts),
                f"at most {len(fields)}"
                + (f" ({', '.join(f.name for f in fields)})" if fields
                   else " (it has none)"),
            )
        options = {f.name: f.from_text(t) for f, t in zip(fields, texts)}
        return cls.make(kind, **options)

    def describe(self) -> str:
        """A short human label: `Dense(4, tanh)`."""
        settings = ", ".join(
            str(v) for (n, v) in self.options if n not in ("l1", "l2") or v
        )
        return f"{self.type.label}({settings})" if settings else self.type.label


def layers_to_text(layers: tuple[LayerSpec, ...]) -> str:
    return LAYER_SEPARATOR.join(layer.to_token() for layer in layers)


LAYERS_FORM = ("layers joined by '_', each a layer type and its settings joined "
               "by '-', such as dense-8-relu_dropout-0.2")


def layers_from_text(text: str, field: str = "layers",
                     expected: str = LAYERS_FORM) -> tuple[LayerSpec, ...]:
    """Reads a layer stack from its URL form, `dense-8-relu_dropout-0.2`.

    Args:
        text: The URL value.
        field: The name of the setting it came from, for error messages.
        expected: What that setting accepts, for error messages.

    Raises:
        ConfigError: naming `field`, with the whole value, the first bad
            layer (its position and token) and what is wrong with it.
    """
    text = text.strip()
    if not text:
        return ()
    layers = []
    for number, token in enumerate(text.split(LAYER_SEPARATOR), 1):
        if not token:
            raise ConfigError(field, text, expected,
                              f"Layer {number} is empty: remove the extra "
                              f"{LAYER_SEPARATOR!r} or name a layer type such as "
                              "'dense'.")
        try:
            layers.append(LayerSpec.from_token(token))
        except ConfigError as error:
            problem = (f"Layer {number}, {token!r}: {error.field} must be "
                       f"{error.expected}, not {_short_repr(error.received)}.")
            raise ConfigError(field, text, expected,
                              f"{problem} {error.fix}".strip()) from None
    return tuple(layers)


# --------------------------------------------------------------------------
# Checking a stack against the data, with Keras' shape and parameter rules.


@dataclass(frozen=True)
class DataSpec:
    """What a model needs to know about a dataset.

    Attributes:
        input_shape: One sample's shape, e.g. `(2,)` or `(8, 8, 1)`.
        input_kind: `"features"`, `"image"` or `"tokens"`.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        num_classes: Number of classes (1 for regression).
        vocab_size: For token inputs, the number of distinct ids.
    """

    input_shape: tuple[int, ...]
    input_kind: str
    task: str
    num_classes: int
    vocab_size: int = 0


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


def _fmt(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _conv_size(size: int, kernel: int, stride: int, padding: str) -> int:
    if padding == "same":
        return math.ceil(size / stride)
    return (size - kernel) // stride + 1


def _layer_output(spec: LayerSpec, shape: tuple[int, ...], kind: str,
                  data: DataSpec, where: str) -> tuple[tuple[int, ...], int, str]:
    """Returns (output shape, params, input kind after it) or raises ValueError."""
    t = spec.kind
    if kind == "tokens" and t != "embedding":
        raise ValueError(
            f"{where} receives token ids (integers), which only an Embedding layer "
            "can read. Put an Embedding layer first."
        )
    if t == "dense":
        if len(shape) != 1:
            raise ValueError(
                f"{where} receives a {len(shape)}-D input {_fmt(shape)} but Dense "
                "expects a flat vector. Add a Flatten layer before it"
                + (" (or an LSTM for a sequence)." if kind == "sequence" else ".")
            )
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
            raise ValueError(
                f"{where} needs an image input (height, width, channels) but "
                f"receives {_fmt(shape)}. Conv2D only fits image data such as "
                "digits; for tabular data use Dense layers."
            )
        k, s, p = spec["kernel"], spec["stride"], spec["padding"]
        h, w = (_conv_size(d, k, s, p) for d in shape[:2])
        if h < 1 or w < 1:
            raise ValueError(
                f"{where} cannot fit a {k}x{k} kernel in its "
                f"{shape[0]}x{shape[1]} input with padding 'valid'. Use padding "
                "'same', a smaller kernel, or fewer pooling layers before it."
            )
        filters = spec["filters"]
        return (h, w, filters), k * k * shape[2] * filters + filters, "image"
    if t == "maxpool2d":
        if len(shape) != 3:
            raise ValueError(
                f"{where} needs an image input (height, width, channels) but "
                f"receives {_fmt(shape)}. Remove it, or use it after Conv2D on "
                "image data."
            )
        pool = spec["pool"]
        h, w = shape[0] // pool, shape[1] // pool
        if h < 1 or w < 1:
            raise ValueError(
                f"{where} cannot fit a {pool}x{pool} window in its "
                f"{shape[0]}x{shape[1]} input. Remove this pooling layer or use "
                "padding 'same' in the convolutions before it."
            )
        return (h, w, shape[2]), 0, "image"
    if t == "embedding":
        if kind != "tokens":
            raise ValueError(
                f"{where} reads integer token ids, but this dataset gives "
                f"{kind} of shape {_fmt(shape)}. Remove the Embedding layer; "
                "it is for text datasets."
            )
        dim = spec["output_dim"]
        return (*shape, dim), data.vocab_size * dim, "sequence"
    if t == "lstm":
        if len(shape) != 2:
            raise ValueError(
                f"{where} needs a sequence (timesteps, features) but receives "
                f"{_fmt(shape)}. Put an Embedding layer before it on text data; "
                "LSTM does not fit "
                + ("flat feature vectors." if len(shape) == 1 else "images.")
            )
        units = spec["units"]
        return (units,), 4 * (units * (shape[1] + units) + units), "features"
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
        where = (f"The output layer {spec.describe()}" if is_output
                 else f"Layer {index + 1}, {spec.describe()},")
        try:
            shape, params, kind = _layer_output(spec, shape, kind, data, where)
        except ValueError as error:
            raise StackError(index, str(error)) from None
        rows.append(LayerRow(spec.type.label, shape, params))
    _check_output(out_spec, shape, data, len(layers))
    return rows


def _check_output(spec: LayerSpec, shape: tuple[int, ...], data: DataSpec,
                  index: int) -> None:
    if spec.kind != "dense":
        raise StackError(
            index, f"The output layer must be Dense; received {spec.type.label}."
        )
    units, act = spec["units"], spec["activation"]
    if act == "softmax" and units == 1:
        raise StackError(
            index,
            "The output layer is a softmax over 1 unit, which always outputs 1. "
            "Use sigmoid for one unit, or more units.",
        )
    if act == "softmax" and data.task != REGRESSION and units != data.num_classes:
        raise StackError(
            index,
            f"The output layer has softmax over {units} units, but the data has "
            f"{data.num_classes} classes. Set units to {data.num_classes}.",
        )
    if data.task == BINARY and units not in (1, 2):
        raise StackError(
            index,
            f"The output layer has {units} units but the data has 2 classes. "
            "Use 1 unit with sigmoid (or 2 with softmax).",
        )
    if data.task == MULTICLASS and units != data.num_classes:
        raise StackError(
            index,
            f"The output layer has {units} units but the data has "
            f"{data.num_classes} classes. Set units to {data.num_classes}.",
        )
    if data.task == REGRESSION and units != 1:
        raise StackError(
            index,
            f"The output layer has {units} units but a regression target is one "
            "number. Set units to 1 and activation to linear.",
        )
