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
from playground.data_source import experiment_data
from playground.export import ExportError, experiment_script
from playground.layers import LayerSpec
from playground.model_files import keras_bytes, trained_model
from playground.presets import PRESETS
from playground.training import run_training

BLOCKER = '''import sys


class NoPlayground:
    """Exported scripts must not need the playground package."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "playground":
            raise ImportError("playground is not importable here")


sys.meta_path.insert(0, NoPlayground())
'''


@pytest.fixture
def run_script(tmp_path):
    """Runs a script where `import playground` fails; returns its last line."""
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "sitecustomize.py").write_text(BLOCKER)
    env = {**os.environ, "PYTHONPATH": str(blocked), "TF_CPP_MIN_LOG_LEVEL": "3"}

    def run(code: str, *args: str) -> subprocess.CompletedProcess:
        script = tmp_path / "experiment.py"
        script.write_text(code)
        return subprocess.run([sys.executable, str(script), *args], cwd=blocked,
                              env=env, capture_output=True, text=True, timeout=600)

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
def test_exported_script_reproduces_the_apps_test_accuracy(exp, run_script):
    app = run_training(exp).test_metrics["accuracy"]
    assert abs(_test_accuracy(run_script(experiment_script(exp))) - app) <= 0.03


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


def test_export_command_writes_the_script_and_refuses_what_it_cannot(tmp_path,
                                                                     capsys):
    target = tmp_path / "circle.py"
    assert main(["export", "circle", "--script", str(target)]) == 0
    code = target.read_text()
    compile(code, str(target), "exec")
    assert "playground" not in code.replace("playground_model", "").replace(
        "Keras Playground", "")
    assert main(["export", "mnist-mlp", "--script", str(tmp_path / "m.py")]) == 2
    assert "Cannot write a script for the dataset 'mnist'" in capsys.readouterr().err
    with pytest.raises(ExportError):
        experiment_script(Experiment(dataset="mnist"))


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
