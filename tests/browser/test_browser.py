"""The real app in headless Chromium: presets, live training, Stop, share links.

A module-scoped fixture (`conftest.py`) starts `streamlit run app.py` on a
free port and one Chromium; each test gets its own browser context, which is
a fresh Streamlit session. Every wait polls the page (Playwright's `expect`, `wait_for_*`) with
a generous timeout, so a slow machine only makes the tests slower.

Run with `pytest -m browser` (needs /usr/bin/chromium). Set
`KERAS_PLAYGROUND_SCREENSHOT=/path.png` to save the Train page mid-training,
and `KERAS_PLAYGROUND_BOUNDARY_SCREENSHOT=/path.png` to save it once the
decision boundary has been captured twice.
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from playground.presets import PRESETS, default_experiment

from app_server import LOAD_MS, button

pytestmark = pytest.mark.browser

TRAIN_MS = 120_000     # first epoch: TensorFlow import, model build, tracing
LONG_EPOCHS = 2000     # the maximum; Stop must arrive long before the end
BOUNDARY_MS = 90_000   # a later boundary snapshot while training runs
SLOW_LR = 0.003        # a tenth of the default: the boundary moves for a long while
SMALL_BATCH = 2        # 125 steps an epoch: a 2000-epoch run lasts minutes, not seconds

# Epochs on the history chart, or -1 while there is none: while training runs,
# the epoch the live canvas drew; after, the points of the Plotly chart's
# first trace. Replaced copies linger in the page, stale.
CHART_POINTS_JS = """() => {
    const chart = '.st-key-history_chart[data-stale=false] ';
    const canvas = document.querySelector(chart + 'canvas[data-testid=live-history]');
    if (canvas) return Number(canvas.dataset.epoch);
    const plot = document.querySelector(chart + '.js-plotly-plot');
    return plot && plot.data && plot.data.length ? plot.data[0].x.length : -1;
}"""

# The current decision boundary: the animated canvas while training runs, a
# Plotly chart after; replaced copies linger in the page, stale.
BOUNDARY_CHART = ".st-key-boundary_chart[data-stale=false]"
BOUNDARY_PLANE = (f"{BOUNDARY_CHART} .nsewdrag, "
                  f"{BOUNDARY_CHART} canvas[data-testid=live-boundary]")
# The epoch the boundary shows (the canvas's, or the chart's rendered
# title's), or -1 while there is none.
BOUNDARY_EPOCH_JS = """() => {
    const canvas = document.querySelector('%s canvas[data-testid=live-boundary]');
    if (canvas) return Number(canvas.dataset.epoch);
    const title = document.querySelector('%s .gtitle');
    const match = title && /after epoch (\\d+)/.exec(title.textContent);
    return match ? Number(match[1]) : -1;
}""" % (BOUNDARY_CHART, BOUNDARY_CHART)


# -- helpers ----------------------------------------------------------------

def open_app(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=stApp]")
    page.wait_for_selector("[data-test-script-state=notRunning]")


def current_url(page) -> str:
    # The app rewrites the address with history.replaceState; ask the page
    # rather than trusting Playwright's cached `page.url`.
    return page.evaluate("location.href")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def wait_for_url_containing(page, text: str) -> str:
    page.wait_for_function("t => location.href.includes(t)", arg=text, timeout=LOAD_MS)
    return current_url(page)


def load_preset(page, name: str) -> None:
    """Picks a preset in the sidebar and presses Load preset."""
    page.locator(".st-key-preset_choice input").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.get_by_role("button", name="Load preset").click()
    dataset = PRESETS[name].experiment.dataset
    wait_for_url_containing(page, f"dataset={dataset}&")


def go_to_page(page, title: str, path: str) -> None:
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title).click()
    page.wait_for_function("p => location.pathname.endsWith(p)", arg=path,
                           timeout=LOAD_MS)
    page.get_by_role("heading", name=title).wait_for()


def set_epochs(page, epochs: int) -> None:
    box = page.get_by_role("spinbutton", name="Epochs", exact=True)
    box.fill(str(epochs))
    box.press("Enter")
    wait_for_url_containing(page, f"epochs={epochs}")


def chart_points(page) -> int:
    return page.evaluate(CHART_POINTS_JS)


def wait_for_chart_points_above(page, count: int, timeout: int) -> int:
    """The chart's point count once it is above `count`, read in the same
    check (a second read could meet the chart mid-redraw, with no plot)."""
    found = page.wait_for_function(
        f"() => {{ const n = ({CHART_POINTS_JS})(); return n > {count} ? n : false; }}",
        polling=200, timeout=timeout)
    return int(found.json_value())


def boundary_epoch(page) -> int:
    return page.evaluate(BOUNDARY_EPOCH_JS)


def wait_for_boundary_epoch_above(page, epoch: int, timeout: int) -> int:
    page.wait_for_function(f"() => ({BOUNDARY_EPOCH_JS})() > {epoch}",
                           polling=200, timeout=timeout)
    return boundary_epoch(page)


def capture_boundary(page, attempts: int = 50) -> tuple[int, int, bytes]:
    """A PNG of the boundary's plane, with the epochs it showed just before
    and just after the screenshot: the PNG shows an epoch between the two.

    The canvas plays several frames per poll; on a busy machine a screenshot
    takes longer than a frame, so the epoch may move on while it is taken.
    A replaced chart fades out elsewhere, so a capture counts only when the
    plane stayed in the same place.
    """
    plot_area = page.locator(BOUNDARY_PLANE).first
    for _ in range(attempts):
        before, box = boundary_epoch(page), plot_area.bounding_box()
        if before > 0 and box:
            png = page.screenshot(clip=box)
            after = boundary_epoch(page)
            if after >= before and plot_area.bounding_box() == box:
                return before, after, png
        page.wait_for_timeout(100)
    pytest.fail(f"the boundary chart kept moving over {attempts} screenshots")


def changed_pixel_share(first: bytes, second: bytes, tolerance: int = 24) -> float:
    """The share of pixels where some colour channel moved by more than `tolerance`."""
    from io import BytesIO

    from PIL import Image, ImageChops

    with Image.open(BytesIO(first)) as a, Image.open(BytesIO(second)) as b:
        assert a.size == b.size, (a.size, b.size)
        difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    channels = [band.point(lambda v: 255 if v > tolerance else 0)
                for band in difference.split()]
    changed = ImageChops.lighter(ImageChops.lighter(channels[0], channels[1]), channels[2])
    return changed.histogram()[255] / (changed.width * changed.height)


def assert_no_exception(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0, (
        page.locator("[data-testid=stException]").first.inner_text())


# -- tests ------------------------------------------------------------------

def test_the_first_page_draws_its_figures_without_loading_plotly(server, new_page):
    """The Data page's plane and class balance are SVG images: the first
    page a student opens fetches no chart library (plotly.js is about 4.6 MB
    to fetch, parse and run before a Plotly figure appears)."""
    page = new_page()
    scripts = []
    page.on("request", lambda request: scripts.append(request.url)
            if request.resource_type == "script" else None)
    open_app(page, server)
    images = page.locator("[data-testid=stMain] [data-testid=stImage] img")
    images.nth(1).wait_for(timeout=LOAD_MS)  # the plane, then the class balance
    assert page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=stMain] [data-testid=stImage] img')].every(
        img => img.complete && img.naturalWidth > 0)""")
    assert scripts and not [url for url in scripts if "PlotlyChart" in url]
    assert page.locator("[data-testid=stMain] .js-plotly-plot").count() == 0

def test_preset_train_shows_live_chart_and_stop_keeps_history(server, new_page):
    from playwright.sync_api import expect

    page = new_page()
    open_app(page, server)
    load_preset(page, "spiral")
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text("Spiral")
    go_to_page(page, "Train", "/train")
    set_epochs(page, LONG_EPOCHS)
    assert query_of(current_url(page))["dataset"] == ["spiral"]

    train = button(page, "train_button")
    stop = button(page, "stop_button")
    expect(train).to_be_enabled()
    expect(stop).to_be_disabled()
    train.click()
    expect(train).to_be_disabled()
    expect(stop).to_be_enabled()

    first = wait_for_chart_points_above(page, 0, TRAIN_MS)
    later = wait_for_chart_points_above(page, first, LOAD_MS)
    assert first < later < LONG_EPOCHS
    progress = page.locator("[data-testid=stProgress]")
    expect(progress).to_contain_text(re.compile(rf"Epoch \d+ / {LONG_EPOCHS}"))
    if shot := os.environ.get("KERAS_PLAYGROUND_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)

    stop.click()
    stopped = page.get_by_text(re.compile(r"Stopped by you after \d+ epoch\(s\)\.")).last
    expect(stopped).to_be_visible(timeout=LOAD_MS)
    epochs_run = int(re.search(r"after (\d+) epoch", stopped.inner_text()).group(1))
    assert later <= epochs_run < LONG_EPOCHS
    # The run's whole history stays on the chart, one point per epoch run.
    page.wait_for_function(f"() => ({CHART_POINTS_JS})() === {epochs_run}",
                           polling=200, timeout=LOAD_MS)
    expect(progress).to_contain_text(f"Epoch {epochs_run} / {LONG_EPOCHS}")
    expect(train).to_be_enabled()
    expect(stop).to_be_disabled()
    assert_no_exception(page)


def test_share_link_restores_experiment_in_a_fresh_session(server, new_page):
    from playwright.sync_api import expect

    page = new_page()
    open_app(page, server)
    load_preset(page, "spiral")
    go_to_page(page, "Train", "/train")
    set_epochs(page, 750)
    shared = current_url(page)
    expected = {k: [v] for k, v in
                PRESETS["spiral"].experiment.replace(epochs=750).to_query().items()}
    assert query_of(shared) == expected

    fresh = new_page()
    open_app(fresh, shared)
    expect(fresh.get_by_role("spinbutton", name="Epochs", exact=True)).to_have_value("750")
    restored = current_url(fresh)
    assert urlsplit(restored).path == "/train"
    assert query_of(restored) == query_of(shared)
    summary = fresh.locator("[data-testid=stSidebar]")
    expect(summary).to_contain_text("Data Spiral")
    expect(summary).to_contain_text("Epochs 750")
    assert_no_exception(fresh)


def test_malformed_link_shows_error_and_default_experiment(server, new_page):
    from playwright.sync_api import expect

    page = new_page()
    open_app(page, f"{server}/?dataset=nope&lr=abc")
    error = page.locator("[data-testid=stAlert]", has_text="could not be restored")
    expect(error).to_be_visible()
    expect(error).to_contain_text("dataset")
    expect(error).to_contain_text("learning_rate")
    assert_no_exception(page)
    restored = wait_for_url_containing(page, "dataset=circle")
    default = {k: [v] for k, v in default_experiment().to_query().items()}
    assert query_of(restored) == default
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text("Data Circle")


def test_a_link_too_long_for_the_server_says_so(server, new_page):
    from playwright.sync_api import expect

    page = new_page()
    # Streamlit reads at most 1,000 parameters; this link has 1,201.
    open_app(page, f"{server}/?dataset=spiral&" + "&".join(f"x{i}=1" for i in range(1200)))
    error = page.locator("[data-testid=stAlert]", has_text="too long for the server")
    expect(error).to_contain_text("1,201 parameters")
    expect(error).to_contain_text("The default experiment is shown instead")
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text("Data Circle")
    assert_no_exception(page)

    plain = new_page()  # an ordinary visit with no query says nothing
    open_app(plain, server)
    plain.wait_for_timeout(1000)
    expect(plain.locator("[data-testid=stAlert]")).to_have_count(0)


def test_pages_ask_nothing_of_other_hosts(server, new_page):
    """A classroom may have no internet: every request goes to the app."""
    from urllib.parse import urlsplit

    page = new_page()
    elsewhere = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost")
            and not request.url.startswith(("data:", "blob:")) else None)
    open_app(page, server)
    for title in ("Model", "Train", "Runs"):
        page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title).click()
        page.get_by_role("heading", name=title).wait_for()
    page.wait_for_timeout(1000)
    assert elsewhere == []
    icon = page.locator("link[rel~=icon]").first.get_attribute("href")
    assert icon and not icon.startswith("http") or urlsplit(icon).hostname == "127.0.0.1"


def test_boundary_heatmap_changes_while_training(server, new_page):
    """The decision-boundary heatmap redraws while a run trains: later epoch, new pixels."""
    from playwright.sync_api import expect

    page = new_page()
    open_app(page, f"{server}/train?dataset=circle&epochs={LONG_EPOCHS}&lr={SLOW_LR}"
                   f"&batch={SMALL_BATCH}")
    expect(page.get_by_role("spinbutton", name="Epochs", exact=True)).to_have_value(
        str(LONG_EPOCHS))
    train = button(page, "train_button")
    stop = button(page, "stop_button")
    expect(train).to_be_enabled()
    train.click()
    try:
        wait_for_boundary_epoch_above(page, 0, TRAIN_MS)
        # The first PNG shows at most `first_epoch`, the later at least `later_epoch`.
        _, first_epoch, first_png = capture_boundary(page)
        # Twice the epochs (and at least 100 more) reshape the heatmap visibly.
        target = max(2 * first_epoch, first_epoch + 100)
        wait_for_boundary_epoch_above(page, target - 1, BOUNDARY_MS)
        later_epoch, _, later_png = capture_boundary(page)
        if shot := os.environ.get("KERAS_PLAYGROUND_BOUNDARY_SCREENSHOT"):
            page.screenshot(path=shot, full_page=True)
    finally:
        if stop.is_enabled():  # never leave the server training
            stop.click()
    # Both captures come from the running job: its last epoch was not reached.
    assert first_epoch < later_epoch < LONG_EPOCHS
    assert first_png != later_png
    share = changed_pixel_share(first_png, later_png)
    print(f"boundary after epoch {first_epoch} vs {later_epoch}: {share:.1%} of pixels changed")
    assert share >= 0.10, f"only {share:.1%} of the heatmap changed"
    expect(page.get_by_text(re.compile(r"Stopped by you after \d+ epoch\(s\)\.")).last
           ).to_be_visible(timeout=LOAD_MS)
    expect(train).to_be_enabled()
    expect(stop).to_be_disabled()
    assert_no_exception(page)


def test_hand_typed_data_path_opens_the_data_page_with_its_experiment(server, new_page):
    """`/data?...` is the Data page (served at `/`), not "Page not found",
    and the experiment in its query is restored."""
    from playwright.sync_api import expect

    exp = PRESETS["spiral"].experiment.replace(epochs=321)
    page = new_page()
    open_app(page, f"{server}/data?{exp.to_query_string()}")
    page.wait_for_function("() => location.pathname === '/'", timeout=LOAD_MS)
    restored = wait_for_url_containing(page, "epochs=321")
    assert query_of(restored) == {k: [v] for k, v in exp.to_query().items()}
    page.get_by_role("heading", name="Data").wait_for()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    summary = page.locator("[data-testid=stSidebar]")
    expect(summary).to_contain_text("Data Spiral")
    expect(summary).to_contain_text("Epochs 321")
    assert_no_exception(page)
