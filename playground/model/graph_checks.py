"""What a graph of layers outputs for the data, checked before anything is built.

`check_graph` is `check_stack` for a graph (`playground.model.graph`): it
walks the nodes in order from the data's input, computes each node's output
shape and parameter count as Keras' `model.summary()` would, and refuses a
graph that cannot fit the data with `StackError` (the node's index, what it
received, what it expects and the fix): a merge of shapes that do not
match, `TimeDistributed` over an input with no time axis, a node whose
output reaches nothing.
"""

from __future__ import annotations

from playground.datasets.catalog import DataSpec
from playground.i18n import tr
from playground.model.graph import GRAPH_INPUT, MERGES, GraphNode
from playground.model.layers import LayerSpec
from playground.model.shapes import (
    LayerRow,
    StackError,
    check_output,
    format_shape,
    layer_output,
    suggest_output,
)

_KINDS = {1: "features", 2: "sequence", 3: "image"}


def _kind_of(shape: tuple[int, ...], kind: str) -> str:
    return _KINDS.get(len(shape), kind)


def _shapes_text(nodes: list[str], shapes: list[tuple[int, ...]]) -> str:
    return ", ".join(tr("{shape} from {node}", shape=format_shape(shape), node=node)
                     for node, shape in zip(nodes, shapes))


def merge_output(node: GraphNode, shapes: list[tuple[int, ...]], kinds: list[str],
                 where: str) -> tuple[tuple[int, ...], str]:
    """A merge's output shape and kind; raises ValueError when its inputs'
    shapes do not fit it."""
    received = _shapes_text(list(node.inputs), shapes)
    if "tokens" in kinds:
        raise ValueError(tr(
            "{where} receives token ids (integers) from the input, which only an "
            "Embedding layer can read. Received: {received}. Merge the Embedding's "
            "output instead.", where=where, received=received))
    if node.merge == "concatenate":
        first = shapes[0]
        if any(len(s) != len(first) or s[:-1] != first[:-1] for s in shapes):
            raise ValueError(tr(
                "{where} cannot join its inputs: Concatenate expects shapes that "
                "differ only in the last axis. Received: {received}. Flatten the "
                "branches first, or give them the same steps or image size.",
                where=where, received=received))
        shape = (*first[:-1], sum(s[-1] for s in shapes))
    else:
        if any(s != shapes[0] for s in shapes):
            raise ValueError(tr(
                "{where} cannot {merge} its inputs: {label} expects every input to "
                "have the same shape. Received: {received}. Give the branches' last "
                "layers the same number of units, or use Concatenate, which joins "
                "different widths.", where=where, merge=node.merge,
                label=MERGES[node.merge], received=received))
        shape = shapes[0]
    return shape, _kind_of(shape, kinds[0])


def _time_distributed(spec: LayerSpec, shape: tuple[int, ...], kind: str,
                      data: DataSpec, where: str) -> tuple[tuple[int, ...], int, str]:
    if len(shape) < 2 or kind == "tokens":
        raise ValueError(tr(
            "{where} wraps {layer} in TimeDistributed, which applies it to each step "
            "of a sequence, and it receives {shape} ({kind}): there is no time axis "
            "with something at each step. It expects (timesteps, features) or more. "
            "Remove the TimeDistributed wrap, or put the node after an Embedding, or "
            "after an LSTM with return_sequences on.", where=where,
            layer=spec.type.label, shape=format_shape(shape), kind=tr(kind)))
    steps, inner = shape[0], shape[1:]
    inner_where = tr("{where} (inside TimeDistributed)", where=where)
    out, params, _ = layer_output(spec, inner, _kind_of(inner, kind), data, inner_where)
    out = (steps, *out)
    return out, params, _kind_of(out, kind)


def check_graph(nodes: tuple[GraphNode, ...], output: LayerSpec | None,
                data: DataSpec) -> list[LayerRow]:
    """Checks that a graph fits the data and returns its summary rows.

    Args:
        nodes: The graph's nodes, in order (a node takes only earlier ones).
        output: The output layer, after the last node, or None for the one
            `suggest_output` picks.
        data: The dataset's input and task.

    Returns:
        One `LayerRow` per node, output layer last, with the output shapes
        and parameter counts Keras' `model.summary()` reports.

    Raises:
        StackError: naming the first node that does not fit (`index` is its
            position; the output layer's is `len(nodes)`) and the fix.
    """
    used = {taken for node in nodes for taken in node.inputs}
    for index, node in enumerate(nodes[:-1]):
        if node.id not in used:
            raise StackError(index, tr(
                "Node {number}, {node}, is not used: no later node takes its output, "
                "so it does not reach the output layer (a model has one output, after "
                "the last node). Join it to another branch with a merge (Concatenate, "
                "Add or Average), or remove it.", number=index + 1, node=node.id))
    found = {GRAPH_INPUT: (tuple(data.input_shape), data.input_kind)}
    rows = []
    for index, node in enumerate(nodes):
        where = tr("Node {number}, {node} ({layer}),", number=index + 1, node=node.id,
                   layer=node.describe().split(": ", 1)[1])
        shapes = [found[taken][0] for taken in node.inputs]
        kinds = [found[taken][1] for taken in node.inputs]
        try:
            if node.merge:
                shape, kind = merge_output(node, shapes, kinds, where)
                params = 0
            elif node.time_distributed:
                shape, params, kind = _time_distributed(node.layer, shapes[0], kinds[0],
                                                        data, where)
            else:
                shape, params, kind = layer_output(node.layer, shapes[0], kinds[0],
                                                   data, where)
        except ValueError as error:
            raise StackError(index, str(error)) from None
        found[node.id] = (shape, kind)
        rows.append(LayerRow(node.label, shape, params))
    out_spec = output if output is not None else suggest_output(data)
    shape, kind = found[nodes[-1].id] if nodes else found[GRAPH_INPUT]
    where = tr("The output layer {layer}", layer=out_spec.describe())
    try:
        shape, params, _ = layer_output(out_spec, shape, kind, data, where)
    except ValueError as error:
        raise StackError(len(nodes), str(error)) from None
    rows.append(LayerRow(out_spec.type.label, shape, params))
    check_output(out_spec, shape, data, len(nodes))
    return rows

