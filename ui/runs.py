"""The app's side of the run store: saving runs, `run=` links, whose runs.

Every job the app starts is followed by a `RunRecorder`, so its run lands
in the store however it ends. A `run=<id>` link opens a stored run (or the
live job, when it is still training on this server) in any browser. A
store that cannot be used is said once per browser session, plainly; the
app keeps working without saving, and the run on screen stays.

Each browser has a long-lived id in a cookie, so that the Runs page lists
that browser's own runs, plus the command line's when the host allows it.
"""

from __future__ import annotations

import os
import secrets

import streamlit as st

from playground import jobs
from playground.i18n import mark, tr
from playground.runs.errors import RunNotFound, StoreUnavailable
from playground.runs.record import check_run_id
from ui import cookies, state

BROWSER_COOKIE = "keras_playground_browser"
BROWSER = "browser_id"
STORE_PROBLEM_SHOWN = "store_problem_shown"


def _open_store():
    """The server's run store (`PLAYGROUND_STORE`, else the default file),
    or the reason it cannot be used; opened once per location."""
    return _open_store_at(os.environ.get("PLAYGROUND_STORE", ""))


@st.cache_resource(show_spinner=False)
def _open_store_at(location: str):
    from playground.runs.store import open_store  # SQLAlchemy: not on the first page

    try:
        return open_store(location or None), None
    except StoreUnavailable as error:  # kept, not str(): read in each session's language
        return None, error


def store():
    """The run store, or None (after saying why, once) when it cannot be used."""
    opened, problem = _open_store()
    if problem is not None:
        say_store_problem(problem)
    return opened


def say_store_problem(problem) -> None:
    """Tells this browser session, once, that runs are not being saved;
    `problem` is the error (or its text), read in this session's language."""
    if st.session_state.get(STORE_PROBLEM_SHOWN):
        return
    st.session_state[STORE_PROBLEM_SHOWN] = True
    state.notify(tr("Runs are not being saved: {problem} The app keeps working; the "
                    "run on screen stays until you reload the page.", problem=problem),
                 "warning")


def browser_id() -> str:
    """This browser's id, kept in a cookie for a year; new browsers get one."""
    if BROWSER not in st.session_state:
        kept = cookies.read(BROWSER_COOKIE)
        if kept is not None:
            st.session_state[BROWSER] = kept
        else:
            st.session_state[BROWSER] = secrets.token_urlsafe(18)
            cookies.write(BROWSER_COOKIE, st.session_state[BROWSER], max_age=31536000)
    return st.session_state[BROWSER]


def open_run(run_id: str):
    """The handle of a run by id: the live job while it still trains on this
    server (to watch it), else the stored run, so that every run opens the
    same way after a reload, a restart or on another server; one that
    trains elsewhere (another replica's, or a job that outlived this
    server's restart) is followed live through the store.

    Raises:
        RunNotFound, StoreUnavailable: with a message for the user.
    """
    from playground.runs.follow import handle_for

    executor = jobs.default_executor(create=False)  # no pool: nothing runs live
    live = executor.find(run_id) if executor is not None else None
    if live is not None and not live.done:
        return live
    try:
        opened, problem = _open_store()
        if opened is None:
            raise StoreUnavailable(problem)
        return handle_for(opened, opened.load(run_id))
    except (RunNotFound, StoreUnavailable):
        if live is not None:
            return live
        raise


SHARED_RUNS = ("cli", "read-only", "none")


def shared_runs() -> str:
    """What browsers may do with the command line's runs, the host's
    `PLAYGROUND_SHARED_RUNS`: `cli` (the default: list and change them, as
    on a laptop), `read-only` (list and open them) or `none` (a hosted class:
    not even list them). An unknown value counts as `read-only`."""
    value = os.environ.get("PLAYGROUND_SHARED_RUNS", "cli").strip().lower()
    return value if value in SHARED_RUNS else "read-only"


def visible_runs(store):
    """The runs this browser may list: its own, and the command line's unless
    the host sets `PLAYGROUND_SHARED_RUNS=none` (a hosted class)."""
    mine = store.list(owner=browser_id())
    if shared_runs() == "none":
        return mine
    return sorted(mine + store.list(owner=None), key=lambda s: -s.created_at)


def may_change(creator: str | None) -> bool:
    """Whether this browser may stop, rename, note or delete a run (or stop a
    search) whose creator is `creator`: its own, or the command line's where
    the host allows it. Anyone with a link may watch and open a run."""
    if creator is None:
        return shared_runs() == "cli"
    return creator == browser_id()


NOT_YOURS = mark("This run was started by another browser: you can watch it, inspect "
                 "and compare it, and train your own copy, but only its owner can "
                 "stop, rename or delete it.")
CLI_RUN = mark("This run was made by the command line; this server keeps such runs "
               "read-only.")


def not_yours_line(creator: str | None) -> str:
    """Why this browser may not change a run, for the page to say."""
    return tr(CLI_RUN if creator is None else NOT_YOURS)


RUN_PARAMETER = "run"


def restore_run(values: list[str]) -> bool:
    """Opens the run of a `run=<id>` link into this session.

    Returns True when the run was opened (its experiment becomes the
    session's); otherwise says why and returns False, and the caller falls
    back to the experiment in the same link.
    """
    fallback = tr("The experiment in the link is shown instead; press Train to run it.")
    if len(values) != 1:
        state.notify(tr("The link has {count} run parameters; expected one. {fallback}",
                        count=len(values), fallback=fallback), "error")
        return False
    try:
        check_run_id(values[0])
    except RunNotFound as error:
        state.notify(tr("The link's run parameter is not a run id: {error} {fallback}",
                        error=error, fallback=fallback), "error")
        return False
    try:
        handle = open_run(values[0])
    except RunNotFound:
        state.notify(tr("Run {run} is not in this server's store: it was deleted, or it "
                        "was saved by another server. {fallback}", run=values[0],
                        fallback=fallback), "warning")
        return False
    except StoreUnavailable as error:
        state.notify(tr("Run {run} could not be opened: {error} {fallback}",
                        run=values[0], error=error, fallback=fallback), "warning")
        return False
    state.replace_experiment(settings_of(handle.experiment))
    state.set_job(handle)
    return True


def settings_of(experiment):
    """A run's experiment as the editors take it: a cross-validation fold's
    run trained on one fold, and a continued run started from its parent's
    weights, which are the job's, not settings (a live fold run opened from
    its link must not make Train train on that fold, nor Train again start
    from those weights)."""
    if experiment.fold is None and experiment.start is None:
        return experiment
    return experiment.replace(fold=None, start=None)


def link_parameters() -> dict[str, str]:
    """`run=<id>` for the address bar while the session shows a run of the
    current experiment (a changed setting drops it: the link would lie)."""
    handle = state.job()
    if handle is None or settings_of(handle.experiment) != state.experiment():
        return {}
    return {RUN_PARAMETER: handle.id}


__all__ = ["RUN_PARAMETER", "browser_id", "link_parameters", "may_change",
           "not_yours_line", "open_run", "restore_run", "say_store_problem", "shared_runs",
           "store", "visible_runs"]
