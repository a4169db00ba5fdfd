"""Lessons in the run store, on SQLite and PostgreSQL: saving, teacher tokens,
joining, the board, a lesson's runs and their export."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from playground.config import Experiment
from playground.jobs.handle import JobHandle
from playground.lessons import (
    Lesson,
    LessonClosed,
    LessonNotFound,
    LessonStore,
    Limits,
    NameRefused,
    experiments_zip,
    runs_csv,
)
from playground.runs import schema
from playground.runs.store import EVERY_OWNER
from playground.runs.recorder import record_of

from tests.core.run_samples import SPIRAL, make_record


@pytest.fixture
def lessons(store):
    return LessonStore(store)


def new_lesson(**changes):
    fields = dict(title="Spirals", experiment=SPIRAL, locked=("dataset",),
                  limits=Limits(epochs=500), goal="val_accuracy>=0.9")
    return Lesson(**{**fields, **changes})


def student_run(lesson, student, accuracy, finished_at, status="completed", **changes):
    fields = dict(experiment=SPIRAL, lesson_id=lesson.id, student=student, status=status,
                  test_metrics={"loss": 1 - accuracy, "accuracy": accuracy},
                  created_at=finished_at - 10, finished_at=finished_at)
    return make_record(**{**fields, **changes})


def test_a_lesson_is_saved_loaded_listed_and_closed(lessons):
    first, second = new_lesson(created_at=100.0), new_lesson(title="XOR", created_at=200.0)
    lessons.create(first)
    lessons.create(second)
    assert lessons.load(first.id) == first
    assert [lesson.id for lesson in lessons.list()] == [second.id, first.id]
    closed = lessons.close(first.id)
    assert closed.closed and lessons.load(first.id).closed
    assert lessons.close(first.id, closed=False) == first
    lessons.update(first.with_changes(text="Now with a text."))
    assert lessons.load(first.id).text == "Now with a text."
    for bad in ("nope", "../../etc", "x" * 500, None):
        with pytest.raises(LessonNotFound):
            lessons.load(bad)
    with pytest.raises(LessonNotFound, match="No lesson has the id 'nope'"):
        lessons.update(new_lesson(id="nope"))


def test_only_the_teacher_token_opens_the_teachers_side(lessons, store):
    lesson = new_lesson()
    token = lessons.create(lesson)
    other = lessons.create(new_lesson())
    assert lessons.is_teacher(lesson.id, token)
    assert not lessons.is_teacher(lesson.id, other)  # another lesson's token
    for wrong in (None, "", token[:-1], token.upper(), "x" * 1000):
        assert not lessons.is_teacher(lesson.id, wrong)
    assert not lessons.is_teacher("unknown", token)
    assert not lessons.is_teacher("../x", token)
    with store.engine.connect() as conn:  # the database holds the hash alone
        row = conn.execute(sa.select(schema.lessons).where(
            schema.lessons.c.id == lesson.id)).first()
    assert token not in str(tuple(row)) and len(row.teacher_hash) == 64


def test_a_taken_name_is_refused_with_a_free_one(lessons):
    lesson = new_lesson()
    lessons.create(lesson)
    ana = lessons.join(lesson.id, "  Ana ", owner="browser-1")
    assert (ana.name, ana.owner, ana.lesson_id) == ("Ana", "browser-1", lesson.id)
    with pytest.raises(NameRefused, match="ANA is already in this lesson. Pick another "
                       "name, such as ANA 2.") as caught:
        lessons.join(lesson.id, "ANA", owner="browser-2")
    assert caught.value.suggestion == "ANA 2"
    lessons.join(lesson.id, caught.value.suggestion, owner="browser-2")
    with pytest.raises(NameRefused) as caught:
        lessons.join(lesson.id, "ana", owner=None)
    assert caught.value.suggestion == "ana 3"
    # the same browser joining again under its name gets its student back
    assert lessons.join(lesson.id, "ana", owner="browser-1") == ana
    assert lessons.student_of(lesson.id, "browser-1") == ana
    assert lessons.student_of(lesson.id, "browser-9") is None
    for bad in ("", "   ", "x" * 41, "two\nlines"):
        with pytest.raises(NameRefused) as caught:
            lessons.join(lesson.id, bad)
        assert caught.value.suggestion is None
    assert [s.name for s in lessons.students(lesson.id)] == ["Ana", "ANA 2"]


def test_a_closed_lesson_takes_back_only_its_own_and_an_unknown_one_no_one(lessons):
    lesson = new_lesson()
    lessons.create(lesson)
    ana = lessons.join(lesson.id, "Ana", owner="browser-1")
    lessons.close(lesson.id)
    with pytest.raises(LessonClosed, match="The lesson Spirals is closed"):
        lessons.join(lesson.id, "Bo", owner="browser-2")
    with pytest.raises(LessonClosed):  # her name, from another browser
        lessons.join(lesson.id, "Ana", owner="browser-2")
    assert lessons.join(lesson.id, "ana", owner="browser-1") == ana  # back again
    with pytest.raises(LessonNotFound):
        lessons.join("unknown", "Ana")


def test_the_board_ranks_each_students_best_run(lessons, store):
    lesson = new_lesson()
    lessons.create(lesson)
    for name in ("Ana", "Bo", "Cy"):
        lessons.join(lesson.id, name)
    runs = [student_run(lesson, "Ana", 0.80, 1000.0),
            student_run(lesson, "Ana", 0.95, 3000.0),
            student_run(lesson, "Ana", 0.99, 4000.0, status="stopped"),  # not counted
            student_run(lesson, "Bo", 0.95, 2000.0),  # same value, earlier: first
            student_run(lesson, "Bo", 0.70, 500.0),
            student_run(lesson, "Zed", 1.0, 100.0),  # never joined: left out
            make_record(test_metrics={"accuracy": 1.0})]  # outside the lesson
    for record in runs:
        store.save(record)
    board = lessons.board(lesson.id)
    assert [(r.rank, r.name, r.value, r.run_id, r.runs) for r in board] == [
        (1, "Bo", 0.95, runs[3].id, 2), (2, "Ana", 0.95, runs[1].id, 2),
        (None, "Cy", None, None, 0)]
    assert [r.goal_met for r in board] == [True, True, False]
    best = board[0]
    # spiral: 2 inputs -> Dense 4 -> Dense 2 -> 1 unit: 12 + 10 + 3 parameters
    assert (best.metric, best.epochs_run, best.params, best.finished_at) == (
        "accuracy", 3, 25, 2000.0)
    json.dumps([row.to_dict() for row in board])  # plain data


def test_without_a_goal_the_board_ranks_by_the_least_test_loss(lessons, store):
    lesson = new_lesson(goal=None)
    lessons.create(lesson)
    lessons.join(lesson.id, "Ana")
    lessons.join(lesson.id, "Bo")
    store.save(student_run(lesson, "Ana", 0.9, 1000.0))  # loss 0.1
    store.save(student_run(lesson, "Bo", 0.7, 900.0))  # loss 0.3
    board = lessons.board(lesson.id)
    assert [(r.name, r.metric, r.goal_met) for r in board] == [
        ("Ana", "loss", None), ("Bo", "loss", None)]
    assert board[0].value == pytest.approx(0.1)


def test_a_students_runs_are_listed_and_removed(lessons, store):
    lesson = new_lesson()
    lessons.create(lesson)
    lessons.join(lesson.id, "Ana")
    lessons.join(lesson.id, "Bo")
    ana = [student_run(lesson, "Ana", 0.5, 100.0 * n) for n in (1, 2)]
    bo = student_run(lesson, "Bo", 0.6, 150.0)
    for record in (*ana, bo):
        store.save(record)
    listed = lessons.runs_of(lesson.id)
    assert [run.summary.id for run in listed] == [ana[0].id, bo.id, ana[1].id]
    assert listed[0].experiment == SPIRAL and listed[0].summary.student == "Ana"
    assert [r.summary.id for r in lessons.runs_of(lesson.id, "Bo")] == [bo.id]
    assert lessons.counts()[lesson.id] == (2, 3)
    assert lessons.delete_student_runs(lesson.id, "Ana") == 2
    assert [r.summary.id for r in lessons.runs_of(lesson.id)] == [bo.id]
    assert [s.id for s in store.list()] == [bo.id]  # arrays gone with their runs
    assert lessons.remove_student(lesson.id, "Bo") == 1
    assert [s.name for s in lessons.students(lesson.id)] == ["Ana"]
    assert lessons.join(lesson.id, "bo").name == "bo"  # the name is free again
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(
            schema.payloads)).scalar() == 0


def test_deleting_a_lesson_takes_its_students_and_runs_and_nothing_else(lessons, store):
    lesson, other = new_lesson(), new_lesson(title="Another class")
    for each in (lesson, other):
        lessons.create(each)
        lessons.join(each.id, "Ana")
    mine = [student_run(lesson, "Ana", 0.5, 100.0 * n) for n in (1, 2)]
    theirs, alone = student_run(other, "Ana", 0.7, 300.0), make_record()
    for record in (*mine, theirs, alone):
        store.save(record)
    assert lessons.delete(lesson.id) == 2
    with pytest.raises(LessonNotFound):
        lessons.load(lesson.id)
    with pytest.raises(LessonNotFound):
        lessons.delete(lesson.id)
    assert lessons.students(lesson.id) == []
    assert [s.name for s in lessons.students(other.id)] == ["Ana"]
    assert {s.id for s in store.list(EVERY_OWNER)} == {theirs.id, alone.id}
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(
            schema.payloads)).scalar() == 2  # the two runs left keep their arrays


def test_a_recorded_job_carries_its_lesson_and_student():
    record = record_of(JobHandle(SPIRAL), "browser-1", lesson=("lesson1", "Ana"))
    assert (record.lesson_id, record.student, record.owner) == ("lesson1", "Ana",
                                                                 "browser-1")
    assert record_of(JobHandle(SPIRAL)).lesson_id is None


def test_the_csv_export_has_every_run_and_formulas_stay_text(lessons, store):
    lesson = new_lesson()
    lessons.create(lesson)
    for name in ("=1+2", "Bo"):
        lessons.join(lesson.id, name)
    runs = [student_run(lesson, "=1+2", 0.95, 1000.0, name="@SUM(A1)"),
            student_run(lesson, "Bo", 0.5, 2000.0, status="failed", test_metrics={}),
            student_run(lesson, "Bo", 0.85, 3000.0,
                        experiment=SPIRAL.replace(learning_rate=0.1))]
    for record in runs:
        store.save(record)
    table = runs_csv(lesson, lessons.runs_of(lesson.id))
    rows = list(csv.DictReader(io.StringIO(table.decode("utf-8"))))
    assert [row["run_id"] for row in rows] == [record.id for record in runs]
    first, failed, last = rows
    assert first["student"] == "'=1+2" and first["run_name"] == "'@SUM(A1)"
    assert (first["status"], first["test_accuracy"], first["goal_met"]) == (
        "completed", "0.95", "yes")
    assert (failed["status"], failed["test_accuracy"], failed["goal_met"]) == (
        "failed", "", "")
    assert (last["learning_rate"], last["goal_met"], last["params"]) == ("0.1", "no", "25")
    assert last["finished"] == "1970-01-01T00:50:00Z" and last["batch_size"] == "10"
    assert Experiment.from_query(dict(
        pair.split("=", 1) for pair in last["settings"].split("&"))).learning_rate == 0.1
    assert b'"=1+2"' not in table  # no cell starts with a formula

    archive = zipfile.ZipFile(io.BytesIO(experiments_zip(lesson,
                                                         lessons.runs_of(lesson.id))))
    assert sorted(archive.namelist()) == sorted(
        ["lesson.json", "runs.csv", *(f"experiments/{r.id}.json" for r in runs)])
    assert Experiment.from_json(archive.read(f"experiments/{runs[2].id}.json").decode()) \
        == SPIRAL.replace(learning_rate=0.1)
    assert Lesson.from_dict(json.loads(archive.read("lesson.json"))) == lesson
