"""JavaScript shared by the canvas components that draw maps over the plane
(`ui.live_boundary`, `ui.network_view`): TF Playground's colours and the
decoding of a map sent as base64 bytes. Prepended to each component's module.
"""

MAP_JS = """
// TF Playground's colours for 0..255: orange, grey at 128, blue; `opacity`
// over white.
const PLAYGROUND = [[245, 147, 34], [232, 234, 235], [8, 119, 189]];
function playgroundColour(v, opacity) {
  const t = v / 255, [a, b, s] = t < 0.5 ? [PLAYGROUND[0], PLAYGROUND[1], t * 2]
                                         : [PLAYGROUND[1], PLAYGROUND[2], t * 2 - 1];
  return a.map((c, i) => Math.round(opacity * (c + (b[i] - c) * s) + (1 - opacity) * 255));
}
// An n x n map sent as base64 bytes (row 0 the lowest y) on a small canvas,
// to draw scaled with drawImage.
function mapCanvas(values, n, opacity) {
  const bytes = Uint8Array.from(atob(values), (c) => c.charCodeAt(0));
  const image = new ImageData(n, n);
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++) {
      const [r, g, b] = playgroundColour(bytes[row * n + col], opacity);
      const at = ((n - 1 - row) * n + col) * 4;
      image.data[at] = r; image.data[at + 1] = g; image.data[at + 2] = b;
      image.data[at + 3] = 255;
    }
  const small = document.createElement("canvas");
  small.width = n; small.height = n;
  small.getContext("2d").putImageData(image, 0, 0);
  return small;
}
"""
