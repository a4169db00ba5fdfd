"""The web server's own process never loads TensorFlow, whatever a user does.

The app runs under AppTest in a fresh interpreter (this test process has
long imported TensorFlow): it trains, inspects and searches, and its
process still has neither TensorFlow nor Keras; the worker pool did it all.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.workers
def test_the_app_process_never_loads_tensorflow():
    """The app trains, inspects and searches; its own process has no TensorFlow."""
    code = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout=120)
at.query_params["dataset"] = "xor"
at.query_params["epochs"] = "5"
at.run()
at.switch_page("views/train.py").run()
at.button(key="train_button").click().run()
result = at.session_state["training_job"].wait(180)
assert result.status == "completed", result.message
at.switch_page("views/inspect.py").run()
assert not at.exception, at.exception
at.switch_page("views/search.py").run()
at.number_input(key="search_trials").set_value(2).run()
at.number_input(key="search_epochs").set_value(2).run()
at.button(key="search_start").click().run()
search = at.session_state["search"]
assert search.wait(180) and [t.status for t in search.trials] == ["completed"] * 2, search.message
assert "tensorflow" not in sys.modules and "keras" not in sys.modules, "loaded"
print("no tensorflow")
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().endswith("no tensorflow")


def test_a_worker_handed_the_app_as_its_main_module_draws_nothing():
    """A spawned child runs the parent's main file as `__mp_main__` before it
    knows its parent: app.py must then only define, never draw or start
    services (that raised a Streamlit error and broke the worker's start)."""
    code = ("import runpy, sys; "
            f"sys.path.insert(0, {str(ROOT)!r}); "
            f"runpy.run_path({str(ROOT / 'app.py')!r}, run_name='__mp_main__'); "
            "import streamlit.runtime as r; print('ran', r.exists())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ran False")
    assert "Traceback" not in done.stderr
