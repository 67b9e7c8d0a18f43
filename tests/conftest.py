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
DASK_EXTRA_MISSING = "the [dask] extra is not installed: pip install sklearn-sigmoid[dask]"


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
