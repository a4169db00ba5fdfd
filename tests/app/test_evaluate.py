"""The Evaluate page after a real (short) run: binary, multiclass, regression."""

import numpy as np
import pytest
from test_app import new_app, plotly_specs, widget
from tests.app.sessions import ended

PAGE = "views/evaluate.py"


def trained(query: dict):
    """The app after training `query`'s experiment, on the Evaluate page."""
    at = new_app(query)
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    result = ended(at.session_state["training_job"])
    assert result.status == "completed", result.message
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at, result


def charts_by_title(at) -> dict:
    return {spec["layout"]["title"]["text"]: spec for spec in plotly_specs(at)}


def matrix_of(at) -> np.ndarray:
    heatmap = charts_by_title(at)["Confusion matrix"]["data"][0]
    return np.array([[float(v) for v in row] for row in heatmap["text"]])


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_evaluate_asks_for_a_run_first():
    at = new_app()
    at.switch_page(PAGE).run()
    assert "Train a model first" in at.info[0].value


@pytest.mark.workers
def test_binary_run_threshold_moves_the_matrix_and_baselines_sit_beside():
    at, result = trained({"dataset": "gauss", "epochs": "3", "lr": "0.03",
                          "opt": "adam"})
    matrix = matrix_of(at)
    test_size = len(result.test_outputs)  # kept by the worker: no second predict
    assert "eval_outputs" not in at.session_state
    assert matrix.sum() == test_size
    # At the default threshold 0.5 the page's accuracy is Keras' test accuracy.
    assert float(metric(at, "Accuracy")) == pytest.approx(
        result.test_metrics["accuracy"], abs=1e-3)
    assert float(metric(at, "Accuracy")) == pytest.approx(np.trace(matrix) / test_size,
                                                          abs=1e-3)
    roc = charts_by_title(at)["ROC curve"]["data"]
    assert [t["name"] for t in roc][-1] == "threshold"
    point = (roc[-1]["x"][0], roc[-1]["y"][0])

    widget(at, "slider", next(s.label for s in at.slider
                              if s.label.startswith("Decision threshold"))
           ).set_value(0.95).run()
    assert not at.exception
    high = matrix_of(at)
    assert high.sum() == test_size and high[:, 1].sum() < matrix[:, 1].sum()
    roc = charts_by_title(at)["ROC curve"]["data"]
    assert (roc[-1]["x"][0], roc[-1]["y"][0]) != point

    table = next(d.value for d in at.dataframe if "Model" in d.value)
    assert list(table["Model"]) == ["your network", "logistic regression",
                                    "random forest", "k-nearest neighbours"]
    assert table["Accuracy"][0] == pytest.approx(result.test_metrics["accuracy"],
                                                 abs=1e-3)
    assert "Macro F1" in table and "macro_f1" not in table
    assert table["Fit time (s)"].notna().all()  # the network's: its training time
    assert table["Fit time (s)"][0] == pytest.approx(result.elapsed, abs=0.01)
    # The neighbours' k, chosen on the validation rows, is said under the table.
    assert any(c.value.startswith("k-nearest neighbours: k = ")
               and "validation rows" in c.value for c in at.caption)

    # Own input on the plane: two numbers give a prediction.
    widget(at, "number_input", "x1").set_value(2.0).run()
    assert not at.exception
    assert metric(at, "Prediction") in ("orange", "blue")


@pytest.mark.workers
def test_slow_baselines_say_how_long_they_take_and_wait_for_a_click(monkeypatch):
    import ui.evaluation

    monkeypatch.setattr(ui.evaluation, "AUTO_FIT_SECONDS", 0.0)  # every fit is "slow"
    at, _ = trained({"dataset": "iris", "epochs": "2"})
    assert any(c.value.startswith(
        "Fitting logistic regression, random forest and k-nearest neighbours on ")
               and "(timed on " in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "Model" in d.value)
    assert list(table["Model"]) == ["your network"]
    button = next(b for b in at.button if b.key == "fit_baselines")
    assert button.label.startswith("Fit the baselines (")
    button.click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Model" in d.value)
    assert list(table["Model"]) == ["your network", "logistic regression",
                                    "random forest", "k-nearest neighbours"]
    assert not any(b.key == "fit_baselines" for b in at.button)


@pytest.mark.workers
def test_multiclass_run_has_one_vs_rest_curves_and_a_form():
    at, _ = trained({"dataset": "iris", "epochs": "3"})
    charts = charts_by_title(at)
    names = [t["name"] for t in charts["ROC curves"]["data"]]
    assert names[0] == "chance" and len(names) == 5
    assert names[-1].startswith("macro average (AUC")
    assert matrix_of(at).shape == (3, 3)
    report = next(d.value for d in at.dataframe if "f1" in d.value)
    assert list(report.index) == ["setosa", "versicolor", "virginica", "macro average",
                                  "weighted average"]
    field = widget(at, "number_input", "petal length (cm)")
    field.set_value(50.0).run()
    assert not at.exception
    assert any("outside the training range" in c.value for c in at.caption)
    assert metric(at, "Prediction") in ("setosa", "versicolor", "virginica")


@pytest.mark.workers
def test_regression_run_in_the_target_units():
    at, _ = trained({"dataset": "diabetes", "epochs": "2"})
    assert float(metric(at, "MAE (target's units)")) > 10
    charts = charts_by_title(at)
    assert {"Predicted vs true", "Residuals", "Residuals vs predictions"} <= set(charts)
    table = next(d.value for d in at.dataframe if "Model" in d.value)
    assert list(table["Model"])[:2] == ["your network", "ridge regression"]
    assert float(metric(at, "R²")) <= 1  # no "target's units" on a ratio
    assert float(metric(at, "Prediction")) != 0
    at.switch_page("views/train.py").run()  # the run's own test metrics, in units
    assert float(metric(at, "Test MAE (target's units)")) > 10
    assert "Test loss (standardised)" in [m.label for m in at.metric]


@pytest.mark.workers
def test_largest_errors_of_a_table_show_its_rows_as_read():
    at, _ = trained({"dataset": "house-prices", "epochs": "2"})
    worst = next(d.value for d in at.dataframe if "test row" in d.value)
    # Headed by what it holds, not by the section's title again.
    assert "" not in worst.columns and "True → predicted" in worst.columns
    assert "Largest errors" not in worst.columns
    assert " → " in worst["True → predicted"].iloc[0]
    assert "district" in worst and worst["district"].map(type).eq(str).all()
    assert not any("=" in str(c) for c in worst.columns)  # no one-hot inputs
    assert worst["area_m2"].min() > 10  # square metres, not z-scores
    # Each row can be found in the file, whatever columns were left out.
    from playground.datasets.source import source_table

    file = source_table(at.session_state["training_job"].experiment)
    for _, row in worst.iterrows():
        assert file.loc[row["row in the file"], "area_m2"] == row["area_m2"]
    # Your own row: whole-number columns as whole numbers, the prediction
    # named by the target column, whose unit it is (thousands).
    inputs = {n.label: n.value for n in at.number_input}
    assert isinstance(inputs["rooms"], int) and isinstance(inputs["has_garden"], int)
    assert isinstance(inputs["area_m2"], float)
    assert abs(float(metric(at, "Predicted price_k"))) > 1


@pytest.mark.workers
def test_inspect_shows_a_sample_and_a_regression_prediction_in_their_units():
    """Iris in cm and house prices in thousands, as the Data page shows them,
    never the standardised numbers the network reads."""
    at, _ = trained({"dataset": "iris", "epochs": "2"})
    at.switch_page("views/inspect.py").run()
    sample = next(d.value for d in at.dataframe if "sepal length (cm)" in d.value)
    assert sample["sepal length (cm)"].iloc[0] > 4  # centimetres, not z-scores

    at, _ = trained({"dataset": "house-prices", "epochs": "2"})
    at.switch_page("views/inspect.py").run()
    row = next(d.value for d in at.dataframe if "district" in d.value)
    assert isinstance(row["district"].iloc[0], str) and row["area_m2"].iloc[0] > 10
    assert "row in the file" in row  # the test row found in the file
    prediction = next(m for m in at.metric if m.label.startswith("Predicted price_k for"))
    true_value = next(c.value for c in at.caption if c.value.startswith("True value"))
    assert float(true_value.split(": ")[1]) > 50  # thousands, like price_k
    assert abs(float(prediction.value)) > 1
    decimals = [text.rpartition(".")[2] for text in (prediction.value, true_value)]
    assert len(decimals[0]) == len(decimals[1])  # 92.66 beside 97.10, not 97.1
