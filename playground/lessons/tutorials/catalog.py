"""The built-in tutorials, by id."""

from __future__ import annotations

from playground.lessons.tutorials.downloads import CIFAR10, IMDB, MNIST
from playground.lessons.tutorials.offline import HOUSE_PRICES, IRIS
from playground.lessons.tutorials.steps import Tutorial

TUTORIALS: dict[str, Tutorial] = {t.id: t for t in (MNIST, CIFAR10, IMDB, IRIS,
                                                    HOUSE_PRICES)}
"""The five tutorials, in the order the app lists them."""
