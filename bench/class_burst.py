"""A class's burst: 30 runs submitted at once, on the worker pool and on Ray.

The moment a teacher says "now press Train": every student's run arrives
within a second. This script submits `--runs` runs of a 2-D preset
(`--dataset`, `--epochs`, one seed per student) at once, the way the app
does (`playground.runs.recorder.submit_and_record`, each phase with its own
temporary SQLite run store; the jobs record their own runs there from their
workers), to:

1. the process pool, `ProcessExecutor(limit=N)` (the baseline);
2. Ray, `RayExecutor(address, limit=N)`, on a Ray head with N CPUs that
   this script starts on loopback;
3. the same Ray burst once a second node (`ray start --address=<head>`,
   `--second-node-cpus K`) has joined the cluster, with the executor's
   limit raised to the cluster's N + K CPUs.

Those bursts make a round; `--rounds` rounds (3) are run, each with a
fresh Ray cluster that is gone before the pool's burst, and every other
round with the pool's burst last, so that a load that changes over a round
favours neither. The figures are medians over the rounds, and each ratio
against the pool is the median of the rounds' ratios (the pool's burst of
the same round is the baseline).

Each burst runs in a process of its own, the server: it creates the
executor, waits until it is warm (`wait_until_warm`), submits every run,
waits for all of them, and hands its figures back as JSON. For each burst
the script prints: the time from the first submit until every run has
finished, the longest and the median wait in the queue (a handle's
`started_at - submitted_at`), the runs completed (and how many recorded
themselves), each run's time on its worker (the store's `finished_at -
started_at`, which the worker writes; of it, the epochs alone), the workers
used (for Ray, how many actors ran on each node), and the server's
resident memory: bare (before the executor, or Ray, was imported), with
the executor warm when the burst starts, and its peak during the burst
(sampled every 50 ms in a thread); also the machine's load average when
the burst started and ended.

Ray's processes on this machine are this script's own: a head started with
`ray start --head` in a fresh folder under /tmp (token authentication with a
token of its own, as `tests/core/ray_cluster.py` does), a second node
started the same way with `--address`; both are ended once the Ray bursts
are done (and on Ctrl-C, SIGTERM or an error) by signalling only the
processes that name that folder and their children. Never `ray stop`, which ends every Ray cluster on the
machine.

Run: `.venv/bin/python bench/class_burst.py [--runs 30] [--workers N]
[--epochs E] [--second-node-cpus K] [--rounds 3] [--skip-ray]` (about 20
minutes with the defaults on 2 cores). Always exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground.jobs import ProcessExecutor  # noqa: E402
from playground.jobs.worker import memory_mb  # noqa: E402
from playground.presets import PRESETS  # noqa: E402
from playground.runs import open_store  # noqa: E402
from playground.runs.recorder import submit_and_record  # noqa: E402

RAY = Path(sys.executable).with_name("ray")
WARM_SECONDS = 600


# -- Ray processes of this script's own ---------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


class RayCluster:
    """A Ray head on 127.0.0.1 in a fresh folder, and the nodes joined to it.

    `stop()` ends the processes that name the folder (GCS, raylets,
    monitors) and their children (the nodes' agents and the actors'
    worker processes), and nothing else.
    """

    def __init__(self, cpus: int):
        # Short: Ray's socket paths under it must fit in 107 bytes.
        self.folder = tempfile.mkdtemp(prefix="kpburst", dir="/tmp")
        Path(self.folder, "token").write_text(secrets.token_hex(32))
        self.env = {"RAY_AUTH_MODE": "token",
                    "RAY_AUTH_TOKEN_PATH": os.path.join(self.folder, "token"),
                    "RAY_USAGE_STATS_ENABLED": "0"}
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        try:
            self._start(["--head", f"--port={self.port}", f"--num-cpus={cpus}",
                         "--include-dashboard=false", "--disable-usage-stats",
                         f"--ray-client-server-port={free_port()}"])
        except BaseException:
            self.stop()
            raise

    def add_node(self, cpus: int) -> None:
        """Joins a second raylet on this machine, with `cpus` CPUs of its own
        (its ports are picked afresh, so it does not collide with the head's)."""
        self._start([f"--address={self.address}", f"--num-cpus={cpus}"])

    def _start(self, flags: list[str]) -> None:
        done = subprocess.run(
            [str(RAY), "start", *flags, "--node-ip-address=127.0.0.1",
             f"--temp-dir={self.folder}",
             f"--dashboard-agent-listen-port={free_port()}"],
            capture_output=True, text=True, timeout=300, env={**os.environ, **self.env})
        if done.returncode:
            raise RuntimeError("`ray start` failed: "
                               + (done.stderr or done.stdout).strip()[-500:])

    def processes(self) -> list[int]:
        mine = {pid for pid in all_pids() if self.folder in command_line(pid)}
        mine.discard(os.getpid())
        grown = True
        while grown:  # children of those: agents, actors' workers
            more = {pid for pid in all_pids() if parent_of(pid) in mine} - mine
            more.discard(os.getpid())
            mine |= more
            grown = bool(more)
        return sorted(mine)

    def stop(self) -> None:
        mine = self.processes()
        for pid in mine:
            signal_pid(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while any(Path(f"/proc/{pid}").exists() for pid in mine) and (
                time.monotonic() < deadline):
            time.sleep(0.2)
        for pid in mine:
            signal_pid(pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


def signal_pid(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except OSError:
        pass


def node_of(pid: int) -> str | None:
    """`head` or `node 2..`: the raylet a Ray worker process belongs to."""
    raylet = command_line(parent_of(pid) or 0)
    if "raylet" not in raylet:
        return None
    if " --head" in raylet:
        return "head"
    for flag in raylet.split():
        if flag.startswith("--node_id="):
            return "node " + flag.split("=", 1)[1][:6]
    return "node ?"


# -- one burst --------------------------------------------------------------------


class MemoryPeak:
    """This process's resident memory, sampled in a thread until `stop()`."""

    def __init__(self, interval: float = 0.05):
        self.start = memory_mb() or 0.0
        self.peak = self.start
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,),
                                        daemon=True, name="memory-peak")
        self._thread.start()

    def _sample(self, interval: float) -> None:
        while not self._done.wait(interval):
            self.peak = max(self.peak, memory_mb() or 0.0)

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return max(self.peak, memory_mb() or 0.0)


@dataclass
class Burst:
    name: str
    workers: int
    runs: int
    span: float = float("nan")
    waits: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    completed: int = 0
    self_recorded: int = 0
    on_worker: list[float] = field(default_factory=list)
    epochs_time: list[float] = field(default_factory=list)
    memory_before: float = 0.0
    memory_start: float = 0.0
    memory_peak: float = 0.0
    workers_used: int = 0
    per_node: dict[str, int] = field(default_factory=dict)
    left: int = 0
    note: str = ""
    submit_seconds: float = 0.0
    round: int = 1
    load_start: float = float("nan")
    load_end: float = float("nan")

    def median(self, values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")


def burst(name: str, executor, experiments, store_path: Path, timeout: float,
          by_node: bool = False) -> Burst:
    """Submits every experiment at once and waits for all of them."""
    store = open_store(str(store_path))
    result = Burst(name, executor.limit, len(experiments))
    gc.collect()
    memory = MemoryPeak()
    result.load_start = os.getloadavg()[0]
    first = time.time()
    handles = [submit_and_record(executor, exp, store=store)[0] for exp in experiments]
    submitted = time.time() - first
    deadline = time.monotonic() + timeout
    for handle in handles:
        handle.wait(max(0.0, deadline - time.monotonic()))
    result.memory_peak = memory.stop()
    result.load_end = os.getloadavg()[0]
    result.memory_start = memory.start
    done = [h for h in handles if h.done]
    result.left = len(handles) - len(done)
    if done:
        result.span = max(h.finished_at for h in done) - first
    result.waits = [h.started_at - h.submitted_at for h in handles
                    if h.started_at is not None]
    for handle in done:
        status = handle.result.status
        result.statuses[status] = result.statuses.get(status, 0) + 1
    result.completed = result.statuses.get("completed", 0)
    result.self_recorded = sum(h.result.recorded for h in done)
    time.sleep(0.5)  # the recorders' last writes
    with sqlite3.connect(store_path) as conn:
        rows = conn.execute("SELECT started_at, finished_at, elapsed, worker FROM runs "
                            "WHERE status = 'completed'").fetchall()
    result.on_worker = [f - s for s, f, _, _ in rows if s and f]
    result.epochs_time = [e for _, _, e, _ in rows]
    workers = {w for *_, w in rows if w}
    result.workers_used = len(workers)
    if by_node:
        for worker in workers:
            pid = int(worker.rsplit("pid", 1)[1])
            node = node_of(pid) or "gone"
            result.per_node[node] = result.per_node.get(node, 0) + 1
    result.submit_seconds = submitted
    if result.left:
        stuck = [h.status for h in handles if not h.done]
        result.note = f"not finished after {timeout:.0f} s: {stuck}"
    return result


# -- the report --------------------------------------------------------------------


def median(values) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def longest(b: Burst) -> float:
    return max(b.waits, default=float("nan"))


def figures(b: Burst) -> dict[str, float]:
    """What is compared against the pool, for one burst."""
    return {"all finished": b.span, "longest wait": longest(b),
            "median wait": median(b.waits), "on worker": median(b.on_worker),
            "peak RSS": b.memory_peak,
            "throughput": b.completed / b.span if b.span == b.span else float("nan")}


def ratios(rounds: list[dict[str, Burst]], name: str) -> dict[str, float]:
    """Each figure of `name` over the pool's of the same round; median over rounds."""
    per_round = [(figures(r[name]), figures(r["pool"])) for r in rounds
                 if name in r and "pool" in r]
    return {key: median(mine[key] / base[key] if base[key] else float("nan")
                        for mine, base in per_round)
            for key in figures(Burst("", 0, 0))}


def times(value: float) -> str:
    return "—" if value != value else f"{value:.2f}×"


def report(rounds: list[dict[str, Burst]], names: list[str], args,
           loads: list[str]) -> None:
    print()
    print(f"class burst: {args.runs} runs of {args.dataset} ({args.epochs} epochs) "
          f"submitted at once, {len(rounds)} round(s); {os.cpu_count()} cores; load "
          f"average at the start {loads[0]}, at the end {loads[-1]}")
    for index, bursts in enumerate(rounds, 1):
        print(f"round {index}: " + "; ".join(
            f"{b.name} {b.span:.1f} s (on worker {median(b.on_worker):.2f} s, load "
            f"{b.load_start:.1f}→{b.load_end:.1f})" for b in bursts.values()))
    print()
    print("medians over the rounds; ×pool is the median of each round's ratio:")
    print()
    header = ("| executor | workers | all finished (range) | ×pool | longest wait | "
              "median wait | completed (self-recorded) | on worker p50 (epochs) | "
              "server RSS: bare, warm → peak | workers used |")
    print(header)
    print("|" + "---|" * (header.count(" | ") + 1))
    for name in names:
        bursts = [r[name] for r in rounds if name in r]
        if not bursts:
            continue
        last = bursts[-1]
        used = str(last.workers_used)
        if last.per_node:
            used += " (" + ", ".join(f"{k}: {v}" for k, v in
                                     sorted(last.per_node.items())) + ")"
        spans = [b.span for b in bursts]
        print(f"| {name} | {last.workers} | {median(spans):.1f} s "
              f"({min(spans):.1f}–{max(spans):.1f}) | "
              f"{times(ratios(rounds, name)['all finished'])} | "
              f"{median(longest(b) for b in bursts):.1f} s | "
              f"{median(median(b.waits) for b in bursts):.1f} s | "
              f"{sum(b.completed for b in bursts)}/{sum(b.runs for b in bursts)} "
              f"({sum(b.self_recorded for b in bursts)}) | "
              f"{median(median(b.on_worker) for b in bursts):.2f} s "
              f"({median(median(b.epochs_time) for b in bursts):.2f} s) | "
              f"{median(b.memory_before for b in bursts):.0f}, "
              f"{median(b.memory_start for b in bursts):.0f} → "
              f"{median(b.memory_peak for b in bursts):.0f} MB | {used} |")
    print()
    print("against the pool (same round, median over rounds):")
    for name in names[1:]:
        found = ratios(rounds, name)
        print(f"  {name}: " + ", ".join(f"{key} {times(value)}"
                                       for key, value in found.items()))
    for bursts in rounds:
        for b in bursts.values():
            if b.left or b.completed < b.runs:
                statuses = ", ".join(f"{k} {v}" for k, v in sorted(b.statuses.items()))
                print(f"round {b.round}, {b.name}: {statuses}; {b.note}")
    print("submitting all the runs of a burst took at most: " + ", ".join(
        f"{name} {max(r[name].submit_seconds for r in rounds if name in r):.2f} s"
        for name in names if any(name in r for r in rounds)))


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# -- main ------------------------------------------------------------------------------


def interrupted(number, frame) -> None:
    raise KeyboardInterrupt


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def one_burst(args) -> None:
    """A child process: the server of one burst. It holds the executor, so
    that its memory is that executor's alone, and writes its `Burst` as JSON."""
    signal.signal(signal.SIGTERM, interrupted)
    before = memory_mb() or 0.0
    ray = None
    if args.phase == "pool":
        executor = ProcessExecutor(limit=args.limit, max_run_seconds=0)
    else:
        import ray

        from playground.jobs.ray_executor import RayExecutor

        executor = RayExecutor(args.address, limit=args.limit, max_run_seconds=0)
        signal.signal(signal.SIGTERM, interrupted)  # ray.init installed its own
    base = PRESETS[args.dataset].experiment.replace(epochs=args.epochs)
    experiments = [base.replace(seed=i + 1) for i in range(args.runs)]
    try:
        if ray is not None and not wait_for(
                lambda: ray.cluster_resources().get("CPU", 0) >= args.limit, 120):
            print(f"  the cluster has only {ray.cluster_resources().get('CPU', 0):.0f} "
                  f"CPUs for {args.limit} workers", flush=True)
        executor.wait_until_warm(WARM_SECONDS)
        result = burst(args.name, executor, experiments, Path(args.store), args.timeout,
                       by_node=ray is not None)
    finally:
        executor.shutdown()
        if ray is not None:
            # Detached actors: wait until the slots have let theirs go, so
            # that the next burst finds the cluster's CPUs free.
            wait_for(lambda: ray.available_resources().get("CPU", 0)
                     >= ray.cluster_resources().get("CPU", 0), 60)
            ray.shutdown()
    result.memory_before = before
    Path(args.result).write_text(json.dumps(dataclasses.asdict(result)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="N: the pool's workers and the Ray head's CPUs "
                             "(default: this machine's cores)")
    parser.add_argument("--dataset", default="spiral", choices=["spiral", "circle",
                                                                 "xor", "gauss"])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--second-node-cpus", type=int, default=None,
                        help="K: the second Ray node's CPUs (default N; 0: no "
                             "second node)")
    parser.add_argument("--skip-ray", action="store_true", help="the pool only")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of every burst; medians are reported")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds to wait for one burst's runs")
    for hidden in ("--phase", "--name", "--address", "--store", "--result"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        one_burst(args)
        return
    signal.signal(signal.SIGTERM, interrupted)  # stopped like Ctrl-C: clean up first
    second = args.workers if args.second_node_cpus is None else args.second_node_cpus
    two_nodes = f"ray, 2 nodes ({args.workers}+{second} CPUs)"
    names = ["pool"] + ([] if args.skip_ray else ["ray"] + ([two_nodes] if second else []))
    folder = Path(tempfile.mkdtemp(prefix="class-burst-"))
    loads = [load()]
    print(f"load average {loads[0]}; {args.runs} runs, {args.workers} workers, "
          f"{args.epochs} epochs of {args.dataset}, {args.rounds} round(s)", flush=True)
    rounds: list[dict[str, Burst]] = []
    cluster: RayCluster | None = None

    def run(name: str, phase: str, limit: int, env: dict[str, str] | None = None,
            address: str = "") -> None:
        index = len(rounds)
        slug = f"{index}-" + "".join(c if c.isalnum() else "-" for c in name)
        result = folder / f"{slug}.json"
        subprocess.run(
            [sys.executable, __file__, "--phase", phase, "--name", name,
             "--limit", str(limit), "--address", address, "--runs", str(args.runs),
             "--dataset", args.dataset, "--epochs", str(args.epochs),
             "--timeout", str(args.timeout), "--store", str(folder / f"{slug}.sqlite"),
             "--result", str(result)], env={**os.environ, **(env or {})})
        if not result.exists():
            print(f"  round {index}, {name}: the burst's process ended without a "
                  "result", flush=True)
            return
        found = Burst(**json.loads(result.read_text()))
        found.round = index
        rounds[-1][name] = found
        print(f"  round {index}, {name}: {found.span:.1f} s (load "
              f"{found.load_start:.1f}→{found.load_end:.1f})", flush=True)

    try:
        for index in range(args.rounds):
            rounds.append({})
            # Every other round the pool goes last, so that a load that
            # rises or falls over a round does not favour one executor.
            pool_last = index % 2 == 1 and not args.skip_ray
            if not pool_last:
                run("pool", "pool", args.workers)
            if not args.skip_ray:
                cluster = RayCluster(args.workers)
                run("ray", "ray", args.workers, cluster.env, cluster.address)
                if second:
                    cluster.add_node(second)
                    run(two_nodes, "ray", args.workers + second, cluster.env,
                        cluster.address)
                cluster.stop()  # its idle daemons are not the pool's load
                cluster = None
            if pool_last:
                run("pool", "pool", args.workers)
    except KeyboardInterrupt:
        print("interrupted; stopping what this script started", flush=True)
    except Exception as error:  # noqa: BLE001 - report what was measured
        print(f"stopped early: {error!r}", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    loads.append(load())
    if any(rounds):
        report([r for r in rounds if r], names, args, loads)


if __name__ == "__main__":
    main()
