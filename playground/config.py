"""The experiment: every choice a user makes, in one frozen object.

`Experiment` holds the dataset and its options, the layer stack, the loss,
the optimizer and the training settings, all as plain Python values. It is
validated in one place (its constructor) and encoded through one table,
`FIELDS`, both to JSON and to URL query parameters, so the two encodings
cannot drift:

>>> exp = Experiment(dataset="spiral", epochs=50)
>>> Experiment.from_query(exp.to_query()) == exp
True

Parsing untrusted input (`from_query`, `from_json`) is all-or-nothing: it
returns a whole valid experiment or raises `ConfigErrors` listing every bad
field (the first bad setting of each) with what was received, what was
expected and how to fix it. The constructor raises a single `ConfigError`
when one field is wrong and `ConfigErrors` when several are.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Mapping

from playground.datasets import DATASETS
from playground.datasets.keras_sets import MAXLEN, NUM_WORDS
from playground.fields import (
    MAX_TEXT_LENGTH,
    ChoiceField,
    ColumnsField,
    ConfigError,
    ConfigErrors,
    Field,
    FloatField,
    FoldField,
    IntField,
    NamesField,
    TextField,
    unknown_keys_error,
)
from playground.i18n import mark, tr
from playground.model.augmentation import DEFAULT_STRENGTH, TRANSFORMS
from playground.model.graph import GraphField, GraphNode, stack_and_graph_error
from playground.model.layers import LayersField, LayerSpec, layers_from_text
from playground.registry import LOSSES, OPTIMIZERS
from playground.training.control_fields import (  # noqa: F401 - re-exported
    MONITORS,
    OFF_ON,
    SCHEDULES,
    TRAINING_CONTROL_FIELDS,
    fitting_monitors,
)
from playground.training.starting_point import StartingPoint, valid_start

VERSION = 1
AUTO = "auto"
# TF Playground's opening network: two tanh layers of 4 and 2 units.
DEFAULT_LAYERS = (
    LayerSpec.make("dense", units=4, activation="tanh"),
    LayerSpec.make("dense", units=2, activation="tanh"),
)


@dataclass(frozen=True)
class OutputField(Field):
    """The output layer: None lets the task choose it (`"auto"`)."""

    @property
    def expected(self) -> str:
        return tr("'auto' or a Dense layer such as dense-3-softmax")

    def validate(self, value: Any) -> LayerSpec | None:
        if value is None:
            return None
        if not isinstance(value, LayerSpec) or value.kind != "dense":
            raise ConfigError(self.name, value, self.expected)
        return value

    def to_text(self, value: LayerSpec | None) -> str:
        return AUTO if value is None else value.to_token()

    def from_text(self, text: str) -> LayerSpec | None:
        text = text.strip()
        if text == AUTO:
            return None
        layers = layers_from_text(text, self.name, self.expected)
        if len(layers) != 1 or layers[0].kind != "dense":
            raise ConfigError(self.name, text, self.expected,
                              tr("Give one Dense layer, or 'auto'."))
        return layers[0]

    def to_json(self, value: LayerSpec | None) -> Any:
        return AUTO if value is None else value.to_dict()

    def from_json(self, data: Any) -> LayerSpec | None:
        if data == AUTO or data is None:
            return None
        return self.validate(LayerSpec.from_dict(data))


MISSING_OPTION = {"drop": mark("drop the rows"),
                  "impute": mark("fill in (median / most frequent)")}
"""The missing-values choices in the words the Data page shows them."""

FIELDS: tuple[Field, ...] = (
    ChoiceField("dataset", "circle", "Which data to learn from.",
                choices=tuple(DATASETS)),
    IntField("samples", 500, "Number of generated points (2-D sets).", key="n",
             minimum=50, maximum=5000),
    IntField("subset", 5000, "Samples drawn from a Keras dataset (keeps runs short).",
             minimum=100, maximum=70000),
    IntField("num_words", NUM_WORDS.default, "Vocabulary: the most frequent words "
             "kept (IMDB, Reuters).", key="words", minimum=NUM_WORDS.minimum,
             maximum=NUM_WORDS.maximum),
    IntField("maxlen", MAXLEN.default, "Tokens per text: longer texts are cut, "
             "shorter ones padded (IMDB, Reuters).", minimum=MAXLEN.minimum,
             maximum=MAXLEN.maximum),
    TextField("csv_name", "", "Name of the uploaded CSV file.", key="file"),
    TextField("target", "", "The CSV column to predict.", key="target"),
    ColumnsField("exclude", (), "CSV columns left out of the features (an id, a "
                 "column with many missing values, a copy of the target).",
                 key="drop"),
    ChoiceField("task", AUTO, "What the target is; 'auto' detects it.",
                choices=(AUTO, "binary", "multiclass", "regression")),
    ChoiceField("missing", "drop", "Rows with missing values: drop them, or fill "
                "in the median / most frequent value.", choices=("drop", "impute")),
    ChoiceField("scale", "standard", "Standardise the CSV's features with the "
                "training statistics.", choices=("standard", "none")),
    ChoiceField("images", "off", "Read the CSV's feature columns as the pixels of "
                "square images (values 0..255 or 0..1).", choices=("off", "on")),
    FloatField("noise", 0.0, "How much the generated points are jittered.",
               maximum=0.5),
    FloatField("val_fraction", 0.2, "Share of the data held out for validation.",
               key="val", maximum=0.4),
    FloatField("test_fraction", 0.3, "Share of the data held out for the test.",
               key="test", minimum=0.05, maximum=0.4),
    IntField("seed", 1, "Seeds the data, the split and the initial weights.",
             maximum=2**31 - 1),
    LayersField("layers", DEFAULT_LAYERS, "Hidden layers, first to last."),
    GraphField("graph", (), "A graph of layers (Keras' Functional API) in place of "
               "the stack; empty: the stack."),
    OutputField("output", None, "Output layer; 'auto' picks it from the task.",
                key="out"),
    ChoiceField("loss", AUTO, "What training minimises; 'auto' picks it from the task.",
                choices=(AUTO, *LOSSES)),
    ChoiceField("optimizer", "sgd", "How the weights are updated.", key="opt",
                choices=tuple(OPTIMIZERS)),
    FloatField("learning_rate", 0.03, "Step size of each update.", key="lr",
               minimum=0.00001, maximum=10.0),
    FloatField("momentum", 0.0, "Momentum (SGD and RMSprop).", maximum=0.99),
    IntField("batch_size", 10, "Samples per weight update.", key="batch",
             minimum=1, maximum=4096),
    IntField("epochs", 100, "Passes over the training data.", minimum=1,
             maximum=2000),
    *TRAINING_CONTROL_FIELDS,
    NamesField("augment", (), "Images only: random transforms of each training image "
               "at the model's input (Keras' preprocessing layers, active only in "
               "training).", key="aug", choices=TRANSFORMS),
    FloatField("augment_strength", DEFAULT_STRENGTH, "How far the transforms go: "
               "rotations up to this share of a turn, zooms and shifts up to this "
               "share of the image, contrast up to this much.", key="aug_strength",
               minimum=0.01, maximum=0.5),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
# Data options that only some datasets use stay out of links at their default.
OMITTED_WHEN_DEFAULT = frozenset({"subset", "num_words", "maxlen", "csv_name", "target",
                                  "exclude", "task", "missing", "scale", "images",
                                  "augment", "augment_strength", "graph"}) | {
    f.name for f in TRAINING_CONTROL_FIELDS}
FIELDS_BY_KEY = {f.url_key: f for f in FIELDS}
VERSION_KEY = "v"

FOLD = FoldField("fold", None, "A run of a cross-validation: fold i of k.")

@dataclass(frozen=True)
class Experiment:
    """Everything that defines one training run, as plain values.

    Construct it with keyword arguments; every field is checked, and all
    errors are reported together as `ConfigErrors`. The defaults are TF
    Playground's opening experiment (circle, tanh 4-2, SGD at 0.03, batch 10). Use `replace` to change
    fields: the result is checked again.
    `upload` (an uploaded table's token), `fold` (`(k, i)`: a run of a
    cross-validation trains on fold i of k) and `start` (a continued run's
    starting weights, `playground.training.starting_point`; not compared)
    belong to one job: they are not in links, JSON or a stored run's settings.
    """

    dataset: str = "circle"
    samples: int = 500
    subset: int = 5000
    num_words: int = NUM_WORDS.default
    maxlen: int = MAXLEN.default
    csv_name: str = ""
    target: str = ""
    exclude: tuple[str, ...] = ()
    task: str = AUTO
    missing: str = "drop"
    scale: str = "standard"
    images: str = "off"
    noise: float = 0.0
    val_fraction: float = 0.2
    test_fraction: float = 0.3
    seed: int = 1
    layers: tuple[LayerSpec, ...] = DEFAULT_LAYERS
    graph: tuple[GraphNode, ...] = ()
    output: LayerSpec | None = None
    loss: str = AUTO
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    momentum: float = 0.0
    batch_size: int = 10
    epochs: int = 100
    early_stop_patience: int = 0
    early_stop_monitor: str = "val_loss"
    early_stop_min_delta: float = 0.0
    restore_best: str = "off"
    lr_schedule: str = "constant"
    lr_decay_rate: float = 0.5
    lr_decay_epochs: int = 10
    lr_warmup_epochs: int = 0
    plateau_factor: float = 0.5
    plateau_patience: int = 5
    min_lr: float = 0.0
    clipnorm: float = 0.0
    class_weight: str = "none"
    tensorboard: str = "off"
    checkpoint: str = "off"
    checkpoint_every: int = 10
    checkpoint_keep: int = 3
    augment: tuple[str, ...] = ()
    augment_strength: float = DEFAULT_STRENGTH
    upload: str = dataclasses.field(default="", repr=False)
    fold: tuple[int, int] | None = dataclasses.field(default=None, repr=False)
    start: StartingPoint | None = dataclasses.field(default=None, repr=False,
                                                     compare=False)

    def __post_init__(self):
        errors = []
        for f in FIELDS:
            try:
                object.__setattr__(self, f.name, f.validate(getattr(self, f.name)))
            except ConfigError as error:
                errors.append(error)
        try:
            object.__setattr__(self, "fold", FOLD.validate(self.fold))
            valid_start(self.start)
        except ConfigError as error:
            errors.append(error)
        if not errors and self.graph and self.layers:
            errors.append(stack_and_graph_error(self.layers))
        if not errors and round(self.val_fraction + self.test_fraction, 9) > 0.6:
            errors.append(ConfigError(
                "val_fraction + test_fraction",
                round(self.val_fraction + self.test_fraction, 4),
                tr("at most 0.6, so that at least 40% of the data is for training"),
                tr("Lower the validation or test share."),
            ))
        if errors:
            raise errors[0] if len(errors) == 1 else ConfigErrors(errors)

    def replace(self, **changes: Any) -> Experiment:
        """Returns a checked copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    # -- JSON ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data = {"version": VERSION}
        for f in FIELDS:
            data[f.name] = f.to_json(getattr(self, f.name))
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> Experiment:
        """Reads `to_dict()` output. Missing fields take their defaults."""
        if not isinstance(data, dict):
            raise ConfigError(tr("experiment"), data, tr("a JSON object"))
        values, errors = {}, []
        version = data.get("version", VERSION)
        if version != VERSION:
            errors.append(ConfigError("version", version, f"{VERSION}"))
        unknown = [key for key in data if key != "version" and (
            not isinstance(key, str) or key not in FIELDS_BY_NAME)]
        if unknown:
            errors.append(unknown_keys_error(tr("experiment key"), unknown,
                                             list(FIELDS_BY_NAME)))
        for f in FIELDS:
            if f.name in data:
                try:
                    values[f.name] = f.from_json(data[f.name])
                except ConfigError as error:
                    errors.append(error)
                except RecursionError:
                    errors.append(ConfigError(f.name, tr("deeply nested data"),
                                              f.expected if hasattr(f, "expected")
                                              else tr("a plain value")))
        return cls._checked(values, errors)

    @classmethod
    def from_json(cls, text: str) -> Experiment:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise ConfigError(tr("experiment JSON"), text[:40], tr("valid JSON"),
                              tr("The parser stopped at: {error}.", error=error)) from None
        return cls.from_dict(data)

    # -- URL ----------------------------------------------------------------

    def to_query(self) -> dict[str, str]:
        """The experiment as URL query parameters, one short key per field."""
        query = {VERSION_KEY: str(VERSION)}
        for f in FIELDS:
            value = getattr(self, f.name)
            if (f.name in OMITTED_WHEN_DEFAULT and value == f.default
                    or f.name == "layers" and self.graph):  # a graph has no stack
                continue
            query[f.url_key] = f.to_text(value)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> Experiment:
        """Reads URL query parameters strictly.

        Args:
            query: Keys to a string, or to a list of strings when a key was
                repeated (as `st.query_params.to_dict()` or
                `urllib.parse.parse_qs` give them).

        Raises:
            ConfigErrors: for unknown or repeated keys, over-long values and
                every out-of-range value; nothing is partly applied.
        """
        values, errors, unknown = {}, [], []
        for key, raw in query.items():
            if isinstance(raw, (list, tuple)):
                if len(raw) != 1:
                    errors.append(ConfigError(key, list(raw), tr("one value"),
                                              tr("Give `{key}` only once.", key=key)))
                    continue
                raw = raw[0]
            if key == VERSION_KEY:
                if raw != str(VERSION):
                    errors.append(ConfigError(
                        "v", raw, f"{VERSION}",
                        tr("This link was made by another version of the app.")))
                continue
            f = FIELDS_BY_KEY.get(key)
            if f is None:
                unknown.append(key)
                continue
            if not isinstance(raw, str) or len(raw) > MAX_TEXT_LENGTH:
                errors.append(ConfigError(
                    f.name, raw if isinstance(raw, str) and len(raw) < 60
                    else tr("{kind} of length {length}", kind=type(raw).__name__,
                            length=len(str(raw))),
                    tr("a text of at most {count} characters", count=MAX_TEXT_LENGTH)))
                continue
            try:
                values[f.name] = f.from_text(raw)
            except ConfigError as error:
                errors.append(error)
        if unknown:
            errors.insert(0, unknown_keys_error(tr("URL parameter"), unknown,
                                                [VERSION_KEY, *FIELDS_BY_KEY]))
        return cls._checked(values, errors)

    def to_query_string(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self.to_query())

    @classmethod
    def _checked(cls, values: dict[str, Any], errors: list[ConfigError]) -> Experiment:
        if values.get("graph") and "layers" not in values:
            values["layers"] = ()  # a graph's link or file has no stack
        if not errors:
            try:
                return cls(**values)
            except ConfigErrors as many:
                errors = many.errors
            except ConfigError as one:
                errors = [one]
        raise ConfigErrors(errors)
