"""The layer-stack editor of the Model page.

Each layer is a row of widgets drawn from its `LayerType` fields, with
buttons to move or remove it. Every edit produces a new, checked experiment.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.fields import ChoiceField, FloatField, IntField
from playground.i18n import tr
from playground.model.layers import LAYER_TYPES, LayerSpec
from ui import state

PENALTIES = (0.0, 0.00001, 0.0001, 0.001, 0.01, 0.1)


def _edit(index: int, name: str, rev: int) -> None:
    if not state.current(rev):
        return
    layers = list(state.experiment().layers)
    value = state.widget_value(f"layer{index}_{name}")
    try:
        layers[index] = layers[index].replace(**{name: value})
    except ValueError as error:
        state.notify(str(error), "error")
        return
    state.update(layers=tuple(layers))


def _move(index: int, delta: int, rev: int) -> None:
    if not state.current(rev):
        return
    layers = list(state.experiment().layers)
    target = index + delta
    if 0 <= target < len(layers):
        layers[index], layers[target] = layers[target], layers[index]
        state.replace_experiment(state.experiment().replace(layers=tuple(layers)))


def _remove(index: int, rev: int) -> None:
    if not state.current(rev):
        return
    layers = list(state.experiment().layers)
    del layers[index]
    state.replace_experiment(state.experiment().replace(layers=tuple(layers)))


def _add() -> None:
    kind = st.session_state["new_layer_kind"]
    layers = (*state.experiment().layers, LayerSpec.make(kind))
    if state.update(layers=layers):
        state.replace_experiment(state.experiment())


def setting_widget(container: Any, spec: LayerSpec, index: int, field,
                   prefix: str = "layer", on_change: Any = _edit) -> None:
    """One setting of a layer as a widget keyed `<prefix><index>_<name>`,
    calling `on_change(index, name, revision)` (the graph editor draws a
    node's settings with it too)."""
    key = state.key(f"{prefix}{index}_{field.name}")
    value = spec[field.name]
    common = dict(key=key, help=tr(field.help), on_change=on_change,
                  args=(index, field.name, state.revision()))
    if isinstance(field, ChoiceField):
        container.selectbox(field.name, field.choices,
                            index=field.choices.index(value), **common)
    elif isinstance(field, IntField):
        container.number_input(field.name, field.minimum, field.maximum, value,
                               **common)
    elif field.name in ("l1", "l2"):
        container.select_slider(field.name, sorted(set(PENALTIES) | {value}),
                                value=value, format_func=lambda v: f"{v:g}", **common)
    elif isinstance(field, FloatField):
        container.slider(field.name, float(field.minimum), float(field.maximum),
                         float(value), step=0.05, **common)


def layer_row(spec: LayerSpec, index: int, count: int, error_index: int | None) -> None:
    """Draws one hidden layer with its settings and move/remove buttons."""
    with st.container(border=True, key=f"layer_row_{index}"):
        fields = spec.type.fields
        cols = st.columns([1.3, *([2] * len(fields)), 1.3], vertical_alignment="bottom")
        flag = " ⚠" if error_index == index else ""
        cols[0].markdown(f"**{index + 1}. {spec.type.label}**{flag}",
                         help=tr(spec.type.description))
        for col, field in zip(cols[1:], fields):
            setting_widget(col, spec, index, field)
        with cols[-1].container(horizontal=True, gap="small"):
            st.button("", icon=":material/arrow_upward:", key=state.key(f"up{index}"),
                      on_click=_move, args=(index, -1, state.revision()),
                      disabled=index == 0,
                      help=tr("Move up"), type="tertiary")
            st.button("", icon=":material/arrow_downward:",
                      key=state.key(f"down{index}"), on_click=_move,
                      args=(index, 1, state.revision()),
                      disabled=index == count - 1, help=tr("Move down"), type="tertiary")
            st.button("", icon=":material/delete:", key=state.key(f"remove{index}"),
                      on_click=_remove, args=(index, state.revision()),
                      help=tr("Remove this layer"),
                      type="tertiary")


def add_layer_controls() -> None:
    cols = st.columns([3, 1], vertical_alignment="bottom")
    cols[0].selectbox(tr("Layer type"), list(LAYER_TYPES), key="new_layer_kind",
                      format_func=lambda k: f"{LAYER_TYPES[k].label} — "
                                            f"{tr(LAYER_TYPES[k].description)}")
    cols[1].button(tr("Add layer"), on_click=_add, use_container_width=True,
                   type="primary")


def _toggle_output() -> None:
    from playground.model.checks import resolve_output

    exp = state.experiment()
    custom = st.session_state[state.key("custom_output")]
    state.replace_experiment(exp.replace(output=resolve_output(exp) if custom else None))


def _edit_output(name: str, rev: int) -> None:
    exp = state.experiment()
    if not state.current(rev) or exp.output is None:
        return
    try:
        output = exp.output.replace(**{name: state.widget_value(f"output_{name}")})
    except ValueError as error:
        state.notify(str(error), "error")
        return
    state.update(output=output)


def output_controls(suggested: LayerSpec) -> None:
    """The output layer: suggested from the task unless the user overrides it."""
    exp = state.experiment()
    with st.container(border=True, key="output_row"):
        st.checkbox(tr("Choose the output layer myself"), value=exp.output is not None,
                    key=state.key("custom_output"), on_change=_toggle_output,
                    help=tr("Otherwise it follows the task: units = classes, with "
                            "softmax, sigmoid or linear."))
        if exp.output is None:
            st.markdown(tr("**Output: {layer}** (suggested from the task)",
                           layer=suggested.describe()))
            return
        cols = st.columns(2)
        dense = LAYER_TYPES["dense"]
        for col, name in zip(cols, ("units", "activation")):
            field = dense.field(name)
            common = dict(key=state.key(f"output_{name}"), on_change=_edit_output,
                          args=(name, state.revision()), help=tr(field.help))
            if name == "units":
                col.number_input(tr("Output units"), field.minimum, field.maximum,
                                 exp.output["units"], **common)
            else:
                col.selectbox(tr("Output activation"), field.choices,
                              index=field.choices.index(exp.output["activation"]),
                              **common)
