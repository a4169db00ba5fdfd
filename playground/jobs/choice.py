"""Which executor trains this server's jobs: the host's choice.

`PLAYGROUND_EXECUTOR` names it: `process` (the default), a pool of worker
processes on this machine, or `ray`, actors on a Ray cluster, for more
students than one machine can train for. With `ray`, `RAY_ADDRESS` says
which cluster: the address of one already running (`ray://host:10001`,
`host:6379`, or `auto` for the one started on this machine with
`ray start`), or `local` to start one inside the web server's process.
Ray is an optional dependency: `pip install -e .[ray]`.
"""

from __future__ import annotations

import os
import re
import threading

from playground.i18n import tr_lazy
from playground.jobs.executor import Executor, HostSettingError

EXECUTORS = ("process", "ray")
_ADDRESS = re.compile(r"(ray://)?[A-Za-z0-9_.\-\[\]:]+:\d+")


def executor_kind() -> str:
    """`PLAYGROUND_EXECUTOR`, checked: `process` (default) or `ray`."""
    text = os.environ.get("PLAYGROUND_EXECUTOR", "").strip()
    if not text:
        return "process"
    if text.lower() not in EXECUTORS:
        raise HostSettingError(tr_lazy(
            "PLAYGROUND_EXECUTOR must be 'process' or 'ray'; received {value}. Unset "
            "it to train in worker processes on this machine, or set it to 'ray' "
            "(with RAY_ADDRESS) to train on a Ray cluster.", value=repr(text)))
    return text.lower()


def ray_address() -> str:
    """`RAY_ADDRESS`, checked: `local`, `auto` or a cluster's `host:port`."""
    text = os.environ.get("RAY_ADDRESS", "").strip()
    if text in ("local", "auto") or _ADDRESS.fullmatch(text):
        return text
    raise HostSettingError(tr_lazy(
        "RAY_ADDRESS must be 'local', 'auto' or a Ray cluster's address such as "
        "'ray://head:10001' or 'head:6379'; received {value}. Set it to 'local' to "
        "start Ray inside this server, or to the address that `ray start --head` "
        "printed.", value=repr(text)))


def create_executor() -> Executor:
    """The executor the host chose, with its task worker warming up."""
    if executor_kind() == "ray":
        address = ray_address()  # settings checked before Ray is imported
        try:
            from playground.jobs.ray_executor import RayExecutor
        except ImportError as error:
            raise HostSettingError(tr_lazy(
                "PLAYGROUND_EXECUTOR is 'ray' but Ray cannot be imported ({error}). "
                "Install it with `pip install -e .[ray]`, or unset PLAYGROUND_EXECUTOR "
                "to train on this machine.", error=str(error))) from error
        return RayExecutor(address, warm_tasks=True)
    from playground.jobs.process_pool import ProcessExecutor

    return ProcessExecutor(warm_tasks=True)


_default: Executor | None = None
_default_lock = threading.Lock()


def default_executor(create: bool = True) -> Executor | None:
    """The process-wide executor, started on first use and shut down at exit;
    with `create=False`, None while nobody has started it.

    Raises:
        ValueError: `PLAYGROUND_EXECUTOR` or `RAY_ADDRESS` is not valid.
    """
    global _default
    with _default_lock:
        if _default is None and create:
            _default = create_executor()
            # Before concurrent.futures joins its workers at exit (which would
            # wait for running jobs to finish), ask those jobs to stop.
            register = getattr(threading, "_register_atexit", None)
            if register is None:
                import atexit

                register = atexit.register
            register(_default.shutdown)
        return _default
