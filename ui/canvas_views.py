"""A canvas as wide as its column, as a Streamlit component (components v2).

The Train page draws its live views on such canvases (`ui.live_history`,
`ui.live_neurons`, `ui.network_view`): one `<canvas>` in a block, its
`data-testid` naming it for the browser tests and its `data-epoch` saying
which epoch it shows. Each view's JavaScript starts with `prepareCanvas`,
which sizes the canvas to its column at the screen's pixel ratio, or says
that a poll brought nothing new to draw.
"""

from __future__ import annotations

import streamlit as st

PREPARE_JS = """
// The component's canvas, sized to its column at the screen's pixel ratio and
// cleared, with a pen in CSS pixels: {canvas, pen, data, w, h}. `sizing(data)`
// gives {height, stamp}; null when there is no data yet, or when the stamp
// and the width are those of the last drawing (a poll with nothing new).
function prepareCanvas(component, sizing) {
  const { parentElement, data } = component;
  const canvas = parentElement.querySelector("canvas");
  if (!canvas || !data) return null;
  const { height, stamp } = sizing(data);
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(300, canvas.getBoundingClientRect().width);
  if (canvas.__drawn === stamp && canvas.__width === w) return null;
  canvas.__drawn = stamp; canvas.__width = w;
  canvas.style.height = height + "px";
  canvas.width = Math.round(w * ratio); canvas.height = Math.round(height * ratio);
  const pen = canvas.getContext("2d");
  pen.setTransform(ratio, 0, 0, ratio, 0, 0);
  pen.clearRect(0, 0, w, height);
  return { canvas, pen, data, w, h: height };
}
"""


def wide_canvas(name: str, testid: str, js: str, height: int | None = None):
    """Declares the component `name` drawing with `js` (which may call
    `prepareCanvas`) on a column-wide canvas, `height` pixels high before
    its first drawing."""
    block = f"kp-{testid}"
    html = (f'<div class="{block}"><canvas data-testid="{testid}" data-epoch="-1">'
            "</canvas></div>")
    size = f" height: {height}px;" if height else ""
    css = (f".{block} {{ width: 100%; }}\n"
           f".{block} canvas {{ width: 100%;{size} display: block; }}")
    return st.components.v2.component(name, html=html, css=css, js=PREPARE_JS + js,
                                      isolate_styles=False)
