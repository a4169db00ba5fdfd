"""`Lesson`: what a teacher sets up for a class, as one checked, frozen object.

A lesson is a title, a short text in Markdown, an experiment to start from,
the experiment fields the students may not change (`locked`), the pages and
controls they do not see (`hidden`), the most they may ask for (`limits`),
and an optional goal (`val_accuracy>=0.9`). It is validated in one place, its
constructor, with the experiment's error style: every problem names what was
received, what was expected and the fix; several problems are raised
together as `ConfigErrors`. `to_dict`/`from_dict` give plain JSON and read it
back strictly.

>>> lesson = Lesson(title="Spirals", experiment=Experiment(dataset="spiral"),
...                 locked=("dataset",), hidden=("search",), goal="val_accuracy>=0.9")
>>> Lesson.from_dict(lesson.to_dict()) == lesson
True
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Any

from playground.config import FIELDS_BY_NAME, Experiment
from playground.datasets import DATASETS
from playground.fields import ConfigError, ConfigErrors, unknown_keys_error
from playground.i18n import tr
from playground.lessons.errors import LessonNotFound
from playground.lessons.goal import Goal, parse_goal
from playground.lessons.limits import Limits, limit_problems
from playground.lessons.tokens import check_lesson_id, new_lesson_id
from playground.registry import REGRESSION

PAGES = ("data", "model", "train", "inspect", "evaluate", "crossval", "search", "runs")
"""The pages a lesson may hide, by the name in their address."""
FIELD_NAMES = tuple(FIELDS_BY_NAME)
"""The experiment fields a lesson may lock or hide."""
MAX_TITLE_LENGTH = 120
MAX_TEXT_LENGTH = 20_000
_KEYS = ("id", "title", "text", "experiment", "locked", "hidden", "limits", "goal",
         "created_at", "closed")


def _names(value: Any, what: str, allowed: tuple[str, ...],
           errors: list[ConfigError]) -> tuple[str, ...]:
    """A tuple of distinct names from `allowed` (a comma-separated text is
    read too); a bad one is added to `errors`."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)):
        errors.append(ConfigError(what, value, tr("a list of names")))
        return ()
    unknown = [name for name in value if not isinstance(name, str) or name not in allowed]
    if unknown:
        errors.append(ConfigError(what, unknown[0] if len(unknown) == 1 else unknown,
                                  tr("names among {names}", names=", ".join(allowed)),
                                  tr("Correct or remove the names that are not "
                                     "among these.")))
        return ()
    return tuple(dict.fromkeys(value))


@dataclass(frozen=True)
class Lesson:
    """One classroom lesson.

    Attributes:
        title: A line of plain text (1 to `MAX_TITLE_LENGTH` characters).
        experiment: Where every student starts (`Experiment`); a lesson's
            dataset is one the app ships (an uploaded CSV file stays in the
            session that uploaded it).
        text: The lesson's text in Markdown, up to `MAX_TEXT_LENGTH`
            characters; show it through `safe_markdown`.
        locked: Experiment field names the students may not change
            (`apply_lesson` puts their values back).
        hidden: Page names (`PAGES`) and experiment field names whose
            controls the pages do not show. A hidden field is locked too: a
            student cannot see its control, so nothing may change it behind
            their back.
        limits: The most the students may ask for (`Limits`).
        goal: What the students aim for (`Goal`; a text such as
            `"val_accuracy>=0.9"` is parsed), or None.
        id: The lesson's unguessable id (the students' link holds it).
        created_at: Unix time in seconds.
        closed: A closed lesson takes no new students.

    Raises:
        ConfigError, ConfigErrors: for every value that is not valid, and for
            an experiment that breaks the lesson's own limits, or a goal
            whose metric the dataset's task does not log.
    """

    title: str
    experiment: Experiment
    text: str = ""
    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    goal: Goal | None = None
    id: str = field(default_factory=new_lesson_id)
    created_at: float = field(default_factory=time.time)
    closed: bool = False

    def __post_init__(self):
        errors: list[ConfigError] = []
        self._check_texts(errors)
        if not isinstance(self.experiment, Experiment):
            errors.append(ConfigError("experiment", type(self.experiment).__name__,
                                      tr("an Experiment")))
        elif self.experiment.dataset == "csv":
            errors.append(ConfigError(
                "dataset", "csv", tr("a dataset the app ships"),
                tr("An uploaded CSV file stays in the browser that uploaded it; pick "
                   "a built-in dataset for a lesson.")))
        object.__setattr__(self, "locked", _names(self.locked, "locked", FIELD_NAMES,
                                                  errors))
        object.__setattr__(self, "hidden", _names(self.hidden, "hidden",
                                                  PAGES + FIELD_NAMES, errors))
        if not isinstance(self.limits, Limits):
            errors.append(ConfigError("limits", self.limits, tr("a Limits")))
        if isinstance(self.goal, str):
            try:
                object.__setattr__(self, "goal", parse_goal(self.goal))
            except ConfigError as error:
                errors.append(error)
        elif self.goal is not None and not isinstance(self.goal, Goal):
            errors.append(ConfigError("goal", self.goal, tr("a goal such as "
                                                            "val_accuracy>=0.9")))
        self._check_record(errors)
        if not errors:
            self._check_consistent(errors)
        if errors:
            raise errors[0] if len(errors) == 1 else ConfigErrors(errors)

    def _check_texts(self, errors: list[ConfigError]) -> None:
        title = self.title.strip() if isinstance(self.title, str) else self.title
        if not isinstance(title, str) or not 0 < len(title) <= MAX_TITLE_LENGTH \
                or not title.isprintable():
            errors.append(ConfigError(
                "title", self.title, tr("one line of 1 to {count} printable characters",
                                        count=MAX_TITLE_LENGTH),
                tr("Give the lesson a short title.")))
        else:
            object.__setattr__(self, "title", title)
        if not isinstance(self.text, str) or len(self.text) > MAX_TEXT_LENGTH:
            errors.append(ConfigError(
                "text", self.text if not isinstance(self.text, str)
                else tr("{count} characters", count=format(len(self.text), ",")),
                tr("Markdown of at most {count} characters",
                   count=format(MAX_TEXT_LENGTH, ",")),
                tr("Shorten the lesson's text.")))

    def _check_record(self, errors: list[ConfigError]) -> None:
        try:
            check_lesson_id(self.id)
        except LessonNotFound:
            errors.append(ConfigError("id", self.id, tr("a lesson id")))
        if isinstance(self.created_at, bool) or not isinstance(
                self.created_at, (int, float)) or not math.isfinite(self.created_at):
            errors.append(ConfigError("created_at", self.created_at,
                                      tr("a time in seconds")))
        if not isinstance(self.closed, bool):
            errors.append(ConfigError("closed", self.closed, tr("true or false")))

    def _check_consistent(self, errors: list[ConfigError]) -> None:
        """The lesson's own experiment keeps to its limits, and the goal's
        metric is one its task logs."""
        problems = limit_problems(self.limits, self.experiment)
        if problems:
            errors.append(ConfigError(
                "limits", self.limits.to_dict(),
                tr("limits the lesson's own experiment keeps to"),
                tr("Change the experiment or raise the limit: {problems}",
                   problems=" ".join(problems))))
        if self.goal is None:
            return
        datasets = self.limits.datasets or (self.experiment.dataset,)
        tasks = {DATASETS[name].task for name in datasets}
        name = self.goal.test_metric
        if name == "accuracy" and tasks == {REGRESSION}:
            errors.append(ConfigError("goal", str(self.goal), tr(
                "a goal the dataset's task can reach"), tr(
                "Accuracy needs classes, and this lesson's data is a regression "
                "task: aim for val_mae or val_loss instead.")))
        if name == "mae" and REGRESSION not in tasks:
            errors.append(ConfigError("goal", str(self.goal), tr(
                "a goal the dataset's task can reach"), tr(
                "The mean absolute error is logged for regression tasks only: aim "
                "for val_accuracy or val_loss instead.")))

    # -- what the pages ask -----------------------------------------------

    @property
    def fixed_fields(self) -> tuple[str, ...]:
        """The experiment fields the students cannot change: locked, and
        hidden fields."""
        hidden = tuple(name for name in self.hidden if name in FIELDS_BY_NAME)
        return tuple(dict.fromkeys(self.locked + hidden))

    def is_locked(self, name: str) -> bool:
        """Whether the experiment field `name` is fixed by the lesson (a
        page shows its control disabled, or not at all when hidden)."""
        return name in self.fixed_fields

    def is_hidden(self, name: str) -> bool:
        """Whether the page or control `name` is hidden from the students."""
        return name in self.hidden

    def with_changes(self, **changes: Any) -> Lesson:
        """A checked copy with some attributes changed (`closed=True`)."""
        return dataclasses.replace(self, **changes)

    # -- JSON -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The lesson as JSON-ready values (no teacher token: the store keeps
        only its hash, apart)."""
        return {"id": self.id, "title": self.title, "text": self.text,
                "experiment": self.experiment.to_dict(), "locked": list(self.locked),
                "hidden": list(self.hidden), "limits": self.limits.to_dict(),
                "goal": None if self.goal is None else str(self.goal),
                "created_at": self.created_at, "closed": self.closed}

    @classmethod
    def from_dict(cls, data: Any) -> Lesson:
        """Reads `to_dict()` output strictly: unknown keys and bad values are
        refused together. `title` and `experiment` are required.

        Raises:
            ConfigError, ConfigErrors: naming each problem.
        """
        if not isinstance(data, dict):
            raise ConfigError("lesson", data, tr("a JSON object"))
        errors: list[ConfigError] = []
        unknown = [key for key in data if key not in _KEYS]
        if unknown:
            errors.append(unknown_keys_error("lesson key", unknown, list(_KEYS)))
        values = {key: data[key] for key in _KEYS if key in data}
        for required in ("title", "experiment"):
            if required not in values:
                errors.append(ConfigError(required, None, tr("a value"),
                                          tr("The lesson needs a {name}.",
                                             name=required)))
        for key, read in (("experiment", Experiment.from_dict),
                          ("limits", Limits.from_dict)):
            if key in values:
                try:
                    values[key] = read(values[key])
                except ConfigErrors as many:
                    errors.extend(many.errors)
                except ConfigError as one:
                    errors.append(one)
        if errors:
            raise ConfigErrors(errors)
        return cls(**values)
