"""ONNX export: onnxruntime computes what the estimators compute.

Needs the ``onnx`` extra (skl2onnx, onnxruntime); skipped without it, except
the test of the ImportError message.
"""

import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler

from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor
from sklearn_sigmoid.export import to_onnx


@pytest.fixture(scope="module")
def rt():
    pytest.importorskip("skl2onnx", reason="the [onnx] extra is not installed")
    return pytest.importorskip(
        "onnxruntime", reason="the [onnx] extra is not installed"
    )


def _run(rt, onx, X):
    sess = rt.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return sess.run(None, {sess.get_inputs()[0].name: X})


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    return 6.0 * X, y  # scores far from 0: where sigmoid(2z) and sigmoid(z) differ


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_binary_probabilities_match_predict_proba(rt, binary, dtype, tol):
    X, y = binary
    X = X.astype(dtype)
    clf = GDLogisticRegression().fit(X, np.where(y == 1, "pos", "neg"))
    label, proba = _run(rt, to_onnx(clf, X[:1]), X)
    expected = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert_allclose(proba, expected, atol=tol, rtol=0)
    assert_array_equal(label, clf.predict(X))
    # The scores span the range where the stock converter's sigmoid(2z)
    # would be off by far more than the tolerance.
    z = clf.decision_function(X)
    stock = 1.0 / (1.0 + np.exp(-2.0 * z))
    assert np.max(np.abs(stock - expected[:, 1])) > 0.05


def test_multiclass_pipeline_with_maxabs_scaler(rt):
    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    labels = np.array([10, 20, 30])[y]
    pipe = make_pipeline(MaxAbsScaler(), GDLogisticRegression()).fit(X, labels)
    label, proba = _run(rt, to_onnx(pipe, X[:2]), X)
    assert_allclose(proba, pipe.predict_proba(X), atol=1e-6, rtol=0)
    assert_array_equal(label, pipe.predict(X))
    assert label.dtype == np.int64


@pytest.mark.parametrize("n_outputs", [1, 2])
def test_regressor_with_target_range(rt, binary, n_outputs):
    X, _ = binary
    y = 2.0 + 3.0 / (1.0 + np.exp(-X[:, 0] / 6))  # targets in (2, 5)
    if n_outputs == 2:
        y = np.column_stack([y, 1.0 / (1.0 + np.exp(X[:, 1] / 6))])
    model = make_pipeline(MaxAbsScaler(), SigmoidNeuronRegressor()).fit(X, y)
    (pred,) = _run(rt, to_onnx(model, X[:2]), X)
    assert pred.shape == (len(X), n_outputs)
    assert_allclose(pred, model.predict(X).reshape(len(X), -1), atol=1e-9, rtol=0)


def test_zipmap_and_unfitted(rt, binary):
    from sklearn.exceptions import NotFittedError

    X, y = binary
    X = X.astype(np.float32)  # onnxruntime's ZipMap takes float32 only
    clf = GDLogisticRegression().fit(X, y)
    _, probas = _run(rt, to_onnx(clf, X[:1], zipmap=True), X[:3])
    assert [sorted(p) for p in probas] == [[0, 1]] * 3
    assert_allclose([p[1] for p in probas], clf.predict_proba(X[:3])[:, 1], atol=1e-6)
    with pytest.raises(NotFittedError):
        to_onnx(GDLogisticRegression(), X[:1])


def test_without_skl2onnx_the_error_names_the_extra(monkeypatch, binary):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)
    X, y = binary
    clf = GDLogisticRegression(max_iter=5, tol=None).fit(X, y)
    with pytest.raises(ImportError, match=r"sklearn-sigmoid\[onnx\]"):
        to_onnx(clf, X[:1])
