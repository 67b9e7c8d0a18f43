"""The pointwise losses: closed forms, finite differences and stability."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import log_loss

from sklearn_sigmoid import sigmoid, sigmoid_derivative
from sklearn_sigmoid._loss import LOSS_ALIASES, get_loss

LOSSES = [
    ("sigmoid", "mse"),
    ("sigmoid", "cross_entropy"),
    ("softmax", "mse"),
    ("softmax", "cross_entropy"),
]


def _targets(link, n, k, rng):
    if link == "softmax":
        return np.eye(k)[rng.randint(k, size=n)]
    return rng.uniform(size=(n, k))  # soft targets in [0, 1]


def test_sigmoid_and_its_derivative_closed_forms():
    z = np.linspace(-30, 30, 601)
    s = 1 / (1 + np.exp(-z))
    assert_allclose(sigmoid(z), s, rtol=1e-12)
    # s (1 - s), written with exp(-|z|) so that the reference keeps its digits
    e = np.exp(-np.abs(z))
    assert_allclose(sigmoid_derivative(z), e / (1 + e) ** 2, rtol=1e-12)
    small = np.abs(z) < 5
    assert_allclose(sigmoid_derivative(z)[small], (s * (1 - s))[small], rtol=1e-12)
    h = 1e-6
    numeric = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
    assert_allclose(sigmoid_derivative(z), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("link, name", LOSSES)
def test_gradient_matches_finite_differences(link, name):
    rng = np.random.RandomState(0)
    k = 1 if link == "sigmoid" else 4
    raw = rng.normal(scale=3, size=(20, k))
    Y = _targets(link, 20, k, rng)
    loss = get_loss(name, link)
    value, grad = loss.loss_gradient(raw, Y)
    assert_allclose(value, loss.loss(raw, Y))
    h = 1e-6
    numeric = np.empty_like(raw)
    for j in range(k):
        step = np.zeros(k)
        step[j] = h
        numeric[:, j] = (loss.loss(raw + step, Y) - loss.loss(raw - step, Y)) / (2 * h)
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-9)


def test_lecture_gradients_closed_forms():
    rng = np.random.RandomState(1)
    z = rng.normal(size=(50, 1))
    y = rng.uniform(size=(50, 1))
    s = 1 / (1 + np.exp(-z))
    _, g_mse = get_loss("mse", "sigmoid").loss_gradient(z, y)
    _, g_ce = get_loss("cross_entropy", "sigmoid").loss_gradient(z, y)
    assert_allclose(g_mse, (s - y) * s * (1 - s))
    assert_allclose(g_ce, s - y)


def test_cross_entropy_equals_sklearn_log_loss():
    rng = np.random.RandomState(2)
    raw = rng.normal(size=(30, 3))
    labels = rng.randint(3, size=30)
    loss = get_loss("log_loss", "softmax")
    p = loss.activation(raw)
    assert_allclose(loss.loss(raw, np.eye(3)[labels]).mean(), log_loss(labels, p))
    raw1 = raw[:, :1]
    loss1 = get_loss("cross_entropy", "sigmoid")
    p1 = loss1.activation(raw1).ravel()
    assert_allclose(
        loss1.loss(raw1, (labels == 1)[:, None].astype(float)).mean(),
        log_loss(labels == 1, p1),
    )


@pytest.mark.parametrize("link, name", LOSSES)
def test_curvature_bounds_the_second_derivative(link, name):
    # The Lipschitz constant (and so the safe step) rests on this bound.
    rng = np.random.RandomState(3)
    loss = get_loss(name, link)
    k = 1 if link == "sigmoid" else 3
    h = 1e-4
    worst = 0.0
    for _ in range(300):
        raw = rng.normal(scale=rng.choice([0.5, 2.0, 5.0]), size=(1, k))
        Y = _targets(link, 1, k, rng)
        H = np.empty((k, k))
        for j in range(k):
            step = np.zeros(k)
            step[j] = h
            H[:, j] = (
                loss.loss_gradient(raw + step, Y)[1]
                - loss.loss_gradient(raw - step, Y)[1]
            )[0] / (2 * h)
        worst = max(worst, np.abs(np.linalg.eigvalsh((H + H.T) / 2)).max())
    assert worst <= loss.curvature


@pytest.mark.parametrize("link, name", LOSSES)
def test_extreme_raw_scores_are_finite_and_silent(link, name):
    k = 1 if link == "sigmoid" else 3
    raw = np.array([[1e4] * k, [-1e4] * k, [1e300] * k, [-1e300] * k])
    raw[:, 0] *= -1
    Y = np.zeros_like(raw)
    Y[:, 0] = 1.0
    loss = get_loss(name, link)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = loss.loss_gradient(raw, Y)
        act = loss.activation(raw)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    assert np.all(np.isfinite(act))
    if name == "cross_entropy":
        # A confidently wrong prediction costs about |z|, as it should.
        assert 1e4 <= value[0] <= 2e4 + 1


def test_aliases():
    assert LOSS_ALIASES["squared_error"] == "mse"
    assert LOSS_ALIASES["log_loss"] == "cross_entropy"
    assert type(get_loss("squared_error", "sigmoid")) is type(
        get_loss("mse", "sigmoid")
    )


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-15), (np.float32, 1e-6)])
def test_one_exponential_sigmoid_matches_scipy(dtype, rtol):
    # The training losses compute sigma, 1 - sigma and softplus from one
    # exp(-|z|); they must keep expit's and log_expit's relative precision
    # (where the values are normal numbers) in both tails, for both dtypes.
    from scipy.special import expit, log_expit

    from sklearn_sigmoid._loss import _sigmoid_pair, _sigmoid_softplus

    z = np.concatenate([np.linspace(-700, 700, 20001), [0.0, -0.0, 1e-30, -1e-30]])
    z = z.astype(dtype)[:, None]
    z64 = z.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, softplus = _sigmoid_softplus(z)
        s2, one_minus = _sigmoid_pair(z)
    for got, want in [
        (s, expit(z64)),
        (s2, expit(z64)),
        (one_minus, expit(-z64)),
        (softplus, -log_expit(-z64)),
    ]:
        assert got.dtype == dtype
        normal = np.abs(want) > np.finfo(dtype).tiny
        assert_allclose(got[normal], want[normal], rtol=rtol * 4)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_from_its_exponential_is_the_two_branch_formula_bit_for_bit(dtype):
    # _sigmoid_from multiplies 1 / (1 + e) by exp(min(z, 0)), which must be
    # e itself where z < 0 and exactly 1 elsewhere: the numbers of
    # "1 / (1 + e) where z >= 0, e / (1 + e) elsewhere", to the last bit
    # (the optimiser's path depends on them), in the tails and at zero too.
    from sklearn_sigmoid._loss import _exp_neg_abs, _sigmoid_from

    rng = np.random.default_rng(0)
    z = np.concatenate(
        [
            np.linspace(-800, 800, 20001),
            rng.standard_normal(5000) * 10.0 ** rng.integers(-40, 3, 5000),
            [0.0, -0.0, np.inf, -np.inf, 1e-300, -1e-300],
        ]
    )
    z = z.astype(dtype)[:, None]
    e = _exp_neg_abs(z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        inv = 1.0 / (1.0 + e)
        want = np.where(z >= 0, inv, e * inv)
        got = _sigmoid_from(z, e.copy())
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


@pytest.mark.parametrize("link, name", LOSSES)
def test_split_halves_give_loss_gradient_numbers(link, name):
    # The line search computes the loss first and the gradient only for the
    # step it takes: the two halves must be loss_gradient to the last bit,
    # extreme scores included, and warn about nothing.
    rng = np.random.RandomState(3)
    k = 1 if link == "sigmoid" else 4
    raw = rng.normal(scale=5, size=(50, k))
    raw[:4] = (
        [[1e4], [-1e4], [40.0], [-745.5]]
        if k == 1
        else 1e4 * rng.choice([-1, 1], (4, k))
    )
    Y = _targets(link, 50, k, rng)
    loss = get_loss(name, link)
    value, grad = loss.loss_gradient(raw, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first, kept = loss.loss_for_search(raw, Y)
        second = loss.gradient_after_search(raw, Y, kept)
    np.testing.assert_array_equal(first, value)
    np.testing.assert_array_equal(second, grad)
    assert np.all(np.isfinite(first)) and np.all(np.isfinite(second))


@pytest.mark.parametrize("link, k", [("sigmoid", 1), ("softmax", 3)])
def test_the_loss_owns_probabilities_and_the_intercept_only_start(link, k):
    # predict_proba goes through the loss's inverse link, and the start's
    # intercept is where the outputs equal the mean target.
    from sklearn_sigmoid._loss import get_loss

    loss = get_loss("cross_entropy", link)
    raw = np.random.RandomState(0).normal(scale=30, size=(50, k))
    proba = loss.class_probabilities(raw)
    assert proba.shape == (50, max(2, k))
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(np.exp(loss.class_log_probabilities(raw)), proba, atol=1e-300)
    mean = np.array([0.3]) if k == 1 else np.array([0.2, 0.5, 0.3])
    outputs = loss.activation(loss.intercept_only(mean)[None, :])[0]
    assert_allclose(outputs, mean, rtol=1e-12)


@pytest.mark.parametrize("n_outputs", [1, 2, 3, 8, 9, 12])
def test_row_reductions_match_numpy(n_outputs):
    # The column-by-column row maximum and sum (few outputs) and numpy's
    # reductions (many) give the same numbers, in float32 and float64.
    from sklearn_sigmoid._loss import _row_max, _sum_outputs

    rng = np.random.RandomState(n_outputs)
    for dtype in (np.float32, np.float64):
        A = rng.normal(scale=50, size=(37, n_outputs)).astype(dtype)
        top = _row_max(A)
        assert top.shape == (37, 1) and top.dtype == dtype
        assert_array_equal(top[:, 0], A.max(axis=1))
        total = _sum_outputs(A)
        assert total.shape == (37,) and total.dtype == dtype
        # (Another summation order: equal up to rounding of the terms' size.)
        eps = np.finfo(dtype).eps
        assert np.all(
            np.abs(total - A.sum(axis=1)) <= 4 * n_outputs * eps * np.abs(A).sum(axis=1)
        )
    # The row maximum is a copy: shifting by it leaves the scores alone.
    A = rng.normal(size=(5, 3))
    before = A.copy()
    _row_max(A)[:] = 0
    assert_array_equal(A, before)
