"""A throwaway Ray cluster on loopback, started with `ray start --head`.

Unlike the session's `ray_pool` (a cluster inside the test process, which
ends with it), this one is its own set of processes, as on a real host: a
web server joins it by address, and what runs there outlives that server.
`start()` raises `Unavailable` with a sentence where it cannot be started;
`stop()` ends only this cluster's processes (not `ray stop`, which ends
every Ray cluster on the machine, the session's own among them).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RAY = Path(sys.executable).with_name("ray")


class Unavailable(Exception):
    """A Ray cluster cannot be started here; the message says why."""


@dataclass
class Cluster:
    address: str
    folder: str

    def environment(self) -> dict[str, str]:
        """What a process needs to train on this cluster: the address, and
        Ray's token authentication with this cluster's own token (whatever
        `~/.ray/auth_token` holds, which a local `ray.init` writes)."""
        return {"PLAYGROUND_EXECUTOR": "ray", "RAY_ADDRESS": self.address,
                **_auth(self.folder)}

    def stop(self) -> None:
        """Ends the processes of this cluster (those that name its folder,
        and the workers they started), then removes its folder."""
        mine = [pid for pid in _pids() if self.folder in _command_line(pid)]
        for pid in mine:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in mine) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in mine:
            _signal(pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except OSError:
        pass


def _auth(folder: str) -> dict[str, str]:
    return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": os.path.join(folder, "token"),
            "RAY_USAGE_STATS_ENABLED": "0"}


def start(cpus: int = 2) -> Cluster:
    """A Ray head on 127.0.0.1 with `cpus` CPUs, in a fresh temporary folder."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise Unavailable("Ray is not installed (pip install -e .[ray])") from None
    if not RAY.exists():
        raise Unavailable(f"{RAY} not found: Ray's command line is missing")
    # Short: Ray's socket paths under it must fit in 107 bytes.
    folder = tempfile.mkdtemp(prefix="kpray", dir="/tmp")
    port = _free_port()
    Path(folder, "token").write_text(secrets.token_hex(32))
    env = {**os.environ, **_auth(folder)}
    done = subprocess.run(
        [str(RAY), "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1",
         f"--temp-dir={folder}", f"--num-cpus={cpus}", "--include-dashboard=false",
         "--disable-usage-stats"], capture_output=True, text=True, timeout=180, env=env)
    cluster = Cluster(f"127.0.0.1:{port}", folder)
    if done.returncode:
        cluster.stop()
        raise Unavailable("`ray start --head` failed: "
                          + (done.stderr or done.stdout).strip()[-300:])
    return cluster
