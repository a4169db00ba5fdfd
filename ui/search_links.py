"""`search=<id>` links: a search saved as it runs, reopened after a reload.

While a search runs, the Search page saves it (settings and trials) in the
run store at every change, and the address bar carries `search=<id>`.
Opening such a link shows the search live when it still runs in this server
process, else as the store last saw it: its table, charts and best trial,
whose curves come from the trial's run.
"""

from __future__ import annotations

import streamlit as st

from playground.i18n import tr
from playground.runs import RunNotFound, StoreUnavailable
from playground.runs.record import check_run_id
from ui import runs, state

SEARCH_PARAMETER = "search"
SEARCH = "search"  # the session's search, live or stored


def current():
    """The search this session shows (a live `Search` or a `StoredSearch`)."""
    return st.session_state.get(SEARCH)


def saver():
    """An `on_change` for a search: saves it in the run store, under this
    browser; what it needs is read now, in the page's thread."""
    from playground.search.record import search_record

    store, browser = runs.store(), runs.browser_id()
    if store is None:
        return None
    return lambda search: store.save_search(search.id, search_record(search), browser)


def restore_search(values: list[str]) -> bool:
    """Opens the search of a `search=<id>` link; says why not when it cannot."""
    from playground.search.engine import LIVE
    from playground.search.record import StoredSearch

    if len(values) != 1:
        state.notify(tr("The link has {count} search parameters; expected one.",
                        count=len(values)), "error")
        return False
    search_id = values[0]
    search = LIVE.get(search_id)
    if search is None:
        try:
            check_run_id(search_id)
            store = runs.store()
            if store is None:
                raise StoreUnavailable("the run store cannot be used.")
            search = StoredSearch(store.load_search(search_id))
        except RunNotFound as error:
            state.notify(tr("Search {search} cannot be opened: {error}",
                            search=repr(search_id[:40]), error=error), "warning")
            return False
        except (ValueError, KeyError, TypeError) as error:  # a record of another version
            state.notify(tr("Search {search} is stored but cannot be read ({error}).",
                            search=repr(search_id[:40]), error=error), "warning")
            return False
        except StoreUnavailable as error:
            state.notify(tr("Search {search} could not be opened: {error}",
                            search=repr(search_id[:40]), error=error), "warning")
            return False
    st.session_state[SEARCH] = search
    state.replace_experiment(search.experiment)
    return True


def link_parameters() -> dict[str, str]:
    """`search=<id>` for the address bar while the session shows a search
    of the current experiment (after "Use the best" or any edit the link
    carries the new experiment instead, as a run's link does)."""
    search = current()
    if search is None or search.experiment != state.experiment():
        return {}
    return {SEARCH_PARAMETER: search.id}
