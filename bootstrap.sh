#!/usr/bin/env sh
# One entry point for a fresh Debian machine with Python 3.11 and pip:
#   ./bootstrap.sh demo [ARGS]   set up, then run the demo (sandbox Desk, Redis, scheduler, workers, rules/)
#   ./bootstrap.sh test [ARGS]   set up, then ruff (lint and format check), mypy, and the test suite in
#                                DESKPILOT_TEST_WORKERS (default 2) pytest-xdist processes, one test file each
# Set-up is idempotent: a virtualenv in .venv with the project installed, and redis-server from Debian's
# packages when it is missing (for `test`, also chromium and chromium-driver).
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-python3}

ensure_venv() {
    if [ ! -x .venv/bin/python ]; then
        if ! "$PY" -m venv .venv 2>/dev/null; then
            rm -rf .venv
            echo "bootstrap: python3 -m venv is unavailable; using virtualenv from PyPI" >&2
            "$PY" -m pip install --quiet --user virtualenv
            "$PY" -m virtualenv --quiet .venv
        fi
    fi
    stamp=.venv/.deskpilot-installed
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e '.[test]'
        touch "$stamp"
    fi
}

ensure_redis() {
    command -v redis-server >/dev/null 2>&1 && return 0
    echo "bootstrap: redis-server is missing; installing Debian's redis-server package" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
}

# The console's browser tests drive Debian's chromium through its chromedriver (tests/e2e/test_console_browser.py).
ensure_chromium() {
    command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && return 0
    echo "bootstrap: chromium or chromedriver is missing; installing Debian's chromium and chromium-driver" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
}

# Lint, format and type checks (configured in pyproject.toml), before the tests; each stops the run with its own
# output and a line saying which check failed and how to fix what it can.
run_checks() {
    .venv/bin/ruff check --quiet . \
        || { echo "bootstrap: ruff check failed (.venv/bin/ruff check --fix . fixes some)" >&2; exit 1; }
    .venv/bin/ruff format --check --quiet . \
        || { echo "bootstrap: ruff format --check failed (.venv/bin/ruff format . fixes it)" >&2; exit 1; }
    .venv/bin/mypy \
        || { echo "bootstrap: mypy failed" >&2; exit 1; }
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    demo) ensure_venv; ensure_redis; exec .venv/bin/deskpilot demo "$@" ;;
    test) ensure_venv; ensure_redis; ensure_chromium; run_checks
          exec .venv/bin/python -m pytest -n "${DESKPILOT_TEST_WORKERS:-2}" --dist loadfile "$@" ;;
    *) echo "usage: ./bootstrap.sh demo|test [ARGS]" >&2; exit 2 ;;
esac
