#!/usr/bin/env bash
# Sets up the project with its test tools and runs the whole test suite:
# core, app (AppTest) and browser (Playwright + Debian's Chromium) tests.
# Extra arguments go to pytest (e.g. -k config, or -m "not browser").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

# The browser tests drive Debian's Chromium; Playwright's own download is
# not used. Install it when we can (root or passwordless sudo).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""; elif sudo -n true 2>/dev/null; then sudo_cmd="sudo -n"; else sudo_cmd="none"; fi
  if [ "$sudo_cmd" != none ]; then
    echo "Installing Chromium for the browser tests..."
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get install -y -qq chromium >/dev/null 2>&1 \
      || { $sudo_cmd apt-get update -qq >/dev/null && $sudo_cmd apt-get install -y -qq chromium >/dev/null; } \
      || echo "Could not install Chromium: the browser tests will be skipped."
  fi
fi

export TF_CPP_MIN_LOG_LEVEL=3
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
exit "$status"
