"""NumPy arrays inside nested data, stored as `.npz` bytes plus JSON.

A run holds weights, snapshots (nested dicts of arrays, floats and None)
and, for a CSV run, its prepared data. `pack` splits such a value into a
JSON structure, where each array is replaced by a reference, and one
compressed `.npz` archive holding the arrays. `unpack` reverses it.

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
    arrays: dict[str, np.ndarray] = {}

    def walk(item: Any, where: str) -> Any:
        if isinstance(item, np.ndarray):
            key = f"a{len(arrays)}"
            arrays[key] = _plain_array(item, where)
            return {_ARRAY: key}
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
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return structure, buffer.getvalue()


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
        raise UnreadablePayload(f"its stored arrays cannot be read safely ({error})") \
            from None
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise UnreadablePayload(f"its stored arrays are damaged ({error})") from None

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(v) for v in item]
        if not isinstance(item, dict):
            return item
        (tag, content), = item.items()
        if tag == _ARRAY:
            return arrays[content]
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
        raise UnreadablePayload(f"its stored structure is damaged ({error!r})") from None


def nbytes(arrays: dict[str, np.ndarray] | None) -> int:
    """Total size in memory of a dict of arrays (0 for None)."""
    return sum(np.asarray(a).nbytes for a in (arrays or {}).values())
