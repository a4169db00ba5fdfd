"""The core package stays free of Streamlit, and light pages stay free of TF."""

import ast
import subprocess
import sys
from pathlib import Path

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
    code = ("import sys, playground.config, playground.experiment_check, playground.jobs, "
            "playground.charts, playground.presets, playground.cli; "
            "print(sorted(m for m in ('streamlit', 'tensorflow', 'keras') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
