"""The replicated deployment of `scripts/cluster.sh`, in Chromium.

One `scripts/cluster.sh start` on free loopback ports, in a state folder of
the test's own: PostgreSQL, a Ray head, two app replicas and HAProxy in
front. Through the proxy the app draws in Chromium (which needs its
WebSocket, `/_stcore/stream`, to pass the proxy), and one browser stays on
one replica (the proxy's `SERVERID` cookie) while new browsers are spread
over both; each replica also serves the app directly, on the shared store.
A run started on replica a is followed live on replica b by its `run=`
link, and trains to its last epoch after replica a is killed.
`scripts/cluster.sh stop` then leaves no process of the cluster running.

Skipped, with the reason, where Chromium, PostgreSQL, HAProxy, Ray or
psycopg is missing (`scripts/test.sh` installs the Debian packages).
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from app_server import ROOT, button, free_port
from test_browser import (
    CHART_POINTS_JS,
    LOAD_MS,
    TRAIN_MS,
    assert_no_exception,
    chart_points,
    open_app,
    wait_for_chart_points_above,
    wait_for_url_containing,
)

pytestmark = pytest.mark.browser
SCRIPT = ROOT / "scripts" / "cluster.sh"
START_TIMEOUT_S = 180
STOP_TIMEOUT_S = 120
REPLICA_HEADER = "x-playground-replica"


def missing_components() -> list[str]:
    """What this machine lacks to run the cluster, each with its fix."""
    missing = []
    if not os.path.exists("/usr/bin/chromium"):
        missing.append("Debian's chromium (apt-get install chromium)")
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        missing.append("the PostgreSQL server (apt-get install postgresql)")
    if not (shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy")):
        missing.append("HAProxy (apt-get install haproxy)")
    for module, extra in (("ray", "ray"), ("psycopg", "postgres")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{module} (pip install -e .[{extra}])")
    return missing


def ray_safe_port() -> int:
    """A free port outside the range Ray keeps for its workers (10002-19999),
    which `ray start` refuses for its other ports."""
    port = free_port()
    while 10002 <= port <= 19999:
        port = free_port()
    return port


def cluster_command(command: str, env: dict[str, str], timeout: float):
    return subprocess.run(["bash", str(SCRIPT), command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def processes_mentioning(text: str) -> list[str]:
    """Live processes whose command line or environment holds `text`."""
    found = []
    for folder in glob.glob("/proc/[0-9]*"):
        try:
            with open(f"{folder}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
            with open(f"{folder}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"{folder}/environ", "rb") as environ:
                environment = environ.read().decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if text in command or text in environment:
            found.append(f"{folder[6:]}: {command[:150]}")
    return found


@pytest.fixture(scope="module")
def cluster():
    """The started cluster: its state folder, ports and environment. Stopped
    at the end of the module if a test did not stop it."""
    missing = missing_components()
    if missing:
        pytest.skip("the cluster needs " + ", ".join(missing))
    # A short folder in /tmp: Ray's sockets live under it (a Unix socket's
    # path has at most 107 bytes), and as root PostgreSQL runs as the
    # `postgres` user, who must reach it.
    state = Path(tempfile.mkdtemp(prefix="kp-cluster-"))
    state.chmod(0o755)
    ports = {"proxy": free_port(), "a": free_port(), "b": free_port()}
    env = {
        **os.environ, "CLUSTER_DIR": str(state), "PYTHON": sys.executable,
        "CLUSTER_PROXY_PORT": str(ports["proxy"]),
        "CLUSTER_REPLICA_PORTS": f"{ports['a']} {ports['b']}",
        "CLUSTER_PG_PORT": str(free_port()), "CLUSTER_RAY_PORT": str(ray_safe_port()),
        "CLUSTER_RAY_CLIENT_PORT": str(ray_safe_port()),
        "CLUSTER_RAY_DASHBOARD_PORT": str(ray_safe_port()),
        "CLUSTER_RAY_AGENT_PORT": str(ray_safe_port()),
        "CLUSTER_RAY_CPUS": "2", "CLUSTER_WORKERS": "1",
        "PATH": os.environ.get("PATH", "") + ":/usr/sbin:/sbin",
    }
    started = cluster_command("start", env, START_TIMEOUT_S)
    try:
        if started.returncode:
            pytest.fail(f"cluster.sh start failed:\n{started.stdout}\n{started.stderr}")
        yield {"state": state, "ports": ports, "env": env, "output": started.stdout,
               "url": {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}}
    finally:
        cluster_command("stop", env, STOP_TIMEOUT_S)
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def server(cluster):
    """The proxy's address, for the browser fixtures of conftest.py."""
    return cluster["url"]["proxy"]


def served_by(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """The replica that answered a plain GET of `url`, and the cookie set."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers[REPLICA_HEADER], response.headers["Set-Cookie"]


def test_start_prints_every_address(cluster):
    output = cluster["output"]
    for name, url in cluster["url"].items():
        assert url in output, name
    assert f"postgresql+psycopg://postgres@127.0.0.1:{cluster['env']['CLUSTER_PG_PORT']}" \
        f"/playground" in output
    assert f"127.0.0.1:{cluster['env']['CLUSTER_RAY_PORT']}" in output


def test_the_app_draws_through_the_proxy_and_stays_on_one_replica(cluster, new_page):
    from playwright.sync_api import expect

    page = new_page()
    replicas, sockets = [], []
    page.on("response", lambda r: replicas.append(r.headers.get(REPLICA_HEADER)))
    page.on("websocket", lambda socket: sockets.append(socket.url))
    open_app(page, cluster["url"]["proxy"] + "/")  # draws only over the WebSocket
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    assert_no_exception(page)
    page.reload()  # a new session, over a new WebSocket, on the same replica
    page.wait_for_selector("[data-test-script-state=notRunning]")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()

    proxy = cluster["ports"]["proxy"]
    assert f"ws://127.0.0.1:{proxy}/_stcore/stream" in sockets
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}["SERVERID"]
    answered = {name for name in replicas if name}
    assert answered == {cookie}, f"one browser reached {answered}, cookie {cookie}"


def test_new_browsers_are_spread_and_a_cookie_holds_one_to_its_replica(cluster):
    proxy = cluster["url"]["proxy"]
    first, first_cookie = served_by(proxy + "/")
    second, second_cookie = served_by(proxy + "/")
    assert {first, second} == {"a", "b"}  # round robin for newcomers
    assert first_cookie.startswith(f"SERVERID={first};")
    assert second_cookie.startswith(f"SERVERID={second};")
    for _ in range(3):
        assert served_by(proxy + "/", cookie="SERVERID=b") == ("b", None)


def test_each_replica_serves_the_app_on_the_shared_store(cluster, new_page):
    from playwright.sync_api import expect

    for name in ("a", "b"):
        page = new_page()
        open_app(page, cluster["url"][name] + "/runs")
        expect(page.get_by_role("heading", name="Runs", exact=True)).to_be_visible()
        assert_no_exception(page)

    import psycopg

    # The replicas made the run store's tables in the one database.
    port = cluster["env"]["CLUSTER_PG_PORT"]
    with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=playground",
                         connect_timeout=10) as connection:
        tables = {row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"runs", "store_schema"} <= tables


def test_status_says_every_part_runs(cluster):
    status = cluster_command("status", cluster["env"], 60)
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.count(": running (pid") == 5, status.stdout


def test_a_run_is_followed_on_the_other_replica_and_outlives_its_own(cluster, new_page):
    """Started in Chromium on replica a, the run opens live on replica b by
    its link; replica a is killed outright mid-run (its Ray actor is not
    its child); the run trains on, and b shows it finished with every epoch."""
    from playwright.sync_api import expect

    epochs = 400
    started = new_page()
    open_app(started, cluster["url"]["a"] + f"/train?dataset=circle&epochs={epochs}&batch=4")
    button(started, "train_button").click()
    wait_for_chart_points_above(started, 2, TRAIN_MS)
    link = wait_for_url_containing(started, "run=")

    follower = new_page()
    open_app(follower, cluster["url"]["b"] + link[link.index("/train"):])
    seen = wait_for_chart_points_above(follower, 0, LOAD_MS)
    wait_for_chart_points_above(follower, seen, LOAD_MS)  # live: it grows on b
    assert chart_points(follower) < epochs, "the run ended before the test could kill a"
    expect(follower.get_by_text("interrupted")).to_have_count(0)

    os.kill(int((cluster["state"] / "replica-a.pid").read_text()), signal.SIGKILL)
    expect(follower.get_by_text(re.compile(rf"Finished {epochs} epoch\(s\)\.")).last
           ).to_be_visible(timeout=4 * TRAIN_MS)
    follower.wait_for_function(f"() => ({CHART_POINTS_JS})() === {epochs}",
                               timeout=LOAD_MS)
    assert_no_exception(follower)


def test_stop_leaves_no_process_behind(cluster):
    state = str(cluster["state"])
    assert processes_mentioning(state)  # the check below can see the cluster
    stopped = cluster_command("stop", cluster["env"], STOP_TIMEOUT_S)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert processes_mentioning(state) == []
    assert not glob.glob(f"{state}/*.pid")
    after = cluster_command("status", cluster["env"], 60)
    assert after.returncode == 3 and after.stdout.count(": stopped") == 5, after.stdout
