"""A snapshot's weight histograms: NumPy's, computed for all arrays at once."""

import numpy as np
import pytest

from playground.inspection.weights import HISTOGRAM_BINS, histograms_of, weight_summary


def numpy_histogram(array):
    return np.histogram(np.nan_to_num(array, posinf=0, neginf=0), bins=HISTOGRAM_BINS)


def awkward_arrays(rng):
    """Arrays where a histogram can go wrong: values on or near the bin edges, a
    constant array, NaN and infinities, no values, integers, float64, scales
    from a millionth to a thousand."""
    on_edges = (rng.integers(-3, 4, (6, 5)) / 4).astype(np.float32)
    # Thirds in float32: the division lands some of them a bin off, both ways.
    thirds = (np.concatenate([[-26, 38, -37, 24, 12, -2, 27, 25, -5, 8, 21],
                              rng.integers(-40, 41, 30)]) / 3).astype(np.float32)
    with_gaps = rng.normal(size=(4, 7)).astype(np.float32)
    with_gaps.flat[[0, 3, 9]] = [np.nan, np.inf, -np.inf]
    return [on_edges, thirds, np.full((3, 2), -0.7, np.float32), with_gaps,
            np.zeros(0, np.float32), rng.integers(-5, 5, (8,)), rng.normal(size=(5, 3)),
            (rng.normal(size=40) * 1e-6).astype(np.float32),
            (rng.normal(size=(2, 16)) * 1e3).astype(np.float32), np.ones(1, np.float32)]


@pytest.mark.parametrize("seed", range(20))
def test_the_histograms_are_numpy_s_to_the_last_count_and_edge(seed):
    arrays = awkward_arrays(np.random.default_rng(seed))
    for array, (counts, edges) in zip(arrays, histograms_of(arrays), strict=True):
        want_counts, want_edges = numpy_histogram(array)
        np.testing.assert_array_equal(counts, want_counts)
        np.testing.assert_array_equal(edges, want_edges)
        assert (counts.dtype, edges.dtype) == (want_counts.dtype, want_edges.dtype)


def test_the_summary_gives_each_layer_its_histograms_and_trainable_norm():
    rng = np.random.default_rng(0)
    kernel, bias = rng.normal(size=(2, 4)).astype(np.float32), np.zeros(4, np.float32)
    mean, variance = rng.normal(size=3).astype(np.float32), np.ones(3, np.float32)
    summary = weight_summary([
        {"name": "dense", "arrays": {"kernel": kernel, "bias": bias}},
        {"name": "norm", "arrays": {"moving_mean": mean, "moving_variance": variance},
         "trainable": []}])
    assert list(summary["weights"]) == ["dense", "norm"]
    assert list(summary["weights"]["norm"]) == ["moving_mean", "moving_variance"]
    for name, array in (("kernel", kernel), ("bias", bias)):
        np.testing.assert_array_equal(summary["weights"]["dense"][name][0],
                                      numpy_histogram(array)[0])
    np.testing.assert_array_equal(summary["weights"]["norm"]["moving_mean"][1],
                                  numpy_histogram(mean)[1])
    assert summary["norms"]["dense"] == pytest.approx(np.linalg.norm(kernel))
    assert summary["norms"]["norm"] == 0.0  # moving statistics are not trained
