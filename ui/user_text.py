"""User text shown as text: file, column, class and run names, notes.

Streamlit renders labels, captions and messages as Markdown, so a CSV file
named `![x](http://host/x.png).csv` would make every browser that shows it
fetch that address, and `[click](http://...)` in a class name would be a
link. Where user text must sit inside Markdown (a caption, a widget label,
a subheader), it goes through `escape_markdown`; where it can stand alone,
`st.text` or a dataframe shows it without any Markdown. Figures escape the
same text for Plotly with `playground.charts.style.plotly_text`.
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")
# A word Markdown would turn into a link by itself (GitHub's autolinks,
# which Streamlit renders): an address with a scheme, `www.`, or an `@`.
_LINK_LIKE = re.compile(r"(?i)\S*(?:[a-z][a-z0-9+.-]*:/|www\.|@|mailto:|xmpp:)\S*")


_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def escape_markdown(text: str) -> str:
    """Makes text display literally: a link or image in it stays text.

    Backslash escapes stop Markdown's links, images and emphasis. A word
    that would be autolinked even so (`www.x.org`, `https://x.org`,
    `a@x.org`) is shown as inline code instead: literal, not a link, and
    what a reader copies is exactly what is shown (a download address
    pasted into `curl`, say). Inline code already in the text (a message
    naming a field as `epochs`) stays inline code: it is literal too.
    """
    parts, start = [], 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(_escape_prose(text[start:span.start()]))
        parts.append(span.group())
        start = span.end()
    parts.append(_escape_prose(text[start:]))
    return "".join(parts)


def _escape_prose(text: str) -> str:
    parts, start = [], 0
    for match in _LINK_LIKE.finditer(text):
        word = match.group().rstrip(".,;:!?")  # a sentence's end stays prose
        parts.append(_MARKDOWN.sub(r"\\\1", text[start:match.start()]))
        parts.append(_code_span(word))
        start = match.start() + len(word)
    parts.append(_MARKDOWN.sub(r"\\\1", text[start:]))
    return "".join(parts)


def _code_span(word: str) -> str:
    """`word` as Markdown inline code, fenced with more backticks than it
    holds in a row (CommonMark), spaced when it starts or ends with one."""
    longest = max((len(run) for run in re.findall(r"`+", word)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if word.startswith("`") or word.endswith("`") else ""
    return f"{fence}{pad}{word}{pad}{fence}"
