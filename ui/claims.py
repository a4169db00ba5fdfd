"""Each browser session's claim on the jobs it starts and the files it uploads.

A session gets an owner token for its jobs and uploads. Its claim is a
session-scoped `st.cache_resource`: Streamlit releases it when the browser
disconnects: its queued jobs then start no sooner than it comes back, and
once the host's tab grace (`PLAYGROUND_TAB_GRACE_SECONDS`, 30 s) has passed
without it they are cancelled; its uploaded tables are freed after
Streamlit's disconnected-session timeout. Every page run renews the claim,
so a reconnect (a flaky network, a busy server) keeps both.
"""

from __future__ import annotations

import secrets
import threading

import streamlit as st

from playground import jobs
from playground.jobs.executor import default_tab_grace_seconds

OWNER = "job_owner"

# Upload releases waiting for their grace time, by owner token.
_pending_uploads: dict[str, threading.Timer] = {}
_pending_lock = threading.Lock()


def owner() -> str:
    """This browser session's token on the jobs it starts."""
    return st.session_state.setdefault(OWNER, secrets.token_hex(16))


def keep_claim() -> None:
    """Renews this session's claim on its jobs (after a reconnect)."""
    _claim(owner())


def _release(token: str) -> None:
    """The browser disconnected: its jobs stop after the host's short tab
    grace (nobody trains for an empty room), its uploads are kept as long
    as Streamlit keeps the session for a reconnect."""
    executor = jobs.default_executor(create=False)
    if executor is not None:  # no pool yet: the session started no job
        executor.release_owner(token, default_tab_grace_seconds())
    _release_uploads(token, float(st.get_option("server.disconnectedSessionTTL") or 0))


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _claim(token: str) -> str:
    """Created on a session's first run (and again after it reconnects)."""
    executor = jobs.default_executor(create=False)
    if executor is not None:
        executor.reclaim_owner(token)
    _reclaim_uploads(token)
    return token


def _release_uploads(token: str, grace: float) -> None:
    """Frees the session's uploads after `grace` seconds, unless it comes back."""
    from playground.datasets.source import forget_uploads

    def forget() -> None:
        with _pending_lock:
            if _pending_uploads.get(token) is not timer:
                return  # reclaimed meanwhile
            del _pending_uploads[token]
        forget_uploads(token)

    _reclaim_uploads(token)
    timer = threading.Timer(max(grace, 0.0), forget)
    timer.daemon = True
    with _pending_lock:
        _pending_uploads[token] = timer
    timer.start()


def _reclaim_uploads(token: str) -> None:
    with _pending_lock:
        timer = _pending_uploads.pop(token, None)
    if timer is not None:
        timer.cancel()
