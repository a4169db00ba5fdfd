"""Architecture rules as tests: the core stays free of Streamlit, light pages
stay free of TensorFlow, no import cycle, stages import only downwards, and
source files stay short."""

import ast
import subprocess
import sys
from pathlib import Path

from tests.core.import_graph import SKIPPED, cycles, import_graph

CORE = Path(__file__).resolve().parents[2] / "playground"


def test_core_never_imports_streamlit():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] == "streamlit"]
    assert offenders == []


def test_importing_the_core_loads_neither_streamlit_nor_tensorflow():
    code = ("import sys, playground.config, playground.model.checks, playground.jobs, "
            "playground.charts, playground.presets, playground.cli, "
            "playground.lessons.store, playground.lessons.export; "
            "print(sorted(m for m in ('streamlit', 'tensorflow', 'keras') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# --- The shape of the code -------------------------------------------------------

ROOT = CORE.parent

# The core's stages, lowest first: a module may import its own stage and the
# stages before it, never one after. The experiment's vocabulary at the top
# of the package (config, fields, registry, presets) and the `keras_work`
# port may be imported by every stage.
STAGES = ("datasets", "model", "inspection", "training", "charts", "evaluation",
          "export", "jobs", "runs", "search", "lessons", "cli")
VOCABULARY = ("playground.config", "playground.fields", "playground.registry",
              "playground.presets", "playground.keras_work")
MAX_LINES = 450
MAX_FLAT_MODULES = 12


def stage_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "playground" or len(parts) < 2 or parts[1] not in STAGES:
        return None
    return STAGES.index(parts[1])


def test_no_import_cycles_in_the_app():
    assert cycles(import_graph(ROOT)) == []


def test_the_cycle_check_finds_a_planted_cycle(tmp_path):
    package = tmp_path / "pkg"
    (package / "low").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "low" / "__init__.py").write_text("")
    (package / "low" / "port.py").write_text("X = 1\n")
    (package / "high.py").write_text("from pkg.low.port import X\n")
    assert cycles(import_graph(tmp_path)) == []

    # An import inside a function closes the circle just the same.
    (package / "low" / "port.py").write_text(
        "X = 1\n\ndef later():\n    from pkg import high\n    return high\n")
    assert cycles(import_graph(tmp_path)) == [["pkg.high", "pkg.low.port"]]


def test_each_stage_imports_only_itself_and_the_stages_before_it():
    backwards = []
    for module, targets in import_graph(ROOT).items():
        stage = stage_of(module)
        if stage is None:
            continue
        backwards += [f"{module} -> {target}" for target in sorted(targets)
                      if (stage_of(target) or 0) > stage]
    assert backwards == []


def test_the_core_does_not_import_the_pages():
    graph = import_graph(ROOT)
    offenders = [f"{module} -> {target}" for module, targets in graph.items()
                 if module.startswith("playground") for target in targets
                 if not target.startswith("playground")]
    assert offenders == []


def test_source_files_stay_short_and_the_core_is_grouped():
    long_files = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if set(relative.parts) & set(SKIPPED):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long_files.append(f"{relative}: {lines} lines")
    assert long_files == []
    flat = sorted(p.name for p in CORE.glob("*.py") if p.name != "__init__.py")
    assert len(flat) <= MAX_FLAT_MODULES, flat
