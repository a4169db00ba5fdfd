"""The datasets a user can pick, described without loading them.

`DATASETS` maps each stored name to a `DatasetInfo` (task, input shape,
classes, description), so pages and the experiment's validation can list
and check datasets cheaply, before any array exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.datasets.keras_sets import KERAS_SETS, MAXLEN, NUM_WORDS
from playground.i18n import tr
from playground.registry import BINARY, MULTICLASS, REGRESSION


@dataclass(frozen=True)
class DataSpec:
    """What a model needs to know about a dataset.

    Attributes:
        input_shape: One sample's shape, e.g. `(2,)` or `(8, 8, 1)`.
        input_kind: `"features"`, `"image"` or `"tokens"`.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        num_classes: Number of classes (1 for regression).
        vocab_size: For token inputs, the number of distinct ids.
    """

    input_shape: tuple[int, ...]
    input_kind: str
    task: str
    num_classes: int
    vocab_size: int = 0


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is, known before it is loaded.

    Attributes:
        name: Stored name, e.g. `"spiral"`.
        label: Name shown to the user.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        input_shape: One sample's shape.
        input_kind: `"features"`, `"image"` or `"tokens"`.
        class_names: Names of the classes; empty for regression.
        description: A sentence or two for the Data page.
        synthetic: True when samples and noise can be chosen.
        source: Where the data comes from: `"synthetic"`, `"sklearn"`,
            `"keras"` (downloaded by `keras.datasets`) or `"table"` (a CSV).
        vocab_size: For token inputs, the number of distinct token ids.
    """

    name: str
    label: str
    task: str
    input_shape: tuple[int, ...]
    input_kind: str
    class_names: tuple[str, ...]
    description: str
    synthetic: bool = False
    source: str = "sklearn"
    vocab_size: int = 0

    @property
    def num_classes(self) -> int:
        return len(self.class_names) if self.task != REGRESSION else 1

    @property
    def shown_label(self) -> str:
        """The label in the reader's language (`label` stays English, for
        scripts); a file's own name (`"CSV: sales.csv"`) as it is."""
        return tr(self.label)

    @property
    def data_spec(self) -> DataSpec:
        return DataSpec(self.input_shape, self.input_kind, self.task, self.num_classes,
                        self.vocab_size)


_TWO = ("orange", "blue")
_KERAS_SHAPES = {"mnist": (28, 28, 1), "fashion-mnist": (28, 28, 1),
                 "cifar10": (32, 32, 3), "imdb": (MAXLEN.default,),
                 "reuters": (MAXLEN.default,), "boston-housing": (13,)}


def _keras_infos() -> tuple[DatasetInfo, ...]:
    """The `keras.datasets` sets, and MNIST relabelled as "is it a 7?"."""
    infos = [DatasetInfo(k.name, k.label, k.task, _KERAS_SHAPES[k.name], k.input_kind,
                         k.class_names, k.description, source="keras",
                         vocab_size=NUM_WORDS.default if k.input_kind == "tokens" else 0)
             for k in KERAS_SETS.values()]
    infos.insert(1, DatasetInfo(
        "mnist-seven", "MNIST: is it a 7?", BINARY, (28, 28, 1), "image", ("not 7", "7"),
        "MNIST digits relabelled: 7 or not. A one-unit sigmoid output and "
        "binary crossentropy, as in the tutorial.", source="keras"))
    return tuple(infos)


DATASETS: dict[str, DatasetInfo] = {
    d.name: d
    for d in (
        DatasetInfo("circle", "Circle", BINARY, (2,), "features", _TWO,
                    "A blue disc inside an orange ring: not separable by a line.",
                    synthetic=True),
        DatasetInfo("xor", "XOR", BINARY, (2,), "features", _TWO,
                    "Blue where x and y share a sign: the classic XOR problem.",
                    synthetic=True),
        DatasetInfo("gauss", "Gaussian", BINARY, (2,), "features", _TWO,
                    "Two gaussian blobs; noise makes them overlap.", synthetic=True),
        DatasetInfo("spiral", "Spiral", BINARY, (2,), "features", _TWO,
                    "Two interleaved spirals: the hardest 2-D set.", synthetic=True),
        DatasetInfo("reg-plane", "Plane (regression)", REGRESSION, (2,), "features",
                    (), "Predict (x + y) / 10, a tilted plane.", synthetic=True),
        DatasetInfo("reg-gauss", "Multi-gaussian (regression)", REGRESSION, (2,),
                    "features", (), "Predict the height of six signed bumps.",
                    synthetic=True),
        DatasetInfo("iris", "Iris", MULTICLASS, (4,), "features",
                    ("setosa", "versicolor", "virginica"),
                    "150 iris flowers, 4 measurements each, 3 species "
                    "(features standardised)."),
        DatasetInfo("digits", "Digits (8x8 images)", MULTICLASS, (8, 8, 1), "image",
                    tuple(str(i) for i in range(10)),
                    "1,797 handwritten digits as 8x8 grey images (pixels scaled "
                    "to 0..1). Dense layers need a Flatten first."),
        DatasetInfo("wine", "Wine", MULTICLASS, (13,), "features",
                    ("class_0", "class_1", "class_2"),
                    "178 wines, 13 chemical measurements, 3 cultivars "
                    "(features standardised)."),
        DatasetInfo("breast-cancer", "Breast cancer", BINARY, (30,), "features",
                    ("malignant", "benign"),
                    "569 tumours, 30 measurements, malignant or benign "
                    "(features standardised)."),
        DatasetInfo("diabetes", "Diabetes (regression)", REGRESSION, (10,), "features",
                    (), "442 patients, 10 baseline variables; predict disease "
                    "progression a year later (features and target standardised)."),
        *_keras_infos(),
        DatasetInfo("house-prices", "House prices (CSV)", REGRESSION, (), "features", (),
                    "500 made-up houses: area, rooms, age, distance to the centre, "
                    "district and garden; predict the price in thousands (a CSV "
                    "shipped with the app; target standardised).", source="table"),
        DatasetInfo("csv", "Your CSV file", "", (), "features", (),
                    "Upload a CSV file and pick the column to predict.",
                    source="table"),
    )
}
KERAS_BASE = {"mnist-seven": "mnist"}


BOSTON_FEATURES = ("CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD",
                   "TAX", "PTRATIO", "B", "LSTAT")
