"""Update rules, step sizes, stopping and divergence."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid import (
    DivergenceError,
    GDLogisticRegression,
    SigmoidNeuronRegressor,
)
from sklearn_sigmoid._loss import get_loss
from sklearn_sigmoid._objective import LinearObjective
from sklearn_sigmoid._optim import (
    _NONMONOTONE_MEMORY,
    FixedStep,
    SpectralStep,
    StoppingRule,
    make_stepper,
    run_epochs,
)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _objective(X, y, alpha=1e-3, loss="cross_entropy"):
    Y = y.reshape(-1, 1).astype(float)
    return LinearObjective(
        get_loss(loss, "sigmoid"), X, Y, np.ones(len(y)), alpha, True
    )


def test_stopping_rule_counts_epochs_without_improvement():
    rule = StoppingRule(tol=0.1, n_iter_no_change=3)
    assert not rule.update(10.0)
    assert not rule.update(9.0)  # improved by 1
    assert not rule.update(8.95)  # < tol: 1
    assert not rule.update(8.92)  # 2
    assert not rule.update(8.5)  # improved on best 8.92 by 0.42: reset
    assert not rule.update(8.6)  # 1
    assert not rule.update(8.45)  # 2 (8.45 > 8.5 - 0.1)
    assert rule.update(8.44)  # 3
    never = StoppingRule(tol=None, n_iter_no_change=1)
    assert not any(never.update(1.0) for _ in range(10))


def test_fixed_step_is_the_lecture_rule(cancer):
    X, y = cancer
    obj = _objective(X, y)
    W0 = np.zeros((1, X.shape[1] + 1))
    stepper = FixedStep(obj, W0.copy(), 0.5, 0.0)
    W = W0.copy()
    for _ in range(5):
        W = W - 0.5 * obj.value_grad(W)[1]
        stepper.epoch()
    assert_allclose(stepper.W, W, rtol=1e-12)


def test_heavy_ball_momentum(cancer):
    X, y = cancer
    obj = _objective(X, y)
    W = np.zeros((1, X.shape[1] + 1))
    V = np.zeros_like(W)
    stepper = FixedStep(obj, W.copy(), 0.1, 0.9)
    for _ in range(5):
        V = 0.9 * V - 0.1 * obj.value_grad(W)[1]
        W = W + V
        stepper.epoch()
    assert_allclose(stepper.W, W, rtol=1e-12)


def _assert_nonmonotone_descent(values, memory=_NONMONOTONE_MEMORY):
    """Each value is below the highest of the ``memory`` before it (Armijo
    against that reference), so the objective falls over every window."""
    values = np.asarray(values)
    for k in range(1, len(values)):
        assert values[k] < values[max(0, k - memory) : k].max(), k
    assert values[-1] < values[0]


def test_spectral_steps_keep_below_the_recent_highest(cancer):
    X, y = cancer
    obj = _objective(X, y, alpha=1e-4)
    W0 = np.zeros((1, X.shape[1] + 1))
    stepper = SpectralStep(obj, W0, obj.lipschitz(), memory=_NONMONOTONE_MEMORY)
    values = [stepper.value] + [stepper.epoch() for _ in range(100)]
    _assert_nonmonotone_descent(values)
    # The rule is nonmonotone for real here: some epoch rose (with the
    # monotone rule none did), and the last value is the lowest seen so far
    # only by chance, not by construction.
    assert np.any(np.diff(values) > 0)


def test_spectral_warm_start_continues_the_recent_values(cancer):
    # A fit cut into warm-started pieces takes the same steps as one
    # uninterrupted fit: the line search's reference values are carried over.
    X, y = cancer
    obj = _objective(X, y, alpha=1e-4)
    W0 = np.zeros((1, X.shape[1] + 1))
    L, M = obj.lipschitz(), _NONMONOTONE_MEMORY
    whole = SpectralStep(obj, W0.copy(), L, memory=M)
    for _ in range(60):
        whole.epoch()
    first = SpectralStep(obj, W0.copy(), L, memory=M)
    for _ in range(30):
        first.epoch()
    second = SpectralStep(obj, first.W.copy(), L, first.get_state(), memory=M)
    assert_allclose(list(second._recent), list(first._recent), rtol=1e-12)
    for _ in range(30):
        second.epoch()
    # (Not bit for bit: the warm start recomputes the raw scores from W.)
    assert_allclose(second.W, whole.W, rtol=1e-8, atol=1e-10)


def test_monotone_where_the_stop_is_not_certified(cancer):
    # The squared error (and alpha = 0) keep every epoch decreasing; the
    # certified cross-entropy takes the nonmonotone rule.
    X, y = cancer
    for loss, alpha, memory in (
        ("cross_entropy", 1e-4, _NONMONOTONE_MEMORY),
        ("cross_entropy", 0.0, 1),
        ("mse", 1e-4, 1),
    ):
        obj = _objective(X, y, alpha=alpha, loss=loss)
        stepper = make_stepper(
            obj,
            np.zeros((1, X.shape[1] + 1)),
            learning_rate="auto",
            momentum=0,
            batch_size=None,
            shuffle=False,
            rng=None,
        )
        assert stepper._recent.maxlen == memory, loss
        values = [stepper.value] + [stepper.epoch() for _ in range(60)]
        if memory == 1:
            assert np.all(np.diff(values) <= 0), loss


def test_auto_beats_the_safe_fixed_step(cancer):
    # Spectral steps reach in 200 epochs what 1/L does not reach in 2000.
    X, y = cancer
    obj = _objective(X, y, alpha=1e-3)
    W0 = np.zeros((1, X.shape[1] + 1))
    # Each stepper gets its own start: they update the parameters in place,
    # and the fixed step started from auto's optimum ties with it to the last
    # bit (it won or lost by 1e-16 depending on numpy/scipy's rounding).
    auto = make_stepper(
        obj,
        W0.copy(),
        learning_rate="auto",
        momentum=0,
        batch_size=None,
        shuffle=False,
        rng=None,
    )
    run_epochs(auto, max_iter=200)
    safe = FixedStep(obj, W0.copy(), 1 / obj.lipschitz(), 0.0)
    run_epochs(safe, max_iter=2000)
    assert auto.value < safe.value


def test_divergence_raises_a_clear_error():
    X, y = load_breast_cancer(return_X_y=True)  # raw, badly scaled features
    clf = GDLogisticRegression(learning_rate=10.0, alpha=0.0)
    with pytest.raises(
        DivergenceError, match=r"learning rate 10.0 is too large.*'auto'"
    ):
        clf.fit(X, y)
    assert not hasattr(clf, "coef_")  # never a model with NaN coefficients
    assert isinstance(DivergenceError("x"), ValueError)


def test_divergence_with_l2_penalty_overflow():
    X, y = make_classification(random_state=0)
    with pytest.raises(DivergenceError):
        GDLogisticRegression(learning_rate=1e6, alpha=10.0).fit(X, y)


def test_convergence_warning_when_max_iter_ends_the_fit(cancer):
    X, y = cancer
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        GDLogisticRegression(max_iter=3).fit(X, y)
    # tol=None asks for exactly max_iter epochs: no warning.
    clf = GDLogisticRegression(max_iter=3, tol=None).fit(X, y)
    assert clf.n_iter_ == 3


def test_verbose_prints_one_line_per_epoch(cancer, capsys):
    X, y = cancer
    clf = GDLogisticRegression(max_iter=4, tol=None, verbose=1).fit(X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if "Epoch" in line]
    assert len(lines) == 4
    assert f"{clf.loss_curve_[-1]:.6g}" in lines[-1]


def test_mini_batch_sgd_learns(cancer):
    X, y = cancer
    clf = GDLogisticRegression(
        batch_size=32, learning_rate=0.1, random_state=0, max_iter=30, tol=None
    ).fit(X, y)
    assert clf.score(X, y) > 0.95
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_mini_batch_start_value_comes_from_its_first_epoch(cancer):
    # A mini-batch stepper computes the objective where it starts lazily, in
    # its first epoch (the compiled kernel's value where it is built):
    # run_epochs must not compute it before, with other arithmetic.
    X, y = cancer
    stepper = make_stepper(
        _objective(X, y),
        np.zeros((1, X.shape[1] + 1)),
        learning_rate=0.1,
        momentum=0.0,
        batch_size=32,
        shuffle=True,
        rng=np.random.RandomState(0),
    )
    assert not stepper.monotone
    order = []
    epoch, value = stepper.epoch, stepper.objective.value
    stepper.epoch = lambda: order.append("epoch") or epoch()
    stepper.objective.value = lambda W: order.append("value") or value(W)
    run_epochs(stepper, max_iter=2)
    assert order[0] == "epoch", order
    assert np.isfinite(stepper.initial_value)


def test_mini_batch_auto_step_is_safe(cancer):
    X, y = cancer
    X = X * 50  # large features: the per-row bound must shrink the step
    clf = SigmoidNeuronRegressor(batch_size=8, random_state=0, max_iter=20, tol=None)
    clf.fit(X, y)
    assert np.all(np.isfinite(clf.coef_))
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_shuffle_false_is_deterministic_and_order_dependent(cancer):
    X, y = cancer
    a = GDLogisticRegression(batch_size=50, shuffle=False, max_iter=3, tol=None).fit(
        X, y
    )
    b = GDLogisticRegression(batch_size=50, shuffle=False, max_iter=3, tol=None).fit(
        X, y
    )
    assert_allclose(a.coef_, b.coef_)
    c = GDLogisticRegression(
        batch_size=50, shuffle=True, random_state=1, max_iter=3, tol=None
    ).fit(X, y)
    assert not np.allclose(a.coef_, c.coef_)


def test_spectral_steps_lie_on_the_grid():
    from sklearn_sigmoid._optim import _STEP_GRID, _on_step_grid

    for step in (1e-9, 3.7e-3, 0.5, 1.0, 123.456, 7e8):
        on = _on_step_grid(step)
        k = np.log2(on) * _STEP_GRID
        assert abs(k - round(k)) < 1e-9
        assert abs(on / step - 1) <= 2 ** (0.5 / _STEP_GRID) - 1 + 1e-12


@pytest.mark.parametrize(
    "Estimator, loss",
    [
        (GDLogisticRegression, "cross_entropy"),
        (GDLogisticRegression, "mse"),
        (SigmoidNeuronRegressor, "cross_entropy"),
        (SigmoidNeuronRegressor, "mse"),
    ],
)
def test_weighted_and_repeated_rows_give_one_path(Estimator, loss):
    # scikit-learn's sample-weight equivalence check, on many random problems
    # rather than its one: integer weights against repeated rows, in another
    # row order.  Without steps on a grid, Barzilai-Borwein steps amplified
    # the different rounding of the two runs past 1e-7 on 5-15% of them.
    # The squared error keeps the monotone rule, whose paths stay one path;
    # the certified cross-entropy's nonmonotone rule accepts long steps that
    # amplify rounding on some of these small separable problems (about 1 in
    # 20), so there the fits must agree within what their certificates allow:
    # J is alpha-strongly convex, so ||W - W*||^2 <= 2 * gap / alpha.
    from sklearn.utils import shuffle

    n_apart = n_problems = 0
    for seed in range(12):
        rng = np.random.RandomState(seed)
        X = rng.rand(15, 30)
        y = rng.randint(0, 3, size=15)
        sw = rng.randint(0, 5, size=15)
        if len(set(y[sw > 0])) < len(set(y)):
            continue
        if Estimator is SigmoidNeuronRegressor:
            y = y / 2
        repeated = Estimator(loss=loss).fit(X.repeat(sw, axis=0), y.repeat(sw))
        Xw, yw, sww = shuffle(X, y, sw, random_state=seed)
        weighted = Estimator(loss=loss).fit(Xw, yw, sample_weight=sww)
        method = "predict_proba" if Estimator is GDLogisticRegression else "predict"
        a, b = getattr(weighted, method)(X), getattr(repeated, method)(X)
        n_problems += 1
        if loss == "mse":
            assert_allclose(a, b, rtol=1e-7)
            continue
        # The same objective: one optimum, each fit within its certified gap.
        # J = L + alpha/2 ||coef||^2 with L convex gives J(W) - J* >= alpha/2
        # ||coef - coef*||^2 (the intercept is not penalised: coef only).
        assert repeated.stop_reason_ == weighted.stop_reason_ == "certified gap"
        alpha = weighted.alpha
        radius = np.sqrt(2 * weighted.dual_gap_ / alpha) + np.sqrt(
            2 * repeated.dual_gap_ / alpha
        )
        assert np.linalg.norm(weighted.coef_ - repeated.coef_) <= radius
        n_apart += not np.allclose(a, b, rtol=1e-7)
    # Most problems still follow one path to 1e-7.
    assert n_apart <= n_problems // 4


def test_average_of_the_lecture_iterates(cancer):
    # Fixed step, full batch: coef_ is exactly the mean of the lecture's
    # iterates from the update at which `average` samples have been seen.
    X, y = cancer
    n = len(y)
    obj = _objective(X, y, alpha=1e-4)
    W = np.zeros((1, X.shape[1] + 1))
    W[0, -1] = np.log(y.mean() / (1 - y.mean()))  # the log-odds start
    iterates = []
    for _ in range(8):
        W = W - 0.3 * obj.value_grad(W)[1]
        iterates.append(W)
    for average, first in ((True, 0), (3 * n, 2)):
        clf = GDLogisticRegression(
            learning_rate=0.3, max_iter=8, tol=None, average=average
        ).fit(X, y)
        mean = np.mean(iterates[first:], axis=0)
        assert_allclose(clf.coef_, mean[:, :-1], rtol=1e-10)
        assert_allclose(clf.intercept_, mean[:, -1], rtol=1e-10)
    never = GDLogisticRegression(
        learning_rate=0.3, max_iter=8, tol=None, average=100 * n
    ).fit(X, y)
    assert_allclose(never.coef_, iterates[-1][:, :-1], rtol=1e-10)


def test_average_carries_over_pieces_and_calms_sgd():
    X, y = make_classification(n_samples=600, n_features=10, flip_y=0.2, random_state=0)
    sgd = {"batch_size": 8, "learning_rate": 5.0, "random_state": 0, "tol": None}
    once = GDLogisticRegression(max_iter=12, average=True, **sgd).fit(X, y)
    pieces = GDLogisticRegression(max_iter=3, warm_start=True, average=True, **sgd)
    for _ in range(4):
        pieces.fit(X, y)
    assert_allclose(pieces.coef_, once.coef_, rtol=1e-10)
    # partial_fit streams continue the mean too.
    stream = GDLogisticRegression(average=True, **sgd)
    for _ in range(12):
        stream.partial_fit(X, y, classes=[0, 1])
    assert_allclose(stream.coef_, once.coef_, rtol=1e-10)
    # With a large constant step the last iterate rattles around the optimum;
    # the mean (from the second pass on) settles closer to it.
    last = GDLogisticRegression(max_iter=12, **sgd).fit(X, y)
    calm = GDLogisticRegression(max_iter=12, average=len(y), **sgd).fit(X, y)
    best = GDLogisticRegression(alpha=1e-4, tol=1e-12, max_iter=5000).fit(X, y)
    objective = best._training_objective(X, y)[0]

    def gap(model):
        return objective.value(model._get_packed_params()) - objective.value(
            best._get_packed_params()
        )

    assert gap(calm) < 0.5 * gap(last)  # measured: 0.36 against 1.54


def test_average_is_refused_with_line_search():
    X, y = make_classification(n_samples=50, random_state=0)
    with pytest.raises(ValueError, match="average applies to fixed-step"):
        GDLogisticRegression(average=True).fit(X, y)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_spectral_step_from_one_dot_product(dtype, monkeypatch):
    # In float64 the spectral step comes from |g|^2, |g_prev|^2 and g.g_prev;
    # it must agree with the steps from y = g - g_prev, computed the long way.
    import sklearn_sigmoid._optim as optim

    X, y = make_classification(n_samples=300, n_features=20, random_state=0)
    X = X.astype(dtype)

    def steps():
        obj = LinearObjective(
            get_loss("cross_entropy", "sigmoid"),
            X,
            y[:, None].astype(dtype),
            np.ones(len(y), dtype),
            1e-3,
            True,
        )
        stepper = SpectralStep(obj, np.zeros((1, 21), dtype), obj.trace_lipschitz())
        taken = []
        for _ in range(30):
            stepper.epoch()
            taken.append(stepper.step)
        return np.array(taken), stepper.W

    short_steps, short_W = steps()
    monkeypatch.setattr(optim, "_CANCELLATION", np.inf)  # always the long way
    long_steps, long_W = steps()
    assert_allclose(short_steps, long_steps, rtol=1e-12)
    assert_allclose(short_W, long_W, rtol=1e-12)


def test_spectral_step_takes_the_long_way_where_the_difference_cancels():
    X, y = make_classification(n_samples=100, n_features=5, random_state=0)
    obj = _objective(X, y)
    stepper = SpectralStep(obj, np.zeros((1, 6)), obj.trace_lipschitz())
    stepper.epoch()
    g = stepper.grad
    # A previous gradient that differs from g in the 7th digit only: the
    # one-dot formulas would keep about two digits of y.y.
    stepper._prev_g = g * (1 + 1e-7)
    stepper._prev_g_sq = float(np.vdot(stepper._prev_g, stepper._prev_g))
    stepper._n = 0  # the short (BB2) step, which needs y.y
    y_diff = g - stepper._prev_g
    s_dot_y = -stepper.step * float(np.vdot(stepper._prev_g, y_diff))
    expected = s_dot_y / float(np.vdot(y_diff, y_diff))
    assert_allclose(stepper._spectral_step(float(np.vdot(g, g))), expected, rtol=1e-9)


def test_warm_start_leaves_the_state_it_continues_from_alone(cancer):
    # The stepper writes gradients into its own arrays; the ones a warm start
    # hands over belong to the previous fit's state and must stay intact.
    X, y = cancer
    clf = GDLogisticRegression(warm_start=True, max_iter=5, tol=None).fit(X, y)
    state = vars(clf._optimizer_state)  # the OptimizerState's fields
    kept = {k: v.copy() for k, v in state.items() if isinstance(v, np.ndarray)}
    clf.fit(X, y)
    for key, value in kept.items():
        np.testing.assert_array_equal(state[key], value)


def test_line_search_stops_by_itself_at_the_optimum(cancer):
    # With tol=None only the line search can end the fit: once no step
    # changes the parameters at float64 precision, it reports convergence.
    X, y = cancer
    clf = GDLogisticRegression(tol=None, max_iter=100_000).fit(X, y)
    assert clf.n_iter_ < 5_000
    obj = _objective(X, y, alpha=clf.alpha)
    W = np.hstack([clf.coef_, clf.intercept_[:, None]])
    value, grad = obj.value_grad(W)
    assert np.linalg.norm(grad) < 1e-6
    assert value == pytest.approx(clf.loss_curve_[-1], rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_spectral_move_updates_W_in_place(dtype):
    X, y = make_classification(n_samples=50, n_features=4, random_state=0)
    obj = _objective(X.astype(dtype), y)
    W = np.random.RandomState(0).normal(size=(1, 5)).astype(dtype)
    stepper = SpectralStep(obj, W, obj.trace_lipschitz())
    g = np.random.RandomState(1).normal(size=(1, 5)).astype(dtype)
    expected = W - dtype(0.3) * g
    stepper._move(0.3, g)
    assert stepper.W is W  # the stepper's own array, updated where it lies
    assert_allclose(W, expected, rtol=1e-6 if dtype == np.float32 else 1e-15)


def test_epoch_callbacks_see_every_epoch_and_can_stop(cancer):
    # The one hook of the epoch loop: every callback sees each epoch's
    # objective and reported parameters, and any of them may stop descent.
    from sklearn_sigmoid._optim import EpochCallback

    class Recorder(EpochCallback):
        def __init__(self, stop_at=None):
            self.begun, self.values, self.W, self.stop_at = 0, [], [], stop_at

        def begin(self):
            self.begun += 1

        def end(self, value, W):
            self.values.append(value)
            self.W.append(W.copy())
            return len(self.values) == self.stop_at

    X, y = cancer
    obj = LinearObjective(
        get_loss("cross_entropy", "sigmoid"),
        X,
        y[:, None] * 1.0,
        np.ones(len(y)),
        1e-3,
        True,
    )
    watch, stopper = Recorder(), Recorder(stop_at=3)
    stepper = SpectralStep(obj, np.zeros((1, X.shape[1] + 1)), obj.trace_lipschitz())
    result = run_epochs(stepper, max_iter=10, callbacks=[watch, stopper])
    assert result["reason"] == "callback" and result["n_iter"] == 3
    assert watch.begun == stopper.begun == 3
    assert watch.values == result["loss_curve"]
    np.testing.assert_array_equal(watch.W[-1], result["W"])


def test_optimizer_state_is_one_record(cancer):
    # One dataclass for every update rule; a partial_fit chunk drops what
    # belongs to the previous chunk's objective and keeps the rest.
    from sklearn_sigmoid._optim import OptimizerState

    X, y = cancer
    clf = GDLogisticRegression(batch_size=50, momentum=0.9, learning_rate=0.1)
    clf.partial_fit(X, y, classes=[0, 1])
    state = clf._optimizer_state
    assert isinstance(state, OptimizerState)
    assert state.rng is not None and state.velocity is not None
    assert state.initial_value is not None
    nxt = state.for_next_chunk()
    assert nxt.initial_value is None and nxt.previous_grad is None
    assert nxt.velocity is state.velocity and nxt.rng is state.rng


def test_warm_start_on_other_data_starts_the_line_search_afresh(cancer):
    # The spectral step, last gradient and nonmonotone reference of a fit
    # on other data describe another objective: a warm start there descends
    # as a fit from the same start without that state does, bit for bit.
    X, y = cancer
    other = GDLogisticRegression(warm_start=True).fit(X[::2] * 2.0, y[::2])
    start = other.coef_.copy(), other.intercept_.copy()
    epochs_before = other.n_iter_  # (a warm start counts on, as MLP's does)
    warm = other.fit(X, y)
    fresh = GDLogisticRegression().fit(
        X, y, coef_init=start[0], intercept_init=start[1]
    )
    assert warm.n_iter_ - epochs_before == fresh.n_iter_
    assert_allclose(warm.coef_, fresh.coef_, rtol=0, atol=0)
    assert_allclose(warm.loss_curve_[-fresh.n_iter_ :], fresh.loss_curve_, atol=0)
