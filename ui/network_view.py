"""TF Playground's view of a network: each neuron's map, links weighted by the
kernel, drawn on a canvas (Streamlit components v2).

The data comes from `LiveFigures.network_data`: a column per layer, each
node with its output over the input plane, and the kernels between columns.
Links are blue for positive and orange for negative weights, thicker for
larger ones (scaled per pair of layers); a node is drawn with TF
Playground's colours, blue where it outputs its largest positive values and
orange where its most negative. The canvas stays mounted across polls, so a
redraw is one `drawImage` per node.
"""

from __future__ import annotations

from playground.i18n import tr
from ui.canvas_views import wide_canvas
from ui.plane_maps_js import MAP_JS

HEIGHT = 380

_JS = MAP_JS + """
export default function(component) {
  // A poll without a new snapshot sends the same data: nothing to redraw.
  const drawing = prepareCanvas(component, (data) => ({height: 360,
                                                       stamp: String(data.epoch)}));
  if (!drawing) return;
  const { canvas, pen, data, w, h } = drawing;
  const columns = data.columns, top = 34;
  const most = Math.max(...columns.map((c) => c.nodes.length));
  const gap = Math.min(72, (h - top - 10) / most), node = Math.min(56, gap * 0.78);
  const x = (i) => 30 + i * (w - 60 - node) / Math.max(1, columns.length - 1);
  const y = (c, j) => top + (h - top - 10 - c.nodes.length * gap) / 2 + j * gap;
  // Links first, under the nodes.
  data.links.forEach((kernel, i) => {
    const left = columns[i], right = columns[i + 1];
    const largest = Math.max(1e-6, ...kernel.flat().map(Math.abs));
    kernel.forEach((row, a) => row.forEach((weight, b) => {
      const x0 = x(i) + node, y0 = y(left, a) + node / 2;
      const x1 = x(i + 1), y1 = y(right, b) + node / 2, mx = (x0 + x1) / 2;
      pen.beginPath(); pen.moveTo(x0, y0); pen.bezierCurveTo(mx, y0, mx, y1, x1, y1);
      pen.strokeStyle = weight >= 0 ? "rgba(8,119,189,0.75)" : "rgba(245,147,34,0.75)";
      pen.lineWidth = 0.4 + 4.5 * Math.abs(weight) / largest;
      pen.stroke();
    }));
  });
  const n = data.size;
  pen.font = "12px sans-serif"; pen.textAlign = "center"; pen.fillStyle = "#31333f";
  columns.forEach((column, i) => {
    pen.fillText(column.name, x(i) + node / 2, 16);
    column.nodes.forEach((item, j) => {
      pen.imageSmoothingEnabled = true;
      pen.drawImage(mapCanvas(item.map, n, 1), x(i), y(column, j), node, node);
      pen.strokeStyle = "#9aa0a6"; pen.lineWidth = 1;
      pen.strokeRect(x(i), y(column, j), node, node);
      if (item.label) pen.fillText(item.label, x(i) - 12, y(column, j) + node / 2 + 4);
    });
    if (column.more) {
      pen.fillText(data.more.replace("{count}", column.more), x(i) + node / 2,
                   y(column, column.nodes.length - 1) + node + 14);
    }
  });
  canvas.dataset.epoch = String(data.epoch);
}
"""

_component = wide_canvas("keras_playground_network_view", "network-view", _JS,
                         height=360)


def network_view(data: dict) -> None:
    """Draws `LiveFigures.network_data` (see the module doc), its words in
    the reader's language."""
    _component(key="network_view", height=HEIGHT, data=in_readers_language(data))


def in_readers_language(data: dict) -> dict:
    """`data` with the first and last columns' names (the inputs, the
    model's output) and the "+N more" under a cut column translated; the
    layers keep their names. The data itself is shared by every session
    watching the run, so it is copied, not changed."""
    columns = [dict(column) for column in data["columns"]]
    columns[0]["name"], columns[-1]["name"] = tr("input"), tr("output")
    return {**data, "columns": columns,
            "more": tr("+{count} more", count="{count}")}
