"""A lesson's limits: the most epochs, layers, units and parameters, and the
datasets allowed, checked on an experiment before it trains.

`limit_problems(limits, exp)` lists every limit an experiment exceeds, each
naming the experiment's value and the limit; the Train page shows them and
does not train while there is one. The trainable parameters are counted
without TensorFlow, from the same shape check the Model page uses
(`playground.model.checks.check_experiment`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

from playground.config import Experiment
from playground.datasets import DATASETS
from playground.datasets.errors import CsvError, DataUnavailable
from playground.fields import ConfigError, ConfigErrors, IntField, unknown_keys_error
from playground.i18n import tr
from playground.model.graph import graph_layers
from playground.model.layers import MAX_LAYERS
from playground.model.shapes import StackError

# The numbers a limit may take: one declaration gives the check and the message.
LIMIT_FIELDS = {
    "epochs": IntField("epochs", None, "The most epochs a run may train.",
                       minimum=1, maximum=2000),
    "layers": IntField("layers", None, "The most hidden layers.", minimum=0,
                       maximum=MAX_LAYERS),
    "units": IntField("units", None, "The most units (or filters) of one hidden "
                      "layer.", minimum=1, maximum=1024),
    "params": IntField("params", None, "The most trainable parameters of the model.",
                       minimum=1, maximum=10**9),
}
LIMIT_NAMES = (*LIMIT_FIELDS, "datasets")
"""The names `Limits` takes, as `--limit NAME=MAX` writes them."""


@dataclass(frozen=True)
class Limits:
    """The most a student's experiment may ask for; None (or no datasets)
    leaves a limit off.

    Attributes:
        epochs: The most epochs.
        layers: The most hidden layers (the output layer is not counted).
        units: The most units of one hidden layer (Dense, LSTM), or filters
            of one Conv2D layer.
        params: The most trainable parameters of the whole model.
        datasets: The datasets allowed, by name; empty allows every one.
    """

    epochs: int | None = None
    layers: int | None = None
    units: int | None = None
    params: int | None = None
    datasets: tuple[str, ...] = ()

    def __post_init__(self):
        errors = []
        for name, field in LIMIT_FIELDS.items():
            value = getattr(self, name)
            if value is not None:
                try:
                    object.__setattr__(self, name, field.validate(value))
                except ConfigError as error:
                    errors.append(_limit_error(error, name))
        datasets = self.datasets
        if isinstance(datasets, str):
            datasets = tuple(d.strip() for d in datasets.split(",") if d.strip())
        if not isinstance(datasets, (list, tuple)) or not all(
                isinstance(d, str) and d in DATASETS for d in datasets):
            errors.append(ConfigError(
                "limit datasets", datasets, tr("dataset names among {names}",
                                               names=", ".join(DATASETS)),
                tr("Name the datasets the students may pick, separated by "
                   "commas.")))
        else:
            object.__setattr__(self, "datasets", tuple(dict.fromkeys(datasets)))
        if errors:
            raise errors[0] if len(errors) == 1 else ConfigErrors(errors)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) not in (None, ()) for f in fields(self))

    def to_dict(self) -> dict[str, Any]:
        """The limits that are on, as JSON-ready values."""
        data: dict[str, Any] = {name: getattr(self, name) for name in LIMIT_FIELDS
                                if getattr(self, name) is not None}
        if self.datasets:
            data["datasets"] = list(self.datasets)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Limits:
        """Reads `to_dict()` output strictly.

        Raises:
            ConfigError, ConfigErrors: an unknown name or a bad value.
        """
        if not isinstance(data, Mapping):
            raise ConfigError("limits", data, tr("a JSON object of limits"))
        unknown = [key for key in data if key not in LIMIT_NAMES]
        if unknown:
            raise unknown_keys_error("limit", unknown, list(LIMIT_NAMES))
        values = dict(data)
        if isinstance(values.get("datasets"), list):
            values["datasets"] = tuple(values["datasets"])
        return cls(**values)

    @classmethod
    def parse(cls, items: list[str]) -> Limits:
        """Reads `NAME=MAX` texts, as the command line's `--limit` gives them:
        `epochs=50`, `layers=3`, `units=16`, `params=500`,
        `datasets=circle,xor`.

        Raises:
            ConfigError, ConfigErrors: naming the text and the fix.
        """
        values: dict[str, Any] = {}
        for item in items:
            name, equals, value = item.partition("=")
            name = name.strip()
            if not equals or name not in LIMIT_NAMES:
                raise ConfigError("limit", item, tr("NAME=MAX with NAME one of {names}",
                                                    names=", ".join(LIMIT_NAMES)),
                                  tr("Write a limit such as epochs=50."))
            if name in values:
                raise ConfigError("limit", item, tr("each limit once"),
                                  tr("Give `{name}` only once.", name=name))
            if name == "datasets":
                values[name] = value
            else:
                try:
                    values[name] = int(value.strip(), 10) if value.strip().isascii() \
                        else value
                except ValueError:
                    values[name] = value
        return cls(**values)


def _limit_error(error: ConfigError, name: str) -> ConfigError:
    return ConfigError(f"limit {name}", error.received, error.expected,
                       tr("Pick a whole number from {low} to {high}.",
                          low=LIMIT_FIELDS[name].minimum,
                          high=LIMIT_FIELDS[name].maximum))


def trainable_params(exp: Experiment) -> int | None:
    """The model's trainable parameters, counted without TensorFlow; None
    when they cannot be known here (a CSV file that is not loaded, a model
    that does not fit its data: the model's own check says why)."""
    from playground.model.checks import check_experiment

    try:
        rows = check_experiment(exp)
    except (StackError, DataUnavailable, CsvError, ConfigError, ConfigErrors):
        return None
    total = 0
    for row in rows:
        # BatchNormalization keeps 4 numbers per channel; its moving mean
        # and variance (half of them) are not trained.
        total += row.params // 2 if row.name == "BatchNormalization" else row.params
    return total


def _layer_size(layer) -> tuple[str, int] | None:
    for setting in ("units", "filters"):
        if any(name == setting for name, _ in layer.options):
            return setting, int(layer[setting])
    return None


def limit_problems(lesson: Any, exp: Experiment,
                   params: int | None = None) -> list[str]:
    """Each limit `exp` exceeds, as one sentence naming its value and the
    limit ("12 layers; this lesson allows at most 4."); [] when it keeps
    to every limit.

    Args:
        lesson: The lesson (`playground.lessons.Lesson`), or its `Limits`.
        exp: The experiment a student asks to train.
        params: Its trainable parameters when already known (the Model page
            counts them); else counted here when a `params` limit is on.
    """
    limits: Limits = getattr(lesson, "limits", lesson)
    found = []
    if limits.datasets and exp.dataset not in limits.datasets:
        found.append(tr("The dataset {dataset} is not one of this lesson's: {allowed}.",
                        dataset=exp.dataset, allowed=", ".join(limits.datasets)))
    if limits.epochs is not None and exp.epochs > limits.epochs:
        found.append(tr("{count} epochs; this lesson allows at most {limit}.",
                        count=exp.epochs, limit=limits.epochs))
    layers = graph_layers(exp.graph) if exp.graph else exp.layers  # a graph's too
    if limits.layers is not None and len(layers) > limits.layers:
        found.append(tr("{count} layers; this lesson allows at most {limit}.",
                        count=len(layers), limit=limits.layers))
    if limits.units is not None:
        for number, layer in enumerate(layers, start=1):
            size = _layer_size(layer)
            if size is None or size[1] <= limits.units:
                continue
            text = (tr("Layer {number} ({layer}) has {count} filters; this lesson "
                       "allows at most {limit} per layer.", number=number,
                       layer=layer.type.label, count=size[1], limit=limits.units)
                    if size[0] == "filters" else
                    tr("Layer {number} ({layer}) has {count} units; this lesson "
                       "allows at most {limit} per layer.", number=number,
                       layer=layer.type.label, count=size[1], limit=limits.units))
            found.append(text)
    if limits.params is not None:
        params = trainable_params(exp) if params is None else params
        if params is not None and params > limits.params:
            found.append(tr("{count} trainable parameters; this lesson allows at most "
                            "{limit}.", count=format(params, ","),
                            limit=format(limits.params, ",")))
    return found
