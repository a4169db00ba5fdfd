"""The hidden units' maps while a run trains, drawn on a canvas in the browser.

The neuron grid is a Plotly heatmap per layer with a label per unit: the
browser measured every label again and redrew the grid whenever a new
snapshot came (`bench/browser_training.py`: it cost the page's first
drawing after Train most of a second), so it was refreshed only every two
seconds. On a canvas a new snapshot is a `drawImage` per unit, and the
maps follow every poll, as the network view's do. Each layer keeps its own
symmetric colour range, orange for negative, blue for positive; once the
run ends the page shows the Plotly grid, with hover and replay.

The canvas says which epoch it shows in its `data-epoch` attribute.
"""

from __future__ import annotations

from ui.canvas_views import wide_canvas
from ui.plane_maps_js import MAP_JS

_JS = MAP_JS + """
export default function(component) {
  const drawing = prepareCanvas(component, (data) => ({height: data.height,
                                                       stamp: data.stamp}));
  if (!drawing) return;
  const { canvas, pen, data, w, h } = drawing;
  pen.fillStyle = "#31333f"; pen.font = "600 16px sans-serif"; pen.textAlign = "left";
  pen.fillText(data.title, 4, 26);
  const top = 56, row = data.row, gap = 6;
  pen.font = "10px sans-serif"; pen.textAlign = "center";
  // The rows share one left edge, the widest row centred, as in the grid.
  const most = Math.max(1, ...data.rows.map((layer) => layer.units.length));
  const cell = Math.min(row - 24, (w - 8 - gap * (most - 1)) / most);
  const left = Math.max(4, (w - most * cell - (most - 1) * gap) / 2);
  data.rows.forEach((layer, r) => {
    let x = left;
    const y = top + r * row;
    layer.units.forEach((unit) => {
      pen.fillStyle = "#808495"; pen.fillText(unit.label, x + cell / 2, y + 10);
      pen.imageSmoothingEnabled = true;
      pen.drawImage(mapCanvas(unit.map, data.size, 1), x, y + 16, cell, cell);
      x += cell + gap;
    });
  });
  canvas.dataset.epoch = String(data.epoch);
}
"""

_component = wide_canvas("keras_playground_live_neurons", "live-neurons", _JS)


def live_neurons(data: dict) -> None:
    """Draws `LiveFigures.neuron_maps` (see the module doc) at its height."""
    _component(key="neuron_chart", height=data["height"], data=data)
