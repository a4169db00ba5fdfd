"""Small values this browser keeps between page loads, in cookies.

Streamlit reads a request's cookies (`st.context.cookies`) but has no way
to set one, so a cookie is written by a line of script in the page. Only
URL-safe tokens are kept and read back (anything else is ignored as if
absent), so no value needs quoting and none can break out of the script.
"""

from __future__ import annotations

import re

import streamlit as st

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def read(name: str) -> str | None:
    """The cookie `name` sent with this page's request, if it is a token."""
    value = st.context.cookies.get(name, "")
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def write(name: str, value: str, max_age: int | None = None) -> None:
    """Asks the browser to keep `value` under `name` for the whole site:
    for `max_age` seconds, or until the browser closes when None."""
    if not (_TOKEN.fullmatch(value) and re.fullmatch(r"[A-Za-z0-9_-]+", name)):
        raise ValueError(f"A cookie keeps URL-safe tokens only; received {name}={value!r}.")
    lifetime = f" max-age={max_age};" if max_age is not None else ""
    st.html(f"<script>document.cookie = '{name}={value}; path=/;{lifetime} "
            "SameSite=Lax';</script>", unsafe_allow_javascript=True)
