"""Says so when a link was too long for the server to read.

Streamlit empties a query string of more than 1,000 parameters or 512 KiB
before the app sees it (`streamlit.runtime.state.query_params`), so such a
link would open the default experiment without a word. The browser still
knows the address it loaded: on a session's first run with an empty query,
this invisible component reads it (the navigation entry, which the app's
own address-bar updates do not change) and reports a query over either
limit; the page then says the link was too long and what was shown.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_FIELDS as MAX_FIELDS,
)
from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_LENGTH as MAX_CHARACTERS,
)

from playground.i18n import tr
from ui import state

KEY = "link_length_check"
CHECKED = "link_length_checked"

_JS = """
export default function(component) {
  const { data, setTriggerValue } = component;
  const entry = performance.getEntriesByType("navigation")[0];
  const query = new URL(entry ? entry.name : location.href).search.replace(/^\\?/, "");
  const fields = query ? query.split("&").length : 0;
  if (fields > data.max_fields || query.length > data.max_characters) {
    setTriggerValue("dropped", {fields: fields, characters: query.length});
  }
}
"""

_component = st.components.v2.component(
    "keras_playground_link_length", html="<span></span>", js=_JS,
    isolate_styles=False)


def too_long_message(fields: int, characters: int) -> str:
    """What a user reads when the server dropped their link."""
    return tr("This link was too long for the server to read: it has {fields} "
              "parameters and {characters} characters, and at most {max_fields} "
              "parameters and {max_characters} characters are read. The default "
              "experiment is shown instead. Share the experiment as a JSON file "
              "(sidebar: Share this experiment) or as a run link.",
              fields=format(fields, ","), characters=format(characters, ","),
              max_fields=format(MAX_FIELDS, ","),
              max_characters=format(MAX_CHARACTERS, ","))


def _report() -> None:
    dropped = st.session_state[KEY].dropped
    if dropped:
        state.notify(too_long_message(int(dropped["fields"]),
                                      int(dropped["characters"])), "error")


def check_once(query_was_empty: bool) -> None:
    """Mounts the check on a session's first run when its query was empty
    (a dropped query looks empty); later runs leave it out."""
    if st.session_state.get(CHECKED):
        return
    st.session_state[CHECKED] = True
    if query_was_empty:
        with st.sidebar:
            _component(key=KEY, on_dropped_change=_report,
                       data={"max_fields": MAX_FIELDS,
                             "max_characters": MAX_CHARACTERS})
