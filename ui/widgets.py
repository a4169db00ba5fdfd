"""Widgets drawn from the experiment's field table.

A field's range and help text come from `playground.config.FIELDS`, so the
sliders accept exactly what the URL and JSON accept.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import streamlit as st

from playground.config import FIELDS_BY_NAME
from playground.fields import ChoiceField, FloatField, IntField, NamesField
from playground.i18n import mark, tr
from ui import lesson, state

CHOICE_LABELS = {"off": mark("off"), "on": mark("on"), "none": mark("none"),
                 "balanced": mark("balanced")}
"""The words of the choice fields' plain choices, in the reader's language."""


def choice_label(choice: Any) -> str:
    """A choice as the reader reads it: its words translated (`"on"`), a
    name (`val_loss`) as it is."""
    return tr(CHOICE_LABELS[choice]) if choice in CHOICE_LABELS else str(choice)


LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def _on_change(name: str, rev: int) -> None:
    if state.current(rev):
        state.update(**{name: state.widget_value(name)})


def field_input(name: str, label: str, *, container: Any = st,
                format_func: Callable[[Any], str] = choice_label, step: Any = None,
                style: str = "slider", disabled: bool = False,
                choices: Sequence[Any] | None = None, maximum: Any = None) -> Any:
    """Draws the widget for one experiment field and writes changes back.

    Args:
        name: A field of `Experiment`.
        label: Widget label.
        container: Where to draw (`st`, `st.sidebar`, a column).
        format_func: How choices are shown (`choice_label`: in the reader's
            language).
        step: Slider step for numbers.
        style: `"slider"` or `"number"` for numeric fields.
        choices: The choices that fit the experiment, when only some of a
            choice field's do (the current value stays offered, so that a
            value that no longer fits can be changed).
        maximum: A lower upper bound than the field's own, where the data
            sets one (a Keras set's size); a larger value is shown at it.
    """
    field = FIELDS_BY_NAME[name]
    value = getattr(state.experiment(), name)
    if lesson.hidden(name):  # the lesson keeps it, out of sight
        return value
    if lesson.locked(name):
        disabled = True
        label = tr("{label} (locked by the lesson)", label=label)
    cap = lesson.field_maximum(name)
    if cap is not None:
        maximum = cap if maximum is None else min(cap, maximum)
    common = dict(key=state.key(name), help=tr(field.help), on_change=_on_change,
                  args=(name, state.revision()), disabled=disabled)
    if isinstance(field, ChoiceField):
        offered = [c for c in field.choices if choices is None or c in choices or c == value]
        return container.selectbox(label, offered, index=offered.index(value),
                                   format_func=format_func, **common)
    if isinstance(field, NamesField):
        return container.multiselect(label, field.choices, default=list(value),
                                     format_func=format_func, **common,
                                     placeholder=tr("Choose options"))
    top = field.maximum if maximum is None else min(field.maximum, maximum)
    if isinstance(field, IntField) and style == "number":
        return container.number_input(label, min_value=field.minimum,
                                      max_value=top, value=min(value, top),
                                      step=step or 1, **common)
    if isinstance(field, IntField):
        return container.slider(label, field.minimum, top, min(value, top),
                                step=step or 1, **common)
    if isinstance(field, FloatField):
        return container.slider(label, float(field.minimum), float(field.maximum),
                                float(value), step=step or 0.01, **common)
    raise TypeError(f"No widget for field {name!r}.")


def learning_rate_input(container: Any = st) -> float:
    """TF Playground's learning-rate choices, plus the current value."""
    value = state.experiment().learning_rate
    if lesson.hidden("learning_rate"):
        return value
    options = sorted(set(LEARNING_RATES) | {value})
    label = tr("Learning rate")
    if lesson.locked("learning_rate"):
        label = tr("{label} (locked by the lesson)", label=label)
    return container.select_slider(
        label, options, value=value, key=state.key("learning_rate"),
        help=tr(FIELDS_BY_NAME["learning_rate"].help), on_change=_on_change,
        args=("learning_rate", state.revision()), format_func=lambda v: f"{v:g}",
        disabled=lesson.locked("learning_rate"))
