"""Classroom lessons: a teacher's settings over the experiment, the students
who joined, their board, and an export of their runs.

- `lesson`: `Lesson` (title, Markdown text, experiment, locked fields,
  hidden pages and controls, limits, goal), checked, to and from JSON.
- `apply`: `apply_lesson(lesson, requested)` puts back the fields a lesson
  fixes and says which a link tried to change.
- `limits`: `Limits`, `limit_problems(lesson, exp)`, `trainable_params(exp)`.
- `goal`: `parse_goal("val_accuracy>=0.9")`, `goal_met`, `goal_progress`.
- `safe_text`: `safe_markdown(text)`, the lesson's text with no HTML and only http(s) links.
- `students`: names (checked, unique in a lesson whatever the case).
- `tokens`: lesson ids and teacher tokens (only a token's SHA-256 is kept).
- `store`: `LessonStore(run_store)`: create, load, list, close lessons; check
  a teacher token; join; the board; a lesson's runs; remove a student's runs.
- `board`: how the board ranks students.
- `export`: a lesson's runs as a safe CSV file, and a zip of experiments.
- `tutorials`: the five built-in guided tutorials (defined in code, no
  teacher, no store): steps, predictions, checks and a learner's progress.

The names below are loaded on first use, so a page that only reads a lesson
does not load SQLAlchemy.
"""

import importlib

_HOMES = {
    "Lesson": "lesson", "PAGES": "lesson", "apply_lesson": "apply",
    "Limits": "limits", "limit_problems": "limits", "trainable_params": "limits",
    "Goal": "goal", "GoalProgress": "goal", "parse_goal": "goal", "goal_met": "goal",
    "goal_progress": "goal", "safe_markdown": "safe_text",
    "Student": "students", "MAX_NAME_LENGTH": "students",
    "LessonNotFound": "errors", "LessonClosed": "errors", "NameRefused": "errors",
    "LessonStore": "store", "LessonRun": "store", "BoardRow": "board",
    "runs_csv": "export", "experiments_zip": "export",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'playground.lessons' has no attribute {name!r}")
    return getattr(importlib.import_module(f"playground.lessons.{_HOMES[name]}"), name)
