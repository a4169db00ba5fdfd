"""User text in figures: class, column and run names with Plotly markup or
HTML show as written, never as links, images or formatting."""

import json

import numpy as np
import pandas as pd

from playground.charts.activations import prediction_figure
from playground.charts.data import class_balance, dataset_scatter, scatter_matrix
from playground.charts.plane import boundary_points
from playground.charts.style import plotly_text
from playground.evaluation.figures import confusion_figure, highlighted_points
from playground.runs import compare

LINK = '<a href="http://evil.example/x">click</a>'
IMAGE = "![x](http://host/chain.png)=1+2"
NAMES = (LINK, "<b>bold</b> & co")


def text_of(figure) -> str:
    return figure.to_json()


def assert_no_markup(figure):
    text = text_of(figure)
    assert "<a href" not in text and "<b>bold" not in text, text[:400]
    assert "&lt;a href=" in text


def test_plotly_text_escapes_markup_and_keeps_the_rest():
    assert plotly_text(LINK) == '&lt;a href="http://evil.example/x"&gt;click&lt;/a&gt;'
    assert plotly_text(IMAGE) == IMAGE  # Markdown is not Plotly's markup
    assert plotly_text(3) == "3"


def test_class_names_are_text_in_every_figure_that_shows_them():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 2)), np.arange(20) % 2
    assert_no_markup(dataset_scatter(x, y, x, y, NAMES, regression=False))
    assert_no_markup(class_balance({"train": y}, NAMES, regression=False))
    assert "<a href" not in json.dumps(boundary_points(x, y, x, y, False, NAMES),
                                       default=str)
    assert_no_markup(prediction_figure(np.array([0.3, 0.7]), NAMES, 1))
    assert_no_markup(confusion_figure(np.array([[3, 1], [0, 4]]), NAMES, False))
    assert_no_markup(highlighted_points(x, y, np.array([0]), NAMES, "errors"))


def test_run_and_column_names_are_text():
    histories = [{"loss": [1.0, 0.5]}, {"loss": [0.9, 0.4]}]
    assert_no_markup(compare.curves_figure(list(NAMES), histories, "loss"))
    assert_no_markup(compare.test_metrics_figure(list(NAMES), [{"accuracy": 0.9}] * 2))
    frame = pd.DataFrame({LINK: [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0],
                          "<b>bold</b> & co": ["p", "q", "p"]})
    assert_no_markup(scatter_matrix(frame, [LINK, "b"], "<b>bold</b> & co"))
