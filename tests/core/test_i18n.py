"""The catalog and the language choice: complete, matching, per caller."""

import gettext
import re
import threading

import pytest

from playground import i18n
from playground.datasets.csv_limits import ReadLimits
from playground.datasets.csv_reading import read_csv
from playground.datasets.errors import CsvError
from playground.datasets.keras_loading import DatasetUnavailable, load_keras_arrays
from playground.datasets.keras_sets import KERAS_SETS
from playground.datasets.table_preparation import prepare_table
from playground.i18n import catalog, tr, tr_lazy, tr_n, use_language


def test_every_marked_string_has_a_complete_chinese_translation():
    """Each string the code marks is in the zh catalog, translated, not fuzzy,
    with the same placeholders as the English (`python -m
    playground.i18n.catalog` adds new strings to fill in)."""
    assert catalog.problems("zh") == []
    assert len(catalog.extract()) > 10


def test_the_check_finds_missing_fuzzy_and_mismatched_entries(tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    source = tmp_path / "app.py"
    source.write_text('from playground.i18n import tr\n'
                      'tr("Train")\ntr("Epoch {epoch}", epoch=1)\ntr("Stop")\n'
                      'tr("Seed")\n', encoding="utf-8")
    broken = Catalog(locale="zh_CN")
    broken.add("Train", "训练")
    broken.add("Epoch {epoch}", "第 {轮} 轮")  # a renamed placeholder
    broken.add("Stop", "停止", flags=["fuzzy"])
    po = tmp_path / "zh.po"
    with open(po, "wb") as target:
        write_po(target, broken)
    monkeypatch.setattr(catalog, "SOURCES", ("app.py",))
    monkeypatch.setattr(catalog, "table_strings", lambda: [])
    monkeypatch.setattr(i18n, "catalog_path", lambda code: po)
    assert sorted(catalog.problems("zh", root=tmp_path)) == [
        "fuzzy: 'Stop'", "not in the catalog: 'Seed'",
        "placeholders differ: 'Epoch {epoch}'"]


@pytest.mark.parametrize("tag, code", [
    ("zh", "zh"), ("zh-CN", "zh"), ("zh_CN.UTF-8", "zh"), ("zh-Hans-CN", "zh"),
    ("en-GB", "en"), ("EN", "en"), ("fr", None), ("", None), (None, None)])
def test_language_tags_are_normalised(tag, code):
    assert i18n.normalise(tag) == code


def test_translation_fills_placeholders_after_translating():
    with use_language("zh"):
        assert tr("Train") == "训练"
        assert tr("**Batch** {batch} · **Epochs** {epochs}", batch=32, epochs=5) == (
            "**批大小** 32 · **训练轮数** 5")
    with use_language("en"):
        assert tr("Train") == "Train"
        assert tr_n("{count} unit", "{count} units", 1) == "1 unit"
        assert tr_n("{count} unit", "{count} units", 2) == "2 units"
        # Any name may be a placeholder, even the ones tr's own arguments have.
        assert tr("{message} in {plural}", message="a", plural="b") == "a in b"


def test_two_threads_read_their_own_language_at_once():
    """The language is the caller's, never the process's: two sessions
    translating at the same moment each get theirs."""
    seen, ready = {}, threading.Barrier(2)

    def session(code):
        with use_language(code):
            ready.wait()
            seen[code] = [tr("Train") for _ in range(200)]

    threads = [threading.Thread(target=session, args=(c,)) for c in ("zh", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(seen["zh"]) == {"训练"} and set(seen["en"]) == {"Train"}


def test_the_environment_decides_for_the_command_line(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh" and tr("Train") == "训练"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert i18n.language() == "en"


def test_english_made_from_a_template_is_translated_where_it_is_read():
    """A worker writes how a run ended in English (it knows no reader); the
    page that shows it translates the filled-in template."""
    from playground.training.result import DIVERGED_AT, FINISHED

    with use_language("zh"):
        assert i18n.translated(FINISHED.format(epochs=30)) == "已完成 30 轮训练。"
        assert i18n.translated(DIVERGED_AT.format(epoch=7)).startswith(
            "训练在第 7 轮发散")
        assert i18n.translated("Loading data") == "正在载入数据"  # a marked string
        assert i18n.translated("Something else") == "Something else"
    with use_language("en"):
        assert i18n.translated(FINISHED.format(epochs=30)) == "Finished 30 epoch(s)."


def test_a_template_may_repeat_a_placeholder():
    from playground.training.result import EARLY_STOP_KEPT

    text = EARLY_STOP_KEPT.format(stopped=9, monitor="val_loss", patience=3,
                                  best="0.25", epoch=6)
    with use_language("zh"):
        shown = i18n.translated(text)
    assert shown != text and shown.count("6") >= 2 and "val_loss" in shown
    odd = text.replace("weights of epoch 6", "weights of epoch 7")  # not the template
    with use_language("zh"):
        assert i18n.translated(odd) == odd


# -- The core's messages: every word from the catalog, or a value ------------------


class _Skeleton(gettext.NullTranslations):
    """A catalog that keeps only each message's placeholders: any word left in a
    text came from a value (a file or column name), or bypassed the catalog,
    however deeply it was nested."""

    def gettext(self, message):
        return "⟦" + " ".join(f"{{{name}}}" for name in
                              sorted(catalog.placeholders(message))) + "⟧"

    def ngettext(self, singular, plural, n):
        return self.gettext(plural)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)*", text))


def english_outside_the_catalog(monkeypatch, make_error, values=()) -> set[str]:
    """The English words of the error `make_error` raises that are not in
    `values`' words, read in the pseudo-language `qps` (words outside its ⟦ ⟧
    marks) and with the `_Skeleton` catalog (words that no message holds)."""
    def raised() -> list[str]:
        with pytest.raises(Exception) as caught:
            make_error()
        return [str(caught.value)]

    return english_read_outside_the_catalog(monkeypatch, raised, values)


def _table(**columns):
    import pandas as pd

    return pd.DataFrame(columns)


EXCEL = b"PK\x03\x04\x14\x00\x06\x00"


@pytest.mark.parametrize("make_error, values", [
    (lambda: read_csv(EXCEL, "book.xlsx"), ["book.xlsx"]),
    (lambda: read_csv(b"a,b\n1,2\n\xff,3\n"), ["a", "b", "0xFF"]),
    (lambda: read_csv(b"a,b\n1,2\n3,4\n5,6\n", "big.csv", ReadLimits(max_rows=2)),
     ["big.csv"]),
    (lambda: read_csv(b"a,b\n1,2\n3,4,5\n", "r.csv"), ["r.csv"]),
    (lambda: read_csv(b"a,a\n1,2\n3,4\n", "d.csv"), ["d.csv", "a"]),
    (lambda: prepare_table(_table(x=[1, 2, 3], y=["a", "a", "a"]), "y"), ["y", "a"]),
    (lambda: prepare_table(_table(x=[1, 2, None, 4], y=["a", "a", "b", "b"]), "y"),
     ["y", "a", "b"]),
    (lambda: prepare_table(_table(x=[1, 2, 3, 4], y=["a", "a", "b", "c"]), "y"),
     ["y", "b"]),
    (lambda: prepare_table(_table(x=[1, 2], y=["a", None]), "y"), ["y"]),
    (lambda: prepare_table(_table(**{f"c{i}": [1, 2] for i in range(30)}), "target"),
     [f"c{i}" for i in range(30)] + ["target"]),
    (lambda: prepare_table(_table(x=[1.0, 2.0], y=[1.5, 2.5]), "y", images=True),
     ["x"]),
])
def test_csv_errors_read_from_the_catalog(monkeypatch, make_error, values):
    assert english_outside_the_catalog(monkeypatch, make_error, values) == set()


def test_an_offline_keras_dataset_reads_from_the_catalog(monkeypatch, keras_home):
    import urllib.error

    def offline(**kwargs):
        raise urllib.error.URLError("offline")

    for name in ("fashion-mnist", "cifar10"):
        info = KERAS_SETS[name]
        values = [info.label, info.folder, *info.urls, *info.files,
                  "urlopen error offline"]
        assert english_outside_the_catalog(
            monkeypatch, lambda: load_keras_arrays(name, loader=offline), values) == set()


def test_search_space_errors_read_from_the_catalog(monkeypatch):
    from playground.config import Experiment
    from playground.search.engine import check_settings
    from playground.search.space import SearchSpace

    exp = Experiment()
    for space, values in [({"layers.0.colour": [1]}, ["layers.0.colour", "Dense", "units",
                                                     "activation", "l1", "l2"]),
                          ({"learning_rate": {"min": 1, "max": 0.1}}, ["learning_rate"]),
                          ({}, []), ({"optimizer": {"min": 1, "max": 2}},
                                     ["optimizer", "sgd", "adam", "rmsprop", "adagrad",
                                      "adadelta", "adamax", "nadam"])]:
        assert english_outside_the_catalog(
            monkeypatch, lambda: SearchSpace.parse(space, exp), values) == set()
    assert english_outside_the_catalog(
        monkeypatch, lambda: check_settings(exp, "random", "val_mae", 5, None),
        ["val_mae", "val_loss", "val_accuracy"]) == set()


def test_settings_fixes_read_from_the_catalog(monkeypatch):
    from playground.config import FIELDS, VERSION_KEY, Experiment
    from playground.model.layers import LAYER_TYPES, LayerSpec

    assert english_outside_the_catalog(
        monkeypatch, lambda: LayerSpec.make("dense", units=0), ["units"]) == set()
    names = [*LAYER_TYPES, "layers", "dense-4_conv9", "conv9"]
    assert english_outside_the_catalog(monkeypatch, lambda: Experiment.from_query(
        {"layers": "dense-4_conv9"}), names) == set()
    keys = [VERSION_KEY, *(f.url_key for f in FIELDS)]
    assert english_outside_the_catalog(monkeypatch, lambda: Experiment.from_query(
        {"seed": ["1", "2"], "colour": "red"}), ["seed", "colour", *keys]) == set()


def test_the_model_checks_read_from_the_catalog(monkeypatch):
    from playground.config import Experiment
    from playground.model.checks import check_experiment, check_weight_budget
    from playground.model.layers import LayerSpec

    for exp, values in [
            (Experiment(dataset="iris", loss="bce"), ["Binary crossentropy"]),
            (Experiment(dataset="iris", output=LayerSpec.make("dense", units=3)),
             ["Sparse categorical crossentropy", "Dense", "relu"]),
            (Experiment(dataset="reg-gauss", loss="scce"),
             ["Sparse categorical crossentropy"]),
            (Experiment(dataset="circle", early_stop_patience=3, val_fraction=0), []),
            (Experiment(dataset="circle", early_stop_patience=3,
                        early_stop_monitor="val_mae"), ["val_mae", "val_loss",
                                                        "val_accuracy"])]:
        assert english_outside_the_catalog(
            monkeypatch, lambda: check_experiment(exp), values) == set()
    assert english_outside_the_catalog(monkeypatch, lambda: check_weight_budget(
        Experiment(), 16)) == set()


def test_the_baselines_skip_reasons_read_from_the_catalog(monkeypatch):
    from playground.config import Experiment
    from playground.datasets.source import experiment_data
    from playground.evaluation import baselines

    data = experiment_data(Experiment(dataset="iris"))
    for translations in (i18n.translations, lambda code: _Skeleton()):
        with monkeypatch.context() as patch:
            patch.setattr(i18n, "language", lambda: i18n.PSEUDO)
            patch.setattr(i18n, "translations", translations)
            # Fitted in a worker, the reasons are read where they are shown.
            skipped = baselines.fit_baselines(data, time_cap=0.0, probe_rows=20)
            capped = baselines.fit_baselines(data, max_rows=50, max_features=2)
            texts = [str(b.skipped) for b in skipped] + [str(capped[0].note)]
        assert all(text.startswith("⟦") and text.endswith("⟧") for text in texts)
        if translations is not i18n.translations:  # no words but the catalog's
            assert not _words(" ".join(texts))


def test_a_csv_error_reads_in_chinese():
    with use_language("zh"):
        with pytest.raises(CsvError) as caught:
            read_csv(EXCEL, "book.xlsx")
        text = str(caught.value)
    assert text.startswith("book.xlsx看起来是 Excel 工作簿")
    assert _words(text) <= {"book", "xlsx", "Excel", "CSV", "UTF", "LibreOffice",
                            "Unicode", "csv"}


def test_an_error_is_read_in_the_readers_language_wherever_it_was_made():
    """A data error made in English (a worker, a thread without a page) reads
    in the language of whoever shows it, even after crossing processes."""
    import pickle

    with use_language("en"):
        error = pickle.loads(pickle.dumps(DatasetUnavailable(
            "mnist", tr_lazy("the download failed ({error})", error="offline"))))
        with pytest.raises(CsvError) as caught:
            prepare_table(_table(x=[1, 2, 3], y=["a", "a", "a"]), "y")
    with use_language("zh"):
        assert str(error).startswith("MNIST 不可用：下载失败（offline）。请从 https://")
        assert str(caught.value).startswith("目标列 'y' 只有一个类别（'a'）。")
    assert str(error).startswith("MNIST is not available: the download failed (offline).")


# -- Text the core makes once and every reader reads: translated when read --------


def english_read_outside_the_catalog(monkeypatch, read_texts, values=()) -> set[str]:
    """The English words of the texts `read_texts()` returns (each must come
    from the catalog: it starts with ⟦) that are not in `values`' words, read
    in the pseudo-language `qps` (words outside its ⟦ ⟧ marks) and with the
    `_Skeleton` catalog (words that no message holds)."""
    allowed = set().union(*(_words(str(v)) for v in values))
    found = set()
    for translations in (i18n.translations, lambda code: _Skeleton()):
        with monkeypatch.context() as patch:
            patch.setattr(i18n, "language", lambda: i18n.PSEUDO)
            patch.setattr(i18n, "translations", translations)
            texts = [str(text) for text in read_texts()]
        for text in texts:
            assert text.startswith("⟦"), text
            if translations is i18n.translations:
                while re.search(r"⟦[^⟦⟧]*⟧", text):
                    text = re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
            found |= _words(text)
    return found - allowed


def _pixels(rows: int = 6):
    import numpy as np

    values = np.arange(rows * 16).reshape(rows, 16) % 256
    frame = _table(**{f"p{i}": values[:, i] for i in range(16)})
    return frame.assign(label=[0, 1] * (rows // 2))


def _filled(prepared):
    from playground.datasets.table_preparation import fill_step

    learned = fill_step(prepared, prepared.preprocessor().fit(prepared.features))
    return [*prepared.steps, *([learned] if learned else [])]


PREPARED = [  # (table, target, options): together they make every step
    (_table(name=[f"n{i}" for i in range(14)], age=[1, 2, None, 4, 5, 6, 7] * 2,
            city=["Bath", "York", None, "York", "Bath", "Bath", "York"] * 2,
            y=["a", "b"] * 7), "y", {}),
    (_table(name=[f"n{i}" for i in range(14)], age=[1, 2, None, 4, 5, 6, 7] * 2,
            city=["Bath", "York", None, "York", "Bath", "Bath", "York"] * 2,
            y=["a", "b"] * 7), "y", {"missing": "impute", "standardize": False,
                                     "task": "multiclass"}),
    (_table(a=[1, None, 3, 5, None], b=[None, 2, 4, 6, 8], y=[0.5, 1, 2, 3, 4]), "y",
     {}),
    (_table(a=[1, None, 3, 5, None], b=[None, 2, 4, 6, 8], y=[0.5, 1, 2, 3, 4]), "y",
     {"task": "regression"}),
    (_table(row=range(1, 13), rooms=["1", "2", "?"] + ["3"] * 9, blank=[None] * 12,
            y=[0, 1] * 6), "y", {}),
    (_table(town=[f"t{i % 35}" for i in range(40)], x=range(40), y=["a", "b"] * 20),
     "y", {}),
    (_pixels(), "label", {"images": True}),
]
PREPARED_VALUES = ["name", "age", "city", "Bath", "York", "y", "a", "b", "row", "rooms",
                   "blank", "town", "x", "label", *(f"p{i}" for i in range(16))]


@pytest.mark.parametrize("frame, target, options", PREPARED)
def test_the_csv_preparation_steps_read_from_the_catalog(monkeypatch, frame, target,
                                                         options):
    prepared = prepare_table(frame, target, **options)
    assert english_read_outside_the_catalog(
        monkeypatch, lambda: _filled(prepared), PREPARED_VALUES) == set()


def test_a_preparation_step_made_once_reads_in_each_readers_language(monkeypatch):
    """Prepared tables are cached for every browser session: the same steps
    read in English by one reader and in Chinese by the next."""
    from playground.config import Experiment
    from playground.datasets.source import prepared_table

    exp = Experiment(dataset="house-prices", exclude=("rooms",))
    with use_language("zh"):
        prepared = prepared_table(exp)
        chinese = [str(step) for step in prepared.steps]
    with use_language("en"):
        assert prepared_table(exp) is prepared  # the cached table, not a new one
        english = [str(step) for step in prepared.steps]
    assert english[0] == "Left out of the features, as chosen: 'rooms'."
    assert chinese[0] == "按你的选择，不作为特征的列：'rooms'。"
    assert english[1].startswith("Task detected: regression ('price_k' holds")
    assert chinese[1].startswith("检测到的任务：回归（'price_k' 有")
    assert english[-1].startswith("Result: ") and chinese[-1].startswith("结果：")
    assert _words(" ".join(chinese)) <= _words("rooms price_k age_years district")


# -- How a run ended, written by a worker in English, read translated -------------


def test_a_worker_failure_reads_in_chinese_where_it_is_shown():
    """A worker knows no reader: it writes "Training failed: ..." in English
    (the run store keeps it), and the page translates it, the error's own
    sentences included."""
    from playground.jobs.messages import CRASHED, NOT_STARTED, RELEASED, SHUT_DOWN
    from playground.training.result import failure_message

    with use_language("zh"):  # even where a reader is known, the run keeps English
        failed = failure_message(CsvError(tr_lazy("Unknown target column {column}. "
                                                  "Expected one of the table's columns: "
                                                  "{columns}. Pick the target from that "
                                                  "list.", column="'y'", columns="'x'")))
    assert failed == ("Training failed: CsvError: Unknown target column 'y'. Expected "
                      "one of the table's columns: 'x'. Pick the target from that list.")
    with use_language("zh"):
        assert i18n.translated(failed) == (
            "训练失败：CsvError: Unknown target column 'y'. Expected one of the table's "
            "columns: 'x'. Pick the target from that list.")
        assert i18n.translated(CRASHED).startswith("训练失败：训练进程意外终止")
        assert i18n.translated(RELEASED.format(epochs=4)) == (
            "被服务器停止：启动它的浏览器标签页已关闭，此时已训练 4 轮。")
        for text in (CRASHED, NOT_STARTED, SHUT_DOWN):
            assert _words(i18n.translated(text)) <= {"TensorFlow"}, text
    with use_language("en"):
        assert i18n.translated(failed) == failed


def test_a_trailing_placeholder_takes_the_rest_of_the_text_but_no_more():
    """`Training failed: {error}` keeps an error of several sentences whole,
    while a longer template that starts the same way still wins."""
    from playground.jobs.messages import OVER_MEMORY

    over = OVER_MEMORY.format(limit=512)
    with use_language("zh"):
        assert i18n.translated(over).startswith("训练失败：该运行使用的内存超过了 512 MB")
        assert i18n.translated("Training failed: A. B. C.") == "训练失败：A. B. C."
        # A value inside a message still stops at a sentence break.
        from playground.training.result import FINISHED

        odd = FINISHED.format(epochs="3. Or 4")
        assert i18n.translated(odd) == odd


def test_the_handle_fills_the_stop_reason_with_the_epochs_run():
    from playground.config import Experiment
    from playground.jobs.handle import JobHandle
    from playground.jobs.messages import RELEASED
    from playground.training.result import TrainingResult

    handle = JobHandle(Experiment())
    handle.started(on_stop=lambda: None)
    handle.stop(RELEASED)
    handle.finish(TrainingResult("stopped", "Stopped by you after 2 epoch(s).",
                                 epochs_run=2))
    assert handle.result.message == ("Stopped by the server: the browser tab that "
                                     "started it closed after 2 epoch(s).")


# -- Refusals of the own-input forms, exports, the run store and the worker settings --


def test_own_input_refusals_read_from_the_catalog(monkeypatch):
    import numpy as np

    from playground.evaluation.own_input import prepare_drawing, review_tokens

    for make_error, values in [
            (lambda: prepare_drawing(np.zeros((28, 28)), 28), []),
            (lambda: review_tokens("", {"film": 1}, 1000, 10), []),
            (lambda: review_tokens("zzz qqq", {"film": 1}, 1000, 10), [])]:
        assert english_outside_the_catalog(monkeypatch, make_error, values) == set()


def test_an_input_outside_the_training_range_reads_from_the_catalog(monkeypatch):
    import types

    from playground.evaluation.own_input import Column, prepare_row

    data = types.SimpleNamespace(preprocessor=None)
    columns = [Column("age", low=18.0, high=60.0)]
    _, notes = prepare_row({"age": 99.0}, data, columns, as_frame=False)
    assert len(notes) == 1
    assert english_read_outside_the_catalog(monkeypatch, lambda: notes, ["age"]) == set()
    with use_language("zh"):
        assert str(notes[0]) == "age = 99 超出了训练时的范围 18 到 60：这个预测是外推的。"


def test_export_refusals_read_from_the_catalog(monkeypatch):
    import types

    from playground.config import Experiment
    from playground.export import script
    from playground.export.model_files import save_model

    monkeypatch.setattr(script, "SKLEARN_LOADERS", {})
    for make_error, values in [
            (lambda: script.experiment_script(Experiment(dataset="iris")),
             ["iris", "playground", "train"]),
            (lambda: script._layer_code(types.SimpleNamespace(kind="ghost"), "x", 1, 0),
             ["ghost", "playground", "train"]),
            (lambda: save_model(Experiment(), [], "model.h5"), ["path", "model.h5"])]:
        assert english_outside_the_catalog(monkeypatch, make_error, values) == set()


def test_run_store_errors_read_from_the_catalog(monkeypatch, tmp_path):
    from playground.runs import open_store
    from playground.runs.location import store_url
    from playground.runs.record import check_run_id, check_text

    store = open_store(str(tmp_path / "runs.sqlite"))
    where = str(tmp_path / "runs.sqlite")
    for make_error, values in [
            (lambda: store_url("::bad://x"), ["bad", "x", "PLAYGROUND_STORE", "sqlite",
                                              "runs", "postgresql", "user", "host",
                                              "db"]),
            (lambda: check_run_id("not an id!"), ["not", "an", "id"]),
            (lambda: check_text(5, "name", 10), ["int"]),
            (lambda: check_text("x" * 11, "note", 10), []),
            (lambda: store.load("abcdef"), ["abcdef"]),
            (lambda: store.load_search("abcdef"), ["abcdef", where]),
            (lambda: store.rename("abcdef", name="  "), []),
            (lambda: open_store(str(tmp_path / "runs.sqlite" / "inside")),
             [where, "PLAYGROUND_STORE", "Not", "a", "directory", "inside"])]:
        assert english_outside_the_catalog(monkeypatch, make_error, values) == set()


def test_a_run_store_problem_opened_once_reads_in_each_readers_language(tmp_path):
    from playground.runs import StoreUnavailable, open_store

    (tmp_path / "file").write_text("")
    with pytest.raises(StoreUnavailable) as caught:
        open_store(str(tmp_path / "file" / "runs.sqlite"))
    problem = caught.value  # a server keeps it for every session
    with use_language("zh"):
        assert str(problem).startswith(f"无法创建位于 {tmp_path / 'file'}")
    with use_language("en"):
        assert str(problem).startswith(f"The run store at {tmp_path / 'file'}")


def test_worker_settings_errors_read_from_the_catalog(monkeypatch):
    from playground.jobs.executor import default_workers

    monkeypatch.setenv("PLAYGROUND_WORKERS", "many")
    assert english_outside_the_catalog(monkeypatch, default_workers,
                                       ["PLAYGROUND_WORKERS", "many"]) == set()
    with use_language("zh"):
        with pytest.raises(ValueError) as caught:
            default_workers()
    assert str(caught.value).startswith("PLAYGROUND_WORKERS must be a whole number")


# -- The command line: usage errors in the chosen language, JSON in English ---------


def test_command_line_usage_errors_read_from_the_catalog(monkeypatch, tmp_path):
    from playground.cli import load_config, parse_query, with_csv
    from playground.cli.search import read_space
    from playground.config import Experiment
    from playground.presets import PRESETS

    big = tmp_path / "big.json"
    big.write_bytes(b" " * 1_000_001)
    space = tmp_path / "space.json"
    space.write_text("{learning_rate: [0.1]}", encoding="utf-8")
    presets = list(PRESETS)

    def out_of_memory(*args):
        raise MemoryError

    for make_error, values in [
            (lambda: load_config("nothing"), ["nothing", *presets]),
            (lambda: load_config(str(big)), [str(big)]),
            (lambda: parse_query("a=1&&b"), ["a", "b", "bad", "query", "field",
                                             "strict_parsing"]),
            (lambda: read_space(str(space), Experiment()),
             [str(space), "Expecting", "property", "name", "enclosed", "in", "double",
              "quotes", "learning_rate"])]:
        assert english_outside_the_catalog(monkeypatch, make_error, values) == set()
    from playground.datasets import uploads

    csv = tmp_path / "rows.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setattr(uploads, "register", out_of_memory)
    assert english_outside_the_catalog(
        monkeypatch, lambda: with_csv(Experiment(), str(csv), None),
        ["rows", "csv", "MB"]) == set()


def test_a_command_line_usage_error_reads_in_chinese(capsys, tmp_path):
    from playground.cli import main

    assert main(["--lang", "zh", "preset", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("playground: 错误：没有预设 'nope'；应为 ")
    assert main(["--lang", "zh", "train", "xor", "--save-model", "m.h5"]) == 2
    assert capsys.readouterr().err == (
        "playground: 错误：--save-model m.h5：Keras 模型文件必须以 .keras 结尾。\n")
    space = tmp_path / "space.json"
    space.write_text("[", encoding="utf-8")
    assert main(["--lang", "zh", "search", "xor", "--space", str(space),
                 "--no-save"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"playground: 错误：{space} 不是有效的 JSON（第 1 行：")
    assert main(["--lang", "en", "preset", "nope"]) == 2
    assert capsys.readouterr().err.startswith("playground: error: no preset 'nope'; ")


def test_a_terminal_table_stays_aligned_with_chinese_text():
    from playground.i18n.terminal import aligned_table, display_width

    assert display_width("名称") == 4 and display_width("abc") == 3
    table = aligned_table(("名称", "状态"), [("spiral 螺旋", "已完成"), ("xor", "failed")])
    lines = table.splitlines()
    # The second column starts at the same terminal column on every line.
    starts = {display_width(line[:line.index(cell)])
              for line, cell in zip(lines, ("状态", "已完成", "failed"))}
    assert len(starts) == 1, table


# -- Charts and labels: words a learner reads beside the numbers ----------------------


def _unmarked(texts) -> list[str]:
    """The texts with words outside the pseudo-language's ⟦ ⟧ marks, Keras'
    and the test's own names (layer `dense`, metric `val_loss`, `x1`) aside."""
    names = {"dense", "dense_1", "val_loss", "learning_rate", "batch_size", "extra", "br"}
    found = []
    for text in texts:
        outside = re.sub(r"%\{[^}]*\}|<[^>]*>", " ", str(text))
        while re.search(r"⟦[^⟦⟧]*⟧", outside):  # innermost first: marks nest
            outside = re.sub(r"⟦[^⟦⟧]*⟧", " ", outside)
        if set(re.findall(r"[A-Za-z][A-Za-z_0-9]+", outside)) - names - {"x1", "x2"}:
            found.append(text)
    return found


def test_the_boundary_and_neuron_charts_words_read_from_the_catalog(monkeypatch):
    """The hover's "output" and each neuron map's "unit N" are words too."""
    import numpy as np

    from playground import charts

    with monkeypatch.context() as patch:
        patch.setattr(i18n, "language", lambda: i18n.PSEUDO)
        xs = ys = np.linspace(-1, 1, 10)
        boundary = charts.boundary_figure(xs, ys, np.zeros((10, 10)), [], False, 3)
        grid = charts.neuron_grid({"dense": np.zeros((2, 5, 6))}, {"dense": [0, 1]}, 3)
    assert not _unmarked([boundary.data[0].hovertemplate, grid.data[0].hovertemplate,
                          *(a.text for a in grid.layout.annotations)])
    with use_language("zh"):
        grid = charts.neuron_grid({"dense": np.zeros((2, 5, 6))}, {"dense": [1]}, epoch=3)
    assert grid.layout.annotations[0].text == "dense · 神经元 1"


def test_the_search_charts_titles_and_hovers_read_from_the_catalog(monkeypatch):
    from playground.config import Experiment
    from playground.search.engine import Trial
    from playground.search.figures import objective_map, parallel_coordinates
    from playground.search.space import SearchSpace

    space = SearchSpace.parse({"learning_rate": [0.01, 0.1], "batch_size": [16, 32]},
                              Experiment())
    trials = [Trial(n, {"learning_rate": rate, "batch_size": batch}, "completed", 0.5)
              for n, (rate, batch) in enumerate([(0.01, 16), (0.1, 32)], 1)]
    with monkeypatch.context() as patch:
        patch.setattr(i18n, "language", lambda: i18n.PSEUDO)
        waiting = parallel_coordinates([], space, "val_loss")
        lines = parallel_coordinates(trials, space, "val_loss")
        heat = objective_map(trials, "learning_rate", "batch_size", "val_loss")
    assert not _unmarked([waiting.layout.title.text, lines.layout.title.text,
                          heat.layout.title.text, heat.data[0].hovertemplate])
    with use_language("zh"):
        assert parallel_coordinates(trials, space, "val_loss").layout.title.text == (
            "已有 2 次试验得出结果")


def test_loss_and_optimizer_names_read_in_the_readers_language():
    """The prose names of losses ("Binary crossentropy") are translated; the
    Keras name a learner types stays in the exported script and the run."""
    from playground.registry import LOSSES, OPTIMIZERS

    with use_language("zh"):
        assert tr(LOSSES["bce"].label) == "二元交叉熵"
        assert tr(LOSSES["mse"].label) == "均方误差"
        assert tr(OPTIMIZERS["sgd"].label) == "SGD（带动量）"
        assert tr(OPTIMIZERS["adam"].label) == "Adam"
    assert LOSSES["bce"].keras_name == "binary_crossentropy"


def test_an_uploaded_experiment_files_refusals_read_from_the_catalog(monkeypatch):
    """An experiment JSON that is not UTF-8 or too large: what was received,
    what is expected and the fix, in the reader's language."""
    from ui import experiment_file

    too_large = b"{" + b" " * experiment_file.MAX_BYTES + b"}"
    for make_error in (lambda: experiment_file.read_experiment(b"\xff\xfe{"),
                       lambda: experiment_file.read_experiment(too_large)):
        assert english_outside_the_catalog(monkeypatch, make_error, ["JSON"]) == set()


def test_dataset_names_read_in_the_readers_language():
    """A dataset's name is translated where it is shown ("Breast cancer"),
    its key stays in links, runs and the command line's JSON."""
    from playground.datasets import DATASETS
    from playground.datasets.keras_loading import DatasetUnavailable

    unavailable = DatasetUnavailable("boston-housing", tr_lazy("the download failed"))
    with use_language("zh"):
        assert DATASETS["breast-cancer"].shown_label == "乳腺癌"
        assert DATASETS["csv"].shown_label == "你的 CSV 文件"
        assert str(unavailable).startswith("波士顿房价")
    assert DATASETS["breast-cancer"].label == "Breast cancer"
    assert str(unavailable).startswith("Boston housing is not available")


def test_a_log_range_reads_in_the_readers_language(monkeypatch):
    """"(log)" after a learning-rate range, in its description and on the
    parallel coordinates' axis, and a stepped range's "by"."""
    from playground.config import Experiment
    from playground.search.engine import Trial
    from playground.search.figures import parallel_coordinates
    from playground.search.space import SearchSpace

    space = SearchSpace.parse({"learning_rate": {"min": 0.001, "max": 0.1, "log": True},
                               "batch_size": {"min": 8, "max": 64, "step": 2,
                                              "log": True}}, Experiment())
    trials = [Trial(n, {"learning_rate": rate, "batch_size": 16}, "completed", 0.5)
              for n, rate in enumerate([0.001, 0.1], 1)]
    with monkeypatch.context() as patch:
        patch.setattr(i18n, "language", lambda: i18n.PSEUDO)
        texts = [d.describe() for d in space.dimensions]
        texts += [axis.label for axis in
                  parallel_coordinates(trials, space, "val_loss").data[0].dimensions]
    assert not _unmarked(texts), texts
    with use_language("zh"):
        assert space.dimensions[0].describe() == "0.001 … 0.1（对数）"
