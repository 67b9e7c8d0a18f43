"""Distributed hyper-parameter search recipes, run on a real local dask cluster.

All the tests share the session's ``dask_client`` fixture (one two-worker
``LocalCluster``, see ``conftest.py``) and skip with an install hint when
their extra is missing: the joblib-Dask search needs ``[dask]`` (any dask
release), the dask-ml ones ``[dask-ml]``, and dask-ml's incremental searches
also skip, saying why, with dask or distributed 2025.3 and newer
(dask/dask-ml#1016).

Only library objects (estimators, arrays, scipy distributions) are sent to the
workers: a callable defined in this module would make them import it.

dask-ml and divergence: a ``partial_fit`` that raises on a worker is not
caught by ``IncrementalSearchCV``/``HyperbandSearchCV`` -- the exception (here
:class:`~sklearn_sigmoid.DivergenceError`) is re-raised by ``fit`` and the
whole search fails.  Searches over a fixed ``learning_rate`` must therefore
keep the range below the divergence threshold (``learning_rate='auto'`` never
diverges); see ``test_incremental_search_fails_on_divergence``.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from scipy.stats import loguniform
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

from conftest import (
    DASK_EXTRA_MISSING,
    DASK_ML_MISSING,
    DASK_ML_SEARCHES_UNAVAILABLE,
)
from sklearn_sigmoid import (
    DivergenceError,
    GDLogisticRegression,
    SigmoidNeuronRegressor,
)

CHUNK = 500  # rows per dask block: one partial_fit call per block


needs_dask_ml = pytest.mark.skipif(
    DASK_ML_MISSING is not None, reason=str(DASK_ML_MISSING)
)
needs_dask_ml_searches = pytest.mark.skipif(
    DASK_ML_SEARCHES_UNAVAILABLE is not None, reason=str(DASK_ML_SEARCHES_UNAVAILABLE)
)


@pytest.fixture(scope="module")
def breast_cancer_split():
    """Standardised breast-cancer data, split 2:1 (stratified)."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=1 / 3, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def classification_split():
    """3000 training rows (6 blocks of 500) and 1000 held-out rows."""
    X, y = make_classification(
        n_samples=4000, n_features=20, n_informative=6, random_state=0
    )
    return train_test_split(X, y, test_size=1000, random_state=0)


def _as_dask(X, y):
    da = pytest.importorskip("dask.array", reason=DASK_EXTRA_MISSING)
    return da.from_array(X, chunks=(CHUNK, -1)), da.from_array(y, chunks=CHUNK)


# -- a. GridSearchCV on the joblib dask backend --------------------------------


def test_grid_search_joblib_dask_backend(dask_client, breast_cancer_split):
    import joblib
    from distributed import get_task_stream

    X_train, X_test, y_train, y_test = breast_cancer_split
    # tol=None: exactly max_iter full-batch steps, so every fit is
    # deterministic (and no ConvergenceWarning).
    estimator = GDLogisticRegression(max_iter=100, tol=None)
    grid = {"learning_rate": [0.001, 0.01, 0.1, 1.0]}

    local = GridSearchCV(estimator, grid, cv=3).fit(X_train, y_train)
    search = GridSearchCV(estimator, grid, cv=3, n_jobs=-1)
    with get_task_stream(dask_client) as tasks:
        with joblib.parallel_config(backend="dask"):
            search.fit(X_train, y_train)

    # The 12 fits (+ refit here) ran on the cluster's workers; joblib batches
    # them (8-10 tasks seen).
    assert len(tasks.data) >= 2
    workers = {t["worker"] for t in tasks.data}
    assert workers <= set(dask_client.scheduler_info()["workers"])

    assert search.best_params_ == local.best_params_ == {"learning_rate": 1.0}
    for key in ("mean_test_score", "std_test_score"):
        assert_allclose(
            search.cv_results_[key], local.cv_results_[key], rtol=0, atol=1e-12
        )
    # Scores rise with the step over this range: 0.001 is clearly too small.
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.diff(scores) > 0)
    assert scores[-1] - scores[0] > 0.02

    best = search.best_estimator_
    assert isinstance(best, GDLogisticRegression)
    assert best.n_iter_ == 100
    assert_allclose(best.coef_, local.best_estimator_.coef_, rtol=0, atol=1e-12)
    assert best.score(X_test, y_test) > 0.95


# -- b. dask-ml incremental searches over learning_rate ------------------------


def _check_incremental_search(search, X_test, y_test):
    best = search.best_estimator_
    assert isinstance(best, GDLogisticRegression)
    assert_array_equal(best.classes_, [0, 1])
    assert np.all(np.isfinite(best.coef_))
    # Every partial_fit call dask-ml made on the best model is one epoch.
    calls = search.cv_results_["partial_fit_calls"][search.best_index_]
    assert best.n_iter_ == calls >= 1
    lr = search.best_params_["learning_rate"]
    assert 1e-3 <= lr <= 1e1
    assert search.best_score_ == pytest.approx(max(search.cv_results_["test_score"]))
    # Chance is 0.5; the best models reach about 0.84.
    assert best.score(X_test, y_test) > 0.8
    assert search.score(X_test, y_test) == best.score(X_test, y_test)


@needs_dask_ml_searches
def test_incremental_search_cv(dask_client, classification_split):
    from dask_ml import model_selection

    X_train, X_test, y_train, y_test = classification_split
    X, y = _as_dask(X_train, y_train)
    search = model_selection.IncrementalSearchCV(
        GDLogisticRegression(batch_size=50, random_state=0),
        # Below the divergence threshold of this data (about 50-100).
        {"learning_rate": loguniform(1e-3, 1e1)},
        n_initial_parameters=8,
        max_iter=12,
        decay_rate=None,
        random_state=0,
    )
    search.fit(X, y, classes=[0, 1])
    assert len(search.cv_results_["params"]) == 8
    _check_incremental_search(search, X_test, y_test)


@needs_dask_ml_searches
def test_hyperband_search_cv(dask_client, classification_split):
    from dask_ml import model_selection

    X_train, X_test, y_train, y_test = classification_split
    X, y = _as_dask(X_train, y_train)
    search = model_selection.HyperbandSearchCV(
        GDLogisticRegression(batch_size=50, random_state=0),
        {"learning_rate": loguniform(1e-3, 1e1)},
        max_iter=9,
        random_state=0,
    )
    search.fit(X, y, classes=[0, 1])
    # max_iter=9 gives three brackets of 9, 5 and 3 models.
    assert len(search.cv_results_["params"]) == 17
    assert max(search.cv_results_["partial_fit_calls"]) == 9
    _check_incremental_search(search, X_test, y_test)


@needs_dask_ml_searches
def test_incremental_search_fails_on_divergence(dask_client, classification_split):
    """dask-ml does not catch a failing partial_fit: the search re-raises it."""
    from dask_ml import model_selection

    X_train, _, y_train, _ = classification_split
    X, y = _as_dask(X_train, y_train)
    search = model_selection.IncrementalSearchCV(
        GDLogisticRegression(batch_size=50, random_state=0),
        # 1e3 blows the objective up on the first partial_fit (0.69 -> ~500).
        {"learning_rate": [0.1, 1e3]},
        n_initial_parameters="grid",
        max_iter=3,
        decay_rate=None,
        random_state=0,
    )
    with pytest.raises(DivergenceError, match=r"learning rate 1000.0 is too large"):
        search.fit(X, y, classes=[0, 1])
    assert not hasattr(search, "best_estimator_")


# -- c. dask_ml.wrappers.Incremental -------------------------------------------


@needs_dask_ml
def test_incremental_wrapper_classifier(dask_client, classification_split):
    from dask_ml.wrappers import Incremental

    X_train, X_test, y_train, y_test = classification_split
    X, y = _as_dask(X_train, y_train)
    estimator = GDLogisticRegression(batch_size=50, learning_rate=0.1, random_state=0)
    inc = Incremental(estimator, shuffle_blocks=False)
    inc.fit(X, y, classes=[0, 1])

    fitted = inc.estimator_
    assert isinstance(fitted, GDLogisticRegression)
    assert fitted.n_iter_ == X.numblocks[0] == 6  # one epoch per block
    # The same partial_fit calls, block by block, in this process.
    replay = GDLogisticRegression(batch_size=50, learning_rate=0.1, random_state=0)
    for start in range(0, len(X_train), CHUNK):
        rows = slice(start, start + CHUNK)
        replay.partial_fit(X_train[rows], y_train[rows], classes=[0, 1])
    assert_allclose(fitted.coef_, replay.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(fitted.intercept_, replay.intercept_, rtol=1e-10, atol=1e-12)

    assert inc.score(X_test, y_test) > 0.8
    # Prediction on a dask array runs block-wise on the workers.
    X_test_dask, _ = _as_dask(X_test, y_test)
    assert_array_equal(inc.predict(X_test_dask).compute(), fitted.predict(X_test))


@needs_dask_ml
def test_incremental_wrapper_regressor(dask_client):
    from dask_ml.wrappers import Incremental

    rng = np.random.default_rng(0)
    X_all = rng.standard_normal((4000, 10))
    w = rng.standard_normal(10)
    # Targets in [0, 1], so the range learnt from the first block is (0, 1).
    y_all = np.clip(
        expit(0.7 * X_all @ w + 0.3) + 0.05 * rng.standard_normal(4000), 0, 1
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X_all, y_all, test_size=1000, random_state=0
    )
    X, y = _as_dask(X_train, y_train)
    inc = Incremental(
        SigmoidNeuronRegressor(batch_size=50, learning_rate=3.0, random_state=0),
        random_state=0,
    )
    inc.fit(X, y)

    fitted = inc.estimator_
    assert isinstance(fitted, SigmoidNeuronRegressor)
    assert fitted.n_iter_ == 6
    assert_array_equal(fitted.target_range_, [[0.0, 1.0]])
    # R^2 on held-out data, about 0.97 after one pass over the blocks.
    assert inc.score(X_test, y_test) > 0.9
