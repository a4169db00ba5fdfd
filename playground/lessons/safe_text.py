"""A lesson's text made safe to render as Markdown: no HTML, links only to
http and https.

A teacher writes the lesson's text in Markdown, and every student's browser
renders it. `safe_markdown` returns Markdown in which:

- no HTML survives: every `<` outside code blocks is written `&lt;`, so
  `<script>`, `<img onerror=...>` and `<javascript:...>` autolinks read as
  text (an autolink to an http or https address, `<https://keras.io>`, is
  kept);
- a link or image whose target does not start with `http://` or
  `https://` (`javascript:`, `data:`, `vbscript:`, a relative path, a target
  hidden behind entities or backslashes) becomes its plain text, and a
  reference definition (`[id]: target`) with such a target is no longer one;
- fenced code blocks are kept as written, fenced again at the start of a
  line with a fence longer than any backtick run in them, so nothing in them
  can end them early or be read as anything but code.

The checks are on the text a Markdown renderer reads (CommonMark with
GitHub's tables, as Streamlit's `st.markdown` renders it), and they err on
the side of plain text: a link that only looks odd to a renderer is made
text. Inline code keeps its `<` written as `&lt;`; write code that needs
`<` in a fenced block.
"""

from __future__ import annotations

import re

MAX_CODE_INFO = 30
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]*)>", re.IGNORECASE)
_SAFE_TARGET = re.compile(r"(?:&lt;)?https?://", re.IGNORECASE)
_GAP = re.compile(r"[ \t]*\n?[ \t]*")  # spaces, and up to one line ending
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_INLINE_LINK = re.compile(
    r"(!?)\[([^\[\]\n]*)\]\([ \t]*\n?[ \t]*"
    r"(?:&lt;[^\n]*?>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?[ \t]*\n?[ \t]*\)")


def safe_markdown(text: str) -> str:
    """The lesson's text as Markdown that renders no HTML and links only to
    http(s) addresses (see the module's docstring for what changes).

    Line endings become `\\n`; other control characters are dropped.
    """
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    parts, prose = [], []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        fence = _opening_fence(lines[index])
        if fence is None:
            prose.append(lines[index])
            index += 1
            continue
        marker, info = fence
        body, index = _fenced_body(lines, index + 1, marker)
        parts.append(_safe_prose("\n".join(prose)))
        prose = []
        parts.append(_code_block(body, info))
    parts.append(_safe_prose("\n".join(prose)))
    return "\n".join(part for part in parts if part)


def _opening_fence(line: str) -> tuple[str, str] | None:
    """The fence (its characters) and info string of a line that opens a
    fenced code block as CommonMark reads it, else None."""
    match = _FENCE.fullmatch(line)
    if match is None:
        return None
    marker, info = match.groups()
    if marker[0] == "`" and "`" in info:  # not a fence: an inline code span
        return None
    return marker, info.strip()


def _fenced_body(lines: list[str], index: int, marker: str) -> tuple[list[str], int]:
    """The lines of a fenced block up to its closing fence (or the end of
    the text) and the index of the line after it."""
    closing = re.compile(r" {0,3}" + re.escape(marker[0]) + "{%d,}[ \t]*" % len(marker))
    body = []
    while index < len(lines):
        if closing.fullmatch(lines[index]):
            return body, index + 1
        body.append(lines[index])
        index += 1
    return body, index


def _code_block(body: list[str], info: str) -> str:
    """The block fenced again: after a blank line, at the start of a line,
    with more backticks than any run in it, and a plain language name."""
    longest = max((len(run) for line in body for run in re.findall(r"`+", line)),
                  default=0)
    fence = "`" * max(3, longest + 1)
    language = re.match(r"[\w+-]*", info).group()[:MAX_CODE_INFO]
    return "\n".join(["", fence + language, *body, fence, ""])


def _safe_prose(text: str) -> str:
    """Prose with its HTML escaped and its unsafe links made plain text."""
    kept = []
    for part in re.split(r"(<https?://[^\s<>]*>)", text, flags=re.IGNORECASE):
        kept.append(part if _AUTOLINK.fullmatch(part) else part.replace("<", "&lt;"))
    text = "".join(kept)
    while True:
        spot = _unsafe_link(text)
        if spot is None:
            return text
        text = _plain(text, spot)


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` is backslash-escaped (an odd run of
    backslashes before it)."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _unsafe_link(text: str) -> int | None:
    """The index of the first `]` that ends a link label (`](` or `]:`)
    whose target is not an http(s) address, else None."""
    for match in re.finditer(r"\]([(:])", text):
        at = match.start()
        if _escaped(text, at):
            continue
        start = _GAP.match(text, match.end()).end()
        if not _SAFE_TARGET.match(text, start):
            return at
    return None


def _plain(text: str, at: int) -> str:
    """The link whose label ends at `at` as its plain text, or, where the
    link is not of a simple form, its `]` escaped so that it is no link."""
    if text[at + 1] == "(":
        opening = text.rfind("[", 0, at)
        if opening >= 0 and not _escaped(text, opening):
            start = opening - 1 if opening and text[opening - 1] == "!" \
                and not _escaped(text, opening - 1) else opening
            match = _INLINE_LINK.match(text, start)
            if match is not None and match.end(2) == at:
                return text[:start] + match.group(2) + text[match.end():]
    return text[:at] + "\\" + text[at:]
