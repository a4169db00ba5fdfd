"""A small drawing canvas, as a Streamlit custom component (components v2).

The user draws with the mouse, a pen or a finger; when a stroke ends, the
canvas reports its ink as a `INK_SIZE`×`INK_SIZE` grid of 0..255 values
(the 280-pixel canvas averaged over 4×4 blocks). "Clear" empties it.
Written here rather than taken from a package: streamlit-drawable-canvas
0.13 fails to register under Streamlit 1.67 outside an installed package
manifest, and the canvas needs only a few lines of JavaScript.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

CANVAS_PIXELS = 280
INK_SIZE = 70

_HTML = f"""
<div class="pad">
  <canvas width="{CANVAS_PIXELS}" height="{CANVAS_PIXELS}" data-testid="digit-canvas">
  </canvas>
  <button type="button" class="clear">Clear</button>
</div>
"""

_CSS = """
.pad { display: flex; gap: 12px; align-items: flex-start; }
canvas { background: #000; border-radius: 6px; touch-action: none; cursor: crosshair; }
.clear { padding: 4px 14px; border-radius: 6px; border: 1px solid #bbb;
         background: #fff; cursor: pointer; }
"""

_JS = f"""
export default function(component) {{
  const {{ parentElement, setStateValue }} = component;
  const canvas = parentElement.querySelector("canvas");
  if (canvas.dataset.ready) return;
  canvas.dataset.ready = "1";
  const pen = canvas.getContext("2d");
  pen.lineCap = "round"; pen.lineJoin = "round";
  pen.lineWidth = 22; pen.strokeStyle = "#fff";
  let drawing = false;
  const at = (e) => {{
    const box = canvas.getBoundingClientRect();
    return [(e.clientX - box.left) * canvas.width / box.width,
            (e.clientY - box.top) * canvas.height / box.height];
  }};
  const send = () => {{
    const size = {INK_SIZE}, block = canvas.width / size;
    const pixels = pen.getImageData(0, 0, canvas.width, canvas.height).data;
    const ink = new Array(size * size).fill(0);
    for (let y = 0; y < canvas.height; y++)
      for (let x = 0; x < canvas.width; x++)
        ink[Math.floor(y / block) * size + Math.floor(x / block)] +=
          pixels[(y * canvas.width + x) * 4];
    setStateValue("ink", ink.map((v) => Math.round(v / (block * block))));
  }};
  canvas.addEventListener("pointerdown", (e) => {{
    drawing = true; canvas.setPointerCapture(e.pointerId);
    const [x, y] = at(e); pen.beginPath(); pen.moveTo(x, y);
    pen.lineTo(x + 0.1, y + 0.1); pen.stroke();
  }});
  canvas.addEventListener("pointermove", (e) => {{
    if (!drawing) return;
    const [x, y] = at(e); pen.lineTo(x, y); pen.stroke();
  }});
  const end = () => {{ if (drawing) {{ drawing = false; send(); }} }};
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  parentElement.querySelector(".clear").addEventListener("click", () => {{
    pen.clearRect(0, 0, canvas.width, canvas.height);
    setStateValue("ink", null);
  }});
}}
"""

_canvas = st.components.v2.component("keras_playground_canvas", html=_HTML, css=_CSS,
                                     js=_JS)


def drawing(key: str) -> np.ndarray | None:
    """Draws the canvas; returns the ink as `(INK_SIZE, INK_SIZE)` 0..255
    floats once something was drawn, else None."""
    result = _canvas(key=key, on_ink_change=lambda: None, default={"ink": None},
                     height=CANVAS_PIXELS + 10)
    ink = getattr(result, "ink", None)
    if not ink or len(ink) != INK_SIZE * INK_SIZE:
        return None
    return np.asarray(ink, dtype=np.float32).reshape(INK_SIZE, INK_SIZE)
