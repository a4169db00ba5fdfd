"""A throwaway PostgreSQL server for the store tests, from Debian's binaries.

`start()` runs `initdb` into a fresh temporary folder and `pg_ctl start` on
a free loopback port with its socket in that folder; PostgreSQL refuses to
run as root, so as root it runs as the `postgres` system user. Any reason it
cannot start is raised as `Unavailable` with a sentence, for pytest.skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass


class Unavailable(Exception):
    """PostgreSQL cannot be started here; the message says why."""


@dataclass
class Server:
    folder: str
    bin_dir: str
    port: int
    user: str | None

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        _run(self, [os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data, "-m",
                    "immediate", "stop"], check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def data(self) -> str:
        return os.path.join(self.folder, "data")


def _run(server: Server, command: list[str], check: bool = True):
    program = os.path.basename(command[0])
    if server.user:
        command = ["runuser", "-u", server.user, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if check and done.returncode:
        raise Unavailable(f"{program} "
                          f"failed: {(done.stderr or done.stdout).strip()[-300:]}")
    return done


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start() -> Server:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed (pip install 'psycopg[binary]')")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise Unavailable("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin "
                          "(apt-get install postgresql)")
    user = None
    folder = tempfile.mkdtemp(prefix="playground-pg-")
    if os.geteuid() == 0:
        import pwd
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("running as root and there is no `postgres` user to run "
                              "the server as")
        if not shutil.which("runuser"):
            raise Unavailable("running as root and `runuser` is missing")
        user = "postgres"
        os.chmod(folder, 0o700)
        os.chown(folder, account.pw_uid, account.pw_gid)
    server = Server(folder, os.path.dirname(found[-1]), _free_port(), user)
    try:
        _run(server, [os.path.join(server.bin_dir, "initdb"), "-D", server.data, "-A",
                      "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
        _run(server, [os.path.join(server.bin_dir, "pg_ctl"), "-D", server.data, "-w",
                      "-t", "30", "-l", os.path.join(folder, "log"), "-o",
                      f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 "
                      "-c fsync=off", "start"])
    except (Unavailable, OSError, subprocess.TimeoutExpired) as error:
        server.stop()
        raise Unavailable(f"PostgreSQL did not start: {error}") from None
    return server


def create_database(server: Server, name: str) -> str:
    """Creates an empty database and returns its SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres "
                         "dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)
