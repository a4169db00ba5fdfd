"""A lesson's Markdown made safe: no HTML, links only to http(s).

Each result is also read back by an independent CommonMark parser
(markdown-it-py, with its own link filter switched off so that it shows
every link it finds), which must find no HTML and no link or image to
anything but an http(s) address.
"""

from __future__ import annotations

import random

import pytest

from playground.lessons import safe_markdown


def rendered_problems(markdown: str) -> list[str]:
    """What a CommonMark renderer would make unsafe of `markdown`."""
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda url: True  # show every link, even javascript:
    found = []
    stack = list(parser.parse(markdown))
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        if token.type in ("html_block", "html_inline"):
            found.append(f"HTML {token.content!r}")
        target = token.attrGet("href") if token.type == "link_open" else (
            token.attrGet("src") if token.type == "image" else None)
        if target is not None and not str(target).lower().startswith(
                ("http://", "https://")):
            found.append(f"link to {target!r}")
    return found


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "Click [here](javascript:alert(1)) now",
    "![pic](data:image/svg+xml;base64,PHN2Zz4=)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "raw <javascript:alert(1)> autolink",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( \n javascript:alert(1))",
    "[x](javascript\\:alert(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]:\n  javascript:alert(1) 'title'",
    "> [x](vbscript:msgbox(1))",
    "- [a [b](javascript:1)](https://ok.org)",
    "`code` [x](`javascript:1`)",
    "<a href='javascript:alert(1)'>x</a>",
    "<!-- comment --><style>body{}</style>",
    "[x](//evil.example/path)",
    "[x](/relative)",
])
def test_html_and_non_http_links_do_not_survive(text):
    safe = safe_markdown(text)
    assert rendered_problems(text) or "[x](/relative)" in text or "//evil" in text \
        or "[x](`" in text  # each sample is unsafe as written
    assert rendered_problems(safe) == []
    assert "<script" not in safe.lower() and "<img" not in safe.lower()


def test_the_teachers_markdown_keeps_its_meaning():
    text = ("# Spirals\n\nTrain a **small** net: see [Keras](https://keras.io \"docs\") "
            "and <https://keras.io/api/>.\n\n- one\n- two\n\n| a | b |\n|---|---|\n"
            "| 1 | 2 |\n\n[ref]: HTTPS://example.org\n")
    assert safe_markdown(text) == text
    assert safe_markdown("a < b and x > y") == "a &lt; b and x > y"


def test_an_unsafe_link_keeps_its_text():
    assert safe_markdown("Go [there](javascript:alert(1)) now") == "Go there now"
    assert safe_markdown("![a cat](data:image/png;base64,AAAA)") == "a cat"


def test_fenced_code_is_kept_and_cannot_escape_its_block():
    code = "```python\nif a < b:\n    print('<b>')\n```"
    safe = safe_markdown("Before <b>\n" + code + "\nafter <i>")
    assert "if a < b:\n    print('<b>')" in safe
    assert safe.startswith("Before &lt;b>") and safe.endswith("after &lt;i>")
    assert rendered_problems(safe) == []
    # A shorter fence inside does not close the block; a longer one does.
    sneaky = "````\n```\n<script>alert(1)</script>\n`````\n<img src=x onerror=alert(1)>"
    safe = safe_markdown(sneaky)
    assert rendered_problems(safe) == []
    assert "```\n<script>alert(1)</script>\n" in safe  # code, shown as written
    assert safe.endswith("&lt;img src=x onerror=alert(1)>")  # prose again, escaped
    unclosed = safe_markdown("~~~js\n<script>x</script>")
    assert rendered_problems(unclosed) == [] and "<script>x</script>" in unclosed


PIECES = ["[", "]", "(", ")", "<", ">", "!", "\\", "`", "```", "~~~", "\n", "\n\n",
          " ", "   ", "    ", "> ", "- ", ":", "]:", "](", "\"", "'", "&#106;", "&lt;",
          "javascript:alert(1)", "https://ok.org", "http:", "data:text/html,x",
          "img src=x onerror=alert(1)", "script", "a", "|", "*", "#"]


def test_random_markdown_never_renders_html_or_unsafe_links():
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
        safe = safe_markdown(text)
        assert rendered_problems(safe) == [], (text, safe)
        assert safe_markdown(safe) == safe or rendered_problems(safe_markdown(safe)) == []
