"""The guided tutorials in the app: the start list, a step's link, the panel's
buttons, and the offline tutorials followed end to end with real runs."""

import pytest

from playground.lessons.tutorials import TUTORIALS, verdict
from playground.model.checks import check_experiment

from tests.app.sessions import app
from tests.app.test_app import shown
from tests.app.test_language import bypassing, exempt_words, pseudo  # noqa: F401
from tests.app.test_missing_keras_data import offline  # noqa: F401 (a fixture)

IRIS = TUTORIALS["tutorial-iris-mlp"]


def panel_heading(at) -> str:
    return next(m.value for m in at.markdown if " · step " in m.value)


def progress(at):
    return at.session_state["tutorial_progress"]


def test_a_step_link_opens_the_tutorial_at_that_step(store_url):
    at = app(tutorial="tutorial-iris-mlp", step="3")
    assert not at.exception
    assert "step 3 of 6" in panel_heading(at) and "Compile and train" in panel_heading(at)
    assert at.session_state["experiment"] == IRIS.experiment_before(2)
    assert (at.query_params["tutorial"], at.query_params["step"]) == (
        "tutorial-iris-mlp", "3")
    assert any("Predict before you train" in r.label for r in at.radio)
    # The step happens on the Train page: the panel links there.
    assert [link.label for link in at.get("page_link")] == [
        "This step happens on the Train page: open it"]
    at.button(key="tutorial_apply").click().run()
    assert at.session_state["experiment"].epochs == 50
    assert any("Step 3 applied" in shown(s) for s in at.success)
    at.button(key="tutorial_next").click().run()
    assert at.query_params["step"] == "4" and "step 4 of 6" in panel_heading(at)

    # A reload keeps the learner's experiment and the step.
    again = app(**{k: at.query_params[k] for k in at.query_params})
    assert again.session_state["experiment"].epochs == 50
    assert progress(again).step == 3


def test_a_bad_step_or_tutorial_in_a_link_is_said(store_url):
    at = app(tutorial="tutorial-iris-mlp", step="9")
    assert "step 1 of 6" in panel_heading(at)
    assert any("not a step of this tutorial" in shown(w) for w in at.warning)
    at = app(tutorial="tutorial-nothing")
    assert "tutorial_progress" not in at.session_state
    assert any("There is no tutorial" in shown(w) for w in at.warning)


def test_the_data_page_lists_the_tutorials_and_starts_one(store_url):
    at = app()
    [entry] = [e for e in at.expander if e.label.startswith("Follow a tutorial")]
    lines = [m.value for m in entry.markdown]
    assert len(lines) == 5 and any("Iris flowers with an MLP" in line for line in lines)
    assert any("downloads MNIST, or runs offline on Digits" in line for line in lines)
    at.button(key="tutorial_start_tutorial-house-prices").click().run()
    assert not at.exception
    assert at.session_state["experiment"] == TUTORIALS[
        "tutorial-house-prices"].experiment_after(0)
    assert "step 1 of 6" in panel_heading(at)
    assert not [e for e in at.expander if e.label.startswith("Follow a tutorial")]
    at.button(key="tutorial_leave").click().run()
    assert "tutorial" not in at.query_params


def test_a_tutorial_that_needs_a_download_says_so_and_offers_the_stand_in(
        store_url, offline):  # noqa: F811
    at = app()
    at.button(key="tutorial_start_tutorial-mnist-mlp").click().run()
    assert not at.exception
    assert any("comes from keras.datasets" in shown(w) and "Digits can stand in" in
               shown(w) for w in at.warning)
    at.button(key="tutorial_stand_in").click().run()
    assert at.session_state["experiment"].dataset == "digits"
    assert progress(at).stand_in
    assert any("Digits stands in for MNIST" in shown(i) for i in at.info)
    progress(at).go(4)  # "is it a 7?" needs MNIST itself
    at.run()
    assert at.button(key="tutorial_apply").disabled
    cifar = app(tutorial="tutorial-cifar10-cnn", step="1")
    assert any("There is no offline stand-in" in shown(w) for w in cifar.warning)


def walk(at, made, epochs: dict[int, int], stand_in: bool = False) -> dict[int, object]:
    """Follows every step of a tutorial in the app: applies its change, answers
    its question, trains its experiment with few epochs and reads the panel.
    Returns the verdict of each step that has a check."""
    verdicts = {}
    for index, step in enumerate(made.steps):
        assert f"step {index + 1} of {len(made.steps)}" in panel_heading(at)
        available = made.step_available(index, stand_in)
        if step.change is not None and available:
            at.button(key="tutorial_apply").click().run()
            assert not at.exception
            applied = at.session_state["experiment"]  # the learner's epochs kept
            assert applied == made.experiment_after(index, stand_in).replace(
                epochs=applied.epochs)
        check_experiment(at.session_state["experiment"])
        if step.trains and available:
            at.radio(key=f"tutorial_answer_{made.id}_{index}").set_value(
                step.prediction.choices[0]).run()
            at.session_state["experiment"] = at.session_state["experiment"].replace(
                epochs=epochs[index])
            at.switch_page("views/train.py").run()
            at.button(key="train_button").click().run()
            job = at.session_state["training_job"]
            assert job.wait(240).status == "completed"
            at.run()
            assert not at.exception
            assert progress(at).runs[index] == job.id
            assert progress(at).answers[index] == step.prediction.choices[0]
            assert any(t.startswith("You predicted:") for t in
                       (m.value for m in at.markdown))
            if step.check is not None:
                expected = verdict(step.check, job.result.history,
                                   [shot for _, shot in job.snapshots.items()])
                said = at.success if expected.passed else at.info
                assert any(expected.text == s.value for s in said), expected.text
                assert progress(at).passed[index] == expected.passed
                verdicts[index] = expected
            table = at.dataframe[0].value
            assert list(table.columns) == ["Metric", "Previous step's run",
                                           "This step's run"]
        if index < len(made.steps) - 1:
            at.button(key="tutorial_next").click().run()
    return verdicts


@pytest.mark.workers
def test_the_iris_tutorial_end_to_end(store_url):
    at = app(tutorial="tutorial-iris-mlp", step="1")
    verdicts = walk(at, IRIS, {2: 30, 4: 1, 5: 3})
    assert verdicts[2].passed  # 30 epochs of the big network reach 0.9
    assert not verdicts[4].passed and "Not yet" in verdicts[4].text  # one epoch


@pytest.mark.workers
def test_the_house_prices_tutorial_end_to_end(store_url):
    at = app(tutorial="tutorial-house-prices", step="1")
    verdicts = walk(at, TUTORIALS["tutorial-house-prices"], {2: 20, 3: 3, 4: 12})
    assert verdicts[2].passed
    assert "epochs" in verdicts[4].text  # the doctor's verdict, with its numbers


@pytest.mark.workers
def test_the_mnist_tutorial_end_to_end_on_its_offline_stand_in(store_url, offline):  # noqa: F811
    at = app(tutorial="tutorial-mnist-mlp", step="1")
    at.button(key="tutorial_stand_in").click().run()
    verdicts = walk(at, TUTORIALS["tutorial-mnist-mlp"], {2: 20, 3: 12}, stand_in=True)
    assert verdicts[2].passed
    assert 4 not in progress(at).runs  # "is it a 7?" needs MNIST itself


def test_the_tutorial_panel_and_list_show_no_text_that_bypassed_the_catalog(
        pseudo, store_url):  # noqa: F811
    assert not bypassing(app(), "", exempt_words())  # the list on the Data page
    # On the Model and Train pages (the Data page shows the iris table's own
    # column names, which no catalog translates).
    at = app(tutorial="tutorial-iris-mlp", step="3")
    for page in ("views/model.py", "views/train.py"):
        assert not bypassing(at, page, exempt_words()), page
