#!/usr/bin/env bash
# Wheel leg: build the sdist and, from it, the platform wheel (python -m build); install
# the wheel (not the source tree) in a fresh venv on the lowest supported
# Python with the newest packages it resolves; run the sdist's own tests
# there (minus the slow ones), as conda-forge and Debian do, after removing the
# sdist's copy of the package so that only the installed wheel can be imported.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh
root="${CI_VENVS:-.ci-venvs}"
mkdir -p "$root"
root="$(cd "$root" && pwd)"
build_venv="$root/build"
# The wheel holds the compiled SGD kernel (a CPython-version-specific
# extension), so it is built by the Python it is installed on below.
new_venv "$build_venv" "$(find_python 3.10)"
"$build_venv/bin/pip" install -q build
rm -rf "$root/dist" "$root/sdist"
"$build_venv/bin/python" -m build -q --outdir "$root/dist" .
sdist=("$root"/dist/*.tar.gz)
wheel=("$root"/dist/*.whl)
# Licence in both, tests in the sdist, no broken images on the index page.
"$build_venv/bin/python" .ci/check_dists.py "$root/dist"

venv="$root/wheel"
new_venv "$venv" "$(find_python 3.10)"
"$venv/bin/pip" install -q "${wheel[0]}[test,dask]"
show_versions "$venv"

mkdir -p "$root/sdist"
tar -xzf "${sdist[0]}" -C "$root/sdist"
src=("$root"/sdist/*/)
rm -r "${src[0]}sklearn_sigmoid"
cd "${src[0]}"
# sklearn_sigmoid must come from the wheel; every test module must collect
# (test_movie_reviews.py too, though it runs in the main leg only).
"$venv/bin/python" -c "import sklearn_sigmoid, sys; f = sklearn_sigmoid.__file__; print('testing', f); sys.exit('site-packages' not in f)"
"$venv/bin/python" -m pytest -p no:cacheprovider -q --collect-only tests > /dev/null
"$venv/bin/python" -m pytest -p no:cacheprovider tests -m "not slow"
