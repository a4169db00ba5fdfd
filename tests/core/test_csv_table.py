"""CSV exports: a spreadsheet reads every cell as the value it shows, never as
a formula (OWASP's CSV injection advice), and every field is quoted."""

import csv
import io

import pandas as pd

from playground.export.csv_table import FORMULA_STARTS, safe_csv

PAYLOADS = ['=HYPERLINK("http://evil.example/x","click")', "+1+cmd|' /C calc'!A0",
            "@SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
            "![x](http://host/chain.png)=1+2.csv", "plain name"]


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_no_cell_of_the_export_starts_like_a_formula():
    frame = pd.DataFrame({"Name": PAYLOADS, "Learning rate": [0.01] * len(PAYLOADS)})
    rows = read_back(safe_csv(frame))
    assert rows[0] == ["Name", "Learning rate"]
    assert [row[0] for row in rows[1:]] == [
        ("'" + p if p.startswith(FORMULA_STARTS) else p) for p in PAYLOADS]
    assert all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


def test_every_field_is_quoted_and_numbers_stay_numbers():
    frame = pd.DataFrame({"=bad header": ["a"], "rate": [-0.5], "epochs": [3],
                          "missing": [float("nan")]})
    text = safe_csv(frame).decode()
    assert text.splitlines() == ['"\'=bad header","rate","epochs","missing"',
                                 '"a","-0.5","3",""']
    assert read_back(safe_csv(frame, index=True))[1][0] == "0"
