"""The Evaluate page in the real app: draw a digit, see the model's answer.

Uses the fixtures of `test_browser.py` (one server and one Chromium for the
module, a fresh browser context per page). The digit is drawn with the
mouse on the page's canvas component, as a user draws it.

Run with `pytest -m browser` (needs /usr/bin/chromium). Set
`KERAS_PLAYGROUND_DRAWING_SCREENSHOT=/path.png` to save the page with the
prediction somewhere else than /tmp/evaluate_drawing.png, and
`KERAS_PLAYGROUND_TEST_SET_SCREENSHOT=/path.png` to save a binary run's
ROC and precision-recall curves.
"""

from __future__ import annotations

import os
import re

import pytest

from playground.presets import PRESETS

from app_server import button
from test_browser import (
    LOAD_MS,
    TRAIN_MS,
    assert_no_exception,
    go_to_page,
    open_app,
)

pytestmark = pytest.mark.browser

SCREENSHOT = os.environ.get("KERAS_PLAYGROUND_DRAWING_SCREENSHOT",
                            "/tmp/evaluate_drawing.png")
DIGITS = PRESETS["digits-mlp"].experiment.replace(epochs=10, learning_rate=0.01)


def draw_stroke(page, canvas, points) -> None:
    """Drags the mouse through `points`, fractions of the canvas's size."""
    box = canvas.bounding_box()
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
          for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()


def trained_and_evaluated(page, server: str, exp):
    """Opens the Train page with `exp`, trains it to the end, goes to Evaluate."""
    from playwright.sync_api import expect

    open_app(page, f"{server}/train?{exp.to_query_string()}")
    button(page, "train_button").click()
    expect(page.get_by_text(re.compile(rf"Finished {exp.epochs} epoch\(s\)")).first
           ).to_be_visible(timeout=TRAIN_MS)
    go_to_page(page, "Evaluate", "/evaluate")
    return page


def click_until(page, plot: str, where: tuple[float, float], check) -> None:
    """Clicks a chart at `where` (fractions of its plot area) until `check()`
    stops raising AssertionError: a chart drawn a moment ago may not listen
    to clicks yet."""
    area = page.locator(plot).first
    area.scroll_into_view_if_needed()
    for _ in range(10):
        box = area.bounding_box()
        page.mouse.click(box["x"] + where[0] * box["width"],
                         box["y"] + where[1] * box["height"])
        try:
            check()
            return
        except AssertionError:
            continue
    pytest.fail(f"clicking {plot} at {where} never had an effect")


def test_draw_a_digit_and_see_a_prediction(server, new_page):
    from playwright.sync_api import expect

    page = trained_and_evaluated(new_page(), server, DIGITS)
    expect(page.get_by_text("Confusion matrix").first).to_be_visible(timeout=LOAD_MS)
    # A click on the confusion matrix's top-left cell lists its samples.
    click_until(page, ".st-key-eval_confusion .nsewdrag", (0.05, 0.05),
                lambda: expect(page.get_by_text("True 0, predicted 0").first
                               ).to_be_attached(timeout=6000))

    page.get_by_role("tab", name="Your own input").click()
    expect(page.get_by_text("Draw a digit on the black square")).to_be_visible(
        timeout=LOAD_MS)
    canvas = page.locator("canvas[data-testid=digit-canvas]")
    expect(canvas).to_be_visible(timeout=LOAD_MS)

    draw_stroke(page, canvas, [(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)])  # a "1"
    prediction = page.locator("[data-testid=stMetric]").filter(has_text="Prediction")
    expect(prediction).to_be_visible(timeout=LOAD_MS)
    assert re.fullmatch(r"Prediction\s*[0-9]\s*", prediction.inner_text())
    expect(page.get_by_text("Your drawing, 8×8").first).to_be_attached()
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert_no_exception(page)

    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_text("Draw a digit on the black square")).to_be_visible(
        timeout=LOAD_MS)
    expect(prediction).to_have_count(0)
    assert_no_exception(page)


def write_pixel_digits(path, rows: int = 80) -> None:
    """A Kaggle-style digit file of 28×28 grey pixels: the label, then
    `pixel0` ... `pixel783`; ones are vertical bars, zeros are rings."""
    import numpy as np

    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[:28, :28]
    lines = ["label," + ",".join(f"pixel{i}" for i in range(784))]
    for i in range(rows):
        label, shift = i % 2, rng.integers(-3, 4)
        if label:
            image = (abs(xx - 14 - shift) < 2) & (yy > 4) & (yy < 24)
        else:
            image = abs(np.hypot(xx - 14 - shift, yy - 14) - 8) < 2
        lines.append(f"{label}," + ",".join(map(str, (image * 255).ravel())))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_draw_on_a_model_of_a_28_by_28_pixel_table(server, new_page, tmp_path):
    from playwright.sync_api import expect

    from test_upload import upload

    table = tmp_path / "digits.csv"
    write_pixel_digits(table)
    page = new_page()
    open_app(page, f"{server}/?dataset=csv&epochs=5")
    upload(page, table)
    expect(page.locator("[data-testid=stMain]")).to_contain_text(
        "the rows are read as images")
    go_to_page(page, "Train", "/train")
    button(page, "train_button").click()
    expect(page.get_by_text(re.compile(r"Finished 5 epoch\(s\)")).first
           ).to_be_visible(timeout=TRAIN_MS)
    go_to_page(page, "Evaluate", "/evaluate")
    page.get_by_role("tab", name="Your own input").click()
    canvas = page.locator("canvas[data-testid=digit-canvas]")
    expect(canvas).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text("taken to be like them").first).to_be_visible()
    draw_stroke(page, canvas, [(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)])  # a bar: "1"
    prediction = page.locator("[data-testid=stMetric]").filter(has_text="Prediction")
    expect(prediction).to_be_visible(timeout=LOAD_MS)
    assert re.fullmatch(r"Prediction\s*[01]\s*", prediction.inner_text())
    expect(page.get_by_text("Your drawing, 28×28").first).to_be_attached()
    assert_no_exception(page)


def test_click_the_plane_and_see_a_prediction(server, new_page):
    from playwright.sync_api import expect

    page = trained_and_evaluated(new_page(), server,
                                 PRESETS["gauss"].experiment.replace(epochs=3))
    expect(page.get_by_text("ROC curve").first).to_be_attached(timeout=LOAD_MS)
    if shot := os.environ.get("KERAS_PLAYGROUND_TEST_SET_SCREENSHOT"):
        page.locator(".st-key-eval_roc").scroll_into_view_if_needed()
        page.screenshot(path=shot)
    page.get_by_role("tab", name="Your own input").click()
    x1 = page.get_by_role("spinbutton", name="x1", exact=True)
    expect(x1).to_have_value("0.000", timeout=LOAD_MS)
    plane = page.locator(".st-key-own_plane .js-plotly-plot").first
    expect(plane).to_be_visible()
    click_until(page, ".st-key-own_plane .nsewdrag", (0.2, 0.3),
                lambda: expect(x1).not_to_have_value("0.000", timeout=6000))
    prediction = page.locator("[data-testid=stMetric]").filter(has_text="Prediction")
    expect(prediction).to_contain_text(re.compile("orange|blue"))
    assert float(x1.input_value()) < 0  # left of the centre
    # The clicked point is drawn where it was placed: a star at (x1, x2).
    star = page.evaluate("""() => {
        const plot = document.querySelector('.st-key-own_plane .js-plotly-plot');
        const trace = plot.data.find(t => t.marker && t.marker.symbol === 'star');
        return trace ? [trace.x[0], trace.y[0]] : null; }""")
    assert star is not None and abs(star[0] - float(x1.input_value())) < 1e-3
    assert_no_exception(page)
