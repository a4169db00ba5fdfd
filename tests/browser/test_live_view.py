"""The live view in the real app: a steady layout that updates in place.

Uses the fixtures of `test_browser.py` (one `streamlit run` server and one
Chromium for the module, a fresh session per page). A sampler in the page
records, every 50 ms from the press of Train on, where the charts are, what
the history chart says and which charts are dimmed: Streamlit fades an
element that a rerun has not replaced after half a second, so a chart that
dims while training runs shows a poll that was too slow or a layout that
changed.

Run with `pytest -m browser` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import itertools
import re

import pytest

from playground.presets import PRESETS

from app_server import button
from test_browser import (
    LOAD_MS,
    TRAIN_MS,
    assert_no_exception,
    open_app,
    wait_for_boundary_epoch_above,
)

pytestmark = pytest.mark.browser

EPOCHS = 2000
SAMPLE_SECONDS = 6     # of training, after the first boundary snapshot
MAX_DIMMED_SHARE = 0.05
MAX_MISSING_SHARE = 0.01  # of samples without a chart, each gap at most
MAX_MISSING_RUN = 1       # sample (50 ms) long
ARRIVAL_SAMPLES = 20  # 1 s at one sample per 50 ms
SCROLLBAR_PX = 20

SAMPLER_JS = """() => {
    window.__samples = [];
    const shown = (el) => el.getClientRects().length > 0;
    const box = (key) => {
        const el = [...document.querySelectorAll('.st-key-' + key)].filter(shown)[0];
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.width), Math.round(r.height)];
    };
    window.__sampler = setInterval(() => {
        const charts = [...document.querySelectorAll('[data-testid=stElementContainer]')]
            .filter(el => shown(el) && el.querySelector('.js-plotly-plot'));
        const progress = document.querySelector('[data-testid=stProgress]');
        window.__samples.push({  // progress: the run's own line (not "Press Train")
            progress: !!progress && /Epoch \\d/.test(progress.textContent),
            history: box('history_chart'), boundary: box('boundary_chart'),
            neurons: box('neuron_chart'),
            dimmed: charts.filter(el => Number(getComputedStyle(el).opacity) < 0.95).length,
        });
    }, 50);
}"""


def test_live_view_keeps_its_layout_and_never_dims_while_training(server, new_page):
    from playwright.sync_api import expect

    exp = PRESETS["spiral"].experiment.replace(epochs=EPOCHS)
    page = new_page()
    open_app(page, f"{server}/train?{exp.to_query_string()}")
    train = button(page, "train_button")
    stop = button(page, "stop_button")
    expect(train).to_be_enabled()
    page.evaluate(SAMPLER_JS)
    train.click()
    try:
        wait_for_boundary_epoch_above(page, 0, TRAIN_MS)
        page.wait_for_timeout(SAMPLE_SECONDS * 1000)
        samples = page.evaluate("() => { clearInterval(window.__sampler); "
                                "return window.__samples; }")
        # TF Playground's network view follows the run too.
        network_epoch = page.evaluate(
            "() => Number(document.querySelector('canvas[data-testid=network-view]')"
            "?.dataset.epoch ?? -1)")
    finally:
        if stop.is_enabled():  # never leave the server training
            stop.click()
    expect(page.get_by_text(re.compile(r"Stopped by you after \d+ epoch\(s\)\.")).last
           ).to_be_visible(timeout=LOAD_MS)

    # From the run's first poll on (before it, the page shows the empty curves
    # of the run to come): its elements arrive one by one (a canvas mounts
    # once its script has loaded), within a second of the progress line.
    first = next(i for i, s in enumerate(samples) if s["progress"])
    complete = [i for i in range(first, len(samples)) if samples[i]["boundary"]
                and samples[i]["neurons"] and samples[i]["history"]]
    assert complete and complete[0] - first <= ARRIVAL_SAMPLES, (
        f"the charts came {len(samples) if not complete else complete[0] - first} "
        f"samples after the progress line")
    live = samples[complete[0]:]
    assert len(live) > 50, f"only {len(live)} samples while training"
    # Once there, the plane's charts stay, at their size, while the run trains.
    # Under load a single sample (50 ms) was twice seen without some of them,
    # once in 1,072 samples and once in 336: never two samples in a row. A
    # chart gone for longer, or often, is what a student would see.
    gaps = [not (s["boundary"] and s["neurons"] and s["history"]) for s in live]
    missing = [s for s, gap in zip(live, gaps) if gap]
    longest = max((len(list(run)) for gap, run in itertools.groupby(gaps) if gap),
                  default=0)
    assert longest <= MAX_MISSING_RUN and len(missing) <= len(live) * MAX_MISSING_SHARE, (
        f"{len(missing)} of {len(live)} samples lack a chart, {longest} in a row: "
        f"{missing[0]}")
    # (A scroll bar appearing may take a few pixels; a column appearing or
    # going away moves a chart by hundreds.)
    for key in ("history", "boundary"):
        for index, what in ((0, "left"), (1, "width")):
            values = [s[key][index] for s in live if s[key]]
            assert max(values) - min(values) <= SCROLLBAR_PX, (key, what, values[0],
                                                               values[-1])
    assert network_epoch > 0, "the network view drew no snapshot"
    dimmed = sum(s["dimmed"] > 0 for s in live) / len(live)
    assert dimmed <= MAX_DIMMED_SHARE, f"charts dimmed in {dimmed:.0%} of samples"
    assert_no_exception(page)


LIVE_CANVASES = ("live-history", "live-boundary", "live-neurons")
SHOWN_CANVASES_JS = """ids => ids.map(id => [...document.querySelectorAll(
    `canvas[data-testid=${id}]`)].filter(c => c.getClientRects().length > 0)[0] || null)"""


def test_the_run_to_come_is_drawn_before_train_and_filled_in_place(server, new_page):
    """Before Train the page draws the run's curves, boundary (with the
    data on it) and units' maps, empty (`ui.planned_run`); the click's
    page fills them in.

    The click's page usually keeps the very canvases drawn before it (the
    bench measures what that saves); now and then Streamlit mounts the
    page again, so this checks what the student sees, not the nodes."""
    from playwright.sync_api import expect

    exp = PRESETS["spiral"].experiment.replace(epochs=EPOCHS)
    page = new_page()
    open_app(page, f"{server}/train?{exp.to_query_string()}")
    train, stop = button(page, "train_button"), button(page, "stop_button")
    expect(train).to_be_enabled()
    expect(page.get_by_text("to start. The charts fill in epoch by epoch.")).to_be_visible()
    page.wait_for_function(f"ids => ({SHOWN_CANVASES_JS})(ids).every(Boolean)",
                           arg=list(LIVE_CANVASES), timeout=LOAD_MS)
    page.evaluate(f"ids => {{ window.__before = ({SHOWN_CANVASES_JS})(ids); }}",
                  list(LIVE_CANVASES))
    assert page.evaluate("() => window.__before.map(c => c.dataset.epoch)") == [
        "0", "-1", "-1"]  # nothing trained yet
    train.click()
    try:
        wait_for_boundary_epoch_above(page, 0, TRAIN_MS)
        page.wait_for_function(f"ids => ({SHOWN_CANVASES_JS})(ids).every("
                               "c => c && Number(c.dataset.epoch) > 0)",
                               arg=list(LIVE_CANVASES), timeout=LOAD_MS)
    finally:
        if stop.is_enabled():  # never leave the server training
            stop.click()
    assert_no_exception(page)


def test_a_slow_browser_skips_queued_boundary_frames_for_the_newest(browser):
    """The canvas' queue, run in Chromium as the page runs it: a poll's
    frames join what is left of the last poll's, and what could not be
    played in time is skipped, so the boundary trails by at most a poll."""
    from ui.live_boundary import FRAMES_PER_POLL, QUEUE_JS

    page = browser.new_page()
    frames = lambda first, last: [{"epoch": e} for e in range(first, last + 1)]  # noqa: E731
    play = QUEUE_JS + "; return enqueue(args.queue, args.shown, args.frames).map(f => f.epoch);"
    run = lambda queue, shown, new: page.evaluate(  # noqa: E731
        f"args => {{ {play} }}", {"queue": queue, "shown": shown, "frames": new})
    # A browser keeping up: the new frames are queued after the ones left.
    assert run(frames(9, 10), 8, frames(11, 18)) == list(range(11, 19))
    assert run([], 8, frames(5, 12)) == list(range(9, 13))  # seen ones are dropped
    # A browser that played nothing of the last poll skips to the newest.
    n = FRAMES_PER_POLL
    queued = run(frames(1, n), 0, frames(n + 1, 2 * n))
    assert queued == list(range(n + 1, 2 * n + 1))
    page.close()
