"""The language per browser session: from the link, the picker, the browser."""

from test_app import new_app, shown


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
    at.switch_page("views/train.py").run()
    assert titles(at) == ["训练"]


def test_the_picker_switches_and_two_sessions_keep_their_own_language():
    english, chinese = new_app(), new_app({"lang": "zh"})
    assert titles(english) == ["Data"] and "lang" not in english.query_params
    english.selectbox(key="language_choice").select("zh").run()
    english.selectbox(key="language_choice").select("en").run()
    chinese.run()
    assert titles(english) == ["Data"] and english.query_params["lang"] == "en"
    assert titles(chinese) == ["数据"]


def test_an_unknown_language_says_so_and_uses_english():
    at = new_app({"lang": "xx"})
    assert titles(at) == ["Data"]
    assert any("asks for the language 'xx'" in shown(w) for w in at.warning)
