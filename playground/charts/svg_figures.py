"""Figures drawn as SVG text on the server, for the first page a student sees.

The Data page is the app's first page. Drawn with Plotly, its plane and its
class balance made the browser fetch, parse and run plotly.js (about 4.6 MB)
before they appeared, and the page took several times as long as a bare
Streamlit page to show everything. These two figures need no zoom or hover
to be read (TensorFlow Playground draws its data as a still picture too),
so they are written as SVG and shown as images: the browser has nothing
to load before drawing them.

Text in them (class names come from a user's CSV file) is escaped, so a
name is drawn as written and cannot add markup. Greys that read on a light
and a dark page stand for the theme's colours, which an image cannot see.
"""

from __future__ import annotations

import html
import math

import numpy as np

from playground.charts.style import CLASS_COLORS

INK = "#808495"
"""Axes, ticks and text: Streamlit's grey, legible on light and dark themes."""
GRID = "#80849533"
SPLIT_COLORS = ("#0068c9", "#83c9ff", "#ff2b2b")
"""Train, validation and test bars: Streamlit's first chart colours."""
FONT = "font-family='sans-serif'"


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """About `count` round values (1, 2 or 5 times a power of ten apart)
    between `low` and `high`, as an axis is numbered."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    power = 10 ** math.floor(math.log10((high - low) / max(1, count - 1)))
    step = min((m * power for m in (1, 2, 5, 10, 20)),
               key=lambda step: abs((high - low) / step + 1 - count))
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 10)
            for i in range(int((high - first) / step + 1e-9) + 1)]


def _number(value: float) -> str:
    return format(value, "g")


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "middle",
          extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' fill='{INK}' {FONT} "
            f"text-anchor='{anchor}' {extra}>{html.escape(str(text))}</text>")


def _svg(width: int, height: int, body: list[str]) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}'>{''.join(body)}</svg>")


def _legend(entries: list[tuple[str, str]], y: float, left: float,
            width: int) -> tuple[list[str], float]:
    """Rows of swatches (each a drawn mark and its label) from `left`,
    wrapped before `width`; returns them and the last row's baseline."""
    body, x = [], left
    for mark, label in entries:
        size = 30 + 7 * len(label) + 6 * sum(ord(c) > 0x2E7F for c in label)
        if x > left and x + size > width:
            x, y = left, y + 20
        body.append(mark.format(x=x + 6, y=y - 4))
        body.append(_text(x + 16, y, label, anchor="start"))
        x += size
    return body, y


def plane_svg(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
              y_test: np.ndarray, class_names: tuple[str, ...], title: str,
              split_names: tuple[str, str] = ("train", "test"),
              axis_names: tuple[str, str] = ("x1", "x2")) -> str:
    """2-D points of a classification set, training points filled and test
    points outlined, each class in its TF Playground colour, on axes of
    equal scale. `split_names` and `title` are drawn as given (translated)."""
    width, top, left = 640, 40, 50
    side = 360
    points = np.concatenate([np.asarray(x_train, float).reshape(-1, 2),
                             np.asarray(x_test, float).reshape(-1, 2)])
    points = points[np.isfinite(points).all(axis=1)]
    if len(points):
        low, high = points.min(axis=0), points.max(axis=0)
    else:
        low, high = np.zeros(2), np.ones(2)
    centre, span = (low + high) / 2, float(max((high - low).max(), 1e-9)) * 1.08
    x0 = left + (width - left - 20 - side) / 2

    def place(p: np.ndarray) -> np.ndarray:
        scaled = (p - (centre - span / 2)) / span
        return np.column_stack([x0 + scaled[:, 0] * side,
                                top + (1 - scaled[:, 1]) * side])

    body = [_text(left, 22, title, size=15, anchor="start")]
    body.append(f"<rect x='{x0:.1f}' y='{top}' width='{side:.1f}' height='{side:.1f}' "
                f"fill='none' stroke='{GRID}'/>")
    for axis in (0, 1):
        for tick in nice_ticks(centre[axis] - span / 2, centre[axis] + span / 2):
            at = place(np.array([[tick, tick]]))[0]
            if axis == 0:
                body.append(f"<line x1='{at[0]:.1f}' x2='{at[0]:.1f}' y1='{top}' "
                            f"y2='{top + side:.1f}' stroke='{GRID}'/>")
                body.append(_text(at[0], top + side + 16, _number(tick), size=11))
            else:
                body.append(f"<line x1='{x0:.1f}' x2='{x0 + side:.1f}' y1='{at[1]:.1f}' "
                            f"y2='{at[1]:.1f}' stroke='{GRID}'/>")
                body.append(_text(x0 - 6, at[1] + 4, _number(tick), size=11,
                                  anchor="end"))
    body.append(_text(x0 + side / 2, top + side + 34, axis_names[0], size=12))
    body.append(_text(x0 - 34, top + side / 2, axis_names[1], size=12,
                      extra=f"transform='rotate(-90 {x0 - 34:.1f} {top + side / 2:.1f})'"))
    legend = []
    for x, y, split, filled in ((x_train, y_train, split_names[0], True),
                                (x_test, y_test, split_names[1], False)):
        drawn = np.asarray(x, float).reshape(-1, 2)
        labels = np.asarray(y).astype(int).ravel()
        for label, name in enumerate(class_names):
            colour = CLASS_COLORS[label % len(CLASS_COLORS)]
            paint = (f"fill='{colour}' fill-opacity='0.85'" if filled
                     else f"fill='none' stroke='{colour}' stroke-width='1.3'")
            at = place(drawn[labels == label])
            at = at[np.isfinite(at).all(axis=1)]
            body.append(f"<g {paint}>" + "".join(
                f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='3'/>" for cx, cy in at)
                + "</g>")
            legend.append((f"<circle cx='{{x}}' cy='{{y}}' r='4' {paint}/>",
                           f"{name} ({split})"))
    drawn, last = _legend(legend, top + side + 62, left, width)
    return _svg(width, int(last) + 10, body + drawn)


def class_balance_svg(splits: dict[str, np.ndarray], class_names: tuple[str, ...],
                      title: str, split_names: dict[str, str] | None = None) -> str:
    """Samples per class in each split, as grouped bars with every class
    named (slanted when there are many). `split_names` maps a split to the
    name drawn for it (translated); `title` is drawn as given."""
    split_names = split_names or {}
    width, height, top, right = 640, 300, 40, 14
    slanted = len(class_names) > 10
    bottom, left = (95, 90) if slanted else (62, 56)
    plot_w, plot_h = width - left - right, height - top - bottom
    counts = {split: np.bincount(np.asarray(y).astype(int).ravel(),
                                 minlength=len(class_names))[:len(class_names)]
              for split, y in splits.items()}
    highest = max([1, *(int(c.max()) for c in counts.values() if len(c))])
    ticks = nice_ticks(0, highest, 5)
    if ticks[-1] < highest:  # a numbered line above the highest bar
        ticks.append(ticks[-1] + (ticks[1] - ticks[0] if len(ticks) > 1 else highest))
    top_value = ticks[-1]
    labelled = len(class_names) * len(counts) <= 30  # room for each bar's count
    body = [_text(left, 22, title, size=15, anchor="start")]
    for tick in ticks:
        y = top + plot_h * (1 - tick / top_value)
        body.append(f"<line x1='{left}' x2='{left + plot_w}' y1='{y:.1f}' y2='{y:.1f}' "
                    f"stroke='{GRID}'/>")
        body.append(_text(left - 6, y + 4, f"{int(tick):,}", size=11, anchor="end"))
    slot = plot_w / max(1, len(class_names))
    bar = slot * 0.8 / max(1, len(counts))
    every = max(1, math.ceil(len(class_names) / 40))  # names that still fit
    for index, name in enumerate(class_names):
        start = left + index * slot + slot * 0.1
        for position, (split, values) in enumerate(counts.items()):
            value = int(values[index])
            h = plot_h * value / top_value
            body.append(f"<rect x='{start + position * bar:.1f}' y='{top + plot_h - h:.1f}' "
                        f"width='{max(bar - 1, 0.5):.1f}' height='{h:.1f}' "
                        f"fill='{SPLIT_COLORS[position % len(SPLIT_COLORS)]}'/>")
            if labelled:
                body.append(_text(start + (position + 0.5) * bar, top + plot_h - h - 4,
                                  f"{value:,}", size=10))
        if index % every:
            continue
        x, y = left + (index + 0.5) * slot, top + plot_h + 15
        body.append(_text(x, y, name, size=11, anchor="end" if slanted else "middle",
                          extra=f"transform='rotate(-40 {x:.1f} {y:.1f})'" if slanted
                          else ""))
    body.append(f"<line x1='{left}' x2='{left + plot_w}' y1='{top + plot_h}' "
                f"y2='{top + plot_h}' stroke='{INK}'/>")
    legend = [(f"<rect x='{{x}}' y='{{y}}' width='10' height='10' "
               f"transform='translate(-5 -5)' fill='{SPLIT_COLORS[i % len(SPLIT_COLORS)]}'/>",
               split_names.get(split, split)) for i, split in enumerate(counts)]
    drawn, last = _legend(legend, height - 10, left, width)
    return _svg(width, int(last) + 10, body + drawn)
