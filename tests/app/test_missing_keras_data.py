"""A Keras dataset not downloaded yet: the model can still be studied."""

import urllib.error
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """Keras with an empty cache and no network, as on a classroom server
    without Internet access. Yields the URLs it was asked to download."""
    from keras.src.backend import config
    from keras.src.utils import file_utils

    from playground import jobs
    from playground.datasets.splits import load_keras_dataset

    # Keras' loader runs in this process, where the download can be made to
    # fail as it does offline (the app would send it to a worker process).
    monkeypatch.setattr(jobs, "keep_tensorflow_out", lambda enabled=True: None)
    tries = []

    def no_download(url, *args, **kwargs):
        tries.append(url)
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    home = tmp_path / "keras-home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(config, "_KERAS_DIR", str(home))
    monkeypatch.setattr(file_utils, "urlretrieve", no_download)
    load_keras_dataset.cache_clear()
    yield tries
    load_keras_dataset.cache_clear()


def test_the_model_page_shows_a_presets_layers_before_its_data_is_downloaded(offline):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(PRESETS["cifar10-cnn"].experiment.to_query())
    at.run().switch_page("views/model.py").run()
    assert not at.exception
    assert any("CIFAR\\-10 is not available" in i.value and "built and studied" in i.value
               for i in at.info)
    [summary] = [f.value for f in at.dataframe]
    assert summary["Layer"].tolist()[0].startswith("Conv2D")
    assert summary["Output shape"].tolist()[-1] == "(None, 10)"
    assert any("Total parameters" in m.value for m in at.markdown)


def test_the_model_page_shows_a_functional_presets_graph_before_its_data(offline):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(PRESETS["imdb-functional"].experiment.to_query())
    at.run().switch_page("views/model.py").run()
    assert not at.exception and not at.error
    assert any("IMDB is not available" in i.value for i in at.info)
    [summary] = [f.value for f in at.dataframe]
    assert summary["Layer"].tolist() == ["emb (Embedding)", "lstm (LSTM)",
                                         "step (TimeDistributed(Dense))",
                                         "flat (Flatten)", "output (Dense)"]
    assert summary["Output shape"].tolist()[2] == "(None, 80, 32)"
    assert '"lstm" -> "step"' in at.get("graphviz_chart")[0].proto.spec


def test_the_data_page_offers_to_try_a_failed_download_again(offline):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"dataset": "imdb", "subset": "70000"})
    at.run()
    assert not at.exception
    assert any("IMDB is not available" in w.value for w in at.warning)
    first = len(offline)
    assert first >= 1
    at.button(key="data_retry").click().run()
    assert len(offline) > first  # the download was tried again, not remembered as failed
    # IMDB holds 50,000 reviews: the subset slider stops there.
    subset = next(s for s in at.slider if s.label == "Subset size")
    assert subset.max == 50000 and subset.value == 50000
    assert any("All 50,000 samples" in c.value for c in at.caption)
