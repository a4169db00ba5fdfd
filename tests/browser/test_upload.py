"""A user's own CSV file in the real app: upload, pick the target, train.

Drives `streamlit run app.py` in headless Chromium with the fixtures of
`test_browser.py` (one server and one Chromium for the module, a fresh
browser context, so a fresh Streamlit session, per page). The file goes in
through the uploader's own `<input type=file>`, as a user's would.

Run with `pytest -m browser` (needs /usr/bin/chromium). Set
`KERAS_PLAYGROUND_CSV_SCREENSHOT=/path.png` to save the Data page with the
file loaded somewhere else than /tmp/csv_data_page.png.
"""

from __future__ import annotations

import os
import random
import re

import pytest

from app_server import button
from test_browser import (
    TRAIN_MS,
    assert_no_exception,
    current_url,
    go_to_page,
    open_app,
    query_of,
    set_epochs,
    wait_for_url_containing,
)

pytestmark = pytest.mark.browser

EPOCHS = 3
SCREENSHOT = os.environ.get("KERAS_PLAYGROUND_CSV_SCREENSHOT", "/tmp/csv_data_page.png")
COLUMNS = ["x1", "x2", "colour", "label"]

# From playground/datasets/csv_reading.py: a header line and nothing else.
NO_ROWS = ("{name} has a header line but no data rows. Expected the column names "
           "on the first line, then at least 2 rows of data.")
LINK_CAPTION = ("Links to this experiment carry the settings, not the file: "
                "whoever opens one uploads the file again.")


def write_table(path, rows: int = 60) -> None:
    """Two numbers, a category and a yes/no target, the target last."""
    rng = random.Random(3)
    lines = [",".join(COLUMNS)]
    for i in range(rows):
        x1, x2 = round(rng.uniform(-3, 3), 2), round(rng.uniform(-3, 3), 2)
        colour = ("red", "green", "blue")[i % 3]
        lines.append(f"{x1},{x2},{colour},{'yes' if x1 + x2 > 0 else 'no'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def upload(page, path) -> None:
    """Puts a file into the Data page's uploader and waits for the rerun."""
    page.locator(".st-key-csv_upload input[type=file]").set_input_files(str(path))
    page.locator(".st-key-csv_upload [data-testid=stFileChip]",
                 has_text=path.name).wait_for()
    page.wait_for_selector("[data-test-script-state=notRunning]")


def selectbox(page, label: str):
    """A selectbox's input by its label; its value is the option shown."""
    return page.locator("[data-testid=stMain]").get_by_role(
        "combobox", name=label, exact=True)


def pick_option(page, label: str, option: str) -> None:
    """Opens the selectbox with this label and clicks one of its options."""
    selectbox(page, label).click()
    page.get_by_role("option", name=option, exact=True).click()


def save_screenshot(page, path: str) -> None:
    """The whole Data page: the app scrolls inside its main area, so the
    viewport is made tall enough, and the last chart must have been drawn."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2400})
    page.locator(".st-key-data_balance img, .st-key-data_balance .js-plotly-plot"
                 ).first.wait_for()
    page.wait_for_timeout(500)  # the data grids draw on a canvas, just after
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)


def test_upload_csv_pick_target_train_then_bad_file_keeps_it(server, new_page, tmp_path):
    from playwright.sync_api import expect

    good = tmp_path / "students.csv"
    write_table(good)
    bad = tmp_path / "header_only.csv"
    bad.write_text("a,b\n", encoding="utf-8")

    page = new_page()
    open_app(page, server)
    page.get_by_role("heading", name="Data").wait_for()
    pick_option(page, "Dataset", "Your CSV file")
    main = page.locator("[data-testid=stMain]")
    # Nothing to show yet: the uploader waits, with no target to pick.
    expect(page.locator(".st-key-csv_upload")).to_contain_text("Upload a CSV file")
    expect(main.locator("[data-testid=stAlert]")).to_be_visible()
    expect(selectbox(page, "Target column")).to_have_count(0)
    # The address bar is written at the end of the script run, after the page.
    assert query_of(wait_for_url_containing(page, "dataset=csv"))["dataset"] == ["csv"]

    upload(page, good)
    expect(main).to_contain_text(f"CSV: {good.name}")
    expect(main).to_contain_text("Columns")
    expect(main).to_contain_text("Preprocessing")
    expect(main).to_contain_text(re.compile(r"One-hot encoded 1 categorical column"))
    expect(main).to_contain_text(LINK_CAPTION)
    expect(main).to_contain_text(
        "Task: binary · input shape: (5,) · 30 train / 12 validation / 18 test")
    expect(main).to_contain_text("Classes: no, yes")
    # The upload picked the last column as the target.
    target = selectbox(page, "Target column")
    expect(target).to_have_value("label")
    query = query_of(wait_for_url_containing(page, "target=label"))
    assert query["file"] == [good.name] and query["target"] == ["label"]
    assert not any(re.fullmatch(r"[0-9a-f]{32}", v[0]) for v in query.values()), query
    # Another target changes the task; then back to the yes/no column.
    pick_option(page, "Target column", "colour")
    wait_for_url_containing(page, "target=colour")
    expect(main).to_contain_text("Task: multiclass")
    expect(main).to_contain_text("Classes: blue, green, red")
    pick_option(page, "Target column", "label")
    wait_for_url_containing(page, "target=label")
    expect(main).to_contain_text("Task: binary")
    assert_no_exception(page)
    save_screenshot(page, SCREENSHOT)

    go_to_page(page, "Train", "/train")
    set_epochs(page, EPOCHS)
    train = button(page, "train_button")
    expect(train).to_be_enabled()
    train.click()
    finished = page.locator("[data-testid=stAlertContentSuccess]",
                            has_text=f"Finished {EPOCHS} epoch(s).")
    expect(finished).to_be_visible(timeout=TRAIN_MS)
    expect(page.locator("[data-testid=stProgress]")).to_contain_text(
        f"Epoch {EPOCHS} / {EPOCHS}")
    accuracy = page.locator("[data-testid=stMetric]", has_text="Test accuracy")
    expect(accuracy).to_be_visible()
    value = float(accuracy.locator("[data-testid=stMetricValue]").inner_text())
    assert 0.0 <= value <= 1.0
    assert_no_exception(page)

    # A bad file: its message, and the loaded table stays the dataset.
    go_to_page(page, "Data", "/")  # the default page lives at the root
    expect(main).to_contain_text(f"CSV: {good.name}")
    upload(page, bad)
    error = page.locator("[data-testid=stAlert]", has_text="was not loaded")
    expect(error).to_be_visible()
    expect(error).to_contain_text(
        f"{bad.name} was not loaded: " + NO_ROWS.format(name=bad.name))
    expect(main).to_contain_text(f"CSV: {good.name}")
    expect(main).to_contain_text(LINK_CAPTION)
    expect(selectbox(page, "Target column")).to_have_value("label")
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text(f"CSV: {good.name}")
    assert query_of(current_url(page))["file"] == [good.name]
    assert_no_exception(page)


def write_second_table(path, rows: int = 40) -> None:
    """Another table: no column "label"; its target "y" is last."""
    rng = random.Random(5)
    lines = ["name,a,b,y"]
    for i in range(rows):
        a, b = round(rng.uniform(-3, 3), 2), round(rng.uniform(-3, 3), 2)
        lines.append(f"{('p', 'q')[i % 2]},{a},{b},{'hi' if a > 0 else 'lo'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_second_upload_shows_its_own_target(server, new_page, tmp_path):
    from playwright.sync_api import expect

    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write_table(first)
    write_second_table(second)
    page = new_page()
    open_app(page, f"{server}/?dataset=csv")
    main = page.locator("[data-testid=stMain]")
    upload(page, first)
    expect(selectbox(page, "Target column")).to_have_value("label")
    upload(page, second)
    expect(main).to_contain_text(f"CSV: {second.name}")
    # The experiment (and so training) now predicts "y", the new last column.
    wait_for_url_containing(page, "target=y&")
    expect(main).to_contain_text("2 classes in 'y'")
    assert_no_exception(page)
    expect(selectbox(page, "Target column")).to_have_value("y", timeout=5_000)


def test_the_links_target_or_a_label_column_is_picked_after_an_upload(server, new_page,
                                                                     tmp_path):
    from playwright.sync_api import expect

    students = tmp_path / "students.csv"
    write_table(students)  # x1, x2, colour, label
    page = new_page()
    open_app(page, f"{server}/?dataset=csv&target=colour")  # a shared link's target
    upload(page, students)
    expect(selectbox(page, "Target column")).to_have_value("colour")
    expect(page.locator("[data-testid=stMain]")).to_contain_text("3 classes in 'colour'")

    digits = tmp_path / "digits.csv"  # Kaggle's digit file: the label first
    digits.write_text("label,p0,p1,p2,p3\n" + "".join(
        f"{i % 3},{i * 7 % 256},{i * 11 % 256},{i * 13 % 256},{i * 17 % 256}\n"
        for i in range(60)), encoding="utf-8")
    fresh = new_page()
    open_app(fresh, f"{server}/?dataset=csv")
    upload(fresh, digits)
    expect(selectbox(fresh, "Target column")).to_have_value("label")
    assert_no_exception(fresh)


def test_a_pixel_table_opens_as_images_ready_to_train(server, new_page, tmp_path):
    from playwright.sync_api import expect

    rng = random.Random(7)
    pixels = tmp_path / "digits.csv"  # Kaggle's layout: the label, then pixels
    pixels.write_text("label," + ",".join(f"pixel{i}" for i in range(36)) + "\n" + "".join(
        f"{i % 3}," + ",".join(str(rng.randrange(256)) for _ in range(36)) + "\n"
        for i in range(60)), encoding="utf-8")
    page = new_page()
    open_app(page, f"{server}/?dataset=csv")
    main = page.locator("[data-testid=stMain]")
    upload(page, pixels)
    expect(selectbox(page, "Target column")).to_have_value("label")
    expect(selectbox(page, "Treat as images")).to_have_value("yes (6×6×1)")
    expect(main).to_contain_text("the rows are read as images")
    expect(main).to_contain_text("Your file: 60 rows of 6x6 images")
    expect(main).not_to_contain_text("Upload a CSV file and pick the column to predict")
    expect(main.get_by_text("Scatter matrix of")).to_have_count(0)
    assert_no_exception(page)


PLANTED = "http://127.0.0.1:9/planted"  # nothing listens: a request would only be seen


def test_markdown_and_html_in_a_file_and_its_classes_fetch_and_link_nothing(server,
                                                                            new_page):
    """A file named like a Markdown image and classes written as links: every
    page shows them as text; the browser never asks for the planted address
    and no link points to it."""
    from playwright.sync_api import expect

    name = f"![x]({PLANTED}/chain.png)=1+2.csv"
    classes = (f"[evil link]({PLANTED}/md)", f'<a href="{PLANTED}/html">x</a>')
    rows = [f"{i % 7},{(i * 3) % 5},{classes[i % 2]}" for i in range(60)]
    data = ("a,b,label\n" + "\n".join(rows) + "\n").encode()

    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_app(page, server)
    pick_option(page, "Dataset", "Your CSV file")
    page.locator(".st-key-csv_upload input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data})
    page.wait_for_selector("[data-test-script-state=notRunning]")
    main = page.locator("[data-testid=stMain]")
    expect(main).to_contain_text(f"CSV: {name}")
    for title, path in (("Model", "/model"), ("Train", "/train"), ("Data", "/")):
        go_to_page(page, title, path)
        page.wait_for_selector("[data-test-script-state=notRunning]")
        page.wait_for_timeout(500)  # images in the page would have been asked for
        assert page.locator(f'a[href^="{PLANTED}"]').count() == 0, title
        assert page.locator(f'img[src^="{PLANTED}"]').count() == 0, title
    assert not [url for url in requested if url.startswith(PLANTED)]
    # What is shown is what is copied: the name exactly, no hidden characters.
    sidebar = page.locator("[data-testid=stSidebar]").inner_text()
    assert f"CSV: {name}" in sidebar and "\u2060" not in sidebar
    assert_no_exception(page)
