"""The datasets a user can pick, all available without a network.

`catalog` describes each one without loading it; `loading` makes, splits
and caches the arrays. Generated sets are in `synthetic`, Keras' downloads
in `keras_sets`, CSV tables in `csv_reading`, `table_preparation` and
`uploads`.
"""

from playground.datasets.catalog import BOSTON_FEATURES, DATASETS, KERAS_BASE, DatasetInfo
from playground.datasets.loading import (
    Dataset,
    load_dataset,
    load_keras_dataset,
    split_dataset,
    split_indices,
)

__all__ = ["BOSTON_FEATURES", "DATASETS", "KERAS_BASE", "Dataset", "DatasetInfo",
           "load_dataset", "load_keras_dataset", "split_dataset", "split_indices"]
