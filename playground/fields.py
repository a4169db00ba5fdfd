"""Typed fields: one declaration gives validation, JSON and URL encoding.

Every user choice in Keras Playground (an experiment option or a layer
setting) is described by a `Field`. The field knows its accepted range, how
to check a Python value, how to write it into a URL query value and how to
read it back from one. Because the JSON and URL encodings both go through the
same field, they cannot drift apart, and every error message has the same
shape: what was received, what was expected, and how to fix it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.i18n import tr

MAX_TEXT_LENGTH = 2000
MAX_ERRORS_SHOWN = 20
"""Problems of one link or file listed at most; the rest are counted."""


class ConfigError(ValueError):
    """A user-supplied setting is invalid.

    Attributes:
        field: The name of the setting, as the user sees it.
        received: The value that was supplied.
        expected: A short description of the accepted values.
        fix: What the user can do about it.
    """

    def __init__(self, field: str, received: Any, expected: str, fix: str = ""):
        self.field = field
        self.received = received
        self.expected = expected
        self.fix = fix
        message = tr("Invalid `{field}`: expected {expected}. Received: {field}={value}.",
                     field=field, expected=expected, value=short_repr(received))
        if fix:
            message += f" {fix}"
        super().__init__(message)


class ConfigErrors(ValueError):
    """Several settings are invalid at once.

    A crafted link or file may hold thousands of bad settings; only the
    first `MAX_ERRORS_SHOWN` are kept (`errors`) and the rest counted
    (`more`), so the message stays short to build and to show.
    """

    def __init__(self, errors: list[ConfigError]):
        errors = list(errors)
        self.errors = errors[:MAX_ERRORS_SHOWN]
        self.more = len(errors) - len(self.errors)
        super().__init__(" ".join(self.details()))

    def details(self) -> list[str]:
        """One line per problem kept, and one counting the rest."""
        lines = [str(e) for e in self.errors]
        if self.more:
            lines.append(tr("... and {count} more problem(s); fix these first.",
                            count=format(self.more, ",")))
        return lines


def problems(error: ConfigError | ConfigErrors) -> tuple[str, ...]:
    """The lines a page lists for a bad link or file, whichever was raised."""
    if isinstance(error, ConfigErrors):
        return tuple(error.details())
    return (str(error),)


def unknown_keys_error(field: str, unknown: list[Any], accepted: list[str]) -> ConfigError:
    """One error for every key that is not a setting, naming the accepted
    keys once (a file with 100,000 unknown keys gets one line, not 100,000)."""
    received: Any = unknown[0]
    if len(unknown) > 1:
        shown = ", ".join(short_repr(k) for k in unknown[:5])
        received = tr("{count} unknown keys ({keys})", count=format(len(unknown), ","),
                      keys=shown + (", ..." if len(unknown) > 5 else ""))
    return ConfigError(field, received,
                       tr("one of {choices}", choices=", ".join(map(repr, accepted))),
                       tr("Remove or correct the keys that are not settings."))


def short_repr(value: Any) -> str:
    text = repr(value)
    if len(text) <= 80:
        return text
    return text[:76] + ("...'" if isinstance(value, str) else "...")


def format_number(value: float) -> str:
    """Writes a float without exponent or trailing zeros (`0.0001`, `3`)."""
    if float(value).is_integer():
        return str(int(value))
    return np.format_float_positional(float(value), trim="-")


@dataclass(frozen=True)
class Field:
    """Base class of a named, typed, range-checked setting.

    Args:
        name: Attribute and JSON name, e.g. `"learning_rate"`.
        default: The value used when the setting is not given.
        help: One line shown beside the widget.
        key: The URL query key; defaults to `name`.
    """

    name: str
    default: Any
    help: str = ""
    key: str | None = None

    @property
    def url_key(self) -> str:
        return self.key or self.name

    def validate(self, value: Any) -> Any:
        """Returns the value in canonical form or raises `ConfigError`."""
        raise NotImplementedError

    def to_text(self, value: Any) -> str:
        """Writes a valid value as a compact URL string."""
        return str(value)

    def from_text(self, text: str) -> Any:
        """Reads a URL string; raises `ConfigError` when it is not valid."""
        raise NotImplementedError

    def to_json(self, value: Any) -> Any:
        """Writes a valid value as a JSON-ready plain value."""
        return value

    def from_json(self, data: Any) -> Any:
        """Reads a JSON value; raises `ConfigError` when it is not valid."""
        return self.validate(data)


def _refuse_non_ascii(field: Field, text: str) -> None:
    """Refuses a number written with other than ASCII characters.

    Python's `int()` and `float()` also read other scripts' digits
    (`'١٠'`, fullwidth `'１０'`) and Unicode spaces; a link must say the same
    to every reader, so numbers in it are plain ASCII.
    """
    if not text.isascii():
        raise ConfigError(field.name, text, field.expected,
                          tr("Write the number with the ASCII digits 0-9."))


@dataclass(frozen=True)
class IntField(Field):
    """An integer in `[minimum, maximum]`. Booleans are refused."""

    minimum: int = 0
    maximum: int = 2**31 - 1

    @property
    def expected(self) -> str:
        return tr("an integer from {low} to {high}", low=self.minimum, high=self.maximum)

    def validate(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ConfigError(self.name, value, self.expected)
        value = int(value)
        if not self.minimum <= value <= self.maximum:
            raise ConfigError(self.name, value, self.expected,
                              tr("Pick a value between {low} and {high}.",
                                 low=self.minimum, high=self.maximum))
        return value

    def from_text(self, text: str) -> int:
        _refuse_non_ascii(self, text)
        try:
            value = int(text.strip(), 10)
        except ValueError:
            raise ConfigError(self.name, text, self.expected) from None
        return self.validate(value)


@dataclass(frozen=True)
class FloatField(Field):
    """A finite float in `[minimum, maximum]`."""

    minimum: float = 0.0
    maximum: float = 1.0

    @property
    def expected(self) -> str:
        return tr("a number from {low} to {high}", low=format_number(self.minimum),
                  high=format_number(self.maximum))

    def validate(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(
            value, (int, float, np.integer, np.floating)
        ):
            raise ConfigError(self.name, value, self.expected)
        try:
            value = float(value)
        except OverflowError:
            raise ConfigError(self.name, value, self.expected) from None
        if not math.isfinite(value) or not self.minimum <= value <= self.maximum:
            raise ConfigError(self.name, value, self.expected,
                              tr("Pick a value between {low} and {high}.",
                                 low=format_number(self.minimum),
                                 high=format_number(self.maximum)))
        return value

    def to_text(self, value: float) -> str:
        return format_number(value)

    def from_text(self, text: str) -> float:
        _refuse_non_ascii(self, text)
        try:
            value = float(text.strip())
        except (ValueError, OverflowError):
            raise ConfigError(self.name, text, self.expected) from None
        return self.validate(value)


@dataclass(frozen=True)
class FoldField(Field):
    """A run's fold of a k-fold cross-validation, `(k, i)`: fold i (1 to k)
    of k (`minimum` to `maximum`); None for a run that is not one."""

    minimum: int = 2
    maximum: int = 10

    @property
    def expected(self) -> str:
        return tr("None, or (k, i) for fold i of k, with k from {low} to {high} and i "
                  "from 1 to k", low=self.minimum, high=self.maximum)

    def validate(self, value: Any) -> tuple[int, int] | None:
        if value is None:
            return None
        if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                for v in value)):
            raise ConfigError(self.name, value, self.expected)
        k, i = (int(v) for v in value)
        if not (self.minimum <= k <= self.maximum and 1 <= i <= k):
            raise ConfigError(self.name, value, self.expected,
                              tr("Pick k from {low} to {high}, and i from 1 to k.",
                                 low=self.minimum, high=self.maximum))
        return (k, i)


@dataclass(frozen=True)
class ChoiceField(Field):
    """One name out of a fixed allowlist."""

    choices: tuple[str, ...] = ()

    @property
    def expected(self) -> str:
        return tr("one of {choices}", choices=", ".join(repr(c) for c in self.choices))

    def validate(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise ConfigError(self.name, value, self.expected)
        return value

    def from_text(self, text: str) -> str:
        return self.validate(text.strip())


@dataclass(frozen=True)
class TextField(Field):
    """A short, printable text such as a CSV column name (empty allowed)."""

    max_length: int = 100

    @property
    def expected(self) -> str:
        return tr("a printable text of at most {count} characters", count=self.max_length)

    def validate(self, value: Any) -> str:
        if (not isinstance(value, str) or len(value) > self.max_length
                or not value.isprintable()):
            raise ConfigError(self.name, value, self.expected)
        return value

    def from_text(self, text: str) -> str:
        return self.validate(text)


@dataclass(frozen=True)
class ColumnsField(Field):
    """A set of column names, such as the CSV columns left out of the
    features: a tuple of distinct short texts, in the order given. In a URL
    it is a JSON list (a column name may hold a comma)."""

    max_items: int = 5000
    max_length: int = 100

    @property
    def expected(self) -> str:
        return tr("a list of at most {items} distinct column names, each a printable "
                  "text of at most {count} characters", items=format(self.max_items, ","),
                  count=self.max_length)

    def validate(self, value: Any) -> tuple[str, ...]:
        if (not isinstance(value, (list, tuple)) or len(value) > self.max_items
                or len(set(value)) != len(value) or not all(
                    isinstance(v, str) and 0 < len(v) <= self.max_length
                    and v.isprintable() for v in value)):
            raise ConfigError(self.name, value, self.expected)
        return tuple(value)

    def to_text(self, value: tuple[str, ...]) -> str:
        import json

        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))

    def from_text(self, text: str) -> tuple[str, ...]:
        import json

        try:
            data = json.loads(text)
        except ValueError:
            raise ConfigError(self.name, text, self.expected,
                              tr('Write the names as a JSON list, such as ["Id","Name"].')
                              ) from None
        return self.validate(data)

    def to_json(self, value: tuple[str, ...]) -> list[str]:
        return list(value)


@dataclass(frozen=True)
class NamesField(Field):
    """Some names out of a fixed allowlist, each at most once: a tuple kept in
    the allowlist's order, so the same choice is one value however it was
    written. In a URL the names are joined by commas (`flip,zoom`); empty
    means none."""

    choices: tuple[str, ...] = ()

    @property
    def expected(self) -> str:
        return tr("distinct names out of {choices} (in a link, joined by commas)",
                  choices=", ".join(repr(c) for c in self.choices))

    def validate(self, value: Any) -> tuple[str, ...]:
        if (not isinstance(value, (list, tuple)) or len(set(value)) != len(value)
                or not all(isinstance(v, str) and v in self.choices for v in value)):
            raise ConfigError(self.name, value, self.expected)
        return tuple(c for c in self.choices if c in value)

    def to_text(self, value: tuple[str, ...]) -> str:
        return ",".join(value)

    def from_text(self, text: str) -> tuple[str, ...]:
        text = text.strip()
        return self.validate([part.strip() for part in text.split(",")] if text else [])

    def to_json(self, value: tuple[str, ...]) -> list[str]:
        return list(value)
