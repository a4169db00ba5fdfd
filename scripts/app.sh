#!/usr/bin/env bash
# Sets up the project if needed and starts Keras Playground in the browser.
# Extra arguments go to `streamlit run` (e.g. --server.port 8502).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
exec .venv/bin/streamlit run app.py "$@"
