"""NumPy arrays inside nested data, stored as `.npz` bytes plus JSON.

A run holds weights, snapshots (nested dicts of arrays, floats and None)
and, for a CSV run, its prepared data. `pack` splits such a value into a
JSON structure, where each array is replaced by a reference, and one
compressed `.npz` archive holding the arrays. `unpack` reverses it.

Arrays of one dtype are laid end to end in one archive member, and a
reference is `[member, offset, shape]`: a run of 200 snapshots holds
thousands of small arrays, and one zip member each would make saving and
loading several times slower.

Nothing is ever pickled: a store may be shared between people, and
unpickling runs code. Arrays of Python objects are refused when packing,
and archives are read with `allow_pickle=False`, so a crafted object array
in a store is refused too.

>>> structure, blob = pack({"boundary": np.zeros((2, 2)), "loss": 0.5})
>>> unpack(structure, blob)["loss"]
0.5
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from typing import Any

import numpy as np

from playground.i18n import tr_lazy

# JSON tags. Every dict and tuple is tagged, so a user's key can never be
# mistaken for a tag.
_ARRAY, _DICT, _TUPLE, _FLOAT = "a", "d", "t", "f"


class UnreadablePayload(ValueError):
    """Stored arrays or their structure cannot be read back safely."""


def _plain_array(value: np.ndarray, where: str) -> np.ndarray:
    if value.dtype.hasobject:
        if value.size and all(isinstance(v, str) for v in value.flat):
            return value.astype(str)
        raise ValueError(
            f"{where} is an array of Python objects (dtype {value.dtype}); a run "
            "stores only numeric, boolean or text arrays, never pickled objects. "
            "Convert it with `.astype(float)` or `.astype(str)` first.")
    return value


def pack(value: Any) -> tuple[str, bytes]:
    """Splits `value` into a JSON structure and `.npz` bytes of its arrays.

    Args:
        value: Nested dicts (string keys), lists, tuples, NumPy arrays and
            scalars, Python numbers, strings, booleans and None.

    Returns:
        `(structure, blob)`: the JSON text and the compressed archive.

    Raises:
        ValueError: for an object array or a value of another type.
    """
    groups: dict[str, list[np.ndarray]] = {}  # dtype -> flat arrays, in order
    sizes: dict[str, int] = {}

    def walk(item: Any, where: str) -> Any:
        if isinstance(item, np.ndarray):
            item = _plain_array(item, where)
            dtype = item.dtype.str
            member = f"g{list(groups).index(dtype) if dtype in groups else len(groups)}"
            offset = sizes.get(dtype, 0)
            groups.setdefault(dtype, []).append(item.ravel())
            sizes[dtype] = offset + item.size
            return {_ARRAY: [member, offset, list(item.shape)]}
        if isinstance(item, np.generic):
            item = item.item()
        if isinstance(item, float) and not math.isfinite(item):
            return {_FLOAT: repr(item)}
        if item is None or isinstance(item, (bool, int, float, str)):
            return item
        if isinstance(item, dict):
            if not all(isinstance(k, str) for k in item):
                raise ValueError(f"{where} has a key that is not text; received keys "
                                 f"{list(item)[:5]!r}. Use string keys.")
            return {_DICT: {k: walk(v, f"{where}[{k!r}]") for k, v in item.items()}}
        if isinstance(item, tuple):
            return {_TUPLE: [walk(v, f"{where}[{i}]") for i, v in enumerate(item)]}
        if isinstance(item, list):
            return [walk(v, f"{where}[{i}]") for i, v in enumerate(item)]
        raise ValueError(f"{where} is a {type(item).__name__}; a run stores arrays, "
                         "numbers, text, None and lists or dicts of them.")

    structure = json.dumps(walk(value, "value"), separators=(",", ":"))
    return structure, _npz({f"g{i}": np.concatenate(flat)
                            for i, flat in enumerate(groups.values())})


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    """`np.savez_compressed`, at zlib's fastest level: trained weights and
    snapshot grids barely compress, and the default level costs about three
    times as long for a few percent."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
    return buffer.getvalue()


def unpack(structure: str, blob: bytes) -> Any:
    """Rebuilds the value `pack` split, refusing pickled content.

    Raises:
        UnreadablePayload: when the archive or the structure is damaged, or
            the archive holds an object array (which would need unpickling).
    """
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
        data = json.loads(structure)
    except ValueError as error:  # object arrays and bad JSON both land here
        raise UnreadablePayload(tr_lazy("its stored arrays cannot be read safely "
                                        "({error})", error=error)) from None
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise UnreadablePayload(tr_lazy("its stored arrays are damaged ({error})",
                                        error=error)) from None

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(v) for v in item]
        if not isinstance(item, dict):
            return item
        (tag, content), = item.items()
        if tag == _ARRAY:
            member, offset, shape = content
            size = int(np.prod(shape))
            flat = arrays[member]
            if not 0 <= offset <= len(flat) - size:
                raise ValueError(f"array reference {content} is out of range")
            return flat[offset:offset + size].reshape(shape)
        if tag == _DICT:
            return {k: walk(v) for k, v in content.items()}
        if tag == _TUPLE:
            return tuple(walk(v) for v in content)
        if tag == _FLOAT:
            return float(content)
        raise KeyError(tag)

    try:
        return walk(data)
    except (KeyError, ValueError, AttributeError, TypeError) as error:
        raise UnreadablePayload(tr_lazy("its stored structure is damaged ({error})",
                                        error=repr(error))) from None


def nbytes(arrays: dict[str, np.ndarray] | None) -> int:
    """Total size in memory of a dict of arrays (0 for None)."""
    return sum(np.asarray(a).nbytes for a in (arrays or {}).values())
