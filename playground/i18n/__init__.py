"""Translations: every string a user reads goes through one gettext catalog.

English is written in the code; `locale/zh_CN/LC_MESSAGES/messages.po` holds
its Simplified Chinese (the glossary beside it, `glossary.md`, fixes the
terms, as the Keras tutorials use them). The catalog is read with Babel and
compiled in memory on first use, so no build step can leave a stale `.mo`.

Code marks text with `tr` (and `tr_n` where English needs a plural):

>>> with use_language("zh"):
...     tr("Train")
'训练'

Placeholders are `str.format` names, filled after translation, so a
translation may move them. `mark` only marks text for the catalog, to be
translated later with `tr` (names in tables built at import time).
`template` marks a message that is made in English where no reader is
known (a worker process, a stored run) and translated where it is shown:
`translated(text)` recognises the filled-in template and translates it.
`tr_lazy` makes a message translated each time it is read instead (an
error whose reader is not known where it is raised: see `Lazy`).

The language is chosen per caller, never per process: a `use_language`
block (the command line, a test), else the resolver the
web app installs (the browser session's choice), else the environment's
`LANGUAGE`/`LC_ALL`/`LC_MESSAGES`/`LANG`, else English. Two students on one
server therefore read their own language at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import io
import os
import re
from pathlib import Path
from typing import Callable, Iterator

LANGUAGES = {"en": "English", "zh": "简体中文"}
"""The languages offered: code to its own name."""

DEFAULT_LANGUAGE = "en"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_CATALOG_LOCALES = {"zh": "zh_CN"}

_active: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "playground_language", default=None)
_resolver: Callable[[], str | None] | None = None


def normalise(code: str | None) -> str | None:
    """One of `LANGUAGES` for a language tag, or None for another language.

    `zh`, `zh-CN`, `zh_CN.UTF-8`, `zh-Hans-CN` give `"zh"`; `en-GB` gives
    `"en"`; `fr` or an empty value give None.
    """
    if not code:
        return None
    base = code.strip().replace("_", "-").split(".")[0].split("-")[0].lower()
    return base if base in LANGUAGES else None


def set_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Installs the function that names the caller's language when no
    `use_language` block is active (the web app: the browser session's)."""
    global _resolver
    _resolver = resolver


def _environment_language() -> str | None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return normalise(value.split(":")[0])
    return None


def language() -> str:
    """The caller's language code, one of `LANGUAGES`."""
    chosen = _active.get()
    if chosen is None and _resolver is not None:
        chosen = _resolver()
    return chosen or _environment_language() or DEFAULT_LANGUAGE


@contextlib.contextmanager
def use_language(code: str | None) -> Iterator[str]:
    """Makes `code` (normalised; English when unknown) the language inside
    the block, for this thread or task only."""
    token = _active.set(normalise(code) or DEFAULT_LANGUAGE)
    try:
        yield _active.get()
    finally:
        _active.reset(token)


def catalog_path(code: str) -> Path:
    """The `.po` file of a language other than English."""
    return LOCALE_DIR / _CATALOG_LOCALES[code] / "LC_MESSAGES" / f"{DOMAIN}.po"


PSEUDO = "qps"
"""A pseudo-language for tests: every string that went through the catalog
comes out wrapped in ⟦ ⟧, so text that bypassed it stands out. Not offered
to users (`normalise` never returns it)."""


class _Pseudo(gettext.NullTranslations):
    def gettext(self, message):
        return f"⟦{message}⟧"

    def ngettext(self, singular, plural, n):
        return f"⟦{singular if n == 1 else plural}⟧"


@functools.lru_cache(maxsize=None)
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (English: the text as written)."""
    if code == PSEUDO:
        return _Pseudo()
    if code not in _CATALOG_LOCALES:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(catalog_path(code), "rb") as source:
        catalog = read_po(source, locale=_CATALOG_LOCALES[code])
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def tr(message: str, /, **values: object) -> str:
    """`message` in the caller's language, its `{placeholders}` filled."""
    text = translations(language()).gettext(message)
    return text.format(**values) if values else text


def tr_n(singular: str, plural: str, count: int, /, **values: object) -> str:
    """The singular or plural form for `count` in the caller's language;
    `{count}` and the other placeholders are filled."""
    text = translations(language()).ngettext(singular, plural, count)
    return text.format(count=count, **values)


def mark(message: str) -> str:
    """Marks `message` for the catalog without translating it now."""
    return message


class Lazy:
    """Text translated each time it is read, in the reader's language.

    For a message made before its reader is known: an error that a page
    shows, the command line prints and `--json` writes in English, or that
    crosses from a worker process (rebuilt there in a thread with no page).
    `str()` and `format()` translate it then; a value may itself be `Lazy`.
    It pickles with its values. Make one with `tr_lazy` or `tr_n_lazy`.
    """

    __slots__ = ("message", "plural", "count", "values")

    def __init__(self, message: str, plural: str | None = None, count: int = 1,
                 values: dict | None = None):
        self.message, self.plural, self.count = message, plural, count
        self.values = dict(values or {})

    def __str__(self) -> str:
        if self.plural is None:
            return tr(self.message, **self.values)
        return translations(language()).ngettext(
            self.message, self.plural, self.count).format(**self.values)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self):
        return Lazy, (self.message, self.plural, self.count, self.values)


def tr_lazy(message: str, /, **values: object) -> Lazy:
    """`tr(message, **values)` when the text is read, not now (see `Lazy`)."""
    return Lazy(message, values=values)


def tr_n_lazy(singular: str, plural: str, count: int, /, **values: object) -> Lazy:
    """The singular or plural form for `count`, translated when read; unlike
    `tr_n` it fills no `{count}`: pass the number formatted as a value."""
    return Lazy(singular, plural, count, values)


_TEMPLATES: list[tuple[str, re.Pattern]] = []
"""Registered templates, the longest first: a template that extends another
is the better match, and `translated` runs on every poll of a live run."""
_FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def template(message: str) -> str:
    """Marks `message` for the catalog and registers it, so that an English
    text made from it (`message.format(...)`, in a worker or a stored run)
    is translated by `translated` where it is read.

    A value never spans a sentence break, so one template cannot swallow the
    sentence another template adds after it; but a placeholder that ends the
    message takes the rest of the text, sentences and all (`"Training failed:
    {error}"`: an error's own text is one or several sentences)."""
    parts, seen, pattern = _FIELD.split(message), set(), ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pattern += re.escape(part)
        elif part in seen:  # a placeholder used twice must match the same text twice
            pattern += f"(?P={part})"
        elif i == len(parts) - 2 and not parts[-1]:  # the message's last word
            pattern += f"(?P<{part}>.*)"
        else:
            pattern += f"(?P<{part}>(?:(?!\\. ).)*?)"
        seen.add(part)
    if all(known != message for known, _ in _TEMPLATES):
        _TEMPLATES.append((message, re.compile(pattern, re.DOTALL)))
        _TEMPLATES.sort(key=lambda entry: -len(entry[0]))
    return message


def translated(text: str) -> str:
    """`text`, made in English from a `template` or a marked string, in the
    caller's language; text the catalog does not know is returned as it is."""
    if not text or language() == DEFAULT_LANGUAGE:
        return text
    catalog = translations(language())
    direct = catalog.gettext(text)
    if direct != text:
        return direct
    for message, pattern in _TEMPLATES:
        found = pattern.fullmatch(text)
        if found:
            return catalog.gettext(message).format(**found.groupdict())
    return text
