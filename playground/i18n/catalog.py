"""The message catalog kept in step with the code: extract, merge, check.

`extract()` finds every string the code passes to `tr`, `tr_n`, `mark`,
`template`, `tr_lazy` and `tr_n_lazy` (Babel's extractor, so the rules are
gettext's); `merge()` adds the new ones to a language's `.po` file
(untranslated) and drops the ones the code no longer uses; `problems()`
lists what stops a catalog from being complete: a missing or empty
translation, a fuzzy entry, or placeholders that differ from the English.
`python -m playground.i18n.catalog` merges every language and prints the
problems; `--check` only checks (exit 1 on a problem).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playground import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("playground", "ui", "views", "app.py")
KEYWORDS = {"tr": None, "tr_n": (1, 2), "mark": None, "template": None,
            "tr_lazy": None, "tr_n_lazy": (1, 2)}
_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)(?:[:!][^}]*)?\}(?!\})")


def extract(root: Path = ROOT):
    """A Babel `Catalog` of every marked string under `root`'s sources."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir, extract_from_file

    catalog = Catalog(project="Keras Playground", domain=i18n.DOMAIN)
    for source in SOURCES:
        path = root / source
        if path.is_dir():
            found = ((name, line, message, comments)
                     for name, line, message, comments, _ in extract_from_dir(
                         str(path), [("**.py", "python")], keywords=KEYWORDS))
            prefix = source + "/"
        else:
            found = ((path.name, line, message, comments)
                     for line, message, comments, _ in extract_from_file(
                         "python", str(path), keywords=KEYWORDS))
            prefix = ""
        for name, line, message, comments in found:
            catalog.add(message, locations=[(prefix + name, line)],
                        auto_comments=comments)
    for text, where in table_strings():
        catalog.add(text, auto_comments=[where])
    return catalog


def table_strings() -> list[tuple[str, str]]:
    """Text kept in the core's tables rather than in calls: every field's
    help line, every layer type's description, the datasets' names and
    descriptions and the presets' descriptions, with where each is from. Pages show them through
    `tr(field.help)` and the like."""
    from playground.config import FIELDS
    from playground.datasets import DATASETS
    from playground.model.layers import LAYER_TYPES
    from playground.presets import PRESETS

    found = [(field.help, f"field {field.name}") for field in FIELDS]
    found += [(info.description, f"dataset {name}") for name, info in DATASETS.items()]
    found += [(info.label, f"dataset {name} label") for name, info in DATASETS.items()]
    found += [(info.label.split(" (")[0], f"dataset {name} short label")
              for name, info in DATASETS.items()]  # "MNIST", "Digits"
    found += [(preset.description, f"preset {name}") for name, preset in PRESETS.items()]
    for kind in LAYER_TYPES.values():
        found.append((kind.description, f"layer {kind.name}"))
        found += [(field.help, f"layer {kind.name} {field.name}") for field in kind.fields]
    return [(text, where) for text, where in found if text]


def read(code: str):
    from babel.messages.pofile import read_po

    with open(i18n.catalog_path(code), "rb") as source:
        return read_po(source, locale=i18n._CATALOG_LOCALES[code])


def write(catalog, code: str) -> None:
    from babel.messages.pofile import write_po

    with open(i18n.catalog_path(code), "wb") as target:
        write_po(target, catalog, width=88, no_location=True, sort_output=True,
                 omit_header=False)


def merge(code: str, root: Path = ROOT) -> None:
    """Brings `code`'s catalog in step with the code (new strings empty)."""
    catalog = read(code)
    created = catalog.creation_date
    catalog.update(extract(root), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = created  # no churn in the header
    catalog.msgid_bugs_address = catalog.last_translator = ""
    catalog.language_team = "Keras Playground"
    write(catalog, code)


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def problems(code: str, root: Path = ROOT) -> list[str]:
    """Why `code`'s catalog is not complete for the code as it is; [] when it is."""
    catalog = read(code)
    found = []
    for message in extract(root):
        if not message.id:
            continue
        entry = catalog.get(message.id)
        key = message.id if isinstance(message.id, str) else message.id[0]
        if entry is None:
            found.append(f"not in the catalog: {key!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not all(strings):
            found.append(f"not translated: {key!r}")
        elif entry.fuzzy:
            found.append(f"fuzzy: {key!r}")
        elif any(placeholders(text) != placeholders(ids[-1]) for text in strings):
            found.append(f"placeholders differ: {key!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    found = []
    for code in i18n.LANGUAGES:
        if code == i18n.DEFAULT_LANGUAGE:
            continue
        if "--check" not in argv:
            merge(code)
        found += [f"{code}: {line}" for line in problems(code)]
    print("\n".join(found) or "Every catalog is complete.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
