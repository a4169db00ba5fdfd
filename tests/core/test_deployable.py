"""A downloaded model that takes raw rows and answers in the target's units."""

import numpy as np
import pandas as pd
import pytest

from playground.config import Experiment
from playground.datasets import uploads
from playground.datasets.source import experiment_data, prepared_table
from playground.export.deployable import deployable_model
from playground.export.model_files import deployable_bytes
from playground.model.builder import build_model
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.training.loop import run_training


def prepared_prediction(exp, weights, data, raw: pd.DataFrame) -> np.ndarray:
    """What the app's own pipeline makes of raw rows: prepare, predict, and
    (regression) undo the target's scaling."""
    network = build_model(exp)
    network.set_weights(weights)
    out = network.predict(data.preprocessor.transform(raw), verbose=0)
    if data.target_scaler is not None:
        out = data.target_scaler.inverse_transform(out)
    return out


def test_house_prices_from_raw_rows_in_thousands(tmp_path):
    import keras
    import tensorflow as tf  # text columns go in as string tensors

    exp = PRESETS["house-prices"].experiment.replace(missing="drop", epochs=3)
    result = run_training(exp)
    data, prepared = experiment_data(exp), prepared_table(exp)
    model = deployable_model(exp, result.weights, data, prepared)
    raw = prepared.features.iloc[:5].copy()
    inputs = {c: raw[[c]].to_numpy(np.float32) if prepared.kinds[c] == "number"
              else tf.constant(raw[[c]].to_numpy(dtype=str)) for c in prepared.kinds}
    expected = prepared_prediction(exp, result.weights, data, raw)
    assert model.predict(inputs, verbose=0) == pytest.approx(expected, rel=1e-4, abs=1e-3)
    assert float(np.mean(expected)) > 50  # thousands, not standard units

    # The file loads in safe mode (only Keras' own layers) and answers the same.
    path = tmp_path / "model.keras"
    path.write_bytes(deployable_bytes(exp, result.weights))
    loaded = keras.saving.load_model(path)
    assert loaded.predict(inputs, verbose=0) == pytest.approx(expected, rel=1e-4, abs=1e-3)

    # A district never seen in training: all zeros, as scikit-learn's encoder.
    unseen = raw.assign(district="Nowhere")
    inputs["district"] = tf.constant(unseen[["district"]].to_numpy(dtype=str))
    assert model.predict(inputs, verbose=0) == pytest.approx(
        prepared_prediction(exp, result.weights, data, unseen), rel=1e-4, abs=1e-3)


def test_iris_from_measurements_in_centimetres():
    exp = PRESETS["iris-mlp"].experiment.replace(epochs=3)
    result = run_training(exp)
    data = experiment_data(exp)
    model = deployable_model(exp, result.weights, data)
    raw = data.preprocessor.inverse_transform(data.x_test[:6])
    assert raw[:, 0].min() > 4  # sepal lengths in centimetres
    expected = prepared_prediction(exp, result.weights, data, raw)
    assert model.predict(raw.astype(np.float32), verbose=0) == pytest.approx(
        expected, abs=1e-5)


def test_a_pixel_table_from_pixels_0_to_255():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (60, 36))
    frame = pd.DataFrame(pixels, columns=[f"p{i}" for i in range(36)]).assign(
        label=np.arange(60) % 3)
    token = uploads.register(frame.to_csv(index=False).encode(), "pixels.csv")
    exp = Experiment(dataset="csv", upload=token, csv_name="pixels.csv", target="label",
                     images="on", epochs=2, layers=(LayerSpec.make("flatten"),))
    result = run_training(exp)
    data, prepared = experiment_data(exp), prepared_table(exp)
    model = deployable_model(exp, result.weights, data, prepared)
    raw = prepared.features.iloc[:4]
    inputs = {c: raw[[c]].to_numpy(np.float32) for c in prepared.kinds}
    assert model.predict(inputs, verbose=0) == pytest.approx(
        prepared_prediction(exp, result.weights, data, raw), abs=1e-5)


def test_the_readmes_example_predicts_a_price_from_one_raw_row(tmp_path, monkeypatch,
                                                                capsys):
    """The README's snippet, as written, on a model for raw rows of the
    house-price preset (with the preset's own settings)."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = re.search(r"<!-- raw-rows-example -->\s*```python\n(.*?)```", readme, re.S)
    snippet = "\n".join(line.removeprefix("  ") for line in block.group(1).splitlines())
    exp = PRESETS["house-prices"].experiment.replace(epochs=5)
    result = run_training(exp)
    (tmp_path / "model-raw-rows.keras").write_bytes(deployable_bytes(exp, result.weights))
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(snippet, "README.md", "exec"), namespace)
    price = float(namespace["price"][0, 0])
    assert 50 < price < 1000  # thousands, as the price_k column
    assert capsys.readouterr().out.strip() == f"{price:.0f}k"
