#!/usr/bin/env bash
# Creates .venv and installs the project into it (with test tools when asked).
# Re-running is cheap: it reinstalls only when pyproject.toml has changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | cksum | cut -d' ' -f1)${extras:+-$extras}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
