"""The Model page's graph editor: Keras' Functional API as a diagram you edit.

A choice at the top of the Model page keeps the stack (the default) or turns
it into a graph. In a graph the diagram shows every node; the learner
selects one, adds a layer after it (in between, or as a new branch), merges
chosen nodes, connects the selected node to other earlier nodes, wraps it in
`TimeDistributed`, edits its settings with the stack's widgets, or removes
it. Every edit is a function of `playground.model.graph_edits`, so this
module only draws widgets and writes the checked result back.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from playground.config import Experiment
from playground.fields import ConfigError, ConfigErrors
from playground.i18n import mark, tr
from playground.model import graph_edits
from playground.model.graph import (
    GRAPH_INPUT,
    MERGES,
    GraphNode,
    chain_graph,
    stack_of,
)
from playground.model.graph_diagram import graph_dot
from playground.model.layers import LAYER_TYPES, LayerSpec
from playground.model.shapes import LayerRow
from ui import state
from ui.layer_editor import setting_widget

SELECTED = "graph_selected"
"""The id of the selected node, kept across the edits that redraw widgets."""
MODES = (mark("Stack"), mark("Graph"))
PLACES = (mark("in between"), mark("as a new branch"))


def _apply(edit: Callable[[], Any], select: str | None = None) -> None:
    """Runs an edit of the graph; writes the new graph and redraws the
    widgets, or shows the edit's error and keeps the graph."""
    try:
        result = edit()
    except (ConfigError, ConfigErrors) as error:
        state.notify(str(error), "error")
        return
    nodes, new_id = (result if result and isinstance(result[-1], str)
                     else (result, None))
    if state.update(graph=nodes):
        state.replace_experiment(state.experiment())
        if select or new_id:
            st.session_state[SELECTED] = select or new_id


def _switch_mode() -> None:
    exp = state.experiment()
    to_graph = st.session_state[state.key("model_mode")] == "Graph"
    if to_graph and not exp.graph:
        graph = chain_graph(exp.layers) or (GraphNode("dense1", LayerSpec.make("dense")),)
        state.replace_experiment(exp.replace(layers=(), graph=graph))
        st.session_state[SELECTED] = graph[-1].id
    elif not to_graph and exp.graph:
        stack = stack_of(exp.graph)
        if stack is None:
            state.notify(tr("This graph has branches, merges or TimeDistributed, which a "
                            "stack cannot hold. Remove them (a stack is a chain: each "
                            "node takes the one before it), then switch to the stack."),
                         "error")
            state.replace_experiment(exp)  # the choice goes back to Graph
            return
        state.replace_experiment(exp.replace(graph=(), layers=stack))


def mode_choice(exp: Experiment) -> bool:
    """The Stack / Graph choice; True when the model is a graph."""
    st.radio(tr("Model"), MODES, index=1 if exp.graph else 0, horizontal=True,
             format_func=tr, key=state.key("model_mode"), on_change=_switch_mode,
             help=tr("A stack feeds each layer the one before it (keras.Sequential). "
                     "A graph (Keras' Functional API, keras.Model(inputs, outputs)) "
                     "lets a layer take any earlier node and merges branches."))
    return bool(exp.graph)


def selected(exp: Experiment) -> str:
    """The selected node's id (the last node when none is, or it is gone)."""
    ids = [GRAPH_INPUT, *(node.id for node in exp.graph)]
    chosen = st.session_state.get(SELECTED)
    return chosen if chosen in ids else ids[-1]


def _select() -> None:
    st.session_state[SELECTED] = st.session_state[state.key("graph_select")]


def _edit_setting(index: int, name: str, rev: int) -> None:
    if not state.current(rev):
        return
    nodes = state.experiment().graph
    node = nodes[index]
    _apply(lambda: graph_edits.set_layer(nodes, node.id, node.layer.replace(
        **{name: state.widget_value(f"node{index}_{name}")})))


def _connect(index: int, rev: int) -> None:
    if not state.current(rev):
        return
    nodes = state.experiment().graph
    value = state.widget_value(f"takes{index}")
    inputs = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    _apply(lambda: graph_edits.set_inputs(nodes, nodes[index].id, inputs))


def _add_layer(after: str) -> None:
    nodes = state.experiment().graph
    layer = LayerSpec.make(st.session_state["graph_new_kind"])
    branch = st.session_state["graph_new_place"] == "as a new branch"
    _apply(lambda: graph_edits.add_layer(nodes, after, layer, branch))


def _add_merge() -> None:
    nodes = state.experiment().graph
    inputs = tuple(st.session_state.get("graph_merge_inputs") or ())
    _apply(lambda: graph_edits.add_merge(nodes, st.session_state["graph_merge_kind"],
                                         inputs))


def _node_panel(exp: Experiment, node: GraphNode, index: int) -> None:
    """The selected node's settings, inputs, wrap and removal."""
    nodes = exp.graph
    with st.container(border=True, key="graph_node_panel"):
        st.markdown(f"**{node.id}** · {node.label}",
                    help=tr(node.layer.type.description) if node.layer else None)
        fields = node.layer.type.fields if node.layer else ()
        if fields:
            cols = st.columns(len(fields))
            for col, field in zip(cols, fields):
                setting_widget(col, node.layer, index, field, prefix="node",
                               on_change=_edit_setting)
        choices = graph_edits.earlier_ids(nodes, node.id)
        common = dict(key=state.key(f"takes{index}"), on_change=_connect,
                      args=(index, state.revision()))
        if node.merge:
            st.multiselect(tr("Takes (two or more earlier nodes)"), choices,
                           default=list(node.inputs), **common,
                           placeholder=tr("Choose options"))
        else:
            st.selectbox(tr("Takes"), choices, index=choices.index(node.inputs[0]),
                         **common)
        cols = st.columns(2)
        if node.layer is not None:
            cols[0].checkbox(
                tr("Wrap in TimeDistributed"), value=node.time_distributed,
                key=state.key(f"td{index}"),
                on_change=lambda: _apply(lambda: graph_edits.toggle_time_distributed(
                    state.experiment().graph, node.id)),
                help=tr("Applies the layer to each step of a sequence (the first axis "
                        "after the batch) with the same weights."))
        cols[1].button(tr("Remove this node"), icon=":material/delete:",
                       key=state.key(f"remove_node{index}"),
                       on_click=lambda: _apply(lambda: graph_edits.remove_node(
                           state.experiment().graph, node.id)))


def editor(exp: Experiment, rows: list[LayerRow] | None, problem_index: int | None,
           output: LayerSpec, input_shape: tuple[int, ...]) -> None:
    """The diagram, the selected node's panel, and the controls that add a
    layer after it or a merge of chosen nodes."""
    chosen = selected(exp)
    st.graphviz_chart(graph_dot(exp.graph, output, input_shape, rows, chosen,
                                problem_index))
    ids = [GRAPH_INPUT, *(node.id for node in exp.graph)]
    st.selectbox(tr("Selected node"), ids, index=ids.index(chosen),
                 key=state.key("graph_select"), on_change=_select,
                 help=tr("Pick a node to edit it or to add a layer after it."))
    if chosen != GRAPH_INPUT:
        index = ids.index(chosen) - 1
        _node_panel(exp, exp.graph[index], index)
    with st.container(border=True, key="graph_add_row"):
        cols = st.columns([3, 2, 1.4], vertical_alignment="bottom")
        cols[0].selectbox(tr("Layer type"), list(LAYER_TYPES), key="graph_new_kind",
                          format_func=lambda k: f"{LAYER_TYPES[k].label} — "
                                                f"{tr(LAYER_TYPES[k].description)}")
        cols[1].radio(tr("After {node}", node=chosen), PLACES, key="graph_new_place",
                      format_func=tr, help=tr(
                          "In between: the nodes that took it take the new layer. As a "
                          "new branch: they keep taking it, and the new layer waits to "
                          "be merged."))
        cols[2].button(tr("Add layer"), on_click=_add_layer, args=(chosen,),
                       use_container_width=True, type="primary", key="graph_add_layer")
        cols = st.columns([3, 2, 1.4], vertical_alignment="bottom")
        cols[0].multiselect(tr("Merge these nodes"), ids, key="graph_merge_inputs",
                            placeholder=tr("Choose two or more"))
        cols[1].selectbox(tr("Merge"), list(MERGES), key="graph_merge_kind",
                          format_func=lambda k: MERGES[k])
        cols[2].button(tr("Add merge"), on_click=_add_merge, use_container_width=True,
                       key="graph_add_merge")


def summary_columns(exp: Experiment, rows: list[LayerRow]) -> dict[str, list[str]]:
    """The summary's first columns for a graph, as Keras' summary of a
    functional model shows them: each layer's name and type, and what it
    is connected to."""
    names = [*(node.id for node in exp.graph), "output"]
    takes = [*(", ".join(node.inputs) for node in exp.graph),
             exp.graph[-1].id if exp.graph else GRAPH_INPUT]
    return {tr("Layer"): [f"{name} ({row.name})" for name, row in zip(names, rows)],
            tr("Connected to"): takes}
