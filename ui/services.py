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

import streamlit as st

from playground import jobs

OWNER = "job_owner"


def start() -> None:
    """Keeps TensorFlow out of this process and warms the worker pool."""
    jobs.keep_tensorflow_out()
    jobs.default_executor()
    keep_claim()


def owner() -> str:
    """This browser session's token on the jobs it starts."""
    return st.session_state.setdefault(OWNER, secrets.token_hex(16))


def keep_claim() -> None:
    """Renews this session's claim on its jobs (after a reconnect)."""
    _claim(owner())


def submit(experiment):
    """Queues an experiment for training on behalf of this session, and
    keeps its run in the run store."""
    from ui import runs

    handle = jobs.start_job(experiment, owner())
    runs.record(handle)
    return handle


def _release(token: str) -> None:
    grace = float(st.get_option("server.disconnectedSessionTTL") or 0)
    jobs.default_executor().release_owner(token, grace)


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _claim(token: str) -> str:
    """Created on a session's first run (and again after it reconnects)."""
    jobs.default_executor().reclaim_owner(token)
    return token


def busy_line() -> str | None:
    """One line on how busy this server's training is, when it is busy."""
    stats = jobs.default_executor().stats()
    if not stats["running"] and not stats["queued"]:
        return None
    return (f"Training on this server: {stats['running']} running, "
            f"{stats['queued']} waiting (at most {stats['limit']} at once).")
