"""`LessonStore`: lessons, their students and their runs, in the run store.

Lessons live in the run store's database (`playground.runs.schema`: the
`lessons` and `lesson_students` tables, and the `lesson_id` and `student` of
each run), so a lesson, its students and their runs travel together and
every replica of the app sees the same class. Each method is one
transaction of the run store (SQLite or PostgreSQL).

>>> lessons = LessonStore(open_store())
>>> token = lessons.create(lesson)            # shown once; only its hash is kept
>>> student = lessons.join(lesson.id, "Ana", owner=browser_id)
>>> submit_and_record(..., lesson=(lesson.id, student.name))
>>> lessons.board(lesson.id)[0].name

A database problem comes out as `StoreUnavailable`, an unknown lesson as
`LessonNotFound`, a refused name as `NameRefused` (with `.suggestion`),
joining a closed lesson as `LessonClosed`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from playground.config import Experiment
from playground.fields import ConfigError, ConfigErrors
from playground.i18n import tr
from playground.lessons.board import BoardRow, BoardRun, rank_students
from playground.lessons.errors import LessonClosed, LessonNotFound
from playground.lessons.lesson import Lesson
from playground.lessons.students import (
    Student,
    check_name,
    name_key,
    name_taken,
)
from playground.lessons.tokens import (
    check_lesson_id,
    new_teacher_token,
    token_hash,
    token_matches,
)
from playground.runs import schema as tables
from playground.runs.record import RunSummary
from playground.runs.store import RunStore
from playground.training.result import COMPLETED

MAX_LESSONS = 1000
_SUMMARY = ("id", "name", "note", "owner", "dataset", "model", "optimizer",
            "learning_rate", "epochs", "epochs_run", "status", "best_metric",
            "best_value", "test_metrics", "created_at", "lesson_id", "student")


@dataclass(frozen=True)
class LessonRun:
    """One run of a lesson, for its list and its export: the run's summary
    (`summary.student` is the student's name), its experiment (None when
    its stored JSON cannot be read), and its timings."""

    summary: RunSummary
    experiment: Experiment | None
    message: str
    elapsed: float
    started_at: float | None
    finished_at: float | None


def _lesson_of(row: Any) -> Lesson:
    try:
        data = json.loads(row.record)
        data.update(id=row.id, created_at=row.created_at, closed=bool(row.closed))
        return Lesson.from_dict(data)
    except (ValueError, TypeError, AttributeError, ConfigError, ConfigErrors) as error:
        raise LessonNotFound(tr("Lesson {lesson} is stored but cannot be read: {error}",
                                lesson=row.id, error=error)) from None


class LessonStore:
    """Lessons kept in a run store's database.

    Args:
        runs: The run store (`playground.runs.open_store()`); its schema
            holds the lesson tables from version 3 on.
    """

    def __init__(self, runs: RunStore):
        self.runs = runs

    def __repr__(self) -> str:
        return f"LessonStore({self.runs.where!r})"

    # -- lessons ------------------------------------------------------------

    def create(self, lesson: Lesson) -> str:
        """Saves a new lesson and returns its teacher token, the only time it
        is given: the store keeps its SHA-256 alone."""
        token = new_teacher_token()
        row = dict(id=lesson.id, created_at=float(lesson.created_at),
                   closed=lesson.closed, teacher_hash=token_hash(token),
                   record=json.dumps(lesson.to_dict(), separators=(",", ":")))
        with self.runs.transaction() as conn:
            conn.execute(tables.lessons.insert().values(**row))
        return token

    def update(self, lesson: Lesson) -> None:
        """Replaces a saved lesson's settings (title, text, locks, limits,
        goal, closed); its id, creation time and teacher token stay.

        Raises:
            LessonNotFound: when no lesson has its id.
        """
        with self.runs.transaction() as conn:
            done = conn.execute(tables.lessons.update().where(
                tables.lessons.c.id == lesson.id).values(
                closed=lesson.closed,
                record=json.dumps(lesson.to_dict(), separators=(",", ":"))))
            self._found(done.rowcount, lesson.id)

    def load(self, lesson_id: str) -> Lesson:
        """The lesson with this id.

        Raises:
            LessonNotFound: for an unknown or malformed id, or a stored
                lesson that cannot be read.
        """
        check_lesson_id(lesson_id)
        with self.runs.transaction(write=False) as conn:
            row = conn.execute(sa.select(tables.lessons).where(
                tables.lessons.c.id == lesson_id)).first()
        self._found(row is not None, lesson_id)
        return _lesson_of(row)

    def list(self, limit: int = 500) -> list[Lesson]:
        """The newest `limit` lessons (at most `MAX_LESSONS`), newest first;
        one that cannot be read is left out."""
        limit = max(1, min(int(limit), MAX_LESSONS))
        query = sa.select(tables.lessons).order_by(
            tables.lessons.c.created_at.desc(), tables.lessons.c.id).limit(limit)
        with self.runs.transaction(write=False) as conn:
            rows = conn.execute(query).all()
        lessons = []
        for row in rows:
            try:
                lessons.append(_lesson_of(row))
            except LessonNotFound:
                continue
        return lessons

    def counts(self) -> dict[str, tuple[int, int]]:
        """Lesson id to (students joined, runs trained), for a list."""
        students, runs = tables.lesson_students, tables.runs
        with self.runs.transaction(write=False) as conn:
            joined = dict(conn.execute(sa.select(
                students.c.lesson_id, sa.func.count()).group_by(students.c.lesson_id)).all())
            trained = dict(conn.execute(sa.select(
                runs.c.lesson_id, sa.func.count()).where(runs.c.lesson_id.is_not(None))
                .group_by(runs.c.lesson_id)).all())
        return {key: (joined.get(key, 0), trained.get(key, 0))
                for key in set(joined) | set(trained)}

    def close(self, lesson_id: str, closed: bool = True) -> Lesson:
        """Closes a lesson to new students (`closed=False` opens it again);
        returns the lesson as it is now."""
        lesson = self.load(lesson_id).with_changes(closed=closed)
        self.update(lesson)
        return lesson

    def delete(self, lesson_id: str) -> int:
        """Deletes a lesson for good: the lesson, its students' names and
        their runs (with the runs' arrays). Its links then open nothing.
        Returns how many runs were deleted.

        Raises:
            LessonNotFound: for an unknown lesson.
        """
        check_lesson_id(lesson_id)
        runs = tables.runs
        with self.runs.transaction() as conn:
            found = conn.execute(tables.lessons.delete().where(
                tables.lessons.c.id == lesson_id)).rowcount
            self._found(found, lesson_id)
            theirs = sa.select(runs.c.id).where(runs.c.lesson_id == lesson_id)
            conn.execute(tables.payloads.delete().where(
                tables.payloads.c.run_id.in_(theirs)))
            deleted = conn.execute(runs.delete().where(
                runs.c.lesson_id == lesson_id)).rowcount
            conn.execute(tables.lesson_students.delete().where(
                tables.lesson_students.c.lesson_id == lesson_id))
        return deleted

    def is_teacher(self, lesson_id: Any, token: Any) -> bool:
        """Whether `token` is this lesson's teacher token. False for a
        missing or wrong token and for an unknown or malformed lesson id;
        the comparison takes the same time however much of it matches."""
        try:
            check_lesson_id(lesson_id)
        except LessonNotFound:
            return False
        with self.runs.transaction(write=False) as conn:
            stored = conn.execute(sa.select(tables.lessons.c.teacher_hash).where(
                tables.lessons.c.id == lesson_id)).scalar()
        return stored is not None and token_matches(token, stored)

    # -- students -----------------------------------------------------------

    def join(self, lesson_id: str, name: Any, owner: str | None = None) -> Student:
        """Adds a student to an open lesson under `name` (trimmed and
        checked, `playground.lessons.students.check_name`).

        The same browser joining again under its own name gets its student
        back, even once the lesson is closed. Tag the student's runs with the
        returned `Student.name`.

        Raises:
            NameRefused: for a bad name, or one taken in the lesson (its
                `suggestion` is a free one, `Ana 2`).
            LessonClosed: when the lesson is closed (to a new student).
            LessonNotFound: for an unknown lesson.
        """
        lesson = self.load(lesson_id)
        name = check_name(name)
        students = tables.lesson_students
        row = dict(lesson_id=lesson_id, name_key=name_key(name), name=name,
                   owner=owner, joined_at=time.time())
        with self.runs.transaction() as conn:
            given = conn.execute(sa.select(students).where(
                students.c.lesson_id == lesson_id,
                students.c.name_key == row["name_key"])).first()
            if given is not None and owner is not None and given.owner == owner:
                return Student(lesson_id, given.name, given.owner, given.joined_at)
            if lesson.closed:
                raise LessonClosed(tr("The lesson {title} is closed: it takes no new "
                                      "students. Ask your teacher.", title=lesson.title))
            if given is None:
                try:
                    with conn.begin_nested():
                        conn.execute(students.insert().values(**row))
                    return Student(lesson_id, name, owner, row["joined_at"])
                except sa.exc.IntegrityError:  # joined at this very moment
                    pass
            taken = conn.execute(sa.select(students.c.name).where(
                students.c.lesson_id == lesson_id)).scalars().all()
        raise name_taken(name, [*taken, name])

    def students(self, lesson_id: str) -> list[Student]:
        """Everyone who joined the lesson, in joining order."""
        check_lesson_id(lesson_id)
        students = tables.lesson_students
        with self.runs.transaction(write=False) as conn:
            rows = conn.execute(sa.select(students).where(
                students.c.lesson_id == lesson_id).order_by(
                students.c.joined_at, students.c.name_key)).all()
        return [Student(r.lesson_id, r.name, r.owner, r.joined_at) for r in rows]

    def student_of(self, lesson_id: str, owner: str) -> Student | None:
        """The student this browser last joined the lesson as, or None (a
        page reopening the lesson's link offers to carry on as them)."""
        mine = [s for s in self.students(lesson_id) if owner is not None
                and s.owner == owner]
        return mine[-1] if mine else None

    def remove_student(self, lesson_id: str, name: str) -> int:
        """Takes a student off the lesson (the name is free again) with
        their runs; returns how many runs were deleted."""
        check_lesson_id(lesson_id)
        students = tables.lesson_students
        with self.runs.transaction() as conn:
            deleted = self._delete_runs(conn, lesson_id, name)
            conn.execute(students.delete().where(
                students.c.lesson_id == lesson_id,
                students.c.name_key == name_key(name)))
        return deleted

    def delete_student_runs(self, lesson_id: str, name: str) -> int:
        """Deletes a student's runs in the lesson (the student stays);
        returns how many."""
        check_lesson_id(lesson_id)
        with self.runs.transaction() as conn:
            return self._delete_runs(conn, lesson_id, name)

    @staticmethod
    def _delete_runs(conn, lesson_id: str, name: str) -> int:
        runs = tables.runs
        theirs = sa.select(runs.c.id).where(runs.c.lesson_id == lesson_id,
                                            runs.c.student == name)
        conn.execute(tables.payloads.delete().where(tables.payloads.c.run_id.in_(theirs)))
        return conn.execute(runs.delete().where(runs.c.lesson_id == lesson_id,
                                                runs.c.student == name)).rowcount

    # -- runs and the board -------------------------------------------------

    def runs_of(self, lesson_id: str, student: str | None = None) -> list[LessonRun]:
        """The lesson's runs (one student's, when named), oldest first, with
        their experiments and timings; no arrays."""
        check_lesson_id(lesson_id)
        runs = tables.runs
        query = sa.select(*(runs.c[name] for name in _SUMMARY), runs.c.experiment,
                          runs.c.message, runs.c.elapsed, runs.c.started_at,
                          runs.c.finished_at).where(runs.c.lesson_id == lesson_id)
        if student is not None:
            query = query.where(runs.c.student == student)
        with self.runs.transaction(write=False) as conn:
            rows = conn.execute(query.order_by(runs.c.created_at, runs.c.id)
                                ).mappings().all()
        found = []
        for row in rows:
            try:
                experiment = Experiment.from_dict(json.loads(row["experiment"]))
            except (ValueError, ConfigError, ConfigErrors):
                experiment = None
            summary = RunSummary(**{name: row[name] for name in _SUMMARY
                                    if name != "test_metrics"},
                                 test_metrics=json.loads(row["test_metrics"]))
            found.append(LessonRun(summary, experiment, row["message"], row["elapsed"],
                                   row["started_at"], row["finished_at"]))
        return found

    def board(self, lesson_id: str) -> list[BoardRow]:
        """One row per student, best first (`playground.lessons.board`):
        rank, name, best test value of the goal's metric, its run, epochs,
        parameters and time."""
        lesson = self.load(lesson_id)
        runs = tables.runs
        query = sa.select(runs.c.id, runs.c.student, runs.c.test_metrics,
                          runs.c.epochs_run, runs.c.created_at, runs.c.finished_at,
                          runs.c.experiment).where(runs.c.lesson_id == lesson_id,
                                                   runs.c.status == COMPLETED)
        with self.runs.transaction(write=False) as conn:
            rows = conn.execute(query).all()
        board_runs = [BoardRun(r.id, r.student or "", _metrics(r.test_metrics),
                               r.epochs_run, r.created_at, r.finished_at,
                               _json_or_none(r.experiment)) for r in rows]
        return rank_students(lesson.goal, self.students(lesson_id), board_runs)

    @staticmethod
    def _found(found: Any, lesson_id: str) -> None:
        if not found:
            raise LessonNotFound(tr(
                "No lesson has the id {lesson}: it was deleted, or the link is from "
                "another server. Ask your teacher for the link again.",
                lesson=repr(lesson_id)))


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _metrics(text: str) -> dict[str, float]:
    data = _json_or_none(text)
    return data if isinstance(data, dict) else {}
