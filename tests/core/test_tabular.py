"""A user's CSV file: every bad file has its own message; good files train."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from playground.datasets.csv_limits import NO_LIMITS, ReadLimits
from playground.datasets.csv_reading import CsvError, column_summary, read_csv
from playground.datasets.table_preparation import MAX_CLASSES, detect_task, prepare_table

ROOT = Path(__file__).resolve().parents[2]
HOUSE_PRICES = ROOT / "playground" / "datasets" / "files" / "house_prices.csv"

SAVE_AS = ('(in Excel: Save As, "CSV UTF-8 (Comma delimited)"; in LibreOffice: '
           'Save As, Text CSV, character set "Unicode (UTF-8)")')
STANDARDISE = ("Features will be standardised (mean 0, standard deviation 1) "
               "with the training rows' statistics, after the split.")

GOOD = """\
name,age,city,income,member,label
Ann,34,Leeds,41.5,True,yes
Ben,,York,38.0,False,no
Cat,29,Bath,52.25,True,yes
Dan,41,Leeds,30.0,False,no
Eve,52,,61.0,True,yes
Fay,23,York,27.5,False,no
Gus,37,Bath,45.0,True,yes
Hal,,Leeds,33.0,False,no
Ivy,45,York,58.0,True,yes
Jon,31,Leeds,29.0,False,no
Kim,27,Bath,36.5,True,no
Lou,60,York,70.0,False,yes
Max,33,Leeds,40.0,True,no
Ned,48,Bath,49.5,False,yes
"""


def message(function, *args, **kwargs) -> str:
    with pytest.raises(CsvError) as info:
        function(*args, **kwargs)
    return str(info.value)


def table(text: str) -> pd.DataFrame:
    return read_csv(text.encode("utf-8"), "test.csv")


def encoded(prepared) -> np.ndarray:
    """Every row through the preprocessing, fitted on all of them."""
    return prepared.preprocessor().fit_transform(prepared.features)


# read_csv: limits ----------------------------------------------------------------


def test_default_limits_accept_a_28_by_28_pixel_table():
    header = "label," + ",".join(f"pixel{i}" for i in range(784))
    row = "7," + ",".join(["0"] * 784)
    df = read_csv(f"{header}\n{row}\n{row}\n".encode(), "train.csv")
    assert df.shape == (2, 785)
    limits = ReadLimits()
    assert limits.max_bytes >= 200 * 2**20 and limits.max_rows >= 1_000_000
    assert limits.max_columns >= 5_000


def test_limits_are_host_settings_checked_when_read(monkeypatch):
    from playground.datasets.csv_limits import host_limits

    env = {"PLAYGROUND_MAX_UPLOAD_MB": "0.5", "PLAYGROUND_MAX_ROWS": "1_000",
           "PLAYGROUND_MAX_COLUMNS": "12"}
    assert host_limits(env) == ReadLimits(2**19, 1000, 12)
    assert host_limits({}) == ReadLimits()
    monkeypatch.setenv("PLAYGROUND_MAX_ROWS", "lots")
    assert message(read_csv, b"a,b\n1,2\n3,4\n") == (
        "The host setting PLAYGROUND_MAX_ROWS='lots' is not a positive whole "
        "number. Expected a positive whole number, e.g. "
        "PLAYGROUND_MAX_ROWS=1000000. Whoever runs the app should fix or unset "
        "it and restart.")


def test_streamlit_upload_size_agrees_with_the_default_limit():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == ReadLimits().max_megabytes


# read_csv: bad files ------------------------------------------------------------


def test_too_big_file_names_its_size_and_the_limit(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "5")
    data = b"a,b\n" + b"1,2\n" * (5 * 2**18)
    assert message(read_csv, data, "big.csv") == (
        "big.csv is 5.1 MB; the limit is 5 MB. Upload a smaller file: keep "
        "only the columns you need, or a sample of the rows.")
    assert read_csv(data, "big.csv", NO_LIMITS).shape == (5 * 2**18, 2)


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n"])
def test_empty_file(data):
    assert message(read_csv, data) == (
        "The file is empty: it contains no text. Expected a CSV file with a "
        "header line of column names, then one line per row. Check that you "
        "picked the right file.")


def test_not_utf8_names_byte_position_and_line():
    data = "name,city\nZoe,Zürich\n".encode("latin-1")
    assert message(read_csv, data, "cities.csv") == (
        "cities.csv is not UTF-8 text: byte 0xFC at position 15 (line 2) is "
        "not valid UTF-8. Expected a CSV file saved as UTF-8. Save it again "
        f"as CSV UTF-8 {SAVE_AS} and upload it again.")


def test_not_utf8_position_counts_the_byte_order_mark():
    data = b"\xef\xbb\xbfa,b\n1,2\n3,\xff\n"
    assert "byte 0xFF at position 13 (line 3)" in message(read_csv, data)


def test_excel_workbook_is_not_csv():
    assert message(read_csv, b"PK\x03\x04\x14\x00\x06\x00", "book.xlsx") == (
        "book.xlsx looks like an Excel workbook (or another binary file), not "
        "CSV text. Open it in your spreadsheet and save it as CSV UTF-8 "
        f"{SAVE_AS}, then upload the .csv file.")


def test_nul_bytes_mean_a_binary_file():
    assert message(read_csv, b"a,b\n1,\x002\n3,4\n", "x.bin") == (
        "x.bin contains NUL bytes, so it is a binary file rather than CSV "
        "text. Expected a plain-text CSV file: save your data as CSV UTF-8 "
        f"{SAVE_AS} and upload that.")


@pytest.mark.parametrize("data", [b"a,b,c\n", b"a,b,c", b"a,b,c\n\n  \n"])
def test_header_only(data):
    assert message(read_csv, data, "h.csv") == (
        "h.csv has a header line but no data rows. Expected the column names "
        "on the first line, then at least 2 rows of data. Add the rows, or "
        "check that you picked the right file.")


def test_single_data_row():
    assert message(read_csv, b"a,b\n1,2\n", "one.csv") == (
        "one.csv has only 1 data row. Expected at least 2 rows (and many "
        "more to train a useful model). Add more rows to the file.")


def ragged(line: int, fields: str, width: int, header_line: int = 1,
           delimiter: str = "','") -> str:
    return (f"r.csv line {line} has {fields}, but the header (line "
            f"{header_line}) has {width}. Expected one value per column on "
            "every line. Check that line for a missing or extra delimiter "
            f"({delimiter}), or for a text value that contains the delimiter "
            "but is not in double quotes.")


def test_ragged_row_with_more_fields():
    data = b"a,b\n1,2\n3,4,5\n6,7\n"
    assert message(read_csv, data, "r.csv") == ragged(3, "3 fields", 2)


def test_ragged_row_with_fewer_fields_which_pandas_would_fill():
    data = b"a,b,c\n1,2,3\n4,5,6\n7,8\n"
    assert message(read_csv, data, "r.csv") == ragged(4, "2 fields", 3)
    data = b"a,b\n1,2\n3\n"
    assert message(read_csv, data, "r.csv") == ragged(3, "1 field", 2)


def test_ragged_line_numbers_count_blank_lines_and_quoted_line_breaks():
    data = b'\na,b\n"two\nlines",1\n\n3,4,5\n'
    assert message(read_csv, data, "r.csv") == ragged(6, "3 fields", 2, 2)


def test_ragged_semicolon_file_names_its_delimiter():
    data = b"a;b;c\n1;2;3\n4;5;6\n7;8\n"
    assert message(read_csv, data, "r.csv") == ragged(4, "2 fields", 3,
                                                      delimiter="';'")


def test_too_many_columns(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_COLUMNS", "200")
    header = ",".join(f"c{i}" for i in range(201))
    row = ",".join("1" for _ in range(201))
    data = f"{header}\n{row}\n{row}\n".encode()
    assert message(read_csv, data, "wide.csv") == (
        "wide.csv has 201 columns; the limit is 200. "
        "Keep only the columns you need (delete the others in a spreadsheet) "
        "and upload it again.")


def test_too_many_rows():
    data = b"a,b\n" + b"1,2\n" * 100_001
    assert message(read_csv, data, "long.csv", ReadLimits(max_rows=100_000)) == (
        "long.csv has 100,001 data rows; the limit is 100,000. Upload a "
        "sample of the rows (for example the first 100,000).")


def test_duplicate_column_names_which_pandas_would_rename():
    assert message(read_csv, b"a,b,a\n1,2,3\n4,5,6\n", "d.csv") == (
        "d.csv has the column name 'a' 2 times (columns 1, 3). Expected "
        "unique column names. Rename the repeated columns.")
    assert "'age' 2 times (columns 1, 2)" in message(
        read_csv, b"age, age \n1,2\n3,4\n")


@pytest.mark.parametrize("data, column", [(b"a,,c\n1,2,3\n4,5,6\n", 2),
                                          (b"a,b,\n1,2,\n4,5,\n", 3)])
def test_empty_column_name(data, column):
    assert message(read_csv, data, "e.csv") == (
        f"e.csv has a column without a name (column {column} of 3). Expected "
        "a name for every column on the header line. Name the column, or "
        "delete it if it is empty (a delimiter at the end of each line makes "
        "such a column).")


@pytest.mark.parametrize("data", [b'a,b\n"x,1\n2,3\n', b'a,b\n"x"y,1\n2,3\n'])
def test_bad_quotes(data):
    assert message(read_csv, data, "q.csv") == (
        "q.csv has a quoting problem in the row starting on line 2: a double "
        'quote (") is never closed, or text follows a closing quote. Expected '
        "each quoted value to end with a quote followed by the delimiter or "
        "the end of the line. Put values that contain the delimiter, a quote "
        'or a line break in double quotes, and write a quote inside them '
        'twice ("").')


# read_csv: good files -------------------------------------------------------------


def test_good_file_parses_numbers_as_numbers_and_tidies_text():
    data = b'\xef\xbb\xbf id , name ,score\r\n1," Smith, J ",2.5\r\n2,  ,3\r\n'
    df = read_csv(data)
    assert list(df.columns) == ["id", "name", "score"]
    assert df["id"].tolist() == [1, 2] and df["score"].tolist() == [2.5, 3.0]
    assert pd.api.types.is_integer_dtype(df["id"])
    assert df["name"].iloc[0] == "Smith, J" and pd.isna(df["name"].iloc[1])
    assert df.attrs["delimiter"] == ","


def test_semicolon_file_with_decimal_commas():
    data = "a;b;c\n1,5;x, y;3\n-2,25;z;4\n".encode()
    df = read_csv(data)
    assert df.attrs["delimiter"] == ";"
    assert df["a"].tolist() == [1.5, -2.25] and df["c"].tolist() == [3, 4]
    assert df["b"].tolist() == ["x, y", "z"]


def test_tab_file_and_one_column_file():
    assert read_csv(b"a\tb\n1\t2\n3\t4\n").attrs["delimiter"] == "\t"
    df = read_csv(b"value\n1\n2\n")
    assert df.attrs["delimiter"] == "," and df["value"].tolist() == [1, 2]


def test_comma_file_with_semicolons_in_quoted_text_stays_comma():
    df = read_csv(b'name,v\n"Doe; J",1\n"Roe; K",2\n')
    assert df.attrs["delimiter"] == "," and df["name"].tolist() == ["Doe; J", "Roe; K"]


# detect_task and column_summary --------------------------------------------------


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


# prepare_table: good tables ----------------------------------------------------


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
    assert prepared.steps == (
        "Task detected: binary classification (2 classes in 'label').",
        "Dropped 'name': text with 14 distinct values, looks like an identifier.",
        "Dropped 3 rows with a missing value (age: 2, city: 1).",
        "One-hot encoded 1 categorical column (city: 3 values) into 3 columns.",
        "Features are left as they are (standardisation is off).",
        "Result: 11 rows and 6 feature columns.",
    )
    assert not prepared.y.flags.writeable
    assert prepare_table(table(GOOD), "label").steps[-2] == STANDARDISE


def test_mixed_table_imputing_missing_values():
    prepared = prepare_table(table(GOOD), "label", missing="impute",
                             standardize=False)
    x = encoded(prepared)
    assert x.shape == (14, 6) and prepared.rows_dropped == 0
    assert x[1].tolist() == [35.5, 0, 0, 1, 38, 0]   # Ben: median age
    assert x[4].tolist() == [52, 0, 1, 0, 61, 1]     # Eve: most frequent city
    assert prepared.steps[2] == (
        "Will fill 3 missing values (age: 2 with the median; city: 1 with the "
        "most frequent value) of the training rows, learned after the split.")
    assert prepared.steps[-2:] == (
        "Features are left as they are (standardisation is off).",
        "Result: 14 rows and 6 feature columns.")


def test_chosen_task_features_and_numeric_classes():
    prepared = prepare_table(table(GOOD), "income", task="regression",
                             missing="impute", features=["city", "age"])
    assert prepared.y.dtype == np.float32 and prepared.class_names == ()
    assert prepared.y[:3].tolist() == [41.5, 38, 52.25]
    assert prepared.feature_names == ("age", "city=Bath", "city=Leeds", "city=York")
    assert prepared.steps[0] == "Task chosen: regression (predict 'income' as a number)."
    assert prepared.num_classes == 1

    df = pd.DataFrame({"x": range(8), "grade": [3, 1, 2, 1, 3, 2, 10, 10]})
    prepared = prepare_table(df, "grade")
    assert prepared.task == "multiclass"
    assert prepared.class_names == ("1", "2", "3", "10")   # sorted as numbers
    assert prepared.y.tolist() == [2, 0, 1, 0, 2, 1, 3, 3]
    assert prepared.steps[0] == ("Task detected: multiclass classification "
                                 "(4 classes in 'grade').")


def test_no_missing_values_and_hints():
    df = pd.DataFrame({"row": range(1, 13), "rooms": ["1", "2", "?"] + ["3"] * 9,
                       "y": [0, 1] * 6})
    steps = prepare_table(df, "y").steps
    assert steps[1:4] == (
        "Kept 'row', but it has a different whole number in every row, like a "
        "row id: leave it out of the features if it is one.",
        "Read 'rooms' as text, not numbers: 1 value such as '?' is not a "
        "number. Fix or empty those cells to use 'rooms' as a number.",
        "No missing values in the feature columns.")


def test_empty_and_too_varied_text_columns_are_left_out():
    df = pd.DataFrame({"blank": [None] * 40, "town": [f"t{i % 35}" for i in range(40)],
                       "x": range(40), "y": ["a", "b"] * 20})
    prepared = prepare_table(df, "y")
    assert prepared.feature_names == ("x",)
    assert prepared.steps[1:3] == (
        "Dropped 'blank': every value is missing.",
        "Dropped 'town': text with 35 distinct values, too many to one-hot "
        "encode (the limit is 30).")


def test_same_table_same_arrays():
    a = prepare_table(table(GOOD), "label", missing="impute")
    b = prepare_table(table(GOOD), "label", missing="impute")
    assert np.array_equal(encoded(a), encoded(b)) and np.array_equal(a.y, b.y)
    assert a.steps == b.steps


# prepare_table: bad choices -----------------------------------------------------


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


def test_too_few_rows_after_dropping_missing_values():
    df = table("a,b,y\n1,,0\n,2,1\n3,4,0\n")
    assert message(prepare_table, df, "y", task="regression") == (
        "Only 1 row left after dropping 2 rows with a missing value (a: 1, "
        'b: 1); at least 2 are needed. Choose "impute" to fill missing values '
        "instead, or leave the columns with many missing values out of the "
        "features.")


def test_too_many_features_after_one_hot_encoding():
    df = pd.DataFrame({f"c{j}": [f"v{i % 30}" for i in range(60)] for j in range(34)})
    df["y"] = [0.5 * i for i in range(60)]
    assert message(prepare_table, df, "y") == (
        "One-hot encoding would make 1,020 feature columns; the limit is "
        "1,000. Each categorical column adds one column per value (largest: "
        "c0: 30 values, c1: 30 values, c2: 30 values). Leave some categorical "
        "columns out of the features.")


def test_infinite_feature_names_the_column():
    df = table("a,fare,y\n1,7.25,0\n2,inf,1\n3,8,0\n4,9,1\n")
    assert message(prepare_table, df, "y") == (
        "Column 'fare' has 1 infinite value (inf or -inf, or numbers too large "
        "for 32-bit floats, beyond 3.4e38). Expected finite numbers. Replace "
        "those values, empty the cells to treat them as missing, or leave "
        "'fare' out of the features.")
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


# The shipped file --------------------------------------------------------------


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
    assert prepared.steps[0].startswith("Task detected: regression")


def test_house_prices_generator_reproduces_the_file(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_house_prices", ROOT / "scripts" / "make_house_prices.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write_csv(tmp_path / "house_prices.csv")
    assert written.read_bytes() == HOUSE_PRICES.read_bytes()


# The quote-free fast path agrees with the csv module -------------------------

SHAPES = [
    b"a,b\n1,2\n3,4\n",
    b"\n  \na,b\r\n1,2\r\n\r\n3,4\r\n   \n",
    b"a,b\n1,2\n3,4",
    b"a;b;c\n1;2;3\n\n4;5\n",
    b"a,b\n1,2\n3\n",
    b"a,b\n1,2\n\t\n3,4,5\n",
    "a,é\n1,ü\n2,ß\n".encode(),
]


@pytest.mark.parametrize("data", SHAPES)
def test_fast_line_check_agrees_with_the_csv_module(data):
    from playground.datasets import csv_reading
    from playground.datasets.line_shapes import quote_free_shapes

    delimiter = ";" if b";" in data else ","
    text, limits = data.decode(), ReadLimits()

    def outcome(check):
        try:
            return check()
        except CsvError as error:
            return str(error)

    shapes = quote_free_shapes(data, delimiter)
    assert shapes is not None
    fast = outcome(lambda: csv_reading._quote_free_table(data, shapes, delimiter,
                                                         "f.csv", limits))
    slow = outcome(lambda: csv_reading._parsed_table(text, delimiter, "f.csv", limits))
    assert fast == slow
    assert quote_free_shapes(b'a,b\n"1",2\n', ",") is None
    assert quote_free_shapes(b"a,b\r1,2\r", ",") is None
