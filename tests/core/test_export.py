"""Exported Keras scripts, `.keras` files, and the `playground export` command."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from playground.cli import main, with_csv
from playground.config import Experiment
from playground.datasets import keras_loading
from playground.datasets.source import experiment_data
from playground.export.model_files import keras_bytes, trained_model
from playground.export.script import experiment_script
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.training.loop import run_training

BLOCKER = '''import sys


class NoPlayground:
    """Exported scripts must not need the playground package."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "playground":
            raise ImportError("playground is not importable here")


sys.meta_path.insert(0, NoPlayground())
'''


# Keras checks its downloads against fixed hashes; the tests' small stand-in
# files are let through, and any download fails as it would offline.
OFFLINE_KERAS = '''
from keras.src.utils import file_utils


def no_download(url, *args, **kwargs):
    raise OSError(f"no network in the tests: {url}")


file_utils.validate_file = lambda *args, **kwargs: True
file_utils.urlretrieve = no_download
'''

RUN_OFFLINE = ("import runpy, sys, offline_keras; sys.argv = sys.argv[1:]; "
               "runpy.run_path(sys.argv[0], run_name='__main__')")


@pytest.fixture
def run_script(tmp_path):
    """Runs a script where `import playground` fails; returns its last line.

    Keras reads its datasets from the test's cache (`KERAS_HOME`), never from
    the network.
    """
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "sitecustomize.py").write_text(BLOCKER)
    (blocked / "offline_keras.py").write_text(OFFLINE_KERAS)
    env = {**os.environ, "PYTHONPATH": str(blocked), "TF_CPP_MIN_LOG_LEVEL": "3"}

    def run(code: str, *args: str) -> subprocess.CompletedProcess:
        script = tmp_path / "experiment.py"
        script.write_text(code)
        return subprocess.run([sys.executable, "-c", RUN_OFFLINE, str(script), *args],
                              cwd=blocked, env=env, capture_output=True, text=True,
                              timeout=600)

    assert run("import playground").returncode != 0  # the blocker works
    return run


@pytest.fixture
def csv_experiment(tmp_path):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=300), rng.normal(size=300)
    color = rng.choice(["blue", "green", "red"], 300)
    label = np.where(a + b + (color == "red") * 1.5 > 0.5, "yes", "no")
    path = tmp_path / "table.csv"
    lines = ["a,b,color,label"] + [f"{x:.4f},{y:.4f},{c},{t}"
                                   for x, y, c, t in zip(a, b, color, label)]
    path.write_text("\n".join(lines) + "\n")
    exp = Experiment(layers=(LayerSpec.make("dense", units=8, activation="relu"),),
                     optimizer="adam", learning_rate=0.01, epochs=60, batch_size=16)
    return with_csv(exp, str(path), "label"), str(path)


def _test_accuracy(result: subprocess.CompletedProcess) -> float:
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])["test"]["accuracy"]


@pytest.mark.parametrize("exp", [
    PRESETS["gauss"].experiment.replace(epochs=15),
    PRESETS["iris-mlp"].experiment,
], ids=["gauss", "iris-mlp"])
@pytest.mark.workers
def test_exported_script_reproduces_the_apps_test_accuracy(exp, run_script):
    app = run_training(exp).test_metrics["accuracy"]
    assert abs(_test_accuracy(run_script(experiment_script(exp))) - app) <= 0.03


@pytest.mark.workers
def test_a_two_branch_graph_trains_round_trips_and_its_script_reproduces_it(run_script):
    """A Functional graph, a wide and a deep branch over the same inputs joined
    by Concatenate: it builds, trains, comes back the same from its link and its
    JSON, and its exported `keras.Model(inputs, outputs)` script, run where
    `import playground` fails, reaches the app's test accuracy."""
    from urllib.parse import parse_qs

    from playground.model.builder import build_model
    from playground.model.graph import graph_from_text

    graph = graph_from_text("wide~dense-8-linear~input_deep1~dense-16-relu~input_"
                            "deep2~dense-16-relu~deep1_both~concatenate~wide,deep2")
    exp = PRESETS["iris-mlp"].experiment.replace(layers=(), graph=graph, epochs=60)
    assert Experiment.from_query(parse_qs(exp.to_query_string())) == exp
    assert Experiment.from_json(exp.to_json()) == exp
    assert len(build_model(exp).layers) == 6  # input, four nodes, output
    app = run_training(exp).test_metrics["accuracy"]
    assert app >= 0.85
    script = experiment_script(exp)
    assert "keras.layers.Concatenate(name='both')([wide, deep2])" in script
    assert 'keras.Model(inputs, outputs, name="playground_model")' in script
    assert abs(_test_accuracy(run_script(script)) - app) <= 0.03


@pytest.mark.workers
def test_exported_csv_script_reproduces_the_apps_test_accuracy(csv_experiment,
                                                                run_script):
    exp, path = csv_experiment
    app = run_training(exp).test_metrics["accuracy"]
    assert app > 0.9
    script = run_script(experiment_script(exp), path)
    assert abs(_test_accuracy(script) - app) <= 0.03


def _script_data(code: str, argv: list[str]) -> dict:
    """Runs the script's data and split sections; returns their variables."""
    namespace = {}
    old = sys.argv
    sys.argv = ["experiment.py", *argv]
    try:
        exec(code[:code.index("# -- Model")], namespace)
    finally:
        sys.argv = old
    return namespace


@pytest.mark.parametrize("name", ["spiral", "reg-gauss", "wine", "diabetes", "csv"])
def test_the_same_seed_gives_the_script_the_apps_data(name, csv_experiment):
    exp, argv = Experiment(dataset=name, noise=0.2, seed=5), []
    if name == "csv":
        exp, path = csv_experiment
        argv = [path]
    data = experiment_data(exp)
    ours = _script_data(experiment_script(exp), argv)
    for split in ("train", "val", "test"):
        np.testing.assert_allclose(ours[f"x_{split}"], getattr(data, f"x_{split}"),
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.ravel(ours[f"y_{split}"]),
                                   getattr(data, f"y_{split}"), rtol=1e-5, atol=1e-6)


# -- Keras' datasets, from a cache of small stand-in files ------------------------

def _marked_images(rng, labels, side=28):
    """Noise with a bright square whose place says the class."""
    images = rng.integers(0, 60, (len(labels), side, side)).astype(np.uint8)
    for image, label in zip(images, labels):
        row, column = divmod(int(label), 4)
        image[2 + 6 * row:7 + 6 * row, 2 + 6 * column:7 + 6 * column] = 250
    return images


def _reviews(rng, labels):
    """Word ids whose mix says the label; some longer than `maxlen`."""
    reviews = np.empty(len(labels), dtype=object)
    for i, label in enumerate(labels):
        words = rng.integers(40, 400, rng.integers(20, 130))
        marked = rng.random(len(words)) < 0.5
        words[marked] = rng.integers(4, 20) if label else rng.integers(20, 36)
        reviews[i] = words.tolist()
    return reviews


@pytest.fixture
def keras_cache(tmp_path, monkeypatch):
    """A Keras home whose cache holds small, learnable MNIST, IMDB and Boston
    housing files in Keras' formats; downloads fail, hashes are not checked."""
    from keras.src.backend import config
    from keras.src.utils import file_utils

    from playground.datasets.splits import load_keras_dataset

    home = tmp_path / "keras-home"
    folder = home / "datasets"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(3)
    parts = {}
    for name, size in (("train", 700), ("test", 300)):
        digits = rng.integers(0, 10, size).astype(np.uint8)
        sentiment = rng.integers(0, 2, size)
        parts[name] = (digits, sentiment)
        parts[f"x_{name}"] = (_marked_images(rng, digits), _reviews(rng, sentiment))
    np.savez(folder / "mnist.npz", x_train=parts["x_train"][0],
             y_train=parts["train"][0], x_test=parts["x_test"][0], y_test=parts["test"][0])
    np.savez(folder / "imdb.npz", x_train=parts["x_train"][1],
             y_train=parts["train"][1], x_test=parts["x_test"][1], y_test=parts["test"][1])
    features = rng.normal(size=(400, 13)) * [1, 10, 5, 1, 0.1, 1, 30, 3, 5, 100, 2, 50, 7]
    price = 22 + features @ rng.normal(size=13) * 0.1
    np.savez(folder / "boston_housing.npz", x=features, y=price)

    def no_download(url, *args, **kwargs):
        raise OSError(f"no network in the tests: {url}")

    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(config, "_KERAS_DIR", str(home))
    monkeypatch.setattr(file_utils, "urlretrieve", no_download)
    monkeypatch.setattr(file_utils, "validate_file", lambda *a, **k: True)
    monkeypatch.setattr(keras_loading, "check_cached_files", lambda name: None)
    load_keras_dataset.cache_clear()
    yield folder
    load_keras_dataset.cache_clear()


KERAS_EXPERIMENTS = {
    "mnist-mlp": PRESETS["mnist-mlp"].experiment.replace(subset=600, epochs=4),
    "mnist-seven": PRESETS["mnist-seven"].experiment.replace(subset=800, epochs=4),
    "imdb-lstm": PRESETS["imdb-lstm"].experiment.replace(
        subset=800, num_words=300, maxlen=60, epochs=4,
        layers=(LayerSpec.make("embedding", output_dim=8), LayerSpec.make("lstm", units=8))),
    "boston-housing": Experiment(dataset="boston-housing", subset=300, seed=4),
}


@pytest.mark.parametrize("name", list(KERAS_EXPERIMENTS))
def test_the_same_seed_gives_the_script_the_apps_keras_data(name, keras_cache):
    exp = KERAS_EXPERIMENTS[name]
    data = experiment_data(exp)
    ours = _script_data(experiment_script(exp), [])
    for split in ("train", "val", "test"):
        assert ours[f"x_{split}"].dtype == getattr(data, f"x_{split}").dtype
        np.testing.assert_allclose(ours[f"x_{split}"], getattr(data, f"x_{split}"),
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.ravel(ours[f"y_{split}"]),
                                   getattr(data, f"y_{split}"), rtol=1e-5, atol=1e-6)


@pytest.mark.workers
@pytest.mark.parametrize("name", ["mnist-mlp", "imdb-lstm"])
def test_exported_keras_dataset_script_reproduces_the_apps_test_accuracy(
        name, keras_cache, run_script):
    exp = KERAS_EXPERIMENTS[name]
    app = run_training(exp).test_metrics["accuracy"]
    assert app > 0.85, "the stand-in data is learnable"
    script = experiment_script(exp)
    assert "keras.datasets." in script and "load_data(" in script
    assert abs(_test_accuracy(run_script(script)) - app) <= 0.03


def _pixel_csv(path, n=160, side=8):
    """Bright top half (label 1) or bottom half (label 0), pixels in 0..255."""
    rng = np.random.default_rng(2)
    label = np.arange(n) % 2
    images = rng.integers(0, 64, (n, side, side))
    images[label == 1, :side // 2] += 150
    images[label == 0, side // 2:] += 150
    columns = ",".join(f"pixel{i}" for i in range(side * side))
    rows = [",".join(map(str, image.ravel())) + f",{t}" for image, t in
            zip(images, label)]
    path.write_text(f"{columns},label\n" + "\n".join(rows) + "\n")
    return str(path)


@pytest.mark.workers
def test_exported_pixel_table_script_reproduces_the_apps_images(tmp_path, run_script):
    path = _pixel_csv(tmp_path / "pixels.csv")
    layers = (LayerSpec.make("conv2d", filters=4, kernel=3, activation="relu"),
              LayerSpec.make("flatten"))
    exp = with_csv(Experiment(layers=layers, images="on", optimizer="adam",
                              learning_rate=0.01, epochs=8, batch_size=16), path, "label")
    script = experiment_script(exp)
    ours, data = _script_data(script, [path]), experiment_data(exp)
    assert ours["x_train"].shape[1:] == (8, 8, 1)
    np.testing.assert_allclose(ours["x_test"], data.x_test, rtol=1e-6)
    app = run_training(exp).test_metrics["accuracy"]
    assert app >= 0.9
    assert abs(_test_accuracy(run_script(script, path)) - app) <= 0.03


def test_float_settings_are_written_as_float_literals():
    """Keras refuses `Adadelta(learning_rate=1)`: the house-price preset's
    learning rate of 1.0 must reach the script as 1.0."""
    code = experiment_script(PRESETS["house-prices"].experiment)
    assert "keras.optimizers.Adadelta(learning_rate=1.0" in code
    assert "momentum=0.0" in experiment_script(PRESETS["circle"].experiment)


@pytest.mark.workers
def test_exported_house_price_script_runs_on_the_shipped_csv(run_script):
    from importlib import resources

    from playground.datasets.uploads import HOUSE_PRICES

    exp = PRESETS["house-prices"].experiment.replace(epochs=2)
    csv = resources.files("playground.datasets").joinpath("files", HOUSE_PRICES)
    result = run_script(experiment_script(exp), str(csv))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "mae" in json.loads(result.stdout.strip().splitlines()[-1])["test"]


@pytest.mark.workers
def test_exported_script_writes_tensorboard_logs_when_the_experiment_does(
        tmp_path, run_script):
    exp = PRESETS["gauss"].experiment.replace(epochs=3, tensorboard="on")
    code = experiment_script(exp)
    assert "tensorboard --logdir logs" in code
    assert "TensorBoard" not in experiment_script(exp.replace(tensorboard="off"))
    _test_accuracy(run_script(code))
    events = list((tmp_path / "blocked" / "logs").rglob("events.out.tfevents.*"))
    assert {path.parent.name for path in events} == {"train", "validation"}


def test_csv_script_keeps_the_tables_column_order(tmp_path):
    """Categories between numbers: the encoded columns come in the app's order."""
    rng = np.random.default_rng(1)
    path = tmp_path / "mixed.csv"
    rows = [f"{rng.normal():.3f},{rng.choice(['a', 'b'])},{rng.normal():.3f},"
            f" {rng.choice(['x', 'y', 'z'])} ,{rng.integers(0, 2)}" for _ in range(80)]
    path.write_text("n1,c1,n2,c2,label\n" + "\n".join(rows) + "\n")
    exp = with_csv(Experiment(), str(path), "label")
    ours, data = _script_data(experiment_script(exp), [str(path)]), experiment_data(exp)
    np.testing.assert_allclose(ours["x_train"], data.x_train, rtol=1e-5, atol=1e-6)


def test_export_command_writes_the_script(tmp_path):
    target = tmp_path / "circle.py"
    assert main(["export", "circle", "--script", str(target)]) == 0
    code = target.read_text()
    compile(code, str(target), "exec")
    assert "playground" not in code.replace("playground_model", "").replace(
        "Keras Playground", "")
    assert main(["export", "mnist-mlp", "--script", str(tmp_path / "m.py")]) == 0
    assert "keras.datasets.mnist.load_data()" in (tmp_path / "m.py").read_text()


def test_export_takes_a_csv_like_train(csv_experiment, tmp_path):
    _, path = csv_experiment
    target = tmp_path / "table.py"
    assert main(["export", "circle", "--csv", path, "--target", "label",
                 "--script", str(target)]) == 0
    assert "TARGET = 'label'" in target.read_text()


def test_keras_file_round_trips_and_predicts_like_the_apps_model(tmp_path):
    exp = PRESETS["iris-mlp"].experiment.replace(epochs=3)
    result = run_training(exp)
    path = tmp_path / "model.keras"
    path.write_bytes(keras_bytes(exp, result.weights))
    loaded = keras.models.load_model(path)  # safe mode is on by default
    x = experiment_data(exp).x_test
    np.testing.assert_array_equal(loaded.predict(x, verbose=0),
                                  trained_model(exp, result.weights).predict(
                                      x, verbose=0))


def test_train_command_saves_the_model(tmp_path, capsys):
    path = tmp_path / "gauss.keras"
    assert main(["train", "dataset=gauss&epochs=2",
                 "--save-model", str(path)]) == 0
    assert keras.models.load_model(path).output_shape == (None, 1)
    assert main(["train", "gauss", "--save-model", str(tmp_path / "m.h5")]) == 2
    assert "must end in .keras" in capsys.readouterr().err


@pytest.mark.workers
def test_exported_script_carries_the_augmentation_and_runs(run_script):
    """The script puts the same random layers, arguments and seeds at the
    model's input, and trains and tests with them."""
    exp = Experiment(dataset="digits", layers=(LayerSpec.make("flatten"),),
                     augment=("flip", "rotate", "zoom", "translate", "contrast"),
                     augment_strength=0.05, optimizer="adam", learning_rate=0.01,
                     batch_size=64, epochs=2)
    code = experiment_script(exp)
    for layer in ("RandomFlip(mode='horizontal'", "RandomRotation(factor=0.05",
                  "RandomZoom(height_factor=0.05", "RandomTranslation(height_factor=0.05",
                  "RandomContrast(factor=0.05, value_range=(0.0, 1.0)"):
        assert f"keras.layers.{layer}" in code
    assert code.index('name="augmentation"') < code.index("keras.layers.Dense(")
    assert _test_accuracy(run_script(code)) > 0.3
    assert "augmentation" not in experiment_script(exp.replace(augment=()))
