"""Training away from the web server, seen from the browser.

The server runs with a two-second disconnected-session timeout, so that a
closed tab's jobs are cancelled while the test waits.
"""

from __future__ import annotations

import re
import time

import pytest

from app_server import SERVER_PIDS, button
from test_browser import (
    TRAIN_MS,
    open_app,
)

pytestmark = pytest.mark.browser
SERVER_ARGS = ["--server.disconnectedSessionTTL", "2"]
SERVER_ENV = {"PLAYGROUND_TAB_GRACE_SECONDS": "2"}
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
    button(student, "train_button").click()
    student.wait_for_function(EPOCH_SHOWN, timeout=TRAIN_MS)
    assert not tensorflow_in(SERVER_PIDS[server])

    teacher = new_page()
    open_app(teacher, server)
    assert re.search(r"Training on this server: 1 running", sidebar_text(teacher))

    student.context.close()  # the tab goes away; its job's grace is 2 s
    deadline = time.monotonic() + 20  # the timeout, a stop, and a reload or two
    while "running" in sidebar_text(teacher):
        assert time.monotonic() < deadline, "the closed tab's job kept running"
        time.sleep(1)
        open_app(teacher, server)
    assert not tensorflow_in(SERVER_PIDS[server])


def resident_mb(pid: int) -> float:
    """A process's resident memory in MB."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_a_closed_tabs_uploaded_table_is_freed(server, new_page, tmp_path):
    from playwright.sync_api import expect
    from test_upload import upload, write_table

    # 66 MB of numbers once read: far above the server's noise.
    big = tmp_path / "big.csv"
    columns = [f"c{i}" for i in range(40)] + ["label"]
    rows = (",".join(str((r * 7 + c) % 10) for c in range(40)) + f",{r % 2}"
            for r in range(200_000))
    big.write_text(",".join(columns) + "\n" + "\n".join(rows) + "\n")

    small = tmp_path / "small.csv"
    write_table(small)
    pid = SERVER_PIDS[server]
    student = new_page()
    open_app(student, server + "/data?dataset=csv")
    upload(student, small)  # the libraries that read and preview a table load
    expect(student.locator("[data-testid=stMain]")).to_contain_text(f"CSV: {small.name}")
    before = resident_mb(pid)
    upload(student, big)
    expect(student.locator("[data-testid=stMain]")).to_contain_text(f"CSV: {big.name}")
    loaded = resident_mb(pid)
    assert loaded - before > 100, f"the upload took only {loaded - before:.0f} MB"

    student.context.close()  # its session times out in 2 s, then frees the file
    # The table, its prepared copy and split arrays are about 200 MB; the
    # read's own garbage goes back either way (about 100 MB here), and the
    # uploaded bytes stay with the closed session until Streamlit drops it.
    margin = loaded - 150
    deadline = time.monotonic() + 20
    while (now := resident_mb(pid)) > margin:
        assert time.monotonic() < deadline, (
            f"server memory stayed at {now:.0f} MB after the tab closed "
            f"({before:.0f} MB before the upload, {loaded:.0f} MB with it)")
        time.sleep(1)
