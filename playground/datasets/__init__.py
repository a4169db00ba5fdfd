"""The datasets a user can pick, all available without a network.

- `catalog` describes each one without loading it (`DatasetInfo`).
- `source` answers, for an experiment, what its data is (`dataset_info`)
  and loads it (`experiment_data`), whatever kind it is.
- `splits` makes a generated or bundled set's arrays, splits them into
  train, validation and test from the seed, and caches them (`Dataset`).
- `synthetic`: TF Playground's 2-D sets.
- `keras_sets` describes `keras.datasets`; `keras_loading` loads them.
- CSV tables: `csv_reading` (the file), `csv_columns` (what each column
  holds), `table_preparation` with `table_target` and `table_features`
  (arrays for one target), `pixel_tables` (pixel columns as images),
  `uploads` (tables held by this server), `csv_limits`.
- `errors`: `DataUnavailable` and `CsvError`, whose messages are for the user.
- `wording`: values, names and counts put into those messages.
"""

from playground.datasets.catalog import (
    BOSTON_FEATURES,
    DATASETS,
    KERAS_BASE,
    DatasetInfo,
)
from playground.datasets.splits import (
    Dataset,
    load_dataset,
    load_keras_dataset,
    split_dataset,
    split_indices,
)

__all__ = ["BOSTON_FEATURES", "DATASETS", "KERAS_BASE", "Dataset", "DatasetInfo",
           "load_dataset", "load_keras_dataset", "split_dataset", "split_indices"]
