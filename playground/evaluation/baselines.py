"""Classic scikit-learn models on the network's split, to compare with.

Logistic regression (ridge for regression), a random forest and k-nearest
neighbours are fitted on the same training rows and scored on the same test
rows as the network; the neighbours' k is chosen on the validation rows, as
the network's settings are (`neighbours`). Images are flattened; token
sequences become bags of words. Plain scikit-learn: no TensorFlow, so the
web server may run it.

Each fit is time-capped: the training rows and features are capped, a
model is first fitted on `PROBE_ROWS` rows (enough for small sets), and it
is skipped (with the reason) when a fit on all rows would take longer than
`time_cap` seconds at the same pace.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from playground.evaluation import metrics
from playground.evaluation.neighbours import ValidatedNeighbours
from playground.i18n import mark, tr_lazy
from playground.registry import REGRESSION

MAX_ROWS = 5000
MAX_FEATURES = 5000
PROBE_ROWS = 1000
TIME_CAP = 5.0
ESTIMATE_ROWS = 200


@dataclasses.dataclass(frozen=True)
class Baseline:
    """One baseline's test metrics, or why it was skipped.

    Attributes:
        name: e.g. `"logistic regression"`.
        scores: Metric name to value (like `network_scores`), empty when
            skipped.
        skipped: Why the model was not fitted, or `""`.
        seconds: Time spent fitting.
        note: What was capped (rows, features), or `""`.
    """

    name: str
    scores: dict = dataclasses.field(default_factory=dict)
    skipped: str = ""
    seconds: float = 0.0
    note: str = ""


def features(x: np.ndarray, input_kind: str, vocab_size: int = 0):
    """2-D features of any input: images flattened, token ids as a sparse
    bag of words (counts per word id, the padding id 0 left out)."""
    x = np.asarray(x)
    if input_kind != "tokens":
        return x.reshape(len(x), -1).astype(np.float32)
    from scipy import sparse

    rows = np.repeat(np.arange(len(x)), x.shape[1])
    ids = x.ravel().astype(np.int64)
    keep = ids > 0
    width = max(int(vocab_size), int(ids.max()) + 1 if ids.size else 1)
    return sparse.csr_matrix((np.ones(keep.sum(), dtype=np.float32),
                              (rows[keep], ids[keep])), shape=(len(x), width))


def _models(task: str, seed: int, x_val=None, y_val=None):
    """`(name, make)` of each baseline; k-nearest neighbours chooses its k
    on `x_val`, `y_val` (the validation rows, prepared as the training
    rows)."""
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.linear_model import LogisticRegression, Ridge

    def neighbours():
        return ValidatedNeighbours(task, x_val, y_val, seed=seed)

    if task == REGRESSION:
        return [(mark("ridge regression"), lambda: Ridge(alpha=1.0)),
                (mark("random forest"), lambda: RandomForestRegressor(
                    n_estimators=50, n_jobs=1, random_state=seed)),
                (mark("k-nearest neighbours"), neighbours)]
    return [(mark("logistic regression"), lambda: LogisticRegression(max_iter=500)),
            (mark("random forest"), lambda: RandomForestClassifier(
                n_estimators=50, n_jobs=1, random_state=seed)),
            (mark("k-nearest neighbours"), neighbours)]


def model_names(task: str) -> list[str]:
    """The baselines fitted for a task, in the order of `fit_baselines`."""
    return [name for name, _ in _models(task, 0)]


def _with(note, more):
    """Two notes on one model as one (either may be empty)."""
    if note and more:
        return tr_lazy("{note}; {more}", note=note, more=more)
    return note or more


def scores(task: str, y_true: np.ndarray, predicted: np.ndarray,
           target_scaler=None) -> dict:
    """The compared metrics: accuracy and macro F1 from class probabilities,
    or MAE, RMSE and R² in the target's own units from values."""
    if task == REGRESSION:
        return metrics.regression_summary(metrics.original_units(y_true, target_scaler),
                                          metrics.original_units(predicted,
                                                                 target_scaler))
    summary = metrics.classification_summary(
        y_true, predicted, tuple(map(str, range(predicted.shape[1]))))
    return {"accuracy": summary["accuracy"], "macro_f1": summary["macro"]["f1"]}


def _predict(model, x, task: str, classes: int) -> np.ndarray:
    if task == REGRESSION:
        return model.predict(x)
    proba = np.zeros((x.shape[0], classes))
    proba[:, model.classes_] = model.predict_proba(x)
    return proba


def _prepared(data, seed: int, max_rows: int, max_features: int):
    """Features of the three splits, the training rows to fit and what was
    capped."""
    x_train, x_val, x_test = (features(x, data.info.input_kind, data.info.vocab_size)
                              for x in (data.x_train, data.x_val, data.x_test))
    first, sample = {}, {}
    if x_train.shape[1] > max_features:
        first = dict(features=format(max_features, ","),
                     total_features=format(x_train.shape[1], ","))
        x_train, x_val, x_test = (x[:, :max_features] for x in (x_train, x_val, x_test))
    rows = np.arange(x_train.shape[0])
    if len(rows) > max_rows:
        sample = dict(rows=format(max_rows, ","), total_rows=format(len(rows), ","))
        rows = np.sort(np.random.default_rng(seed).choice(rows, max_rows, replace=False))
    if first and sample:
        note = tr_lazy("fitted on the first {features} of {total_features} features "
                       "and {rows} of {total_rows} training rows", **first, **sample)
    elif first:
        note = tr_lazy("fitted on the first {features} of {total_features} features",
                       **first)
    elif sample:
        note = tr_lazy("fitted on {rows} of {total_rows} training rows", **sample)
    else:
        note = ""
    return x_train, x_val, x_test, rows, note


def _timed(make, x, y, x_test, test_rows: int, task: str, classes: int):
    """A model made by `make` and fitted on `x`, `y`; the seconds of the fit,
    and those of the fit and of predicting all `test_rows` test rows (timed
    on `x_test`, a sample of them). k-nearest neighbours does its work when
    it predicts, so a time cap that counted the fit alone would let a slow
    one through."""
    start = time.perf_counter()
    model = make().fit(x, y)
    fitted = time.perf_counter()
    _predict(model, x_test, task, classes)
    per_row = (time.perf_counter() - fitted) / max(x_test.shape[0], 1)
    return model, fitted - start, fitted - start + per_row * test_rows


@dataclasses.dataclass(frozen=True)
class Estimate:
    """How long `fit_baselines` would take, measured before running it.

    Attributes:
        seconds: Estimated seconds for all baselines (each capped as
            `fit_baselines` caps it).
        rows: Training rows the baselines would be fitted on.
        measured_on: Rows of the timed sample fits behind the estimate.
    """

    seconds: float
    rows: int
    measured_on: int


def estimate(data, seed: int = 0, time_cap: float = TIME_CAP,
             max_rows: int = MAX_ROWS, max_features: int = MAX_FEATURES,
             probe_rows: int = PROBE_ROWS, sample_rows: int = ESTIMATE_ROWS) -> Estimate:
    """Times each baseline on `sample_rows` rows and scales the time to the
    rows `fit_baselines` would use, so a page can say how long fitting takes
    before a learner waits for it. Fitting time grows about linearly with the
    rows for these models (predicting the test rows too, for k-nearest
    neighbours); the estimate is a guide, not a promise. A full fit
    that would pass `time_cap` counts nothing: `fit_baselines` skips it."""
    x_train, x_val, x_test, rows, _ = _prepared(data, seed, max_rows, max_features)
    sample = rows[:sample_rows]
    y_train = np.asarray(data.y_train)
    task, classes = data.info.task, len(data.info.class_names)
    total = 0.0
    for _, make in _models(task, seed, x_val, data.y_val):
        try:
            _, _, seconds = _timed(make, x_train[sample], y_train[sample],
                                   x_test[:sample_rows], x_test.shape[0], task, classes)
        except ValueError:
            continue  # fit_baselines skips it too, at once
        pace = seconds / max(len(sample), 1)
        probe = min(probe_rows, len(rows))
        total += pace * probe
        if probe < len(rows) and pace * len(rows) <= time_cap:
            total += pace * len(rows)  # a slower full fit is skipped, not run
    return Estimate(total, len(rows), len(sample))


def fit_baselines(data, seed: int = 0, time_cap: float = TIME_CAP,
                  max_rows: int = MAX_ROWS, max_features: int = MAX_FEATURES,
                  probe_rows: int = PROBE_ROWS) -> list[Baseline]:
    """Fits and scores the baselines of `data`'s task on its split.

    Args:
        data: A `Dataset` (its training rows fit, its test rows score).
        time_cap: Seconds a full fit and the test predictions may take; a
            slower model is skipped.
        max_rows: Training rows used at most (a random sample beyond).
        max_features: Features used at most (the first ones beyond; for
            bags of words, the most frequent word ids).
        probe_rows: Rows of the first, timed fit.
    """
    task = data.info.task
    classes = len(data.info.class_names)
    x_train, x_val, x_test, rows, note = _prepared(data, seed, max_rows, max_features)
    x_fit, y_fit = x_train[rows], np.asarray(data.y_train)[rows]
    results = []
    for name, make in _models(task, seed, x_val, data.y_val):
        probe = rows[:probe_rows]
        try:
            model, seconds, scored = _timed(
                make, x_train[probe], np.asarray(data.y_train)[probe],
                x_test[:probe_rows], x_test.shape[0], task, classes)
        except ValueError as error:  # e.g. a single class in the sample
            results.append(Baseline(name, skipped=tr_lazy(
                "it could not be fitted: {error}", error=str(error))))
            continue
        if len(probe) < len(rows):
            expected = scored * len(rows) / len(probe)
            if expected > time_cap:
                results.append(Baseline(name, skipped=tr_lazy(
                    "fitting it on {rows} rows would take about {seconds} s (measured "
                    "on {measured}), more than the {limit} s allowed here",
                    rows=format(len(rows), ","), seconds=format(expected, ".0f"),
                    measured=format(len(probe), ","), limit=format(time_cap, "g"))))
                continue
            start = time.perf_counter()
            model = make().fit(x_fit, y_fit)
            seconds = time.perf_counter() - start
        predicted = _predict(model, x_test, task, classes)
        results.append(Baseline(name, scores(task, data.y_test, predicted,
                                             data.target_scaler), "", seconds,
                                _with(note, getattr(model, "note", ""))))
    return results


def estimate_for(experiment, seed: int = 0) -> Estimate:
    """`estimate` of an experiment's data, loaded where this runs: a page
    sends it to a worker process with `keras_work`, so that fitting
    scikit-learn models never holds the web server's cores."""
    from playground.datasets.source import experiment_data

    return estimate(experiment_data(experiment), seed)


def fit_for(experiment, seed: int = 0) -> list[Baseline]:
    """`fit_baselines` of an experiment's data, loaded where this runs (see
    `estimate_for`)."""
    from playground.datasets.source import experiment_data

    return fit_baselines(experiment_data(experiment), seed)
