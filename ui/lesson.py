"""A lesson in this browser session: opened by `lesson=<id>` in the address.

The lesson fixes what the teacher locked or hid (`state.update` and
`state.replace_experiment` put those fields back whatever a widget, a
preset or a link asks: the one place that applies them), hides the pages
it names, and shows its text and goal above every page. A student gives a
name once (kept with the browser's id in the run store); their runs are
tagged with the lesson and the name, for the class's board.
`teach=<token>` beside it, when it is the lesson's teacher token, opens the
teacher's view of the board; the token leaves the address bar at once and
is kept in a cookie until the browser closes, so a reload keeps that view.
"""

from __future__ import annotations

import streamlit as st

from playground.i18n import tr
from ui import cookies, runs
from ui.user_text import escape_markdown

PARAMETER = "lesson"
TEACH_PARAMETER = "teach"
LESSON = "lesson"
STUDENT = "lesson_student"
TEACHER = "lesson_teacher"
TEACHER_COOKIE = "keras_playground_teach_"


def current():
    """This session's `Lesson`, or None outside a lesson."""
    return st.session_state.get(LESSON)


def student():
    """The `Student` this browser is in the lesson, or None until named."""
    return st.session_state.get(STUDENT)


def is_teacher() -> bool:
    return bool(st.session_state.get(TEACHER))


def lessons_store():
    """The run store's lessons, or None without a run store."""
    from playground.lessons import LessonStore

    store = runs.store()
    return LessonStore(store) if store is not None else None


def open_from_link(lesson_id: str, token: str | None) -> bool:
    """Opens the lesson of a link for this session; says why when it cannot.
    Returns whether a lesson is open."""
    from playground.lessons import LessonNotFound
    from playground.runs import StoreUnavailable

    lessons = lessons_store()
    if lessons is None:
        return False
    try:
        lesson = lessons.load(lesson_id)
        kept = cookies.read(TEACHER_COOKIE + lesson.id)
        teacher = token is not None and lessons.is_teacher(lesson_id, token)
        if token is None and kept is not None:  # the teacher reloading the page
            teacher = lessons.is_teacher(lesson_id, kept)
        mine = lessons.student_of(lesson_id, runs.browser_id())
    except (LessonNotFound, StoreUnavailable) as error:
        from ui import state

        state.notify(tr("This lesson link could not be opened: {error}", error=error),
                     "error")
        return False
    st.session_state[LESSON], st.session_state[TEACHER] = lesson, teacher
    st.session_state[STUDENT] = mine
    if token is not None and teacher and token != kept:
        # Out of the address bar, the token stays in this browser until it
        # closes, so that a reload keeps the teacher's view.
        cookies.write(TEACHER_COOKIE + lesson.id, token)
    if token is not None and not teacher:
        from ui import state

        state.notify(tr("The teacher's part of this link is not this lesson's: the "
                        "lesson opens as a student sees it."), "warning")
    return True


def leave() -> None:
    """Ends the lesson in this session (after its teacher deleted it): the
    app goes on as it is outside a lesson, with the experiment on screen."""
    for key in (LESSON, TEACHER, STUDENT):
        st.session_state.pop(key, None)
    st.query_params.pop(PARAMETER, None)


def locked(field: str) -> bool:
    lesson = current()
    return lesson is not None and lesson.is_locked(field)


def hidden(name: str) -> bool:
    lesson = current()
    return lesson is not None and lesson.is_hidden(name)


def field_maximum(field: str) -> int | None:
    """The lesson's limit on a setting that has one (`epochs`), for its
    control's maximum; None outside a lesson or without a limit."""
    lesson = current()
    return lesson.limits.epochs if lesson is not None and field == "epochs" else None


def link_parameters() -> dict[str, str]:
    """`lesson=<id>` for the address bar and shared links, in a lesson (the
    teacher's token never goes into the address bar)."""
    lesson = current()
    return {PARAMETER: lesson.id} if lesson is not None else {}


def refreshed():
    """The session's lesson as the store has it now, kept for the session:
    its teacher may have closed, opened or deleted it since the page opened.
    Keeps the session's copy when the store cannot be read.

    Raises:
        LessonNotFound: when the lesson was deleted.
    """
    from playground.runs import StoreUnavailable

    lesson, lessons = current(), lessons_store()
    if lesson is None or lessons is None:
        return lesson
    try:
        st.session_state[LESSON] = lessons.load(lesson.id)
    except StoreUnavailable:
        pass
    return current()


def training_refusal(exp) -> str | None:
    """Why this session may not train `exp` in its lesson, or None."""
    from playground.lessons import LessonNotFound, limit_problems

    lesson = current()
    if lesson is None:
        return None
    try:
        lesson = refreshed()
    except LessonNotFound:
        return tr("This lesson was deleted by its teacher: no more training in it. "
                  "Open the app without the lesson's link to train on your own.")
    if lesson.closed:
        return tr("This lesson is closed: no more training in it.")
    if student() is None and not is_teacher():
        return tr("Give your name in the lesson's box at the top first: your runs "
                  "go on the class's board under it.")
    problems = limit_problems(lesson, exp)
    if problems:
        return tr("This lesson does not allow this experiment: {problems}",
                  problems=" ".join(problems))
    return None


def run_tag() -> tuple[str, str] | None:
    """`(lesson id, student name)` for a run trained now, or None."""
    lesson, who = current(), student()
    return (lesson.id, who.name) if lesson is not None and who is not None else None


def panel() -> None:
    """The lesson's title, text and goal, and the name box until the
    student has given a name."""
    from playground.lessons import safe_markdown

    lesson = current()
    if lesson is None:
        return
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(lesson.title)}**")
        if lesson.text:
            st.markdown(safe_markdown(lesson.text))
        if lesson.goal is not None:
            st.caption(tr("Goal: `{goal}` on the test set.", goal=str(lesson.goal)))
        if student() is not None:
            best_line(lesson)
        if lesson.closed:
            st.info(tr("This lesson is closed: its board stays, training has ended."))
        elif student() is not None:
            st.caption(tr("You are in this lesson as {name}.",
                          name=escape_markdown(student().name)))
        elif not is_teacher():
            name_form()


def best_line(lesson) -> None:
    """How close the student's best run is to the goal, from the board."""
    from playground.runs import StoreUnavailable

    try:
        row = next((r for r in lessons_store().board(lesson.id)
                    if r.name == student().name), None)
    except StoreUnavailable:
        return
    if row is None or row.value is None:
        st.caption(tr("No finished run yet: train one, and the board ranks your best."))
        return
    said = tr("Your best run: test {metric} {value} (rank {rank}).", metric=row.metric,
              value=format(row.value, ".4g"), rank=row.rank)
    if row.goal_met is not None:
        said += " " + (tr("Goal reached.") if row.goal_met else tr("Not there yet."))
    st.caption(said)


def name_form() -> None:
    """Asks once for the student's name, unique in the lesson."""
    from playground.lessons import LessonClosed, NameRefused

    with st.form("lesson_join", border=False):
        name = st.text_input(tr("Your name, for the class's board"), max_chars=40,
                             key="lesson_name")
        if not st.form_submit_button(tr("Join the lesson")):
            return
    try:
        joined = lessons_store().join(current().id, name, runs.browser_id())
    except (NameRefused, LessonClosed) as refused:  # says the name, a free one too
        st.warning(escape_markdown(str(refused)))
        return
    st.session_state[STUDENT] = joined
    st.rerun()
