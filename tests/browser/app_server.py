"""`streamlit run app.py` on a free port, for the browser tests and benches.

Kept apart from the tests so that `bench/browser_training.py` starts the
app exactly as they do.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 60
LOAD_MS = 60_000  # Playwright's wait for a page load or a rerun
SERVER_PIDS: dict[str, int] = {}  # base URL -> the `streamlit run` process id
SERVER_LOGS: dict[str, object] = {}  # base URL -> the server's output, a file
LOG_TAIL_CHARS = 6000


def button(page, key: str):
    """The button with widget key `key` as the page now draws it.

    While a rerun draws, Streamlit keeps the elements of the previous run on
    screen, marked stale, until it is done; where the layout moved, the same
    key then shows twice. Only the current one is meant. For a moment, while
    a fragment's poll and a full rerun overlap, the previous copy can also
    read as current (Streamlit marks only the fragment's elements stale
    then): both copies are the same widget, and a click on either presses
    it, so the first is taken.
    """
    return page.locator(f".st-key-{key}[data-stale=false] button:visible").first


def server_log_tail(url: str) -> str:
    """The end of the output of the server at `url` so far ('' if unknown):
    a failed browser test shows it, since the cause is often on that side."""
    log = SERVER_LOGS.get(url)
    if log is None:
        return ""
    # Read at an offset: the server writes through the same open file, and
    # moving its position would make the server write over its own output.
    size = os.fstat(log.fileno()).st_size
    start = max(0, size - LOG_TAIL_CHARS)
    return os.pread(log.fileno(), size - start, start).decode(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


@contextmanager
def streamlit_app(timeout: float = 60, args: tuple[str, ...] = (),
                  env: dict[str, str] | None = None, script: str = "app.py"):
    """Runs the app until the block ends; yields its base URL.

    Args:
        timeout: Seconds to wait for the server to be healthy.
        args: More `streamlit run` options.
        env: More environment variables (e.g. `PLAYGROUND_STORE`).
        script: The script to run (a bench's bare baseline page, say).

    Raises:
        RuntimeError: when the server exits or is not healthy within
            `timeout` seconds, with the end of its output.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script,
         "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         *args],
        cwd=ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                output = log.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"streamlit did not become healthy on {url}:\n{output}")
            time.sleep(0.25)
        SERVER_PIDS[url] = process.pid
        SERVER_LOGS[url] = log
        yield url
    finally:
        SERVER_LOGS.pop(url, None)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
