"""The browser session's language: from the link, the picker or the browser.

On a session's first run the `lang` query parameter decides (`zh`, `zh-CN`,
`en`), else the browser's language (`st.context.locale`), else English. The
choice lives in the session, so two browsers on one server each read their
own; `playground.i18n` asks `session_language` whenever it translates in a
page's thread. Links written by the app keep the choice (`link_parameters`).
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from playground import i18n
from playground.i18n import tr

LANGUAGE = "language"
EXPLICIT = "language_explicit"
PARAMETER = "lang"


def session_language() -> str | None:
    """The session's language, or None outside a page's thread."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get(LANGUAGE)


def browser_language() -> str:
    """The language the browser asks for, when it is one of ours; else English."""
    return i18n.normalise(st.context.locale) or i18n.DEFAULT_LANGUAGE


def choose(from_link: list[str] | None) -> None:
    """Sets the session's language on its first run, from the link's `lang`
    (an unknown value falls back to the browser's language, with a notice)."""
    from ui import state

    wanted = from_link[-1] if from_link else None
    chosen = i18n.normalise(wanted)
    st.session_state[LANGUAGE] = chosen or browser_language()
    st.session_state[EXPLICIT] = chosen is not None
    if wanted and chosen is None:
        state.notify(tr("The link asks for the language '{wanted}', which the app does "
                        "not have; it is shown in {language}. Languages: {choices}.",
                        wanted=wanted[:20],
                        language=i18n.LANGUAGES[st.session_state[LANGUAGE]],
                        choices=", ".join(f"lang={code} ({name})"
                                          for code, name in i18n.LANGUAGES.items())))


def picker() -> None:
    """The language box at the top of the sidebar."""
    codes = list(i18n.LANGUAGES)
    current = i18n.language()  # the tests' pseudo-language is not offered
    st.selectbox("Language · 语言", codes, key="language_choice",
                 index=codes.index(current) if current in codes else 0,
                 format_func=i18n.LANGUAGES.get, on_change=_picked)


def _picked() -> None:
    st.session_state[LANGUAGE] = st.session_state["language_choice"]
    st.session_state[EXPLICIT] = True


def link_parameters() -> dict[str, str]:
    """`{"lang": code}` for the address bar and shared links once a language
    was chosen (by a link or the picker) or is not English; else nothing, so
    whoever opens the link gets their browser's language."""
    code = st.session_state.get(LANGUAGE, i18n.DEFAULT_LANGUAGE)
    keep = st.session_state.get(EXPLICIT) or code != i18n.DEFAULT_LANGUAGE
    return {PARAMETER: code} if keep else {}


i18n.set_resolver(session_language)
