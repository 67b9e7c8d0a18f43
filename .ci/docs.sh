#!/usr/bin/env bash
# Docs leg: README's docs command, word for word (so the two cannot drift):
# .[docs] into .venv (Sphinx, numpydoc, sphinx-gallery, the theme, matplotlib,
# dask for the gallery's LocalCluster example) and a clean build with warnings
# as errors; then headless Chromium opens the built pages and checks what they
# show (.ci/docs_render_check.py: headings, images loaded, formulas typeset),
# not only that the files exist.  Around it:
#   - MathJax 3 from the npm registry, shipped with the pages
#     (SKLEARN_SIGMOID_DOCS_MATHJAX; the machine has no network for a CDN);
#   - Debian's chromium, installed with apt-get when missing.
# The gallery's movie-review example uses the corpus where SKLEARN_SIGMOID_DATA
# points (.ci/run sets it) and says it skipped otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

README_DOCS_COMMAND='python3 -m venv .venv && .venv/bin/pip install -q -e ".[docs]" && .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html'
grep -qxF "$README_DOCS_COMMAND" README.md \
  || { echo "README.md's docs command is no longer: $README_DOCS_COMMAND" >&2; exit 1; }

if ! command -v npm >/dev/null 2>&1; then
  echo "installing Debian's npm for MathJax"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi
mkdir -p "${CI_VENVS:-.ci-venvs}"
mathjax_root="$(cd "${CI_VENVS:-.ci-venvs}" && pwd)/docs-mathjax"
if [ ! -f "$mathjax_root/node_modules/mathjax/es5/tex-mml-chtml.js" ]; then
  mkdir -p "$mathjax_root"
  npm install --silent --no-audit --no-fund --prefix "$mathjax_root" "mathjax@3"
fi
export SKLEARN_SIGMOID_DOCS_MATHJAX="$mathjax_root/node_modules/mathjax/es5"

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium for the render check"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chromium --version

# A clean build: the gallery runs every example again.
rm -rf docs/_build docs/auto_examples docs/api/generated docs/performance/_generated
start=$SECONDS
bash -c "$README_DOCS_COMMAND"
echo "docs installed and built in $((SECONDS - start)) s"
show_versions .venv
.venv/bin/python -c "import sphinx, sphinx_gallery, numpydoc; print('sphinx', sphinx.__version__, '| sphinx-gallery', sphinx_gallery.__version__, '| numpydoc', numpydoc.__version__)"
python3 .ci/docs_render_check.py docs/_build/html --screenshots docs/_build/screenshots
