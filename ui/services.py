"""The server's training service, and each browser session's claim on it.

The web server never trains and never imports TensorFlow: `start` hands
Keras work to the worker pool of `playground.jobs` and starts the pool,
whose workers import TensorFlow in the background while the first page
draws. Each browser session gets an owner token for its jobs. Its claim is
a session-scoped `st.cache_resource`: Streamlit releases it when the
browser disconnects, and the session's queued and running jobs are then
cancelled once the disconnected-session timeout has passed without the
browser coming back.
"""

from __future__ import annotations

import secrets
import threading

import streamlit as st

from playground import jobs

OWNER = "job_owner"


WARM_AFTER_SECONDS = 1.0
_warming = threading.Lock()


def start() -> None:
    """Keeps TensorFlow out of this process and warms the worker pool.

    The pool starts a second after the server's first page, in the
    background: its workers import TensorFlow on the same cores that draw
    that page. A Train press before then starts it at once.
    """
    jobs.keep_tensorflow_out()
    if _warming.acquire(blocking=False):  # once per server process
        timer = threading.Timer(WARM_AFTER_SECONDS, jobs.default_executor)
        timer.daemon = True
        timer.start()
    keep_claim()


def owner() -> str:
    """This browser session's token on the jobs it starts."""
    return st.session_state.setdefault(OWNER, secrets.token_hex(16))


def keep_claim() -> None:
    """Renews this session's claim on its jobs (after a reconnect)."""
    _claim(owner())


def submit(experiment, name: str = ""):
    """Queues an experiment for training on behalf of this session, and
    keeps its run in the run store (under `name`, else a name made from
    the experiment)."""
    from ui import runs

    handle = jobs.start_job(experiment, owner())
    runs.record(handle, name)
    return handle


def session_submitter():
    """`submit` for a thread of this session that has no Streamlit context
    (a search's scheduler): the session's owner token, browser id and run
    store are read now, in the page's thread."""
    from playground.runs.recording import RunRecorder
    from ui import runs

    token, browser, store = owner(), runs.browser_id(), runs.store()

    def submit(experiment, name: str = ""):
        handle = jobs.start_job(experiment, token)
        if store is not None:
            RunRecorder(store, handle, owner=browser, name=name,
                        arrays=runs.kept_arrays(experiment))
        return handle

    return submit


def _release(token: str) -> None:
    executor = jobs.default_executor(create=False)
    if executor is not None:  # no pool yet: the session started no job
        grace = float(st.get_option("server.disconnectedSessionTTL") or 0)
        executor.release_owner(token, grace)


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _claim(token: str) -> str:
    """Created on a session's first run (and again after it reconnects)."""
    executor = jobs.default_executor(create=False)
    if executor is not None:
        executor.reclaim_owner(token)
    return token


def busy_line() -> str | None:
    """One line on how busy this server's training is, when it is busy."""
    executor = jobs.default_executor(create=False)
    if executor is None:
        return None
    stats = executor.stats()
    if not stats["running"] and not stats["queued"]:
        return None
    return (f"Training on this server: {stats['running']} running, "
            f"{stats['queued']} waiting (at most {stats['limit']} at once).")
