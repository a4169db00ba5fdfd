"""A k-nearest-neighbours baseline whose k is chosen on the validation rows.

k-nearest neighbours has one setting that matters, the number of
neighbours `k`: few neighbours follow the training rows closely (and their
noise), many average it away (and the pattern with it). Like the network's
own settings, `k` is chosen on the validation rows and the test rows stay
untouched until the chosen model is scored.

Choosing `k` costs one neighbour search: the `max(K_CHOICES)` nearest
training rows of every validation row are found once, and each `k` votes
(or averages) over the first `k` of them, as scikit-learn's uniform
`KNeighborsClassifier` / `KNeighborsRegressor` would. Plain scikit-learn: no
TensorFlow.
"""

from __future__ import annotations

import numpy as np

from playground.i18n import tr_lazy
from playground.registry import REGRESSION

K_CHOICES = (1, 3, 5, 9, 15, 25)
"""The numbers of neighbours tried, odd so that two classes never tie."""

VAL_ROWS = 1000
"""Validation rows used at most to choose k (a random sample beyond): enough
to tell the choices apart, and the search stays within the baselines' time."""


class ValidatedNeighbours:
    """k-nearest neighbours with `k` chosen on held-out rows.

    Fits like a scikit-learn estimator (`fit`, `predict`, `predict_proba`,
    `classes_`), so the baselines treat it like the others; the model that
    predicts is a plain `KNeighborsClassifier` / `KNeighborsRegressor` with
    the chosen `k`, fitted on all the rows given to `fit`.

    Args:
        task: `"binary"`, `"multiclass"` or `"regression"`.
        x_val: Validation features, prepared as the training features.
        y_val: Validation labels (class ids) or targets.
        choices: The `k` tried; those above the number of training rows are
            left out.
        seed: Draws the validation sample when there are more than
            `max_val_rows` rows.
        max_val_rows: Validation rows used at most.

    Attributes (after `fit`):
        k: The chosen number of neighbours.
        val_scores: `k` to its validation score: accuracy for classes, mean
            squared error for regression.
        val_rows: Validation rows the choice was made on.
    """

    def __init__(self, task: str, x_val, y_val, choices=K_CHOICES, seed: int = 0,
                 max_val_rows: int = VAL_ROWS):
        y_val = np.asarray(y_val)
        if y_val.shape[0] > max_val_rows:
            keep = np.sort(np.random.default_rng(seed).choice(
                y_val.shape[0], max_val_rows, replace=False))
            x_val, y_val = x_val[keep], y_val[keep]
        self.task, self.x_val, self.y_val = task, x_val, y_val
        self.choices = tuple(choices)

    def _model(self, k: int):
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

        if self.task == REGRESSION:
            return KNeighborsRegressor(n_neighbors=k)
        return KNeighborsClassifier(n_neighbors=k)

    def _scores(self, y_near: np.ndarray, ks: list[int]) -> dict[int, float]:
        """Each k's validation score from the labels of the nearest rows,
        nearest first (one row per validation row)."""
        if self.task == REGRESSION:
            return {k: float(np.mean((y_near[:, :k].mean(axis=1) - self.y_val) ** 2))
                    for k in ks}
        classes = np.unique(y_near)
        votes = y_near[:, :, None] == classes[None, None, :]
        # argmax takes the smallest class of a tie, as scikit-learn's vote does.
        return {k: float(np.mean(classes[votes[:, :k].sum(axis=1).argmax(axis=1)]
                                 == self.y_val)) for k in ks}

    def fit(self, x, y) -> "ValidatedNeighbours":
        y = np.asarray(y)
        # Fewer rows than any k: the smallest k, and scikit-learn says why
        # it cannot be fitted when there are no rows at all.
        ks = [k for k in self.choices if k <= y.shape[0]] or [min(self.choices)]
        search = self._model(max(ks)).fit(x, y)
        near = search.kneighbors(self.x_val, return_distance=False)
        self.val_scores = self._scores(y[near], ks)
        pick = min if self.task == REGRESSION else max
        best = pick(self.val_scores.values())
        self.k = next(k for k in ks if self.val_scores[k] == best)  # the smallest
        self.val_rows = int(self.y_val.shape[0])
        self.model = search if self.k == max(ks) else self._model(self.k).fit(x, y)
        if self.task != REGRESSION:
            self.classes_ = self.model.classes_
        return self

    def predict(self, x):
        return self.model.predict(x)

    def predict_proba(self, x):
        return self.model.predict_proba(x)

    @property
    def note(self):
        """Which k was chosen, from what, on how many rows (for the page)."""
        return tr_lazy("k = {k}, the best of {choices} on {rows} validation rows",
                       k=self.k, choices=", ".join(map(str, self.val_scores)),
                       rows=format(self.val_rows, ","))
