"""A graph of layers, Keras' Functional API, as plain data.

A stack feeds each layer the one before it. A graph names its nodes and
says which earlier nodes each one takes: an `Input`, layers over one
earlier node (optionally wrapped in `TimeDistributed`), and merges
(`Concatenate`, `Add`, `Average`) over two or more, so a model can have
branches: a wide-and-deep model, a residual block. The experiment's output
layer closes the graph after its last node.

>>> graph = graph_from_text("deep~dense-16~input_both~concatenate~input,deep")
>>> [node.id for node in graph]
['deep', 'both']
>>> graph_to_text(graph)
'deep~dense-16~input_both~concatenate~input,deep'

In a link, nodes are joined by `_`; each is its id, its layer (the stack's
layer token) or merge, and its inputs joined by `,`, separated by `~`, and
`~td` at the end for a layer wrapped in `TimeDistributed`. A graph's
structure is checked whenever one is made (ids, references to earlier
nodes only, so no cycle); whether its shapes fit the data is
`playground.model.graph_checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playground.fields import ConfigError, Field, short_repr
from playground.i18n import mark, tr
from playground.model.layers import LAYER_SEPARATOR, MAX_LAYERS, LayerSpec

GRAPH_INPUT = "input"
"""The name a node gives to take the model's input."""
MERGES = {"concatenate": "Concatenate", "add": "Add", "average": "Average"}
"""The merge nodes: stored name to Keras class."""
PART_SEPARATOR = "~"
INPUT_SEPARATOR = ","
TIME_DISTRIBUTED = "td"
RESERVED_IDS = frozenset({GRAPH_INPUT, "output", "augmentation", "td", *MERGES})
_ID = re.compile(r"[a-z][a-z0-9]{0,15}")
MAX_INPUTS = 8

GRAPH_FORM = mark("nodes joined by '_', each an id, a layer (such as dense-8-relu) or a "
                  "merge (concatenate, add, average) and its inputs joined by ',', "
                  "separated by '~', such as deep~dense-16~input_both~concatenate~"
                  "input,deep")


def _graph_error(received: Any, fix: str) -> ConfigError:
    return ConfigError("graph", received, tr(GRAPH_FORM), fix)


@dataclass(frozen=True)
class GraphNode:
    """One node of a graph: a layer over one earlier node, or a merge.

    Args:
        id: Its name: a lowercase letter, then up to 15 letters or digits
            (`deep1`); also the Keras layer's name.
        layer: The layer, for a layer node; None for a merge.
        inputs: The ids of the nodes it takes, `"input"` for the model's
            input: one for a layer, two or more for a merge.
        merge: `"concatenate"`, `"add"` or `"average"` for a merge node.
        time_distributed: Whether the layer is wrapped in `TimeDistributed`
            (applied to each step of a sequence).

    Raises:
        ConfigError: naming the node, what was received and the fix.
    """

    id: str
    layer: LayerSpec | None = None
    inputs: tuple[str, ...] = (GRAPH_INPUT,)
    merge: str = ""
    time_distributed: bool = False

    def __post_init__(self):
        if not isinstance(self.id, str) or not _ID.fullmatch(self.id) or (
                self.id in RESERVED_IDS):
            raise ConfigError(tr("node id"), self.id, tr(
                "a lowercase letter, then up to 15 lowercase letters or digits, other "
                "than {reserved}", reserved=", ".join(sorted(RESERVED_IDS))),
                tr("Rename the node, such as deep1."))
        inputs = self.inputs
        if not isinstance(inputs, (list, tuple)) or not all(
                isinstance(i, str) for i in inputs):
            raise ConfigError(tr("inputs of node {node}", node=self.id), inputs,
                              tr("a list of node ids"))
        object.__setattr__(self, "inputs", tuple(inputs))
        if not isinstance(self.merge, str):
            raise ConfigError(tr("merge of node {node}", node=self.id), self.merge,
                              tr("one of {choices}", choices=", ".join(MERGES)))
        if self.merge:
            if self.merge not in MERGES or self.layer is not None:
                raise ConfigError(tr("merge of node {node}", node=self.id), self.merge,
                                  tr("one of {choices}", choices=", ".join(MERGES)))
            if not 2 <= len(set(inputs)) == len(inputs) <= MAX_INPUTS:
                raise ConfigError(
                    tr("inputs of node {node}", node=self.id), list(inputs),
                    tr("from 2 to {count} different nodes", count=MAX_INPUTS),
                    tr("A merge joins branches: give it two or more nodes, each once."))
            if self.time_distributed:
                raise ConfigError(tr("node {node}", node=self.id), TIME_DISTRIBUTED,
                                  tr("a layer node"),
                                  tr("TimeDistributed wraps a layer, not a merge."))
        else:
            if not isinstance(self.layer, LayerSpec):
                raise ConfigError(tr("layer of node {node}", node=self.id), self.layer,
                                  tr("a layer, or a merge name"))
            if len(inputs) != 1:
                raise ConfigError(
                    tr("inputs of node {node}", node=self.id), list(inputs),
                    tr("one node"), tr("A layer takes one input; to join several, "
                                       "add a merge node (concatenate, add, average)."))
        if not isinstance(self.time_distributed, bool):
            raise ConfigError(tr("time_distributed of node {node}", node=self.id),
                              self.time_distributed, tr("true or false"))

    @property
    def label(self) -> str:
        """Its Keras class: `Dense`, `TimeDistributed(Dense)`, `Concatenate`."""
        if self.merge:
            return MERGES[self.merge]
        label = self.layer.type.label
        return f"TimeDistributed({label})" if self.time_distributed else label

    def describe(self) -> str:
        """A short human label: `deep1: Dense(16, relu)`."""
        body = MERGES[self.merge] if self.merge else self.layer.describe()
        if self.time_distributed:
            body = f"TimeDistributed({body})"
        return f"{self.id}: {body}"

    def to_token(self) -> str:
        body = self.merge or self.layer.to_token()
        parts = [self.id, body, INPUT_SEPARATOR.join(self.inputs)]
        if self.time_distributed:
            parts.append(TIME_DISTRIBUTED)
        return PART_SEPARATOR.join(parts)

    @classmethod
    def from_token(cls, token: str) -> GraphNode:
        parts = token.split(PART_SEPARATOR)
        if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != TIME_DISTRIBUTED):
            raise ConfigError(tr("node"), token, tr("id~layer~inputs, and ~td at the end "
                                                    "for TimeDistributed"))
        node_id, body, inputs = parts[:3]
        inputs = tuple(inputs.split(INPUT_SEPARATOR)) if inputs else ()
        if body in MERGES:
            return cls(node_id, None, inputs, merge=body,
                       time_distributed=len(parts) == 4)
        return cls(node_id, LayerSpec.from_token(body), inputs,
                   time_distributed=len(parts) == 4)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if self.merge:
            data["merge"] = self.merge
        else:
            data["layer"] = self.layer.to_dict()
        data["inputs"] = list(self.inputs)
        if self.time_distributed:
            data["time_distributed"] = True
        return data

    @classmethod
    def from_dict(cls, data: Any) -> GraphNode:
        keys = {"id", "layer", "merge", "inputs", "time_distributed"}
        if not isinstance(data, dict) or not set(data) <= keys or "id" not in data:
            raise ConfigError(tr("node"), data, tr(
                'an object with "id", "inputs", and "layer" or "merge", like {"id": '
                '"deep", "layer": {"type": "dense"}, "inputs": ["input"]}'))
        layer = data.get("layer")
        return cls(data["id"], None if layer is None else LayerSpec.from_dict(layer),
                   data.get("inputs", (GRAPH_INPUT,)), merge=data.get("merge", ""),
                   time_distributed=data.get("time_distributed", False))


def check_structure(nodes: tuple[GraphNode, ...]) -> tuple[GraphNode, ...]:
    """Refuses a graph whose ids repeat or whose nodes take a node that is
    missing or not earlier (which also refuses every cycle).

    Raises:
        ConfigError: naming the node, what it takes and the fix.
    """
    if len(nodes) > MAX_LAYERS:
        raise ConfigError("graph", tr("{count} nodes", count=len(nodes)),
                          tr("at most {count} nodes", count=MAX_LAYERS),
                          tr("Remove some nodes."))
    seen = {GRAPH_INPUT}
    ids = {node.id for node in nodes}
    for number, node in enumerate(nodes, 1):
        if node.id in seen:
            raise _graph_error(node.id, tr(
                "Node {number} repeats the id {node}: give each node its own id.",
                number=number, node=repr(node.id)))
        for taken in node.inputs:
            if taken in seen:
                continue
            if taken == node.id or taken in ids:
                raise _graph_error(node.to_token(), tr(
                    "Node {number}, {node}, takes {taken}, which is not an earlier node: "
                    "that would make a cycle (a model runs from its input forward). "
                    "Take the input or a node listed before it.",
                    number=number, node=repr(node.id), taken=repr(taken)))
            raise _graph_error(node.to_token(), tr(
                "Node {number}, {node}, takes {taken}, and there is no such node. "
                "Take 'input' or one of the nodes before it: {ids}.", number=number,
                node=repr(node.id), taken=repr(taken),
                ids=", ".join(sorted(seen)) or GRAPH_INPUT))
        seen.add(node.id)
    return tuple(nodes)


def graph_to_text(nodes: tuple[GraphNode, ...]) -> str:
    return LAYER_SEPARATOR.join(node.to_token() for node in nodes)


def graph_from_text(text: str) -> tuple[GraphNode, ...]:
    """Reads a graph from its link form (see the module doc).

    Raises:
        ConfigError: naming `graph`, the first bad node and what is wrong.
    """
    text = text.strip()
    if not text:
        return ()
    nodes = []
    for number, token in enumerate(text.split(LAYER_SEPARATOR), 1):
        try:
            nodes.append(GraphNode.from_token(token))
        except ConfigError as error:
            raise _graph_error(text, tr(
                "Node {number}, {token}: {field} must be {expected}, not {received}.",
                number=number, token=repr(token), field=error.field,
                expected=error.expected, received=short_repr(error.received))
                + (f" {error.fix}" if error.fix else "")) from None
    return check_structure(tuple(nodes))


@dataclass(frozen=True)
class GraphField(Field):
    """The experiment's graph of layers: a tuple of `GraphNode`s, empty for
    the stack (the default)."""

    @property
    def expected(self) -> str:
        return tr("a list of at most {count} graph nodes", count=MAX_LAYERS)

    def validate(self, value: Any) -> tuple[GraphNode, ...]:
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, GraphNode) for v in value):
            raise ConfigError(self.name, value, self.expected)
        return check_structure(tuple(value))

    def to_text(self, value: tuple[GraphNode, ...]) -> str:
        return graph_to_text(value)

    def from_text(self, text: str) -> tuple[GraphNode, ...]:
        return graph_from_text(text)

    def to_json(self, value: tuple[GraphNode, ...]) -> list[dict]:
        return [node.to_dict() for node in value]

    def from_json(self, data: Any) -> tuple[GraphNode, ...]:
        if not isinstance(data, list):
            raise ConfigError(self.name, data, self.expected)
        nodes = []
        for number, item in enumerate(data, 1):
            try:
                nodes.append(GraphNode.from_dict(item))
            except ConfigError as error:
                raise ConfigError(self.name, item, self.expected, tr(
                    "Node {number}: {field} must be {expected}, not {received}.",
                    number=number, field=error.field, expected=error.expected,
                    received=short_repr(error.received))
                    + (f" {error.fix}" if error.fix else "")) from None
        return self.validate(nodes)


def stack_and_graph_error(layers: tuple[LayerSpec, ...]) -> ConfigError:
    """The error for an experiment that has both a stack and a graph."""
    return ConfigError("layers", tr("{count} layers beside a graph", count=len(layers)),
                       tr("no stack layers when the model is a graph"),
                       tr("Put the layers in the graph, or remove the graph to use "
                          "the stack."))


def chain_graph(layers: tuple[LayerSpec, ...]) -> tuple[GraphNode, ...]:
    """A stack as a graph: each layer takes the one before it (`dense1`,
    `dropout2`, ...), the same model written with the Functional API."""
    nodes, previous = [], GRAPH_INPUT
    for number, layer in enumerate(layers, 1):
        nodes.append(GraphNode(f"{layer.kind.replace('2d', '')}{number}", layer,
                               (previous,)))
        previous = nodes[-1].id
    return tuple(nodes)


def stack_of(nodes: tuple[GraphNode, ...]) -> tuple[LayerSpec, ...] | None:
    """The stack a graph is, when it is a plain chain of unwrapped layers
    (each node takes the one before it); None when it has branches, merges
    or `TimeDistributed`."""
    previous = GRAPH_INPUT
    for node in nodes:
        if node.merge or node.time_distributed or node.inputs != (previous,):
            return None
        previous = node.id
    return tuple(node.layer for node in nodes)


def graph_layers(nodes: tuple[GraphNode, ...]) -> tuple[LayerSpec, ...]:
    """The layers of a graph's layer nodes, in order (merges have none)."""
    return tuple(node.layer for node in nodes if node.layer is not None)


def free_id(nodes: tuple[GraphNode, ...], stem: str) -> str:
    """An id that no node has yet: `stem` and the first free number."""
    stem = re.sub(r"[^a-z0-9]", "", stem.lower()) or "node"
    stem = stem if stem[0].isalpha() else f"n{stem}"
    taken = {node.id for node in nodes} | RESERVED_IDS
    number = 1
    while f"{stem[:12]}{number}" in taken:
        number += 1
    return f"{stem[:12]}{number}"


def keras_order(nodes: tuple[GraphNode, ...]) -> list[int]:
    """The nodes' indices in the order Keras lists a functional model's
    layers (`model.layers`, and so `model.get_weights()`): farthest from the
    output first, and at the same distance in the order a walk from the
    output meets them, each node's inputs in turn. Not the order of
    `nodes`: a short branch's layers come after a long one's first layers.
    """
    if not nodes:
        return []
    where = {node.id: i for i, node in enumerate(nodes)}
    met: dict[int, int] = {}
    pending = [len(nodes) - 1]
    while pending:  # depth first, each node's inputs in order, as Keras walks
        i = pending.pop()
        if i in met:
            continue
        met[i] = len(met)
        pending.extend(reversed([where[name] for name in nodes[i].inputs
                                 if name in where]))
    depth = {len(nodes) - 1: 1}  # the output layer is at 0
    for i in reversed(range(len(nodes))):
        for name in nodes[i].inputs:
            if name in where and i in depth:
                j = where[name]
                depth[j] = max(depth.get(j, 0), depth[i] + 1)
    return sorted(met, key=lambda i: (-depth[i], met[i]))
