"""Keras Playground: the frame around the pages.

This script is the router. It restores the experiment from the URL on a
session's first run, draws the sidebar (presets, a summary of the current
experiment, the share link), runs the selected page, and writes the
experiment back into the URL. It is the only place that touches
`st.query_params`, because Streamlit clears them on every page change.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from playground.config import Experiment
from playground.datasets import DATASETS
from playground.datasets.source import dataset_info
from playground.fields import ConfigError, ConfigErrors, problems
from playground.i18n import tr, translated
from playground.keras_work import WorkerCrashed
from playground.model.checks import resolve_loss, resolve_output
from playground.presets import PRESETS, default_experiment
from playground.registry import LOSSES, OPTIMIZERS, task_label
from ui import (
    experiment_file,
    language,
    lesson,
    link_length,
    runs,
    search_links,
    services,
    state,
    tutorial,
    tutorial_panel,
)
from ui.user_text import escape_markdown

ICON = str(Path(__file__).resolve().parent / "ui" / "static" / "icon.png")


def restore_from_url() -> None:
    """On a session's first run, load the experiment its URL describes."""
    if st.session_state.get("url_checked"):
        return
    st.session_state["url_checked"] = True
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    link_length.check_once(query_was_empty=not params)  # or dropped as too long
    language.choose(params.pop(language.PARAMETER, None))
    lesson_id = params.pop(lesson.PARAMETER, None)
    token = params.pop(lesson.TEACH_PARAMETER, None)
    guide = params.pop(tutorial.PARAMETER, None), params.pop(tutorial.STEP_PARAMETER, None)
    if lesson_id is not None and lesson.open_from_link(lesson_id[-1], (token or [None])[-1]):
        open_lesson(params)
        return
    guided = tutorial.open_from_link(*guide)
    found = params.pop(search_links.SEARCH_PARAMETER, None)
    found = found is not None and search_links.restore_search(found)
    run = params.pop(runs.RUN_PARAMETER, None)
    restored = run is not None and runs.restore_run(run) or found
    if restored or not params:
        if guided:  # a tutorial's step: the link's run, or the step's own experiment
            tutorial.start_at_link(state.experiment() if restored else None)
        return
    try:
        state.replace_experiment(Experiment.from_query(params))
    except (ConfigError, ConfigErrors) as error:
        state.replace_experiment(default_experiment())
        state.notify(tr("This link could not be restored, so the default experiment "
                        "is shown instead."), "error", problems(error))
    if guided:
        tutorial.start_at_link(state.experiment())


def open_lesson(params: dict) -> None:
    """The lesson's experiment, or the link's with the lesson's fixed fields
    put back (each field the link tried to change is named once)."""
    from playground.lessons import apply_lesson

    opened = lesson.current()
    requested = opened.experiment
    params.pop(runs.RUN_PARAMETER, None)
    params.pop(search_links.SEARCH_PARAMETER, None)
    if params:  # the link's own settings over the lesson's: only those it names
        try:
            requested = Experiment.from_query({**opened.experiment.to_query(), **params})
        except (ConfigError, ConfigErrors) as error:
            state.notify(tr("The link's settings could not be read, so the lesson's "
                            "are shown."), "warning", problems(error))
    exp, notices = apply_lesson(opened, requested)
    state.replace_experiment(exp)
    for notice in notices:
        state.notify(notice, "info")


def load_preset() -> None:
    name = st.session_state["preset_choice"]
    state.replace_experiment(PRESETS[name].experiment)
    state.notify(tr("Loaded the preset '{name}': {description}", name=name,
                    description=tr(PRESETS[name].description)), "info")


def share_link(page_url: str, exp: Experiment, extra: dict[str, str]) -> str:
    """The current page's address with the experiment (and `extra`, the
    language) as its query."""
    parts = urlsplit(page_url)
    query = "&".join([exp.to_query_string(), *(f"{k}={v}" for k, v in extra.items())])
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query.strip("&"),
                       ""))


def sidebar() -> None:
    exp = state.experiment()
    with st.sidebar:
        language.picker()
        # No preset is picked until the user picks one: a preselected name would
        # read as the experiment's, which a link or the editors may have changed.
        # Names only: a long description in the box would be cut off; the
        # chosen one's shows in full below it.
        if lesson.current() is None:  # a lesson sets where its students start
            choice = st.selectbox(tr("Load a preset"), list(PRESETS), key="preset_choice",
                                  index=None, placeholder=tr("Choose a preset"))
            if choice is not None:
                st.caption(tr(PRESETS[choice].description))
            st.button(tr("Load preset"), on_click=load_preset, use_container_width=True,
                      disabled=choice is None)
        st.divider()
        st.caption(tr("Current experiment"))
        info = DATASETS[exp.dataset]
        if state.data_problem(exp, load=False) is None:
            info = dataset_info(exp)
            output = resolve_output(exp).describe()
            loss = tr(LOSSES[resolve_loss(exp)].label)
        else:
            output, loss = "output", tr("not known until the data is loaded")
        lines = [tr("**Data** {label} · {task} · seed {seed}",
                    label=escape_markdown(info.shown_label), task=task_label(info.task),
                    seed=exp.seed)]
        stack = (" · ".join(node.describe() for node in exp.graph) + f" → {output}"
                 if exp.graph else
                 " → ".join([*(layer.describe() for layer in exp.layers), output]))
        lines.append(tr("**Model** {stack}", stack=stack))
        if exp.augment:
            lines.append(tr("**Augmentation** {transforms} · strength {strength}",
                            transforms=", ".join(exp.augment),
                            strength=format(exp.augment_strength, "g")))
        rate = format(exp.learning_rate, "g")
        lines.append(tr("**Loss** {loss} · **{optimizer}** lr {rate}", loss=loss,
                        optimizer=tr(OPTIMIZERS[exp.optimizer].label), rate=rate))
        lines.append(tr("**Batch** {batch} · **Epochs** {epochs}",
                        batch=exp.batch_size, epochs=exp.epochs))
        st.markdown("  \n".join(lines))
        busy = services.busy_line()
        if busy:
            st.caption(busy)
        # A popover, not an expander: its content is drawn when it opens, and
        # the link's code block loads a 1.5 MB highlighter that took the
        # browser most of a second on every first page (bench/startup.py).
        with st.popover(tr("Share this experiment"), use_container_width=True):
            st.caption(tr("The address bar always holds the whole experiment. "
                          "Copy this link to share it:"))
            if exp.dataset == "csv":
                st.warning(tr("The link carries the settings, not your CSV file: "
                              "whoever opens it must upload the file again."))
            st.code(share_link(st.context.url or "", exp,
                               {**lesson.link_parameters(), **tutorial.link_parameters(),
                                **language.link_parameters()}),
                    language=None, wrap_lines=True)
            st.download_button(tr("Download experiment JSON"), exp.to_json,
                               file_name="experiment.json", mime="application/json",
                               use_container_width=True)
            experiment_file.upload_input()


def sync_url() -> None:
    """Writes the current experiment into the browser's address bar."""
    wanted = {**state.experiment().to_query(), **runs.link_parameters(),
              **search_links.link_parameters(), **lesson.link_parameters(),
              **tutorial.link_parameters(), **language.link_parameters()}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def data_page_alias() -> None:
    """Sends `/data?...` to the Data page, which Streamlit serves at `/`.

    Streamlit gives the default page the root URL only, so a hand-typed
    `/data` link would show "Page not found". The experiment in its query
    was restored above, and `sync_url` writes it back after the switch."""
    st.switch_page(pages[0])


def main() -> None:
    """One run of the app: the page, then the sidebar, messages and URL."""
    global pages
    # The icon ships with the app: a Material icon name makes every page load
    # fetch the icon from Google's font servers (failing offline in a classroom).
    st.set_page_config(page_title="Keras Playground", page_icon=ICON, layout="wide")
    services.start()
    restore_from_url()
    pages = [
        st.Page("views/data.py", title=tr("Data"), icon=":material/scatter_plot:",
                url_path="", default=True),
        st.Page("views/model.py", title=tr("Model"), icon=":material/stacks:",
                url_path="model"),
        st.Page("views/train.py", title=tr("Train"), icon=":material/monitoring:",
                url_path="train"),
        st.Page("views/inspect.py", title=tr("Inspect"), icon=":material/biotech:",
                url_path="inspect"),
        st.Page("views/evaluate.py", title=tr("Evaluate"), icon=":material/fact_check:",
                url_path="evaluate"),
        st.Page("views/crossval.py", title=tr("Cross-validate"), icon=":material/view_week:",
                url_path="crossval"),
        st.Page("views/search.py", title=tr("Search"), icon=":material/tune:",
                url_path="search"),
        st.Page("views/runs.py", title=tr("Runs"), icon=":material/history:",
                url_path="runs"),
    ]
    if lesson.current() is not None:
        pages.append(st.Page("views/lesson_class.py", title=tr("Class"),
                             icon=":material/groups:", url_path="class"))
    else:
        pages.append(st.Page("views/teach.py", title=tr("Teach"),
                             icon=":material/school:", url_path="teach"))
    # A lesson may hide pages; the Data page (the default) may be hidden too.
    pages = [p for p in pages if not lesson.hidden(p.url_path or "data")] or pages[:1]
    aliases = [st.Page(data_page_alias, title=tr("Data"), url_path="data",
                       visibility="hidden")]
    page = st.navigation(pages + aliases)
    notices = st.container()  # filled after the page: its widget callbacks run in page.run()
    lesson.panel()
    tutorial_panel.panel(page.url_path or "data")
    try:
        page.run()
    except WorkerCrashed as error:  # the experiment, the run and the other pages stay
        st.error(translated(str(error)), icon=":material/error:")
    sidebar()
    with notices:
        state.show_notices()
    sync_url()


# A worker process started with "spawn" may be handed this file as its main
# module (Streamlit installs each page script as `__main__`, and a worker can
# start from another thread while a page runs). The child runs it under the
# name `__mp_main__`, before it knows its parent, and must not draw pages or
# start a pool of its own; Streamlit runs it as `__main__`.
if __name__ == "__main__":
    main()
