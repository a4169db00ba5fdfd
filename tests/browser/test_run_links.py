"""Links to trained runs, in the browser: a reload, and another server.

The app saves every run in its store. A reload of the page brings the same
run back from the `run=` in the address bar; a second server started on the
same store opens that link in a fresh browser context with the same curves.
"""

from __future__ import annotations

import re

import pytest

from app_server import SERVER_START_TIMEOUT_S, button, streamlit_app
from test_browser import (
    CHART_POINTS_JS,
    LOAD_MS,
    TRAIN_MS,
    assert_no_exception,
    current_url,
    load_preset,
    open_app,
    query_of,
    set_epochs,
)

pytestmark = pytest.mark.browser
SHORT_RUN = "/train?dataset=xor&layers=dense-4-tanh&epochs=12"
FINISHED = re.compile(r"Finished 12 epoch\(s\)\.")
# The finished run's curves, once the current (not stale) chart has all 12
# epochs; read in the same check, since a rerun can remount the chart between
# two reads and leave a plot with no data for a moment.
FINISHED_CURVES_JS = """() => {
    const plot = document.querySelector(
        '.st-key-history_chart[data-stale=false] .js-plotly-plot');
    if (!plot || !plot.data || !plot.data.length || plot.data[0].x.length !== 12)
        return false;
    return plot.data.map(t => Array.from(t.y));
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
    return page.wait_for_function(FINISHED_CURVES_JS, polling=200,
                                  timeout=LOAD_MS).json_value()


def test_a_run_link_survives_a_reload_and_opens_on_another_server(server, store,
                                                                   new_page):
    from playwright.sync_api import expect

    page = new_page()
    open_app(page, server + SHORT_RUN)
    button(page, "train_button").click()
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


def go_to_train(page) -> None:
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Train").click()
    page.get_by_role("heading", name="Train").wait_for()
    page.wait_for_selector("[data-test-script-state=notRunning]")


@pytest.mark.parametrize("link", [
    "/train?dataset=spiral&n=300&epochs=2000&batch=1&layers=dense-8-tanh_dense-8-tanh",
    "/?epochs=2000",  # the default experiment, opened on the Data page
    "preset",  # a preset loaded from the sidebar
    "train again",  # a finished run's link, trained again
], ids=["share link", "default", "preset", "train again"])
def test_the_address_bar_gains_the_runs_link_while_it_trains(server, new_page, link):
    page = new_page()
    earlier = None
    if link == "preset":
        open_app(page, server)
        load_preset(page, "spiral")
        go_to_train(page)
        set_epochs(page, 2000)  # long enough to be stopped below
    elif link == "train again":
        open_app(page, server + SHORT_RUN)
        button(page, "train_button").click()
        finished_curves(page)
        page.wait_for_function("() => location.search.includes('run=')", timeout=LOAD_MS)
        [earlier] = query_of(current_url(page))["run"]
        fresh = new_page()  # whoever opens the link trains it again
        open_app(fresh, current_url(page))
        page = fresh
        page.get_by_role("button", name="Train again").click()
        page.wait_for_selector("[data-test-script-state=notRunning]")
    else:
        open_app(page, server + link)
        if link.startswith("/?"):
            go_to_train(page)
    if link != "train again":
        button(page, "train_button").click()
    page.wait_for_function(f"() => ({CHART_POINTS_JS})() >= 1", timeout=TRAIN_MS)
    page.wait_for_function(
        "old => { const m = location.search.match(/run=([^&]+)/);"
        " return m && m[1] !== old; }", arg=earlier, timeout=LOAD_MS)
    [run_id] = query_of(current_url(page))["run"]
    assert len(run_id) == 22 and run_id != earlier
    if link != "train again":  # 12 epochs: over before a click could stop it
        button(page, "stop_button").click()
    assert_no_exception(page)


def test_another_browser_watches_a_live_run_but_cannot_stop_rename_or_delete_it(
        server, new_page):
    from playwright.sync_api import expect

    owner = new_page()
    open_app(owner, server + "/train?dataset=circle&layers=dense-8-tanh&batch=1&epochs=2000")
    button(owner, "train_button").click()
    owner.wait_for_function(f"() => ({CHART_POINTS_JS})() >= 1", timeout=TRAIN_MS)
    owner.wait_for_function("() => location.search.includes('run=')", timeout=LOAD_MS)
    link = current_url(owner)
    [run_id] = query_of(link)["run"]

    viewer = new_page()  # another browser: its own cookie, its own session
    open_app(viewer, link)
    viewer.wait_for_function(f"() => ({CHART_POINTS_JS})() >= 1", timeout=LOAD_MS)
    main = viewer.locator("[data-testid=stMain]")
    expect(main).to_contain_text("This run was started by another browser")
    expect(button(viewer, "stop_button")).to_be_disabled()
    expect(main).to_contain_text(re.compile(r"Epoch \d+ / 2000"))  # still training
    # Its Runs page lists its own runs only: nothing there to rename or delete.
    viewer.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Runs").click()
    viewer.get_by_role("heading", name="Runs").wait_for()
    expect(viewer.locator("[data-testid=stMain]")).to_contain_text("No runs yet")
    assert_no_exception(viewer)

    button(owner, "stop_button").click()
    expect(owner.locator("[data-testid=stMain]")).to_contain_text(
        re.compile(r"Stopped by you after \d+ epoch"))
    assert query_of(current_url(owner))["run"] == [run_id]
