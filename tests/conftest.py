"""Test configuration shared by the whole suite."""

import os
from pathlib import Path

import pytest

# scikit-learn's check that array-API dispatch with NumPy inputs changes no
# result runs only when SciPy's array-API mode is on; it must be set before
# SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")


def _real_data_dir():
    """``$SKLEARN_SIGMOID_DATA``, else ``../shared/data`` beside the project."""
    env = os.environ.get("SKLEARN_SIGMOID_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


#: Where the real corpora are, resolved once at start-up (before any test
#: fixture changes the environment).
REAL_DATA = _real_data_dir()


@pytest.fixture
def float32_arithmetic(monkeypatch):
    """Fit float32 data in float32 whatever its size (small dense float32
    data is otherwise fitted in float64, see ``_base._FLOAT64_COPY_BYTES``):
    for the tests of the float32 arithmetic's own safeguards."""
    monkeypatch.setattr("sklearn_sigmoid._base._FLOAT64_COPY_BYTES", 0)


@pytest.fixture(scope="session")
def benchmark_script():
    """``load(name)``: the module of ``benchmarks/<name>.py``, imported from
    its path (the scripts are not a package, and import ``_common`` by name,
    so their folder is on ``sys.path`` while one is loaded)."""
    import importlib.util
    import sys

    folder = Path(__file__).resolve().parents[1] / "benchmarks"

    def load(name):
        sys.path.insert(0, str(folder))
        try:
            spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(folder))
        return module

    return load


@pytest.fixture(scope="session")
def real_movie_reviews():
    """The 2000 polarity reviews as ``(docs, target)``, or skip if absent."""
    from sklearn_sigmoid.datasets import load_movie_reviews

    if not (REAL_DATA / "movie_reviews" / "pos").is_dir():
        pytest.skip(
            f"movie review corpus not found under {REAL_DATA} (set "
            "SKLEARN_SIGMOID_DATA to the folder holding movie_reviews/)"
        )
    docs, target = load_movie_reviews(data_home=REAL_DATA, return_X_y=True)
    return docs, target


#: Why the distributed tests skip when dask is missing.
DASK_EXTRA_MISSING = (
    "the [dask] extra is not installed: pip install sklearn-sigmoid[dask]"
)

#: The first dask/distributed release whose Client breaks dask-ml's
#: incremental searches ("asynchronous Client in a synchronous context",
#: dask/dask-ml#1016); the [dask-ml] extra pins both below it.
DASK_ML_SEARCH_BREAKS_AT = "2025.3"


def _dask_ml_extra_missing():
    """Why dask-ml cannot run here (a skip reason), or None.

    Read from the installed distributions' metadata: nothing is imported at
    collection time.
    """
    from importlib.metadata import PackageNotFoundError, version

    for name in ("dask", "distributed", "dask-ml"):
        try:
            version(name)
        except PackageNotFoundError:
            return (
                f"{name} is not installed: the [dask-ml] extra is needed, "
                "pip install sklearn-sigmoid[dask-ml]"
            )
    return None


def _dask_ml_searches_unavailable():
    """Why dask-ml's incremental searches cannot run here, or None."""
    from importlib.metadata import version

    def year_month(release):  # dask's calendar versions: YYYY.M.patch
        return tuple(int(part) for part in release.split(".")[:2])

    missing = _dask_ml_extra_missing()
    if missing is not None:
        return missing
    too_new = [
        f"{name} {version(name)}"
        for name in ("dask", "distributed")
        if year_month(version(name)) >= year_month(DASK_ML_SEARCH_BREAKS_AT)
    ]
    if too_new:
        return (
            f"dask-ml's incremental searches fail with dask/distributed >= "
            f"{DASK_ML_SEARCH_BREAKS_AT} (dask/dask-ml#1016), installed here: "
            f"{', '.join(too_new)}; the [dask-ml] extra pins them: "
            "pip install sklearn-sigmoid[dask-ml]"
        )
    return None


#: Skip reasons for the dask-ml tests (None when they can run).
DASK_ML_MISSING = _dask_ml_extra_missing()
DASK_ML_SEARCHES_UNAVAILABLE = _dask_ml_searches_unavailable()


@pytest.fixture(scope="session")
def dask_client():
    """A ``distributed.Client`` on a 2-worker local cluster, shared by the session.

    Skips with the install hint when ``dask``/``distributed`` are missing (so
    a session without the ``[dask]`` extra still collects and passes).  dask
    is imported here only, never at collection time.  The workers are
    separate processes with one thread each; the nanny's default
    ``distributed.nanny.pre-spawn-environ`` already pins their BLAS/OpenMP
    pools to one thread.  The workers import only what the tasks need
    (scikit-learn and sklearn_sigmoid on the first task): tests must send
    them library objects, not callables defined in test modules (cloudpickle
    would make the workers import the test module, pytest and all).
    """
    pytest.importorskip("dask", reason=DASK_EXTRA_MISSING)
    distributed = pytest.importorskip("distributed", reason=DASK_EXTRA_MISSING)

    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        # Even without a dashboard the scheduler serves HTTP (health,
        # metrics), by default on port 8787: when that is taken (another
        # cluster, a parallel run) it warns "Port 8787 is already in use".
        # A free port on localhost avoids the warning and the clash.
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    try:
        client = distributed.Client(cluster, timeout="30s")
    except BaseException:
        cluster.close(timeout=30)
        raise
    try:
        yield client
    finally:
        # Each step on its own: a failing client close must not leave the
        # worker processes running.
        try:
            client.close(timeout=30)
        finally:
            cluster.close(timeout=30)
