"""A Keras dataset not downloaded yet: the model can still be studied."""

import urllib.error
from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_the_model_page_shows_a_presets_layers_before_its_data_is_downloaded(
        tmp_path, monkeypatch):
    from keras.src.backend import config
    from keras.src.utils import file_utils

    from playground import jobs
    from playground.datasets.splits import load_keras_dataset

    # Keras' loader runs in this process, where the download can be made to
    # fail as it does offline (the app would send it to a worker process).
    monkeypatch.setattr(jobs, "keep_tensorflow_out", lambda enabled=True: None)

    def no_download(url, *args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    home = tmp_path / "keras-home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(config, "_KERAS_DIR", str(home))
    monkeypatch.setattr(file_utils, "urlretrieve", no_download)
    load_keras_dataset.cache_clear()

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
    load_keras_dataset.cache_clear()
