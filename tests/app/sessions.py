"""A browser session of the app under AppTest, opened at a link.

Each AppTest has no cookie, so each is a browser of its own (a fresh browser
id); all run in the test's process, as browsers on one server do.
"""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120
# How long a test waits for a short run to end. A run on a loaded machine
# (the whole suite at once, on two cores) may first wait for its worker to
# start: TensorFlow's import and the first network took 25-35 s here with
# four busy processes beside it.
RUN_SECONDS = 300


def app(**query) -> AppTest:
    """The app opened at a link with these query parameters, after its first run."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def ended(job, seconds: float = RUN_SECONDS):
    """The result of `job` once it has ended; fails saying where the job
    stood if it has not ended within `seconds`."""
    result = job.wait(seconds)
    assert result is not None, (
        f"the run was still {job.status} after {seconds} s: {job.progress()}")
    return result
