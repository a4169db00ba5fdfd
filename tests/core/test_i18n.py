"""The catalog and the language choice: complete, matching, per caller."""

import threading

import pytest

from playground import i18n
from playground.i18n import catalog, tr, tr_n, use_language


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
