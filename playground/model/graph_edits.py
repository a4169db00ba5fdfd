"""Edits of a graph of layers, as the Model page's diagram editor makes them.

Each function takes a graph (a tuple of `GraphNode`s, see
`playground.model.graph`) and returns a new one whose structure is checked
again (`check_structure`), so an edit can never leave ids repeated or a node
taking a later one; whether the shapes still fit the data is checked with
the rest of the experiment (`playground.model.checks`). The editor only
draws widgets and calls these.
"""

from __future__ import annotations

from dataclasses import replace

from playground.fields import ConfigError
from playground.i18n import tr
from playground.model.graph import (
    GRAPH_INPUT,
    MERGES,
    GraphNode,
    check_structure,
    free_id,
)
from playground.model.layers import LayerSpec


def _position(nodes: tuple[GraphNode, ...], node_id: str) -> int:
    """The index of a node (-1 for the input)."""
    if node_id == GRAPH_INPUT:
        return -1
    for index, node in enumerate(nodes):
        if node.id == node_id:
            return index
    raise ConfigError(tr("node"), node_id, tr("one of {choices}", choices=", ".join(
        [GRAPH_INPUT, *(node.id for node in nodes)])))


def _retake(node: GraphNode, old: str, new: tuple[str, ...]) -> GraphNode:
    """`node` taking `new` wherever it took `old` (a layer node takes the
    first of them; a merge takes each once)."""
    if old not in node.inputs:
        return node
    if not node.merge:
        return replace(node, inputs=new[:1])
    inputs: list[str] = []
    for taken in node.inputs:
        for name in (new if taken == old else (taken,)):
            if name not in inputs:
                inputs.append(name)
    return replace(node, inputs=tuple(inputs))


def _insert(nodes: tuple[GraphNode, ...], after: int, node: GraphNode,
            rewire: str | None) -> tuple[GraphNode, ...]:
    """`node` put right after index `after`; the later nodes that took
    `rewire` take `node` instead."""
    later = [_retake(n, rewire, (node.id,)) if rewire else n for n in nodes[after + 1:]]
    return check_structure((*nodes[:after + 1], node, *later))


def add_layer(nodes: tuple[GraphNode, ...], after: str, layer: LayerSpec,
              branch: bool = False) -> tuple[tuple[GraphNode, ...], str]:
    """Adds a layer node that takes node `after` (or `"input"`).

    Args:
        nodes: The graph.
        after: The node the new layer takes.
        layer: The new node's layer.
        branch: False: the layer goes in between, and the nodes that took
            `after` take the new one (as adding a layer to a stack does).
            True: a new branch; the nodes that took `after` still do, and the
            new node waits to be joined by a merge.

    Returns:
        The new graph and the new node's id.
    """
    node = GraphNode(free_id(nodes, layer.kind.replace("2d", "")), layer, (after,))
    return _insert(nodes, _position(nodes, after), node,
                   None if branch else after), node.id


def add_merge(nodes: tuple[GraphNode, ...], merge: str,
              inputs: tuple[str, ...]) -> tuple[tuple[GraphNode, ...], str]:
    """Adds a merge (`"concatenate"`, `"add"` or `"average"`) of `inputs`,
    right after the latest of them; the nodes that took that latest one
    take the merge instead (so merging a branch back into the main line
    keeps the line going through the merge, as a residual block does).

    Returns:
        The new graph and the merge's id.
    """
    if merge not in MERGES:
        raise ConfigError(tr("merge"), merge, tr("one of {choices}",
                                                 choices=", ".join(MERGES)))
    latest = max(inputs, key=lambda name: _position(nodes, name), default=GRAPH_INPUT)
    stem = {"concatenate": "concat", "average": "avg"}.get(merge, merge)
    node = GraphNode(free_id(nodes, stem), None, tuple(inputs), merge=merge)
    return _insert(nodes, _position(nodes, latest), node, latest), node.id


def remove_node(nodes: tuple[GraphNode, ...], node_id: str) -> tuple[GraphNode, ...]:
    """Removes a node; the nodes that took it take what it took."""
    index = _position(nodes, node_id)
    gone = nodes[index]
    rest = [_retake(n, node_id, gone.inputs) for n in nodes[index + 1:]]
    return check_structure((*nodes[:index], *rest))


def set_layer(nodes: tuple[GraphNode, ...], node_id: str,
              layer: LayerSpec) -> tuple[GraphNode, ...]:
    """The node's layer replaced (its id, inputs and wrap kept)."""
    index = _position(nodes, node_id)
    return check_structure((*nodes[:index], replace(nodes[index], layer=layer),
                            *nodes[index + 1:]))


def set_inputs(nodes: tuple[GraphNode, ...], node_id: str,
               inputs: tuple[str, ...]) -> tuple[GraphNode, ...]:
    """Connects a node to other earlier nodes: it takes `inputs` now.

    Raises:
        ConfigError: for a node that is not earlier, or the wrong number of
            inputs (one for a layer, two or more for a merge).
    """
    index = _position(nodes, node_id)
    return check_structure((*nodes[:index], replace(nodes[index], inputs=tuple(inputs)),
                            *nodes[index + 1:]))


def toggle_time_distributed(nodes: tuple[GraphNode, ...],
                            node_id: str) -> tuple[GraphNode, ...]:
    """Wraps a layer node in `TimeDistributed`, or unwraps it."""
    index = _position(nodes, node_id)
    node = nodes[index]
    return check_structure((*nodes[:index], replace(
        node, time_distributed=not node.time_distributed), *nodes[index + 1:]))


def earlier_ids(nodes: tuple[GraphNode, ...], node_id: str) -> list[str]:
    """What a node may take: the input and the nodes before it."""
    return [GRAPH_INPUT, *(node.id for node in nodes[:_position(nodes, node_id)])]
