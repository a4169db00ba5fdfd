"""The decision boundary while a run trains, animated on a canvas in the browser.

A Plotly chart redraws only when the page polls the server (twice a second)
and is rebuilt from its whole figure each time. TensorFlow Playground
repaints its boundary on every animation frame instead. This component
(Streamlit components v2) gets the few newest snapshots with each poll and
plays the ones it has not shown yet, spread evenly until the next poll: the
boundary moves several times a second, one poll behind training, while the
server does no more work per poll than before.

Each frame is the coarse boundary grid as bytes (the output mapped to
0..255 over the chart's range), so a poll carries a few kilobytes. The
points and the plane's extent come with every poll too; they are drawn over
the heatmap with TensorFlow Playground's colours. Once the run ends, the
page shows the full-resolution Plotly chart with hover and replay.

The canvas says which epoch it shows in its `data-epoch` attribute, for
the browser tests and the benchmark, and in its title ("Decision boundary
after epoch N"), which comes with each poll in the reader's language.
"""

from __future__ import annotations

import streamlit as st

from playground.charts.live_figures import boundary_frame
from playground.i18n import tr
from ui.plane_maps_js import MAP_JS

HEIGHT = 420
FRAMES_PER_POLL = 15  # 1.2 s of snapshots: a poll late by 0.7 s loses none

_HTML = """
<div class="kp-live-boundary">
  <div class="kp-title"></div>
  <canvas class="kp-plane" data-epoch="-1" data-testid="live-boundary"></canvas>
</div>
"""

_CSS = """
.kp-live-boundary { display: flex; flex-direction: column; align-items: center;
                    font-family: sans-serif; }
.kp-live-boundary .kp-title { font-size: 16px; font-weight: 600; margin: 8px 0 12px;
                              color: #31333f; }
.kp-live-boundary .kp-plane { width: 340px; height: 340px; border-radius: 4px; }
"""

QUEUE_JS = """
// The frames still to play after a poll: the new ones (newer than anything
// queued or shown), and at most one poll's worth. A browser that could not
// play the last poll's frames in time skips them for the newest, so the
// boundary never trails the run by more than a poll.
function enqueue(queue, shown, frames) {
  const newest = queue.length ? queue[queue.length - 1].epoch : shown;
  const next = queue.concat(frames.filter(frame => frame.epoch > newest));
  return next.slice(-Math.max(1, frames.length));
}
"""

_JS = MAP_JS + QUEUE_JS + """
export default function(component) {
  const { parentElement, data } = component;
  const canvas = parentElement.querySelector(".kp-plane");
  const title = parentElement.querySelector(".kp-title");
  if (!canvas || !data) return;
  let live = canvas.__live;
  if (!live) {
    live = canvas.__live = { queue: [], shown: -1, run: null, timer: null, frame: null };
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(340 * ratio);
    canvas.height = Math.round(340 * ratio);
  }
  if (live.run !== data.run) {
    live.run = data.run; live.queue = []; live.shown = -1; live.frame = null;
  }
  live.data = data;
  live.queue = enqueue(live.queue, live.shown, data.frames);

  const draw = () => {
    const pen = canvas.getContext("2d"), d = live.data, [x0, x1, y0, y1] = d.extent;
    const w = canvas.width, h = canvas.height;
    pen.clearRect(0, 0, w, h);
    const frame = live.frame;
    if (frame) {  // 80% over white, as the Plotly chart's heatmap
      pen.imageSmoothingEnabled = true;
      pen.drawImage(mapCanvas(frame.values, frame.size, 0.8), 0, 0, w, h);
    } else {
      pen.fillStyle = "#f4f5f6"; pen.fillRect(0, 0, w, h);
    }
    const radius = 3.2 * (window.devicePixelRatio || 1);
    const p = d.points;
    for (let i = 0; i < p.x.length; i++) {
      const px = (p.x[i] - x0) / (x1 - x0) * w, py = (1 - (p.y[i] - y0) / (y1 - y0)) * h;
      pen.beginPath(); pen.arc(px, py, radius, 0, 2 * Math.PI);
      pen.fillStyle = p.colour[i]; pen.fill();
      pen.lineWidth = p.test[i] ? 2 : 1;
      pen.strokeStyle = p.test[i] ? "#000" : "#fff"; pen.stroke();
    }
    canvas.dataset.epoch = frame ? String(frame.epoch) : "-1";
    title.textContent = frame ? d.titles.after.replace("{epoch}", frame.epoch)
                              : d.titles.waiting;
  };
  const tick = () => {
    live.timer = null;
    const frame = live.queue.shift();
    if (frame) { live.frame = frame; live.shown = frame.epoch; draw(); }
    if (live.queue.length) {  // spread what is left over one poll
      const wait = Math.max(30, live.data.poll * 1000 / (live.queue.length + 1));
      live.timer = setTimeout(tick, wait);
    }
  };
  if (live.timer === null) {
    if (live.queue.length) tick(); else draw();
  }
}
"""

_component = st.components.v2.component(
    "keras_playground_live_boundary", html=_HTML, css=_CSS, js=_JS,
    isolate_styles=False)


def live_boundary(run: str, snapshots: list[tuple[int, dict]], step: int,
                  extent: tuple[float, float, float, float], points: dict,
                  regression: bool, poll: float) -> None:
    """Draws the animated boundary of a training run.

    Args:
        run: The run's id: a new id starts the animation afresh.
        snapshots: `(epoch, snapshot)` pairs, oldest first; the newest
            `FRAMES_PER_POLL` with a boundary are sent.
        step: Every `step`-th grid point is sent (a coarser image).
        extent: The plane's `(x min, x max, y min, y max)`.
        points: The run's train and test points
            (`LiveFigures.plane_points`).
        regression: Whether the output is a value in -1..1 (else a probability).
        poll: Seconds between two polls, over which new frames are spread.
    """
    frames = [boundary_frame(epoch, shot["boundary"][::step, ::step], regression)
              for epoch, shot in snapshots[-FRAMES_PER_POLL:]
              if shot.get("boundary") is not None]
    _component(key="boundary_chart", height=HEIGHT,
               data={"run": run, "frames": frames, "extent": list(extent),
                     "points": points, "poll": poll, "titles": titles()})


def titles() -> dict[str, str]:
    """The canvas's titles in the reader's language: before the first
    frame, and after an epoch (its `{epoch}` filled in the browser)."""
    return {"waiting": tr("Decision boundary: waiting for the first snapshot"),
            "after": tr("Decision boundary after epoch {epoch}", epoch="{epoch}")}
