"""A read table prepared for one target: task, classes, features, missing values;
every bad choice has its own message, and good tables train.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from playground.datasets.csv_columns import column_summary
from playground.datasets.csv_reading import read_csv
from playground.datasets.table_features import HOW_TO_LEAVE_OUT
from playground.datasets.table_preparation import prepare_table
from playground.datasets.table_target import MAX_CLASSES, detect_task

from tests.core.csv_samples import (
    GOOD,
    HOUSE_PRICES,
    ROOT,
    STANDARDISE,
    encoded,
    message,
    steps,
    table,
)


@pytest.mark.parametrize("values, task", [
    (["a", "b", "a"], "binary"),
    (["a", "b", "c"], "multiclass"),
    ([0, 1, 1, 0], "binary"),
    ([-1, 1, 1], "binary"),
    ([1, 2, 3, 2], "multiclass"),
    ([1.0, 2.0, 3.0], "multiclass"),
    ([True, False, True], "binary"),
    ([0, 1, None, 1], "binary"),
    (list(range(10)), "multiclass"),
    (list(range(11)), "regression"),
    ([0.5, 1.0, 1.5], "regression"),
    ([0.5, 1.0], "regression"),
])
def test_detect_task(values, task):
    assert detect_task(pd.Series(values)) == task


def test_column_summary():
    summary = column_summary(table(GOOD))
    assert list(summary.columns) == ["name", "kind", "missing", "distinct", "example"]
    rows = summary.set_index("name").to_dict("index")
    assert rows["name"] == {"kind": "text", "missing": 0, "distinct": 14, "example": "Ann"}
    assert rows["age"] == {"kind": "number", "missing": 2, "distinct": 12,
                           "example": "23 to 60"}
    assert rows["city"] == {"kind": "category", "missing": 1, "distinct": 3,
                            "example": "Leeds, Bath, York"}
    assert rows["income"]["example"] == "27.5 to 70"
    assert rows["member"]["example"] == "False, True"
    assert rows["label"]["kind"] == "category"


def test_mixed_table_dropping_missing_rows():
    prepared = prepare_table(table(GOOD), "label", standardize=False)
    assert prepared.task == "binary" and prepared.target == "label"
    x = encoded(prepared)
    assert x.shape == (11, 6) and prepared.input_shape == (6,)
    assert prepared.y.dtype == np.int64 and prepared.y.shape == (11,)
    assert prepared.feature_names == ("age", "city=Bath", "city=Leeds",
                                      "city=York", "income", "member")
    assert prepared.class_names == ("no", "yes") and prepared.num_classes == 2
    assert prepared.rows_dropped == 3 and not prepared.standardize
    assert prepared.y.tolist() == [1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1]
    assert x[0].tolist() == [34, 0, 1, 0, 41.5, 1]
    assert steps(prepared) == (
        "Task detected: binary classification (2 classes in 'label').",
        "Dropped 'name': text with 14 distinct values, looks like an identifier.",
        "Dropped 3 rows with a missing value (age: 2, city: 1).",
        "One-hot encoded 1 categorical column (city: 3 values) into 3 columns.",
        "Features are left as they are (standardisation is off).",
        "Result: 11 rows and 6 feature columns.",
    )
    assert not prepared.y.flags.writeable
    assert steps(prepare_table(table(GOOD), "label"))[-2] == STANDARDISE


def test_mixed_table_imputing_missing_values():
    prepared = prepare_table(table(GOOD), "label", missing="impute",
                             standardize=False)
    x = encoded(prepared)
    assert x.shape == (14, 6) and prepared.rows_dropped == 0
    assert x[1].tolist() == [35.5, 0, 0, 1, 38, 0]   # Ben: median age
    assert x[4].tolist() == [52, 0, 1, 0, 61, 1]     # Eve: most frequent city
    assert steps(prepared)[2] == (
        "Will fill 3 missing values (age: 2 with the median; city: 1 with the "
        "most frequent value) of the training rows, learned after the split.")
    assert steps(prepared)[-2:] == (
        "Features are left as they are (standardisation is off).",
        "Result: 14 rows and 6 feature columns.")


def test_chosen_task_features_and_numeric_classes():
    prepared = prepare_table(table(GOOD), "income", task="regression",
                             missing="impute", features=["city", "age"])
    assert prepared.y.dtype == np.float32 and prepared.class_names == ()
    assert prepared.y[:3].tolist() == [41.5, 38, 52.25]
    assert prepared.feature_names == ("age", "city=Bath", "city=Leeds", "city=York")
    assert steps(prepared)[0] == "Task chosen: regression (predict 'income' as a number)."
    assert prepared.num_classes == 1

    df = pd.DataFrame({"x": range(8), "grade": [3, 1, 2, 1, 3, 2, 10, 10]})
    prepared = prepare_table(df, "grade")
    assert prepared.task == "multiclass"
    assert prepared.class_names == ("1", "2", "3", "10")   # sorted as numbers
    assert prepared.y.tolist() == [2, 0, 1, 0, 2, 1, 3, 3]
    assert steps(prepared)[0] == ("Task detected: multiclass classification "
                                 "(4 classes in 'grade').")


def test_no_missing_values_and_hints():
    df = pd.DataFrame({"row": range(1, 13), "rooms": ["1", "2", "?"] + ["3"] * 9,
                       "y": [0, 1] * 6})
    assert steps(prepare_table(df, "y"))[1:4] == (
        "Kept 'row', but it has a different whole number in every row, like a "
        "row id: leave it out of the features if it is one "
        + HOW_TO_LEAVE_OUT + ".",
        "Read 'rooms' as text, not numbers: 1 value such as '?' is not a "
        "number. Fix or empty those cells to use 'rooms' as a number.",
        "No missing values in the feature columns.")


def test_empty_and_too_varied_text_columns_are_left_out():
    df = pd.DataFrame({"blank": [None] * 40, "town": [f"t{i % 35}" for i in range(40)],
                       "x": range(40), "y": ["a", "b"] * 20})
    prepared = prepare_table(df, "y")
    assert prepared.feature_names == ("x",)
    assert steps(prepared)[1:3] == (
        "Dropped 'blank': every value is missing.",
        "Dropped 'town': text with 35 distinct values, too many to one-hot "
        "encode (the limit is 30).")


def test_same_table_same_arrays():
    a = prepare_table(table(GOOD), "label", missing="impute")
    b = prepare_table(table(GOOD), "label", missing="impute")
    assert np.array_equal(encoded(a), encoded(b)) and np.array_equal(a.y, b.y)
    assert steps(a) == steps(b)


def test_unknown_target_lists_the_columns():
    assert message(prepare_table, table(GOOD), "Label") == (
        "Unknown target column 'Label'. Expected one of the table's columns: "
        "'name', 'age', 'city', 'income', 'member', 'label'. Pick the target "
        "from that list.")


def test_missing_target_values_are_not_dropped_silently():
    df = table("x,y\n1,a\n2, \n3,b\n4,\n")
    assert message(prepare_table, df, "y") == (
        "The target column 'y' has 2 missing values (out of 4 rows). Expected "
        "a value in every row: rows without a target cannot be learned from. "
        "Remove those rows from the file, or pick another target column.")


def test_infinite_target():
    df = table("x,y\n1,2.5\n2,inf\n3,-inf\n4,1\n")
    assert message(prepare_table, df, "y") == (
        "The target column 'y' has 2 infinite values (inf or -inf, or numbers "
        "too large for 32-bit floats, beyond 3.4e38). Expected finite numbers. "
        "Replace those values or remove their rows.")


def test_regression_needs_a_numeric_target():
    df = table("x,price\n1,12.5\n2,?\n3,14\n")
    assert message(prepare_table, df, "price", task="regression") == (
        "The target column 'price' holds text such as '?', but regression "
        "predicts a number. Expected numbers in every row. Fix or remove the "
        "rows with text in 'price', or choose binary or multiclass "
        "classification.")


def test_single_class():
    df = table("x,y\n1,a\n2,a\n3,a\n")
    assert message(prepare_table, df, "y") == (
        "The target column 'y' has a single class ('a'). Classification needs "
        "at least 2 classes. Pick another target column, or add rows of other "
        "classes.")


def test_single_class_after_dropping_rows():
    df = table("x,y\n1,a\n2,a\n,b\n,b\n")
    assert message(prepare_table, df, "y") == (
        "The target column 'y' has a single class ('a') after dropping 2 rows "
        "with a missing value. Classification needs at least 2 classes. Pick "
        "another target column, or add rows of other classes.")


def test_too_many_classes():
    numbers = pd.DataFrame({"x": range(120), "y": [i // 2 for i in range(120)]})
    assert message(prepare_table, numbers, "y", task="multiclass") == (
        f"The target column 'y' has 60 classes; the limit is {MAX_CLASSES}. "
        "It holds numbers: choose regression to predict it as a quantity.")
    words = pd.DataFrame({"x": range(120), "y": [f"c{i // 2}" for i in range(120)]})
    assert message(prepare_table, words, "y") == (
        f"The target column 'y' has 60 classes; the limit is {MAX_CLASSES}. "
        "Pick a target column with fewer distinct values.")


def test_binary_task_with_three_classes():
    df = pd.DataFrame({"x": range(6), "y": ["b", "a", "c"] * 2})
    assert message(prepare_table, df, "y", task="binary") == (
        "Binary classification needs exactly 2 classes, but 'y' has 3 ('a', "
        "'b', 'c'). Choose multiclass classification, or pick another target "
        "column.")


def test_class_with_a_single_row():
    df = pd.DataFrame({"x": range(7), "y": ["a", "a", "b", "b", "c", "d", "e"]})
    assert message(prepare_table, df, "y") == (
        "Class 'c' of the target column 'y' has only 1 row. Expected at least "
        "2 rows per class: a stratified split needs one for training and one "
        "for testing. Add rows of that class or remove its row. 2 other "
        "classes have a single row too.")


def test_class_with_a_single_row_after_dropping():
    df = table("x,y\n1,a\n2,a\n3,b\n,b\n")
    assert message(prepare_table, df, "y") == (
        "Class 'b' of the target column 'y' has only 1 row (after dropping 1 "
        "row with a missing value). Expected at least 2 rows per class: a "
        "stratified split needs one for training and one for testing. Add "
        "rows of that class or remove its row.")


def test_no_feature_columns_left():
    df = pd.DataFrame({"name": [f"n{i}" for i in range(12)], "y": [0, 1] * 6})
    assert message(prepare_table, df, "y") == (
        "No feature columns are left to learn from ('name' left out as empty "
        "or identifier-like). Expected at least one column besides the target "
        "'y' with numbers or categories (text with few distinct values). Add "
        "such a column to the file or to the features.")
    assert message(prepare_table, df, "y", features=[]).startswith(
        "No feature columns are left to learn from. Expected")


def test_dropping_most_rows_fills_them_in_instead_and_says_so():
    df = table("a,b,y\n1,,0\n,2,1\n3,4,0\n5,6,1\n,8,0\n")
    prepared = prepare_table(df, "y", task="regression")
    assert prepared.impute and len(prepared.features) == 5
    assert any(step.startswith(
        "Dropping the rows with a missing value would remove 3 of 5 (a: 2, b: 1), "
        "so they are filled in instead: fill 3 missing values") for step in steps(prepared))
    # Dropping a few rows still drops them.
    few = prepare_table(table("a,b,y\n1,,0\n2,2,1\n3,4,0\n5,6,1\n7,8,0\n"), "y",
                        task="regression")
    assert not few.impute and len(few.features) == 4


def test_too_many_features_after_one_hot_encoding():
    df = pd.DataFrame({f"c{j}": [f"v{i % 30}" for i in range(60)] for j in range(34)})
    df["y"] = [0.5 * i for i in range(60)]
    assert message(prepare_table, df, "y") == (
        "One-hot encoding would make 1,020 feature columns; the limit is "
        "1,000. Each categorical column adds one column per value (largest: "
        "c0: 30 values, c1: 30 values, c2: 30 values). Leave some categorical "
        "columns out of the features " + HOW_TO_LEAVE_OUT + ".")


def test_infinite_feature_names_the_column():
    df = table("a,fare,y\n1,7.25,0\n2,inf,1\n3,8,0\n4,9,1\n")
    assert message(prepare_table, df, "y") == (
        "Column 'fare' has 1 infinite value (inf or -inf, or numbers too large "
        "for 32-bit floats, beyond 3.4e38). Expected finite numbers. Replace "
        "those values, empty the cells to treat them as missing, or leave "
        "'fare' out of the features " + HOW_TO_LEAVE_OUT + ".")
    df = pd.DataFrame({"big": [1.0, 1e39, 2.0, 3.0], "y": [0, 1, 0, 1]})
    assert message(prepare_table, df, "y").startswith("Column 'big' has 1 infinite")


def test_bad_arguments():
    df = table(GOOD)
    assert message(prepare_table, df, "label", features=["age", "agee"]) == (
        "Unknown feature column 'agee'. Expected columns of the table: 'name', "
        "'age', 'city', 'income', 'member', 'label'. Pick the features from "
        "that list.")
    assert message(prepare_table, df, "label", features=["age", "label"]) == (
        "The target column 'label' is also listed as a feature. Expected the "
        "features to be other columns: a model given the answer learns "
        "nothing. Remove it from the features.")
    assert message(prepare_table, df, "label", task="ordinal") == (
        "Unknown task 'ordinal'. Expected one of 'binary', 'multiclass', "
        "'regression', None. Pick one of those.")
    assert message(prepare_table, df, "label", missing="zero") == (
        "Unknown missing-value handling 'zero'. Expected one of 'drop', "
        "'impute'. Pick one of those.")


def test_house_prices_file_trains_as_regression():
    data = HOUSE_PRICES.read_bytes()
    assert len(data) < 40_000
    df = read_csv(data, "house_prices.csv")
    assert list(df.columns) == ["area_m2", "rooms", "age_years",
                                "distance_to_centre_km", "district",
                                "has_garden", "price_k"]
    assert 450 <= len(df) <= 550 and 0 < df["age_years"].isna().sum() <= 20
    for missing in ("drop", "impute"):
        prepared = prepare_table(df, "price_k", missing=missing)
        assert prepared.task == "regression" and prepared.y.dtype == np.float32
        x = encoded(prepared)
        assert x.shape[1] == 9 and np.isfinite(x).all()
        assert "district=Old Town" in prepared.feature_names
    assert steps(prepared)[0].startswith("Task detected: regression")


def test_house_prices_generator_reproduces_the_file(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_house_prices", ROOT / "scripts" / "make_house_prices.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write_csv(tmp_path / "house_prices.csv")
    assert written.read_bytes() == HOUSE_PRICES.read_bytes()


def test_the_target_of_a_new_table_is_the_wanted_one_a_label_or_the_last():
    from playground.datasets.table_target import choose_target

    kaggle = ["label", *(f"pixel{i}" for i in range(784))]
    assert choose_target(kaggle) == "label"
    assert choose_target(["PassengerId", "Survived", "Pclass"]) == "Survived"
    assert choose_target(["a", " Target ", "b"]) == " Target "
    assert choose_target(["a", "class", "label"]) == "label"  # label is preferred
    assert choose_target(["x1", "x2", "colour"]) == "colour"  # nothing like a label
    assert choose_target(["x1", "colour", "label"], wanted="colour") == "colour"
    assert choose_target(["x1", "label"], wanted="gone") == "label"
