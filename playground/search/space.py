"""What a hyperparameter search may vary, read from plain data and checked.

A search space maps names to values. A name is an experiment field
(`learning_rate`, `optimizer`, `batch_size`, ...), a layer setting written
`layers.N.setting` (`layers.0.units`, `layers.1.rate`), or `dense_layers`,
the number of hidden Dense layers. A value is a list of choices
(`["sgd", "adam"]`) or a range, `{"min": ..., "max": ...}` with an optional
`"step"` and `"log": true` (on a log range the step multiplies).

`SearchSpace.parse` checks every name and value against the experiment it
starts from, with the same field table that checks links, so a bad space is
refused before any training with a message naming the field and the fix.
`hyperparameters()` gives Keras Tuner the space; `apply` turns one trial's
values into the experiment it trains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from playground.config import FIELDS_BY_NAME, Experiment
from playground.fields import ChoiceField, ConfigError, FloatField, IntField
from playground.i18n import tr
from playground.model.layers import LAYER_TYPES, LayerSpec

DENSE_LAYERS = "dense_layers"
MAX_GRID_POINTS = 500
MAX_STEPPED_VALUES = 10_000
"""Values one stepped range may hold: its grid is listed for Keras Tuner."""
# Fields that define the data or the run's length, not the model or training:
# a search keeps them as in the experiment (epochs per trial is its budget).
FIXED_FIELDS = frozenset({
    "dataset", "samples", "subset", "num_words", "maxlen", "csv_name", "target",
    "task", "missing", "scale", "images", "noise", "val_fraction", "test_fraction",
    "seed", "layers", "epochs", "tensorboard", "upload"})


class SpaceError(ValueError):
    """A search space that cannot be used; the message names the field and
    the fix."""


@dataclass(frozen=True)
class Dimension:
    """One thing a search varies: a list of choices or a range.

    Attributes:
        name: The field, `layers.N.setting` or `dense_layers`.
        choices: The values to choose from (empty for a range).
        low, high: A range's ends, both included.
        step: A range's step (a factor on a log range); None for a
            continuous float range.
        log: Whether the range is sampled on a log scale.
        integer: Whether the range holds integers.
    """

    name: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    log: bool = False
    integer: bool = False

    def grid_values(self) -> list | None:
        """Every value a grid visits; None for a continuous range."""
        if self.choices:
            return list(self.choices)
        if self.step is None:  # integers go by 1; floats and log integers flow
            return self._stepped(1) if self.integer and not self.log else None
        return self._stepped(self.step)

    def value_count(self) -> float | None:
        """How many values `grid_values` lists, counted without listing them
        (a step of 1e-300 would list forever); None for a continuous range.
        Exact up to rounding at the range's end."""
        if self.choices:
            return len(self.choices)
        step = self.step if self.step is not None else (
            1 if self.integer and not self.log else None)
        if step is None:
            return None
        top = self.high * (1 + 1e-9) + 1e-12
        if self.log:
            return math.floor(math.log(top / self.low) / math.log(step)) + 1
        return math.floor((top - self.low) / step) + 1

    def _stepped(self, step: float) -> list:
        """`low`, `low + step`, ... (times `step` on a log range) up to `high`,
        computed from the index so that 0.1 steps land on 0.3, not 0.30000000000000004."""
        values, index = [], 0
        while True:
            value = self.low * step ** index if self.log else self.low + index * step
            if value > self.high * (1 + 1e-9) + 1e-12:
                return values
            values.append(int(round(value)) if self.integer else float(f"{value:.10g}"))
            index += 1

    def describe(self) -> str:
        """How the dimension reads in a table, in the reader's language:
        `8, 16, 32` or `1e-4 … 0.1 (log)`."""
        if self.choices:
            return ", ".join(str(c) for c in self.choices)
        text = f"{self.low:g} … {self.high:g}"
        if self.step is not None:
            text = tr("{range} by {step}", range=text,
                      step=("×" if self.log else "") + format(self.step, "g"))
        return tr("{range} (log)", range=text) if self.log else text


def _setting_field(exp: Experiment, name: str, most_layers: int):
    """The field a name refers to, or a `SpaceError` saying why none.

    `most_layers` is the largest stack a trial can have (more than the
    experiment's when `dense_layers` may add layers).
    """
    if exp.graph and (name == DENSE_LAYERS or name.startswith("layers.")):
        raise SpaceError(tr(
            "`{name}` varies a stack's hidden layers, and this model is a graph (Keras' "
            "Functional API), whose layers a search does not vary yet. Search its "
            "other settings (learning_rate, batch_size, ...), or switch the Model page "
            "to the stack.", name=name))
    if name == DENSE_LAYERS:
        if any(spec.kind != "dense" for spec in exp.layers):
            raise SpaceError(tr(
                "`{name}` varies the number of hidden Dense layers, so the stack must "
                "hold Dense layers only; this one has {kinds}. Vary the units of its "
                "layers (`layers.N.units`) instead.", name=DENSE_LAYERS,
                kinds=", ".join(sorted({s.kind for s in exp.layers} - {"dense"}))))
        return IntField(DENSE_LAYERS, 1, "Hidden Dense layers.", minimum=0, maximum=8)
    if name.startswith("layers."):
        parts = name.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            raise SpaceError(tr("`{name}` is not a layer setting: write "
                                "`layers.N.setting`, e.g. `layers.0.units`.", name=name))
        index, setting = int(parts[1]), parts[2]
        if index >= most_layers:
            raise SpaceError(tr("`{name}` names layer {index}, but the stack has "
                                "{count} hidden layer(s), numbered from 0.", name=name,
                                index=index, count=most_layers))
        kind = exp.layers[min(index, len(exp.layers) - 1)].kind if exp.layers else "dense"
        layer = LAYER_TYPES[kind]
        fields = {f.name: f for f in layer.fields}
        if setting not in fields:
            raise SpaceError(tr(
                "`{name}`: a {layer} layer has no setting {setting}; it has "
                "{settings}.", name=name, layer=layer.label, setting=repr(setting),
                settings=", ".join(repr(f) for f in fields)) if fields else tr(
                "`{name}`: a {layer} layer has no setting {setting}; it has none.",
                name=name, layer=layer.label, setting=repr(setting)))
        return fields[setting]
    field = FIELDS_BY_NAME.get(name)
    if field is None or name in FIXED_FIELDS or not isinstance(
            field, (IntField, FloatField, ChoiceField)):
        searchable = sorted(n for n, f in FIELDS_BY_NAME.items() if n not in FIXED_FIELDS
                            and isinstance(f, (IntField, FloatField, ChoiceField)))
        raise SpaceError(tr(
            "`{name}` cannot be searched. Use an experiment field ({fields}), a layer "
            "setting `layers.N.setting` or `{dense}`.", name=name,
            fields=", ".join(searchable), dense=DENSE_LAYERS))
    return field


def _dimension(exp: Experiment, name: str, value: Any, most_layers: int) -> Dimension:
    field = _setting_field(exp, name, most_layers)

    def checked(v):
        try:
            return field.validate(v)
        except ConfigError as error:
            raise SpaceError(str(error) if name == field.name else
                             tr("`{name}`: {error}", name=name, error=error)) from None

    if isinstance(value, (list, tuple)):
        if not value:
            raise SpaceError(tr("`{name}` has an empty list of choices: give at least "
                                "one.", name=name))
        choices = tuple(dict.fromkeys(checked(v) for v in value))
        return Dimension(name, choices=choices)
    if not isinstance(value, Mapping):
        raise SpaceError(tr('`{name}`: expected a list of choices or a range {{"min": '
                            '..., "max": ...}}; received {value}.', name=name,
                            value=repr(value)))
    unknown = set(value) - {"min", "max", "step", "log"}
    if unknown or "min" not in value or "max" not in value:
        raise SpaceError(tr('`{name}`: a range has "min" and "max", and optionally '
                            '"step" and "log"; received {value}.', name=name,
                            value=repr(dict(value))))
    if isinstance(field, ChoiceField):
        raise SpaceError(tr("`{name}` takes names ({expected}), not a range: give a "
                            "list of choices.", name=name, expected=field.expected))
    low, high = checked(value["min"]), checked(value["max"])
    if low > high:
        raise SpaceError(tr("`{name}`: the range's min ({low}) is above its max "
                            "({high}); swap them.", name=name, low=format(low, "g"),
                            high=format(high, "g")))
    log = bool(value.get("log", False))
    if log and low <= 0:
        raise SpaceError(tr("`{name}`: a log range needs a min above 0; received "
                            "{low}.", name=name, low=format(low, "g")))
    step = value.get("step")
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, (int, float)) or step <= 0 or (
                log and step <= 1):
            raise SpaceError(tr(
                "`{name}`: the step must be a number above 1 (a log range multiplies "
                "by it); received {step}.", name=name, step=repr(step)) if log else tr(
                "`{name}`: the step must be a number above 0; received {step}.",
                name=name, step=repr(step)))
        step = float(step)
        if isinstance(field, IntField) and not step.is_integer():
            raise SpaceError(tr("`{name}` holds whole numbers: its step must be a "
                                "whole number too; received {step}.", name=name,
                                step=format(step, "g")))
    dimension = Dimension(name, low=low, high=high, step=step, log=log,
                          integer=isinstance(field, IntField))
    count = dimension.value_count() if step is not None else None
    if count is not None and count > MAX_STEPPED_VALUES:
        many = (format(count, ",.0f") if count < 1e12 else
                tr("about {count}", count=format(count, ".1e")))
        raise SpaceError(tr(
            "`{name}`: the step {step} gives {many} values from {low} to {high}, more "
            "than {limit}. Make the step larger, or leave it out to search the range "
            "freely.", name=name, step=format(step, "g"), many=many,
            low=format(low, "g"), high=format(high, "g"),
            limit=format(MAX_STEPPED_VALUES, ",")))
    return dimension


@dataclass(frozen=True)
class SearchSpace:
    """The dimensions of a search, in the order given."""

    dimensions: tuple[Dimension, ...]

    @classmethod
    def parse(cls, space: Mapping[str, Any], exp: Experiment) -> SearchSpace:
        """Reads and checks a space (see the module doc) against `exp`."""
        if not isinstance(space, Mapping) or not space:
            raise SpaceError(tr('The search space is empty: name at least one thing to '
                                'vary, e.g. {"learning_rate": {"min": 0.001, "max": '
                                '0.1, "log": true}}.'))
        most_layers = len(exp.layers)
        if DENSE_LAYERS in space:  # checked first: it sets how many layers there are
            counts = _dimension(exp, DENSE_LAYERS, space[DENSE_LAYERS], most_layers)
            most_layers = max(most_layers, int(max(counts.choices or (counts.high,))))
        return cls(tuple(_dimension(exp, str(name), value, most_layers)
                         for name, value in space.items()))

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.dimensions]

    def grid_size(self) -> int | None:
        """The number of grid points; None when a range is continuous.
        Counted, not listed: a huge grid is refused without building it."""
        size = 1
        for dimension in self.dimensions:
            count = dimension.value_count()
            if count is None:
                return None
            size *= len(dimension.grid_values()) if count <= MAX_STEPPED_VALUES else count
        return size

    def check_grid(self) -> int:
        """The grid's size, or a `SpaceError` when it is infinite or too big."""
        size = self.grid_size()
        if size is None:
            continuous = [d.name for d in self.dimensions if d.grid_values() is None]
            raise SpaceError(tr('A grid needs a step on every float range; {names} has '
                                'none. Give it a "step", or search at random.',
                                names=", ".join(continuous)))
        if size > MAX_GRID_POINTS:
            raise SpaceError(tr("The grid has {size} points, more than {limit}. Use "
                                "fewer choices or larger steps, or search at random or "
                                "with Bayesian optimisation.", size=format(size, ","),
                                limit=MAX_GRID_POINTS))
        return size

    def hyperparameters(self) -> Any:
        """The space as Keras Tuner `HyperParameters`."""
        import keras_tuner

        hp = keras_tuner.HyperParameters()
        for d in self.dimensions:
            if d.choices:
                hp.Choice(d.name, list(d.choices), ordered=all(
                    isinstance(c, (int, float)) for c in d.choices))
            elif d.step is not None:
                # The values the grid size counts, exactly: Keras Tuner's own
                # stepping drifts on floats (0.0..0.5 by 0.1 stops at 0.4).
                hp.Choice(d.name, d.grid_values(), ordered=True)
            elif d.integer:
                step = None if d.step is None else int(d.step)
                hp.Int(d.name, int(d.low), int(d.high), step=step or (None if d.log else 1),
                       sampling="log" if d.log else "linear")
            else:
                hp.Float(d.name, float(d.low), float(d.high), step=d.step,
                         sampling="log" if d.log else "linear")
        return hp

    def apply(self, exp: Experiment, values: Mapping[str, Any]) -> Experiment:
        """The experiment one trial trains: `exp` with the trial's values.

        Raises:
            ConfigError: A value does not suit the experiment.
        """
        layers = list(exp.layers)
        if DENSE_LAYERS in values:
            count = int(values[DENSE_LAYERS])
            template = layers[-1] if layers else LayerSpec.make("dense")
            layers = (layers + [template] * count)[:count]
        changes = {}
        for name, value in values.items():
            if name.startswith("layers."):
                _, index, setting = name.split(".")
                if int(index) < len(layers):  # a layer `dense_layers` removed
                    layers[int(index)] = layers[int(index)].replace(**{setting: value})
            elif name != DENSE_LAYERS and not name.startswith("tuner/"):
                changes[name] = value
        return exp.replace(layers=tuple(layers), **changes)


def describe_values(values: Mapping[str, Any]) -> str:
    """A trial's values on one line: `learning_rate=0.01 layers.0.units=8`."""
    def text(value):
        return f"{value:.4g}" if isinstance(value, float) and not math.isnan(value) else str(value)

    return " ".join(f"{k}={text(v)}" for k, v in values.items()
                    if not k.startswith("tuner/"))
