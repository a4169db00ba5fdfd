"""Search page: a tiny search driven through AppTest, trained for real in the pool."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 180


def search_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run().switch_page("views/search.py").run()
    assert not at.exception
    return at


@pytest.mark.workers
def test_a_tiny_grid_search_runs_shows_its_trials_and_loads_the_best(tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("PLAYGROUND_STORE", str(tmp_path / "runs.sqlite"))
    at = search_page(**PRESETS["iris-mlp"].experiment.replace(epochs=4).to_query())
    at.selectbox(key="search_strategy").set_value("grid").run()
    at.number_input(key="search_epochs").set_value(4).run()
    at.checkbox(key="search_vary_batch").check().run()
    at.multiselect(key="search_batches").set_value([16, 64]).run()
    at.select_slider(key="search_lr").set_value((0.001, 0.01)).run()
    assert any("The space has 4 grid points." in c.value for c in at.caption)
    at.button(key="search_start").click().run()
    search = at.session_state["search"]
    assert search.wait(TIMEOUT), "the search did not end"
    at.run()
    assert not at.exception
    trials = search.trials
    assert len(trials) == 4 and all(t.status == "completed" for t in trials)
    assert {(t.values["learning_rate"], t.values["batch_size"]) for t in trials} == {
        (0.001, 16), (0.001, 64), (0.01, 16), (0.01, 64)}
    table = at.dataframe[0].value
    assert list(table["#"]) == [1, 2, 3, 4] and set(table["Status"]) == {"completed"}
    assert any(c.proto.id and "search_parcoords" in c.proto.id for c in at.get("plotly_chart"))
    best = search.best()
    assert any(f"Best so far: trial {best.number}" in h.value for h in at.subheader)
    at.button(key="search_use_best").click().run()
    exp = at.session_state["experiment"]
    assert (exp.learning_rate, exp.batch_size) == (best.values["learning_rate"],
                                                   best.values["batch_size"])
    assert any("Loaded trial" in s.value for s in at.success)
    # The link now carries the best trial's experiment, not the search's.
    assert "search" not in at.query_params
    assert float(at.query_params["lr"]) == best.values["learning_rate"]
    at.selectbox(key="language_choice").set_value("zh").run()  # the same page in Chinese
    table = at.dataframe[0].value
    assert set(table["状态"]) == {"已完成"} and "秒数" in table.columns
    assert any(f"目前最佳：第 {best.number} 次试验" in h.value for h in at.subheader)


@pytest.mark.workers
def test_a_search_without_a_validation_split_says_why_and_offers_no_start():
    at = search_page(**PRESETS["xor"].experiment.replace(val_fraction=0.0).to_query())
    assert any("set the validation share above 0" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "search_start"]


@pytest.mark.workers
def test_a_bad_space_says_why_and_offers_no_start():
    at = search_page(**PRESETS["xor"].experiment.to_query())
    at.selectbox(key="search_strategy").set_value("grid").run()
    at.checkbox(key="search_vary_lr").uncheck().run()
    assert any("The search space is empty" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "search_start"]


@pytest.mark.workers
def test_a_search_link_reopens_the_search_after_a_reload(tmp_path, monkeypatch):
    from playground.search.engine import LIVE

    monkeypatch.setenv("PLAYGROUND_STORE", str(tmp_path / "runs.sqlite"))
    at = search_page(**PRESETS["xor"].experiment.replace(epochs=3).to_query())
    at.number_input(key="search_trials").set_value(2).run()
    at.number_input(key="search_epochs").set_value(3).run()
    at.button(key="search_start").click().run()
    search = at.session_state["search"]
    assert search.wait(TIMEOUT)
    at.run()
    assert at.query_params["search"] == search.id
    trials = [t.as_dict() for t in search.trials]

    LIVE.pop(search.id)  # as after a server restart: only the store knows it
    again = search_page(search=search.id)
    shown = again.session_state["search"]
    assert type(shown).__name__ == "StoredSearch" and shown.done
    assert [t.as_dict() for t in shown.trials] == trials
    assert list(again.dataframe[0].value["#"]) == [1, 2]
    best = shown.best()
    assert any(f"Best so far: trial {best.number}" in h.value for h in again.subheader)
    assert again.session_state["experiment"] == search.experiment
    assert not again.exception

    gone = AppTest.from_file(APP, default_timeout=60)
    gone.query_params["search"] = "AAAAAAAAAAAAAAAAAAAAAA"
    gone.run()
    assert any("No search has the id" in w.value for w in gone.warning)
    assert "search" not in gone.session_state and not gone.exception
