"""Students' names in a lesson: plain text, short, one per person.

A student joins a lesson under a name the board shows to the class. It is
trimmed (and runs of spaces made one), must hold 1 to `MAX_NAME_LENGTH`
printable characters, and is unique within the lesson whatever its case
(`name_key`): `ana` cannot join beside `Ana`. A taken name is refused with a
free one to offer (`Ana` → `Ana 2`). The name is plain text: pages show it
as text, never as Markdown or HTML.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from playground.i18n import tr
from playground.lessons.errors import NameRefused

MAX_NAME_LENGTH = 40
_NUMBERED = re.compile(r"(.*\S) (\d{1,6})")


@dataclass(frozen=True)
class Student:
    """A student of a lesson.

    Attributes:
        lesson_id: The lesson joined.
        name: The name as the board shows it (checked, trimmed); a run of
            theirs is tagged with exactly this name.
        owner: The browser that joined (the id the app's runs carry), or
            None (the command line).
        joined_at: Unix time in seconds.
    """

    lesson_id: str
    name: str
    owner: str | None
    joined_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"lesson_id": self.lesson_id, "name": self.name, "owner": self.owner,
                "joined_at": self.joined_at}


def check_name(name: Any) -> str:
    """The name as kept: NFC, trimmed, inner spaces made single.

    Raises:
        NameRefused: for a name that is not text, empty, longer than
            `MAX_NAME_LENGTH` characters or holds control characters.
    """
    if not isinstance(name, str):
        raise NameRefused(tr("A name is text; received {value}.",
                             value=type(name).__name__))
    if len(name) > 10 * MAX_NAME_LENGTH:  # not worth normalising
        raise NameRefused(tr("A name is at most {count} characters; received {length}. "
                             "Shorten it.", count=MAX_NAME_LENGTH,
                             length=format(len(name), ",")))
    kept = re.sub(r" {2,}", " ", unicodedata.normalize("NFC", name).strip())
    if not kept:
        raise NameRefused(tr("Type a name (it may not be empty or only spaces)."))
    if not kept.isprintable():
        raise NameRefused(tr("A name is one line of plain characters: remove tabs, "
                             "line breaks and other invisible characters."))
    if len(kept) > MAX_NAME_LENGTH:
        raise NameRefused(tr("A name is at most {count} characters; received {length}. "
                             "Shorten it.", count=MAX_NAME_LENGTH,
                             length=len(kept)))
    return kept


def name_key(name: str) -> str:
    """What makes two names the same in a lesson: the name case-folded."""
    return name.casefold()


def free_name(name: str, taken: Iterable[str]) -> str:
    """The first of `name 2`, `name 3`, ... whose key is not `taken`
    (`Ana 2` taken: `Ana 3`), cut to fit `MAX_NAME_LENGTH`."""
    keys = {name_key(t) for t in taken}
    match = _NUMBERED.fullmatch(name)
    base, number = (match[1], int(match[2]) + 1) if match else (name, 2)
    while True:
        suffix = f" {number}"
        candidate = base[:MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix
        if name_key(candidate) not in keys:
            return candidate
        number += 1


def name_taken(name: str, taken: Iterable[str]) -> NameRefused:
    """The refusal of a taken name, with a free one to offer."""
    suggestion = free_name(name, taken)
    return NameRefused(tr("{name} is already in this lesson. Pick another name, such "
                          "as {suggestion}.", name=name, suggestion=suggestion),
                       suggestion)
