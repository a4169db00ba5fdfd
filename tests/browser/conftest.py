"""Fixtures of the browser tests: the app under `streamlit run`, one Chromium.

Each test module gets its own server (a module may add `streamlit run`
options in its `SERVER_ARGS` list) and browser; each test opens pages in
browser contexts of its own, each a fresh Streamlit session. Chromium is
Debian's (`/usr/bin/chromium`): Playwright's own download is not used.
"""

from __future__ import annotations

import os

import pytest

from app_server import LOAD_MS, SERVER_START_TIMEOUT_S, server_log_tail, streamlit_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    """The app under `streamlit run`, as its base URL, saving its runs in a
    store of its own. A test module may add `streamlit run` options in its
    `SERVER_ARGS` list, and environment variables in its `SERVER_ENV` dict."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found; the browser tests need Debian's chromium")
    store = tmp_path_factory.mktemp("store") / "runs.sqlite"
    env = {"PLAYGROUND_STORE": str(store), **getattr(request.module, "SERVER_ENV", {})}
    with streamlit_app(SERVER_START_TIMEOUT_S, getattr(request.module, "SERVER_ARGS", ()),
                       env=env) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    # `expect` waits 5 s by default, less than a rerun can take while other
    # tests load the machine: it waits as long as any other step here.
    sync_api.expect.set_options(timeout=LOAD_MS)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Opens pages, each in a new browser context (a new Streamlit session)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(LOAD_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report ends with its server's output: a
    traceback or a warning there often says why the page did not answer."""
    outcome = yield
    report = outcome.get_result()
    url = item.funcargs.get("server") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(url, str):
        tail = server_log_tail(url)
        if tail:
            report.sections.append(("the app server's output, its end", tail))
