"""Links to trained runs, in the browser: a reload, and another server.

The app saves every run in its store. A reload of the page brings the same
run back from the `run=` in the address bar; a second server started on the
same store opens that link in a fresh browser context with the same curves.
"""

from __future__ import annotations

import re

import pytest

from app_server import SERVER_START_TIMEOUT_S, streamlit_app
from test_browser import (
    CHART_POINTS_JS,
    LOAD_MS,
    TRAIN_MS,
    assert_no_exception,
    current_url,
    open_app,
    query_of,
)

pytestmark = pytest.mark.browser
SHORT_RUN = "/train?dataset=xor&layers=dense-4-tanh&epochs=12"
FINISHED = re.compile(r"Finished 12 epoch\(s\)\.")
HISTORY_Y_JS = """() => {
    const plot = document.querySelector('.st-key-history_chart .js-plotly-plot');
    return plot && plot.data ? plot.data.map(t => Array.from(t.y)) : null;
}"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return tmp_path_factory.mktemp("shared-store") / "runs.sqlite"


@pytest.fixture(scope="module")
def server(store):
    """This module's app server, saving into a store a second server shares."""
    with streamlit_app(SERVER_START_TIMEOUT_S, env={"PLAYGROUND_STORE": str(store)}) as url:
        yield url


def finished_curves(page) -> list[list[float]]:
    from playwright.sync_api import expect

    expect(page.get_by_text(FINISHED).last).to_be_visible(timeout=TRAIN_MS)
    page.wait_for_function(f"() => ({CHART_POINTS_JS})() === 12", timeout=LOAD_MS)
    return page.evaluate(HISTORY_Y_JS)


def test_a_run_link_survives_a_reload_and_opens_on_another_server(server, store,
                                                                   new_page):
    from playwright.sync_api import expect

    page = new_page()
    open_app(page, server + SHORT_RUN)
    page.locator(".st-key-train_button button:visible").click()
    curves = finished_curves(page)
    page.wait_for_function("() => location.search.includes('run=')", timeout=LOAD_MS)
    link = current_url(page)
    [run_id] = query_of(link)["run"]

    page.reload()  # a new session: the run comes back from the link
    page.wait_for_selector("[data-test-script-state=notRunning]")
    assert finished_curves(page) == curves
    assert query_of(current_url(page))["run"] == [run_id]
    expect(page.get_by_role("button", name="Train again")).to_be_visible()
    assert_no_exception(page)

    with streamlit_app(SERVER_START_TIMEOUT_S,
                       env={"PLAYGROUND_STORE": str(store)}) as other_server:
        elsewhere = new_page()
        open_app(elsewhere, other_server + link[link.index("/train"):])
        assert finished_curves(elsewhere) == curves
        assert_no_exception(elsewhere)


@pytest.mark.parametrize("link", [
    "/train?dataset=spiral&n=300&epochs=2000&batch=1&layers=dense-8-tanh_dense-8-tanh",
    "/?epochs=2000",  # the default experiment, opened on the Data page
], ids=["share link", "default"])
def test_the_address_bar_gains_the_runs_link_while_it_trains(server, new_page, link):
    page = new_page()
    open_app(page, server + link)
    if link.startswith("/?"):
        page.get_by_role("link", name="Train").click()
        page.wait_for_selector("[data-test-script-state=notRunning]")
    page.locator(".st-key-train_button button:visible").click()
    page.wait_for_function(f"() => ({CHART_POINTS_JS})() >= 1", timeout=TRAIN_MS)
    page.wait_for_function("() => location.search.includes('run=')", timeout=LOAD_MS)
    [run_id] = query_of(current_url(page))["run"]
    assert len(run_id) == 22
    page.locator(".st-key-stop_button button:visible").click()
    assert_no_exception(page)
