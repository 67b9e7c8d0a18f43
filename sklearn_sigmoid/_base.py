# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""What both estimators share: parameters, validation and the fitting routine.

Every fit runs in two halves.  :meth:`BaseSigmoidGD._prepare_fit` is the
front half, the one place where a fit is set up: validate the data, learn and
apply the target encoding (:mod:`._targets`), choose the start point and
build the objective.  It reads the data through a small protocol
(:class:`InMemoryData` here; the blocks of a cluster in
:mod:`sklearn_sigmoid.dask`), so that ``fit``, ``partial_fit`` and
``fit_distributed`` share every decision.  :meth:`BaseSigmoidGD._descend`,
the back half, runs the optimiser and sets the fitted attributes.

The estimators themselves (:mod:`._classifier`, :mod:`._regressor`) only say
which target encoding they use, how a validation score is computed, how
fitted parameters are laid out and which parameter rules they add.
"""

import math
import warnings
from abc import abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import row_norms
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from sklearn_sigmoid._callbacks import CallbackSupportMixin, epoch_hooks
from sklearn_sigmoid._loss import LOSS_ALIASES, get_loss
from sklearn_sigmoid._objective import LinearObjective
from sklearn_sigmoid._optim import (
    DivergenceError,
    OptimalityRule,
    StoppingRule,
    is_full_batch,
    make_stepper,
    one_blas_thread,
    run_epochs,
)
from sklearn_sigmoid._sgd import SCHEDULES, AdaptiveStoppingRule

_SCALE_ADVICE = (
    "scale the data, e.g. with sklearn.preprocessing.StandardScaler or "
    "MaxAbsScaler (https://scikit-learn.org/stable/modules/preprocessing.html)"
)


def _max_abs_entry(X):
    """``max |X_ij|`` without a temporary copy of X (0 for an empty X)."""
    data = X.data if sp.issparse(X) else X
    if data.size == 0:
        return 0.0
    return max(float(data.max()), -float(data.min()))


def _check_feature_scale(X):
    """Refuse features so large that a row's squared norm overflows float64.

    The gradient's Lipschitz constant grows like ``||x||^2``: past the largest
    float64 no step size can be computed, and any step that moves the
    parameters overflows the scores.  Data below that scale is left to the
    optimiser (it fits, e.g. features of order 1e100).  Costs two reductions
    over X; the exact row norms only when ``max |x| * sqrt(n_features)`` is
    within reach of the limit.
    """
    m = _max_abs_entry(X)
    limit = np.finfo(np.float64).max
    if m * m * max(X.shape[1], 1) < limit:
        return
    # Exact check on X / m (entries at most 1: no overflow in any dtype).
    largest = float(row_norms(X / m, squared=True).max())
    if largest * m * m < limit:
        return
    raise ValueError(
        f"X has rows whose squared norm overflows float64 (largest |x| = "
        f"{m:.3g}): no gradient step can be computed at this scale. Please "
        f"{_SCALE_ADVICE}."
    )


# Dense float32 data of at most this many bytes is fitted in float64 (on a
# copy), and the fitted parameters rounded to float32 once at the end, as
# scikit-learn's lbfgs fits float32 data in float64.  At this size the copy
# costs a few microseconds and a float64 epoch no more than a float32 one,
# while float32 rounding makes spectral steps erratic: on breast cancer
# (standardised, alpha=1e-4) 126 epochs to the default stop against 101 in
# float64.  Measured epoch costs (one thread, float64 / float32): 1.02 at
# 0.04 MiB of float32 data, 1.21 at 0.38 MiB, 1.75 at 1.9 MiB, where
# larger data keeps its own dtype.  Tests of the float32 arithmetic set it
# to 0.
_FLOAT64_COPY_BYTES = 1 << 18


def _fits_in_float64(X):
    """Whether ``X`` (validated) is small dense float32 data, fitted in float64."""
    return (
        isinstance(X, np.ndarray)
        and X.dtype == np.float32
        and X.nbytes <= _FLOAT64_COPY_BYTES
    )


def _weight_sum(sample_weight):
    """The weights' sum in their own dtype (inf, without a warning, on overflow)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return sample_weight.sum()


@dataclass
class PreparedFit:
    """What :meth:`BaseSigmoidGD._prepare_fit` hands to ``_descend``."""

    objective: object  # LinearObjective, or the distributed one
    W: np.ndarray  # the start, packed [coef | intercept]
    rng: np.random.RandomState
    monitor: object  # W -> validation score, or None
    state: object  # the OptimizerState a warm start continues from, or None
    continue_fit: bool  # a warm start or a later partial_fit call
    partial: bool  # one partial_fit epoch
    params_dtype: np.dtype  # the fitted parameters' (W's may be wider)


class InMemoryData:
    """The rows of a fit in memory, as :meth:`BaseSigmoidGD._prepare_fit` reads them.

    The protocol every data source of a fit answers (the blocks on a cluster
    of :mod:`sklearn_sigmoid.dask` too): ``validate``, ``hold_out``,
    ``target_rows``, ``class_totals``, ``encode``, ``weight_total``,
    ``target_sums``, ``mean_target`` and ``objective``, called in that order.

    ``whole_fit``: the data of a whole fit (not one ``partial_fit`` chunk),
    which small dense float32 data is fitted in float64 (see
    ``_FLOAT64_COPY_BYTES``).
    """

    distributed = False

    def __init__(self, X, y, sample_weight, whole_fit=True):
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.whole_fit = whole_fit
        self.Y = None

    def validate(self, estimator, reset):
        """Validate the data for ``estimator``.

        Returns ``(n_features, dtype, params_dtype)``: the dtype the fit
        computes in and the one of its fitted parameters (that of X as
        given; they differ where small float32 data is fitted in float64).
        """
        X, self.y, sample_weight = estimator._validate_block(
            self.X, self.y, self.sample_weight, reset
        )
        params_dtype = X.dtype
        if self.whole_fit and _fits_in_float64(X):
            X = X.astype(np.float64)
            sample_weight = sample_weight.astype(np.float64)
        self.X, self.sample_weight = X, sample_weight
        return X.shape[1], X.dtype, params_dtype

    def hold_out(self, estimator, rng):
        """Zero the held-out rows' training weights; return them, for validation."""
        self.sample_weight, validation = estimator._hold_out(
            self.X, self.y, self.sample_weight, rng
        )
        return validation

    def target_rows(self):
        """``(y, sample_weight)`` from which the target encoding is learnt."""
        return self.y, self.sample_weight

    def class_totals(self, encoding):
        return encoding.class_totals(self.y, self.sample_weight)

    def encode(self, encoding, stream=False):
        """Encode the targets (``Y`` in the dtype of X) and weigh the rows."""
        Y, self.sample_weight = encoding.encode(self.y, self.sample_weight, stream)
        self.Y = Y.astype(self.X.dtype, copy=False)

    def weight_total(self):
        return _weight_sum(self.sample_weight)

    def target_sums(self):
        """The weighted sum of each column of the encoded targets (float64)."""
        return self.sample_weight.astype(np.float64) @ self.Y

    def mean_target(self):
        # np.average's arithmetic (in the data's dtype) without its checks.
        weights = self.sample_weight
        return (self.Y * weights[:, None]).sum(axis=0) / weights.sum()

    def objective(self, loss, alpha, fit_intercept, partial=False):
        """The training objective; a ``partial`` chunk's weights count as rows."""
        return LinearObjective(
            loss,
            self.X,
            self.Y,
            self.sample_weight,
            alpha,
            fit_intercept,
            weight_total=self.X.shape[0] if partial else None,
        )


class BaseSigmoidGD(CallbackSupportMixin, BaseEstimator):
    """Base class of the gradient-descent sigmoid estimators (not public)."""

    _parameter_constraints: dict = {
        "loss": [StrOptions(set(LOSS_ALIASES))],
        "learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "average": [Interval(Integral, 0, None, closed="left"), "boolean"],
        "schedule": [StrOptions(set(SCHEDULES))],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        loss,
        learning_rate="auto",
        max_iter=1000,
        tol=1e-4,
        n_iter_no_change=5,
        alpha=1e-4,
        fit_intercept=True,
        batch_size=None,
        momentum=0.0,
        average=False,
        schedule="constant",
        shuffle=True,
        random_state=None,
        early_stopping=False,
        validation_fraction=0.1,
        warm_start=False,
        verbose=0,
    ):
        self.loss = loss
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.batch_size = batch_size
        self.momentum = momentum
        self.average = average
        self.schedule = schedule
        self.shuffle = shuffle
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.verbose = verbose

    # -- hooks for the subclasses --------------------------------------------

    _multi_output = False  # passed to validate_data
    _y_numeric = False
    #: The target encoding's class (see :mod:`._targets`).
    _encoding_class = None

    @abstractmethod
    def _learn_encoding(self, y, sample_weight, classes):
        """Learn the target encoding on the first fit; set its fitted attributes."""

    @abstractmethod
    def _target_encoding(self):
        """The fitted target encoding, rebuilt from the fitted attributes."""

    @abstractmethod
    def _get_packed_params(self):
        """Fitted ``coef_`` and ``intercept_`` as one (k, n_features + 1) array."""

    @abstractmethod
    def _set_packed_params(self, W):
        """Set ``coef_`` and ``intercept_`` from the packed array."""

    @abstractmethod
    def _validation_score(self, W, X, Y, sample_weight):
        """Score (higher is better) of parameters W on held-out data."""

    def _more_validate_params(self, *, partial=False, distributed=False):
        """The rules that tie parameters together (the single ones are in
        ``_parameter_constraints``), for a ``fit``, a ``partial_fit`` call
        (``partial``) or ``fit_distributed`` (``distributed``).

        Every such rule lives here (or in a subclass's override): the
        optimiser receives values that satisfy them.
        """
        if partial and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True (a stream has "
                "no held-out part); set early_stopping=False."
            )
        if (
            self.average
            and self.learning_rate == "auto"
            and self.batch_size is None
            and not self.momentum
        ):
            raise ValueError(
                "average applies to fixed-step and mini-batch gradient descent; "
                "with learning_rate='auto', full batches and no momentum the "
                "steps come from a line search, whose iterates need no "
                "averaging. Set batch_size, momentum or a float learning_rate."
            )
        if distributed and self.schedule != "constant":
            raise ValueError(
                f"fit_distributed runs full-batch gradient descent, whose steps "
                f"no schedule sets: schedule must be 'constant' (got "
                f"{self.schedule!r})."
            )
        if self.schedule != "constant" and self.batch_size is None:
            raise ValueError(
                f"schedule={self.schedule!r} sets the step sizes of mini-batch "
                f"SGD; set batch_size (e.g. batch_size=32), or use "
                f"schedule='constant'."
            )
        if not distributed:
            return
        if self.batch_size is not None:
            raise ValueError(
                "fit_distributed runs full-batch gradient descent; batch_size must "
                "be None. For mini-batch SGD over a Dask array, stream its blocks "
                "through partial_fit (e.g. with dask_ml.wrappers.Incremental)."
            )
        if self.early_stopping:
            raise ValueError("early_stopping is not supported by fit_distributed.")
        if self.warm_start:
            raise ValueError(
                "warm_start is not supported by fit_distributed (every call is a "
                "new fit)."
            )

    def _loss_object(self):
        """The fitted model's loss (from :mod:`._loss`): its link gives the
        outputs and probabilities."""
        return get_loss(self.loss, self._target_encoding().link)

    def _validation_splitter(self, rng):
        """The shuffled splitter behind :meth:`_split_validation`."""
        from sklearn.model_selection import ShuffleSplit

        return ShuffleSplit(
            n_splits=1, test_size=self.validation_fraction, random_state=rng
        )

    def _split_validation(self, y, rng):
        """Indices of the training and validation rows for early stopping.

        ``shuffle=False`` holds out the last rows, in order, as
        ``train_test_split(shuffle=False)`` does (unstratified: a stratified
        split needs shuffling); otherwise a (stratified, for classifiers)
        shuffled split.  scikit-learn's SGD and MLP estimators always shuffle
        there; we keep an ordered split for ordered data (e.g. time).
        """
        n = len(y)
        n_val = math.ceil(self.validation_fraction * n)
        if n_val < 2 or n - n_val < 1:
            raise ValueError(
                f"The validation set is too small: validation_fraction="
                f"{self.validation_fraction} of {n} samples holds out {n_val}, "
                f"and early_stopping needs at least 2 (and 1 left to train on). "
                f"Increase 'validation_fraction' or the size of your dataset."
            )
        if not self.shuffle:
            return np.arange(n - n_val), np.arange(n - n_val, n)
        try:
            return next(self._validation_splitter(rng).split(np.zeros((n, 1)), y))
        except ValueError as error:  # e.g. fewer held-out rows than classes
            raise ValueError(
                f"early_stopping cannot hold out validation_fraction="
                f"{self.validation_fraction} of {n} samples: {error} Increase "
                f"'validation_fraction' or the size of your dataset."
            ) from error

    # -- the shared fitting routine ------------------------------------------

    def _initial_array(self, value, name, shapes, dtype, params_dtype):
        """``value`` as an array of ``shapes[0]`` in ``dtype``: shape,
        finiteness and size checked.

        Values whose square overflows the dtype of X (``params_dtype``, the
        model's, whatever the fit computes in) are refused as well: the
        optimiser squares the parameters (penalty, step lengths).
        """
        array = np.asarray(value, dtype=np.float64)
        if array.shape not in shapes:
            expected = " or ".join(str(s) for s in shapes)
            raise ValueError(
                f"{name} has shape {array.shape}; expected {expected} (the shape "
                f"of {name.replace('_init', '_')})."
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(
                f"{name} contains NaN or infinity; the start must be finite."
            )
        limit = math.sqrt(np.finfo(params_dtype).max)
        if array.size and np.max(np.abs(array)) > limit:
            raise ValueError(
                f"{name} has values beyond {limit:.3g}, whose squares overflow "
                f"{np.dtype(params_dtype).name} (the dtype of X): start from "
                f"smaller values."
            )
        return array.astype(dtype).reshape(shapes[0])

    def _start_params(
        self,
        n_outputs,
        n_features,
        dtype,
        coef_init,
        intercept_init,
        continue_fit,
        default_intercept,
        params_dtype,
    ):
        """Where descent starts: given, previous (warm start) or default.

        ``default_intercept()`` gives the intercept of a fresh start (the
        loss's intercept-only optimum), computed only when it is needed.
        ``dtype`` is the one the fit computes in, ``params_dtype`` the
        model's (see ``_FLOAT64_COPY_BYTES``).
        """
        k = n_outputs
        if continue_fit and coef_init is None and intercept_init is None:
            state = getattr(self, "_optimizer_state", None)
            iterate = None if state is None else state.iterate
            packed = self._get_packed_params()
            if (
                iterate is not None
                and iterate.shape == (k, n_features + 1)
                and (
                    self.average
                    or (
                        iterate.dtype != packed.dtype
                        and np.array_equal(iterate.astype(packed.dtype), packed)
                    )
                )
            ):
                # Descent goes on from the last iterate: with averaging the
                # fitted parameters are the running mean; a fit of float32
                # data in float64 rounded it to float32 (unless coef_ was
                # changed since, the iterate is the exact point the state
                # belongs to).  (A copy: the state must survive a failed fit
                # as it was.)
                return iterate.astype(dtype, copy=True)
            # (A new array already: no second copy.)
            return packed.astype(dtype, copy=False)
        W = np.zeros((k, n_features + 1), dtype=dtype)
        if coef_init is not None:
            shapes = [(k, n_features)] + ([(n_features,)] if k == 1 else [])
            W[:, :-1] = self._initial_array(
                coef_init, "coef_init", shapes, dtype, params_dtype
            )
        elif continue_fit:
            W[:, :-1] = self._get_packed_params()[:, :-1]
        if not self.fit_intercept:
            if intercept_init is not None and np.any(np.asarray(intercept_init)):
                raise ValueError("intercept_init must be 0 when fit_intercept=False.")
            return W
        if intercept_init is not None:
            shapes = [(k,)] + ([()] if k == 1 else [])
            W[:, -1] = self._initial_array(
                intercept_init, "intercept_init", shapes, dtype, params_dtype
            )
        elif continue_fit:
            W[:, -1] = self._get_packed_params()[:, -1]
        else:
            W[:, -1] = default_intercept()
        return W

    def _apply_encoding(self, data, stream=False):
        """Encode ``data``'s targets with the fitted encoding; return the encoding.

        ``'balanced'`` class weights are resolved first from the class totals
        of the whole data (of every block, for data on a cluster).
        """
        encoding = self._target_encoding()
        if encoding.needs_totals:
            encoding = encoding.with_totals(data.class_totals(encoding))
        data.encode(encoding, stream=stream)
        return encoding

    def _training_objective(self, X, y, sample_weight=None):
        """The objective a fit on ``(X, y)`` minimises, for the fitted encoding.

        Returns ``(objective, W)``: a :class:`LinearObjective` built exactly as
        ``fit`` builds it (same target encoding, weights, L2 and loss) and the
        fitted parameters packed as ``[coef | intercept]``, so that
        ``objective.value(W)`` is the training objective at the fit.  Used to
        draw loss surfaces without writing any formula twice.
        """
        check_is_fitted(self)
        data = InMemoryData(X, y, sample_weight)
        _, dtype, _ = data.validate(self, reset=False)
        self._apply_encoding(data)
        objective = data.objective(
            self._loss_object(), float(self.alpha), self.fit_intercept
        )
        return objective, self._get_packed_params().astype(dtype)

    def _validate_block(self, X, y, sample_weight, reset, whole=True):
        """Checked ``X`` (CSR/CSC kept sparse, float32 kept), ``y`` and weights.

        Also checks the targets (see the encoding's ``check``) and the scales
        (:meth:`_check_scales`).  ``whole=False`` for one block of a larger
        data set, whose weights may all be zero (the whole set's sum is
        checked instead).
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
            multi_output=self._multi_output,
            y_numeric=self._y_numeric,
            reset=reset,
        )
        if self._y_numeric and y.dtype.kind in "USV":
            # Numbers given as strings, converted as SGDRegressor does.
            y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if sample_weight is None:
            # What _check_sample_weight returns for None, without its checks
            # of the ones it makes (15 us, 2% of a millisecond fit).
            sample_weight = np.ones(X.shape[0], dtype=X.dtype)
        elif whole or np.any(np.asarray(sample_weight) != 0):
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        else:
            # A block whose weights are all zero (scikit-learn refuses that for
            # a whole data set): check their shape on ones, then zero them.
            sample_weight = _check_sample_weight(
                np.ones(np.shape(sample_weight)), X, dtype=X.dtype
            )
            sample_weight[:] = 0.0
        self._encoding_class.check(y)
        self._check_scales(X, sample_weight, whole)
        return X, y, sample_weight

    @staticmethod
    def _check_weight_sum(total, what="sample weights"):
        """Raise unless the weights' sum (as the objective takes it) is finite, > 0.

        ``total`` is that sum, a numpy scalar in the weights' dtype (or a
        float, the float64 sum of a data set's blocks).
        """
        total = total if isinstance(total, np.generic) else np.float64(total)
        if not np.isfinite(total):
            raise ValueError(
                f"The {what} sum to {total} in {total.dtype} (overflow): "
                f"the objective is their weighted mean, so only their ratios "
                f"matter; divide them by a common factor."
            )
        if not total > 0:
            raise ValueError(
                f"The {what} sum to zero (or all samples were given zero "
                f"weight): there is nothing to learn from."
            )

    def _structure(self):
        """What a warm start must find unchanged, ``{description: value}``."""
        return {"number of features": self.n_features_in_}

    @classmethod
    def _get_param_names(cls):
        # scikit-learn reads the names from __init__'s signature at every
        # call (40 us: a fit's parameter validation calls it, and clone,
        # get_params and repr do): read once per class (a subclass, whose
        # __init__ may differ, reads its own).
        names = cls.__dict__.get("_param_names_cache")
        if names is None:
            names = tuple(super()._get_param_names())
            cls._param_names_cache = names
        return list(names)

    @classmethod
    def _param_name_set(cls):
        return frozenset(cls._get_param_names())

    def _fitted_state(self):
        """Everything a fit may set (all but the parameters), to restore on failure."""
        params = self._param_name_set()
        saved = {k: v for k, v in vars(self).items() if k not in params}
        rng = getattr(saved.get("_optimizer_state"), "rng", None)
        return saved, (rng, rng.get_state()) if rng is not None else None

    @contextmanager
    def _commit_on_success(self):
        """Leave the estimator as it was if the body raises.

        A fit sets its fitted attributes as it goes (``validate_data`` sets
        ``n_features_in_`` first); a failed fit must not leave new metadata
        beside old coefficients, so everything is put back.
        """
        saved, rng_state = self._fitted_state()
        try:
            yield
        except BaseException:
            params = self._param_name_set()
            for key in [k for k in vars(self) if k not in saved and k not in params]:
                delattr(self, key)
            vars(self).update(saved)
            if rng_state is not None:
                rng_state[0].set_state(rng_state[1])
            raise

    def _check_scales(self, X, sample_weight, whole=True):
        """Refuse weights, alpha and features that would overflow the objective.

        The weights' sum only for ``whole`` data (a block's may be zero).
        """
        # Before the classes are looked at (which ignore zero-weight rows).
        if whole:
            self._check_weight_sum(_weight_sum(sample_weight))
        if self.alpha > np.finfo(X.dtype).max:
            raise ValueError(
                f"alpha={self.alpha} exceeds the largest {X.dtype.name} number "
                f"({np.finfo(X.dtype).max:.3g}), the dtype of X: the penalty's "
                f"gradient would overflow. Use a smaller alpha."
            )
        _check_feature_scale(X)

    def _hold_out(self, X, y, sample_weight, rng):
        """Training weights and the held-out ``(X, y, sample_weight)``.

        The held-out rows stay in X with training weight 0: they add exactly
        nothing to the objective, and only they are copied (as SGDClassifier
        keeps X whole and skips its validation rows).  So the start (the
        log-odds intercept, the automatic target range) sees training rows
        only.  Like SGDClassifier, the validation score weighs rows by
        ``sample_weight`` alone, not by ``class_weight``.
        """
        train, val = self._split_validation(y, rng)
        if not sample_weight[val].sum() > 0:
            raise ValueError(
                "early_stopping: the validation split has no sample with "
                "positive weight; use more data or another validation_fraction."
            )
        train_weight = np.zeros_like(sample_weight)
        train_weight[train] = sample_weight[train]
        return train_weight, (X[val], y[val], sample_weight[val])

    def _check_warm_start(self, before):
        """Raise if this fit's classes, features or outputs differ from ``before``."""
        after = self._structure()
        for what, old in before.items():
            if not np.array_equal(old, after[what]):
                raise ValueError(
                    f"warm_start=True continues from the fitted model, whose "
                    f"{what} is {old!r}, but this fit's is {after[what]!r}. "
                    f"Fit with warm_start=False to start afresh."
                )

    @staticmethod
    def _check_start(objective, W):
        """Raise if the objective at a start given by the user is unusable.

        It must be finite, and (as the start's values) its square must be
        finite too: the line search subtracts and scales such values, and
        scores this large saturate the sigmoid beyond any step's reach.
        """
        with np.errstate(all="ignore"):
            start = objective.value(W)
        if not abs(start) <= math.sqrt(np.finfo(np.float64).max):
            raise ValueError(
                f"The objective at the given coef_init / intercept_init is "
                f"{start:.3g} (its scores or penalty overflow, or nearly): start "
                f"from smaller values."
            )

    def _fit(
        self,
        X,
        y,
        *,
        sample_weight=None,
        coef_init=None,
        intercept_init=None,
        classes=None,
        partial=False,
        epoch_callback=None,
    ):
        """``fit`` and ``partial_fit`` on data in memory.

        ``epoch_callback``: see :meth:`_descend` (how inspection records a
        descent path in one fit).
        """
        with self._commit_on_success():
            prepared = self._prepare_fit(
                InMemoryData(X, y, sample_weight, whole_fit=not partial),
                coef_init=coef_init,
                intercept_init=intercept_init,
                classes=classes,
                partial=partial,
            )
            return self._descend(prepared, epoch_callback)

    def _prepare_fit(
        self,
        data,
        *,
        coef_init=None,
        intercept_init=None,
        classes=None,
        partial=False,
    ):
        """The front half of every fit: validate, encode targets, start, objective.

        Parameters
        ----------
        data : InMemoryData or the blocks of :mod:`sklearn_sigmoid.dask`
            The training data, read through the calls of :class:`InMemoryData`.
        coef_init, intercept_init : array-like or None
            A start given by the user.
        classes : array-like or None
            All the classes of a stream (first ``partial_fit`` call).
        partial : bool
            One epoch of a ``partial_fit`` stream.

        Returns
        -------
        prepared : PreparedFit
            What :meth:`_descend` needs.
        """
        self._more_validate_params(partial=partial, distributed=data.distributed)
        first_call = not (partial and hasattr(self, "coef_"))
        warm = self.warm_start and not partial and hasattr(self, "coef_")
        before = self._structure() if warm else None
        n_features, dtype, params_dtype = data.validate(self, reset=first_call)
        rng = check_random_state(self.random_state)
        validation = None
        if self.early_stopping and not partial:
            validation = data.hold_out(self, rng)
        if first_call:
            self._learn_encoding(*data.target_rows(), classes)
            self.n_features_in_ = n_features
        if warm:
            self._check_warm_start(before)
        encoding = self._apply_encoding(data, stream=partial)
        self._check_encoded(data, encoding, partial, validation is not None)
        loss = get_loss(self.loss, encoding.link)
        continue_fit = not first_call or warm
        W = self._start_params(
            encoding.n_outputs,
            n_features,
            dtype,
            coef_init,
            intercept_init,
            continue_fit,
            lambda: loss.intercept_only(data.mean_target()),
            params_dtype,
        )
        # partial_fit: a chunk's weights count as they are (a unit weight
        # is one row), as in SGDClassifier, not relative to the chunk's own
        # total; a chunk with doubled weights pulls twice as hard.
        objective = data.objective(
            loss, float(self.alpha), self.fit_intercept, partial=partial
        )
        given_start = coef_init is not None or intercept_init is not None
        if given_start:
            self._check_start(objective, W)
        return PreparedFit(
            objective=objective,
            W=W,
            rng=rng,
            monitor=self._validation_monitor(validation, encoding, dtype),
            state=self._state_to_continue(continue_fit and not given_start, partial),
            continue_fit=continue_fit,
            partial=partial,
            params_dtype=params_dtype,
        )

    def _check_encoded(self, data, encoding, partial, held_out):
        """Refuse encoded data that leaves nothing to fit (zero total weight,
        or, for a whole fit, a class that class_weight zeroed out)."""
        self._check_weight_sum(
            data.weight_total(),
            "sample weights"
            + (" of the training part" if held_out else "")
            + (
                " times class_weight"
                if getattr(self, "class_weight", None) is not None
                else ""
            ),
        )
        if not partial:
            encoding.check_encoded(data.target_sums(), data.weight_total())

    def _validation_monitor(self, validation, encoding, dtype):
        """``W -> validation score`` on the held-out rows, or None."""
        if validation is None:
            return None
        X_val, y_val, sw_val = validation
        Y_val = encoding.validation_targets(y_val).astype(dtype, copy=False)

        def monitor(W):
            return self._validation_score(W, X_val, Y_val, sw_val)

        return monitor

    def _state_to_continue(self, continuing, partial):
        """The optimiser state this fit continues from, or None."""
        state = getattr(self, "_optimizer_state", None) if continuing else None
        if partial and state is not None:
            # What belongs to the previous chunk's objective stays behind (a
            # spectral step from two chunks' gradients shrank to its floor).
            state = state.for_next_chunk()
        return state

    def _descend(self, prepared, epoch_callback=None):
        """Run gradient descent as :meth:`_prepare_fit` set it up; set the attributes.

        The part of fitting that does not care where the data lives: the
        objective may be in memory (:class:`LinearObjective`) or spread over
        a cluster (:mod:`sklearn_sigmoid.dask`).  ``epoch_callback`` (an
        :class:`~sklearn_sigmoid._optim.EpochCallback`) is called around every
        epoch, after the scikit-learn callbacks set with ``set_callbacks``.
        """
        objective, W, monitor = prepared.objective, prepared.W, prepared.monitor
        partial, continue_fit = prepared.partial, prepared.continue_fit
        full_batch = is_full_batch(
            self.batch_size, objective.n_samples, self.schedule, stream=partial
        )
        with one_blas_thread():
            stepper = make_stepper(
                objective,
                W,
                learning_rate=self.learning_rate,
                momentum=self.momentum,
                batch_size=self.batch_size,
                shuffle=self.shuffle,
                rng=prepared.rng,
                state=prepared.state,
                average=self.average,
                schedule=self.schedule,
                full_batch=full_batch,
            )
            stopping = self._stopping_rule(partial, full_batch, monitor)
            max_iter = 1 if partial else self.max_iter
            result = self._run_epochs(
                stepper, max_iter, stopping, monitor, epoch_callback
            )
            gap = result["gap"]
            if gap is None and full_batch and not partial:
                gap = stepper.duality_gap()  # the final point's certificate
        self._check_params_dtype(objective, result["W"], prepared.params_dtype)
        self._set_fit_results(
            result, stepper, gap, monitor, continue_fit, partial, prepared.params_dtype
        )
        if not partial and self.tol is not None:
            self._warn_if_not_converged(result, stopping)
        return self

    @staticmethod
    def _check_params_dtype(objective, W, params_dtype):
        """Raise if ``W``, fitted in float64 for small float32 data, does not
        hold in float32: its parameters or its scores on the training data
        would overflow there (where a float32 fit would have diverged)."""
        if W.dtype == params_dtype or not objective.scores_overflow(W, params_dtype):
            return
        raise DivergenceError(
            f"The fitted parameters, or their scores on the training data, "
            f"exceed the range of {np.dtype(params_dtype).name}, the dtype of "
            f"X (largest |parameter| {float(np.max(np.abs(W))):.3g}): a model in "
            f"{np.dtype(params_dtype).name} would overflow. Pass X as float64 "
            f"(X.astype(np.float64)), or {_SCALE_ADVICE}."
        )

    def _run_epochs(self, stepper, max_iter, stopping, monitor, epoch_callback):
        """:func:`run_epochs` with the callbacks; a divergence names the setting."""
        with epoch_hooks(self, max_iter) as hooks:
            callbacks = [c for c in (hooks, epoch_callback) if c is not None]
            try:
                return run_epochs(
                    stepper,
                    max_iter=max_iter,
                    stopping=stopping,
                    monitor=monitor,
                    verbose=self.verbose,
                    callbacks=callbacks,
                )
            except DivergenceError as error:
                if not error.step_too_large:
                    raise
                advice = DivergenceError(
                    f"{error} The learning rate {self.learning_rate!r} is "
                    f"too large for this data; use a smaller one, or "
                    f"learning_rate='auto', which computes a safe step from "
                    f"the data."
                )
                advice.step_too_large = True
                raise advice from None

    def _set_fit_results(
        self, result, stepper, gap, monitor, continue_fit, partial, params_dtype
    ):
        """The fitted attributes from :func:`run_epochs`'s result (the
        parameters in ``params_dtype``)."""
        if continue_fit and hasattr(self, "loss_curve_"):
            self.loss_curve_ = self.loss_curve_ + result["loss_curve"]
            self.n_iter_ = self.n_iter_ + result["n_iter"]
        else:
            self.loss_curve_ = result["loss_curve"]
            self.n_iter_ = result["n_iter"]
        if monitor is not None:
            previous = self.validation_scores_ if continue_fit else []
            self.validation_scores_ = list(previous or []) + result["validation_scores"]
            self.best_validation_score_ = max(self.validation_scores_)
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
        # Kept only where a later call can continue from it.
        self._optimizer_state = (
            stepper.get_state() if self.warm_start or partial else None
        )
        self._set_packed_params(result["W"].astype(params_dtype, copy=False))
        self.dual_gap_ = None if gap is None else float(gap)
        self.stop_reason_ = result["reason"]

    def _stopping_rule(self, partial, full_batch, monitor):
        """The rule that ends a fit (see :mod:`._optim`), or None."""
        if self.tol is None:
            return None
        if self.schedule == "adaptive" and not full_batch:
            # Divides the step; its counts carry over partial_fit calls.
            return AdaptiveStoppingRule(self.tol, self.n_iter_no_change)
        if partial:
            return None
        if monitor is not None or not full_batch:
            # Noisy objectives (validation scores, mini-batches).
            return StoppingRule(self.tol, self.n_iter_no_change)
        return OptimalityRule(self.tol)

    def _warn_if_not_converged(self, result, stopping):
        """ConvergenceWarning where descent ended short of the optimum."""
        if result["reason"] == "max_iter":
            what = (
                f"Maximum number of epochs (max_iter={self.max_iter}) reached "
                f"before the stopping rule was met"
            )
        elif result["reason"] == "no decrease possible" and isinstance(
            stopping, OptimalityRule
        ):
            what = (
                "Gradient descent stalled before the stopping rule was met: no "
                "step decreases the objective at the data's precision (tol may "
                "be below what this precision allows)"
            )
        else:
            return
        # The certificate at the returned parameters (the rule may have
        # skipped computing it at the last epoch).
        if self.dual_gap_ is not None and np.isfinite(self.dual_gap_):
            what += (
                f" (certified gap {self.dual_gap_:.3g}, objective "
                f"{result['loss_curve'][-1]:.6g}, tol={self.tol})"
            )
        warnings.warn(
            f"{what}. Increase max_iter (or, with a small fixed learning_rate, "
            f"try learning_rate='auto'). Features on very different scales slow "
            f"gradient descent down: you might also want to {_SCALE_ADVICE}.",
            ConvergenceWarning,
            stacklevel=4,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
