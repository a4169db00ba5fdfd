"""A class on one server: 10 students train while 20 move sliders and change pages.

Starts `streamlit run app.py` (its own SQLite run store, the default worker
pool) and drives it with light tabs (`light_client.LightTab`): Streamlit's
own WebSocket protocol, no rendering, all in this one process. Browsers
would measure their own rendering and, on a 2-core machine, starve the
server they are measuring (69 Chromium processes took 140% of the 2 cores
in an earlier try); light tabs take a few percent, and this script prints
how much, next to the server's and the workers' CPU.

The class:
- 10 trainers open the Train page on a 2-D preset (`--dataset`, `--epochs`),
  press Train a second apart, and stay connected, rerunning the live
  view's fragment on the server's timer as a browser does, until the end;
- 20 browsers open a page and, every 1–3 s, move the learning-rate slider
  on Train or go to another page (Model, Data, Inspect, Evaluate, Runs).

It prints the server's side: each rerun's time from request to the
server's `script_finished` (p50/p95 by kind, against the same slider
moved by one tab alone before the class arrives: the baseline of the same
run), the health endpoint's latency, every run's wait in the queue and
the time from the last Train until every run has finished (from the run
store's own timestamps), statuses left in the store, errors any page
showed, CPU of server, workers and clients, and the server's memory at
its start (after one tab has visited every page), at its peak, and
`--settle` seconds (150) after every tab closed.

Targets (server side, 2 cores): slider rerun p95 < 1 s; no error on any
page; every run finished or stopped, none left running; server memory back
within 50 MB of its start; the class's runs all done within 60 s of the
last Train.

Run: `.venv/bin/python bench/class_load.py` (about 5 minutes). Always exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # the browser tests' server helper
sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_server import SERVER_PIDS, streamlit_app  # noqa: E402
from light_client import LightTab  # noqa: E402
from server_footprint import rss_mb  # noqa: E402

RATES = ["0.001", "0.003", "0.01", "0.03", "0.1", "0.3"]
PAGES = ["", "model", "data", "inspect", "evaluate", "runs", "train"]
DONE = ("completed", "stopped", "diverged", "failed")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The server's child processes: its workers (and their resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Meter:
    """CPU of the server, its workers and this process over one phase."""

    def __init__(self, server: int):
        self.server = server
        self.workers = children(server)
        self.start = time.monotonic()
        self.server_cpu = cpu_seconds(server)
        self.worker_cpu = {pid: cpu_seconds(pid) for pid in self.workers}
        self.client_cpu = time.process_time()

    def shares(self) -> dict[str, float]:
        wall = time.monotonic() - self.start
        workers = 0.0
        for pid, before in self.worker_cpu.items():
            try:
                workers += cpu_seconds(pid) - before
            except OSError:  # replaced during the phase
                pass
        return {"server": (cpu_seconds(self.server) - self.server_cpu) / wall,
                "workers": workers / wall,
                "clients": (time.process_time() - self.client_cpu) / wall}


async def health_latencies(url: str, stop: asyncio.Event, found: list[float]) -> None:
    def probe() -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as response:
            response.read()
        return time.perf_counter() - started

    while not stop.is_set():
        found.append(await asyncio.to_thread(probe))
        await asyncio.sleep(0.5)


async def trainer(url: str, index: int, args, trained: list[float]) -> LightTab:
    tab = LightTab(url)
    await tab.open("train", f"dataset={args.dataset}&epochs={args.epochs}&seed={index}")
    await asyncio.sleep(index * 1.0)
    await tab.click("train_button", "train")
    trained.append(time.time())
    return tab


async def browser(url: str, index: int, stop: asyncio.Event) -> LightTab:
    rng = random.Random(index)
    tab = LightTab(url)
    page = "train" if index % 2 else rng.choice(PAGES)
    await tab.open(page, "dataset=circle")
    while not stop.is_set():
        await asyncio.sleep(rng.uniform(1, 3))
        if page == "train" and rng.random() < 0.6:
            await tab.set_value("learning_rate", [rng.choice(RATES)], "string_array_value")
        else:
            page = rng.choice([p for p in PAGES if p != page])
            await tab.goto(page)
    return tab


def store_runs(path: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT status, created_at, started_at, finished_at, "
                            "elapsed FROM runs").fetchall()


async def alone(url: str, moves: int = 15) -> list[float]:
    """The slider moved by one tab with nobody else on the server."""
    tab = LightTab(url)
    await tab.open("train", "dataset=circle")
    for move in range(moves):
        await tab.set_value("learning_rate", [RATES[move % len(RATES)]], "string_array_value")
    await tab.close()
    return [t.seconds for t in tab.timings if t.kind == "slider"]


async def warm_up(url: str) -> None:
    """One tab visits every page, so the server's start includes its imports."""
    tab = LightTab(url)
    await tab.open("", "")
    for page in PAGES:
        await tab.goto(page)
    await tab.close()


async def the_class(url: str, args, store: Path) -> dict:
    server = SERVER_PIDS[url]
    stop = asyncio.Event()
    health: list[float] = []
    trained: list[float] = []
    meter = Meter(server)
    peak = rss_mb(server)
    probe = asyncio.create_task(health_latencies(url, stop, health))
    browsers = [asyncio.create_task(browser(url, i, stop)) for i in range(args.browsers)]
    trainers = await asyncio.gather(*(trainer(url, i, args, trained)
                                      for i in range(args.trainers)))
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        peak = max(peak, rss_mb(server))
        runs = store_runs(store)
        if len(runs) >= args.trainers and all(r["status"] in DONE for r in runs):
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(5)  # the browsers go on a little after the last run
    stop.set()
    tabs = list(trainers) + list(await asyncio.gather(*browsers))
    await probe
    cpu = meter.shares()
    for tab in tabs:
        await tab.close()
    return {"tabs": tabs, "health": health, "trained": trained, "cpu": cpu,
            "peak": peak, "runs": store_runs(store)}


def report(args, baseline: list[float], start_mb: float, result: dict,
           after_mb: float) -> None:
    tabs, runs = result["tabs"], result["runs"]
    timings = [t for tab in tabs for t in tab.timings]
    errors = [e for tab in tabs for e in tab.errors] + [
        f"{t.kind} did not finish" for t in timings if not t.ok]
    print(f"class: {args.trainers} trainers ({args.dataset}, {args.epochs} epochs), "
          f"{args.browsers} browsers; light WebSocket tabs, no rendering; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("rerun times, request → script_finished (server side):")
    for kind in ("open", "slider", "page", "train", "fragment"):
        seconds = [t.seconds for t in timings if t.kind == kind]
        if seconds:
            print(f"  {kind:9s} n={len(seconds):4d}  p50 {statistics.median(seconds):6.3f} s"
                  f"  p95 {percentile(seconds, 0.95):6.3f} s  max {max(seconds):6.3f} s")
    sliders = [t.seconds for t in timings if t.kind == "slider"]
    p95, alone_p95 = percentile(sliders, 0.95), percentile(baseline, 0.95)
    print(f"slider alone (baseline, same run): p50 {statistics.median(baseline):.3f} s "
          f"p95 {alone_p95:.3f} s; in the class p95 is {p95 / alone_p95:.1f}x that")
    print(f"slider rerun p95 in the class: {p95:.3f} s  "
          f"{'PASS' if p95 < 1 else 'FAIL'} (target < 1 s)")
    health = result["health"]
    print(f"health endpoint: n={len(health)} p50 {statistics.median(health) * 1000:.0f} ms "
          f"p95 {percentile(health, 0.95) * 1000:.0f} ms")
    print(f"errors on pages: {len(errors)}  {'PASS' if not errors else 'FAIL'}")
    for error in errors[:10]:
        print(f"  {error[:200]}")
    counts = {s: sum(r["status"] == s for r in runs) for s in {r["status"] for r in runs}}
    left = [r for r in runs if r["status"] not in DONE]
    print(f"runs in the store: {len(runs)} {counts}; left running or queued: {len(left)}  "
          f"{'PASS' if not left and len(runs) == args.trainers else 'FAIL'}")
    waits = [r["started_at"] - r["created_at"] for r in runs if r["started_at"]]
    if waits:
        print(f"queue wait: p50 {statistics.median(waits):.1f} s, max {max(waits):.1f} s")
    on_worker = [r["finished_at"] - r["started_at"] for r in runs
                 if r["started_at"] and r["finished_at"]]
    if on_worker:
        print(f"each run on its worker: p50 {statistics.median(on_worker):.1f} s, of which "
              f"training (epochs) p50 {statistics.median(r['elapsed'] for r in runs):.1f} s")
    finished = [r["finished_at"] for r in runs if r["finished_at"]]
    if finished and result["trained"]:
        span = max(finished) - max(result["trained"])
        print(f"last Train → every run finished: {span:.1f} s  "
              f"{'PASS' if span <= 60 and len(finished) == args.trainers else 'FAIL'} "
              "(target ≤ 60 s)")
    cpu = result["cpu"]
    print(f"CPU (share of one core): server {cpu['server']:.0%}, workers "
          f"{cpu['workers']:.0%}, light clients {cpu['clients']:.0%}")
    print(f"server memory: start {start_mb:.0f} MB, peak {result['peak']:.0f} MB, "
          f"{args.settle:.0f} s after every tab closed {after_mb:.0f} MB "
          f"({after_mb - start_mb:+.0f} MB)  "
          f"{'PASS' if after_mb - start_mb <= 50 else 'FAIL'} (target within 50 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainers", type=int, default=10)
    parser.add_argument("--browsers", type=int, default=20)
    parser.add_argument("--dataset", default="spiral")
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds to wait for the class's runs")
    parser.add_argument("--settle", type=float, default=150,
                        help="seconds after the tabs close before memory is read")
    args = parser.parse_args()
    store = Path(tempfile.mkdtemp(prefix="class-load-")) / "runs.sqlite"
    with streamlit_app(60, env={"PLAYGROUND_STORE": f"sqlite:///{store}"}) as url:
        server = SERVER_PIDS[url]
        asyncio.run(warm_up(url))
        time.sleep(20)  # the worker pool warms in the background, as on a server
        start_mb = rss_mb(server)
        baseline = asyncio.run(alone(url))
        result = asyncio.run(the_class(url, args, store))
        time.sleep(args.settle)
        after_mb = rss_mb(server)
    report(args, baseline, start_mb, result, after_mb)


if __name__ == "__main__":
    main()
