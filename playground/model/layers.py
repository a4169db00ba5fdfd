"""Layer specifications and their settings, without Keras.

A `LayerSpec` is the plain-data description of one layer ("Dense, 8 units,
tanh"). `LAYER_TYPES` declares which settings each layer type has, with their
ranges, so that the app's sliders, the JSON file and the URL all agree; the
text form of a stack (`dense-8-tanh_dropout-0.2`) is the one links carry.
What a stack outputs, and whether it fits the data, is
`playground.model.shapes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.fields import (
    ChoiceField,
    ConfigError,
    Field,
    FloatField,
    IntField,
    short_repr,
)
from playground.i18n import mark, tr
from playground.registry import ACTIVATIONS

LAYER_SEPARATOR = "_"
SETTING_SEPARATOR = "-"
MAX_LAYERS = 16


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
            (IntField("units", 16, "Size of the hidden state.", minimum=1, maximum=512),
             ChoiceField("return_sequences", "off", "'on' returns the state after "
                         "every step, a sequence (for TimeDistributed or another "
                         "LSTM); 'off' only the last.", choices=("off", "on"))),
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
            raise _unknown_type(kind)
        layer_type = LAYER_TYPES[kind]
        names = {f.name for f in layer_type.fields}
        unknown = sorted(set(options) - names)
        if unknown:
            raise ConfigError(
                tr("{layer} setting", layer=layer_type.label), unknown[0],
                tr("one of {choices}", choices=", ".join(map(repr, sorted(names))))
                if names else tr("no settings"))
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
            raise ConfigError(tr("layer"), data,
                              tr('an object with a "type", like {"type": "dense"}'))
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
            raise _unknown_type(kind)
        fields = LAYER_TYPES[kind].fields
        if len(texts) > len(fields):
            raise ConfigError(
                tr("the number of {layer} settings", layer=LAYER_TYPES[kind].label),
                len(texts),
                tr("at most {count} ({names})", count=len(fields),
                   names=", ".join(f.name for f in fields)) if fields else
                tr("at most {count} (it has none)", count=len(fields)))
        options = {f.name: f.from_text(t) for f, t in zip(fields, texts)}
        return cls.make(kind, **options)

    def describe(self) -> str:
        """A short human label: `Dense(4, tanh)`."""
        settings = ", ".join(
            "return_sequences" if n == "return_sequences" else str(v)
            for (n, v) in self.options
            if (n not in ("l1", "l2") or v) and (n != "return_sequences" or v == "on")
        )
        return f"{self.type.label}({settings})" if settings else self.type.label


def _unknown_type(kind: Any) -> ConfigError:
    return ConfigError(tr("layer type"), kind, tr("one of {choices}", choices=", ".join(
        map(repr, LAYER_TYPES))))


def layers_to_text(layers: tuple[LayerSpec, ...]) -> str:
    return LAYER_SEPARATOR.join(layer.to_token() for layer in layers)


LAYERS_FORM = mark("layers joined by '_', each a layer type and its settings joined "
                    "by '-', such as dense-8-relu_dropout-0.2")


def layers_from_text(text: str, field: str = "layers",
                     expected: str | None = None) -> tuple[LayerSpec, ...]:
    """Reads a layer stack from its URL form, `dense-8-relu_dropout-0.2`.

    Args:
        text: The URL value.
        field: The name of the setting it came from, for error messages.
        expected: What that setting accepts, for error messages (by
            default `LAYERS_FORM`, translated).

    Raises:
        ConfigError: naming `field`, with the whole value, the first bad
            layer (its position and token) and what is wrong with it.
    """
    text = text.strip()
    if not text:
        return ()
    expected = tr(LAYERS_FORM) if expected is None else expected
    layers = []
    for number, token in enumerate(text.split(LAYER_SEPARATOR), 1):
        if not token:
            raise ConfigError(field, text, expected, tr(
                "Layer {number} is empty: remove the extra {separator} or name a layer "
                "type such as 'dense'.", number=number, separator=repr(LAYER_SEPARATOR)))
        try:
            layers.append(LayerSpec.from_token(token))
        except ConfigError as error:
            problem = tr("Layer {number}, {token}: {field} must be {expected}, not "
                         "{received}.", number=number, token=repr(token),
                         field=error.field, expected=error.expected,
                         received=short_repr(error.received))
            raise ConfigError(field, text, expected,
                              f"{problem} {error.fix}".strip()) from None
    return tuple(layers)


@dataclass(frozen=True)
class LayersField(Field):
    """The hidden layer stack of an experiment: a tuple of `LayerSpec`s,
    written in links as `layers_to_text` writes it."""

    @property
    def expected(self) -> str:
        return tr("a list of at most {count} layers", count=MAX_LAYERS)

    def validate(self, value: Any) -> tuple[LayerSpec, ...]:
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, LayerSpec) for v in value
        ):
            raise ConfigError(self.name, value, self.expected)
        if len(value) > MAX_LAYERS:
            raise ConfigError(self.name, tr("{count} layers", count=len(value)),
                              self.expected, tr("Remove some layers."))
        return tuple(value)

    def to_text(self, value: tuple[LayerSpec, ...]) -> str:
        return layers_to_text(value)

    def from_text(self, text: str) -> tuple[LayerSpec, ...]:
        return self.validate(layers_from_text(text))

    def to_json(self, value: tuple[LayerSpec, ...]) -> list[dict]:
        return [layer.to_dict() for layer in value]

    def from_json(self, data: Any) -> tuple[LayerSpec, ...]:
        if not isinstance(data, list):
            raise ConfigError(self.name, data, self.expected)
        return self.validate([LayerSpec.from_dict(d) for d in data])
