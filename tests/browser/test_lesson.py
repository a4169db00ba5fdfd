"""Two students in one lesson, in two browsers: each joins by name, trains,
and the class's board lists both, best first."""

import re
import tempfile
from pathlib import Path

import pytest

from playground.config import Experiment
from playground.lessons import Lesson, LessonStore, Limits
from playground.runs import open_store

from app_server import button
from test_browser import TRAIN_MS, open_app

pytestmark = pytest.mark.browser
STORE = f"sqlite:///{Path(tempfile.mkdtemp(prefix='lesson-store-')) / 'runs.sqlite'}"
SERVER_ENV = {"PLAYGROUND_STORE": STORE}


def join_and_train(page, server, lesson_id, name, epochs):
    open_app(page, f"{server}/train?lesson={lesson_id}&epochs={epochs}")
    page.get_by_label("Your name, for the class's board").fill(name)
    page.get_by_role("button", name="Join the lesson").click()
    page.get_by_text(f"You are in this lesson as {name}.").wait_for()
    button(page, "train_button").click()
    page.get_by_text(re.compile(f"Finished {epochs} epoch")).first.wait_for(
        timeout=TRAIN_MS)


def test_two_students_train_in_one_lesson_and_the_board_ranks_them(server, new_page):
    from playwright.sync_api import expect

    lesson = Lesson(title="Circles", experiment=Experiment(dataset="circle"),
                    locked=("dataset",), limits=Limits(epochs=200),
                    goal="val_accuracy>=0.8")
    LessonStore(open_store(STORE)).create(lesson)
    ana, ben = new_page(), new_page()
    join_and_train(ana, server, lesson.id, "Ana", 150)   # trains longer: better
    join_and_train(ben, server, lesson.id, "Ben", 1)
    ben.get_by_role("link", name="Class").first.click()
    ben.get_by_text("Ranked by the best test accuracy").wait_for()
    table = ben.locator("[data-testid=stDataFrame]:visible table").last
    expect(table.locator("tbody tr")).to_have_count(2)
    header = table.locator("thead th").all_inner_texts()
    rows = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))")
    shown = [dict(zip(header, row)) for row in rows]
    assert [row["Name"] for row in shown] == ["Ana", "Ben"]  # best first, on screen
    assert [row["Rank"] for row in shown] == ["1", "2"]
    board = LessonStore(open_store(STORE)).board(lesson.id)
    assert [row.name for row in board] == ["Ana", "Ben"]
    assert board[0].value > board[1].value


def test_the_teachers_view_survives_a_reload_and_stays_in_that_browser(server, new_page):
    """The token leaves the address bar at once; a reload still shows the
    teacher's tools, and another browser at the same address does not."""
    lesson = Lesson(title="Reloads", experiment=Experiment(dataset="xor"))
    token = LessonStore(open_store(STORE)).create(lesson)
    teacher = new_page()
    open_app(teacher, f"{server}/class?lesson={lesson.id}&teach={token}")
    close = teacher.get_by_role("button", name="Close the lesson")
    close.wait_for()
    teacher.wait_for_function("() => !location.search.includes('teach=')")
    assert "teach=" not in teacher.url
    teacher.reload()
    close.wait_for()  # still the teacher, from this browser's cookie
    assert "teach=" not in teacher.url

    student = new_page()
    open_app(student, teacher.url)
    student.get_by_text("Nobody has joined yet").first.wait_for()
    assert student.get_by_role("button", name="Close the lesson").count() == 0
