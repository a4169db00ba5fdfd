"""TensorFlow Playground's 2-D datasets, generated from a seed.

The generators follow TF Playground's `dataset.ts` (circle, XOR, two
gaussians, spiral, plane and multi-gaussian regression) so that a lesson
written for TF Playground looks the same here. Labels are 0/1 rather than
-1/+1 so they feed Keras' crossentropy losses directly. All randomness comes
from one `numpy.random.Generator`: the same seed gives the same points.
"""

from __future__ import annotations

import numpy as np


def circle(n: int, noise: float, rng: np.random.Generator):
    """Class 1 inside radius 2.5, class 0 in the ring from 3.5 to 5."""
    radius = 5.0
    half = n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, half),
                        rng.uniform(radius * 0.7, radius, n - half)])
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    shift = rng.uniform(-radius, radius, (n, 2)) * noise
    label = (np.linalg.norm(x + shift, axis=1) < radius * 0.5).astype(np.int64)
    return x, label


def xor(n: int, noise: float, rng: np.random.Generator):
    """Class 1 where x and y have the same sign."""
    x = rng.uniform(-5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)
    shift = rng.uniform(-5, 5, (n, 2)) * noise
    moved = x + shift
    label = (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)
    return x, label


def gauss(n: int, noise: float, rng: np.random.Generator):
    """Two gaussian blobs around (2, 2) and (-2, -2); noise widens them."""
    variance = 0.5 + noise / 0.5 * 3.5
    half = n // 2
    centers = np.concatenate([np.full((half, 2), 2.0), np.full((n - half, 2), -2.0)])
    x = centers + rng.normal(0, np.sqrt(variance), (n, 2))
    label = np.concatenate([np.ones(half), np.zeros(n - half)]).astype(np.int64)
    return x, label


def spiral(n: int, noise: float, rng: np.random.Generator):
    """Two interleaved spirals, one per class."""
    half = n // 2
    points, labels = [], []
    for count, delta, label in ((half, 0.0, 1), (n - half, np.pi, 0)):
        i = np.arange(count)
        r = i / count * 5
        t = 1.75 * i / count * 2 * np.pi + delta
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        xy += rng.uniform(-1, 1, (count, 2)) * noise
        points.append(xy)
        labels.append(np.full(count, label))
    return np.concatenate(points), np.concatenate(labels).astype(np.int64)


def plane(n: int, noise: float, rng: np.random.Generator):
    """Regression target (x + y) / 10, a tilted plane in [-1, 1]."""
    x = rng.uniform(-6, 6, (n, 2))
    shifted = x + rng.uniform(-6, 6, (n, 2)) * noise
    return x, (shifted.sum(axis=1) / 10).clip(-1, 1)


GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                       [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def multi_gauss(n: int, noise: float, rng: np.random.Generator):
    """Regression target: six signed bumps, the strongest one wins."""
    x = rng.uniform(-6, 6, (n, 2))
    shifted = x + rng.uniform(-6, 6, (n, 2)) * noise
    dist = np.linalg.norm(shifted[:, None, :] - GAUSSIANS[None, :, :2], axis=2)
    bumps = GAUSSIANS[None, :, 2] * np.clip(1 - dist / 2, 0, 1)
    strongest = np.abs(bumps).argmax(axis=1)
    return x, bumps[np.arange(n), strongest]


GENERATORS = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "reg-plane": plane,
    "reg-gauss": multi_gauss,
}
