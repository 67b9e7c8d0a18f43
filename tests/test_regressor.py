"""SigmoidNeuronRegressor: the lecture's neuron, target ranges and API."""

import math
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid import SigmoidNeuronRegressor

# The lecture's toy data: two points, one input.
TOY_X = np.array([[0.5], [2.5]])
TOY_Y = np.array([0.2, 0.9])


def _lecture_loop(X, Y, w, b, eta, epochs):
    """The lecture's gradient descent, written out as the lecture writes it."""

    def f(w, b, x):
        return 1.0 / (1.0 + math.exp(-(w * x + b)))

    def grad_w(w, b, x, y):
        fx = f(w, b, x)
        return (fx - y) * fx * (1 - fx) * x

    def grad_b(w, b, x, y):
        fx = f(w, b, x)
        return (fx - y) * fx * (1 - fx)

    def error(w, b):
        return sum(0.5 * (f(w, b, x) - y) ** 2 for x, y in zip(X, Y))

    losses = []
    for _ in range(epochs):
        dw, db = 0.0, 0.0
        for x, y in zip(X, Y):
            dw += grad_w(w, b, x, y)
            db += grad_b(w, b, x, y)
        w = w - eta * dw
        b = b - eta * db
        losses.append(error(w, b))
    return w, b, losses


def test_lecture_worked_example():
    # w = 0, b = -8, eta = 1.0, 1000 epochs of full-batch MSE descent.  The
    # lecture sums the per-point gradients; the package averages them, so the
    # same steps are taken with learning_rate = n_samples * eta.
    w, b, losses = _lecture_loop(TOY_X.ravel(), TOY_Y, 0.0, -8.0, 1.0, 1000)
    neuron = SigmoidNeuronRegressor(
        loss="mse", learning_rate=len(TOY_Y) * 1.0, alpha=0.0, max_iter=1000, tol=None
    )
    neuron.fit(TOY_X, TOY_Y, coef_init=[0.0], intercept_init=-8.0)
    assert neuron.n_iter_ == 1000
    assert neuron.coef_[0] == pytest.approx(w, rel=1e-9)
    assert neuron.intercept_[0] == pytest.approx(b, rel=1e-9)
    # Our curve is the mean loss; the lecture's is the sum.
    assert_allclose(np.array(neuron.loss_curve_) * len(TOY_Y), losses, rtol=1e-9)
    start = 0.5 * np.sum((1 / (1 + np.exp(8.0)) - TOY_Y) ** 2) / 2
    assert neuron.loss_curve_[-1] < 0.05 * start
    # The neuron's output is the prediction itself (targets in [0, 1]).
    assert_allclose(neuron.predict(TOY_X), 1 / (1 + np.exp(-(w * TOY_X.ravel() + b))))
    assert_allclose(neuron.target_range_, [[0.0, 1.0]])


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_recovers_weights_from_noiseless_sigmoid_data(loss):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 3))
    w_true, b_true = np.array([1.5, -2.0, 0.5]), 0.3
    y = 1 / (1 + np.exp(-(X @ w_true + b_true)))
    neuron = SigmoidNeuronRegressor(loss=loss, alpha=0.0, tol=1e-14, max_iter=5000)
    neuron.fit(X, y)
    assert_allclose(neuron.coef_, w_true, rtol=1e-4)
    assert neuron.intercept_[0] == pytest.approx(b_true, rel=1e-4)
    assert_allclose(neuron.predict(X), y, atol=1e-5)


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_auto_learning_rate_descends(loss):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(200, 4))
    y = 1 / (1 + np.exp(-(X @ [1.0, -1.0, 2.0, 0.0]))) + rng.normal(
        scale=0.05, size=200
    )
    curve = (
        SigmoidNeuronRegressor(loss=loss, max_iter=300)
        .fit(X, np.clip(y, 0, 1))
        .loss_curve_
    )
    assert len(curve) > 5
    # The squared error decreases at every epoch; the cross-entropy (certified
    # stop, nonmonotone rule) stays below the highest of its last 20 values.
    if loss == "mse":
        assert np.all(np.diff(curve) <= 0)
    for k in range(20, len(curve)):
        assert curve[k] < max(curve[k - 20 : k]), k
    assert curve[-1] < curve[0]


def test_targets_outside_unit_interval_are_mapped_and_back():
    rng = np.random.RandomState(2)
    X = rng.normal(size=(200, 2))
    y = 50 + 30 * np.tanh(X @ [1.0, 0.5])
    neuron = SigmoidNeuronRegressor().fit(X, y)
    assert_allclose(neuron.target_range_, [[y.min(), y.max()]])
    pred = neuron.predict(X * 100)  # far outside the training data
    assert pred.min() >= y.min() and pred.max() <= y.max()
    assert neuron.score(X, y) > 0.95
    assert not hasattr(neuron, "predict_proba")


def test_target_range_ignores_zero_weight_rows():
    X = np.arange(6, dtype=float).reshape(-1, 1)
    y = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 100.0])
    sw = np.array([1, 1, 1, 1, 1, 0])
    neuron = SigmoidNeuronRegressor().fit(X, y, sample_weight=sw)
    assert_allclose(neuron.target_range_, [[0.0, 4.0]])


def test_explicit_target_range():
    X = np.arange(10, dtype=float).reshape(-1, 1)
    y = np.linspace(2, 8, 10)
    neuron = SigmoidNeuronRegressor(target_range=(0, 10)).fit(X, y)
    assert_allclose(neuron.target_range_, [[0.0, 10.0]])
    with pytest.raises(ValueError, match="outside target_range"):
        SigmoidNeuronRegressor(target_range=(0, 5)).fit(X, y)
    with pytest.raises(ValueError, match="low < high"):
        SigmoidNeuronRegressor(target_range=(5, 1)).fit(X, y)
    with pytest.raises(ValueError, match="pair"):
        SigmoidNeuronRegressor(target_range=(1, 2, 3)).fit(X, y)


def test_predict_proba_exactly_when_output_is_a_probability():
    rng = np.random.RandomState(3)
    X = rng.normal(size=(100, 2))
    p = 1 / (1 + np.exp(-(X @ [2.0, -1.0])))  # click-through-like proportions
    neuron = SigmoidNeuronRegressor(loss="cross_entropy").fit(X, p)
    proba = neuron.predict_proba(X)
    assert proba.shape == (100, 2)
    assert_allclose(proba[:, 1], neuron.predict(X))
    assert_allclose(proba.sum(axis=1), 1.0)
    declared = SigmoidNeuronRegressor(target_range=(0, 1)).fit(X, p * 0.5 + 0.2)
    assert hasattr(declared, "predict_proba")
    wide = SigmoidNeuronRegressor().fit(X, 10 * p)
    assert not hasattr(wide, "predict_proba")
    multi = SigmoidNeuronRegressor().fit(X, np.column_stack([p, 1 - p]))
    assert not hasattr(multi, "predict_proba")
    assert not hasattr(SigmoidNeuronRegressor(), "predict_proba")


def test_multi_output_is_one_neuron_per_output():
    rng = np.random.RandomState(4)
    X = rng.normal(size=(200, 3))
    W = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -1.0]])
    Y = 1 / (1 + np.exp(-(X @ W.T)))
    Y[:, 1] = 10 * Y[:, 1] - 3  # second output on another scale
    multi = SigmoidNeuronRegressor(alpha=0.0, tol=1e-12).fit(X, Y)
    assert multi.coef_.shape == (2, 3) and multi.intercept_.shape == (2,)
    assert multi.predict(X).shape == (200, 2)
    for j in range(2):
        single = SigmoidNeuronRegressor(alpha=0.0, tol=1e-12).fit(X, Y[:, j])
        assert single.coef_.shape == (3,) and single.intercept_.shape == (1,)
        assert_allclose(multi.predict(X)[:, j], single.predict(X), rtol=1e-3, atol=1e-3)


def test_column_vector_target_gives_column_predictions():
    X = np.arange(20, dtype=float).reshape(-1, 1)
    y = (X / 20).ravel()
    neuron = SigmoidNeuronRegressor().fit(X, y.reshape(-1, 1))
    assert neuron.predict(X).shape == (20, 1)


def test_partial_fit_keeps_its_first_range():
    X = np.arange(20, dtype=float).reshape(-1, 1) / 10
    y = np.linspace(0, 5, 20)
    neuron = SigmoidNeuronRegressor(learning_rate=0.5)
    neuron.partial_fit(X[:10], y[:10])
    assert_allclose(neuron.target_range_, [[0.0, y[9]]])
    with pytest.raises(ValueError, match="target_range=\\(low, high\\)"):
        neuron.partial_fit(X[10:], y[10:])
    fixed = SigmoidNeuronRegressor(learning_rate=0.5, target_range=(0, 5))
    for _ in range(3):
        fixed.partial_fit(X[:10], y[:10]).partial_fit(X[10:], y[10:])
    assert fixed.n_iter_ == 6


def test_sparse_float32_and_sample_weight():
    rng = np.random.RandomState(5)
    X = rng.normal(size=(120, 5))
    X[X < 0.5] = 0
    y = 1 / (1 + np.exp(-(X @ rng.normal(size=5))))
    dense = SigmoidNeuronRegressor().fit(X, y)
    sparse = SigmoidNeuronRegressor().fit(sp.csr_matrix(X), y)
    assert_allclose(sparse.coef_, dense.coef_, rtol=1e-8, atol=1e-10)
    f32 = SigmoidNeuronRegressor().fit(X.astype(np.float32), y)
    assert f32.coef_.dtype == np.float32
    sw = rng.randint(0, 3, size=120)
    weighted = SigmoidNeuronRegressor(tol=1e-12).fit(X, y, sample_weight=sw)
    rows = np.repeat(np.arange(120), sw)
    repeated = SigmoidNeuronRegressor(tol=1e-12).fit(X[rows], y[rows])
    assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-6)


def test_pipeline_grid_search_cross_val_clone_pickle():
    rng = np.random.RandomState(6)
    X = rng.normal(loc=5, scale=3, size=(150, 3))
    y = 1 / (1 + np.exp(-(X - 5) @ [0.5, -0.5, 0.2]))
    pipe = make_pipeline(StandardScaler(), SigmoidNeuronRegressor())
    grid = GridSearchCV(
        pipe, {"sigmoidneuronregressor__learning_rate": [0.5, 5.0, "auto"]}, cv=3
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid.fit(X, y)
    assert grid.best_score_ > 0.95
    assert cross_val_score(pipe, X, y, cv=4).mean() > 0.95
    fitted = pipe.fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    assert_allclose(restored.predict(X), fitted.predict(X))
    assert clone(fitted).get_params()["sigmoidneuronregressor__loss"] == "mse"


def test_extreme_inputs_are_finite_and_silent():
    rng = np.random.RandomState(7)
    X = rng.normal(size=(50, 2))
    y = rng.uniform(size=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        neuron = SigmoidNeuronRegressor(learning_rate=1e-3, max_iter=2, tol=None)
        neuron.fit(X, y, coef_init=[5e3, 5e3], intercept_init=0.0)
        assert np.all(np.isfinite(neuron.loss_curve_))
        assert np.all(np.isfinite(neuron.predict(X * 1e8)))
        assert np.all(np.isfinite(neuron.predict_proba(X * 1e8)))


def test_early_stopping_restores_the_best_epoch():
    rng = np.random.RandomState(8)
    X = rng.normal(size=(300, 3))
    y = 1 / (1 + np.exp(-(X @ [1.0, -2.0, 0.5]))) + rng.normal(scale=0.1, size=300)
    neuron = SigmoidNeuronRegressor(
        early_stopping=True,
        random_state=0,
        tol=1e-4,
        n_iter_no_change=3,
        learning_rate=1.0,
        max_iter=2000,
    )
    neuron.fit(X, y)
    assert len(neuron.validation_scores_) == neuron.n_iter_ < 2000
    assert neuron.best_validation_score_ == max(neuron.validation_scores_)


def test_training_objective_reproduces_the_loss_curve():
    # The objective used to draw loss surfaces is the one fit minimised.
    rng = np.random.RandomState(9)
    X = rng.normal(size=(80, 2))
    y = 10 * (1 / (1 + np.exp(-(X @ [1.0, -1.0])))) + 3
    neuron = SigmoidNeuronRegressor(alpha=0.01, max_iter=20, tol=None).fit(X, y)
    objective, W = neuron._training_objective(X, y)
    assert objective.value(W) == pytest.approx(neuron.loss_curve_[-1], rel=1e-12)
