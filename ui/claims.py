"""Each browser session's claim on the jobs it starts.

A session gets an owner token for its jobs. Its claim is a session-scoped
`st.cache_resource`: Streamlit releases it when the browser disconnects,
and the session's queued and running jobs are then cancelled once the
disconnected-session timeout has passed without the browser coming back.
A page that polls a running job renews the claim (after a reconnect).
"""

from __future__ import annotations

import secrets

import streamlit as st

from playground import jobs

OWNER = "job_owner"


def owner() -> str:
    """This browser session's token on the jobs it starts."""
    return st.session_state.setdefault(OWNER, secrets.token_hex(16))


def keep_claim() -> None:
    """Renews this session's claim on its jobs (after a reconnect)."""
    _claim(owner())


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
