"""A user's CSV file read: every bad file has its own message, good files parse.
"""

from __future__ import annotations

import pandas as pd
import pytest

from playground.datasets.csv_limits import NO_LIMITS, ReadLimits
from playground.datasets.csv_reading import read_csv
from playground.datasets.errors import CsvError, DataUnavailable

from tests.core.csv_samples import ROOT, SAVE_AS, message


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


def test_uploads_are_capped_by_the_memory_they_hold_and_forgotten_on_request(
        monkeypatch):
    from playground.datasets import uploads

    rows = "\n".join(f"{i},{i * 2},{'x' * 40}" for i in range(2000))
    data = f"a,b,text\n{rows}\n".encode()
    for token in list(uploads._tables):  # earlier tests' uploads, in this process
        uploads.forget(token)
    first = uploads.register(data, "first.csv")
    size = uploads.held_bytes()
    assert size > 0 and uploads.get(first) is not None

    # Room for about two such tables: a third drops the oldest.
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB", str(2.5 * size / 2**20 + 1e-6))
    second = uploads.register(data, "second.csv")
    third = uploads.register(data, "third.csv")
    assert uploads.get(first) is None
    assert uploads.get(second) is not None and uploads.get(third) is not None
    assert uploads.held_bytes() <= 2.5 * size + 1

    uploads.forget(second)
    uploads.forget(third)
    assert uploads.get(second) is None and uploads.get(third) is None
    assert uploads.held_bytes() == 0


def test_an_ended_sessions_uploads_and_their_prepared_tables_are_freed():
    from playground.config import Experiment
    from playground.datasets import uploads
    from playground.datasets.source import forget_uploads, prepared_table

    data = b"a,b,label\n" + b"".join(f"{i},{i % 3},{i % 2}\n".encode() for i in range(40))
    mine = uploads.register(data, "mine.csv", owner="session-a")
    theirs = uploads.register(data, "theirs.csv", owner="session-b")
    exp = Experiment(dataset="csv", upload=mine, csv_name="mine.csv", target="label")
    assert len(prepared_table(exp).features) == 40

    forget_uploads("session-a")
    assert uploads.get(mine) is None
    assert uploads.get(theirs) is not None  # another session's file stays
    with pytest.raises(DataUnavailable, match="No CSV file is loaded"):
        prepared_table(exp)  # not served from the cache of prepared tables
    forget_uploads("session-b")
    assert uploads.get(theirs) is None
