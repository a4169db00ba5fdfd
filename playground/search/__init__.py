"""Hyperparameter search: a space of values, Keras Tuner's oracles, app runs.

`SearchSpace` reads and checks what varies (`playground.search.space`);
`Search` lets a Keras Tuner oracle pick trials and trains each as an
ordinary job of the app (`playground.search.engine`).
"""

from playground.search.engine import STRATEGIES, Search, Trial, objectives_for
from playground.search.space import MAX_GRID_POINTS, SearchSpace, SpaceError

__all__ = ["MAX_GRID_POINTS", "STRATEGIES", "Search", "SearchSpace", "SpaceError",
           "Trial", "objectives_for"]
