"""What both estimators share: parameters, validation and the fitting routine.

The estimators themselves (:mod:`._classifier`, :mod:`._regressor`) only say how
targets are encoded for the loss, where descent starts, how a validation
score is computed and how fitted parameters are laid out.
"""

import warnings
from abc import abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._loss import LOSS_ALIASES, get_loss
from ._objective import LinearObjective
from ._optim import (
    OptimalityRule,
    StoppingRule,
    make_stepper,
    one_blas_thread,
    run_epochs,
)

# Starting probabilities for the log-odds start are kept this far from 0 and 1.
_EPS_START = 1e-6


class BaseSigmoidGD(BaseEstimator):
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
        self.shuffle = shuffle
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.verbose = verbose

    # -- hooks for the subclasses --------------------------------------------

    _multi_output = False  # passed to validate_data
    _y_numeric = False

    def _check_targets(self, y):
        """Raise if ``y`` is not a valid target for this estimator."""

    @abstractmethod
    def _init_targets(self, y, sample_weight, classes):
        """Learn the target encoding on the first fit (classes_, ranges)."""

    @abstractmethod
    def _target_summary(self, y, sample_weight):
        """A few ``(y, sample_weight)`` rows standing for a block of targets.

        Concatenated over the blocks of a data set, the summaries give
        :meth:`_init_targets` the same result as the whole targets would, so
        that a data set spread over a cluster is encoded as in memory.
        """

    @abstractmethod
    def _encode_targets(self, y, sample_weight, partial):
        """Return ``(Y, sample_weight)`` in the loss's encoding."""

    @abstractmethod
    def _link(self):
        """'sigmoid' or 'softmax'."""

    @abstractmethod
    def _get_packed_params(self):
        """Fitted ``coef_`` and ``intercept_`` as one (k, n_features + 1) array."""

    @abstractmethod
    def _set_packed_params(self, W):
        """Set ``coef_`` and ``intercept_`` from the packed array."""

    @abstractmethod
    def _validation_score(self, W, X, Y, sample_weight):
        """Score (higher is better) of parameters W on held-out data."""

    def _split_validation(self, y, rng):
        """Indices of the training and validation rows for early stopping."""
        from sklearn.model_selection import ShuffleSplit

        splitter = ShuffleSplit(
            n_splits=1, test_size=self.validation_fraction, random_state=rng
        )
        return next(splitter.split(np.zeros((len(y), 1)), y))

    # -- the shared fitting routine ------------------------------------------

    def _start_params(self, Y, sample_weight, n_features, dtype, coef_init,
                      intercept_init, continue_fit):
        """Where descent starts: given, previous (warm start) or default."""
        k = Y.shape[1]
        if continue_fit and coef_init is None and intercept_init is None:
            return self._get_packed_params().astype(dtype, copy=True)
        W = np.zeros((k, n_features + 1), dtype=dtype)
        if coef_init is not None:
            coef_init = np.asarray(coef_init, dtype=dtype)
            if coef_init.size != k * n_features:
                raise ValueError(
                    f"coef_init has shape {coef_init.shape}; expected "
                    f"{(k, n_features)}" + (f" or {(n_features,)}" if k == 1 else "")
                )
            W[:, :-1] = coef_init.reshape(k, n_features)
        elif continue_fit:
            W[:, :-1] = self._get_packed_params()[:, :-1]
        if not self.fit_intercept:
            if intercept_init is not None and np.any(np.asarray(intercept_init)):
                raise ValueError("intercept_init must be 0 when fit_intercept=False.")
            return W
        if intercept_init is not None:
            intercept_init = np.asarray(intercept_init, dtype=dtype).ravel()
            if intercept_init.size not in (1, k):
                raise ValueError(
                    f"intercept_init has {intercept_init.size} values; expected {k}."
                )
            W[:, -1] = intercept_init
        elif continue_fit:
            W[:, -1] = self._get_packed_params()[:, -1]
        else:
            W[:, -1] = self._default_intercept(Y, sample_weight)
        return W

    def _default_intercept(self, Y, sample_weight):
        """The intercept at which the outputs equal the mean target.

        For a sigmoid that is the log-odds ``log(p / (1 - p))`` of the
        weighted mean target ``p``; for a softmax the centred log-frequencies.
        It is the optimum of an intercept-only model for both losses.
        """
        p = np.average(Y, axis=0, weights=sample_weight)
        p = np.clip(p, _EPS_START, 1 - _EPS_START)
        if self._link() == "sigmoid":
            return np.log(p) - np.log1p(-p)
        log_p = np.log(p)
        return log_p - log_p.mean()

    def _make_objective(self, X, Y, sample_weight, weight_total=None):
        return LinearObjective(
            get_loss(self.loss, self._link()),
            X,
            Y,
            sample_weight,
            float(self.alpha),
            self.fit_intercept,
            weight_total=weight_total,
        )

    def _training_objective(self, X, y, sample_weight=None):
        """The objective a fit on ``(X, y)`` minimises, for the fitted encoding.

        Returns ``(objective, W)``: a :class:`LinearObjective` built exactly as
        ``fit`` builds it (same target encoding, weights, L2 and loss) and the
        fitted parameters packed as ``[coef | intercept]``, so that
        ``objective.value(W)`` is the training objective at the fit.  Used to
        draw loss surfaces without writing any formula twice.
        """
        check_is_fitted(self)
        X, y, sample_weight = self._validate_fit_data(X, y, sample_weight, reset=False)
        self._check_targets(y)
        Y, sample_weight = self._encode_targets(y, sample_weight, partial=False)
        objective = self._make_objective(X, Y.astype(X.dtype, copy=False), sample_weight)
        return objective, self._get_packed_params().astype(X.dtype)

    def _validate_fit_data(self, X, y, sample_weight, reset, whole=True):
        """Checked ``X`` (CSR/CSC kept sparse, float32 kept), ``y`` and weights.

        ``whole=False`` for one block of a larger data set, whose weights may
        all be zero (the whole set's sum is checked instead).
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
        if whole or sample_weight is None or np.any(np.asarray(sample_weight) != 0):
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
        return X, y, sample_weight

    def _fit(self, X, y, *, sample_weight=None, coef_init=None,
             intercept_init=None, classes=None, partial=False):
        first_call = not (partial and hasattr(self, "coef_"))
        X, y, sample_weight = self._validate_fit_data(X, y, sample_weight, first_call)
        self._check_targets(y)
        if first_call:
            self._init_targets(y, sample_weight, classes)
        Y, sample_weight = self._encode_targets(y, sample_weight, partial)
        Y = Y.astype(X.dtype, copy=False)
        if not sample_weight.sum() > 0:
            raise ValueError(
                "The sample weights sum to zero (or all samples were given zero "
                "weight): there is nothing to learn from."
            )

        continue_fit = not first_call or (
            self.warm_start
            and hasattr(self, "coef_")
            and self._get_packed_params().shape == (Y.shape[1], X.shape[1] + 1)
        )
        W = self._start_params(
            Y, sample_weight, X.shape[1], X.dtype, coef_init, intercept_init,
            continue_fit,
        )
        rng = check_random_state(self.random_state)

        monitor = None
        if self.early_stopping and not partial:
            train, val = self._split_validation(y, rng)
            X_val, Y_val, sw_val = X[val], Y[val], sample_weight[val]
            X, Y, sample_weight = X[train], Y[train], sample_weight[train]
            if not sample_weight.sum() > 0 or not sw_val.sum() > 0:
                raise ValueError(
                    "early_stopping: the training or validation split has no "
                    "sample with positive weight; use more data or another "
                    "validation_fraction."
                )

            def monitor(W):
                return self._validation_score(W, X_val, Y_val, sw_val)

        # partial_fit: a chunk's weights count as they are (a unit weight is
        # one row), as in SGDClassifier, not relative to the chunk's own total;
        # a chunk with doubled weights pulls twice as hard.
        objective = self._make_objective(
            X, Y, sample_weight, weight_total=X.shape[0] if partial else None
        )
        state = (
            getattr(self, "_optimizer_state", None)
            if continue_fit and coef_init is None and intercept_init is None
            else None
        )
        return self._descend(
            objective, W, rng=rng, monitor=monitor, state=state,
            continue_fit=continue_fit, partial=partial,
        )

    def _descend(self, objective, W, *, rng, monitor=None, state=None,
                 continue_fit=False, partial=False):
        """Run gradient descent on ``objective`` from ``W``; set fitted attributes.

        The part of fitting that does not care where the data lives: the
        objective may be in memory (:class:`LinearObjective`) or spread over
        a cluster (:mod:`sklearn_sigmoid.dask`), as long as it has the same
        methods.
        """
        with one_blas_thread():
            stepper = make_stepper(
                objective,
                W,
                learning_rate=self.learning_rate,
                momentum=self.momentum,
                batch_size=self.batch_size,
                shuffle=self.shuffle,
                rng=rng,
                state=state,
                average=self.average,
            )
            full_batch = (
                self.batch_size is None or self.batch_size >= objective.n_samples
            )
            stopping = self._stopping_rule(partial, full_batch, monitor)
            result = run_epochs(
                stepper,
                max_iter=1 if partial else self.max_iter,
                stopping=stopping,
                monitor=monitor,
                learning_rate=self.learning_rate,
                verbose=self.verbose,
            )
            gap = result["gap"]
            if gap is None and full_batch and not partial:
                gap = stepper.duality_gap()  # the final point's certificate

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
        self._set_packed_params(result["W"])
        self.dual_gap_ = None if gap is None else float(gap)
        self.stop_reason_ = result["reason"]
        if not partial and self.tol is not None:
            self._warn_if_not_converged(result, stopping)
        return self

    def _stopping_rule(self, partial, full_batch, monitor):
        """The rule that ends a fit (see :mod:`._optim`), or None."""
        if partial or self.tol is None:
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
        if isinstance(stopping, OptimalityRule) and stopping.gap is not None and (
            np.isfinite(stopping.gap)
        ):
            what += (
                f" (certified gap {stopping.gap:.3g}, objective "
                f"{result['loss_curve'][-1]:.6g}, tol={self.tol})"
            )
        warnings.warn(
            f"{what}. Increase max_iter, or scale the data (features on very "
            "different scales slow gradient descent down: see "
            "sklearn.preprocessing.StandardScaler or MaxAbsScaler); with a "
            "small fixed learning_rate, try learning_rate='auto'.",
            ConvergenceWarning,
            stacklevel=4,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
