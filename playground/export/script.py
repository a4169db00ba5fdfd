"""An experiment as one runnable Keras script, written like a tutorial.

`experiment_script` writes a self-contained Python file that needs only
Keras, NumPy, pandas and scikit-learn (never `playground`): it makes or
loads the same data (the 2-D generators are inlined and seeded like the
app's; scikit-learn's bundled sets come from its loaders; Keras' sets from
`keras.datasets` with the same seeded subset; a CSV file is read with
`pandas.read_csv` from the path given as the first command-line argument,
its cells tidied and its columns prepared as the app does), splits it with the same seed, prepares it the same way, builds
the same model with the same initial weights, compiles it with the same
loss, optimizer, schedule and callbacks, trains it with `fit`, evaluates it
on the test split, and prints `{"test": {...}}` as its last line of output.

The script feeds `fit` NumPy arrays, the way a person would write it; the
app's faster `tf.data` pipeline shuffles differently, so the two runs agree
closely but not to the last digit.
"""

from __future__ import annotations

import textwrap

from playground.config import Experiment
from playground.datasets import DATASETS, synthetic
from playground.datasets.catalog import KERAS_BASE
from playground.datasets.keras_sets import INDEX_FROM, KERAS_SETS, OOV_CHAR, START_CHAR
from playground.datasets.splits import keep_subset, split_indices
from playground.export.code_text import function_source, number_literal
from playground.export.table_script import table_imports, table_section
from playground.i18n import tr_lazy
from playground.model.augmentation import layer_calls
from playground.model.builder import layer_names, layer_seed
from playground.model.checks import data_spec_of, resolve_loss, resolve_output
from playground.model.graph import GRAPH_INPUT, MERGES
from playground.model.layers import LayerSpec
from playground.registry import LOSSES, OPTIMIZERS, REGRESSION, task_metrics
from playground.training.tensorboard_logs import histogram_every

SKLEARN_LOADERS = {"iris": "load_iris", "digits": "load_digits", "wine": "load_wine",
                   "breast-cancer": "load_breast_cancer", "diabetes": "load_diabetes"}


class ExportError(ValueError):
    """The experiment cannot be written as a script (yet)."""


def _wrapped(text: str) -> str:
    """A paragraph of the script's docstring, wrapped at 79 characters."""
    return textwrap.fill(text, 79)


def _data_section(exp: Experiment) -> tuple[str, str]:
    """Code that sets `x`, `y`; and the imports it needs beyond the usual."""
    info = DATASETS[exp.dataset]
    if info.synthetic:
        function = synthetic.GENERATORS[exp.dataset]
        extra = ("GAUSSIANS = " + repr(synthetic.GAUSSIANS.tolist()).join(
            ["np.array(", ")"]) + "\n\n\n") if function is synthetic.multi_gauss else ""
        return (f"# TensorFlow Playground's {exp.dataset!r} data: {exp.samples} points "
                f"in the plane,\n# drawn from the seed.\n{extra}{function_source(function)}\n\n\n"
                f"x, y = {function.__name__}({exp.samples}, {number_literal(exp.noise)}, "
                f"np.random.default_rng(SEED))"), ""
    if exp.dataset in SKLEARN_LOADERS:
        loader = SKLEARN_LOADERS[exp.dataset]
        if exp.dataset == "digits":
            body = ("bunch = load_digits()\n"
                    "x = (bunch.images / 16.0)[..., None]  # 8x8 images in 0..1\n"
                    "y = bunch.target")
        elif exp.dataset == "diabetes":  # in its own units, as the app reads it
            body = f"x, y = {loader}(return_X_y=True, scaled=False)"
        else:
            body = f"x, y = {loader}(return_X_y=True)"
        return (f"# scikit-learn's bundled {exp.dataset!r} data.\n{body}",
                f"from sklearn.datasets import {loader}\n")
    if info.source == "table":
        return table_section(exp), ""
    if info.source == "keras":
        return _keras_section(exp), ""
    raise ExportError(tr_lazy(
        "Cannot write a script for the dataset {dataset} yet: scripts cover the 2-D "
        "sets, scikit-learn's bundled sets, Keras' datasets and CSV tables. Download "
        "the experiment JSON and train it with `playground train` instead.",
        dataset=repr(exp.dataset)))


def _keras_section(exp: Experiment) -> str:
    """Code that loads a `keras.datasets` set as the app does: Keras' train
    and test parts joined, the same seeded subset, the same conversion."""
    info = DATASETS[exp.dataset]
    keras_set = KERAS_SETS[KERAS_BASE.get(exp.dataset, exp.dataset)]
    classify = info.task != REGRESSION
    options = ""
    if info.input_kind == "tokens":
        options = (f"\n    num_words={exp.num_words}, start_char={START_CHAR}, "
                   f"oov_char={OOV_CHAR}, index_from={INDEX_FROM}")
    lines = [
        f"# Keras' {keras_set.short_label} data: downloaded once into "
        "~/.keras/datasets, then read",
        "# from there. Its train and test parts are joined; the split below is ours.",
        f"(x_a, y_a), (x_b, y_b) = keras.datasets.{keras_set.module}.load_data({options})",
        "x = np.concatenate([x_a, x_b])",
        "y = np.concatenate([np.reshape(y_a, -1), np.reshape(y_b, -1)]).astype("
        f"{'np.int64' if classify else 'np.float32'})",
        "",
        f"# Keep {exp.subset} samples{', as many of each class as in the whole set' if classify else ''}.",
        f"keep = keep_subset(y, {exp.subset}, SEED, stratify={classify})",
        "x, y = x[keep], y[keep]",
    ]
    if info.input_kind == "image":
        lines += ["x = x.astype(np.float32) / np.float32(255.0)  # pixels in 0..1"]
        if keras_set.module in ("mnist", "fashion_mnist"):
            lines += ["x = x[..., None]  # a channel axis: (28, 28, 1)"]
    elif info.input_kind == "tokens":
        lines += ["# Each text cut or padded at its start to the same number of tokens.",
                  f"x = keras.utils.pad_sequences(list(x), maxlen={exp.maxlen}, "
                  "dtype=\"int32\")"]
    else:
        lines += ["x = x.astype(np.float32)"]
    if exp.dataset == "mnist-seven":
        lines += ["y = (y == 7).astype(np.int64)  # 1 for a seven, 0 for any other digit"]
    return "\n".join(lines)


def _layer_code(spec: LayerSpec, name: str, seed: int, vocab_size: int) -> str:
    """One Keras layer as code, seeded like the app's builder."""
    init = f"keras.initializers.GlorotUniform(seed={seed})"
    kind = spec.kind
    if kind == "dense":
        reg = ""
        if spec["l1"] or spec["l2"]:
            reg = (f", kernel_regularizer=keras.regularizers.L1L2("
                   f"l1={number_literal(spec['l1'])}, l2={number_literal(spec['l2'])})")
        return (f"keras.layers.Dense({spec['units']}, activation={spec['activation']!r}, "
                f"kernel_initializer={init}{reg}, name={name!r})")
    if kind == "dropout":
        return f"keras.layers.Dropout({number_literal(spec['rate'])}, seed={seed}, name={name!r})"
    if kind == "batchnorm":
        return f"keras.layers.BatchNormalization(name={name!r})"
    if kind == "activation":
        return f"keras.layers.Activation({spec['activation']!r}, name={name!r})"
    if kind == "flatten":
        return f"keras.layers.Flatten(name={name!r})"
    if kind == "conv2d":
        return (f"keras.layers.Conv2D({spec['filters']}, {spec['kernel']}, "
                f"strides={spec['stride']}, padding={spec['padding']!r}, "
                f"activation={spec['activation']!r}, kernel_initializer={init}, "
                f"name={name!r})")
    if kind == "maxpool2d":
        return f"keras.layers.MaxPooling2D({spec['pool']}, name={name!r})"
    if kind == "embedding":
        return (f"keras.layers.Embedding({vocab_size}, {spec['output_dim']}, "
                "embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, "
                f"seed={seed}), name={name!r})")
    if kind == "lstm":
        sequences = ", return_sequences=True" if spec["return_sequences"] == "on" else ""
        return (f"keras.layers.LSTM({spec['units']}{sequences}, kernel_initializer={init}, "
                f"recurrent_initializer=keras.initializers.Orthogonal(seed={seed + 1}), "
                f"name={name!r})")
    raise ExportError(tr_lazy("Cannot write a {kind} layer into a script yet. Download "
                              "the experiment JSON and train it with `playground "
                              "train` instead.", kind=repr(kind)))


def _learning_rate_code(exp: Experiment) -> str:
    lr = number_literal(exp.learning_rate)
    steps = "STEPS_PER_EPOCH"
    if exp.lr_schedule in ("step", "exponential"):
        return (f"keras.optimizers.schedules.ExponentialDecay(\n    {lr}, decay_steps="
                f"{exp.lr_decay_epochs} * {steps}, decay_rate={number_literal(exp.lr_decay_rate)}"
                f", staircase={exp.lr_schedule == 'step'})")
    if exp.lr_schedule == "cosine":
        if exp.lr_warmup_epochs:
            return (f"keras.optimizers.schedules.CosineDecay(\n    0.0, decay_steps="
                    f"{exp.epochs - exp.lr_warmup_epochs} * {steps}, warmup_target={lr}, "
                    f"warmup_steps={exp.lr_warmup_epochs} * {steps})")
        return (f"keras.optimizers.schedules.CosineDecay({lr}, "
                f"decay_steps={exp.epochs} * {steps})")
    return lr


def _callbacks_code(exp: Experiment) -> list[str]:
    made = []
    if exp.early_stop_patience:
        mode = "max" if exp.early_stop_monitor == "val_accuracy" else "min"
        made.append(f"keras.callbacks.EarlyStopping(monitor={exp.early_stop_monitor!r}, "
                    f"mode={mode!r}, patience={exp.early_stop_patience}, "
                    f"min_delta={number_literal(exp.early_stop_min_delta)}, "
                    f"restore_best_weights={exp.restore_best == 'on'})")
    if exp.lr_schedule == "plateau":
        made.append(f"keras.callbacks.ReduceLROnPlateau(monitor=\"val_loss\", "
                    f"factor={number_literal(exp.plateau_factor)}, "
                    f"patience={exp.plateau_patience}, min_lr={number_literal(exp.min_lr)})")
    if exp.tensorboard == "on":
        made.append("keras.callbacks.TensorBoard(log_dir=LOG_DIR, histogram_freq="
                    f"{histogram_every(exp.epochs)})")
    return made


def _literal(value) -> str:
    if isinstance(value, float):
        return number_literal(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(map(_literal, value)) + ")"
    return repr(value)


def _augmentation_code(exp: Experiment) -> str:
    """The experiment's data augmentation as the model's first layer (empty
    without one): the same Keras layers, arguments and seeds as the app's
    (`playground.model.augmentation.layer_calls`)."""
    if not exp.augment:
        return ""
    calls = "".join(
        f"        keras.layers.{name}("
        + ", ".join(f"{k}={_literal(v)}" for k, v in kwargs.items()) + "),\n"
        for name, kwargs in layer_calls(exp.augment, exp.augment_strength, exp.seed))
    return ("    # Data augmentation: random transforms of the training images, active\n"
            "    # only in training (fit); evaluate and predict see the images as they are.\n"
            f"    keras.Sequential([\n{calls}    ], name=\"augmentation\"),\n")


# Names the script itself uses: a node with one of these ids gets `<id>_out`.
_SCRIPT_NAMES = frozenset({
    "bunch", "callbacks", "classes", "class_weight", "inputs", "json", "keep", "keras",
    "model", "np", "outputs", "pd", "preprocessor", "scaler", "sys", "target_scaler",
    "test", "test_metrics", "train", "val", "x", "y"})


def _variable(node_id: str) -> str:
    """The script's variable for a node's output: its id, unless Python or
    the script already uses that name."""
    import keyword

    if keyword.iskeyword(node_id) or node_id in _SCRIPT_NAMES:
        return f"{node_id}_out"
    return node_id


def _graph_model_code(exp: Experiment, output: LayerSpec, data) -> str:
    """A graph as Functional-API code: `inputs`, one line per node calling
    its layer on the nodes it takes, `outputs`, then `keras.Model`; named
    and seeded like the app's builder (`build_graph`)."""
    dtype = ', dtype="int32"' if data.input_kind == "tokens" else ""
    lines = [f"inputs = keras.Input(shape={tuple(data.input_shape)!r}{dtype}, "
             "name=\"input\")"]
    names = {GRAPH_INPUT: "inputs"}
    if exp.augment:
        calls = "".join(
            f"    keras.layers.{name}("
            + ", ".join(f"{k}={_literal(v)}" for k, v in kwargs.items()) + "),\n"
            for name, kwargs in layer_calls(exp.augment, exp.augment_strength, exp.seed))
        lines += ["# Data augmentation: random transforms of the training images, "
                  "active only in\n# training (fit); evaluate and predict see the "
                  "images as they are.",
                  f"augmented = keras.Sequential([\n{calls}], name=\"augmentation\")"
                  "(inputs)"]
        names[GRAPH_INPUT] = "augmented"
    for i, node in enumerate(exp.graph):
        taken = [names[name] for name in node.inputs]
        if node.merge:
            call = (f"keras.layers.{MERGES[node.merge]}(name={node.id!r})("
                    f"[{', '.join(taken)}])")
        else:
            seed = layer_seed(exp.seed, i)
            if node.time_distributed:
                inner = _layer_code(node.layer, f"{node.id}_inner", seed, data.vocab_size)
                call = (f"keras.layers.TimeDistributed(\n    {inner},\n    "
                        f"name={node.id!r})({taken[0]})")
            else:
                call = (f"{_layer_code(node.layer, node.id, seed, data.vocab_size)}"
                        f"({taken[0]})")
        names[node.id] = _variable(node.id)
        lines.append(f"{names[node.id]} = {call}")
    last = names[exp.graph[-1].id]
    out = _layer_code(output, "output", layer_seed(exp.seed, len(exp.graph)),
                      data.vocab_size)
    lines += [f"outputs = {out}({last})",
              'model = keras.Model(inputs, outputs, name="playground_model")']
    return "\n".join(lines)


def experiment_script(exp: Experiment) -> str:
    """The experiment as the text of a runnable, self-contained Python script.

    Raises:
        ExportError: for data or layers a script cannot reproduce yet.
    """
    info = DATASETS[exp.dataset]
    data = data_spec_of(exp)
    task = data.task
    classify = task != REGRESSION
    output = resolve_output(exp, data)
    loss = resolve_loss(exp, data)
    data_code, data_imports = _data_section(exp)
    table = info.source == "table"
    keras_data = info.source == "keras"
    # The subset of a Keras set is drawn with the split's function: define both first.
    helpers = (f"\n\n{function_source(split_indices)}\n\n\n{function_source(keep_subset)}\n\n"
               if keras_data else "")
    scale_inputs = not table and not info.synthetic and info.input_kind == "features"
    scale_targets = task == REGRESSION and not info.synthetic
    optimizer = OPTIMIZERS[exp.optimizer]
    options = [f"learning_rate={_learning_rate_code(exp)}"]
    if optimizer.uses_momentum:
        options.append(f"momentum={number_literal(exp.momentum)}")
    if exp.clipnorm:
        options.append(f"clipnorm={number_literal(exp.clipnorm)}")
    names = layer_names(exp)
    layers = [_layer_code(spec, name, layer_seed(exp.seed, i), data.vocab_size)
              for i, (spec, name) in enumerate(zip((*exp.layers, output), names))]
    model_code = (_graph_model_code(exp, output, data) if exp.graph else f"""\
model = keras.Sequential([
    keras.Input(shape={tuple(data.input_shape)!r}, name="input"),
{_augmentation_code(exp)}{textwrap.indent(",".join(chr(10) + l for l in layers).lstrip(chr(10)), "    ")},
], name="playground_model")""")
    callbacks = _callbacks_code(exp)
    units = output["units"]

    parts = [f'''"""Keras Playground experiment, as a plain Keras script.

{_wrapped(f"Trains {'a classifier' if classify else 'a regression model'} on "
           f"{info.label}{' (the CSV file given as the first argument)' if table else ''}"
           " and prints the test metrics as one JSON line.")}

Run: python this_script.py{" path/to/file.csv" if table else ""}{chr(10) + "Then: "
    "tensorboard --logdir logs  (curves, weight histograms)" if exp.tensorboard == "on" else ""}
"""

import json
{"import sys" + chr(10) if table else ""}
import keras
import numpy as np
{"import pandas as pd" + chr(10) if table else ""}{data_imports}{table_imports(exp) if table else ""}{
        "from sklearn.preprocessing import StandardScaler" + chr(10)
        if (scale_inputs or scale_targets) and not table else ""}{"from sklearn.utils.class_weight import compute_class_weight" + chr(10)
        if exp.class_weight == "balanced" else ""}
SEED = {exp.seed}{chr(10) + 'LOG_DIR = "logs"  # TensorBoard writes here'
                  if exp.tensorboard == "on" else ""}
keras.utils.set_random_seed(SEED)  # the same seed, the same run
{helpers}
# -- Data -------------------------------------------------------------------

{data_code}

# -- Split: training, validation and test rows, drawn from the seed ----------
{"" if keras_data else chr(10) + function_source(split_indices) + chr(10) * 2}
train, val, test = split_indices(y, {number_literal(exp.val_fraction)}, {
        number_literal(exp.test_fraction)}, SEED, stratify={classify})
''']
    rows = ("x.iloc[{0}]" if table else "x[{0}]")
    if table:
        parts.append(
            "preprocessor.fit(x.iloc[train])  # learn from the training rows only\n"
            + "\n".join(f"x_{s} = preprocessor.transform({rows.format(s)})"
                        f".astype(np.float32)" for s in ("train", "val", "test")))
    elif scale_inputs:
        parts.append(
            "# Standardise the features with the training rows' mean and spread.\n"
            "scaler = StandardScaler().fit(x[train])\n"
            + "\n".join(f"x_{s} = scaler.transform(x[{s}]).astype(np.float32)"
                        for s in ("train", "val", "test")))
    else:
        dtype = "np.int32" if info.input_kind == "tokens" else "np.float32"
        parts.append("\n".join(f"x_{s} = x[{s}].astype({dtype})"
                               for s in ("train", "val", "test")))
    if scale_targets:
        parts.append(
            "# Standardise the target too, so one learning rate suits the data.\n"
            "target_scaler = StandardScaler().fit(y[train].reshape(-1, 1))\n"
            + "\n".join(f"y_{s} = target_scaler.transform(y[{s}].reshape(-1, 1))"
                        f".astype(np.float32)" for s in ("train", "val", "test")))
    elif not classify or units == 1:
        parts.append("\n".join(f"y_{s} = y[{s}].astype(np.float32).reshape(-1, 1)"
                               for s in ("train", "val", "test")))
    elif loss == "scce":
        parts.append("\n".join(f"y_{s} = y[{s}].astype(np.int64)"
                               for s in ("train", "val", "test")))
    else:
        parts.append("# One-hot targets for categorical crossentropy.\n" + "\n".join(
            f"y_{s} = keras.utils.to_categorical(y[{s}], {units})"
            for s in ("train", "val", "test")))

    parts.append(f'''
# -- Model --------------------------------------------------------------------

{model_code}
model.summary()

BATCH_SIZE = {exp.batch_size}
STEPS_PER_EPOCH = -(-len(x_train) // BATCH_SIZE)  # schedules count batches
model.compile(
    optimizer=keras.optimizers.{optimizer.keras_class}({", ".join(options)}),
    loss={LOSSES[loss].keras_name!r},
    metrics={task_metrics(task)!r},
)

# -- Training -----------------------------------------------------------------
''')
    fit_options = ""
    if exp.class_weight == "balanced":
        parts.append("# Weigh each class by the inverse of its frequency.\n"
                     "classes = np.unique(y[train])\n"
                     "class_weight = dict(zip(classes.tolist(), compute_class_weight(\n"
                     "    \"balanced\", classes=classes, y=y[train])))")
        fit_options += ", class_weight=class_weight"
    if callbacks:
        parts.append("callbacks = [\n" + "".join(f"    {c},\n" for c in callbacks) + "]")
        fit_options += ", callbacks=callbacks"
    validation = "validation_data=(x_val, y_val), " if exp.val_fraction else ""
    parts.append(f'''model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs={exp.epochs},
          {validation}shuffle=True, verbose=2{fit_options})

# -- Test ---------------------------------------------------------------------

test_metrics = model.evaluate(x_test, y_test, batch_size=1024, verbose=0,
                              return_dict=True)
print(json.dumps({{"test": {{k: float(v) for k, v in test_metrics.items()}}}}))
''')
    return "\n".join(parts)
