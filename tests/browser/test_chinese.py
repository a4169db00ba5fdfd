"""The app in Chinese, as a learner opening `/?lang=zh` sees it in Chromium.

After a short training on the circle, every page is visited through the
sidebar's Chinese links and saved as a screenshot (in the folder named by
`KERAS_PLAYGROUND_ZH_SCREENSHOTS`, else the system's temporary folder).
Each page must show no English prose (three English words in a row) and no
label cut off in the narrower Chinese layout. Two browsers on one server
read two languages at once.

Chinese text needs a CJK font for the screenshots to be readable
(`scripts/test.sh` installs Debian's fonts-wqy-microhei); the checks read
the page's text and layout, so they hold without one.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from app_server import button
from test_browser import LOAD_MS, TRAIN_MS, assert_no_exception, open_app

pytestmark = pytest.mark.browser

PAGES = ("数据", "模型", "训练", "探查", "评估", "交叉验证", "搜索", "运行记录")
ENGLISH_PROSE = re.compile(r"\b[A-Za-z][a-z]+(?:[ -][A-Za-z][a-z]+){2,}")
CUT_OFF_JS = """() => [...document.querySelectorAll(
    '[data-testid=stMain] button p, [data-testid=stMain] label p, '
    + '[data-testid=stMain] [data-testid=stTab] p, [data-testid=stSidebar] label p')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


def screenshot_folder() -> Path:
    folder = Path(os.environ.get("KERAS_PLAYGROUND_ZH_SCREENSHOTS",
                                 Path(tempfile.gettempdir()) / "keras-playground-zh"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_page_reads_in_chinese_after_a_run(server, new_page):
    from playwright.sync_api import expect

    page = new_page()
    open_app(page, f"{server}/train?lang=zh&epochs=20")
    button(page, "train_button").click()
    expect(page.get_by_text(re.compile(r"已完成 20 轮训练")).first).to_be_visible(
        timeout=TRAIN_MS)
    folder = screenshot_folder()
    for number, title in enumerate(PAGES, 1):
        page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=LOAD_MS)
        page.wait_for_selector("[data-test-script-state=notRunning]")
        assert "lang=zh" in page.url  # the address keeps the language
        page.screenshot(path=str(folder / f"{number}-{title}.png"), full_page=True)
        assert_no_exception(page)
        text = page.locator("[data-testid=stMain]").inner_text()
        assert not ENGLISH_PROSE.findall(text), (title, ENGLISH_PROSE.findall(text))
        assert not page.evaluate(CUT_OFF_JS), (title, page.evaluate(CUT_OFF_JS))


def test_two_browsers_read_two_languages_at_once(server, new_page):
    from playwright.sync_api import expect

    chinese, english = new_page(), new_page()
    open_app(chinese, f"{server}/model?lang=zh")
    open_app(english, f"{server}/model")
    expect(chinese.get_by_role("heading", name="模型")).to_be_visible()
    expect(english.get_by_role("heading", name="Model")).to_be_visible()
    chinese.reload()  # a rerun in one session leaves the other as it was
    chinese.wait_for_selector("[data-test-script-state=notRunning]")
    english.get_by_role("link", name="Train").first.click()
    expect(english.get_by_role("heading", name="Train")).to_be_visible(timeout=LOAD_MS)
    expect(chinese.get_by_role("heading", name="模型")).to_be_visible()
    assert_no_exception(chinese)
    assert_no_exception(english)
