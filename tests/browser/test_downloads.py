"""The Train page's downloads in the real app, used as a user would use them.

"Download as Python" must give a script that runs on its own and prints its
test metrics; "Download model (.keras)" must give a file that Keras loads in
safe mode and that predicts. Both are fetched through Chromium's own
downloads (`page.expect_download`), not read from the server, so the test
covers the button, the file name and the bytes a user gets.

Uses the fixtures of `test_browser.py` (one server and one Chromium for the
module, a fresh browser context per page). Run with `pytest -m browser`
(needs /usr/bin/chromium).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from playground.presets import PRESETS

from app_server import button
from test_browser import (
    LOAD_MS,
    TRAIN_MS,
    assert_no_exception,
    open_app,
)

pytestmark = pytest.mark.browser

XOR = PRESETS["xor"].experiment.replace(epochs=5)
SCRIPT_TIMEOUT_S = 300  # TensorFlow's import and five epochs on a busy machine
DOWNLOAD_MS = TRAIN_MS  # the .keras file is made in a worker that may import Keras


def open_train_page(page, server: str, exp) -> None:
    from playwright.sync_api import expect

    open_app(page, f"{server}/train?{exp.to_query_string()}")
    page.get_by_role("heading", name="Train").wait_for()
    expect(page.get_by_role("spinbutton", name="Epochs", exact=True)).to_have_value(
        str(exp.epochs))


def download(page, button, path) -> str:
    """Clicks `button`, saves what the browser downloads to `path`; returns
    the file name the browser was given."""
    from playwright.sync_api import expect

    expect(button).to_be_enabled()
    with page.expect_download(timeout=DOWNLOAD_MS) as info:
        button.click()
    info.value.save_as(path)
    assert info.value.failure() is None
    return info.value.suggested_filename


def test_python_download_is_a_script_that_runs_on_its_own(server, new_page, tmp_path):
    """The script compiles, needs no `playground` package, trains and prints
    its test accuracy as JSON on its last line."""
    page = new_page()
    open_train_page(page, server, XOR)
    path = tmp_path / "experiment.py"
    assert download(page, button(page, "script_download"), path) == "experiment.py"
    assert_no_exception(page)

    code = path.read_text()
    compile(code, str(path), "exec")
    assert "playground" not in code.replace("playground_model", "").replace(
        "Keras Playground", "")
    assert "epochs=5" in code

    result = subprocess.run(
        [sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True,
        timeout=SCRIPT_TIMEOUT_S, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-3000:]
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert 0 <= last["test"]["accuracy"] <= 1, last


def train_and_download(page, server: str, exp, button_key: str, path) -> str:
    """Trains `exp` on the Train page, then saves the finished run's download
    whose button key starts with `button_key` to `path`; returns the file name
    the app offered."""
    from playwright.sync_api import expect

    open_train_page(page, server, exp)
    button(page, "train_button").click()
    expect(page.get_by_text(re.compile(rf"Finished {exp.epochs} epoch\(s\)")).first
           ).to_be_visible(timeout=TRAIN_MS)
    # The poll that finds the run ended draws its downloads, then reruns the
    # page once (Train again, no more polling), which draws them anew: each
    # drawing gives a download a new address and withdraws the last one, so
    # a click in between would ask for a withdrawn file. Wait for the page's
    # own drawing, as a user would see Train again.
    expect(button(page, "train_button")).to_have_text("Train again", timeout=LOAD_MS)
    page.wait_for_selector("[data-test-script-state=notRunning]")
    offered = page.locator(f"[class*=st-key-{button_key}][data-stale=false] button:visible")
    expect(offered).to_have_count(1, timeout=LOAD_MS)
    name = download(page, offered, path)
    assert_no_exception(page)
    return name


def test_keras_download_of_a_finished_run_loads_and_predicts(server, new_page, tmp_path):
    """After a run, the .keras file loads with Keras' safe defaults and
    gives one probability per 2-D point."""
    path = tmp_path / "model.keras"
    assert train_and_download(new_page(), server, XOR, "keras_download_",
                              path) == "model.keras"

    import keras  # here: only this test needs TensorFlow in the test process

    model = keras.saving.load_model(path)
    points = np.array([[2.0, 2.0], [-2.0, 3.0]], dtype=np.float32)
    predictions = model.predict(points, verbose=0)
    assert predictions.shape == (2, 1)
    assert np.all((predictions >= 0) & (predictions <= 1))


def test_the_model_for_raw_rows_answers_in_thousands(server, new_page, tmp_path):
    """The house-price preset's model for raw rows, downloaded from the page,
    takes one row as it is in the CSV file and predicts a price in thousands."""
    exp = PRESETS["house-prices"].experiment.replace(epochs=5)
    path = tmp_path / "model-raw-rows.keras"
    assert train_and_download(new_page(), server, exp, "deployable_download_",
                              path) == "model-raw-rows.keras"

    import keras
    import tensorflow as tf

    model = keras.saving.load_model(path)
    row = {"area_m2": np.array([[120.0]]), "rooms": np.array([[4.0]]),
           "age_years": np.array([[10.0]]), "distance_to_centre_km": np.array([[3.5]]),
           "district": tf.constant([["Hillside"]]), "has_garden": np.array([[1.0]])}
    price = float(model.predict(row, verbose=0)[0, 0])
    assert 50 < price < 1000
