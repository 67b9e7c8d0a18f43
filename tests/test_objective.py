"""The objective: value, gradient (finite differences) and Lipschitz bound."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from sklearn_sigmoid._loss import get_loss
from sklearn_sigmoid._objective import LinearObjective

CASES = [  # (link, n_outputs)
    ("sigmoid", 1),  # binary classifier / single-output regressor
    ("sigmoid", 3),  # multi-output regressor
    ("softmax", 4),  # multiclass classifier
]


def _problem(link, k, *, sparse=False, seed=0):
    rng = np.random.RandomState(seed)
    n, d = 40, 6
    X = rng.normal(size=(n, d))
    X[rng.uniform(size=X.shape) < 0.4] = 0.0
    if link == "softmax":
        Y = np.eye(k)[rng.randint(k, size=n)]
    else:
        Y = rng.uniform(size=(n, k))
    sw = rng.randint(0, 4, size=n).astype(float)
    W = rng.normal(size=(k, d + 1))
    return (sp.csr_matrix(X) if sparse else X), Y, sw, W


@pytest.mark.parametrize("link, k", CASES)
@pytest.mark.parametrize("name", ["mse", "cross_entropy"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gradient_matches_finite_differences(link, k, name, sparse, fit_intercept):
    X, Y, sw, W = _problem(link, k, sparse=sparse)
    if not fit_intercept:
        W[:, -1] = 0.0
    obj = LinearObjective(get_loss(name, link), X, Y, sw, 0.3, fit_intercept)
    value, grad = obj.value_grad(W)
    assert value == pytest.approx(obj.value(W))
    h = 1e-6
    numeric = np.zeros_like(W)
    for idx in np.ndindex(*W.shape):
        if idx[1] == W.shape[1] - 1 and not fit_intercept:
            continue
        E = np.zeros_like(W)
        E[idx] = h
        numeric[idx] = (obj.value(W + E) - obj.value(W - E)) / (2 * h)
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_value_is_weighted_mean_loss_plus_l2():
    X, Y, sw, W = _problem("sigmoid", 1)
    loss = get_loss("cross_entropy", "sigmoid")
    obj = LinearObjective(loss, X, Y, sw, 0.5, True)
    raw = X @ W[:, :-1].T + W[:, -1]
    expected = np.sum(sw * loss.loss(raw, Y)) / sw.sum() + 0.25 * np.sum(W[:, :-1] ** 2)
    assert obj.value(W) == pytest.approx(expected)


def test_integer_weights_equal_repeated_rows():
    X, Y, sw, W = _problem("softmax", 4)
    loss = get_loss("cross_entropy", "softmax")
    weighted = LinearObjective(loss, X, Y, sw, 0.1, True)
    rows = np.repeat(np.arange(len(sw)), sw.astype(int))
    repeated = LinearObjective(loss, X[rows], Y[rows], np.ones(len(rows)), 0.1, True)
    v1, g1 = weighted.value_grad(W)
    v2, g2 = repeated.value_grad(W)
    assert v1 == pytest.approx(v2)
    assert_allclose(g1, g2, atol=1e-12)


def test_lecture_gradient_of_the_mean_squared_error():
    # One input, no weights: dJ/dw = mean((s - y) s (1 - s) x).
    rng = np.random.RandomState(4)
    x = rng.normal(size=(25, 1))
    y = rng.uniform(size=(25, 1))
    w, b = 0.7, -0.3
    obj = LinearObjective(get_loss("mse", "sigmoid"), x, y, np.ones(25), 0.0, True)
    _, grad = obj.value_grad(np.array([[w, b]]))
    s = 1 / (1 + np.exp(-(w * x + b)))
    assert grad[0, 0] == pytest.approx(np.mean((s - y) * s * (1 - s) * x))
    assert grad[0, 1] == pytest.approx(np.mean((s - y) * s * (1 - s)))


@pytest.mark.parametrize("link, k", CASES)
@pytest.mark.parametrize("name", ["mse", "cross_entropy"])
def test_lipschitz_bounds_the_hessian(link, k, name):
    # Largest Hessian eigenvalue (by finite differences of the gradient) at
    # random points never exceeds the bound used for the safe step.
    X, Y, sw, _ = _problem(link, k)
    obj = LinearObjective(get_loss(name, link), X, Y, sw, 0.01, True)
    L = obj.lipschitz()
    rng = np.random.RandomState(5)
    size = k * (X.shape[1] + 1)
    h = 1e-5
    for _ in range(5):
        W = rng.normal(scale=0.5, size=(k, X.shape[1] + 1))
        H = np.empty((size, size))
        for j in range(size):
            E = np.zeros(size)
            E[j] = h
            E = E.reshape(W.shape)
            H[:, j] = (
                (obj.value_grad(W + E)[1] - obj.value_grad(W - E)[1]) / (2 * h)
            ).ravel()
        assert np.abs(np.linalg.eigvalsh((H + H.T) / 2)).max() <= L


@pytest.mark.parametrize("batch", [[0], [3, 7], [1, 2, 5, 8, 13]])
def test_mini_batch_bound_covers_every_batch(batch):
    X, Y, sw, _ = _problem("softmax", 4)
    sw[:] = 1.0
    obj = LinearObjective(get_loss("cross_entropy", "softmax"), X, Y, sw, 0.01, True)
    # The batch's own bound carries the power-iteration margin of 5%.
    assert obj.subset(batch).lipschitz() <= 1.05 * obj.max_sample_lipschitz()


def test_lipschitz_of_cross_entropy_is_tight_for_the_data_term():
    # For the binary cross-entropy, curvature 1/4 times the top eigenvalue of
    # the weighted Gram matrix: check against a dense eigen-solver.
    X, Y, sw, _ = _problem("sigmoid", 1)
    obj = LinearObjective(get_loss("cross_entropy", "sigmoid"), X, Y, sw, 0.0, True)
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    gram = A.T @ (A * (sw / sw.sum())[:, None])
    top = np.linalg.eigvalsh(gram).max()
    assert 0.25 * top <= obj.lipschitz() <= 0.25 * top * 1.06


def test_float32_stays_float32():
    X, Y, sw, W = _problem("softmax", 4)
    obj = LinearObjective(
        get_loss("cross_entropy", "softmax"),
        X.astype(np.float32),
        Y.astype(np.float32),
        sw.astype(np.float32),
        0.1,
        True,
    )
    _, grad = obj.value_grad(W.astype(np.float32))
    assert grad.dtype == np.float32


@pytest.mark.parametrize("link, k", CASES)
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    "alpha, fit_intercept", [(0.3, True), (0.0, True), (0.3, False)]
)
def test_writing_into_given_arrays_changes_nothing(
    link, k, sparse, alpha, fit_intercept
):
    # The update rules reuse their arrays (out=): the numbers must be the
    # very ones a fresh computation gives, and land where they were sent.
    X, Y, sw, W = _problem(link, k, sparse=sparse)
    if not fit_intercept:
        W[:, -1] = 0.0
    obj = LinearObjective(
        get_loss("cross_entropy", link), X, Y, sw, alpha, fit_intercept
    )
    value, grad = obj.value_grad(W)
    out = np.full_like(W, np.nan)
    value_out, grad_out = obj.value_grad(W, out=out)
    assert grad_out is out
    assert value_out == value
    # For one output and CSR X the product adds onto the penalty's gradient
    # (another order of summation): equal to rounding, else to the last bit.
    assert_allclose(grad_out, grad, rtol=1e-13, atol=1e-15 * np.abs(grad).max())
    if not (sparse and k == 1 and alpha):
        np.testing.assert_array_equal(grad_out, grad)

    raw, raw_dir = obj.raw(W), obj.raw(grad)
    moved = np.full_like(raw, np.nan)
    data, fresh, G = obj.trial(raw, 0.25, raw_dir)
    data_out, written, G_out = obj.trial(raw, 0.25, raw_dir, out=moved)
    assert written is moved
    np.testing.assert_array_equal(written, fresh)
    assert data_out == data
    # A trial defers its G; finished, it is data_term's at the same point.
    expected_data, expected_G = obj.data_term(fresh)
    assert data == expected_data
    np.testing.assert_array_equal(
        obj.data_gradient(G_out), obj.data_gradient(expected_G)
    )
    np.testing.assert_array_equal(
        obj.gradient_from_partial(W, G, out=np.empty_like(W)),
        obj.gradient_from_partial(W, expected_G, out=np.empty_like(W)),
    )


def test_penalty_along_from_a_known_square_norm():
    X, Y, sw, W = _problem("softmax", 4)
    obj = LinearObjective(get_loss("cross_entropy", "softmax"), X, Y, sw, 0.3, True)
    D = np.random.RandomState(1).normal(size=W.shape)
    slow, fast = obj.penalty_along(W, D), obj.penalty_along(W, D, float(np.vdot(D, D)))
    for t in (0.0, 0.1, 2.0):
        assert_allclose(fast(t), slow(t), rtol=1e-12)
        assert_allclose(slow(t), obj._penalty(W - t * D), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_penalty_along_one_output_rounds_the_intercept_square_as_vdot(dtype):
    # With one output, the intercept's square is taken off ||D||^2 without a
    # vdot call, rounded as vdot rounds it (in D's dtype): the line search's
    # objective values, and so its path, stay those of the general formula.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3)).astype(dtype)
    Y = rng.integers(0, 2, (20, 1)).astype(np.float64)
    obj = LinearObjective(
        get_loss("cross_entropy", "sigmoid"), X, Y, np.ones(20), 0.7, True
    )
    W = rng.standard_normal((1, 4)).astype(dtype)
    half = 0.5 * 0.7
    for _ in range(200):
        D = (rng.standard_normal((1, 4)) * 10.0 ** rng.integers(-3, 3)).astype(dtype)
        D_sq = float(np.vdot(D, D))
        c, d = W[:, :-1], D[:, :-1]
        cc, cd = float(np.vdot(c, c)), float(np.vdot(c, d))
        dd = D_sq - float(np.vdot(D[:, -1], D[:, -1]))
        for t in (0.5, 1e3):
            want = half * (cc - 2.0 * t * cd + t * t * dd)
            assert obj.penalty_along(W, D, D_sq)(t) == want


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("transpose", [False, True])
def test_product_adds_in_place(dtype, transpose):
    from sklearn_sigmoid._kernels import add_product as _add_product

    rng = np.random.RandomState(0)
    X = sp.random(30, 12, density=0.3, format="csr", random_state=rng, dtype=dtype)
    A = X.T if transpose else X
    v = rng.normal(size=A.shape[1]).astype(dtype)
    start = rng.normal(size=A.shape[0]).astype(dtype)
    out = start.copy()
    assert _add_product(X, v, out, transpose=transpose)
    single = dtype == np.float32
    assert_allclose(
        out, start + A @ v, rtol=1e-5 if single else 1e-13, atol=1e-6 if single else 0
    )
    # Where the kernel does not apply, nothing is written and False says so:
    # other formats, mixed dtypes, wrong lengths (which the compiled kernel
    # would not check), non-contiguous vectors.
    long_v = np.ones(A.shape[1] + 1, dtype)
    for other, vec, into in [
        (X.tocsc(), v, start.copy()),
        (X.toarray(), v, start.copy()),
        (X, v.astype(np.float16), start.copy()),
        (X, long_v, start.copy()),
        (X, v, np.ones(A.shape[0] + 1, dtype)),
        (X, np.repeat(v, 2)[::2], start.copy()),
    ]:
        before = into.copy()
        assert not _add_product(other, vec, into, transpose=transpose)
        np.testing.assert_array_equal(into, before)


def test_scores_of_one_output_match_scipy():
    X, _, _, W = _problem("sigmoid", 1, sparse=True)
    from sklearn_sigmoid._objective import linear_scores

    expected = X.toarray() @ W[0, :-1] + W[0, -1]
    for A in (X, X.toarray(), X.tocsc()):
        assert_allclose(linear_scores(A, W)[:, 0], expected, rtol=1e-13)
    assert linear_scores(X, W).shape == (X.shape[0], 1)


def test_product_kernel_on_unusual_csr():
    # Duplicate entries, unsorted indices and 64-bit indices: the kernel
    # reads them as scipy's own product does.
    from sklearn_sigmoid._kernels import add_product as _add_product

    rng = np.random.RandomState(0)
    rows = rng.randint(0, 8, 40)
    cols = rng.randint(0, 5, 40)  # with repeats: duplicate entries
    vals = rng.normal(size=40)
    X = sp.csr_matrix((vals, (rows, cols)), shape=(8, 5))
    X = sp.csr_matrix(
        (X.data[::-1].copy(), X.indices[::-1].copy(), X.indptr), shape=X.shape
    )
    X.has_sorted_indices = False
    wide = sp.csr_matrix(
        (X.data, X.indices.astype(np.int64), X.indptr.astype(np.int64)), shape=X.shape
    )
    v, u = rng.normal(size=5), rng.normal(size=8)
    for A in (X, wide):
        out = np.zeros(8)
        assert _add_product(A, v, out)
        assert_allclose(out, A.toarray() @ v, rtol=1e-13, atol=1e-15)
        back = np.zeros(5)
        assert _add_product(A, u, back, transpose=True)
        assert_allclose(back, A.toarray().T @ u, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_without_the_private_kernels(dtype, monkeypatch):
    # Should scipy drop its private kernels, fits fall back on the public
    # product and land on the same model.
    import sklearn_sigmoid._kernels as kernels
    from sklearn_sigmoid import GDLogisticRegression

    rng = np.random.RandomState(0)
    X = sp.random(200, 30, density=0.2, format="csr", random_state=rng, dtype=dtype)
    y = (X @ rng.normal(size=30) + rng.normal(size=200) > 0).astype(int)  # noisy
    fast = GDLogisticRegression(alpha=1e-2, tol=1e-9).fit(X, y)
    monkeypatch.setattr(kernels, "KERNELS_WORK", False)
    assert not kernels.add_product(X, np.ones(30, dtype), np.zeros(200, dtype))
    public = GDLogisticRegression(alpha=1e-2, tol=1e-9).fit(X, y)
    # float64: one path to rounding; float32: the same optimum.
    atol = 1e-3 if dtype == np.float32 else 1e-8
    assert_allclose(public.predict_proba(X), fast.predict_proba(X), atol=atol)
    assert_allclose(public.loss_curve_[-1], fast.loss_curve_[-1], rtol=atol)


def test_the_objective_contract_is_declared():
    # The optimiser's contract is an abstract base: an objective missing a
    # primitive cannot be made, and the shared formulas (the penalty with
    # out=, the Lipschitz bound) come from the base.
    from sklearn_sigmoid._objective import Objective

    class Incomplete(Objective):
        pass

    with pytest.raises(TypeError, match="abstract"):
        Incomplete()
    X = np.random.RandomState(0).rand(30, 3)
    Y = (X[:, :1] > 0.5) * 1.0
    obj = LinearObjective(
        get_loss("cross_entropy", "sigmoid"), X, Y, np.ones(30), 0.5, True
    )
    assert isinstance(obj, Objective)
    W = np.full((1, 4), 0.3)
    _, grad = obj.value_grad(W)
    out = np.full_like(W, np.nan)
    assert (
        obj._with_penalty_gradient(
            W, obj.data_gradient(obj.data_term(obj.raw(W))[1]), out=out
        )
        is out
    )
    assert_allclose(out, grad, rtol=1e-12)
    assert obj.lipschitz() >= obj.loss.curvature * 0 + obj.alpha


@pytest.mark.parametrize("copy", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_scores_overflow_answers_as_the_float32_scores_do(sparse, copy):
    # Whether a float64 model, rounded to float32, overflows float32 on X
    # (X itself, or the float64 copy small float32 data is fitted on): the
    # cheap bound on the rows' L1 norms may only say "no" where predict's
    # float32 scores fit; where it cannot tell, those scores decide.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 8)).astype(np.float32)
    X[3, 2] = 1e3  # one large entry: max |x| times the row length is loose
    X[7, :6] = 1e3  # a row of them: only its whole L1 norm (6e3) bounds it
    X[9, 6:] = [1e3, -1.9e3]  # a product past float32, a sum within it
    Y = rng.integers(0, 2, (40, 1)).astype(np.float64)
    fitted = X.astype(np.float64) if copy else X
    fitted = sp.csr_matrix(fitted) if sparse else fitted
    objective = LinearObjective(
        get_loss("cross_entropy", "sigmoid"), fitted, Y, np.ones(40), 1.0, True
    )
    limit = float(np.finfo(np.float32).max)
    top = limit / 1e3  # a coefficient at which one large entry's score overflows
    column_2, first_6, last_2 = (
        np.eye(8)[2],
        np.repeat([1.0, 0.0], [6, 2]),
        np.eye(8)[6] + np.eye(8)[7],
    )
    for direction, scale, overflows in [
        (column_2, 1.0, False),
        (column_2, 1e30, False),
        (column_2, top / 6, False),  # the bound fails, the scores fit
        (column_2, 0.999 * top, False),
        (column_2, 1.01 * top, True),
        (first_6, top / 8, False),  # row 7 scores 6e3 * top / 8 = 0.75 * limit
        (first_6, top / 4, True),  # 1.5 * limit, though 1e3 * coef is limit / 4
        # Row 9: -1.9e3 * top / 1.5 overflows float32; the score, -0.6 * limit,
        # does not (in float64, which the copy's scores would be computed in).
        (last_2, top / 1.5, True),
    ]:
        W = np.zeros((1, 9))
        W[0, :-1] = direction * scale
        with np.errstate(over="ignore", invalid="ignore"):  # predict's scores
            scores = X @ W[0, :-1].astype(np.float32)
        assert (not np.all(np.abs(scores) <= limit)) == overflows, (direction, scale)
        assert objective.scores_overflow(W, np.float32) == overflows, (direction, scale)
    # A coefficient or an intercept beyond float32 overflows whatever X is.
    assert objective.scores_overflow(np.full((1, 9), 1e39), np.float32)
    W = np.zeros((1, 9))
    W[0, -1] = 1e39
    assert objective.scores_overflow(W, np.float32)
