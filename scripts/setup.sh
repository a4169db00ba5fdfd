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
  echo "Installing Keras Playground and its dependencies into .venv (first run: a few minutes)..."
  log=.venv/install.log
  if ! { .venv/bin/python -m pip install --quiet --upgrade pip \
         && .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "Installation failed; the log above says why." >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
