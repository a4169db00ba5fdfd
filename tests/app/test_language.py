"""The language per browser session: from the link, the picker, the browser."""

import re

import pytest

from playground.i18n import use_language
from test_app import new_app, shown
from tests.app.sessions import ended


def titles(at) -> list[str]:
    return [t.value for t in at.title]


def test_a_chinese_link_opens_the_app_in_chinese_and_keeps_lang_in_the_address():
    at = new_app({"lang": "zh-CN"})
    assert not at.exception
    assert titles(at) == ["数据"]
    assert at.query_params["lang"] == "zh"
    assert at.session_state["experiment"].dataset == "circle"  # lang is not a setting
    link = next(c.value for c in at.code if "dataset=" in c.value)
    assert link.endswith("&lang=zh")
    with use_language("zh"):  # AppTest formats the Data page's choices in this thread
        at.switch_page("views/train.py").run()
    assert titles(at) == ["训练"]


def test_the_picker_switches_and_two_sessions_keep_their_own_language():
    english, chinese = new_app(), new_app({"lang": "zh"})
    assert titles(english) == ["Data"] and "lang" not in english.query_params
    english.selectbox(key="language_choice").select("zh").run()
    with use_language("zh"):  # AppTest formats the page's choices in this thread
        english.selectbox(key="language_choice").select("en").run()
        chinese.run()
    assert titles(english) == ["Data"] and english.query_params["lang"] == "en"
    assert titles(chinese) == ["数据"]


def test_an_unknown_language_says_so_and_uses_english():
    at = new_app({"lang": "xx"})
    assert titles(at) == ["Data"]
    assert any("asks for the language 'xx'" in shown(w) for w in at.warning)


PAGES = ("views/data.py", "views/model.py", "views/train.py", "views/inspect.py",
         "views/evaluate.py", "views/crossval.py", "views/search.py", "views/runs.py",
         "views/teach.py")
PROSE = ("Title", "Header", "Subheader", "Caption", "Markdown", "Info", "Warning",
         "Error", "Success", "Text", "Exception")


def shown_texts(at) -> list[tuple[str, str]]:
    """`(element type, text)` of everything a page shows as words: prose
    elements' text, tables' column headers, and every widget's label, help
    and placeholder."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            walk(child)
        kind = type(node).__name__
        if kind == "Dataframe":  # its column headers
            found.extend((kind, name) for name in node.value.columns
                         if isinstance(name, str))
        attributes = ("value",) if kind in PROSE else ("label", "help", "placeholder")
        for name in attributes:
            text = getattr(node, name, None)
            if isinstance(text, str) and text.strip():
                found.append((kind, text))

    walk(at._tree)
    return found


def untranslated_words(text: str, keras_words: set[str]) -> list[str]:
    """The words of `text` outside the ⟦ ⟧ marks that are not Keras' own
    names (a layer's `Dense`, its `units`, ...)."""
    outside = text
    while re.search(r"⟦[^⟦⟧]*⟧", outside):  # innermost first: marks nest
        outside = re.sub(r"⟦[^⟦⟧]*⟧", " ", outside)
    return [word for word in re.findall(r"[A-Za-z][A-Za-z']+", outside)
            if word not in keras_words]


def exempt_words(*datasets: str) -> set[str]:
    """Words that read the same in either language: Keras' own names
    (`Dense`, a layer's `units`, `activation`, `l1`, `l2`), ROC AUC, and the
    named datasets' column names. The datasets' own names ("Breast cancer")
    are translated."""
    from playground.config import Experiment
    from playground.datasets.source import experiment_data
    from playground.model.layers import LAYER_TYPES

    words = {kind.label for kind in LAYER_TYPES.values()} | {
        field.name for kind in LAYER_TYPES.values() for field in kind.fields} | {
        "ROC", "AUC"}
    for name in datasets:
        words |= set(experiment_data(Experiment(dataset=name)).feature_names)
    return words


def bypassing(at, page: str, words: set[str]) -> list[tuple[str, str]]:
    """The texts a page shows with words outside the catalog."""
    if page:
        at.switch_page(page).run()
    assert not at.exception, (page, at.exception)
    return [(kind, text) for kind, text in shown_texts(at)
            if text != "Language · 语言" and untranslated_words(text, words)]


@pytest.fixture
def pseudo(monkeypatch):
    """Every caller reads the pseudo-language (the test's own thread too, where
    AppTest formats select boxes' options)."""
    from playground import i18n

    monkeypatch.setattr(i18n, "language", lambda: i18n.PSEUDO)


def test_no_page_shows_text_that_bypassed_the_catalog(pseudo):
    """Every page drawn in a pseudo-language that wraps each catalog string in
    ⟦ ⟧: any words without the marks were never translated."""
    words = exempt_words()
    for page in PAGES:
        assert not bypassing(new_app(), page, words), page


@pytest.mark.workers
@pytest.mark.parametrize("dataset", ["circle", "diabetes"])
def test_a_trained_runs_pages_show_no_text_that_bypassed_the_catalog(pseudo, dataset):
    """The same after a short training: outcome, test metrics, the run's
    Inspect and Evaluate pages (own-input form included) and its Runs row."""
    at = new_app({"dataset": dataset, "epochs": "2"})
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    assert ended(at.session_state["training_job"]).status == "completed"
    at.run()
    words = exempt_words(dataset)
    for page in PAGES:
        assert not bypassing(at, page, words), page


def test_a_lessons_panel_and_class_page_show_no_text_that_bypassed_the_catalog(
        pseudo, store_url):
    from playground.config import Experiment
    from playground.lessons import Lesson, LessonStore
    from playground.runs import open_store

    made = Lesson(title="xor", experiment=Experiment(dataset="xor"), locked=("dataset",),
                  goal="val_accuracy>=0.9")
    LessonStore(open_store(store_url)).create(made)
    words = exempt_words()
    at = new_app({"lesson": made.id})
    teacher_text = {("Markdown", "**xor**")}  # the lesson's title is the teacher's
    assert not set(bypassing(at, "", words)) - teacher_text
    assert not set(bypassing(at, "views/lesson_class.py", words)) - teacher_text


def test_the_data_of_a_shipped_table_and_a_missing_file_show_no_text_that_bypassed_it(
        pseudo):
    """The house prices' description on the Data page, and the Train page's
    "fix the data first" under a CSV not yet uploaded."""
    from playground.config import Experiment
    from playground.datasets.source import source_table

    table = source_table(Experiment(dataset="house-prices"))
    names = [*table.columns, *table.select_dtypes("object").stack()]  # the file's own
    words = exempt_words("house-prices") | {
        word for name in names for word in re.findall(r"[A-Za-z]+", str(name))}
    assert not bypassing(new_app({"dataset": "house-prices"}), "", words)
    assert not bypassing(new_app({"dataset": "csv"}), "views/train.py", words)


def test_select_boxes_offer_their_choices_in_the_readers_language(pseudo):
    """The loss and optimizer names a learner picks from ("Binary
    crossentropy", "SGD (with momentum)") come from the catalog too."""
    at = new_app()
    at.switch_page("views/train.py").run()
    words = exempt_words()
    boxes = {box.label: box.options for box in at.selectbox}
    for label in ("⟦Loss⟧", "⟦Optimizer⟧"):
        assert not [o for o in boxes[label] if untranslated_words(o, words)], boxes[label]


def test_the_live_canvases_words_come_in_the_readers_language():
    """The animated boundary's title and the network view's column names are
    drawn by the browser from what each poll sends, in the reader's language."""
    from playground.i18n import use_language
    from ui import live_boundary, network_view

    assert "Decision boundary" not in live_boundary._HTML + live_boundary._JS
    assert " more`" not in network_view._JS
    data = {"epoch": 3, "columns": [{"name": "input"}, {"name": "dense"},
                                    {"name": "output"}], "links": []}
    with use_language("zh"):
        titles = live_boundary.titles()
        shown = network_view.in_readers_language(data)
    assert titles == {"waiting": "决策边界：等待第一个快照",
                      "after": "第 {epoch} 轮后的决策边界"}
    assert [c["name"] for c in shown["columns"]] == ["输入", "dense", "输出"]
    assert shown["more"] == "另有 {count} 个"
    assert data["columns"][0]["name"] == "input"  # the run's shared data is unchanged


def test_the_servers_busy_line_reads_from_the_catalog(pseudo, monkeypatch):
    from playground import jobs
    from ui import services

    class Busy:
        def stats(self):
            return {"running": 2, "queued": 1, "limit": 2}

    monkeypatch.setattr(jobs, "default_executor", lambda create=True: Busy())
    line = services.busy_line()
    assert not untranslated_words(line, set()), line


def choice_words() -> set[str]:
    """Words of choices that are names, the same in either language: presets,
    Keras' activations and metrics, a setting's or a dataset's name."""
    from playground.config import FIELDS_BY_NAME
    from playground.datasets import DATASETS
    from playground.presets import PRESETS
    from playground.model.layers import LAYER_TYPES
    from playground.registry import ACTIVATIONS

    from playground.config import Experiment
    from playground.datasets.source import source_table

    columns = source_table(Experiment(dataset="house-prices")).columns  # the file's own
    names = [*PRESETS, *ACTIVATIONS, *FIELDS_BY_NAME, *DATASETS, *columns,
             *(kind.label for kind in LAYER_TYPES.values()),
             "val_loss", "val_accuracy", "val_mae", "English"]
    return exempt_words() | {
        word for name in names for word in re.findall(r"[A-Za-z][A-Za-z']+", name)}


def untranslated_choices(at) -> list[tuple[str, str, list[str]]]:
    words = choice_words()
    found = []
    for kind in ("selectbox", "radio", "multiselect"):
        for widget in getattr(at, kind):
            bad = [o for o in widget.options if untranslated_words(str(o), words)]
            if kind == "multiselect" and not widget.placeholder.startswith("⟦"):
                bad.append(f"placeholder {widget.placeholder!r}")  # "Choose options"
            if bad:
                found.append((kind, widget.label, bad))
    return found


@pytest.mark.parametrize("dataset", ["circle", "house-prices"])
def test_every_choice_a_page_offers_reads_in_the_readers_language(pseudo, dataset):
    """Select boxes', radios' and multiselects' choices on every page: a
    schedule ("step decay"), "on"/"off", a table's scaling, the pages a
    lesson may hide; and a multiselect's placeholder, Streamlit's "Choose
    options" unless given. Names stay (a preset's, a setting's, `relu`)."""
    at = new_app({"dataset": dataset})
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        found = untranslated_choices(at)
        assert not found, (page, found)
