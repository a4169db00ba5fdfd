"""The web server's footprint while students train: memory, TensorFlow, latency.

Starts `streamlit run app.py` and, for a baseline in the same run, a bare
Streamlit page, then drives the app in headless Chromium: 20 short
trainings of the XOR preset (200 epochs each), one after another, in one browser session.
It prints:

- the server's resident memory after the first and after the last
  training, and its growth (target: within ±50 MB), beside the bare
  page's server memory;
- whether TensorFlow's libraries are mapped into the server process
  (target: never; training and Keras work run in worker processes);
- Train pressed → first epoch on screen, with the pool warm (median of the
  20; target ≤ 1.5 s).

Run: `.venv/bin/python bench/server_footprint.py` (about two minutes; needs
/usr/bin/chromium and Linux's /proc). Always exits 0.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # the browser tests' server helper

from app_server import SERVER_PIDS, streamlit_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TRAININGS = 20
EXPERIMENT = "/train?dataset=xor&layers=dense-4-tanh_dense-4-tanh&epochs=200"
SHOWN = "() => /Epoch [1-9][0-9]* \\/ 200 ·/.test(document.body.innerText)"
FINISHED = "() => /Finished 200 epoch/.test(document.body.innerText)"
BARE_PAGE = "import streamlit as st\nst.title('Bare page')\n"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def tensorflow_mapped(pid: int) -> bool:
    with open(f"/proc/{pid}/maps") as maps:
        return "tensorflow" in maps.read()


def main() -> None:
    from playwright.sync_api import sync_playwright

    bare_file = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
    bare_file.write(BARE_PAGE)
    bare_file.close()
    latencies, memory = [], []
    store = Path(tempfile.mkdtemp()) / "runs.sqlite"
    try:
        with streamlit_app(60, env={"PLAYGROUND_STORE": str(store)}) as app_url, \
                streamlit_app(60, script=bare_file.name) as bare_url, \
                sync_playwright() as playwright:
            app_pid, bare_pid = SERVER_PIDS[app_url], SERVER_PIDS[bare_url]
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.set_default_timeout(180_000)
            page.goto(bare_url)
            page.get_by_text("Bare page").wait_for()
            page.goto(app_url + EXPERIMENT)
            page.locator(".st-key-train_button button:visible").wait_for()
            time.sleep(15)  # the pool warms in the background, as on a server
            for run in range(TRAININGS):
                page.wait_for_function(
                    "() => !document.querySelector('.st-key-train_button button')"
                    ".disabled")
                started = time.perf_counter()
                page.locator(".st-key-train_button button:visible").click()
                page.wait_for_function(f"() => ({SHOWN})() && !({FINISHED})()",
                                       polling=20)
                latencies.append(time.perf_counter() - started)
                page.wait_for_function(FINISHED)
                memory.append(rss_mb(app_pid))
            browser.close()
            bare_rss = rss_mb(bare_pid)
            mapped = tensorflow_mapped(app_pid)
    finally:
        os.unlink(bare_file.name)
    growth = memory[-1] - memory[0]
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores)")
    print(f"bare Streamlit page server RSS: {bare_rss:.0f} MB")
    print(f"app server RSS after training 1: {memory[0]:.0f} MB "
          f"({memory[0] / bare_rss:.2f}x the bare page), after {TRAININGS}: "
          f"{memory[-1]:.0f} MB")
    print(f"growth over {TRAININGS - 1} trainings: {growth:+.0f} MB  "
          f"{'PASS' if abs(growth) <= 50 else 'FAIL'} (target within ±50 MB)")
    print(f"TensorFlow mapped in the server process: {mapped}  "
          f"{'FAIL' if mapped else 'PASS'}")
    warm = statistics.median(latencies[1:])
    print(f"Train → first epoch on screen: first {latencies[0]:.2f} s, median of the "
          f"rest {warm:.2f} s (min {min(latencies[1:]):.2f})  "
          f"{'PASS' if warm <= 1.5 else 'FAIL'} (target ≤ 1.5 s, warm pool)")


if __name__ == "__main__":
    main()
