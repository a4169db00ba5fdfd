"""Whose run is it: anyone with a run's link may watch it; only the browser
that started it may stop, rename or delete it.

Each AppTest is a browser of its own (a fresh browser id); both run in this
process, so a live run started by one is found live by the other's link,
exactly as two browsers on one server.
"""

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.runs import RunRecord, open_store

from tests.app.sessions import app, ended
from tests.app.test_app import shown

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120


def browser(**query) -> AppTest:
    """A fresh browser (an AppTest has no cookie: a new browser id) at a link."""
    return app(**query)


def first_epoch(job) -> None:
    deadline = time.monotonic() + TIMEOUT
    while job.progress()["epoch"] < 1:
        assert not job.done and time.monotonic() < deadline, "no epoch in time"
        time.sleep(0.05)


@pytest.mark.workers
def test_a_viewer_of_a_live_run_cannot_stop_it_and_its_owner_can(store_url):
    owner = browser(dataset="circle", epochs="2000", batch="2")
    owner.switch_page("views/train.py").run()
    owner.button(key="train_button").click().run()
    job = owner.session_state["training_job"]
    first_epoch(job)
    owner.run()
    run_id = owner.query_params["run"]
    assert run_id == job.id

    viewer = browser(run=run_id)
    viewer.switch_page("views/train.py").run()
    assert viewer.session_state["training_job"] is job  # watching it live
    stop = viewer.button(key="stop_button")
    assert stop.disabled
    assert any("started by another browser" in c.value for c in viewer.main.caption)
    viewer.run()
    assert not job.stop_requested and not job.done

    assert not owner.button(key="stop_button").disabled
    owner.button(key="stop_button").click().run()
    result = job.wait(60)
    assert result.status == "stopped"
    assert result.message.startswith("Stopped by you after")


def select_first_run(at: AppTest) -> AppTest:
    at.switch_page("views/runs.py").run()
    at.session_state["runs_table"] = {"selection": {"rows": [0], "columns": []}}
    return at.run()


def test_the_command_lines_runs_are_read_only_where_the_host_says_so(store_url,
                                                                      monkeypatch):
    store = open_store(store_url)
    record = RunRecord(experiment=PRESETS["xor"].experiment, name="from the shell",
                       status="completed")  # owner None: the command line's
    store.save(record)

    monkeypatch.setenv("PLAYGROUND_SHARED_RUNS", "read-only")
    at = select_first_run(browser())
    assert not at.exception
    assert not [b for b in at.main.button if b.key == "runs_delete"]
    assert any("command line" in c.value for c in at.main.caption)
    assert not at.main.get("form")  # no rename form either

    monkeypatch.setenv("PLAYGROUND_SHARED_RUNS", "cli")  # the default, on a laptop
    at = select_first_run(browser())
    at.button(key="runs_delete").click().run()
    assert store.list() == []


def test_a_browser_cannot_delete_a_run_it_only_opened_by_link(store_url):
    store = open_store(store_url)
    record = RunRecord(experiment=PRESETS["xor"].experiment, name="someone else's",
                       status="completed", owner="another-browser-id-0123456789")
    store.save(record)
    at = browser(run=record.id)
    at.switch_page("views/train.py").run()
    assert not at.exception
    assert at.session_state["training_job"].creator == record.owner
    assert any("started by another browser" in c.value for c in at.main.caption)
    assert [s.id for s in store.list(owner=record.owner)] == [record.id]


@pytest.mark.workers
def test_a_browser_trains_one_run_at_a_time_across_its_tabs(store_url):
    """A second Train from the same browser, in another tab, is refused with
    the run that is training instead of queueing another one."""
    first_tab = browser(dataset="circle", epochs="2000", batch="2")
    first_tab.switch_page("views/train.py").run()
    first_tab.button(key="train_button").click().run()
    job = first_tab.session_state["training_job"]
    first_epoch(job)

    second_tab = browser(dataset="xor", epochs="3")  # the same cookie: the same browser
    second_tab.session_state["browser_id"] = first_tab.session_state["browser_id"]
    second_tab.switch_page("views/train.py").run()
    second_tab.button(key="train_button").click().run()
    assert not second_tab.exception
    assert "training_job" not in second_tab.session_state  # nothing was queued
    said = " ".join(shown(w) for w in second_tab.warning)
    assert "already has a run training" in said and job.id in said

    other_browser = browser(dataset="xor", epochs="3")  # others are not held up
    other_browser.switch_page("views/train.py").run()
    other_browser.button(key="train_button").click().run()
    assert other_browser.session_state["training_job"] is not None

    first_tab.button(key="stop_button").click().run()
    assert job.wait(60).status == "stopped"
    ended(other_browser.session_state["training_job"])
    second_tab.button(key="train_button").click().run()  # free again
    assert ended(second_tab.session_state["training_job"]).status == "completed"
