"""A lesson applied to the experiment a student asks for.

A student's experiment may come from anywhere: the lesson's link, a link a
classmate shared, a saved run, an experiment file. `apply_lesson` starts from
it and puts back the lesson's value of every field the lesson fixes (locked
or hidden), through the experiment's own field table, so no link can get
round a lock; each field the request tried to change is named in a notice
for the page to show.
"""

from __future__ import annotations

from playground.config import FIELDS_BY_NAME, Experiment
from playground.fields import ConfigError, ConfigErrors
from playground.i18n import tr
from playground.lessons.lesson import Lesson

MAX_VALUE_SHOWN = 60


def _shown(name: str, value) -> str:
    """A field's value as a link writes it, cut to a readable length."""
    text = FIELDS_BY_NAME[name].to_text(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[:MAX_VALUE_SHOWN - 1] + "…"


def apply_lesson(lesson: Lesson, requested: Experiment) -> tuple[Experiment, list[str]]:
    """The experiment a student may train: `requested` with every field the
    lesson fixes set back to the lesson's value.

    Args:
        lesson: The lesson the student is in.
        requested: The experiment asked for (from a link, a file, a run).

    Returns:
        The experiment, and one notice per fixed field whose requested value
        was different ("`learning_rate` is locked by the lesson at 0.03; the
        link's 0.1 was ignored."). When the requested settings cannot be
        combined with the lesson's fixed ones at all (a validation share
        that, with the lesson's test share, leaves too little to train on),
        the lesson's experiment is returned with a notice saying so.

    Limits are not applied here: `limit_problems` says what exceeds them,
    for the page to refuse training until it is changed.
    """
    fixed = lesson.fixed_fields
    changes, notices = {}, []
    for name in fixed:
        ours, theirs = getattr(lesson.experiment, name), getattr(requested, name)
        if ours == theirs:
            continue
        changes[name] = ours
        values = dict(field=name, value=_shown(name, ours),
                      requested=_shown(name, theirs))
        notices.append(
            tr("`{field}` is locked by the lesson at {value}; the link's {requested} "
               "was ignored.", **values) if name in lesson.locked else
            tr("`{field}` is set by the lesson at {value}; the link's {requested} "
               "was ignored.", **values))
    if not changes:
        return requested, notices
    try:
        return requested.replace(**changes), notices
    except (ConfigError, ConfigErrors):
        return lesson.experiment, [tr(
            "The link's settings do not fit with the settings the lesson fixes "
            "({fields}), so the lesson's own experiment was opened.",
            fields=", ".join(fixed))]
