"""Without the [dask] extra: the core imports, sklearn_sigmoid.dask names the fix."""

import subprocess
import sys

CODE = """
import sys
for name in ("dask", "distributed", "dask_ml"):
    sys.modules[name] = None  # as if not installed
import sklearn_sigmoid
from sklearn_sigmoid import GDLogisticRegression
GDLogisticRegression().fit([[0.0], [1.0]], [0, 1])
try:
    import sklearn_sigmoid.dask
except ImportError as exc:
    print("ImportError:", exc)
"""


def test_core_works_and_dask_module_names_the_extra():
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
    ).stdout
    assert "ImportError: sklearn_sigmoid.dask needs Dask" in out
    assert "pip install 'sklearn-sigmoid[dask]'" in out


def test_core_import_does_not_load_dask():
    code = (
        "import sys, sklearn_sigmoid; print(any(m.split('.')[0] in "
        "('dask', 'distributed') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
