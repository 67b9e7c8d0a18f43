"""Lazy mini-batch SGD (sklearn_sigmoid/_sgd.py) against the eager update.

The lazy steps (L2 shrink as a scale, the running mean as ASGD's ``A + c v``)
and the compiled kernel must give the iterates of the eager dense update,
which MiniBatchStep keeps as its reference; the schedules must be
SGDClassifier's.
"""

import os

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier

from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor
from sklearn_sigmoid._objective import LinearObjective
from sklearn_sigmoid._sgd import StepSchedule, compiled_available, use_engine

LAZY = ["numpy", "compiled"]


def _data(n=60, d=8, seed=0, classes=2):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    X[rng.uniform(size=X.shape) < 0.5] = 0.0
    z = X @ rng.randn(d) + 0.3 * rng.randn(n)
    if classes == 2:
        y = (z > 0).astype(int)
    else:
        y = np.digitize(z, np.quantile(z, np.linspace(0, 1, classes + 1)[1:-1]))
    return X, y, rng.uniform(0.2, 3.0, n)


def _fit(engine, estimator, X, y, **fit_params):
    with use_engine(engine):
        return estimator.fit(X, y, **fit_params)


def _params(model):
    return np.hstack([np.ravel(model.coef_), np.ravel(model.intercept_)])


def _assert_same(lazy, eager, rtol=1e-10):
    scale = np.max(np.abs(_params(eager)))
    np.testing.assert_allclose(_params(lazy), _params(eager), rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(lazy.loss_curve_, eager.loss_curve_, rtol=rtol)


@pytest.mark.parametrize("engine", LAZY)
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"average": True},
        {"average": 100},  # from the middle of the second epoch
        {"fit_intercept": False, "average": True},
        # eta * alpha = 0.75: the scale is folded into v every few steps,
        # and the running mean's c into A.
        {"alpha": 0.05, "learning_rate": 15.0, "average": True},
        {"loss": "mse", "learning_rate": 2.0},
        {"schedule": "invscaling", "learning_rate": 2.0, "average": 30},
        {"class_weight": "balanced", "batch_size": 1},
    ],
    ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "defaults",
)
def test_lazy_steps_give_the_eager_iterates(engine, sparse, settings):
    X, y, sw = _data()
    if sparse:
        X = sp.csr_matrix(X)
    params = dict(batch_size=7, learning_rate=0.5, max_iter=8, tol=None)
    params.update(settings, random_state=0)
    eager = _fit("eager", GDLogisticRegression(**params), X, y, sample_weight=sw)
    lazy = _fit(engine, GDLogisticRegression(**params), X, y, sample_weight=sw)
    _assert_same(lazy, eager)


@pytest.mark.parametrize("engine", LAZY)
@pytest.mark.parametrize("sparse_format", [None, "csr", "csc"])
def test_lazy_steps_with_several_outputs(engine, sparse_format):
    # Softmax (3 classes) and a two-output regressor: the numpy path (the
    # compiled kernel covers one sigmoid output and falls back here).
    X, y, sw = _data(classes=3)
    if sparse_format:
        X = sp.csr_matrix(X).asformat(sparse_format)
    params = dict(batch_size=5, learning_rate=1.0, max_iter=5, tol=None, average=True)
    clf = [
        _fit(e, GDLogisticRegression(**params, random_state=0), X, y, sample_weight=sw)
        for e in ("eager", engine)
    ]
    _assert_same(clf[1], clf[0])
    Y = np.column_stack([y / 2.0, 1.0 - y / 2.0])
    reg = [
        _fit(e, SigmoidNeuronRegressor(**params, random_state=0), X, Y)
        for e in ("eager", engine)
    ]
    _assert_same(reg[1], reg[0])


@pytest.mark.parametrize("engine", LAZY)
def test_partial_fit_streams_give_the_eager_iterates(engine):
    # Chunks with their own weights and class weights, averaging from the
    # middle of the stream, invscaling's clock carried over the calls.
    X, y, sw = _data(n=90)
    X = sp.csr_matrix(X)
    models = {}
    for name in ("eager", engine):
        model = GDLogisticRegression(
            batch_size=4,
            learning_rate=1.0,
            average=45,
            schedule="invscaling",
            class_weight={0: 2.0, 1: 0.5},
            random_state=0,
        )
        with use_engine(name):
            for _ in range(2):
                for start in range(0, 90, 20):
                    rows = slice(start, start + 20)
                    model.partial_fit(
                        X[rows], y[rows], classes=[0, 1], sample_weight=sw[rows]
                    )
        models[name] = model
    eager, lazy = models["eager"], models[engine]
    _assert_same(lazy, eager)
    for key in ("iterate", "average"):
        np.testing.assert_allclose(
            getattr(lazy._optimizer_state, key),
            getattr(eager._optimizer_state, key),
            atol=1e-12,
        )
    assert lazy._optimizer_state.n_averaged == eager._optimizer_state.n_averaged
    assert lazy._optimizer_state.schedule["t"] == 1 + 2 * 90


@pytest.mark.parametrize("engine", LAZY)
def test_warm_start_goes_on_as_one_fit(engine):
    X, y, _ = _data()
    params = dict(batch_size=6, learning_rate=0.5, tol=None, average=True)
    one = _fit(engine, GDLogisticRegression(max_iter=6, random_state=0, **params), X, y)
    two = GDLogisticRegression(max_iter=3, warm_start=True, random_state=0, **params)
    _fit(engine, two, X, y)
    _fit(engine, two, X, y)
    np.testing.assert_allclose(_params(two), _params(one), atol=1e-12)


def test_lazy_float32_stays_float32_and_close():
    X, y, _ = _data()
    X32 = sp.csr_matrix(X.astype(np.float32))
    params = dict(batch_size=7, learning_rate=0.5, max_iter=5, tol=None)
    eager = _fit("eager", GDLogisticRegression(**params, random_state=0), X32, y)
    lazy = _fit(None, GDLogisticRegression(**params, random_state=0), X32, y)
    assert lazy.coef_.dtype == np.float32
    np.testing.assert_allclose(_params(lazy), _params(eager), rtol=0, atol=1e-5)


@pytest.mark.skipif(not compiled_available(), reason="the kernel is not built")
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_compiled_and_numpy_paths_give_the_same_numbers(sparse, loss):
    X, y, sw = _data(n=80, d=12, seed=3)
    if sparse:
        X = sp.csr_matrix(X)
    params = dict(
        loss=loss,
        batch_size=3,
        learning_rate=3.0,
        alpha=0.01,
        max_iter=10,
        tol=None,
        average=50,
        random_state=0,
    )
    fits = [
        _fit(e, GDLogisticRegression(**params), X, y, sample_weight=sw)
        for e in ("numpy", "compiled")
    ]
    _assert_same(fits[1], fits[0])


def test_the_kernel_is_built_in_ci():
    # CI installs from the sources (editable, and a wheel from the sdist):
    # a build that silently fell back to the numpy path fails here.
    if not os.environ.get("CI"):
        pytest.skip("checked in CI only (CI=true)")
    assert compiled_available()


@pytest.mark.parametrize("engine", ["eager", *LAZY])
def test_constant_schedule_is_the_mini_batch_rule(engine):
    # Today's rule, written out: each batch's subset objective, one step of
    # learning_rate against its gradient.
    X, y, sw = _data()
    model = _fit(
        engine,
        GDLogisticRegression(
            batch_size=8, learning_rate=0.7, max_iter=3, tol=None, shuffle=False
        ),
        X,
        y,
        sample_weight=sw,
    )
    from sklearn_sigmoid._loss import get_loss

    objective = LinearObjective(
        get_loss("cross_entropy", "sigmoid"),
        X,
        y[:, None].astype(float),
        sw,
        1e-4,
        True,
    )
    W = np.zeros((1, X.shape[1] + 1))
    # The start: the loss's intercept-only optimum, the log-odds of the
    # weighted mean target.
    W[0, -1] = get_loss("cross_entropy", "sigmoid").intercept_only(
        np.average(y, weights=sw)
    )
    for _ in range(3):
        for start in range(0, len(y), 8):
            _, grad = objective.subset(np.arange(start, min(start + 8, 60))).value_grad(
                W
            )
            W = W - 0.7 * grad
    np.testing.assert_allclose(_params(model), W.ravel(), rtol=0, atol=1e-12)


def test_schedule_steps():
    schedule = StepSchedule("invscaling", 2.0)
    assert schedule.eta() == 2.0
    schedule.t = 1 + 99
    assert schedule.eta() == pytest.approx(2.0 / 10.0)
    adaptive = StepSchedule("adaptive", 1.0)
    assert adaptive.reduce() and adaptive.eta() == pytest.approx(0.2)
    adaptive.reductions = 9  # 1 / 5**9 = 5e-7, below SGDClassifier's floor
    assert not adaptive.reduce()
    with pytest.raises(ValueError, match="batch_size"):
        GDLogisticRegression(schedule="invscaling").fit(*_data()[:2])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("engine", ["eager", *LAZY])
@pytest.mark.parametrize("schedule", ["invscaling", "adaptive", "constant"])
@pytest.mark.parametrize("average", [False, True])
def test_schedules_are_sgdclassifiers(engine, schedule, average):
    # batch_size=1, no penalty, no intercept, rows in order: our rule is
    # SGDClassifier's per-sample update, and each schedule must give its
    # iterates (and the adaptive reductions, its number of epochs).
    rng = np.random.RandomState(1)
    X = rng.randn(40, 5) * 0.5
    y = (X @ rng.randn(5) + 0.5 * rng.randn(40) > 0).astype(int)
    common = dict(max_iter=30, tol=1e-3, n_iter_no_change=2, shuffle=False)
    sgd = SGDClassifier(
        loss="log_loss",
        learning_rate=schedule,
        eta0=0.3,
        power_t=0.5,
        alpha=0.0,
        fit_intercept=False,
        average=average,
        **common,
    ).fit(X, y)
    ours = _fit(
        engine,
        GDLogisticRegression(
            batch_size=1,
            learning_rate=0.3,
            schedule=schedule,
            alpha=0.0,
            fit_intercept=False,
            average=average,
            **common,
        ),
        X,
        y,
    )
    assert ours.n_iter_ == sgd.n_iter_
    np.testing.assert_allclose(ours.coef_, sgd.coef_, rtol=1e-9)


@pytest.mark.parametrize("engine", ["eager", *LAZY])
def test_adaptive_reductions_carry_over_partial_fit(engine):
    # A stream of the same chunk: once the chunk's objective stops improving
    # for n_iter_no_change calls, the step is divided by 5, and the counts
    # live on between calls.
    X, y, _ = _data()
    model = GDLogisticRegression(
        batch_size=10,
        learning_rate=5.0,
        schedule="adaptive",
        n_iter_no_change=2,
        tol=1e-2,
        random_state=0,
    )
    with use_engine(engine):
        for _ in range(30):
            model.partial_fit(X, y, classes=[0, 1])
    state = model._optimizer_state.schedule
    assert state["reductions"] >= 1
    # With tol=None there is no rule, hence no reduction (as SGDClassifier).
    still = GDLogisticRegression(
        batch_size=10, learning_rate=5.0, schedule="adaptive", tol=None
    )
    with use_engine(engine):
        for _ in range(30):
            still.partial_fit(X, y, classes=[0, 1])
    assert still._optimizer_state.schedule["reductions"] == 0


def test_a_short_partial_fit_chunk_takes_mini_batch_steps():
    # A chunk with fewer rows than batch_size is one mini-batch of the
    # stream, with its step and its generator, not a line search on its few
    # rows (whose first step, lengthened while the tiny objective falls, threw
    # the model far off).
    X, y = make_classification(n_samples=420, n_features=10, random_state=0)
    clf = GDLogisticRegression(batch_size=32, random_state=0)
    moves = []
    for start, stop in ((0, 100), (100, 200), (200, 300), (300, 310), (310, 410)):
        before = np.append(clf.coef_, clf.intercept_) if start else None
        clf.partial_fit(X[start:stop], y[start:stop], classes=[0, 1])
        assert clf._optimizer_state.rng is not None, (start, stop)
        if before is not None:
            moves.append(np.linalg.norm(np.append(clf.coef_, clf.intercept_) - before))
    # The 10-row chunk moves the parameters less than a 100-row one.
    assert moves[2] < max(moves[0], moves[1], moves[3])


def test_fit_distributed_refuses_a_schedule_with_its_own_reason():
    with pytest.raises(
        ValueError, match=r"fit_distributed.*schedule must be 'constant'"
    ):
        GDLogisticRegression(schedule="invscaling")._more_validate_params(
            distributed=True
        )
