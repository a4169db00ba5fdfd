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

Median of REPEATS children per page, interleaved. Always exits 0.
Run from anywhere:  .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
REPEATS = 3
TARGET = 1.5  # app first run / bare first run

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


def main() -> None:
    print(f"startup: fresh subprocess per run, median of {REPEATS}; "
          f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print("  'import+run' = import AppTest/streamlit + AppTest.from_file(...).run(), "
          "timed inside the child;")
    print("  'process' = whole child wall time incl. interpreter start\n")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text('import streamlit as st\nst.title("hello")\n')
        child(bare, "bare")  # untimed: warms the OS file cache for both
        runs: dict[str, list[dict]] = {"bare": [], "app": []}
        for _ in range(REPEATS):
            runs["bare"].append(child(bare, "bare"))
            runs["app"].append(child(APP, "app"))

    med = {k: {m: statistics.median(r[m] for r in rs) for m in ("import", "first", "wall")}
           for k, rs in runs.items()}
    print(f"  {'page':<5} {'import s':>9} {'import+run s':>13} {'process s':>10}")
    for k in ("bare", "app"):
        print(f"  {k:<5} {med[k]['import']:>9.2f} {med[k]['first']:>13.2f} "
              f"{med[k]['wall']:>10.2f}")
    ratio = med["app"]["first"] / med["bare"]["first"]
    print(f"  ratio app/bare first run (import+run): {ratio:.2f}x  "
          f"(process wall: {med['app']['wall'] / med['bare']['wall']:.2f}x)")
    app_runs = runs["app"]
    first_only = statistics.median(r["first"] - r["import"] for r in app_runs)
    bare_only = statistics.median(r["first"] - r["import"] for r in runs["bare"])
    print(f"  script run alone (after the AppTest import): app {first_only * 1000:.0f} ms,"
          f" bare {bare_only * 1000:.0f} ms")
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


if __name__ == "__main__":
    main()
