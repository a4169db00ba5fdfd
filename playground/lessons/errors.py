"""What can go wrong with a lesson, as exceptions whose text is for the user."""

from __future__ import annotations


class LessonNotFound(LookupError):
    """No lesson has this id (or the id is not one), or a stored lesson
    cannot be read back."""


class LessonClosed(ValueError):
    """The lesson is closed: nobody may join it any more."""


class NameRefused(ValueError):
    """A student's name cannot be used: empty, too long, not plain text, or
    taken in the lesson.

    Attributes:
        suggestion: A free name to offer instead (`Ana 2` for a taken
            `Ana`), or None when the name itself must change.
    """

    def __init__(self, message: str, suggestion: str | None = None):
        super().__init__(message)
        self.suggestion = suggestion
