"""Lesson ids and teacher tokens: random, unguessable, URL-safe.

A lesson's id is in the students' link (`?lesson=<id>`): whoever has it may
join. The teacher's link adds a token (`&teach=<token>`) that opens the
board and the lesson's controls. The token is made once, when the lesson is
created, and shown once; the store keeps only its SHA-256, and a token is
checked against it in constant time (`hmac.compare_digest`), so neither a
copy of the database nor the time a check takes gives the token away.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from playground.i18n import tr
from playground.lessons.errors import LessonNotFound

ID_BYTES = 16  # 22 characters, as a run id
TOKEN_BYTES = 24  # 32 characters
MAX_ID_LENGTH = 32
MAX_TOKEN_LENGTH = 100
_ID = re.compile(r"[A-Za-z0-9_-]{1,%d}" % MAX_ID_LENGTH)


def _fresh(size: int) -> str:
    """A URL-safe random text that does not start with `-` (which the
    command line would take for an option)."""
    while True:
        text = secrets.token_urlsafe(size)
        if not text.startswith("-"):
            return text


def new_lesson_id() -> str:
    """A fresh, unguessable lesson id."""
    return _fresh(ID_BYTES)


def new_teacher_token() -> str:
    """A fresh teacher token; keep only `token_hash` of it."""
    return _fresh(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, in hexadecimal (64 characters)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: Any, stored_hash: str) -> bool:
    """Whether `token` is the one whose hash is `stored_hash`; False for a
    missing, empty, over-long or non-text token."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)


def check_lesson_id(lesson_id: Any) -> str:
    """Returns `lesson_id` if it has the form of a lesson id, else raises,
    before any database access.

    Raises:
        LessonNotFound: naming the value received and the form expected.
    """
    if isinstance(lesson_id, str) and _ID.fullmatch(lesson_id):
        return lesson_id
    shown = repr(lesson_id[:40]) + "..." if isinstance(lesson_id, str) \
        and len(lesson_id) > 40 else repr(lesson_id)
    raise LessonNotFound(tr(
        "{value} is not a lesson id: expected 1 to {count} letters, digits, '-' or "
        "'_', as in the lesson's link. Copy the link again.", value=shown,
        count=MAX_ID_LENGTH))
