"""Startup: the app's first page against a bare Streamlit page.

Each measurement runs in a fresh Python subprocess, so module imports count.
The child times, with perf_counter, `from streamlit.testing.v1 import AppTest`
(which imports streamlit) plus `AppTest.from_file(path, default_timeout=60).run()`
of the page's script; the interpreter's own start-up is reported separately
as the child's whole wall time. Pages compared:

  bare  a temporary script: `import streamlit as st; st.title("hello")`
  app   app.py of this repository (router + sidebar + the Data page)

In each app child, after the first run, the Data page's "Samples" slider is
set to 300 and the script rerun; that rerun is timed too, and the child
reports whether `tensorflow` / `keras` were imported by the first run (they
must not be: TensorFlow belongs to the training job only).

Best of REPEATS children per page (median shown too), interleaved: the
machine is shared, and the best run is the one least disturbed by others.

Then the same two pages in a real browser, headless Chromium launched as the
browser tests launch it: for each load a fresh `streamlit run` server (so the
first run's imports count), and the time from `page.goto` until the page's
heading is drawn and until the whole first page is rendered (the script run
has ended and its content is drawn: for the app, the Data page with its
SVG preview of the circle set). Best of BROWSER_REPEATS per page,
interleaved; skipped when Playwright or /usr/bin/chromium is missing, or
with `--no-browser`.

Always exits 0. Run from anywhere:  .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests" / "browser"):  # the browser tests' server and
    if str(path) not in sys.path:                 # Chromium helpers
        sys.path.insert(0, str(path))
APP = ROOT / "app.py"
REPEATS = 5
BROWSER_REPEATS = 3
WARM_REPEATS = 5
WARM_SECONDS = 30  # the app's worker pool has warmed by then
TARGET = 1.5  # app first run / bare first run
BARE_SCRIPT = 'import streamlit as st\nst.title("hello")\n'
# Two moments of the first page: its heading is drawn (`heading`), and the
# script run has ended with all its content drawn (`rendered`: for the app,
# the Data page's preview of the circle set, an SVG image, has loaded).
HEADING_JS = """t => [...document.querySelectorAll('h1')].some(
    h => h.textContent.includes(t))"""
HEADING = {"bare": "hello", "app": "Data"}
RENDERED_JS = {
    "bare": "() => document.querySelector('[data-test-script-state=notRunning]')",
    "app": """() => document.querySelector('[data-test-script-state=notRunning]')
              && [...document.querySelectorAll('[data-testid=stMain] [data-testid=stImage] img')]
                 .some(img => img.complete && img.naturalWidth > 0)""",
}

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from streamlit.testing.v1 import AppTest
t_import = time.perf_counter() - t0
at = AppTest.from_file(sys.argv[1], default_timeout=60).run()
first = time.perf_counter() - t0
out = {"import": t_import, "first": first,
       "errors": [str(e.value)[:200] for e in at.exception],
       "tensorflow": "tensorflow" in sys.modules, "keras": "keras" in sys.modules}
if sys.argv[2] == "app":
    sliders = [s for s in at.slider if s.label == "Samples"]
    if not sliders:
        out["errors"].append("no slider labelled 'Samples' on the first page")
    else:
        t1 = time.perf_counter()
        sliders[0].set_value(300).run()
        out["rerun"] = time.perf_counter() - t1
        out["rerun_value"] = [s for s in at.slider if s.label == "Samples"][0].value
        out["errors"] += [str(e.value)[:200] for e in at.exception]
        out["tensorflow_after_rerun"] = "tensorflow" in sys.modules
print("RESULT " + json.dumps(out))
"""


def child(script: Path, kind: str) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(script), kind],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    wall = time.perf_counter() - t0
    lines = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise RuntimeError(f"{kind} child failed (rc {proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    result = json.loads(lines[-1][len("RESULT "):])
    result["wall"] = wall
    return result


@contextlib.contextmanager
def streamlit_server(script: Path, kind: str):
    """A `streamlit run` server of `script` on a free port; yields its URL."""
    from app_server import free_port as _free_port, healthy as _healthy

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless",
         "true", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{kind}: streamlit did not start on {url}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: its pool is slow to end
            server.kill()
            server.wait()


def load_page(chromium, url: str, kind: str, reload: bool = False
              ) -> tuple[float, float] | tuple[float, float, float]:
    """Seconds from `goto` to the first page's heading and to the whole page
    rendered, in a fresh browser context; with `reload`, then the seconds
    from `reload` to the page rendered again."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_function(HEADING_JS, arg=HEADING[kind], polling=20,
                               timeout=60_000)
        heading = time.perf_counter() - t0
        page.wait_for_function(RENDERED_JS[kind], polling=20, timeout=60_000)
        rendered = time.perf_counter() - t0
        if not reload:
            return heading, rendered
        t1 = time.perf_counter()
        page.reload()
        page.wait_for_function(HEADING_JS, arg=HEADING[kind], polling=20,
                               timeout=60_000)
        page.wait_for_function(RENDERED_JS[kind], polling=20, timeout=60_000)
        return heading, rendered, time.perf_counter() - t1
    finally:
        context.close()


def browser_first_page(chromium, script: Path, kind: str) -> tuple[float, float]:
    """Seconds from `goto` to the first page's heading and to the whole page
    rendered, on a fresh server."""
    with streamlit_server(script, kind) as url:
        return load_page(chromium, url, kind)


def warm_section(chromium, bare: Path) -> None:
    """The first page and a reload on servers that have been up for
    WARM_SECONDS (the app's worker pool warm, as a student meets it), each
    load in a fresh browser context; medians, interleaved."""
    times: dict[str, list[tuple[float, float, float]]] = {"bare": [], "app": []}
    with streamlit_server(bare, "bare") as bare_url, \
            streamlit_server(APP, "app") as app_url:
        time.sleep(WARM_SECONDS)
        urls = {"bare": bare_url, "app": app_url}
        for kind in urls:  # untimed: the browser's cache of each page's files
            load_page(chromium, urls[kind], kind)
        for _ in range(WARM_REPEATS):
            for kind in ("bare", "app"):
                times[kind].append(load_page(chromium, urls[kind], kind, reload=True))
    print(f"\nbrowser, warm servers (up {WARM_SECONDS} s), a fresh context per load, "
          f"median of {WARM_REPEATS} (spread in brackets); seconds to")
    print(f"  {'page':<5} {'heading':>16} {'rendered':>16} {'reload':>16}")
    medians = {}
    for kind in ("bare", "app"):
        columns = list(zip(*times[kind]))
        medians[kind] = [statistics.median(c) for c in columns]
        print(f"  {kind:<5} " + " ".join(
            f"{m:>5.2f} ({min(c):.2f}–{max(c):.2f})" for m, c in zip(medians[kind], columns)))
    ratio = medians["app"][1] / medians["bare"][1]
    print(f"  ratio app/bare, rendered: {ratio:.2f}x; reload: "
          f"{medians['app'][2] / medians['bare'][2]:.2f}x; heading: "
          f"{medians['app'][0] / medians['bare'][0]:.2f}x")
    print(f"{'PASS' if ratio <= TARGET else 'FAIL'} startup: warm server, first page "
          f"rendered app/bare = {ratio:.2f}x, medians (target <= {TARGET:g}x)")


def browser_section(bare: Path) -> None:
    """Time to the first rendered page in headless Chromium, app against bare."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("SKIP browser: playwright is not installed")
        return
    # The browser tests' Chromium, launched the same way.
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        print(f"SKIP browser: {CHROMIUM} not found")
        return
    times: dict[str, list[tuple[float, float]]] = {"bare": [], "app": []}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=CHROMIUM_ARGS)
        try:
            browser_first_page(chromium, bare, "bare")  # untimed: warms the caches
            for _ in range(BROWSER_REPEATS):
                for kind, script in (("bare", bare), ("app", APP)):
                    times[kind].append(browser_first_page(chromium, script, kind))
            cold_summary(times)
            warm_section(chromium, bare)
        finally:
            chromium.close()


def cold_summary(times: dict[str, list[tuple[float, float]]]) -> None:
    """Prints the fresh-server loads: best and median of each page."""
    best = {k: (min(h for h, _ in v), min(r for _, r in v)) for k, v in times.items()}
    median = {k: statistics.median(r for _, r in v) for k, v in times.items()}
    print(f"browser: headless Chromium, fresh server per load, best of "
          f"{BROWSER_REPEATS} (all runs in brackets); seconds from goto to")
    print(f"  {'page':<5} {'heading s':>10} {'rendered s':>11}")
    for kind in ("bare", "app"):
        print(f"  {kind:<5} {best[kind][0]:>10.2f} {best[kind][1]:>11.2f}  "
              f"({', '.join(f'{h:.2f}/{r:.2f}' for h, r in times[kind])})")
    print(f"  ratio app/bare, time to the first rendered page: "
          f"{best['app'][1] / best['bare'][1]:.2f}x, median "
          f"{median['app'] / median['bare']:.2f}x "
          f"(to the heading: {best['app'][0] / best['bare'][0]:.2f}x)")


def main() -> None:
    print(f"startup: fresh subprocess per run, best of {REPEATS}; "
          f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print("  'import+run' = import AppTest/streamlit + AppTest.from_file(...).run(), "
          "timed inside the child;")
    print("  'process' = whole child wall time incl. interpreter start\n")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_SCRIPT)
        child(bare, "bare")  # untimed: warms the OS file cache for both
        runs: dict[str, list[dict]] = {"bare": [], "app": []}
        for _ in range(REPEATS):
            runs["bare"].append(child(bare, "bare"))
            runs["app"].append(child(APP, "app"))

    best = {k: {m: min(r[m] for r in rs) for m in ("import", "first", "wall")}
            for k, rs in runs.items()}
    med = {k: {m: statistics.median(r[m] for r in rs) for m in ("import", "first", "wall")}
           for k, rs in runs.items()}
    print(f"  {'page':<5} {'import s':>9} {'import+run s':>13} {'process s':>10}"
          "   (best of the runs; median in brackets)")
    for k in ("bare", "app"):
        print(f"  {k:<5} {best[k]['import']:>9.2f} {best[k]['first']:>13.2f} "
              f"{best[k]['wall']:>10.2f}   ({med[k]['import']:.2f}, "
              f"{med[k]['first']:.2f}, {med[k]['wall']:.2f})")
    ratio = best["app"]["first"] / best["bare"]["first"]
    print(f"  ratio app/bare first run (import+run): {ratio:.2f}x  "
          f"(median {med['app']['first'] / med['bare']['first']:.2f}x; "
          f"process wall: {best['app']['wall'] / best['bare']['wall']:.2f}x)")
    app_runs = runs["app"]
    first_only = min(r["first"] - r["import"] for r in app_runs)
    bare_only = min(r["first"] - r["import"] for r in runs["bare"])
    print(f"  script run alone (after the AppTest import), best: app "
          f"{first_only * 1000:.0f} ms, bare {bare_only * 1000:.0f} ms")
    reruns = [r["rerun"] for r in app_runs if "rerun" in r]
    if reruns:
        print(f"  app rerun after Samples slider -> 300: median {statistics.median(reruns) * 1000:.0f} ms"
              f" (runs: {', '.join(f'{x * 1000:.0f}' for x in reruns)}; "
              f"slider now {app_runs[0].get('rerun_value')})")
    tf_first = [r["tensorflow"] for r in app_runs]
    tf_rerun = [r.get("tensorflow_after_rerun") for r in app_runs]
    print(f"  tensorflow in sys.modules after first app run: {any(tf_first)} "
          f"(per child: {tf_first}); after rerun: {any(tf_rerun)}; "
          f"keras after first run: {any(r['keras'] for r in app_runs)}")
    errors = {e for rs in runs.values() for r in rs for e in r["errors"]}
    for e in sorted(errors):
        print(f"  page exception: {e}")
    print()
    print(f"{'PASS' if ratio <= TARGET else 'FAIL'} startup: app/bare first run = "
          f"{ratio:.2f}x (target <= {TARGET:g}x)")
    print(f"{'FAIL' if any(tf_first) else 'PASS'} startup: tensorflow not imported by "
          f"the first app run")
    if errors:
        print("FAIL startup: the pages raised exceptions (see above)")
    if "--no-browser" not in sys.argv[1:]:
        print()
        with tempfile.TemporaryDirectory() as tmp:
            bare = Path(tmp) / "bare.py"
            bare.write_text(BARE_SCRIPT)
            browser_section(bare)


if __name__ == "__main__":
    main()
