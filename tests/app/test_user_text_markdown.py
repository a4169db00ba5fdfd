"""User text inside Markdown: escaped so that it shows literally, with
addresses as inline code, which is never a link and copies as shown."""

import re

import pytest

from ui.user_text import escape_markdown

URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"


def unescaped(markdown: str) -> str:
    """The text a reader sees (and copies): escapes and code fences removed."""
    text = re.sub(r"(?<!\\)(`+) ?(.*?) ?\1", lambda m: m.group(2).replace("\\", "\0"),
                  markdown)
    return re.sub(r"\\(.)", r"\1", text).replace("\0", "\\")


@pytest.mark.parametrize("text", [
    f"Download mnist.npz from {URL} into /root/.keras/datasets.",
    "![x](http://host/chain.png)=1+2.csv",
    "write to a@b.example, or see www.evil.example.csv [click](javascript:x)",
    "write to a@x.org, **bold** _it_ <b>html</b> # not a title",
    "a`b and c",
    "C:\\data\\file_1.csv",
])
def test_escaped_text_reads_as_written(text):
    markdown = escape_markdown(text)
    assert unescaped(markdown) == text
    assert "\u2060" not in markdown


def test_an_address_is_inline_code_and_the_sentence_end_stays_outside():
    markdown = escape_markdown(f"Download it from {URL}.")
    assert f"`{URL}`\\." in markdown
    assert escape_markdown("![x](http://h/p.png)") == "`![x](http://h/p.png)`"
    assert escape_markdown("x ``a@b.org` y") == "x ``` ``a@b.org` ``` y"


def test_inline_code_in_a_message_stays_code():
    """The core names fields as `epochs`: shown as code, not as backticks."""
    assert escape_markdown("Invalid `epochs`: in bad_exp.json") == (
        "Invalid `epochs`\\: in bad\\_exp\\.json")
    assert escape_markdown("`![x](http://h/p.png)`") == "`![x](http://h/p.png)`"
