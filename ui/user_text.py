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
_AUTOLINK = re.compile(r"(?i)(www|https?|ftp|mailto|xmpp|@)")


def escape_markdown(text: str) -> str:
    """Makes text display literally: a link or image in a URL stays text.

    Backslash escapes stop Markdown's links and images, but not GitHub's
    autolinks of bare addresses (`www.x.org`, `https://x.org`, `a@x.org`),
    which Streamlit also renders: an invisible word joiner (U+2060) after
    `www`, a scheme or `@` keeps those as text too.
    """
    return _AUTOLINK.sub("\\1\u2060", _MARKDOWN.sub(r"\\\1", text))
