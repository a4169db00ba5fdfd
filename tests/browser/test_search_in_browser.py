"""The Search page in the real app: a small random search, watched live.

Trials train one after another in the worker pool, and the page polls them,
so the parallel-coordinates chart must gain a line as each trial is scored,
not all at once at the end.

Uses the fixtures of `test_browser.py` (one server and one Chromium for the
module, a fresh browser context per page). Run with `pytest -m browser`
(needs /usr/bin/chromium). Set `KERAS_PLAYGROUND_SEARCH_SCREENSHOT=/path.png`
to save the whole page once the search has finished.
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
    open_app,
    wait_for_url_containing,
)

pytestmark = pytest.mark.browser

# Trials long enough that the page polls between two of them: a worker that
# kept the network trains 5 epochs of Iris in a fraction of a second, and on
# a loaded machine all four trials once ended within one poll.
IRIS = PRESETS["iris-mlp"].experiment.replace(epochs=100)
TRIALS = 4
TRIAL_MS = TRAIN_MS  # a trial's wait: the first one's worker imports TensorFlow

# Lines on the shown parallel-coordinates chart (one per scored trial), 0
# while it has no axes, -1 while there is none. Replaced charts linger in
# the page hidden; counts only grow, so the largest shown one is current.
PARCOORDS_LINES_JS = """() => {
    const counts = [...document.querySelectorAll('.st-key-search_parcoords')]
        .filter(el => el.getClientRects().length > 0)
        .map(el => el.querySelector('.js-plotly-plot'))
        .filter(plot => plot && plot.data && plot.data.length)
        .map(plot => (plot.data[0].dimensions || []).length
                     ? plot.data[0].dimensions[0].values.length : 0);
    return counts.length ? Math.max(...counts) : -1;
}"""

# Sets `window.__rerunDone` once the app's script has gone from running to
# not running, so a widget change is known to have reached the server.
WATCH_RERUN_JS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    window.__rerunStarted = window.__rerunDone = false;
    new MutationObserver((records, observer) => {
        if (app.getAttribute('data-test-script-state') === 'running')
            window.__rerunStarted = true;
        if (records.some(r => r.oldValue === 'running')) {
            window.__rerunStarted = window.__rerunDone = true;
            observer.disconnect();
        }
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state'],
                     attributeOldValue: true});
}"""


def open_search_page(page, server: str, exp) -> None:
    open_app(page, f"{server}/search?{exp.to_query_string()}")
    page.get_by_role("heading", name="Search").wait_for()


def set_number(page, key: str, value: int) -> None:
    """Types `value` into the keyed number input and waits for the rerun,
    so that Start's settings include it."""
    from playwright.sync_api import expect

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f".st-key-{key} input")
    if box.input_value() == str(value):
        return
    pending = page.locator(f".st-key-{key} [data-testid=InputInstructions]")
    for attempt in range(3):  # on a loaded machine an Enter can go unanswered
        page.evaluate(WATCH_RERUN_JS)
        box.fill(str(value))
        box.press("Enter")
        try:
            page.wait_for_function("() => window.__rerunStarted", timeout=LOAD_MS // 6)
        except PlaywrightTimeout:
            # The value may have been taken by a rerun the watch did not see:
            # the input then no longer asks for Enter, and typing the same
            # value again would start no rerun.
            if not pending.is_visible():
                break
            if attempt == 2:
                raise
            continue
        break
    # Once the rerun has started, the value is the widget's: it is waited
    # for, not typed again.
    page.wait_for_function("() => window.__rerunDone || document.querySelector("
                           "'[data-test-script-state=notRunning]') && !window.__rerunStarted",
                           timeout=LOAD_MS)
    expect(pending).to_be_hidden()
    expect(box).to_have_value(str(value))


def start_search(page, server: str, trials: int) -> None:
    from playwright.sync_api import expect

    open_search_page(page, server, IRIS)
    set_number(page, "search_trials", trials)
    set_number(page, "search_epochs", IRIS.epochs)
    button(page, "search_start").click()
    expect(page.get_by_text(f"of at most {trials} trials")).to_be_visible()


def line_counts_until(page, total: int) -> list[int]:
    """Each new number of lines the chart shows, in order, until `total`."""
    seen: list[int] = []
    while not seen or seen[-1] < total:
        handle = page.wait_for_function(
            f"() => {{ const n = ({PARCOORDS_LINES_JS})(); "
            f"return n > {seen[-1] if seen else 0} ? n : false; }}",
            polling=100, timeout=TRIAL_MS)
        seen.append(handle.json_value())
    return seen


def finished_trials(page, trials: int, timeout: int) -> list[dict[str, str]]:
    """Waits for the search to end with `trials` rows in its table; returns
    them as column name -> cell text, from the grid's accessible table."""
    from playwright.sync_api import expect

    # The end redraws the whole page once: wait for that run to finish, then
    # read the table on screen (a replaced copy may linger, hidden).
    expect(page.get_by_text(f"Finished {trials} trial(s).").last).to_be_visible(
        timeout=timeout)
    page.wait_for_selector("[data-test-script-state=notRunning]", timeout=timeout)
    table = page.locator("[data-testid=stDataFrame]:visible table").last
    expect(table.locator("tbody tr")).to_have_count(trials)
    names = table.locator("thead th").all_inner_texts()
    cells = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))")
    return [dict(zip(names, row)) for row in cells]


def screenshot_whole_page(page, path: str) -> None:
    """The main area scrolls inside the window, so grow the window to it first."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
    page.screenshot(path=path, full_page=True)


def test_parallel_coordinates_gain_a_line_per_finished_trial(server, new_page):
    """Four trials: the chart's line count rises while the search runs, the
    table ends with four completed trials."""
    from playwright.sync_api import expect

    page = new_page()
    start_search(page, server, TRIALS)
    seen = line_counts_until(page, TRIALS)
    print(f"parallel coordinates showed {seen} line(s) as trials finished")
    assert len(seen) >= 2, f"all {TRIALS} lines arrived at once: {seen}"
    assert seen == sorted(set(seen)) and seen[-1] == TRIALS, seen

    table = finished_trials(page, TRIALS, LOAD_MS)
    expect(page.locator(".st-key-search_parcoords .gtitle:visible")).to_have_text(
        f"{TRIALS} trials scored")
    assert [row["#"] for row in table] == [str(n) for n in range(1, TRIALS + 1)], table
    assert {row["Status"] for row in table} == {"completed"}, table
    assert all(row["Run"].startswith("/train?run=") for row in table), table
    assert page.evaluate(PARCOORDS_LINES_JS) == TRIALS
    assert_no_exception(page)
    if shot := os.environ.get("KERAS_PLAYGROUND_SEARCH_SCREENSHOT"):
        screenshot_whole_page(page, shot)


def test_use_the_best_loads_the_best_trial(server, new_page):
    """Use the best says which trial it loaded and puts its learning rate in
    the experiment's link."""
    from playwright.sync_api import expect

    page = new_page()
    start_search(page, server, 2)
    table = finished_trials(page, 2, 2 * TRIAL_MS)
    best = page.get_by_role("heading", name=re.compile(r"^Best so far: trial \d+"))
    number = re.search(r"trial (\d+)", best.inner_text()).group(1)
    [row] = [row for row in table if row["#"] == number]

    button(page, "search_use_best").click()
    expect(page.locator("[data-testid=stAlert]", has_text=f"Loaded trial {number}")
           ).to_be_visible(timeout=LOAD_MS)
    # The table shows 4 significant digits; the link holds the whole value.
    url = wait_for_url_containing(page, "lr=")
    page.wait_for_function(
        "want => { const lr = Number(new URL(location.href).searchParams.get('lr'));"
        " return Math.abs(lr - want) <= 1e-3 * want; }",
        arg=float(row["learning_rate"]), timeout=LOAD_MS)
    assert url
    assert_no_exception(page)
