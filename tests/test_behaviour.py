"""Estimator behaviours scikit-learn's own tests expect, and hostile inputs.

Inputs that once made the optimiser loop forever (a non-finite start,
overflowing weights, ...) are probed in a subprocess under a time limit, so
that a regression fails instead of stalling the suite.
"""

import inspect
import json
import math
import re
import subprocess
import sys
import textwrap
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import sklearn_sigmoid._base as base
from sklearn_sigmoid import (
    DivergenceError,
    GDLogisticRegression,
    SigmoidNeuronRegressor,
)

G, R = GDLogisticRegression, SigmoidNeuronRegressor


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=200, n_features=4, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def three_classes():
    X, y = make_classification(
        n_samples=150,
        n_features=2,
        n_informative=2,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        random_state=0,
    )
    return X, y


# -- partial_fit ---------------------------------------------------------------


def test_a_harder_chunk_is_not_divergence():
    # The first chunk ends with the intercept at logit(1e-6); the second
    # starts at a loss of about 13.8 (it has only the other label), far
    # above ten times the first's: no DivergenceError, and one epoch on it
    # brings its loss down (a spectral step from the first chunk's gradients
    # had left the intercept in place).
    clf = G().partial_fit([[0.0], [1.0]], [0, 0], classes=[0, 1])
    assert clf.loss_curve_[0] < 1e-5
    clf.partial_fit([[0.0], [1.0]], [1, 1])
    assert clf.loss_curve_[1] < 1.0
    assert clf.intercept_[0] > 0


def test_partial_fit_still_detects_a_step_that_blows_up(binary):
    X, y = binary
    with pytest.raises(DivergenceError):
        G(learning_rate=1e6, alpha=0).partial_fit(X, y, classes=[0, 1])


@pytest.mark.parametrize("Estimator", [G, R])
def test_partial_fit_refuses_early_stopping(Estimator, binary):
    X, y = binary
    est = Estimator(early_stopping=True)
    kwargs = {"classes": [0, 1]} if Estimator is G else {}
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        est.partial_fit(X, y, **kwargs)
    assert not hasattr(est, "coef_") and not hasattr(est, "classes_")


# -- coef_init / intercept_init ----------------------------------------------


def test_starts_must_have_the_fitted_shapes(three_classes, binary):
    X, y = three_classes  # coef_ is (3, 2), intercept_ (3,)
    clf = G(max_iter=2, tol=None)
    with pytest.raises(
        ValueError, match=r"coef_init has shape \(2, 3\); expected \(3, 2\)"
    ):
        clf.fit(X, y, coef_init=np.zeros((2, 3)))
    with pytest.raises(
        ValueError, match=r"intercept_init has shape \(1,\); expected \(3,\)"
    ):
        clf.fit(X, y, intercept_init=[0.5])
    with pytest.raises(ValueError, match="coef_init has shape"):
        clf.fit(X, y, coef_init=np.zeros(6))
    clf.fit(X, y, coef_init=np.zeros((3, 2)), intercept_init=np.zeros(3))
    # One output: 1-D or one-row coef, scalar or one-element intercept.
    Xb, yb = binary
    for coef in (np.zeros(4), np.zeros((1, 4))):
        for intercept in (0.5, [0.5]):
            G(max_iter=1, tol=None).fit(
                Xb, yb, coef_init=coef, intercept_init=intercept
            )
            R(max_iter=1, tol=None).fit(
                Xb, yb, coef_init=coef, intercept_init=intercept
            )
    with pytest.raises(ValueError, match="coef_init has shape"):
        G().fit(Xb, yb, coef_init=np.zeros((4, 1)))
    Y2 = np.column_stack([yb, 1 - yb]).astype(float)
    with pytest.raises(ValueError, match="coef_init has shape"):
        R().fit(Xb, Y2, coef_init=np.zeros(8))
    with pytest.raises(ValueError, match="intercept_init has shape"):
        R().fit(Xb, Y2, intercept_init=0.5)


def test_a_usable_large_start_is_still_accepted(binary):
    X, y = binary
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a long way back
        clf = G(alpha=0).fit(X, y, coef_init=[1e100, 0, 0, 0])
    assert np.all(np.isfinite(clf.coef_)) and clf.score(X, y) > 0.9


# -- early stopping -------------------------------------------------------------


def _ordered_data():
    # 80 training rows with a quarter positives, then 20 positive rows whose
    # targets lie far above the others.
    rng = np.random.RandomState(0)
    X = rng.randn(100, 2)
    y = np.r_[np.tile([1, 0, 0, 0], 20), np.ones(20, dtype=int)]
    t = np.r_[rng.uniform(0, 2, 80), rng.uniform(5, 9, 20)]
    return X, y, t


def test_early_stopping_start_sees_the_training_part_in_order():
    X, y, t = _ordered_data()
    common = dict(
        early_stopping=True,
        validation_fraction=0.2,
        shuffle=False,
        learning_rate=1e-12,
        max_iter=1,
        tol=None,
    )
    clf = G(**common).fit(X, y)
    # A step of 1e-12 leaves the intercept at its start: the log-odds of the
    # first 80 rows (1 in 4), not of all 100 (2 in 5).
    assert_allclose(clf.intercept_, [math.log(1 / 3)], rtol=1e-6)
    reg = R(**common).fit(X, t)
    assert_allclose(reg.target_range_, [[t[:80].min(), t[:80].max()]])
    # The held-out rows lie above the training range: scored as they are.
    assert reg.validation_scores_[0] < -1


def test_early_stopping_shuffle_false_holds_out_the_last_rows():
    X, y, _ = _ordered_data()
    y = y.copy()
    y[-20:] = 1 - y[-20:]  # the tail's labels reversed: nothing predicts them
    clf = G(
        early_stopping=True,
        validation_fraction=0.2,
        shuffle=False,
        max_iter=3,
        tol=None,
    ).fit(X, y)
    # Predicting "0" everywhere after the log-odds start: validation = tail.
    assert clf.validation_scores_[0] == 1.0


@pytest.mark.parametrize("Estimator", [G, R])
def test_early_stopping_refuses_a_validation_part_too_small(Estimator, binary):
    X, y = binary
    with pytest.raises(ValueError, match="validation set is too small"):
        Estimator(early_stopping=True, validation_fraction=0.1).fit(X[:10], y[:10])


def test_early_stopping_does_not_copy_the_training_rows():
    rng = np.random.RandomState(0)
    X = rng.randn(4000, 100)
    y = (X[:, 0] + rng.randn(4000) > 0).astype(int)
    clf = G(early_stopping=True, max_iter=2, tol=None, random_state=0)
    clf.fit(X[:50], y[:50])  # imports and caches outside the measurement
    tracemalloc.start()
    try:
        clf.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The validation rows (10%) are copied, the training rows (90%) are not.
    assert peak < 0.4 * X.nbytes


def test_early_stopping_refuses_a_training_part_without_weight(binary):
    X, y = binary
    weight = np.r_[np.zeros(150), np.ones(50)]
    with pytest.raises(ValueError, match="weights of the training part sum to zero"):
        R(early_stopping=True, shuffle=False, validation_fraction=0.25).fit(
            X, y.astype(float), sample_weight=weight
        )


def test_early_stopping_sparse_matches_dense(binary):
    X, y = binary
    kw = dict(early_stopping=True, random_state=0, max_iter=30)
    dense = G(**kw).fit(X, y)
    sparse = G(**kw).fit(sp.csr_matrix(X), y)
    assert_allclose(sparse.coef_, dense.coef_, rtol=1e-8, atol=1e-12)
    assert dense.validation_scores_ == sparse.validation_scores_


# -- warm start ------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, match",
    [("classes", "set of classes"), ("features", "number of features")],
)
def test_warm_start_refuses_another_problem(change, match, binary):
    X, y = binary
    clf = G(warm_start=True).fit(X, y)
    before = clf.predict_proba(X)
    X2, y2 = (X, y + 1) if change == "classes" else (X[:, :3], y)
    with pytest.raises(ValueError, match=match):
        clf.fit(X2, y2)
    assert_array_equal(clf.classes_, [0, 1])
    assert_allclose(clf.predict_proba(X), before)


def test_warm_start_regressor_with_other_outputs_stays_usable(binary):
    X, y = binary
    reg = R(warm_start=True).fit(X, y.astype(float))
    before = reg.predict(X)
    with pytest.raises(ValueError, match="number of outputs is 1, but this fit's is 2"):
        reg.fit(X, np.column_stack([y, 1 - y]).astype(float))
    assert reg.n_outputs_ == 1
    assert_allclose(reg.predict(X), before)
    reg.fit(X, y.astype(float))  # and it goes on from where it was
    reg.set_params(warm_start=False).fit(X, np.column_stack([y, y]).astype(float))
    assert reg.predict(X).shape == (len(y), 2)


# -- a failed fit leaves the model as it was --------------------------------------


def test_a_failed_fit_leaves_the_fitted_model_alone(binary):
    X, y = binary
    clf = G().fit(X, y)
    state = {k: v for k, v in vars(clf).items() if k.endswith("_")}
    labels = np.array(["neg", "pos"])[y]
    with pytest.raises(DivergenceError):
        clf.set_params(learning_rate=1e6, alpha=0).fit(X, labels)
    assert_array_equal(clf.predict(X), G().fit(X, y).predict(X))
    assert set(state) == {k for k in vars(clf) if k.endswith("_")}
    for key, value in state.items():
        assert np.array_equal(getattr(clf, key), value), key
    # A failure after validate_data has reset n_features_in_: restored too.
    with pytest.raises(ValueError, match=r"sum to zero|non-zero"):
        clf.fit(X[:, :2], y, sample_weight=np.zeros(len(y)))
    assert clf.n_features_in_ == 4
    clf.predict(X)


def test_a_failed_first_fit_leaves_nothing(binary):
    X, y = binary
    reg = R()
    with pytest.raises(ValueError, match="target_range"):
        reg.set_params(target_range=(None, 1)).fit(X, y)
    assert not [k for k in vars(reg) if k.endswith("_")]
    clf = G()
    with pytest.raises(ValueError, match="sum to inf"):
        clf.partial_fit(X, y, classes=[0, 1], sample_weight=np.full(len(y), 1e308))
    assert not hasattr(clf, "classes_") and not hasattr(clf, "n_features_in_")


# -- dtypes ------------------------------------------------------------------------


def test_float32_in_float32_out(binary):
    X, y = binary
    X32 = X.astype(np.float32)
    reg = R().fit(X32, y.astype(float))
    assert reg.predict(X32).dtype == np.float32
    assert reg.predict_proba(X32).dtype == np.float32
    assert_allclose(reg.predict(X32), R().fit(X, y.astype(float)).predict(X), atol=1e-3)
    spread = R().fit(X32, 100 * y.astype(float) - 50)  # mapped back from [-50, 50]
    assert spread.predict(X32).dtype == np.float32
    clf = G().fit(X32, y)
    assert clf.decision_function(X32).dtype == np.float32
    assert clf.predict_proba(X32).dtype == np.float32
    assert clf.predict_log_proba(X32).dtype == np.float32


# -- degenerate scale --------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
def test_features_whose_squares_overflow_are_refused(sparse, binary):
    X, y = binary
    big = X * 1e300
    with pytest.raises(ValueError, match=r"squared norm overflows.*scale the data"):
        G().fit(sp.csr_matrix(big) if sparse else big, y)
    # One entry suffices; the exact check runs where the cheap bound is unsure.
    one = X.copy()
    one[0, 0] = 1.5e154
    with pytest.raises(ValueError, match="squared norm overflows"):
        R().fit(one, y.astype(float))
    near = X / np.abs(X).max() * 1e154 / 2  # squared norms up to 1e308: fine
    base._check_feature_scale(near)


@pytest.mark.parametrize("scale", [1e6, 1e100, 1e150])
def test_large_but_representable_features_still_fit(scale, binary):
    X, y = binary
    clf = G(alpha=0).fit(X * scale, y)
    assert np.all(np.isfinite(clf.coef_)) and np.all(clf.coef_ != 0)
    assert clf.score(X * scale, y) > 0.9


def test_convergence_warning_advises_scaling(binary):
    X, y = binary
    with pytest.warns(ConvergenceWarning, match="scale the data.*StandardScaler"):
        G(max_iter=2).fit(X, y)


# -- weights and targets -------------------------------------------------------------


def test_zero_weights_are_reported_before_the_classes(binary, monkeypatch):
    # scikit-learn < 1.8 lets all-zero weights through _check_sample_weight;
    # the error must then name the weights, not "only one class: None".
    X, y = binary
    original = base._check_sample_weight
    # From 1.8 on, all-zero weights pass only when asked for (the argument
    # does not exist before 1.8, where they always pass).
    lenient_kwargs = (
        {"allow_all_zero_weights": True}
        if "allow_all_zero_weights" in inspect.signature(original).parameters
        else {}
    )

    def lenient(sample_weight, X, **kwargs):
        return original(sample_weight, X, dtype=kwargs.get("dtype"), **lenient_kwargs)

    monkeypatch.setattr(base, "_check_sample_weight", lenient)
    with pytest.raises(ValueError, match="sample weights sum to zero"):
        G().fit(X, y, sample_weight=np.zeros(len(y)))


def test_class_weight_nan_names_class_weight(binary):
    X, y = binary
    with pytest.raises(ValueError, match="class_weight must map classes to finite"):
        G(class_weight={0: np.nan, 1: 1.0}).fit(X, y)
    with pytest.raises(ValueError, match="class_weight must map classes to finite"):
        G(class_weight={0: -1.0, 1: 1.0}).fit(X, y)


def test_regressor_numeric_string_targets_are_converted(binary):
    X, y = binary
    t = np.linspace(-3, 5, len(y))
    as_str = R().fit(X, t.astype(str))
    assert_allclose(as_str.predict(X), R().fit(X, t).predict(X))
    with pytest.raises(ValueError, match="could not convert"):
        R().fit(X, np.array(["a"] * len(y)))


def test_target_range_must_be_two_numbers(binary):
    X, y = binary
    for bad in [(None, 1), ("low", 1), (0, 1, 2)]:
        with pytest.raises(ValueError, match="target_range must be 'auto' or a pair"):
            R(target_range=bad).fit(X, y.astype(float))


# -- the hostile battery (subprocess under a time limit) ---------------------------

_PROBES = {
    # name: (code, expected error class, message pattern)
    "coef_init NaN": (
        "G().fit(X, y, coef_init=[np.nan, 0, 0, 0])",
        "ValueError",
        "coef_init contains NaN or infinity",
    ),
    "coef_init inf": (
        "G(learning_rate=0.1).fit(X, y, coef_init=[np.inf, 0, 0, 0])",
        "ValueError",
        "coef_init contains NaN or infinity",
    ),
    "coef_init 1e308": (
        "G().fit(X, y, coef_init=[1e308, 0, 0, 0])",
        "ValueError",
        "coef_init has values beyond",
    ),
    "coef_init 1e154": (
        "G().fit(X, y, coef_init=[1e154, 0, 0, 0])",
        "ValueError",
        "objective at the given coef_init",
    ),
    "coef_init 1e20 float32": (
        "G().fit(X32, y, coef_init=[1e20, 0, 0, 0])",
        "ValueError",
        "whose squares overflow float32",
    ),
    "intercept_init inf": (
        "G().fit(X, y, intercept_init=np.inf)",
        "ValueError",
        "intercept_init contains NaN or infinity",
    ),
    "regressor intercept_init inf": (
        "R().fit(X, t, intercept_init=np.inf)",
        "ValueError",
        "intercept_init contains NaN",
    ),
    "intercept_init 1e308": (
        "G(batch_size=10).fit(X, y, intercept_init=1e308)",
        "ValueError",
        "intercept_init has values beyond",
    ),
    "class_weight inf": (
        "G(class_weight={0: np.inf, 1: 1}).fit(X, y)",
        "ValueError",
        "class_weight must map classes to finite",
    ),
    "class_weight nan": (
        "G(class_weight={0: np.nan, 1: 1}).fit(X, y)",
        "ValueError",
        "class_weight must map classes to finite",
    ),
    "class_weight 1e308": (
        "G(class_weight={0: 1e308, 1: 1e308}).fit(X, y)",
        "ValueError",
        "times class_weight sum to inf",
    ),
    "sample_weight 1e308": (
        "G().fit(X, y, sample_weight=np.full(len(y), 1e308))",
        "ValueError",
        "sample weights sum to inf",
    ),
    "float32 sample_weight 1e37": (
        "G().fit(X32, y, sample_weight=np.full(len(y), 1e37))",
        "ValueError",
        "sum to inf in float32",
    ),
    "targets +-1e308": (
        "R().fit(X, np.where(y, 1e308, -1e308))",
        "ValueError",
        "width overflows float64",
    ),
    "target_range +-1e308": (
        "R(target_range=(-1e308, 1e308)).fit(X, t)",
        "ValueError",
        "width overflows float64",
    ),
    "float32 alpha 1e39": (
        "G(alpha=1e39).fit(X32, y)",
        "ValueError",
        "exceeds the largest float32",
    ),
    "features 1e300": ("G().fit(X * 1e300, y)", "ValueError", "scale the data"),
}

_BATTERY = """
import json, signal, sys
import numpy as np
from sklearn.datasets import make_classification
from sklearn_sigmoid import GDLogisticRegression as G, SigmoidNeuronRegressor as R

def _hang(*args):
    raise TimeoutError("did not return within 20 s")

signal.signal(signal.SIGALRM, _hang)
X, y = make_classification(n_samples=200, n_features=4, random_state=0)
X32, t = X.astype(np.float32), np.linspace(0, 3, 200)
out = {}
for name, code in json.loads(sys.argv[1]).items():
    signal.alarm(20)
    try:
        eval(code)
        out[name] = ["returned", ""]
    except Exception as exc:
        out[name] = [type(exc).__name__, str(exc)]
    finally:
        signal.alarm(0)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def battery():
    codes = {name: code for name, (code, _, _) in _PROBES.items()}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_BATTERY), json.dumps(codes)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(_PROBES))
def test_hostile_input_is_refused_up_front(name, battery):
    _, error, pattern = _PROBES[name]
    got_error, message = battery[name]
    assert got_error == error, (got_error, message)
    assert re.search(pattern, message), message


def test_scaled_data_still_fits_silently(binary):
    X, y = binary
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = G().fit(StandardScaler().fit_transform(X), y)
    assert clf.n_iter_ < clf.max_iter
