"""A browser session of the app under AppTest, opened at a link.

Each AppTest has no cookie, so each is a browser of its own (a fresh browser
id); all run in the test's process, as browsers on one server do.
"""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120


def app(**query) -> AppTest:
    """The app opened at a link with these query parameters, after its first run."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()
