"""`scripts/cluster.sh` refuses, in sentences, what it cannot start.

These run no part of the cluster: a missing component, a bad setting and a
state folder without a cluster are each answered with a message that says
what is wrong and how to fix it, never a traceback. The cluster itself is
tested in tests/browser/test_cluster.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cluster(command: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "cluster.sh"), command], cwd=ROOT,
        env={**os.environ, "CLUSTER_DIR": str(tmp_path / "state"), "PYTHON": sys.executable,
             **env},
        capture_output=True, text=True, timeout=60)


def test_a_missing_proxy_is_named_with_how_to_install_it(tmp_path):
    done = cluster("start", tmp_path, CLUSTER_HAPROXY=str(tmp_path / "no-haproxy"))
    assert done.returncode == 1
    assert "cannot start the cluster; missing:" in done.stderr
    assert "HAProxy" in done.stderr and "apt-get install haproxy" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not list((tmp_path / "state").glob("*.pid"))  # nothing was started


def test_missing_postgres_and_python_are_listed_together(tmp_path):
    done = cluster("start", tmp_path, CLUSTER_PG_BIN=str(tmp_path),
                   PYTHON=str(tmp_path / "python"))
    assert done.returncode == 1
    assert "apt-get install postgresql" in done.stderr
    assert f"{tmp_path / 'python'} does not exist" in done.stderr
    assert "scripts/setup.sh ray,postgres" in done.stderr


def test_a_bad_port_says_which_value(tmp_path):
    done = cluster("start", tmp_path, CLUSTER_PROXY_PORT="http")
    assert done.returncode == 1
    assert "CLUSTER_PROXY_PORT must be a whole number from 1 to 65535; received 'http'" \
        in done.stderr


def test_status_and_stop_without_a_cluster(tmp_path):
    status = cluster("status", tmp_path)
    assert status.returncode == 3 and "No cluster was started" in status.stdout
    stop = cluster("stop", tmp_path)
    assert stop.returncode == 0 and "Nothing to stop" in stop.stdout
    usage = cluster("restart", tmp_path)
    assert usage.returncode == 2 and "start|stop|status" in usage.stderr
