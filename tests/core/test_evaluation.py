"""Evaluation: every number against scikit-learn, Keras' own accuracy, the
drawing preparation on a real (tiny) model, own-input preparation, baselines."""

import numpy as np
import pytest
from sklearn import metrics as skm

from playground.config import Experiment
from playground.datasets.source import experiment_data
from playground.evaluation import baselines, metrics
from playground.evaluation.neighbours import ValidatedNeighbours
from playground.evaluation.own_input import (
    InputError,
    prepare_drawing,
    prepare_row,
    review_tokens,
    table_columns,
)
from playground.evaluation.predictions import as_probabilities

NAMES = ("cat", "dog", "owl")


def fixed_multiclass(n=90, seed=1):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    logits = rng.normal(size=(n, 3)) + 1.5 * np.eye(3)[y]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, proba


def test_classification_summary_matches_sklearn():
    y, proba = fixed_multiclass()
    pred = proba.argmax(axis=1)
    summary = metrics.classification_summary(y, proba, NAMES)
    assert summary["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    precision, recall, f1, support = skm.precision_recall_fscore_support(y, pred)
    for i, name in enumerate(NAMES):
        row = summary["per_class"][name]
        assert row["precision"] == pytest.approx(precision[i])
        assert row["recall"] == pytest.approx(recall[i])
        assert row["f1"] == pytest.approx(f1[i])
        assert row["support"] == support[i]
    assert summary["macro"]["f1"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert summary["weighted"]["f1"] == pytest.approx(
        skm.f1_score(y, pred, average="weighted"))
    assert summary["roc_auc"] == pytest.approx(
        skm.roc_auc_score(y, proba, multi_class="ovr"))
    matrix = summary["confusion_matrix"]
    np.testing.assert_array_equal(matrix, skm.confusion_matrix(y, pred))
    assert matrix.sum() == len(y)
    assert np.trace(matrix) / matrix.sum() == pytest.approx(summary["accuracy"])


def test_normalised_confusion_rows_sum_to_one():
    y, proba = fixed_multiclass()
    matrix = metrics.confusion(y, proba.argmax(axis=1), 3, normalize=True)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)


def test_multiclass_curves_are_one_vs_rest_plus_macro():
    y, proba = fixed_multiclass()
    roc = metrics.roc_curves(y, proba, NAMES)
    assert [c["name"] for c in roc] == [*NAMES, "macro average"]
    for i, curve in enumerate(roc[:3]):
        assert curve["score"] == pytest.approx(skm.roc_auc_score(y == i, proba[:, i]))
    pr = metrics.pr_curves(y, proba, NAMES)
    assert pr[1]["score"] == pytest.approx(skm.average_precision_score(y == 1, proba[:, 1]))
    assert pr[-1]["score"] == pytest.approx(
        skm.average_precision_score(np.eye(3)[y], proba, average="macro"))


def test_binary_threshold_half_reproduces_keras_binary_accuracy():
    import keras

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    p = np.clip(rng.normal(0.3 + 0.4 * y, 0.25), 0, 1).astype(np.float32)
    p[:5] = 0.5  # on the threshold: Keras predicts class 0
    proba = as_probabilities(p[:, None], "binary")
    keras_accuracy = keras.metrics.BinaryAccuracy(threshold=0.5)
    keras_accuracy.update_state(y[:, None].astype(np.float32), p[:, None])
    summary = metrics.classification_summary(y, proba, ("no", "yes"), 0.5)
    assert summary["accuracy"] == pytest.approx(float(keras_accuracy.result()), abs=1e-6)
    assert summary["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p))
    [curve] = metrics.roc_curves(y, proba, ("no", "yes"))
    assert curve["score"] == pytest.approx(skm.roc_auc_score(y, p))


def test_threshold_moves_the_operating_point():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 300)
    proba = as_probabilities(np.clip(rng.normal(0.3 + 0.4 * y, 0.2), 0, 1), "binary")
    low, high = (metrics.operating_point(y, proba, t) for t in (0.2, 0.8))
    assert low["tpr"] > high["tpr"] and low["fpr"] > high["fpr"]
    pred = (proba[:, 1] > 0.8).astype(int)
    assert high["precision"] == pytest.approx(skm.precision_score(y, pred))
    assert high["tpr"] == pytest.approx(skm.recall_score(y, pred))


def test_regression_summary_matches_sklearn_in_both_units():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(2)
    raw = rng.normal(200, 50, 100)
    scaler = StandardScaler().fit(raw.reshape(-1, 1))
    y = scaler.transform(raw.reshape(-1, 1)).ravel()
    pred = y + rng.normal(0, 0.3, 100)
    report = metrics.report("regression", y, pred, target_scaler=scaler)
    pred_raw = scaler.inverse_transform(pred.reshape(-1, 1)).ravel()
    assert report["mae"] == pytest.approx(skm.mean_absolute_error(raw, pred_raw))
    assert report["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(raw, pred_raw)))
    assert report["r2"] == pytest.approx(skm.r2_score(raw, pred_raw))
    assert report["mae"] > 5 * metrics.regression_summary(y, pred)["mae"]


def test_confidently_wrong_are_errors_most_confident_first():
    y = np.array([0, 1, 2, 0, 1])
    proba = np.array([[0.1, 0.9, 0], [0, 1, 0], [0.6, 0.2, 0.2], [0.2, 0.3, 0.5],
                      [0.02, 0.03, 0.95]])
    np.testing.assert_array_equal(metrics.confidently_wrong(y, proba), [4, 0, 2, 3])
    np.testing.assert_array_equal(metrics.cell_samples(y, proba.argmax(1), 0, 1), [0])


def test_blank_drawing_is_refused():
    with pytest.raises(InputError, match="blank"):
        prepare_drawing(np.zeros((70, 70)), 28)


def test_drawing_is_cropped_scaled_and_centred():
    ink = np.zeros((70, 70))
    ink[5:25, 50:60] = 255  # a bar in a corner
    image = prepare_drawing(ink, 28)[..., 0]
    assert image.shape == (28, 28) and image.max() == pytest.approx(1.0)
    rows, cols = np.nonzero(image > 0.5)
    assert rows.max() - rows.min() + 1 == pytest.approx(20, abs=1)
    assert np.mean(rows) == pytest.approx(13.5, abs=1) and np.mean(cols) == pytest.approx(
        13.5, abs=1)


def test_known_digits_drawn_on_a_canvas_are_recognised():
    """sklearn's digits enlarged onto a 280-pixel canvas, prepared as a
    drawing, are classified as labelled by a model trained on digits."""
    from playground.evaluation.predictions import model_outputs
    from playground.presets import PRESETS
    from playground.training.loop import run_training

    exp = PRESETS["digits-mlp"].experiment.replace(epochs=15, learning_rate=0.01)
    data = experiment_data(exp)
    result = run_training(exp, dataset=data)
    assert result.status == "completed", result.message
    digits = data.x_test[:30]
    drawn = np.stack([prepare_drawing(np.kron(d[..., 0], np.ones((35, 35))), 8)
                      for d in digits])
    assert drawn.shape == digits.shape and 0 <= drawn.min() and drawn.max() <= 1
    predicted = model_outputs(exp, result.weights, drawn).argmax(axis=1)
    assert np.mean(predicted == data.y_test[:30]) >= 0.8


def test_review_tokens_follow_keras_imdb_encoding():
    words = {"the": 1, "film": 17, "great": 80, "zyzzyva": 50_000}
    review = review_tokens("The film, great! Zyzzyva?", words, num_words=1000, maxlen=8)
    np.testing.assert_array_equal(review.tokens, [0, 0, 0, 1, 4, 20, 83, 2])
    assert review.known == ("the", "film", "great") and review.unknown == ("zyzzyva",)
    long = review_tokens("film " * 20, words, 1000, maxlen=5)
    np.testing.assert_array_equal(long.tokens, [20] * 5)
    with pytest.raises(InputError, match="vocabulary"):
        review_tokens("qwerty asdf", words, 1000, 8)


def test_table_row_prepared_like_the_training_rows():
    data = experiment_data(Experiment(dataset="iris"))
    columns = table_columns(data)
    raw = data.preprocessor.inverse_transform(data.x_test[:1])[0]
    x, notes = prepare_row({c.name: v for c, v in zip(columns, raw)}, data, columns,
                           as_frame=False)
    np.testing.assert_allclose(x, data.x_test[:1], atol=1e-5)
    assert not notes
    _, notes = prepare_row({c.name: 100.0 for c in columns}, data, columns, False)
    assert len(notes) == 4 and "outside the training range" in str(notes[0])


def test_baselines_score_on_the_same_split_and_respect_the_cap():
    data = experiment_data(Experiment(dataset="iris"))
    fitted = baselines.fit_baselines(data)
    assert [b.name for b in fitted] == ["logistic regression", "random forest",
                                        "k-nearest neighbours"]
    assert fitted[0].scores["accuracy"] > 0.8 and not fitted[0].skipped
    capped = baselines.fit_baselines(data, max_rows=50, time_cap=0.0)
    assert capped[0].skipped == "" and "50 of" in str(capped[0].note)  # all rows probed
    big = experiment_data(Experiment(dataset="digits"))
    skipped = baselines.fit_baselines(big, time_cap=0.0, probe_rows=100)
    assert all("more than the 0 s allowed" in str(b.skipped)
               and "measured on 100" in str(b.skipped)
               and not b.scores for b in skipped)


def test_the_baselines_estimate_is_measured_before_fitting():
    """The page says how long the baselines take before running them: the
    estimate times a small sample and covers the rows fit_baselines uses."""
    big = experiment_data(Experiment(dataset="digits"))
    guess = baselines.estimate(big, sample_rows=100, max_rows=500)
    assert guess.rows == 500 and guess.measured_on == 100 and guess.seconds > 0
    assert baselines.estimate(experiment_data(Experiment(dataset="iris"))).rows == len(
        experiment_data(Experiment(dataset="iris")).x_train)
    assert baselines.model_names("regression") == ["ridge regression", "random forest",
                                                   "k-nearest neighbours"]


@pytest.mark.parametrize("dataset", ["iris", "xor", "diabetes"])
def test_neighbours_are_fitted_and_scored_for_real(dataset):
    """k-nearest neighbours is scored on the test rows like the others, its
    k chosen on the validation rows and said in its note."""
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    data = experiment_data(Experiment(dataset=dataset))
    knn = baselines.fit_baselines(data)[-1]
    assert knn.name == "k-nearest neighbours" and not knn.skipped
    note = str(knn.note)
    assert note.startswith("k = ") and f"on {len(data.y_val)} validation rows" in note
    k = int(note.split()[2].rstrip(","))
    regression = data.info.task == "regression"
    model = (KNeighborsRegressor if regression else KNeighborsClassifier)(k)
    model.fit(data.x_train, data.y_train)
    if regression:
        expected = baselines.scores("regression", data.y_test,
                                    model.predict(data.x_test), data.target_scaler)
        assert knn.scores["mae"] == pytest.approx(expected["mae"])
    else:
        assert knn.scores["accuracy"] == pytest.approx(
            model.score(data.x_test, data.y_test))
        assert knn.scores["accuracy"] > (0.8 if dataset == "iris" else 0.9)


def _noisy_split(task, seed=0):
    """Training targets with much noise about a smooth truth, validation
    targets without: averaging over many neighbours wins, not the default 5."""
    rng = np.random.default_rng(seed)
    x, x_val = rng.random((400, 2)), rng.random((200, 2))
    if task == "regression":
        truth = lambda x: np.sin(3 * x[:, 0])  # noqa: E731
        return x, truth(x) + rng.normal(0, 1.0, 400), x_val, truth(x_val)
    y = (x[:, 0] > 0.5).astype(int)
    flip = rng.random(400) < 0.35
    return x, np.where(flip, 1 - y, y), x_val, (x_val[:, 0] > 0.5).astype(int)


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_neighbours_choose_k_on_the_validation_rows(task):
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    x, y, x_val, y_val = _noisy_split(task)
    knn = ValidatedNeighbours(task, x_val, y_val).fit(x, y)
    make = KNeighborsRegressor if task == "regression" else KNeighborsClassifier
    # Each k scored independently, by scikit-learn itself.
    expected = {k: (np.mean((make(k).fit(x, y).predict(x_val) - y_val) ** 2)
                    if task == "regression" else make(k).fit(x, y).score(x_val, y_val))
                for k in (1, 3, 5, 9, 15, 25)}
    assert knn.val_scores == pytest.approx(expected)
    best = (min if task == "regression" else max)(expected, key=expected.get)
    assert knn.k == best and knn.k > 5  # not scikit-learn's default
    assert knn.model.n_neighbors == knn.k
    np.testing.assert_allclose(knn.predict(x_val), make(best).fit(x, y).predict(x_val))
    assert "k = " + str(best) in str(knn.note)


def test_neighbours_try_only_the_ks_the_rows_allow_and_sample_validation():
    x, y, x_val, y_val = _noisy_split("binary")
    knn = ValidatedNeighbours("binary", x_val, y_val, max_val_rows=50).fit(x[:10], y[:10])
    assert list(knn.val_scores) == [1, 3, 5, 9] and knn.val_rows == 50


def test_bag_of_words_counts_tokens_without_padding():
    bag = baselines.features(np.array([[0, 0, 5, 5, 3]]), "tokens", vocab_size=8)
    np.testing.assert_array_equal(bag.toarray(), [[0, 0, 0, 1, 0, 2, 0, 0]])


def test_csv_row_form_goes_through_the_fitted_pipeline():
    from playground.datasets.source import prepared_table

    exp = Experiment(dataset="house-prices", target="price_k", scale="standard")
    data, table = experiment_data(exp), prepared_table(exp)
    columns = table_columns(data, table.features)
    assert [c.name for c in columns] == list(table.features.columns)
    categorical = [c for c in columns if c.choices]
    assert categorical and all(c.default in c.choices for c in categorical)
    first = table.features.iloc[0].to_dict()
    x, notes = prepare_row(first, data, columns, as_frame=True)
    np.testing.assert_allclose(x, data.preprocessor.transform(table.features.iloc[[0]]),
                               atol=1e-6)
    assert x.shape == (1, *data.info.input_shape) and not notes
    number = next(c for c in columns if not c.choices)
    _, notes = prepare_row({**first, number.name: number.high * 10 + 1}, data, columns,
                           as_frame=True)
    assert [number.name in str(n) for n in notes] == [True]


def test_curves_figure_names_an_undefined_score():
    from playground.evaluation.figures import curves_figure

    curve = {"name": "macro average", "x": [0, 1], "y": [0, 1], "score": None}
    figure = curves_figure([curve], "roc")
    assert figure.data[-1].name == "macro average (AUC n/a)"


def test_whole_number_columns_are_asked_for_as_whole_numbers():
    """Rooms and a 0/1 garden flag read `3` and `0` in the form, not `3.00`;
    a measured column keeps its fractions."""
    from playground.datasets.source import prepared_table

    exp = Experiment(dataset="house-prices", target="price_k", scale="standard")
    data, table = experiment_data(exp), prepared_table(exp)
    columns = {c.name: c for c in table_columns(data, table.features)}
    assert columns["rooms"].whole and columns["has_garden"].whole
    assert float(columns["rooms"].default).is_integer()
    assert not columns["area_m2"].whole
    standardised = {c.name: c for c in table_columns(experiment_data(
        Experiment(dataset="diabetes")))}
    assert standardised["sex"].whole and not standardised["bmi"].whole
