"""Cross-validate page: k folds trained for real in the pool, then summed up;
a k the data cannot take is refused with the numbers, before any training."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground.datasets import uploads

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 180


def crossval_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run().switch_page("views/crossval.py").run()
    assert not at.exception
    return at


def test_the_page_offers_k_and_says_what_each_fold_trains_on():
    at = crossval_page(dataset="xor", n="100", epochs="3")
    assert at.number_input(key="cv_k").value == 5
    assert any("5 runs of 3 epochs: each trains on about 56 of the 70 rows of the "
               "training part and validates on the other 14; the 30 test rows are not "
               "used." == c.value for c in at.caption)
    assert [b for b in at.button if b.key == "cv_start"] and not at.error


def test_a_k_above_the_smallest_class_is_refused_without_a_start_button():
    lines = "".join(f"{i * 0.5},{'rare' if i < 4 else 'common'}\n" for i in range(30))
    token = uploads.register(f"x,label\n{lines}".encode(), "few.csv")
    at = crossval_page(dataset="csv", file="few.csv", target="label", test="0.05",
                       val="0")
    at.session_state["experiment"] = at.session_state["experiment"].replace(upload=token)
    at.run()
    at.number_input(key="cv_k").set_value(5).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Class 'rare' has 4 rows in the training part, fewer than k = 5 folds: "
        "stratified folds keep every class in every fold. Pick k at most 4, or use "
        "more data or a smaller test share."]
    assert not [b for b in at.button if b.key == "cv_start"]
    at.number_input(key="cv_k").set_value(4).run()
    assert not at.error and [b for b in at.button if b.key == "cv_start"]


@pytest.mark.workers
def test_two_folds_train_and_the_page_shows_their_mean_and_curves(store_url):
    at = crossval_page(dataset="xor", n="100", epochs="3", batch="20")
    at.number_input(key="cv_k").set_value(2).run()
    at.button(key="cv_start").click().run()
    assert not at.exception
    validation = at.session_state["crossval"]
    assert validation.wait(TIMEOUT), "the folds did not end"
    at.run()
    assert not at.exception
    assert [h.status for h in validation.handles] == ["completed", "completed"]
    folds, summary = (frame.value for frame in at.main.dataframe)  # folds, then summary
    assert list(folds["Fold"]) == [1, 2] and set(folds["Status"]) == {"completed"}
    assert list(folds["Epochs"]) == ["3/3", "3/3"]
    row = summary.set_index("Metric").loc["val_accuracy"]
    finals = [h.result.history["val_accuracy"][-1] for h in validation.handles]
    assert row["Mean"] == pytest.approx(np.mean(finals))
    assert row["Std"] == pytest.approx(np.std(finals))
    assert row["Mean ± std"] == f"{np.mean(finals):.4f} ± {np.std(finals):.4f}"
    assert any("Mean ± standard deviation over the folds" == h.value
               for h in at.subheader)
    assert any(m.label == "val_accuracy" for m in at.metric)
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "cv_curves" in c.proto.id)
    names = [t["name"] for t in chart["data"] if t.get("xaxis") == "x"]
    assert names == ["fold 1", "fold 2", "mean of the folds"]
    assert not [b for b in at.button if b.key == "cv_stop"]  # nothing left to stop
    at.selectbox(key="language_choice").set_value("zh").run()  # the same in Chinese
    assert "平均值 ± 标准差" in at.main.dataframe[1].value.columns
    assert not at.exception
    # A fold's run link opens its run with the experiment's settings: the fold
    # was the job's, so Train trains the whole training part again.
    fold_run = AppTest.from_file(APP, default_timeout=60)
    fold_run.query_params["run"] = validation.handles[1].id
    fold_run.run().switch_page("views/train.py").run()
    assert not fold_run.exception
    assert fold_run.session_state["experiment"] == validation.experiment
    assert fold_run.session_state["experiment"].fold is None
    assert fold_run.query_params["run"] == validation.handles[1].id
