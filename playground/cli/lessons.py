"""`playground lesson`: classroom lessons from the command line.

    playground lesson create CONFIG --title TEXT [--text FILE.md]
        [--lock FIELD,...] [--hide NAME,...] [--limit NAME=MAX ...]
        [--goal "METRIC>=VALUE"] [--json]
                                 save a lesson; print its id and the query
                                 strings of the students' and the teacher's
                                 links (the teacher's token is shown once)
    playground lesson list [--json]             the built-in tutorials, then the
                                                lessons, newest first
    playground lesson show ID [--json]          one lesson's settings and students,
                                                or a tutorial's steps
    playground lesson board ID [--json]         the students ranked by their best run
    playground lesson export ID --csv FILE [--zip FILE]
                                 the lesson's runs as a CSV file (a spreadsheet
                                 reads every cell as text), and a zip of each
                                 run's experiment JSON
    playground lesson close ID [--reopen]       take no more students (or again)
    playground lesson delete ID --yes           delete the lesson, its students'
                                                names and their runs for good

Lessons are kept in the run store (`PLAYGROUND_STORE`). Exit status as for
`playground runs`: 2 for bad input or an unknown lesson, 1 when the store
cannot be used. `--json` output keeps English keys and values.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from playground.i18n import mark, tr, tr_n
from playground.i18n.terminal import aligned_table

ACTIONS = ("create", "list", "show", "board", "export", "close", "delete")


def add_lesson_parser(sub: Any) -> None:
    """Adds `lesson` and its actions to the command's sub-parsers."""
    p = sub.add_parser("lesson", help=tr("classroom lessons: create, list, show, board, "
                                      "export, close, delete"))
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("create", help=tr("save a lesson and print its links"))
    a.add_argument("config", help=tr("the lesson's experiment: JSON file, share URL, "
                                  "query string or preset"))
    a.add_argument("--title", required=True, help=tr("the lesson's title"))
    a.add_argument("--text", metavar="FILE.md", help=tr("the lesson's text (Markdown)"))
    a.add_argument("--lock", metavar="FIELD,...", action="append", default=[],
                   help=tr("experiment fields the students may not change"))
    a.add_argument("--hide", metavar="NAME,...", action="append", default=[],
                   help=tr("pages (data, model, train, inspect, evaluate, search, runs) "
                        "and experiment fields to hide"))
    a.add_argument("--limit", metavar="NAME=MAX", action="append", default=[],
                   help=tr("epochs=N, layers=N, units=N, params=N or "
                        "datasets=NAME,NAME (repeat for several)"))
    a.add_argument("--goal", metavar="METRIC>=VALUE",
                   help=tr("what to reach, such as val_accuracy>=0.9 or val_loss<=0.3"))
    a.add_argument("--json", action="store_true", help=tr("print one JSON object"))
    a = actions.add_parser("list", help=tr("list the built-in tutorials and the "
                                           "lessons"))
    a.add_argument("--json", action="store_true", help=tr("print one JSON list"))
    for name, text in (("show", mark("print a lesson's settings and students")),
                       ("board", mark("print a lesson's board"))):
        a = actions.add_parser(name, help=tr(text))
        a.add_argument("lesson_id", metavar="ID")
        a.add_argument("--json", action="store_true", help=tr("print JSON"))
    a = actions.add_parser("export", help=tr("write a lesson's runs to files"))
    a.add_argument("lesson_id", metavar="ID")
    a.add_argument("--csv", metavar="FILE", help=tr("the CSV file to write"))
    a.add_argument("--zip", metavar="FILE", help=tr("a zip of each run's experiment JSON"))
    a = actions.add_parser("close", help=tr("take no more students"))
    a.add_argument("lesson_id", metavar="ID")
    a.add_argument("--reopen", action="store_true", help=tr("take students again"))
    a = actions.add_parser("delete", help=tr("delete a lesson, its students' names and "
                                             "their runs"))
    a.add_argument("lesson_id", metavar="ID")
    a.add_argument("--yes", action="store_true",
                   help=tr("confirm: the lesson and its runs cannot be brought back"))


def _names(values: list[str]) -> tuple[str, ...]:
    """`--lock a,b --lock c` as `("a", "b", "c")`."""
    return tuple(name.strip() for value in values for name in value.split(",")
                 if name.strip())


def _text(path: str | None) -> str:
    from playground.lessons.lesson import MAX_TEXT_LENGTH

    if path is None:
        return ""
    from playground.cli import UsageError

    text = Path(path).read_text(encoding="utf-8")
    if len(text) > MAX_TEXT_LENGTH:
        raise UsageError(tr("{file} has {count} characters; a lesson's text is at most "
                            "{limit}. Shorten it.", file=path,
                            count=format(len(text), ","),
                            limit=format(MAX_TEXT_LENGTH, ",")))
    return text


def _plain(text: str) -> str:
    """User text for a terminal: no control characters but line breaks."""
    return "".join(c for c in text if c in "\n\t" or c.isprintable())


def _when(seconds: float | None) -> str:
    from playground.runs.details import local_time

    return "-" if seconds is None else local_time(seconds)


def run_lesson(args: Any) -> int:
    """Runs `playground lesson ACTION`; returns the exit status.

    Bad settings raise `ConfigError`/`ConfigErrors`, an unknown lesson
    `LessonNotFound`, a store problem `StoreUnavailable`: the command's
    caller turns each into one `playground:` line and its status."""
    from playground.cli.tutorial_lines import show_tutorial, tutorials_table
    from playground.lessons.store import LessonStore
    from playground.lessons.tutorials import TUTORIALS
    from playground.runs import open_store

    if args.action == "create":
        return _create(args)
    if args.action == "show" and args.lesson_id in TUTORIALS:
        show_tutorial(args.lesson_id, args.json)  # built in: no store needed
        return 0
    if args.action == "list" and not args.json:
        print(tutorials_table())  # built in: listed even without a store
        print()
    lessons = LessonStore(open_store())
    if args.action == "list":
        _list(lessons, args.json)
    elif args.action == "show":
        _show(lessons, args.lesson_id, args.json)
    elif args.action == "board":
        _board(lessons, args.lesson_id, args.json)
    elif args.action == "export":
        return _export(lessons, args)
    elif args.action == "delete":
        return _delete(lessons, args)
    elif args.action == "close":
        lesson = lessons.close(args.lesson_id, closed=not args.reopen)
        _say(tr("lesson {lesson} is closed to new students", lesson=lesson.id)
             if lesson.closed else tr("lesson {lesson} takes students again",
                                      lesson=lesson.id))
    return 0


def _delete(lessons: Any, args: Any) -> int:
    """Deletes a lesson once `--yes` confirms it; without it, says what
    would go and deletes nothing."""
    from playground.cli import UsageError

    lesson = lessons.load(args.lesson_id)
    if not args.yes:
        raise UsageError(tr(
            "Deleting lesson {lesson} ({title}) removes {students} and {runs} for "
            "good. Add --yes to delete it; `playground lesson export {lesson} --csv "
            "FILE` keeps its runs first.", lesson=lesson.id, title=_plain(lesson.title),
            students=tr_n("{count} student", "{count} students",
                          len(lessons.students(lesson.id))),
            runs=tr_n("{count} run", "{count} runs", len(lessons.runs_of(lesson.id)))))
    deleted = lessons.delete(lesson.id)
    _say(tr_n("lesson {lesson} deleted with {count} run",
              "lesson {lesson} deleted with its {count} runs", deleted, lesson=lesson.id))
    return 0


def _say(message: str) -> None:
    print(f"playground: {' '.join(message.split())}", file=sys.stderr, flush=True)


def _create(args: Any) -> int:
    from playground.cli import load_config
    from playground.lessons.lesson import Lesson
    from playground.lessons.limits import Limits
    from playground.lessons.store import LessonStore
    from playground.model.checks import check_experiment
    from playground.runs import open_store

    exp = load_config(args.config)
    check_experiment(exp)
    lesson = Lesson(title=args.title, experiment=exp, text=_text(args.text),
                    locked=_names(args.lock), hidden=_names(args.hide),
                    limits=Limits.parse(args.limit), goal=args.goal)
    token = LessonStore(open_store()).create(lesson)
    student = f"lesson={lesson.id}"
    teacher = f"{student}&teach={token}"
    if args.json:
        print(json.dumps({"lesson": lesson.to_dict(), "student_query": student,
                          "teacher_query": teacher}))
    else:
        print(aligned_table(None, [(tr("lesson"), lesson.id), (tr("students"), student),
                            (tr("teacher"), teacher)]))
    _say(tr("the teacher's link is shown only this once: keep it private (whoever "
            "has it sees the board and runs the lesson)."))
    return 0


def _list(lessons: Any, as_json: bool) -> None:
    found = lessons.list()
    counts = lessons.counts()
    if as_json:
        from playground.cli.tutorial_lines import tutorial_entries

        print(json.dumps(tutorial_entries() + [{"lesson": lesson.to_dict(),
                           "students": counts.get(lesson.id, (0, 0))[0],
                           "runs": counts.get(lesson.id, (0, 0))[1]}
                          for lesson in found]))
        return
    if not found:
        _say(tr("no lessons in {store}.", store=lessons.runs.where))
        return
    print(aligned_table(tuple(map(tr, (mark("ID"), mark("TITLE"), mark("STUDENTS"),
                                       mark("RUNS"), mark("GOAL"), mark("STATE"),
                                       mark("CREATED")))), [
        (lesson.id, _plain(lesson.title), str(counts.get(lesson.id, (0, 0))[0]),
         str(counts.get(lesson.id, (0, 0))[1]), str(lesson.goal or "-"),
         tr("closed") if lesson.closed else tr("open"), _when(lesson.created_at))
        for lesson in found]))


def _show(lessons: Any, lesson_id: str, as_json: bool) -> None:
    lesson = lessons.load(lesson_id)
    students = lessons.students(lesson_id)
    if as_json:
        print(json.dumps({"lesson": lesson.to_dict(), "student_query":
                          f"lesson={lesson.id}",
                          "students": [s.to_dict() for s in students]}, indent=2))
        return
    limits = " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                      for k, v in lesson.limits.to_dict().items())
    print(aligned_table(None, [
        (tr("title"), _plain(lesson.title)), (tr("lesson"), lesson.id),
        (tr("state"), tr("closed") if lesson.closed else tr("open")),
        (tr("created"), _when(lesson.created_at)),
        (tr("goal"), str(lesson.goal or "-")),
        (tr("locked"), ", ".join(lesson.locked) or "-"),
        (tr("hidden"), ", ".join(lesson.hidden) or "-"),
        (tr("limits"), limits or "-"),
        (tr("students"), ", ".join(_plain(s.name) for s in students) or "-"),
        (tr("students' link"), f"lesson={lesson.id}"),
        (tr("experiment"), lesson.experiment.to_query_string())]))
    if lesson.text:
        print()
        print(_plain(lesson.text).rstrip())


def _board(lessons: Any, lesson_id: str, as_json: bool) -> None:
    from playground.lessons.board import ranked_metric

    lesson = lessons.load(lesson_id)
    rows = lessons.board(lesson_id)
    metric = ranked_metric(lesson.goal)
    if as_json:
        print(json.dumps({"lesson": lesson.id, "goal": None if lesson.goal is None
                          else str(lesson.goal), "metric": metric,
                          "rows": [row.to_dict() for row in rows]}))
        return
    if not rows:
        _say(tr("nobody has joined lesson {lesson} yet.", lesson=lesson.id))
        return
    print(aligned_table((tr("RANK"), tr("NAME"), tr("TEST {metric}", metric=metric.upper()),
                         tr("GOAL"), tr("RUN"), tr("EPOCHS"), tr("PARAMS"),
                         tr("FINISHED")), [
        ("-" if row.rank is None else str(row.rank), _plain(row.name),
         "-" if row.value is None else f"{row.value:.4g}",
         "-" if row.goal_met is None else (tr("met") if row.goal_met else tr("not yet")),
         row.run_id or "-", "-" if row.epochs_run is None else str(row.epochs_run),
         "-" if row.params is None else format(row.params, ","),
         _when(row.finished_at)) for row in rows]))


def _export(lessons: Any, args: Any) -> int:
    from playground.cli import UsageError
    from playground.lessons.export import experiments_zip, runs_csv

    if not args.csv and not args.zip:
        raise UsageError(tr("lesson export needs --csv FILE, --zip FILE or both."))
    lesson = lessons.load(args.lesson_id)
    runs = lessons.runs_of(args.lesson_id)
    for path, make in ((args.csv, runs_csv), (args.zip, experiments_zip)):
        if path:
            Path(path).write_bytes(make(lesson, runs))
            print(tr_n("wrote {file} ({count} run)", "wrote {file} ({count} runs)",
                       len(runs), file=path))
    return 0
