#!/usr/bin/env bash
# Newest leg: the highest supported Python, newest packages, the [dask] extra
# without dask-ml (so the newest dask, not the [dask-ml] pin).  The suite
# minus the slow tests (the main leg runs those).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh
venv="${CI_VENVS:-.ci-venvs}/newest"
python="$(find_python 3.13)"
new_venv "$venv" "$python"
"$venv/bin/pip" install -q -e ".[test,dask]"
show_versions "$venv"
"$venv/bin/python" -m pytest -p no:cacheprovider -m "not slow"
