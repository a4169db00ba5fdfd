"""The loss and metric curves while a run trains, drawn on a canvas in the browser.

The browser redraws a Plotly chart from its whole figure at every poll, and
measures each of its labels again: in `bench/browser_training.py` the live
curves and the neuron maps took most of the browser's time while a run
trained, so the page's first drawing after Train, the boundary's frames
and every poll waited for them. TensorFlow Playground draws its loss curve
on a canvas; so does this component (Streamlit components v2), with the
Plotly chart's panels, colours and words: the loss and the task metric side
by side, training solid, validation dotted, another run in grey under them,
the epoch axis spanning the planned run. Once the run ends, the page shows
the Plotly chart, with hover, zoom and the early-stopping marks.

The canvas says which epoch it shows in its `data-epoch` attribute, for the
browser tests and the benchmark.
"""

from __future__ import annotations

from playground.charts.history import (
    PREVIOUS_COLOR,
    WAITING,
    curve_panels,
    panel_range,
    thinned,
)
from playground.charts.style import CLASS_COLORS
from playground.i18n import tr
from ui.canvas_views import wide_canvas

HEIGHT = 340
"""Pixels: the Plotly history chart's height, so nothing moves at the end."""

_JS = """
// Round steps for an axis from `low` to `high`: about `count` of them.
function ticks(low, high, count) {
  const span = high - low;
  if (!(span > 0)) return [low];
  const raw = span / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}
function label(v) {
  const a = Math.abs(v);
  if (a >= 1e4 || (a > 0 && a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}
function valueRange(panel, series, previous) {
  if (panel.range) return panel.range;
  const values = [];
  for (const key of panel.keys)
    for (const curve of [series[key], previous && previous[key]])
      if (curve) for (const v of curve[1]) if (v !== null && isFinite(v)) values.push(v);
  if (!values.length) return [0, 1];
  let low = Math.min(...values), high = Math.max(...values);
  if (high - low < 1e-12) { const pad = Math.abs(low) * 0.1 || 1; low -= pad; high += pad; }
  const pad = (high - low) * 0.06;
  return [low - pad, high + pad];
}

export default function(component) {
  const drawing = prepareCanvas(component, (data) => ({height: 340, stamp: data.stamp}));
  if (!drawing) return;
  const { canvas, pen, data, w, h } = drawing;
  pen.font = "12px sans-serif";
  const panels = data.panels, gap = 60, left = 58, right = 16, top = 44, bottom = 84;
  const width = (w - left - right - gap * (panels.length - 1)) / panels.length;
  const styles = data.styles;
  panels.forEach((panel, p) => {
    const x0 = left + p * (width + gap), x1 = x0 + width, y0 = top, y1 = h - bottom;
    const [low, high] = valueRange(panel, data.series, data.previous);
    const px = (epoch) => x0 + (epoch - 1) / Math.max(1, data.epochs - 1) * width;
    const py = (v) => y1 - (v - low) / (high - low) * (y1 - y0);
    pen.fillStyle = "#31333f"; pen.textAlign = "center";
    pen.font = "14px sans-serif"; pen.fillText(panel.title, (x0 + x1) / 2, top - 12);
    pen.font = "12px sans-serif";
    pen.strokeStyle = "#e6e9ef"; pen.lineWidth = 1;
    for (const v of ticks(low, high, 5)) {  // grid and value labels
      pen.beginPath(); pen.moveTo(x0, py(v)); pen.lineTo(x1, py(v)); pen.stroke();
      pen.textAlign = "right"; pen.fillText(label(v), x0 - 6, py(v) + 4);
    }
    pen.textAlign = "center";
    for (const e of ticks(1, data.epochs, 5).filter((e) => e >= 1 && e % 1 === 0))
      pen.fillText(String(e), px(e), y1 + 16);
    pen.fillText(data.words.epoch, (x0 + x1) / 2, y1 + 34);
    pen.strokeStyle = "#b0b5bd"; pen.beginPath(); pen.moveTo(x0, y1); pen.lineTo(x1, y1);
    pen.stroke();
    pen.save(); pen.beginPath(); pen.rect(x0, y0 - 2, width, y1 - y0 + 4); pen.clip();
    const layers = [];
    if (data.previous) panel.keys.forEach((key, i) => layers.push(
      [data.previous[key], PREVIOUS, styles[i][1]]));
    panel.keys.forEach((key, i) => layers.push([data.series[key], styles[i][0], styles[i][1]]));
    for (const [curve, colour, dash] of layers) {
      if (!curve) continue;
      pen.strokeStyle = colour; pen.lineWidth = 2; pen.setLineDash(dash);
      pen.beginPath();
      let open = false;
      curve[0].forEach((epoch, k) => {
        const v = curve[1][k];
        if (v === null || !isFinite(v)) { open = false; return; }
        if (open) pen.lineTo(px(epoch), py(v)); else pen.moveTo(px(epoch), py(v));
        open = true;
      });
      pen.stroke();
      if (curve[0].length < 30) {  // a few epochs: each one a dot, as in the chart
        pen.fillStyle = colour;
        curve[0].forEach((epoch, k) => {
          const v = curve[1][k];
          if (v === null || !isFinite(v)) return;
          pen.beginPath(); pen.arc(px(epoch), py(v), 3, 0, 2 * Math.PI); pen.fill();
        });
      }
    }
    pen.restore(); pen.setLineDash([]);
    if (!data.epoch) {
      pen.fillStyle = "#808080"; pen.textAlign = "center";
      pen.fillText(data.words.waiting, (x0 + x1) / 2, (y0 + y1) / 2);
    }
  });
  // The legend, centred under the panels, as the Plotly chart has it.
  pen.textAlign = "left";
  const entries = data.legend, y = h - 14;
  const room = entries.map(([name]) => 44 + pen.measureText(name).width);
  let x = Math.max(left, (w - room.reduce((a, b) => a + b, 0)) / 2);
  entries.forEach(([name, colour, dash], i) => {
    pen.strokeStyle = colour; pen.lineWidth = 2; pen.setLineDash(dash);
    pen.beginPath(); pen.moveTo(x, y - 4); pen.lineTo(x + 26, y - 4); pen.stroke();
    pen.setLineDash([]); pen.fillStyle = "#31333f"; pen.fillText(name, x + 32, y);
    x += room[i];
  });
  canvas.dataset.epoch = String(data.epoch);
}
"""

SOLID, DOTTED = [], [2, 3]
_component = wide_canvas("keras_playground_live_history", "live-history",
                         f"const PREVIOUS = {PREVIOUS_COLOR!r};\n" + _JS, height=HEIGHT)


def live_history(run: str, history: dict[str, list[float]], epochs: int,
                 metrics: tuple[str, ...], standardised: bool = False,
                 previous: dict[str, list[float]] | None = None,
                 most_points: int | None = None) -> None:
    """Draws a running job's curves (see the module doc and `curves_data`)."""
    _component(key="history_chart", height=HEIGHT, data=curves_data(
        run, history, epochs, metrics, standardised, previous, most_points))


def curves_data(run: str, history: dict[str, list[float]], epochs: int,
                metrics: tuple[str, ...], standardised: bool = False,
                previous: dict[str, list[float]] | None = None,
                most_points: int | None = None) -> dict:
    """What the canvas draws, in the reader's language.

    Args:
        run: The run's id.
        history: Metric name to per-epoch values so far.
        epochs: The planned epochs: the span of the epoch axis.
        metrics: Metrics with a panel even before they have values.
        standardised: The titles say the values are in standard units.
        previous: Another run's history, in grey under this one.
        most_points: Each curve is sent with about this many points at
            most (`playground.charts.history.thinned`): a long run's
            curves cost no more per poll than a short one's.
    """
    panels = [{"title": title, "keys": [base, f"val_{base}"],
               "range": panel_range(history, base)}
              for base, title in curve_panels(history, metrics, standardised)]
    keys = [key for panel in panels for key in panel["keys"]]

    def curves(source: dict) -> dict:
        return {key: thinned(source[key], most_points) for key in keys if source.get(key)}

    styles = [[CLASS_COLORS[1], SOLID], [CLASS_COLORS[0], DOTTED]]
    names = [tr("training"), tr("validation")]
    legend = [[name, *style] for name, style in zip(names, styles)]
    if previous:
        legend += [[tr("previous run, {curve}", curve=name), PREVIOUS_COLOR, style[1]]
                   for name, style in zip(names, styles)]
    epoch = len(history.get("loss", ()))
    return {"stamp": f"{run}:{epoch}:{previous is not None}", "epoch": epoch,
            "epochs": max(2, epochs), "panels": panels, "series": curves(history),
            "previous": curves(previous) if previous else None, "styles": styles,
            "legend": legend, "words": {"epoch": tr("epoch"), "waiting": tr(WAITING)}}
