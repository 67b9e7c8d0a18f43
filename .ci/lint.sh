#!/usr/bin/env bash
# Lint leg: ruff's checks and its formatter, configured in pyproject.toml
# ([tool.ruff]: scikit-learn's rule set).  ruff is installed in its own venv.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh
venv="${CI_VENVS:-.ci-venvs}/lint"
new_venv "$venv" python3
# Pinned: a new ruff release may format differently or change a rule.
"$venv/bin/pip" install -q "ruff==0.17.6"
"$venv/bin/ruff" --version
status=0
"$venv/bin/ruff" check --output-format concise . || status=1
"$venv/bin/ruff" format --check --output-format concise . || status=1
exit $status
