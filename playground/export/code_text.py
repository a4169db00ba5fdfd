"""Small pieces of Python source for the exported scripts.

`function_source` copies one of the app's own functions into a script (so
the script splits and prepares data exactly as the app does), and
`number_literal` writes a float setting the way Keras accepts it.
"""

from __future__ import annotations

import inspect
import textwrap

from playground.fields import format_number


def function_source(function) -> str:
    """A function's code, its docstring cut to the first line."""
    code = textwrap.dedent(inspect.getsource(function)).strip()
    doc = inspect.getdoc(function)
    if doc and "\n" in doc:
        start = code.index('"""')
        end = code.index('"""', start + 3) + 3
        code = f'{code[:start]}"""{doc.splitlines()[0]}"""{code[end:]}'
    return code


def number_literal(value: float) -> str:
    """A float setting as a Python float literal: Keras refuses an int where
    it wants a float (`Adadelta(learning_rate=1)` raises), so 1.0 stays 1.0."""
    text = format_number(value) if value else "0.0"
    return text if any(c in text for c in ".eE") else text + ".0"
