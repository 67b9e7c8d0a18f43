"""GDLogisticRegression: optimum, API, integration and errors."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_iris, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sigmoid import DivergenceError, GDLogisticRegression


@pytest.fixture(scope="module")
def binary():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def multiclass():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _parity(X, y, C=1.0, sample_weight=None):
    n = len(y) if sample_weight is None else sample_weight.sum()
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=10_000)
    ref.fit(X, y, sample_weight=sample_weight)
    ours = GDLogisticRegression(alpha=1 / (C * n), tol=1e-13, max_iter=20_000)
    ours.fit(X, y, sample_weight=sample_weight)
    return ref, ours


def _rel(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


@pytest.mark.parametrize("data", ["binary", "multiclass"])
@pytest.mark.parametrize("C", [0.1, 1.0])
def test_same_optimum_as_logistic_regression(data, C, request):
    X, y = request.getfixturevalue(data)
    ref, ours = _parity(X, y, C)
    assert ours.coef_.shape == ref.coef_.shape
    assert _rel(ours.coef_, ref.coef_) < 1e-4
    assert _rel(ours.intercept_, ref.intercept_) < 1e-4
    p_ref, p_ours = ref.predict_proba(X), ours.predict_proba(X)
    assert np.max(np.abs(p_ours - p_ref) / np.maximum(p_ref, 1e-3)) < 1e-4


def test_same_optimum_with_sample_weight_and_sparse(multiclass):
    X, y = multiclass
    sw = np.random.RandomState(0).randint(1, 4, size=len(y)).astype(float)
    ref, ours = _parity(sp.csr_matrix(X), y, 1.0, sample_weight=sw)
    assert _rel(ours.coef_, ref.coef_) < 1e-4


def test_shapes_and_probabilities(binary, multiclass):
    for (X, y), k in [(binary, 1), (multiclass, 3)]:
        clf = GDLogisticRegression().fit(X, y)
        assert clf.coef_.shape == (k, X.shape[1])
        assert clf.intercept_.shape == (k,)
        proba = clf.predict_proba(X)
        assert_allclose(proba.sum(axis=1), 1.0)
        assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-10)
        assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
        assert clf.n_iter_ == len(clf.loss_curve_)
        assert clf.score(X, y) > 0.95


def test_binary_probability_is_the_sigmoid_of_the_decision(binary):
    X, y = binary
    clf = GDLogisticRegression().fit(X, y)
    z = X @ clf.coef_.ravel() + clf.intercept_[0]
    assert_allclose(clf.decision_function(X), z)
    assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-z)))


def test_string_labels_and_mse_loss(multiclass):
    X, y = multiclass
    names = np.array(["setosa", "versicolor", "virginica"], dtype=object)[y]
    clf = GDLogisticRegression(loss="mse").fit(X, names)
    assert_array_equal(clf.classes_, ["setosa", "versicolor", "virginica"])
    assert clf.score(X, names) > 0.9
    assert set(clf.predict(X)) <= set(names)


def test_loss_aliases_give_the_same_model(binary):
    X, y = binary
    a = GDLogisticRegression(loss="log_loss").fit(X, y)
    b = GDLogisticRegression(loss="cross_entropy").fit(X, y)
    assert_allclose(a.coef_, b.coef_)
    c = GDLogisticRegression(loss="squared_error").fit(X, y)
    d = GDLogisticRegression(loss="mse").fit(X, y)
    assert_allclose(c.coef_, d.coef_)
    assert not np.allclose(a.coef_, c.coef_)


def _assert_auto_descent(curve, loss):
    """learning_rate='auto': the squared error decreases at every epoch; the
    cross-entropy (certified stop, nonmonotone rule) stays below the highest
    of its last 20 values (the start counts for the first 20 epochs, and is
    not in the curve) and ends below where it began."""
    curve = np.asarray(curve)
    if loss == "mse":
        assert np.all(np.diff(curve) <= 0), loss
    else:
        for k in range(20, len(curve)):
            assert curve[k] < curve[k - 20 : k].max(), (loss, k)
    assert curve[-1] < curve[0], loss


def test_auto_learning_rate_descends(binary, multiclass):
    for X, y in (binary, multiclass):
        for loss in ("cross_entropy", "mse"):
            curve = GDLogisticRegression(loss=loss, max_iter=200).fit(X, y).loss_curve_
            assert len(curve) > 5
            _assert_auto_descent(curve, loss)


def test_class_weight(binary):
    X, y = binary
    balanced = GDLogisticRegression(class_weight="balanced").fit(X, y)
    counts = np.bincount(y)
    manual = len(y) / (2 * counts)
    by_hand = GDLogisticRegression().fit(X, y, sample_weight=manual[y])
    assert_allclose(balanced.coef_, by_hand.coef_, rtol=1e-6)
    heavy = GDLogisticRegression(class_weight={0: 10.0, 1: 1.0}).fit(X, y)
    assert heavy.predict(X).mean() < GDLogisticRegression().fit(X, y).predict(X).mean()


def test_partial_fit_equals_fixed_step_epochs(binary):
    X, y = binary
    streamed = GDLogisticRegression(learning_rate=0.5)
    for _ in range(7):
        streamed.partial_fit(X, y, classes=[0, 1])
    batch = GDLogisticRegression(learning_rate=0.5, max_iter=7, tol=None).fit(X, y)
    assert_allclose(streamed.coef_, batch.coef_, rtol=1e-10)
    assert streamed.n_iter_ == 7 and len(streamed.loss_curve_) == 7


def test_partial_fit_streams_chunks(multiclass):
    X, y = multiclass
    rng = np.random.RandomState(0)
    order = rng.permutation(len(y))
    clf = GDLogisticRegression(batch_size=10, learning_rate=0.5, random_state=0)
    for epoch in range(10):
        for chunk in np.array_split(order, 5):
            clf.partial_fit(X[chunk], y[chunk], classes=np.unique(y))
    assert clf.score(X, y) > 0.9


def test_partial_fit_errors(binary):
    X, y = binary
    with pytest.raises(ValueError, match="classes must be passed"):
        GDLogisticRegression().partial_fit(X, y)
    clf = GDLogisticRegression().partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X[:5], np.full(5, 7))
    with pytest.raises(ValueError, match="balanced"):
        GDLogisticRegression(class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :5], y)


def test_warm_start_epoch_by_epoch_equals_one_fit(binary):
    X, y = binary
    clf = GDLogisticRegression(learning_rate=1.0, max_iter=1, tol=None, warm_start=True)
    path = []
    for _ in range(6):
        clf.fit(X, y)
        path.append(clf.coef_.copy())
    once = GDLogisticRegression(learning_rate=1.0, max_iter=6, tol=None).fit(X, y)
    assert_allclose(path[-1], once.coef_, rtol=1e-10)
    assert clf.n_iter_ == 6 and len(clf.loss_curve_) == 6
    assert_allclose(clf.loss_curve_, once.loss_curve_)


@pytest.mark.parametrize(
    "params",
    [{"learning_rate": "auto"}, {"learning_rate": 0.5, "momentum": 0.8}],
    ids=["spectral", "momentum"],
)
def test_warm_start_continues_the_optimiser_exactly(binary, params):
    # Epoch-by-epoch warm starts walk the same path as one uninterrupted fit,
    # for the adaptive step and for momentum too (the optimiser's state is kept).
    X, y = binary
    clf = GDLogisticRegression(max_iter=1, tol=None, warm_start=True, **params)
    for _ in range(15):
        clf.fit(X, y)
    once = GDLogisticRegression(max_iter=15, tol=None, **params).fit(X, y)
    assert_allclose(clf.coef_, once.coef_, rtol=1e-10)
    assert_allclose(clf.loss_curve_, once.loss_curve_, rtol=1e-12)


def test_warm_start_on_float32_data_fitted_in_float64_continues_exactly():
    # coef_ is the float32 rounding of the float64 iterate: a warm start goes
    # on from the iterate itself (the point the optimiser's state belongs
    # to), so the pieces walk one fit's path; after coef_ was changed by
    # hand, from coef_.
    X32, y = _breast_cancer_float32()
    clf = GDLogisticRegression(alpha=1e-4, max_iter=20, tol=None, warm_start=True)
    clf.fit(X32, y)
    clf.fit(X32, y)
    once = GDLogisticRegression(alpha=1e-4, max_iter=40, tol=None).fit(X32, y)
    assert clf.coef_.dtype == np.float32
    assert_array_equal(clf.coef_, once.coef_)
    assert_allclose(clf.loss_curve_, once.loss_curve_, rtol=1e-12)
    clf.coef_ = np.zeros_like(clf.coef_)
    clf.set_params(max_iter=1).fit(X32, y)
    assert clf.loss_curve_[-1] > once.loss_curve_[-1]


def test_warm_start_pieces_behave_as_one_fit_for_sgd_and_divergence():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    # Mini-batches: the shuffling generator carries over between pieces.
    sgd = dict(batch_size=20, learning_rate=0.1, random_state=0, tol=None)
    pieces = GDLogisticRegression(max_iter=1, warm_start=True, **sgd)
    for _ in range(6):
        pieces.fit(X, y)
    once = GDLogisticRegression(max_iter=6, **sgd).fit(X, y)
    assert_allclose(pieces.coef_, once.coef_, rtol=1e-10)
    # Divergence is judged against where descent started, not each piece.
    big = dict(learning_rate=300.0, alpha=0.0, tol=None)
    with pytest.raises(DivergenceError):
        GDLogisticRegression(max_iter=200, **big).fit(X, y)
    pieces = GDLogisticRegression(max_iter=1, warm_start=True, **big)
    with pytest.raises(DivergenceError):
        for _ in range(200):
            pieces.fit(X, y)


def test_coef_init_and_intercept_init(binary):
    X, y = binary
    coef0 = np.full(X.shape[1], 0.1)
    clf = GDLogisticRegression(learning_rate=0.1, max_iter=1, tol=None)
    clf.fit(X, y, coef_init=coef0, intercept_init=-2.0)
    obj_grad_step = clf.coef_.ravel() - coef0
    assert np.all(obj_grad_step != 0)
    # Start point is used as given: zero steps would leave it in place.
    with pytest.raises(ValueError, match="coef_init has shape"):
        clf.fit(X, y, coef_init=np.zeros(3))
    with pytest.raises(ValueError, match="intercept_init"):
        clf.fit(X, y, intercept_init=[1.0, 2.0, 3.0])


def test_early_stopping(binary):
    X, y = binary
    clf = GDLogisticRegression(
        early_stopping=True,
        learning_rate=0.05,
        random_state=0,
        n_iter_no_change=3,
        tol=1e-4,
        max_iter=500,
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.n_iter_ < 500
    assert clf.best_validation_score_ > 0.9


def test_pipeline_grid_search_cross_val_clone_pickle(binary):
    X, y = binary
    pipe = make_pipeline(StandardScaler(), GDLogisticRegression())
    grid = GridSearchCV(
        pipe,
        param_grid={"gdlogisticregression__learning_rate": [0.001, 0.1, 1.0]},
        cv=3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tiny step ends at max_iter
        grid.fit(X, y)
    assert grid.best_params_["gdlogisticregression__learning_rate"] in (0.001, 0.1, 1.0)
    assert grid.best_score_ > 0.95
    scores = cross_val_score(
        make_pipeline(StandardScaler(), GDLogisticRegression()), X, y, cv=5
    )
    assert scores.mean() > 0.95
    fitted = GDLogisticRegression().fit(X, y)
    twin = clone(fitted)
    assert not hasattr(twin, "coef_") and twin.get_params() == fitted.get_params()
    restored = pickle.loads(pickle.dumps(fitted))
    assert_allclose(restored.predict_proba(X), fitted.predict_proba(X))


def test_grid_search_survives_a_diverging_learning_rate(binary):
    X, y = load_breast_cancer(return_X_y=True)
    grid = GridSearchCV(
        GDLogisticRegression(alpha=0),
        {"learning_rate": ["auto", 100.0]},
        cv=3,
        error_score=np.nan,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid.fit(X, y)
    assert grid.best_params_ == {"learning_rate": "auto"}
    assert np.isnan(grid.cv_results_["mean_test_score"][1])


def test_sparse_input_is_never_densified():
    # 200 rows x 5 million columns: a dense copy would need 8 GB.
    rng = np.random.RandomState(0)
    n, d = 200, 5_000_000
    rows = np.concatenate([rng.randint(0, n, 2000), np.arange(n)])
    cols = np.concatenate([rng.randint(0, d, 2000), rng.randint(0, 3, n)])
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, d))
    y = (X[:, 0].toarray().ravel() > 0).astype(int)
    clf = GDLogisticRegression(max_iter=50).fit(X, y)
    assert clf.coef_.shape == (1, d)
    assert clf.score(X, y) > 0.8


def test_dense_and_sparse_fits_agree(multiclass):
    X, y = multiclass
    dense = GDLogisticRegression().fit(X, y)
    for fmt in ("csr", "csc"):
        sparse = GDLogisticRegression().fit(sp.csr_matrix(X).asformat(fmt), y)
        assert_allclose(sparse.coef_, dense.coef_, rtol=1e-8, atol=1e-10)


def test_float32_is_kept(multiclass):
    X, y = multiclass
    clf = GDLogisticRegression(alpha=0.01).fit(X.astype(np.float32), y)
    assert clf.coef_.dtype == np.float32 and clf.intercept_.dtype == np.float32
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    ref = GDLogisticRegression(alpha=0.01).fit(X, y)
    assert_allclose(clf.coef_, ref.coef_, rtol=1e-2, atol=1e-2)


def _breast_cancer_float32():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y


@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_small_float32_data_is_fitted_in_float64(estimator):
    # As lbfgs does: the fit computes in float64 (float32's rounding makes
    # spectral steps erratic), and the parameters are rounded to float32
    # once, at the end: the float64 fit's own path, to the last bit.
    from sklearn_sigmoid import SigmoidNeuronRegressor

    X32, y = _breast_cancer_float32()
    make = {
        "classifier": lambda: GDLogisticRegression(alpha=1e-4),
        "regressor": lambda: SigmoidNeuronRegressor(loss="cross_entropy", alpha=1e-4),
    }[estimator]
    small = make().fit(X32, y)
    wide = make().fit(X32.astype(np.float64), y)
    assert small.coef_.dtype == np.float32 and small.intercept_.dtype == np.float32
    assert small.n_iter_ == wide.n_iter_ and small.dual_gap_ == wide.dual_gap_
    assert_array_equal(small.coef_, wide.coef_.astype(np.float32))
    assert_array_equal(small.intercept_, wide.intercept_.astype(np.float32))
    assert small.predict(X32).dtype == (np.float32 if estimator == "regressor" else int)


def test_float32_data_past_the_size_keeps_float32_arithmetic(monkeypatch):
    X32, y = _breast_cancer_float32()
    wide = GDLogisticRegression(alpha=1e-4).fit(X32.astype(np.float64), y)
    for limit, same_path in [(X32.nbytes, True), (X32.nbytes - 1, False)]:
        monkeypatch.setattr("sklearn_sigmoid._base._FLOAT64_COPY_BYTES", limit)
        model = GDLogisticRegression(alpha=1e-4).fit(X32, y)
        assert model.coef_.dtype == np.float32
        exact = np.array_equal(model.coef_, wide.coef_.astype(np.float32))
        assert exact == same_path
        # Both are the same model, to the tolerance of the stop.
        assert_allclose(model.coef_, wide.coef_, rtol=0.05, atol=0.05)
    # partial_fit chunks are computed in their own dtype whatever their size.
    monkeypatch.undo()
    stream = GDLogisticRegression().partial_fit(X32, y, classes=[0, 1])
    wide = GDLogisticRegression().partial_fit(X32.astype(np.float64), y, classes=[0, 1])
    assert stream.coef_.dtype == np.float32
    assert not np.array_equal(stream.coef_, wide.coef_.astype(np.float32))
    assert_allclose(stream.coef_, wide.coef_, rtol=1e-4, atol=1e-5)


def test_extreme_scores_stay_finite_and_silent(binary):
    X, y = binary
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = GDLogisticRegression(learning_rate=1e-3, max_iter=2, tol=None)
        # Start where |w.x + b| is about 1e4 for every row.
        clf.fit(X, y, coef_init=np.full(X.shape[1], 1e3), intercept_init=0.0)
        assert np.all(np.isfinite(clf.loss_curve_))
        big = X * 1e6
        assert np.all(np.isfinite(clf.predict_proba(big)))
        assert np.all(np.isfinite(clf.predict_log_proba(big)))
        assert np.all(np.isfinite(clf.decision_function(big)))


@pytest.mark.parametrize(
    "params",
    [
        {"loss": "hinge"},
        {"learning_rate": 0},
        {"learning_rate": -1.0},
        {"learning_rate": "fast"},
        {"momentum": 1.0},
        {"alpha": -1},
        {"batch_size": 0},
        {"max_iter": 0},
        {"validation_fraction": 1.0},
        {"class_weight": "auto"},
        {"tol": -1},
    ],
)
def test_invalid_parameters(params, binary):
    X, y = binary
    with pytest.raises(InvalidParameterError):
        GDLogisticRegression(**params).fit(X, y)


def test_bad_data_errors(binary):
    X, y = binary
    clf = GDLogisticRegression()
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X_nan, y)
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clf.fit(X_inf, y)
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(X, np.zeros_like(y))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.fit(X, y[:-1])
    clf.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])
    with pytest.raises(ValueError, match="Unknown label type"):
        GDLogisticRegression().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match=r"non-zero|sum to zero"):
        GDLogisticRegression().fit(X, y, sample_weight=np.zeros(len(y)))


def test_not_fitted():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GDLogisticRegression().predict(np.zeros((2, 3)))


def test_make_classification_many_classes():
    X, y = make_classification(
        n_samples=600, n_classes=5, n_informative=8, random_state=0
    )
    clf = GDLogisticRegression().fit(X, y)
    assert clf.coef_.shape == (5, 20)
    assert clf.score(X, y) > 0.6
