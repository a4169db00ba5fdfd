"""Training away from the web server, seen from the browser.

The server runs with a two-second disconnected-session timeout, so that a
closed tab's jobs are cancelled while the test waits.
"""

from __future__ import annotations

import re
import time

import pytest

from app_server import SERVER_PIDS
from test_browser import (
    TRAIN_MS,
    open_app,
)

pytestmark = pytest.mark.browser
SERVER_ARGS = ["--server.disconnectedSessionTTL", "2"]
LONG_RUN = ("/train?dataset=circle&layers=dense-8-tanh_dense-8-tanh&opt=adam&lr=0.003"
            "&batch=1&epochs=2000")  # minutes of training
EPOCH_SHOWN = "() => /Epoch [1-9][0-9]* \\/ 2000/.test(document.body.innerText)"


def tensorflow_in(pid: int) -> bool:
    """Whether a process has TensorFlow's libraries mapped into memory."""
    with open(f"/proc/{pid}/maps") as maps:
        return "tensorflow" in maps.read()


def sidebar_text(page) -> str:
    return page.locator("[data-testid=stSidebar]").inner_text()


def test_a_closed_tab_cancels_its_training_and_the_server_never_loads_tensorflow(
        server, new_page):
    student = new_page()
    open_app(student, server + LONG_RUN)
    student.locator(".st-key-train_button button:visible").click()
    student.wait_for_function(EPOCH_SHOWN, timeout=TRAIN_MS)
    assert not tensorflow_in(SERVER_PIDS[server])

    teacher = new_page()
    open_app(teacher, server)
    assert re.search(r"Training on this server: 1 running", sidebar_text(teacher))

    student.context.close()  # the tab goes away; its session times out in 2 s
    deadline = time.monotonic() + 20  # the timeout, a stop, and a reload or two
    while "running" in sidebar_text(teacher):
        assert time.monotonic() < deadline, "the closed tab's job kept running"
        time.sleep(1)
        open_app(teacher, server)
    assert not tensorflow_in(SERVER_PIDS[server])
