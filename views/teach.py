"""Teach page: a lesson made from the current experiment, with its two links."""

import streamlit as st

from playground.config import FIELDS_BY_NAME
from playground.datasets import DATASETS
from playground.fields import ConfigError, ConfigErrors, problems
from playground.i18n import mark, tr
from ui import lesson, state
from ui.user_text import escape_markdown

st.title(tr("Teach"))
st.caption(tr("Make a lesson from the current experiment: the students start from "
              "it, cannot change what you lock, do not see what you hide, and stay "
              "within your limits. You get a link for the students and one for you."))

PAGE_TITLES = {"data": mark("Data"), "model": mark("Model"), "train": mark("Train"),
               "inspect": mark("Inspect"), "evaluate": mark("Evaluate"),
               "crossval": mark("Cross-validate"), "search": mark("Search"),
               "runs": mark("Runs")}  # the pages a lesson may hide, by their address
GOALS = ("", "val_accuracy>=0.9", "val_accuracy>=0.8", "val_loss<=0.3", "val_mae<=0.5")


def hidden_label(name: str) -> str:
    """A page the lesson may hide by its title ("Search page"), a setting by
    its name (`learning_rate`)."""
    if name in PAGE_TITLES:
        return tr("{page} page", page=tr(PAGE_TITLES[name]))
    return name


def lesson_form():
    """The teacher's choices, as a `Lesson` (raises ConfigError(s))."""
    from playground.lessons import PAGES, Lesson, Limits

    exp = state.experiment()
    title = st.text_input(tr("Title"), max_chars=120, key="teach_title")
    text = st.text_area(tr("Text for the students (Markdown; no HTML, links to http "
                           "and https only)"), key="teach_text", height=140)
    cols = st.columns(2)
    locked = cols[0].multiselect(tr("Lock these settings"), list(FIELDS_BY_NAME),
                                 default=["dataset"], key="teach_locked",
                                 placeholder=tr("Choose options"))
    hidden = cols[1].multiselect(tr("Hide these pages and settings"),
                                 [*PAGES, *FIELDS_BY_NAME], default=["search"],
                                 key="teach_hidden", format_func=hidden_label,
                                 placeholder=tr("Choose options"))
    st.markdown(tr("**Limits** (0: no limit)"))
    cols = st.columns(4)
    epochs = cols[0].number_input(tr("Most epochs"), 0, 100_000, 0, key="teach_epochs")
    layers = cols[1].number_input(tr("Most hidden layers"), 0, 16, 0, key="teach_layers")
    units = cols[2].number_input(tr("Most units per layer"), 0, 4096, 0,
                                 key="teach_units")
    params = cols[3].number_input(tr("Most trainable parameters"), 0, 10**9, 0,
                                  key="teach_params")
    datasets = st.multiselect(tr("Datasets allowed (none chosen: any)"), list(DATASETS),
                              key="teach_datasets",
                              format_func=lambda name: DATASETS[name].shown_label,
                              placeholder=tr("Choose options"))
    goal = st.selectbox(tr("Goal"), GOALS, key="teach_goal",
                        format_func=lambda g: g or tr("no goal"),
                        accept_new_options=True)
    return Lesson(title=title.strip(), experiment=exp, text=text,
                  locked=tuple(locked), hidden=tuple(hidden),
                  limits=Limits(epochs=epochs or None, layers=layers or None,
                                units=units or None, params=params or None,
                                datasets=tuple(datasets)),
                  goal=goal or None)


def preview(made) -> None:
    """The lesson as a student sees it at the top of every page."""
    from playground.lessons import safe_markdown

    with st.container(border=True):
        st.caption(tr("Preview: what the students see above every page"))
        st.markdown(f"**{escape_markdown(made.title)}**")
        if made.text:
            st.markdown(safe_markdown(made.text))
        if made.goal is not None:
            st.caption(tr("Goal: `{goal}` on the test set.", goal=str(made.goal)))
        if made.fixed_fields:
            st.caption(tr("Locked: {fields}", fields=", ".join(
                f"`{name}`" for name in made.fixed_fields)))


def create(made) -> None:
    """Saves the lesson and shows its two links, the teacher's only now."""
    lessons = lesson.lessons_store()
    if lessons is None:
        st.warning(tr("Lessons are kept in the run store, which is not available here."))
        return
    token = lessons.create(made)
    base = (st.context.url or "").split("?")[0].rsplit("/", 1)[0]
    st.success(tr("The lesson is ready."))
    st.markdown(tr("**The students' link**"))
    st.code(f"{base}/?lesson={made.id}", language=None, wrap_lines=True)
    st.markdown(tr("**Your link** (keep it private: it shows the board's names, "
                   "the downloads and closing the lesson; it is shown only now)"))
    st.code(f"{base}/class?lesson={made.id}&teach={token}", language=None,
            wrap_lines=True)


def page() -> None:
    if lesson.current() is not None:
        st.info(tr("This session is in a lesson: open the app without the lesson's "
                   "link to make another one."))
        return
    try:
        made = lesson_form()
    except (ConfigError, ConfigErrors) as error:
        if st.session_state.get("teach_title"):
            st.error(tr("This lesson cannot be made yet:"))
            st.markdown("\n".join(f"- {escape_markdown(line)}" for line in problems(error)))
        else:
            st.caption(tr("Give the lesson a title to see its preview."))
        st.button(tr("Make the lesson"), type="primary", key="teach_create", disabled=True)
        return
    preview(made)
    if st.button(tr("Make the lesson"), type="primary", key="teach_create"):
        create(made)


page()
