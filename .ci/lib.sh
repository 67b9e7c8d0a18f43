# Helpers shared by the CI legs (sourced, not run).

# find_python X.Y: print the path of a Python X.Y interpreter (pyenv's, or
# pythonX.Y on PATH), or fail naming the version.
find_python() {
  local want="$1" cand root
  root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
  for cand in "$root"/versions/"$want".*/bin/python "$(command -v "python$want" || true)"; do
    [ -n "$cand" ] && [ -x "$cand" ] || continue
    if [ "$("$cand" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
      echo "$cand"
      return 0
    fi
  done
  echo "no Python $want found (pyenv install $want, or put python$want on PATH)" >&2
  return 1
}

# new_venv DIR PYTHON: a fresh virtual environment.
new_venv() {
  rm -rf "$1" && "$2" -m venv "$1"
}

# show_versions VENV: what the leg actually ran against.
show_versions() {
  "$1/bin/python" - <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
names = ["numpy", "scipy", "scikit-learn", "threadpoolctl", "pandas",
         "matplotlib", "pytest", "dask", "distributed", "dask-ml"]
found = []
for name in names:
    try:
        found.append(f"{name} {version(name)}")
    except PackageNotFoundError:
        found.append(f"{name} -")
print(f"Python {sys.version.split()[0]}: " + ", ".join(found))
PY
}
