"""A graph of layers as a Graphviz diagram (DOT text), without Keras.

The Model page draws it with `st.graphviz_chart`, which renders DOT in the
browser: no Graphviz binary and no TensorFlow. Each node shows its id, its
layer and, once the graph fits the data, its output shape; the selected
node is filled and the node a check refused is outlined in red.
"""

from __future__ import annotations

from playground.model.graph import GRAPH_INPUT, GraphNode
from playground.model.layers import LayerSpec
from playground.model.shapes import LayerRow, format_shape

SELECTED_FILL = "#d2e3fc"
PROBLEM_COLOUR = "#d93025"


def _quoted(*lines: str) -> str:
    """A DOT string of one or more lines (joined by DOT's line break)."""
    return '"' + r"\n".join(line.replace("\\", "\\\\").replace('"', '\\"')
                            for line in lines) + '"'


def graph_dot(nodes: tuple[GraphNode, ...], output: LayerSpec,
              input_shape: tuple[int, ...], rows: list[LayerRow] | None = None,
              selected: str | None = None, problem: int | None = None) -> str:
    """The graph, from the input to the output layer, as DOT text.

    Args:
        nodes: The graph's nodes, in order.
        output: The output layer, drawn after the last node.
        input_shape: The data's input shape, shown on the input.
        rows: The checked summary (`check_graph`): one row per node, output
            last, for the output shapes; None when the check failed.
        selected: The id of the node to fill, if any.
        problem: The index of the node a check refused (`len(nodes)` for
            the output layer), if any.
    """
    shapes = [format_shape(row.output_shape) for row in rows] if rows else None
    lines = ["digraph {", 'rankdir="TB";',
             'node [shape="box", style="rounded,filled", fillcolor="white", '
             'fontname="sans-serif", fontsize="11"];',
             'edge [color="#5f6368"];']

    def box(name: str, title: str, body: str, index: int | None) -> None:
        label = [title, body]
        if shapes and index is not None:
            label.append(shapes[index])
        attributes = [f"label={_quoted(*label)}"]
        if name == selected:
            attributes.append(f'fillcolor="{SELECTED_FILL}"')
        if index is not None and index == problem:
            attributes.append(f'color="{PROBLEM_COLOUR}", penwidth="2"')
        lines.append(f"{_quoted(name)} [{', '.join(attributes)}];")

    box(GRAPH_INPUT, "input", f"Input{format_shape(tuple(input_shape))}", None)
    for index, node in enumerate(nodes):
        box(node.id, node.id, node.describe().split(": ", 1)[1], index)
        lines += [f"{_quoted(taken)} -> {_quoted(node.id)};" for taken in node.inputs]
    box("output", "output", output.describe(), len(nodes))
    lines.append(f"{_quoted(nodes[-1].id if nodes else GRAPH_INPUT)} -> \"output\";")
    lines.append("}")
    return "\n".join(lines)
