"""The data section of a script for a CSV experiment.

The script reads the file given as its first argument with pandas, tidies
its cells with the app's own `tidy_column`, and prepares the columns with
the same scikit-learn pipeline (scaling, one-hot encoding, pixels read as
images) that the app fitted, so that its inputs match the app's.
"""

from __future__ import annotations

import json

from playground.config import Experiment
from playground.datasets.csv_columns import tidy_column
from playground.datasets.table_preparation import column_runs, pixels_to_images
from playground.export.code_text import function_source, number_literal
from playground.registry import REGRESSION


def table_imports(exp: Experiment) -> str:
    """The imports of a CSV script: only what its pipeline uses."""
    from playground.datasets.source import prepared_table

    table = prepared_table(exp)
    steps = []
    if table.image_shape:
        steps.append("FunctionTransformer")
    if any(kind != "number" for kind in table.kinds.values()):
        steps.append("OneHotEncoder")
    if table.standardize and not table.image_shape or table.task == REGRESSION:
        steps.append("StandardScaler")
    lines = ["from pandas.api.types import is_bool_dtype, is_numeric_dtype",
             "from sklearn.compose import ColumnTransformer"]
    if table.impute:
        lines.append("from sklearn.impute import SimpleImputer")
    lines.append("from sklearn.pipeline import make_pipeline")
    if steps:
        lines.append(f"from sklearn.preprocessing import {', '.join(steps)}")
    return "\n".join(lines) + "\n"



def table_section(exp: Experiment) -> str:
    """Code that reads the CSV and builds the app's preparation pipeline:
    cells tidied as the app reads them, then per run of neighbouring columns
    of one kind (in the table's order) filled in and one-hot encoded, then
    standardised, or scaled and reshaped into images."""
    from playground.datasets.source import prepared_table

    table = prepared_table(exp)
    columns = list(table.kinds)
    categories = {c: list(table.categories[c]) for c, k in table.kinds.items()
                  if k != "number"}
    lines = [
        "# The CSV file named on the command line, its cells read as the app reads",
        "# them: text stripped, blank cells missing, numbers as numbers.",
        function_source(tidy_column),
        "",
        "",
        "table = pd.read_csv(sys.argv[1]).apply(tidy_column)",
        f"TARGET = {table.target!r}",
        f"FEATURES = {columns!r}",
    ]
    if categories:
        lines += [f"CATEGORIES = {json.dumps(categories)}"]
    if not table.impute:
        lines += ["# Rows with a missing feature value are dropped.",
                  "table = table.dropna(subset=FEATURES)"]
    lines += ["x = table[FEATURES]"]
    if table.task == REGRESSION:
        lines += ["y = table[TARGET].to_numpy(np.float32)"]
    else:
        lines += ["# Class ids: the classes in sorted order.",
                  "classes, y = np.unique(table[TARGET], return_inverse=True)"]
    if table.image_shape:
        lines += ["", function_source(pixels_to_images), ""]
        scale = (f"FunctionTransformer(pixels_to_images, kw_args={{\"shape\": "
                 f"{tuple(table.image_shape)!r}, \"pixel_max\": {number_literal(table.pixel_max)}}})")
        what = "scaled to 0..1 and shaped into images"
    else:
        scale = "StandardScaler()" if table.standardize else "\"passthrough\""
        what = "scaled" if table.standardize else "passed on"
    steps = []
    position = 0
    runs = column_runs(table.kinds)
    for i, (kind, names) in enumerate(runs):
        picked = f"FEATURES[{position}:{position + len(names)}]"
        position += len(names)
        made = (f"{kind}_steps({picked})" if kind != "number" else
                "number_steps()" if table.impute else '"passthrough"')
        steps.append(f'        ("{kind} {i + 1}", {made}, {picked}),')
    kinds = {kind for kind, _ in runs}
    lines += [""]
    if table.impute and "number" in kinds:
        lines += ["",
                  "def number_steps():",
                  '    """Missing numbers become the training rows\' median."""',
                  '    return SimpleImputer(strategy="median", keep_empty_features=True)',
                  ""]
    if "category" in kinds:
        fill = ('SimpleImputer(strategy="most_frequent", keep_empty_features=True),\n'
                "        " if table.impute else "")
        lines += ["",
                  "def category_steps(columns):",
                  '    """One-hot encoded categories' + (
                      " (missing: the most frequent)" if table.impute else "")
                  + '; unseen ones are zeros."""',
                  f"    return make_pipeline(\n        {fill}OneHotEncoder(categories="
                  "[CATEGORIES[c] for c in columns],",
                  '                      handle_unknown="ignore", sparse_output=False))',
                  ""]
    lines += [
        "",
        f"# Each run of columns of one kind prepared in turn, then {what}, by a",
        "# pipeline that learns from the training rows only (fitted after the split).",
        "preprocessor = make_pipeline(",
        "    ColumnTransformer([",
        *steps,
        "    ]),",
        f"    {scale},",
        ")",
    ]
    return "\n".join(lines)
