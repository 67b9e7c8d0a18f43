#!/usr/bin/env bash
# Oldest leg: the lowest supported Python with every dependency (and the test
# extra) at the lowest release pyproject.toml allows; the suite minus the
# slow tests.  No Dask: dask 2025.1, the oldest allowed, needs numpy >= 1.24.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh
venv="${CI_VENVS:-.ci-venvs}/oldest"
python="$(find_python 3.10)"
new_venv "$venv" "$python"
constraints="$venv/oldest-constraints.txt"
python3 .ci/oldest_constraints.py test > "$constraints"
cat "$constraints"
"$venv/bin/pip" install -q --constraint "$constraints" -e ".[test]"
show_versions "$venv"
"$venv/bin/python" -m pytest -p no:cacheprovider -m "not slow"
