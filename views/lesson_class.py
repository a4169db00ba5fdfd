"""Class page: the lesson's board, live, and the teacher's downloads."""

import datetime as dt

import pandas as pd
import streamlit as st

from playground.i18n import mark, tr, tr_n
from playground.lessons import LessonNotFound
from playground.runs import StoreUnavailable
from ui import lesson, teacher_view

st.title(tr("Class"))

# The board's columns, named in English in the frame and translated on screen.
# A comment, not a docstring: Streamlit writes a page's bare strings on screen.
COLUMNS = (mark("Rank"), mark("Name"), mark("Best test value"), mark("Goal"),
           mark("Epochs"), mark("Parameters"), mark("Runs"), mark("When"), mark("Run"))


def board_frame(rows, hide_names: bool) -> pd.DataFrame:
    """One row per student, best first; names left out for a projector."""
    return pd.DataFrame([{
        "Rank": row.rank, "Name": tr("student {rank}", rank=index + 1) if hide_names
        else row.name,
        "Best test value": row.value, "Goal": ("✓" if row.goal_met else "")
        if row.goal_met is not None else "",
        "Epochs": row.epochs_run, "Parameters": row.params, "Runs": row.runs,
        "When": dt.datetime.fromtimestamp(row.finished_at) if row.finished_at else None,
        "Run": f"?run={row.run_id}" if row.run_id else None,
    } for index, row in enumerate(rows)], columns=list(COLUMNS))


@st.fragment(run_every=5)
def board(lessons, opened) -> None:
    """The board, redrawn every few seconds while runs finish."""
    try:
        rows = lessons.board(opened.id)
    except StoreUnavailable as error:
        st.warning(tr("The board cannot be read: {error}", error=error))
        return
    if not rows:
        st.info(tr("Nobody has joined yet: students join by opening the lesson's link "
                   "and giving a name."))
        return
    metric = rows[0].metric
    st.caption(tr("Ranked by the best test {metric} of each student's finished runs.",
                  metric=metric))
    hide = st.session_state.get("projector", False)
    st.dataframe(board_frame(rows, hide).rename(columns=tr), hide_index=True,
                 column_config={tr("Run"): st.column_config.LinkColumn(
                     display_text=tr("open")),
                     tr("When"): st.column_config.DatetimeColumn(format="HH:mm:ss")})


def teacher_tools(lessons, opened, taken) -> None:
    """Downloads of every run (`taken`: the lesson's runs), and closing the lesson."""
    from playground.lessons import experiments_zip, runs_csv

    st.subheader(tr("Teacher"))
    cols = st.columns(3)
    cols[0].download_button(tr("Runs as CSV"), runs_csv(opened, taken),
                            f"lesson-{opened.id}.csv", "text/csv", key="lesson_csv")
    cols[1].download_button(tr("Experiments as zip"), experiments_zip(opened, taken),
                            f"lesson-{opened.id}.zip", "application/zip",
                            key="lesson_zip")
    if opened.closed:
        if cols[2].button(tr("Open the lesson again"), key="lesson_reopen"):
            st.session_state[lesson.LESSON] = lessons.close(opened.id, closed=False)
            st.rerun()
    elif cols[2].button(tr("Close the lesson"), key="lesson_close",
                        help=tr("No more training in this lesson; the board stays.")):
        st.session_state[lesson.LESSON] = lessons.close(opened.id)
        st.rerun()
    delete_lesson(lessons, opened, taken)


def delete_lesson(lessons, opened, taken) -> None:
    """Deletes the lesson for good, once the teacher confirms it."""
    from ui import state

    with st.popover(tr("Delete the lesson"), icon=":material/delete:"):
        students = {run.summary.student for run in taken if run.summary.student}
        st.write(tr("This deletes the lesson, the names that joined it and their {runs} "
                    "(from {students}). Its links then open nothing. Download the runs "
                    "first to keep them.", runs=tr_n("{count} run", "{count} runs",
                                                     len(taken)),
                    students=tr_n("{count} student", "{count} students", len(students))))
        if not st.button(tr("Delete for good"), key="lesson_delete", type="primary"):
            return
    try:
        deleted = lessons.delete(opened.id)
    except (LessonNotFound, StoreUnavailable) as error:
        st.warning(tr("The lesson could not be deleted: {error}", error=error))
        return
    lesson.leave()
    state.notify(tr_n("The lesson {title} was deleted with {count} run.",
                      "The lesson {title} was deleted with its {count} runs.", deleted,
                      title=opened.title), "success")
    st.rerun()


def page() -> None:
    opened, lessons = lesson.current(), lesson.lessons_store()
    if opened is None or lessons is None:
        st.info(tr("Open a lesson's link to see its class."))
        return
    st.toggle(tr("Projector: hide the names"), key="projector")
    board(lessons, opened)
    if lesson.is_teacher():
        try:  # read once for the downloads and the teacher's view
            taken, rows = lessons.runs_of(opened.id), lessons.board(opened.id)
        except StoreUnavailable as error:
            st.warning(tr("The class's runs cannot be read: {error}", error=error))
            return
        teacher_tools(lessons, opened, taken)
        teacher_view.show(lessons, opened, rows, taken)


page()
