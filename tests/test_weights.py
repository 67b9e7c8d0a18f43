"""Sample and class weights mean what they say, in every mode.

scikit-learn's invariant: a sample weight of ``k`` is the same as repeating
the row ``k`` times.  Full-batch descent minimises the same objective on both
and follows the same path; mini-batch descent follows a random path, along
which a weighted row must pull as its repeats do, in expectation.
"""

import inspect

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.utils.class_weight import compute_class_weight

from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor
from sklearn_sigmoid._classifier import balanced_class_weight
from sklearn_sigmoid._loss import get_loss
from sklearn_sigmoid._objective import LinearObjective

ESTIMATOR_LOSSES = [
    (GDLogisticRegression, "cross_entropy"),
    (GDLogisticRegression, "mse"),
    (SigmoidNeuronRegressor, "cross_entropy"),
    (SigmoidNeuronRegressor, "mse"),
]


def _problem(Estimator, n=30, n_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 4)
    y = np.arange(n) % n_classes
    rng.shuffle(y)
    if Estimator is SigmoidNeuronRegressor:
        y = 1 / (1 + np.exp(-(X[:, 0] - X[:, 1]))) * 0.8 + 0.1
    sw = rng.randint(0, 4, size=n)
    sw[:n_classes] = 1 + np.arange(n_classes)  # every class keeps some weight
    return X, y, sw


def _params(model):
    return np.column_stack([np.atleast_2d(model.coef_), np.ravel(model.intercept_)])


# -- full batch: weighted = repeated, to 1e-6 ---------------------------------


_SETTINGS = {
    "auto": {},  # spectral steps, default stop
    "fixed-momentum": {
        "learning_rate": 0.3,
        "momentum": 0.5,
        "max_iter": 60,
        "tol": None,
    },
    "class-weight-dict": {"class_weight": {0: 2.0, 1: 0.5, 2: 1.0}},
    "balanced": {"class_weight": "balanced"},
}


@pytest.mark.parametrize(
    "Estimator, loss, settings",
    [
        pytest.param(
            Estimator, loss, settings, id=f"{Estimator.__name__}-{loss}-{name}"
        )
        for Estimator, loss in ESTIMATOR_LOSSES
        for name, settings in _SETTINGS.items()
        if Estimator is GDLogisticRegression or "class_weight" not in settings
    ],
)
def test_full_batch_weighted_equals_repeated(Estimator, loss, settings):
    X, y, sw = _problem(Estimator)
    for X_ in (X, sp.csr_matrix(np.where(X > 0.3, X, 0.0))):
        weighted = Estimator(loss=loss, **settings).fit(X_, y, sample_weight=sw)
        repeated = Estimator(loss=loss, **settings).fit(
            X_[np.repeat(np.arange(len(y)), sw)], y.repeat(sw)
        )
        assert_allclose(_params(weighted), _params(repeated), rtol=0, atol=1e-6)


def test_balanced_uses_the_weighted_class_totals():
    # The binary case, with weights that make the weighted class totals far
    # from the row counts: 'balanced' must follow the totals.
    X, y, _ = _problem(GDLogisticRegression, n=40, n_classes=2, seed=1)
    sw = np.where(y == 1, 5.0, 1.0)
    sw[::7] = 0.0
    balanced = GDLogisticRegression(class_weight="balanced", tol=1e-10)
    balanced.fit(X, y, sample_weight=sw)
    totals = np.bincount(y, weights=sw)
    by_hand = GDLogisticRegression(tol=1e-10).fit(
        X, y, sample_weight=sw * (totals.sum() / (2 * totals))[y]
    )
    assert_allclose(_params(balanced), _params(by_hand), rtol=0, atol=1e-6)
    repeated = GDLogisticRegression(class_weight="balanced", tol=1e-10).fit(
        X.repeat(sw.astype(int), axis=0), y.repeat(sw.astype(int))
    )
    assert_allclose(_params(balanced), _params(repeated), rtol=0, atol=1e-6)


def test_balanced_weights_match_scikit_learn():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 3, size=50)
    sw = rng.rand(50) * 3
    classes = np.unique(y)
    ours = balanced_class_weight(np.bincount(y, weights=sw))
    # Unit weights: the row counts, as in every scikit-learn version.
    assert_allclose(
        balanced_class_weight(np.bincount(y)),
        compute_class_weight("balanced", classes=classes, y=y),
        rtol=1e-12,
    )
    if "sample_weight" in inspect.signature(compute_class_weight).parameters:
        # scikit-learn >= 1.9 counts the weights itself.
        expected = compute_class_weight(
            "balanced", classes=classes, y=y, sample_weight=sw
        )
        assert_allclose(ours, expected, rtol=1e-12)
    # A class whose rows all weigh nothing gets a finite weight.
    assert_allclose(balanced_class_weight([2.0, 0.0, 2.0]), [2 / 3, 1.0, 2 / 3])


# -- mini-batch: a batch's gradient estimates the whole one -------------------


@pytest.mark.parametrize("Estimator, loss", ESTIMATOR_LOSSES)
def test_batch_gradients_average_to_the_weighted_gradient(Estimator, loss):
    # Over one epoch's batches, each weighted by its share of the rows, the
    # batch gradients add up to the full weighted gradient (so a batch drawn
    # at random estimates it without bias), penalty included.
    X, y, sw = _problem(Estimator, n=23)
    model = Estimator(loss=loss, max_iter=3, tol=None).fit(X, y, sample_weight=sw)
    objective, W = model._training_objective(X, y, sample_weight=sw)
    full = objective.value_grad(W)
    for batch_size in (1, 5):
        batches = np.array_split(
            np.random.RandomState(0).permutation(23), range(batch_size, 23, batch_size)
        )
        value, grad = 0.0, 0.0
        for rows in batches:
            v, g = objective.subset(rows).value_grad(W)
            value, grad = value + len(rows) / 23 * v, grad + len(rows) / 23 * g
        assert_allclose(value, full[0], rtol=1e-12)
        assert_allclose(grad, full[1], rtol=1e-10, atol=1e-14)


def test_mini_batch_lipschitz_bound_covers_heavy_rows():
    # A row with ten times the mean weight has ten times the curvature in
    # its batch: the 'auto' mini-batch step must allow for it.
    rng = np.random.RandomState(0)
    X = rng.randn(20, 3)
    Y = (rng.rand(20, 1) > 0.5).astype(float)
    sw = np.ones(20)
    sw[4] = 30.0
    objective = LinearObjective(get_loss("mse", "sigmoid"), X, Y, sw, 1e-3, True)
    bound = objective.max_sample_lipschitz()
    for i in range(20):
        row = objective.subset([i])
        # One row's curvature bound is rank one: its exact top eigenvalue.
        exact = row.loss.curvature * row.weights[0] * (X[i] @ X[i] + 1) + 1e-3
        assert exact <= bound * (1 + 1e-12)
    heavy = objective.subset([4])
    assert bound == pytest.approx(
        heavy.loss.curvature * heavy.weights[0] * (X[4] @ X[4] + 1) + 1e-3
    )


@pytest.mark.parametrize("Estimator, loss", ESTIMATOR_LOSSES)
def test_mini_batch_weighted_equals_repeated_over_seeds(Estimator, loss):
    # batch_size=1 from the weighted optimum, over seeds: the mean parameters
    # of the weighted fits equal those of the repeated-rows fits within four
    # standard errors of the seeds' spread, while unweighted fits drift off
    # to the (distant) unweighted optimum.  Both take the same number of
    # steps.  A weighted step equals a repeated one in expectation, so the
    # two differ only at second order in the step; the fits report their
    # Polyak averages, whose spread is first order (with shuffled epochs,
    # epoch ends are within second order of each other, and final iterates
    # would hide the spread the tolerance is derived from).
    rng = np.random.RandomState(0)
    n = 8
    X = rng.randn(n, 2)
    y = np.array([0, 1] * (n // 2))
    if Estimator is SigmoidNeuronRegressor:
        y = np.where(y == 1, 0.8, 0.2)
    sw = np.where(np.arange(n) % 2 == 1, 3, 1)
    Xr, yr = X.repeat(sw, axis=0), y.repeat(sw)
    start = Estimator(loss=loss, alpha=0.1, tol=1e-12, max_iter=5000)
    start.fit(X, y, sample_weight=sw)
    init = {"coef_init": start.coef_, "intercept_init": start.intercept_}

    def fits(X_, y_, weights, seeds=range(16), steps=96):
        out = []
        for seed in seeds:
            model = Estimator(
                loss=loss,
                alpha=0.1,
                batch_size=1,
                learning_rate=0.01,
                average=True,
                tol=None,
                max_iter=steps // len(y_),
                random_state=seed,
            )
            out.append(_params(model.fit(X_, y_, sample_weight=weights, **init)))
        return np.array(out)

    weighted, repeated = fits(X, y, sw), fits(Xr, yr, None)
    unweighted = fits(X, y, None)
    se = np.sqrt(
        weighted.var(axis=0, ddof=1) / len(weighted)
        + repeated.var(axis=0, ddof=1) / len(repeated)
    )
    gap = np.abs(weighted.mean(axis=0) - repeated.mean(axis=0))
    assert np.all(gap <= 4 * se), (gap, se)
    # Weights have an effect: without them the fits move off.
    drift = np.abs(unweighted.mean(axis=0) - repeated.mean(axis=0))
    assert drift.max() > 10 * 4 * se.max()


def test_batch_of_one_with_weights_differs_from_unweighted():
    X, y, _ = _problem(GDLogisticRegression, n=40, n_classes=2)
    sw = np.where(y == 1, 10.0, 1.0)
    settings = {
        "batch_size": 1,
        "learning_rate": 0.05,
        "max_iter": 20,
        "tol": None,
        "random_state": 0,
    }
    weighted = GDLogisticRegression(**settings).fit(X, y, sample_weight=sw)
    plain = GDLogisticRegression(**settings).fit(X, y)
    # The heavy class's rows pull harder: it is predicted more often.
    heavy_share = weighted.predict_proba(X)[:, 1].mean()
    assert heavy_share > plain.predict_proba(X)[:, 1].mean() + 0.1
    # Scaling every weight by one factor changes nothing (a weighted mean).
    scaled = GDLogisticRegression(**settings).fit(X, y, sample_weight=7 * sw)
    assert_allclose(_params(scaled), _params(weighted), rtol=1e-9, atol=1e-12)


# -- partial_fit: a chunk pulls by its weights --------------------------------


@pytest.mark.parametrize("Estimator, loss", ESTIMATOR_LOSSES)
def test_partial_fit_chunk_with_doubled_weights_pulls_twice_as_hard(Estimator, loss):
    # As in SGDClassifier, a chunk's weights count as they are, not relative
    # to the chunk's own total: one fixed step on a chunk whose weights are
    # doubled moves twice as far (no penalty, so the step is linear in them).
    X, y, sw = _problem(Estimator, n_classes=2)
    kwargs = {"classes": [0, 1]} if Estimator is GDLogisticRegression else {}
    moves = []
    for factor in (1.0, 2.0):
        model = Estimator(loss=loss, learning_rate=0.1, alpha=0.0)
        model.partial_fit(X[:15], y[:15], **kwargs)
        before = _params(model)
        model.partial_fit(X[15:], y[15:], sample_weight=factor * sw[15:])
        moves.append(_params(model) - before)
    assert_allclose(moves[1], 2 * moves[0], rtol=1e-10, atol=1e-14)


def test_partial_fit_mini_batches_pull_by_the_chunk_weights():
    # Mini-batches within a chunk: the steps follow one another, so doubled
    # weights double the move only to first order in the step.
    X, y, sw = _problem(GDLogisticRegression, n_classes=2)
    moves = []
    for factor in (1.0, 2.0):
        model = GDLogisticRegression(
            learning_rate=1e-3, batch_size=4, alpha=0.0, random_state=0, shuffle=False
        )
        model.partial_fit(X[:10], y[:10], classes=[0, 1])
        before = _params(model)
        model.partial_fit(X[10:], y[10:], sample_weight=factor * sw[10:])
        moves.append(_params(model) - before)
    assert_allclose(moves[1], 2 * moves[0], rtol=2e-2)


def test_partial_fit_unit_weights_are_the_chunk_mean():
    # Unit weights: one partial_fit is one lecture step on the chunk's mean
    # loss, whatever the chunk's length (unchanged by weights that count).
    X, y, _ = _problem(GDLogisticRegression, n_classes=2)
    streamed = GDLogisticRegression(learning_rate=0.2).partial_fit(X, y, classes=[0, 1])
    ones = GDLogisticRegression(learning_rate=0.2).partial_fit(
        X, y, classes=[0, 1], sample_weight=np.ones(len(y))
    )
    fitted = GDLogisticRegression(learning_rate=0.2, max_iter=1, tol=None).fit(X, y)
    assert_allclose(_params(streamed), _params(fitted), rtol=1e-12)
    assert_allclose(_params(ones), _params(fitted), rtol=1e-12)
