# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Export fitted models to ONNX, through skl2onnx's converter registration.

:func:`to_onnx` converts a fitted :class:`~sklearn_sigmoid.GDLogisticRegression`
(two classes or more), :class:`~sklearn_sigmoid.SigmoidNeuronRegressor`
(one output or several), or a :class:`~sklearn.pipeline.Pipeline` ending in
one (e.g. ``MaxAbsScaler`` then the model), into an ONNX graph that
onnxruntime runs.  :func:`register_converters` tells skl2onnx how to convert
the two estimators (it is called by :func:`to_onnx`; call it yourself to use
``skl2onnx.to_onnx`` or ``convert_sklearn`` directly).

The graphs compute what the estimators compute, not an approximation:

* two classes: ``z = X @ coef_.T + intercept_`` and probabilities
  ``[sigmoid(-z), sigmoid(z)]``, as :meth:`predict_proba` does.  (Registering
  skl2onnx's stock linear-classifier converter instead would take a softmax
  over ``(-z, z)``, i.e. ``sigmoid(2 z)``: wrong by up to 0.15.)
* more classes: the softmax of the scores; the label is the class of the
  largest probability.
* the neuron: ``low + (high - low) * sigmoid(z)`` with ``target_range_``.

The converters need the optional ``onnx`` extra
(``pip install "sklearn-sigmoid[onnx]"``: skl2onnx and onnxruntime).  This
module imports without them; converting without them raises an ImportError
that names the extra.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_sigmoid._classifier import GDLogisticRegression
from sklearn_sigmoid._regressor import SigmoidNeuronRegressor

__all__ = ["register_converters", "to_onnx"]

_ALIASES = {
    GDLogisticRegression: "SklearnSigmoidGDLogisticRegression",
    SigmoidNeuronRegressor: "SklearnSigmoidNeuronRegressor",
}


def _import_skl2onnx():
    try:
        import skl2onnx
    except ImportError as exc:
        raise ImportError(
            "Exporting to ONNX needs skl2onnx (and onnxruntime to run the "
            "result), which sklearn-sigmoid does not install by default. Install "
            'the extra with `pip install "sklearn-sigmoid[onnx]"`.'
        ) from exc
    return skl2onnx


def _scores(X, model, dtype, opv):
    """The ONNX node of ``X @ coef_.T + intercept_``, shape (N, k)."""
    from skl2onnx.algebra.onnx_ops import OnnxAdd, OnnxMatMul

    coef = np.atleast_2d(np.asarray(model.coef_, dtype=dtype))
    intercept = np.atleast_1d(np.asarray(model.intercept_, dtype=dtype))
    return OnnxAdd(OnnxMatMul(X, coef.T, op_version=opv), intercept, op_version=opv)


def _convert_classifier(scope, operator, container):
    from skl2onnx.algebra.onnx_ops import (
        OnnxArgMax,
        OnnxConcat,
        OnnxGather,
        OnnxIdentity,
        OnnxNeg,
        OnnxSigmoid,
        OnnxSoftmax,
    )
    from skl2onnx.common.data_types import guess_numpy_type

    model = operator.raw_operator
    opv = container.target_opset
    X = operator.inputs[0]
    dtype = guess_numpy_type(X.type)
    z = _scores(X, model, dtype, opv)
    if len(model.classes_) == 2:
        # [sigmoid(-z), sigmoid(z)]: each probability keeps its digits.
        proba = OnnxConcat(
            OnnxSigmoid(OnnxNeg(z, op_version=opv), op_version=opv),
            OnnxSigmoid(z, op_version=opv),
            axis=1,
            op_version=opv,
        )
    else:
        proba = OnnxSoftmax(z, axis=1, op_version=opv)
    index = OnnxArgMax(proba, axis=1, keepdims=0, op_version=opv)
    classes = model.classes_
    if np.issubdtype(classes.dtype, np.integer) or classes.dtype == np.bool_:
        classes = classes.astype(np.int64)
    elif classes.dtype.kind in "USO":
        classes = np.array([str(c) for c in classes])
    else:
        raise NotImplementedError(
            f"Exporting a classifier whose classes are {classes.dtype} is not "
            f"supported; encode the labels as integers or strings."
        )
    label = OnnxGather(classes, index, axis=0, op_version=opv)
    OnnxIdentity(
        label, op_version=opv, output_names=[operator.outputs[0].full_name]
    ).add_to(scope, container)
    OnnxIdentity(
        proba, op_version=opv, output_names=[operator.outputs[1].full_name]
    ).add_to(scope, container)


def _convert_regressor(scope, operator, container):
    from skl2onnx.algebra.onnx_ops import OnnxAdd, OnnxIdentity, OnnxMul, OnnxSigmoid
    from skl2onnx.common.data_types import guess_numpy_type

    model = operator.raw_operator
    opv = container.target_opset
    X = operator.inputs[0]
    dtype = guess_numpy_type(X.type)
    s = OnnxSigmoid(_scores(X, model, dtype, opv), op_version=opv)
    low = model.target_range_[:, 0].astype(dtype)
    span = (model.target_range_[:, 1] - model.target_range_[:, 0]).astype(dtype)
    y = OnnxAdd(OnnxMul(s, span, op_version=opv), low, op_version=opv)
    OnnxIdentity(
        y, op_version=opv, output_names=[operator.outputs[0].full_name]
    ).add_to(scope, container)


def _regressor_shape(operator):
    """Output shape ``(N, n_outputs)`` of the neuron."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    model = operator.raw_operator
    n_outputs = np.atleast_2d(model.coef_).shape[0]
    X = operator.inputs[0]
    kind = DoubleTensorType if isinstance(X.type, DoubleTensorType) else FloatTensorType
    operator.outputs[0].type = kind([X.get_first_dimension(), n_outputs])


def register_converters():
    """Register the two estimators' shape calculators and converters with skl2onnx.

    Idempotent.  :func:`to_onnx` calls it.

    Raises
    ------
    ImportError
        If skl2onnx is not installed (the message names the extra).
    """
    _import_skl2onnx()
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
    )

    update_registered_converter(
        GDLogisticRegression,
        _ALIASES[GDLogisticRegression],
        calculate_linear_classifier_output_shapes,
        _convert_classifier,
        options={"zipmap": [True, False, "columns"], "nocl": [True, False]},
    )
    update_registered_converter(
        SigmoidNeuronRegressor,
        _ALIASES[SigmoidNeuronRegressor],
        _regressor_shape,
        _convert_regressor,
    )


def to_onnx(model, X_sample, *, target_opset=None, zipmap=False):
    """Convert a fitted model (or pipeline ending in one) to an ONNX model.

    Parameters
    ----------
    model : estimator or Pipeline
        A fitted :class:`~sklearn_sigmoid.GDLogisticRegression` or
        :class:`~sklearn_sigmoid.SigmoidNeuronRegressor`, or a fitted
        pipeline of steps skl2onnx converts (``MaxAbsScaler``,
        ``StandardScaler``, ...) ending in one.
    X_sample : array-like of shape (n_samples, n_features)
        A few rows of input, dense: they fix the input's type (float32 or
        float64) and width.
    target_opset : int, default=None
        The ONNX opset; None lets skl2onnx choose its latest.
    zipmap : bool, default=False
        For a classifier: False gives the probabilities as a tensor of shape
        ``(N, n_classes)``, as ``predict_proba`` does; True as skl2onnx's
        default list of ``{class: probability}`` dicts (onnxruntime's
        ``ZipMap`` takes float32 only: give a float32 ``X_sample``).

    Returns
    -------
    onx : onnx.ModelProto
        The ONNX model; ``onx.SerializeToString()`` is what onnxruntime's
        ``InferenceSession`` takes.  Its outputs are ``label`` and
        ``probabilities`` for a classifier, ``variable`` for the neuron.

    Raises
    ------
    ImportError
        If skl2onnx is not installed.
    NotFittedError
        If the model (its last step) is not fitted.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid import GDLogisticRegression
    >>> from sklearn_sigmoid.export import to_onnx
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 0, 1, 1]
    >>> clf = GDLogisticRegression().fit(X, y)
    >>> onx = to_onnx(clf, X[:1])
    >>> import onnxruntime as rt
    >>> sess = rt.InferenceSession(onx.SerializeToString(),
    ...                            providers=["CPUExecutionProvider"])
    >>> label, proba = sess.run(None, {"X": X})
    >>> np.allclose(proba, clf.predict_proba(X))
    True
    """
    skl2onnx = _import_skl2onnx()
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    check_is_fitted(final)
    register_converters()
    X_sample = np.asarray(X_sample)
    if X_sample.dtype not in (np.float32, np.float64):
        X_sample = X_sample.astype(np.float64)
    options = None
    if isinstance(final, GDLogisticRegression):
        options = {GDLogisticRegression: {"zipmap": bool(zipmap)}}
    return skl2onnx.to_onnx(
        model, X=X_sample, target_opset=target_opset, options=options
    )
