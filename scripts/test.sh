#!/usr/bin/env bash
# Sets up the project with its test tools and runs the whole test suite:
# core, app (AppTest) and browser (Playwright + Debian's Chromium) tests.
# Extra arguments go to pytest (e.g. -k config, or -m "not browser").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

# Debian packages some tests need, installed when we can (root or
# passwordless sudo): Chromium for the browser tests (Playwright's own
# download is not used), the PostgreSQL server for the run store tests
# (they start their own throwaway server), HAProxy for the replicated
# deployment's test (scripts/cluster.sh) and a CJK font for the Chinese
# pages' screenshots. Without them those tests skip (the font: the checks
# still run, the screenshots show boxes).
install_debian_package() {  # package, a path (glob) it provides, what it is for
  compgen -G "$2" >/dev/null && return 0
  command -v apt-get >/dev/null || return 0
  local sudo_cmd
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""; elif sudo -n true 2>/dev/null; then sudo_cmd="sudo -n"; else return 0; fi
  echo "Installing $1 for $3..."
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get install -y -qq "$1" >/dev/null 2>&1 \
    || { $sudo_cmd apt-get update -qq >/dev/null && $sudo_cmd apt-get install -y -qq "$1" >/dev/null; } \
    || echo "Could not install $1: $3 will be skipped."
}
install_debian_package chromium /usr/bin/chromium "the browser tests"
install_debian_package postgresql "/usr/lib/postgresql/*/bin/initdb" \
  "the PostgreSQL run store tests"
install_debian_package haproxy /usr/sbin/haproxy "the replicated deployment's test"
install_debian_package fonts-wqy-microhei "/usr/share/fonts/truetype/wqy/*" \
  "readable Chinese in the browser tests' screenshots"

export TF_CPP_MIN_LOG_LEVEL=3
# Two test processes (pytest-xdist): the suite's own processes leave cores
# idle while they wait on workers, servers and browsers. A test module stays
# in one process and the browser tests run one at a time (tests/conftest.py).
# PLAYGROUND_TEST_PROCESSES=0 runs everything in this one process.
processes="${PLAYGROUND_TEST_PROCESSES:-2}"
status=0
.venv/bin/python -m pytest -n "$processes" --dist loadgroup "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
exit "$status"
