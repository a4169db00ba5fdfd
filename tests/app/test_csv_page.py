"""The Data page with a user's CSV: names from the file stay plain text, and
a pixel table can be read as images."""

import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from playground.datasets import uploads

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LINK = "www.evil.example"


def open_upload(data: bytes, name: str, target: str, **query) -> AppTest:
    """The Data page with the file uploaded in this session (what the upload
    callback does), then the page run again."""
    token = uploads.register(data, name)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"dataset": "csv", "file": name, "target": target, **query})
    at.run()
    at.session_state["experiment"] = at.session_state["experiment"].replace(upload=token)
    return at.run().run()  # the second run has no "link carries the settings" notice


def markdown_sources(at) -> list[str]:
    """The Markdown of every element of the page (not the sidebar) that
    renders Markdown, escapes removed."""
    page = at.main
    elements = [*page.markdown, *page.caption, *page.warning, *page.error,
                *page.info, *page.success, *page.title, *page.subheader, *page.header]
    return [re.sub(r"\\(.)", r"\1", e.value) for e in elements]


def test_class_names_and_columns_with_urls_are_not_markdown():
    rows = "\n".join(f"{i % 7},{i % 3},{'https://' + LINK if i % 2 else 'plain'}"
                     for i in range(40))
    at = open_upload(f"a,{LINK},label\n{rows}\n".encode(), f"{LINK}.csv", "label")
    assert not at.exception and not at.main.warning
    assert not [s for s in markdown_sources(at) if LINK in s]
    texts = [t.value for t in at.text]
    assert f"CSV: {LINK}.csv" in texts
    assert f"Classes: https://{LINK}, plain" in texts
    assert any("column" in frame.value and LINK in frame.value["column"].tolist()
               for frame in at.dataframe)  # the column summary
    # The sidebar names the file in Markdown: escaped, the address in it as
    # inline code (no autolink, copied as shown).
    sidebar = [re.sub(r"\\(.)", r"\1", m.value) for m in at.sidebar.markdown]
    data_line = next(line for line in sidebar if line.startswith("**Data**"))
    assert f"`{LINK}.csv`" in data_line and "\u2060" not in data_line


def pixel_csv(n: int = 60, side: int = 6) -> bytes:
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (n, side * side))
    header = ",".join(f"p{i}" for i in range(side * side)) + ",digit"
    lines = [",".join(map(str, row)) + f",{i % 3}" for i, row in enumerate(pixels)]
    return ("\n".join([header, *lines]) + "\n").encode()


def test_pixel_table_offers_images_and_shows_the_grid():
    at = open_upload(pixel_csv(), "pixels.csv", "digit")
    option = next(s for s in at.selectbox if s.label == "Treat as images")
    assert option.value == "off"
    assert option.format_func("on") == "yes (6×6×1)"
    option.select("on").run()
    assert not at.exception and not at.main.warning
    assert at.session_state["experiment"].images == "on"
    assert not [s for s in at.selectbox if s.label == "Scaling"]  # pixels: 0..1
    assert any("input shape: (6, 6, 1)" in c.value for c in at.caption)
    traces = [trace["type"] for el in at.get("plotly_chart")
              for trace in json.loads(el.proto.spec)["data"]]
    assert "heatmap" in traces  # the image grid


def test_images_option_is_not_offered_for_plain_tables():
    rows = "\n".join(f"{i % 7},{i * 300},{i % 2}" for i in range(40))
    at = open_upload(f"a,b,label\n{rows}\n".encode(), "plain.csv", "label")
    assert not [s for s in at.selectbox if s.label == "Treat as images"]
    # Turned on from a link, it says why it does not apply and can be turned off.
    at = open_upload(f"a,b,label\n{rows}\n".encode(), "plain.csv", "label",
                     images="on")
    assert "needs a square number of pixel columns" in at.main.warning[0].value
    option = next(s for s in at.selectbox if s.label == "Treat as images")
    option.select("off").run()
    assert not at.exception and not at.main.warning


IMAGE = "![x](http://host/chain.png)=1+2"
MD_LINK = "[evil link](http://evil.example/x)"


def raw_markdown(at) -> list[str]:
    """The Markdown source of every element of the page and the sidebar that
    renders Markdown, escapes kept."""
    elements = []
    for part in (at.main, at.sidebar):
        elements += [*part.markdown, *part.caption, *part.warning, *part.error,
                     *part.info, *part.success, *part.title, *part.subheader]
    return [e.value for e in elements]


def live_markdown(source: str) -> str:
    """Markdown outside inline code (which is shown literally)."""
    return re.sub(r"(`+).*?\1", "", source)


def test_markdown_in_a_file_name_and_class_names_stays_text_on_every_page():
    rows = "\n".join(f"{i % 7},{i % 3},{MD_LINK if i % 2 else 'plain'}" for i in range(40))
    at = open_upload(f"a,b,label\n{rows}\n".encode(), f"{IMAGE}.csv", "label")
    for page in ("views/data.py", "views/model.py", "views/train.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        shown = raw_markdown(at)
        assert not [s for s in map(live_markdown, shown)
                    if "![x](" in s or "[evil link](" in s or "](http" in s], page
        # What is shown is the name itself, as inline code, not lost.
        assert any("`![x](http" in s for s in shown), page


def test_a_run_named_with_markdown_is_text_on_the_runs_page(tmp_path, monkeypatch):
    from playground.presets import PRESETS
    from playground.runs import RunRecord, open_store

    store_url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("PLAYGROUND_STORE", store_url)
    store = open_store(store_url)
    record = RunRecord(experiment=PRESETS["xor"].experiment, name=IMAGE + MD_LINK,
                       status="completed")
    store.save(record)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/runs.py").run()
    at.session_state["runs_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    headings = [h.value for h in at.main.subheader]
    assert headings and not [h for h in map(live_markdown, headings)
                             if "![x](" in h or "[evil link](" in h or "](http" in h]


def test_columns_left_out_of_the_features_are_kept_in_the_link():
    rows = "\n".join(f"{i},{i % 7},{(i * 3) % 5},{i % 2}" for i in range(40))
    at = open_upload(f"Id,a,b,label\n{rows}\n".encode(), "ids.csv", "label")
    steps = "\n".join(t.value for t in at.text)
    assert "Kept 'Id', but it has a different whole number in every row" in steps
    picker = next(m for m in at.multiselect if m.label == "Leave out of the features")
    assert picker.options == ["Id", "a", "b"]
    picker.select("Id").run()
    assert not at.exception
    assert at.session_state["experiment"].exclude == ("Id",)
    assert at.query_params["drop"] == '["Id"]'
    steps = "\n".join(t.value for t in at.text)
    assert "Left out of the features, as chosen: 'Id'." in steps
    assert "Kept 'Id'" not in steps
    assert any("input shape: (2,)" in c.value for c in at.caption)


def test_a_link_that_leaves_out_columns_opens_with_them_left_out():
    rows = "\n".join(f"{i},{i % 7},{(i * 3) % 5},{i % 2}" for i in range(40))
    at = open_upload(f"Id,a,b,label\n{rows}\n".encode(), "ids.csv", "label",
                     drop='["Id","not in this file"]')
    assert not at.exception
    picker = next(m for m in at.multiselect if m.label == "Leave out of the features")
    assert picker.value == ["Id"]
    assert any("input shape: (2,)" in c.value for c in at.caption)
