"""Sample CSV tables and helpers shared by the CSV reading and preparation tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from playground.datasets.csv_reading import read_csv
from playground.datasets.errors import CsvError

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


def steps(prepared) -> tuple[str, ...]:
    """A prepared table's steps as read now (each is translated when read)."""
    return tuple(map(str, prepared.steps))


def encoded(prepared) -> np.ndarray:
    """Every row through the preprocessing, fitted on all of them."""
    return prepared.preprocessor().fit_transform(prepared.features)
