"""Data-parallel gradient descent on a real local Dask cluster (the [dask] extra)."""

import os
import signal
import threading
import time

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from conftest import DASK_EXTRA_MISSING
from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor

da = pytest.importorskip("dask.array", reason=DASK_EXTRA_MISSING)
db = pytest.importorskip("dask.bag", reason=DASK_EXTRA_MISSING)
sk_dask = pytest.importorskip("sklearn_sigmoid.dask", reason=DASK_EXTRA_MISSING)
fit_distributed = sk_dask.fit_distributed


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=1200, n_features=20, n_informative=8, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def _same_fit(distributed_model, memory_model, atol=1e-6):
    assert distributed_model.n_iter_ == memory_model.n_iter_
    assert_allclose(distributed_model.coef_, memory_model.coef_, rtol=0, atol=atol)
    assert_allclose(
        distributed_model.intercept_, memory_model.intercept_, rtol=0, atol=atol
    )
    assert_allclose(distributed_model.loss_curve_, memory_model.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize(
    "estimator",
    [
        GDLogisticRegression(),  # spectral steps, softmax
        GDLogisticRegression(loss="mse", alpha=1e-3),
        GDLogisticRegression(learning_rate=0.5, momentum=0.5, max_iter=60),
        GDLogisticRegression(learning_rate="auto", momentum=0.9, max_iter=40),
        GDLogisticRegression(class_weight="balanced", fit_intercept=False),
    ],
    ids=["auto", "mse", "fixed-momentum", "auto-momentum", "balanced-no-intercept"],
)
def test_equals_in_memory_fit_on_dask_arrays(dask_client, data, estimator):
    X, y = data
    memory = clone(estimator).fit(X, y)
    dX = da.from_array(X, chunks=(250, -1))  # 5 blocks, the last one short
    dy = da.from_array(y, chunks=250)
    model = fit_distributed(estimator, dX, dy, client=dask_client)
    assert type(model) is type(estimator) and model is not estimator
    assert not hasattr(estimator, "coef_")  # the given estimator is not touched
    _same_fit(model, memory)
    assert_allclose(model.predict_proba(X), memory.predict_proba(X), atol=1e-9)
    assert model.n_features_in_ == X.shape[1]
    assert_allclose(model.classes_, memory.classes_)


def test_binary_sparse_blocks_with_weights_and_float32(dask_client, data):
    X, y = data
    y = (y == 1).astype(int)
    X = sp.csr_matrix(np.where(np.abs(X) > 0.8, X, 0.0))
    sw = np.random.RandomState(0).randint(0, 4, size=len(y)).astype(float)
    sw[:300] = 0.0  # a whole block of zero weights is fine
    memory = GDLogisticRegression().fit(X, y, sample_weight=sw)
    # Sparse blocks made on the workers, as a user reading files would.
    blocks = [
        da.from_array(X[a : a + 300], chunks=(300, -1), asarray=False)
        for a in range(0, X.shape[0], 300)
    ]
    dX = da.concatenate(blocks)
    assert sp.issparse(dX.blocks[0].compute())
    model = fit_distributed(
        GDLogisticRegression(),
        dX,
        y,
        sample_weight=da.from_array(sw, chunks=400),
        client=dask_client,
    )
    _same_fit(model, memory)

    X32 = X.astype(np.float32)
    memory32 = GDLogisticRegression().fit(X32, y)
    model32 = fit_distributed(
        GDLogisticRegression(), X32, y, n_blocks=3, client=dask_client
    )
    assert model32.coef_.dtype == memory32.coef_.dtype == np.float32
    assert_allclose(model32.coef_, memory32.coef_, atol=1e-4)


def test_balanced_with_sample_weight_equals_in_memory(dask_client, data):
    # 'balanced' class weights come from the weighted class totals of the
    # whole data set, summed over the blocks, as in memory.
    X, y = data
    sw = np.where(y == 0, 4.0, 1.0)
    sw[::5] = 0.0
    estimator = GDLogisticRegression(class_weight="balanced")
    memory = clone(estimator).fit(X, y, sample_weight=sw)
    model = fit_distributed(
        estimator, X, y, sample_weight=sw, n_blocks=4, client=dask_client
    )
    _same_fit(model, memory)


def test_regressor_two_outputs_and_a_bag_of_blocks(dask_client):
    rng = np.random.RandomState(0)
    X = rng.randn(900, 6)
    Y = np.column_stack(
        [
            1 / (1 + np.exp(-(X @ rng.randn(6)))),
            5 + 3 / (1 + np.exp(-(X @ rng.randn(6)))),  # target_range learnt: (5, 8)
        ]
    )
    for loss in ("mse", "cross_entropy"):
        memory = SigmoidNeuronRegressor(loss=loss).fit(X, Y)
        pairs = [(X[a : a + 100], Y[a : a + 100]) for a in range(0, 900, 100)]
        bag = db.from_sequence(pairs, npartitions=4)
        model = fit_distributed(
            SigmoidNeuronRegressor(loss=loss), bag, client=dask_client
        )
        _same_fit(model, memory)
        assert_allclose(model.target_range_, memory.target_range_)
        assert_allclose(model.predict(X), memory.predict(X), atol=1e-9)


def test_matches_scikit_learn_optimum(dask_client, data):
    # The distributed fit reaches the optimum of the same objective as lbfgs.
    X, y = data
    y = (y == 0).astype(int)
    n = len(y)
    model = fit_distributed(
        GDLogisticRegression(alpha=1.0 / n, tol=1e-10, max_iter=5000),
        da.from_array(X, chunks=(400, -1)),
        da.from_array(y, chunks=400),
        client=dask_client,
    )
    ref = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(X, y)
    assert_allclose(model.coef_, ref.coef_, atol=1e-4)
    assert_allclose(model.intercept_, ref.intercept_, atol=1e-4)


def test_clear_errors(dask_client, data):
    X, y = data
    dX = da.from_array(X, chunks=(300, -1))
    with pytest.raises(ValueError, match="batch_size must be None"):
        fit_distributed(GDLogisticRegression(batch_size=10), dX, y, client=dask_client)
    with pytest.raises(ValueError, match="early_stopping"):
        fit_distributed(
            GDLogisticRegression(early_stopping=True), dX, y, client=dask_client
        )
    with pytest.raises(TypeError, match="GDLogisticRegression or SigmoidNeuron"):
        fit_distributed(LogisticRegression(), dX, y, client=dask_client)
    with pytest.raises(ValueError, match="learning_rate"):  # parameter validation
        fit_distributed(
            GDLogisticRegression(learning_rate=-1.0), dX, y, client=dask_client
        )
    with pytest.raises(ValueError, match="rows but X has"):
        fit_distributed(GDLogisticRegression(), X, y[:-1], client=dask_client)
    # Block validation runs on the workers and reaches the caller as is.
    bad = X.copy()
    bad[1000, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fit_distributed(
            GDLogisticRegression(),
            da.from_array(bad, chunks=(300, -1)),
            y,
            client=dask_client,
        )
    with pytest.raises(ValueError, match=r"Unknown label type|continuous"):
        fit_distributed(GDLogisticRegression(), dX, y + 0.5, client=dask_client)
    bag = db.from_sequence([(X[:10], y[:10]), (X[10:20, :5], y[10:20])], npartitions=2)
    with pytest.raises(ValueError, match="different numbers of features"):
        fit_distributed(GDLogisticRegression(), bag, client=dask_client)
    with pytest.raises(ValueError, match="pass y=None"):
        fit_distributed(GDLogisticRegression(), bag, y, client=dask_client)
    with pytest.raises(ValueError, match="positive weight"):
        fit_distributed(
            GDLogisticRegression(),
            dX,
            y,
            sample_weight=np.zeros(len(y)),
            client=dask_client,
        )


@pytest.mark.slow
def test_killed_worker_is_recovered_or_reported(dask_client, data):
    """Kill a worker mid-fit: Dask recomputes its blocks, or the fit fails loudly."""
    from distributed.scheduler import KilledWorker

    X, y = data
    estimator = GDLogisticRegression(learning_rate=0.05, max_iter=400, tol=None)
    memory = clone(estimator).fit(X, y)
    dX = da.from_array(X, chunks=(200, -1))
    dy = da.from_array(y, chunks=200)
    pids = dask_client.run(os.getpid)
    killed_at = []

    def kill_one_worker():
        time.sleep(1.0)  # well into the fit (400 epochs take several seconds)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        killed_at.append(time.monotonic())

    killer = threading.Thread(target=kill_one_worker)
    killer.start()
    try:
        model = fit_distributed(estimator, dX, dy, client=dask_client)
    except KilledWorker:
        outcome = "reported"
        ended_at = time.monotonic()
    else:
        outcome = "recovered"
        ended_at = time.monotonic()
        # Recomputed blocks give the same numbers: the very same model.
        _same_fit(model, memory)
    finally:
        killer.join()
        # The nanny restarts the worker; leave the cluster as it was found.
        dask_client.wait_for_workers(2, timeout=60)
    assert killed_at and killed_at[0] < ended_at, "the kill came after the fit"
    assert outcome in ("recovered", "reported")


@pytest.mark.slow
def test_persisted_array_with_many_features(dask_client):
    # Blocks already held by the workers (persist), and parameters large
    # enough (9000 features) to be scattered rather than sent with each task.
    X = sp.random(600, 9000, density=0.01, format="csr", random_state=1)
    totals = np.asarray(X.sum(axis=1)).ravel()
    y = (totals > np.median(totals)).astype(int)
    memory = GDLogisticRegression(momentum=0.5).fit(X, y)
    dX = da.from_array(X, chunks=(200, -1), asarray=False).persist()
    dy = da.from_array(y, chunks=200).persist()
    model = fit_distributed(
        GDLogisticRegression(momentum=0.5), dX, dy, client=dask_client
    )
    _same_fit(model, memory)


def _cluster_state(client):
    """The scheduler's task keys, and the keys and bytes the workers hold."""
    tasks = client.run_on_scheduler(
        lambda dask_scheduler: {str(k) for k in dask_scheduler.tasks}
    )
    held = client.run(lambda dask_worker: {str(k) for k in dask_worker.data})
    nbytes = sum(client.nbytes(summary=False).values())
    return tasks, set().union(*held.values()), nbytes


def _wait_for_cluster(client, baseline, timeout=10.0):
    """The cluster state, once it is back to ``baseline`` (or at ``timeout``).

    Releases travel asynchronously (client, scheduler, workers); an
    unreleased future never goes, and then the state at the deadline is
    returned for the caller's assertions to show.
    """
    deadline = time.monotonic() + timeout
    while True:
        state = _cluster_state(client)
        if (state[0] <= baseline[0] and state[1] <= baseline[1]) or (
            time.monotonic() > deadline
        ):
            return state
        time.sleep(0.05)


def test_failed_fits_release_their_blocks(dask_client, data):
    """A failing fit leaves nothing on the cluster, even if its exception is kept.

    The exceptions (and so the fit's frames, with their futures) are kept
    alive, as an interactive session keeps the last one; the user's own
    persisted blocks must survive the clean-up.
    """
    import distributed

    from sklearn_sigmoid import DivergenceError

    X, y = data
    dX = da.from_array(X, chunks=(600, -1)).persist()
    dy = da.from_array(y, chunks=600).persist()
    bad = X.copy()
    bad[1000, 3] = np.nan
    dbad = da.from_array(bad, chunks=(600, -1)).persist()
    distributed.wait([dX, dy, dbad])
    baseline = _cluster_state(dask_client)
    kept = []
    for _ in range(3):
        # Fails in the client, mid-descent, with every block's parts made.
        with pytest.raises(DivergenceError) as excinfo:
            fit_distributed(
                GDLogisticRegression(learning_rate=1e6, max_iter=50),
                dX,
                dy,
                client=dask_client,
            )
        kept.append(excinfo)
        # Fails on a worker, while the other blocks are being validated.
        with pytest.raises(ValueError, match="NaN") as excinfo:
            fit_distributed(GDLogisticRegression(), dbad, dy, client=dask_client)
        kept.append(excinfo)
        tasks, held, nbytes = _wait_for_cluster(dask_client, baseline)
        assert tasks - baseline[0] == set()
        assert held - baseline[1] == set()
        assert nbytes <= baseline[2]
    assert all(e.value.__traceback__ is not None for e in kept)
    # The user's persisted arrays are intact.
    assert_allclose(dX.compute(), X)
    model = fit_distributed(
        GDLogisticRegression(max_iter=5, tol=None), dX, dy, client=dask_client
    )
    assert model.n_iter_ == 5


def test_blas_setting_travels_with_the_tasks(dask_client, data, monkeypatch):
    """The workers' passes run under the client's ``blas_threads`` setting."""
    from sklearn_sigmoid import config_context

    X, y = data
    dX = da.from_array(X, chunks=(600, -1))
    sent = []
    real_map = sk_dask._TrackingClient.map

    def recording_map(self, func, *iterables, **kwargs):
        if func.__name__.startswith("_part_"):  # the descent's tasks
            sent.append((func.__name__, kwargs.get("blas_threads", "not sent")))
        return real_map(self, func, *iterables, **kwargs)

    monkeypatch.setattr(sk_dask._TrackingClient, "map", recording_map)
    for setting, expected in ((None, 1), ("keep", "keep"), (3, 3)):
        sent.clear()
        with config_context(blas_threads=setting):
            fit_distributed(
                GDLogisticRegression(max_iter=3, tol=None), dX, y, client=dask_client
            )
        assert {value for _, value in sent} == {expected}, setting
        assert any(name == "_part_value_grad_at" for name, _ in sent)


def test_distributed_objective_writes_into_out(dask_client, data):
    # The gradient goes where the optimiser asks (it used to be returned as
    # a new array whatever out= said), with the values of the in-memory one.
    from sklearn_sigmoid._objective import Objective

    X, y = data
    model = GDLogisticRegression()
    model._validate_params()
    prepared = model._prepare_fit(
        sk_dask._BlockData(dask_client, sk_dask._blocks(dask_client, X, y, None, 2))
    )
    objective = prepared.objective
    assert isinstance(objective, sk_dask.DistributedObjective)
    assert isinstance(objective, Objective)
    W = np.full_like(prepared.W, 0.01)
    out = np.full_like(W, np.nan)
    _, grad = objective.value_grad(W, out=out)
    assert grad is out
    memory = GDLogisticRegression().fit(X, y)._training_objective(X, y)[0]
    assert_allclose(grad, memory.value_grad(W)[1], rtol=1e-10, atol=1e-14)
    assert_allclose(objective.lipschitz(), memory.lipschitz(), rtol=1e-10)
