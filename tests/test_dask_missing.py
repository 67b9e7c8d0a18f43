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


def test_dask_ml_skip_reasons_follow_the_installed_versions(monkeypatch):
    # The dask-ml tests skip, saying why, without the [dask-ml] extra and,
    # for the incremental searches, with dask/distributed >= 2025.3.
    import importlib.metadata

    import conftest

    installed = {"dask": "2025.2.0", "distributed": "2025.2.0", "dask-ml": "2025.1.0"}

    def version(name):
        if name not in installed:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(importlib.metadata, "version", version)
    assert conftest._dask_ml_extra_missing() is None
    assert conftest._dask_ml_searches_unavailable() is None

    installed["distributed"] = "2026.8.0"
    reason = conftest._dask_ml_searches_unavailable()
    assert "distributed 2026.8.0" in reason and "dask 2025" not in reason
    assert "dask/dask-ml#1016" in reason and "sklearn-sigmoid[dask-ml]" in reason
    assert conftest._dask_ml_extra_missing() is None  # the wrapper still runs

    del installed["dask-ml"]
    for reason in (
        conftest._dask_ml_extra_missing(),
        conftest._dask_ml_searches_unavailable(),
    ):
        assert reason.startswith("dask-ml is not installed")
