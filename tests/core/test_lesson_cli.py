"""`playground lesson`: create, list, show, board, export, close and delete."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest

from playground.cli import main
from playground.lessons import LessonStore
from playground.presets import PRESETS
from playground.runs import open_store

from tests.core.run_samples import make_record


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def create(capsys, *extra):
    code, out, err = run(capsys, "lesson", "create", "spiral", "--title", "Spirals",
                         "--lock", "learning_rate,dataset", "--hide", "search",
                         "--limit", "epochs=500", "--limit", "layers=4",
                         "--goal", "val_accuracy>=0.9", "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_create_prints_the_lesson_and_both_links(capsys, tmp_path):
    text = tmp_path / "lesson.md"
    text.write_text("# Spirals\n\nKeep the net **small**.\n", encoding="utf-8")
    made = create(capsys, "--text", str(text))
    lesson = made["lesson"]
    assert set(made) == {"lesson", "student_query", "teacher_query"}
    assert made["student_query"] == f"lesson={lesson['id']}"
    token = re.fullmatch(rf"lesson={lesson['id']}&teach=([\w-]+)",
                         made["teacher_query"])[1]
    assert (lesson["title"], lesson["locked"], lesson["hidden"], lesson["goal"]) == (
        "Spirals", ["learning_rate", "dataset"], ["search"], "val_accuracy>=0.9")
    assert lesson["limits"] == {"epochs": 500, "layers": 4}
    assert lesson["text"].startswith("# Spirals")
    assert lesson["experiment"] == PRESETS["spiral"].experiment.to_dict()
    assert LessonStore(open_store()).is_teacher(lesson["id"], token)

    code, out, err = run(capsys, "lesson", "create", "xor", "--title", "XOR")
    assert code == 0 and "shown only this once" in err
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert set(lines) == {"lesson", "students", "teacher"}
    assert lines["students"] == f"lesson={lines['lesson']}"
    assert lines["teacher"].startswith(f"lesson={lines['lesson']}&teach=")


def test_list_and_show(capsys):
    code, _, err = run(capsys, "lesson", "list")
    assert code == 0 and err.startswith("playground: no lessons in ")
    lesson = create(capsys)["lesson"]
    LessonStore(open_store()).join(lesson["id"], "Ana")
    code, out, _ = run(capsys, "lesson", "list")
    header, row = out.split("\n\n")[1].splitlines()  # after the tutorials
    assert header.split() == ["ID", "TITLE", "STUDENTS", "RUNS", "GOAL", "STATE",
                              "CREATED"]
    assert row.split()[:6] == [lesson["id"], "Spirals", "1", "0", "val_accuracy>=0.9",
                               "open"]
    code, out, _ = run(capsys, "lesson", "list", "--json")
    assert code == 0 and json.loads(out)[5:] == [{"lesson": lesson, "students": 1,
                                                  "runs": 0}]
    code, out, _ = run(capsys, "lesson", "show", lesson["id"], "--json")
    shown = json.loads(out)
    assert shown["lesson"] == lesson and [s["name"] for s in shown["students"]] == ["Ana"]
    assert "teach" not in out  # the token is never shown again
    code, out, _ = run(capsys, "lesson", "show", lesson["id"])
    assert code == 0 and "learning_rate, dataset" in out and "Ana" in out


def test_board_ranks_the_students(capsys):
    lesson = create(capsys)["lesson"]
    lessons = LessonStore(open_store())
    for name in ("Ana", "Bo"):
        lessons.join(lesson["id"], name)
    store = open_store()
    ana = make_record(lesson_id=lesson["id"], student="Ana",
                      test_metrics={"loss": 0.3, "accuracy": 0.85})
    bo = make_record(lesson_id=lesson["id"], student="Bo",
                     test_metrics={"loss": 0.1, "accuracy": 0.95})
    store.save(ana)
    store.save(bo)
    code, out, _ = run(capsys, "lesson", "board", lesson["id"], "--json")
    board = json.loads(out)
    assert code == 0 and (board["goal"], board["metric"]) == ("val_accuracy>=0.9",
                                                               "accuracy")
    assert [(r["rank"], r["name"], r["value"], r["goal_met"], r["run_id"])
            for r in board["rows"]] == [(1, "Bo", 0.95, True, bo.id),
                                        (2, "Ana", 0.85, False, ana.id)]
    code, out, _ = run(capsys, "lesson", "board", lesson["id"])
    header, first, second = out.splitlines()
    assert header.split()[:4] == ["RANK", "NAME", "TEST", "ACCURACY"]
    assert first.split()[:4] == ["1", "Bo", "0.95", "met"]
    assert second.split()[:5] == ["2", "Ana", "0.85", "not", "yet"]


def test_export_writes_the_csv_and_the_zip(capsys, tmp_path):
    lesson = create(capsys)["lesson"]
    LessonStore(open_store()).join(lesson["id"], "=1+2")
    record = make_record(lesson_id=lesson["id"], student="=1+2")
    open_store().save(record)
    table, archive = tmp_path / "runs.csv", tmp_path / "runs.zip"
    code, out, _ = run(capsys, "lesson", "export", lesson["id"], "--csv", str(table),
                       "--zip", str(archive))
    assert code == 0 and out.splitlines() == [f"wrote {table} (1 run)",
                                              f"wrote {archive} (1 run)"]
    [row] = csv.DictReader(io.StringIO(table.read_text(encoding="utf-8")))
    assert (row["student"], row["run_id"]) == ("'=1+2", record.id)
    assert f"experiments/{record.id}.json" in zipfile.ZipFile(archive).namelist()


def test_close_and_reopen(capsys):
    lesson = create(capsys)["lesson"]
    code, _, err = run(capsys, "lesson", "close", lesson["id"])
    assert code == 0 and err == f"playground: lesson {lesson['id']} is closed to new " \
                                "students\n"
    assert LessonStore(open_store()).load(lesson["id"]).closed
    run(capsys, "lesson", "close", lesson["id"], "--reopen")
    assert not LessonStore(open_store()).load(lesson["id"]).closed


def test_delete_asks_for_yes_then_removes_the_lesson_and_its_runs(capsys):
    lesson = create(capsys)["lesson"]
    lessons, store = LessonStore(open_store()), open_store()
    lessons.join(lesson["id"], "Ana")
    kept = make_record()  # a run outside the lesson stays
    for record in (make_record(lesson_id=lesson["id"], student="Ana"), kept):
        store.save(record)
    code, out, err = run(capsys, "lesson", "delete", lesson["id"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "removes 1 student and 1 run for good. Add --yes" in err
    assert lessons.load(lesson["id"]).id == lesson["id"]  # nothing deleted yet
    code, _, err = run(capsys, "lesson", "delete", lesson["id"], "--yes")
    assert code == 0 and err == f"playground: lesson {lesson['id']} deleted with 1 run\n"
    code, _, err = run(capsys, "lesson", "show", lesson["id"])
    assert code == 2 and "No lesson has the id" in err
    assert [r.id for r in store.list()] == [kept.id]
    assert lessons.students(lesson["id"]) == []


@pytest.mark.parametrize("args, fragment", [
    (("lesson", "show", "nope"), "No lesson has the id 'nope'"),
    (("lesson", "board", "../etc"), "is not a lesson id"),
    (("lesson", "create", "spiral", "--title", "T", "--goal", "val_loss>=0.3"),
     "Lower val_loss is better: write val_loss<=0.3."),
    (("lesson", "create", "spiral", "--title", "T", "--lock", "speed"),
     "Invalid `locked`"),
    (("lesson", "create", "spiral", "--title", "T", "--limit", "layers=1"),
     "2 layers; this lesson allows at most 1."),
    (("lesson", "create", "spiral", "--title", "T", "--limit", "depth=3"),
     "NAME=MAX with NAME one of"),
    (("lesson", "create", "no-such-thing", "--title", "T"),
     "is not a preset, a file, a URL or a query string"),
    (("lesson", "create", "dataset=iris&layers=conv2d", "--title", "T"),
     "needs an image input"),
    (("lesson", "export", "nope"), "lesson export needs --csv FILE, --zip FILE"),
])
def test_bad_input_exits_2_with_one_line(capsys, args, fragment):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("playground: error: ")
    assert fragment in err


def test_a_store_that_cannot_be_used_exits_1(capsys, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("PLAYGROUND_STORE", str(tmp_path / "file" / "runs.sqlite"))
    code, out, err = run(capsys, "lesson", "list")
    assert code == 1 and err.startswith("playground: error: The run store")
    assert out.startswith("TUTORIAL")  # the built-in tutorials need no store


def test_list_shows_the_built_in_tutorials_beside_the_lessons(capsys):
    code, out, err = run(capsys, "lesson", "list")
    assert code == 0 and err.startswith("playground: no lessons in ")
    header, *rows = out.strip().splitlines()
    assert header.split() == ["TUTORIAL", "TITLE", "STEPS", "DATA"]
    found = {row.split()[0]: row for row in rows}
    assert list(found) == ["tutorial-mnist-mlp", "tutorial-cifar10-cnn",
                           "tutorial-imdb-lstm", "tutorial-iris-mlp",
                           "tutorial-house-prices"]
    assert "Iris flowers with an MLP" in found["tutorial-iris-mlp"]
    assert found["tutorial-iris-mlp"].split()[-2:] == ["6", "offline"]
    assert found["tutorial-mnist-mlp"].endswith("downloads mnist (offline: digits)")
    code, out, _ = run(capsys, "lesson", "list", "--json")
    entries = json.loads(out)
    assert [e["tutorial"]["id"] for e in entries] == list(found)
    assert entries[3]["tutorial"]["steps"] == 6
    assert entries[3]["tutorial"]["query"] == "tutorial=tutorial-iris-mlp&step=1"


def test_show_prints_a_tutorials_steps(capsys):
    code, out, _ = run(capsys, "lesson", "show", "tutorial-iris-mlp")
    assert code == 0
    assert "tutorial=tutorial-iris-mlp&step=1" in out
    for line in ("1. The data (on the Data page)", "3. Compile and train (on the "
                 "Train page)", "check: val_accuracy>=0.9",
                 "change: Replaces the three hidden layers with one Dense layer of 8 "
                 "units."):
        assert line in out
    assert "predict: After 50 epochs" in out
    code, out, _ = run(capsys, "lesson", "show", "tutorial-house-prices", "--json")
    shown = json.loads(out)
    assert shown["tutorial"]["id"] == "tutorial-house-prices"
    assert [s["page"] for s in shown["steps"]][:3] == ["data", "model", "train"]
    assert shown["steps"][4]["check"] == "no overfitting from the training doctor"
    code, out, _ = run(capsys, "--lang", "zh", "lesson", "show", "tutorial-iris-mlp")
    assert code == 0 and "鸢尾" in out
