"""Test-set metrics from a model's outputs, all computed by `sklearn.metrics`.

Inputs are plain arrays: the true class ids (or values) and the output of
`predictions.as_probabilities`. Nothing here knows Keras or Streamlit, so
a stored run is evaluated exactly like a live one.
"""

from __future__ import annotations

import numpy as np
from sklearn import metrics as skm

from playground.datasets.splits import original_units
from playground.registry import REGRESSION

BINARY_THRESHOLD = 0.5


def predicted_classes(proba: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """The predicted class ids. With two classes and a `threshold`, class 1
    is predicted when its probability is above the threshold (as Keras'
    `BinaryAccuracy`, at 0.5 by default); otherwise the most probable class."""
    proba = np.asarray(proba)
    if threshold is not None and proba.shape[1] == 2:
        return (proba[:, 1] > threshold).astype(np.int64)
    return np.argmax(proba, axis=1).astype(np.int64)


def confusion(y_true: np.ndarray, y_pred: np.ndarray, classes: int,
              normalize: bool = False) -> np.ndarray:
    """Rows are true classes, columns predicted ones, in class id order;
    `normalize` divides each row by its total (a class absent from the
    test set keeps a row of zeros)."""
    return skm.confusion_matrix(y_true, y_pred, labels=list(range(classes)),
                                normalize="true" if normalize else None)


def classification_summary(y_true: np.ndarray, proba: np.ndarray,
                           class_names: tuple[str, ...],
                           threshold: float | None = None) -> dict:
    """Accuracy, the classification report and the confusion matrix.

    Returns:
        `{"accuracy", "confusion_matrix" (counts), "per_class": {name:
        {precision, recall, f1, support}}, "macro": {...}, "weighted":
        {...}, "roc_auc"}`; `roc_auc` is one-vs-rest macro for more than
        two classes, and None when the test set lacks a class.
    """
    classes = len(class_names)
    y_pred = predicted_classes(proba, threshold)
    report = skm.classification_report(
        y_true, y_pred, labels=list(range(classes)), target_names=list(class_names),
        output_dict=True, zero_division=0)

    def row(entry: dict) -> dict:
        return {"precision": float(entry["precision"]), "recall": float(entry["recall"]),
                "f1": float(entry["f1-score"]), "support": int(entry["support"])}

    return {
        "accuracy": float(skm.accuracy_score(y_true, y_pred)),
        "confusion_matrix": confusion(y_true, y_pred, classes),
        "per_class": {name: row(report[name]) for name in class_names},
        "macro": row(report["macro avg"]),
        "weighted": row(report["weighted avg"]),
        "roc_auc": roc_auc(y_true, proba),
    }


def roc_auc(y_true: np.ndarray, proba: np.ndarray) -> float | None:
    """ROC AUC (binary), or the one-vs-rest macro average; None when a
    class is missing from the test set, where it is undefined."""
    classes = proba.shape[1]
    if len(np.unique(y_true)) < classes:
        return None
    if classes == 2:
        return float(skm.roc_auc_score(y_true, proba[:, 1]))
    return float(skm.roc_auc_score(y_true, proba, multi_class="ovr", average="macro",
                                   labels=list(range(classes))))


def _one_vs_rest(y_true: np.ndarray, proba: np.ndarray, class_names):
    """`(name, is this class, its score)` per class; for two classes only
    class 1 (the positive class)."""
    if proba.shape[1] == 2:
        return [(class_names[1], y_true == 1, proba[:, 1])]
    return [(name, y_true == i, proba[:, i]) for i, name in enumerate(class_names)
            if 0 < np.sum(y_true == i) < len(y_true)]


def roc_curves(y_true: np.ndarray, proba: np.ndarray,
               class_names: tuple[str, ...]) -> list[dict]:
    """ROC curves: one for two classes, else one-vs-rest per class plus
    their macro average (the per-class true-positive rates averaged on a
    common false-positive grid, as scikit-learn's ROC example does).

    Returns:
        `[{"name", "x" (false-positive rate), "y" (true-positive rate),
        "thresholds", "score" (AUC)}]`.
    """
    curves = []
    for name, positive, score in _one_vs_rest(y_true, proba, class_names):
        fpr, tpr, thresholds = skm.roc_curve(positive, score)
        curves.append({"name": name, "x": fpr, "y": tpr, "thresholds": thresholds,
                       "score": float(skm.auc(fpr, tpr))})
    if len(curves) > 1:
        grid = np.linspace(0.0, 1.0, 201)
        mean_tpr = np.mean([np.interp(grid, c["x"], c["y"]) for c in curves], axis=0)
        curves.append({"name": "macro average", "x": grid, "y": mean_tpr,
                       "thresholds": None, "score": roc_auc(y_true, proba)})
    return curves


def pr_curves(y_true: np.ndarray, proba: np.ndarray,
              class_names: tuple[str, ...]) -> list[dict]:
    """Precision-recall curves, like `roc_curves`; the score is the average
    precision, and the macro entry is `average_precision_score(average=
    "macro")` on the one-vs-rest targets (a score, with no curve)."""
    curves = []
    for name, positive, score in _one_vs_rest(y_true, proba, class_names):
        precision, recall, thresholds = skm.precision_recall_curve(positive, score)
        curves.append({"name": name, "x": recall, "y": precision,
                       "thresholds": thresholds,
                       "score": float(skm.average_precision_score(positive, score))})
    if len(curves) > 1:
        onehot = np.eye(proba.shape[1])[y_true]
        kept = onehot.sum(axis=0) > 0
        curves.append({"name": "macro average", "x": None, "y": None,
                       "thresholds": None,
                       "score": float(skm.average_precision_score(
                           onehot[:, kept], proba[:, kept], average="macro"))})
    return curves


def operating_point(y_true: np.ndarray, proba: np.ndarray, threshold: float) -> dict:
    """Where a binary threshold sits on the ROC and precision-recall curves:
    `{"fpr", "tpr", "precision", "recall"}` of the classes it predicts."""
    y_pred = predicted_classes(proba, threshold)
    tn, fp, _, _ = skm.confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    return {"fpr": float(fp / (fp + tn)) if fp + tn else 0.0,
            "tpr": float(skm.recall_score(y_true, y_pred, zero_division=0)),
            "precision": float(skm.precision_score(y_true, y_pred, zero_division=1)),
            "recall": float(skm.recall_score(y_true, y_pred, zero_division=0))}


def regression_summary(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """`{"mae", "rmse", "r2"}` of predictions against the true values."""
    return {"mae": float(skm.mean_absolute_error(y_true, y_pred)),
            "rmse": float(skm.root_mean_squared_error(y_true, y_pred)),
            "r2": float(skm.r2_score(y_true, y_pred))}


def confidently_wrong(y_true: np.ndarray, proba: np.ndarray, count: int = 12,
                      threshold: float | None = None) -> np.ndarray:
    """Indices of the misclassified samples whose predicted class had the
    highest probability, most confident first."""
    y_pred = predicted_classes(proba, threshold)
    wrong = np.flatnonzero(y_pred != y_true)
    confidence = proba[wrong, y_pred[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")][:count]


def largest_errors(y_true: np.ndarray, y_pred: np.ndarray, count: int = 12) -> np.ndarray:
    """Indices of the regression samples with the largest absolute error."""
    return np.argsort(-np.abs(np.asarray(y_pred) - np.asarray(y_true)),
                      kind="stable")[:count]


def cell_samples(y_true: np.ndarray, y_pred: np.ndarray, true_class: int,
                 predicted_class: int) -> np.ndarray:
    """Indices of the samples in one confusion-matrix cell."""
    return np.flatnonzero((y_true == true_class) & (y_pred == predicted_class))


def report(task: str, y_true: np.ndarray, proba: np.ndarray,
           class_names: tuple[str, ...] = (), target_scaler=None) -> dict:
    """The JSON-ready test-set report the command line prints.

    Classification: `confusion_matrix` (rows true, columns predicted, in
    `classes` order), `classes`, `per_class` ({class: {precision, recall,
    f1, support}}), `accuracy`, `macro_f1`, `weighted_f1`, `roc_auc`.
    Regression: `mae`, `rmse`, `r2` in the target's own units.
    """
    if task == REGRESSION:
        return regression_summary(original_units(y_true, target_scaler),
                                  original_units(proba, target_scaler))
    summary = classification_summary(y_true, proba, class_names,
                                     BINARY_THRESHOLD if proba.shape[1] == 2 else None)
    return {"classes": list(class_names),
            "confusion_matrix": summary["confusion_matrix"].tolist(),
            "per_class": summary["per_class"],
            "accuracy": summary["accuracy"],
            "macro_f1": summary["macro"]["f1"],
            "weighted_f1": summary["weighted"]["f1"],
            "roc_auc": summary["roc_auc"]}
