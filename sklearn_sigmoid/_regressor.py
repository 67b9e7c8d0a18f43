# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""One sigmoid neuron, ``y_hat = sigma(w.x + b)``, trained by gradient descent."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn_sigmoid._base import BaseSigmoidGD
from sklearn_sigmoid._doc_link import DOC_LINK_MODULE, DOC_LINK_TEMPLATE
from sklearn_sigmoid._objective import linear_scores
from sklearn_sigmoid._targets import TargetRange, parse_target_range


def _output_is_probability(estimator):
    """``predict_proba`` exists when the fitted output is the activation itself."""
    check_is_fitted(estimator, "target_range_")
    return estimator.n_outputs_ == 1 and np.array_equal(
        estimator.target_range_, [[0.0, 1.0]]
    )


class SigmoidNeuronRegressor(RegressorMixin, BaseSigmoidGD):
    """One sigmoid neuron, ``y_hat = sigma(w.x + b)``, trained by gradient descent.

    The lecture's neuron: a weighted sum of the inputs passed through the
    logistic function, fitted by gradient descent on the half squared error
    (or on the cross-entropy, for targets that are probabilities).
    Multi-output targets get one neuron per output.

    Parameters
    ----------
    loss : {'mse', 'cross_entropy', 'squared_error', 'log_loss'}, default='mse'
        ``'mse'`` (alias ``'squared_error'``): ``(y_hat - y)**2 / 2``, whose
        gradient is ``(y_hat - y) * y_hat * (1 - y_hat) * x``.
        ``'cross_entropy'`` (alias ``'log_loss'``): ``-y log y_hat - (1 - y)
        log(1 - y_hat)`` on targets scaled to [0, 1], whose gradient is
        ``(y_hat - y) * x`` (the "fractional logit" model for proportions).

    learning_rate : float or 'auto', default='auto'
        The step ``eta`` of ``w <- w - eta * grad``.  With a float,
        ``momentum=0`` and ``batch_size=None`` every epoch is exactly one such
        step.  ``'auto'`` computes the step from the data (starting at
        ``1 / L``, then Barzilai-Borwein steps accepted only when they
        decrease the objective enough), so it never diverges.  With
        ``loss='mse'`` (or ``alpha=0``) every epoch decreases the objective;
        with the cross-entropy "enough" is measured against the highest
        objective of the last 20 epochs (a nonmonotone line search), so the
        loss curve may rise for an epoch or two and falls over every 20.

    max_iter : int, default=1000
        Maximum number of epochs.

    tol : float or None, default=1e-4
        When to stop.  Full-batch descent stops once the fit is known to be
        close enough to the optimum: with ``loss='cross_entropy'`` and
        ``alpha > 0``, once a duality gap certifies that the objective is
        within a relative ``tol`` of its minimum (``dual_gap_ <= tol *
        objective``); with ``loss='mse'`` (not convex) or ``alpha=0``, once
        every entry of the gradient is at most ``tol`` in absolute value, as
        scikit-learn's lbfgs does.  Mini-batches and ``early_stopping`` stop
        when the objective (or the validation score) has not improved by at
        least ``tol`` for ``n_iter_no_change`` consecutive epochs.  ``None``
        runs exactly ``max_iter`` epochs.

    n_iter_no_change : int, default=5
        Number of epochs without improvement before stopping (mini-batches
        and ``early_stopping`` only).

    alpha : float, default=1e-4
        L2 penalty ``alpha / 2 * ||coef_||^2`` (intercept not penalised).

    fit_intercept : bool, default=True
        Whether to learn the bias ``b``.

    batch_size : int or None, default=None
        ``None``: full-batch gradient descent; an int: mini-batch SGD.

    momentum : float in [0, 1), default=0.0
        Heavy-ball momentum; 0 is the plain update rule.

    average : bool or int, default=False
        Polyak-Ruppert averaging, as in ``SGDClassifier``: report the mean of
        the iterates instead of the last one.  ``True`` averages from the
        first update; an int ``n`` starts once ``n`` samples have been seen
        (e.g. after the first pass or chunks of a stream).  For mini-batch
        and fixed-step descent (and ``partial_fit`` streams), where a constant
        step keeps the iterate moving around the optimum; not with the
        line-searched ``learning_rate='auto'`` full-batch default.

    schedule : {'constant', 'invscaling', 'adaptive'}, default='constant'
        The step sizes of mini-batch SGD (``batch_size`` set) and of
        ``partial_fit`` streams, as ``SGDClassifier``'s ``learning_rate``
        options, with ``learning_rate`` as their first step ``eta0``
        (``'auto'``: ``1 / L``).  ``'constant'``: every step is
        ``learning_rate``.  ``'invscaling'``: ``learning_rate / sqrt(t)``,
        with ``t`` one plus the samples seen before the step (counted over
        a whole ``partial_fit`` stream), so that a stream settles instead
        of moving around the optimum.  ``'adaptive'``: ``learning_rate``
        until the epoch's objective (or validation score) has not improved
        by ``tol`` for ``n_iter_no_change`` epochs (or ``partial_fit``
        calls), then divided by 5, again and again; the fit stops once the
        step is below ``1e-6``.  Other schedules than ``'constant'`` need
        ``batch_size``.

    shuffle : bool, default=True
        Whether to shuffle the rows at every epoch (mini-batch mode only)
        and before the early-stopping split; ``False`` holds out the last
        rows, in order (scikit-learn's SGD and MLP always shuffle there).

    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling and the early-stopping split.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its R^2 stops
        improving and keep the parameters of the best epoch.  The start (the
        automatic ``target_range_`` and the intercept) is computed from the
        training part only; the held-out rows stay in ``X`` with training
        weight 0, so nothing but them is copied.  Not supported by
        ``partial_fit``.

    validation_fraction : float in (0, 1), default=0.1
        Share of the data held out when ``early_stopping=True``.

    warm_start : bool, default=False
        Start the next ``fit`` from the current parameters.  The next fit
        must have the same numbers of features and outputs (a ValueError
        otherwise).

    verbose : int, default=0
        Print the objective after every epoch when > 0.

    target_range : 'auto' or (low, high), default='auto'
        How targets map onto the neuron's output range (0, 1).  ``'auto'``:
        an output whose training targets lie inside [0, 1] is used as it is,
        so ``predict`` returns the neuron's activation; any other output is
        mapped from its training range ``[min(y), max(y)]`` (rows with
        positive weight) onto [0, 1], and predictions are mapped back, so they
        always lie inside the training range.  ``(low, high)`` fixes the
        mapping ``(y - low) / (high - low)``; targets outside it are an
        error.  ``(0, 1)`` declares the targets to be probabilities or
        proportions.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_outputs, n_features)
        Weights ``w``. In the dtype of X (float32 or float64); small dense
        float32 data (up to 256 KiB) is fitted in float64 and the result
        rounded to float32 once.

    intercept_ : ndarray of shape (1,) or (n_outputs,)
        Biases ``b``.

    target_range_ : ndarray of shape (n_outputs, 2)
        The ``[low, high]`` mapped onto [0, 1] for each output.

    n_outputs_ : int
        Number of outputs (neurons).

    n_iter_ : int
        Number of epochs run.

    dual_gap_ : float or None
        A certified upper bound on ``objective - min objective`` at the fitted
        parameters (the duality gap of the last full-batch epoch), for the
        cross-entropy with ``alpha > 0``; ``inf`` where no certificate exists
        (``loss='mse'``, ``alpha=0``); ``None`` for mini-batch fits and
        ``partial_fit``.

    stop_reason_ : str
        Which rule ended the fit: ``'certified gap'``, ``'gradient'``,
        ``'no improvement'``, ``'no decrease possible'`` (the line search
        found no decrease at the data's precision), ``'callback'`` (a
        callback set with ``set_callbacks`` asked to stop) or ``'max_iter'``.

    loss_curve_ : list of float
        Training objective (on the [0, 1] scale) after each epoch.

    validation_scores_ : list of float or None
        Validation R^2 after each epoch, with ``early_stopping=True``.

    best_validation_score_ : float or None
        Best of ``validation_scores_``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    GDLogisticRegression : The same neuron as a classifier.
    sklearn.linear_model.SGDRegressor : Linear regression trained by SGD.

    Notes
    -----
    With ``t_i`` the targets mapped onto [0, 1] and ``s_i`` the sample
    weights, the objective is::

        sum_i s_i * loss(sigma(coef_ @ x_i + intercept_), t_i) / sum_i s_i
            + alpha / 2 * ||coef_||^2

    Descent starts at ``coef = 0`` with ``sigma(intercept)`` equal to the
    mean target.  The squared-error loss is not convex in ``(w, b)``: where
    the sigmoid saturates its gradient is nearly zero (the flat regions of
    the lecture's loss surface).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid import SigmoidNeuronRegressor
    >>> X = np.linspace(-3, 3, 50).reshape(-1, 1)
    >>> y = 1 / (1 + np.exp(-(2 * X.ravel() - 1)))
    >>> reg = SigmoidNeuronRegressor(alpha=0, tol=1e-10).fit(X, y)
    >>> np.round(reg.coef_, 2), np.round(reg.intercept_, 2)
    (array([2.]), array([-1.]))
    """

    # The HTML repr's "?" links to this class's API page (see _doc_link.py).
    _doc_link_module = DOC_LINK_MODULE
    _doc_link_template = DOC_LINK_TEMPLATE

    _parameter_constraints: dict = {
        **BaseSigmoidGD._parameter_constraints,
        "target_range": [StrOptions({"auto"}), tuple, list],
    }

    _multi_output = True
    _y_numeric = True

    def __init__(
        self,
        *,
        loss="mse",
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
        target_range="auto",
    ):
        super().__init__(
            loss=loss,
            learning_rate=learning_rate,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            alpha=alpha,
            fit_intercept=fit_intercept,
            batch_size=batch_size,
            momentum=momentum,
            average=average,
            schedule=schedule,
            shuffle=shuffle,
            random_state=random_state,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            warm_start=warm_start,
            verbose=verbose,
        )
        self.target_range = target_range

    # -- hooks ---------------------------------------------------------------

    _encoding_class = TargetRange

    def _more_validate_params(self, *, partial=False, distributed=False):
        super()._more_validate_params(partial=partial, distributed=distributed)
        if not isinstance(self.target_range, str):
            parse_target_range(self.target_range)

    def _learn_encoding(self, y, sample_weight, classes):
        encoding = TargetRange.learn(
            y, sample_weight, self.target_range, type(self).__name__
        )
        self.target_range_ = encoding.bounds
        self.n_outputs_ = encoding.n_outputs
        self._y_2d = encoding.two_d

    def _target_encoding(self):
        return TargetRange(self.target_range_, self._y_2d, type(self).__name__)

    def _structure(self):
        return {**super()._structure(), "number of outputs": self.n_outputs_}

    def _get_packed_params(self):
        coef = self.coef_.reshape(self.n_outputs_, -1)
        return np.hstack([coef, self.intercept_[:, None]])

    def _set_packed_params(self, W):
        self.coef_ = np.ascontiguousarray(W[:, :-1])
        if not self._y_2d:
            self.coef_ = self.coef_.ravel()
        self.intercept_ = W[:, -1].copy()

    def _validation_score(self, W, X, Y, sample_weight):
        outputs = self._loss_object().activation(linear_scores(X, W))
        return r2_score(Y, outputs, sample_weight=sample_weight)

    # -- public API ----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, coef_init=None, intercept_init=None):
        """Fit the neuron by gradient descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.  Sparse CSR/CSC input is used as it is.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (see ``target_range`` for how they map onto (0, 1)).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; an integer weight acts like repeating the row.
        coef_init : array-like of shape (n_features,) or (n_outputs, n_features), \
                default=None
            Starting weights; default zeros (or the current ``coef_`` with
            ``warm_start=True``).
        intercept_init : float or array-like of shape (n_outputs,), default=None
            Starting biases; default ``logit(mean target)`` (or the current
            ``intercept_`` with ``warm_start=True``).

        Returns
        -------
        self : SigmoidNeuronRegressor
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight=sample_weight,
            coef_init=coef_init,
            intercept_init=intercept_init,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch of gradient descent on the given batch.

        The first call fixes ``target_range_`` (from the batch when
        ``target_range='auto'``); later batches must lie inside it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Its targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : SigmoidNeuronRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, partial=True)

    def _raw(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        return linear_scores(X, self._get_packed_params())

    def predict(self, X):
        """Predict with the neuron, mapped back to the target range.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            ``low + (high - low) * sigma(X @ coef_.T + intercept_)``; with
            targets in [0, 1] simply the activation.  float32 when the model
            and ``X`` are float32 (unless the target range exceeds float32).
        """
        raw = self._raw(X)  # checks that the model is fitted
        s = self._loss_object().activation(raw)
        y = self._target_encoding().decode(s)
        if (
            s.dtype == np.float32
            and np.max(np.abs(self.target_range_)) <= np.finfo(np.float32).max
        ):
            # float32 in, float32 out (mapped in float64, then rounded once).
            y = y.astype(np.float32)
        return y if self._y_2d else y.ravel()

    @available_if(_output_is_probability)
    def predict_proba(self, X):
        """Activation as a probability, ``[1 - s, s]``.

        Available when the fitted output is a probability: one output whose
        targets were used as they are (``target_range_`` is ``[0, 1]``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            ``1 - s`` and ``s``, with ``s`` the neuron's activation.
        """
        raw = self._raw(X)
        return self._loss_object().class_probabilities(raw)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
