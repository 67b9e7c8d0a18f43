# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Logistic regression trained by gradient descent."""

import numpy as np
from sklearn.base import _fit_context
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.validation import check_is_fitted

from sklearn_sigmoid._base import BaseSigmoidGD
from sklearn_sigmoid._doc_link import DOC_LINK_MODULE, DOC_LINK_TEMPLATE
from sklearn_sigmoid._objective import linear_scores
from sklearn_sigmoid._targets import (
    ClassEncoding,
    balanced_class_weight,  # noqa: F401 (imported from here by users and tests)
    check_class_weight,
)


class GDLogisticRegression(LinearClassifierMixin, BaseSigmoidGD):
    """Logistic regression trained by gradient descent.

    Two classes are modelled by one sigmoid neuron,
    ``P(y = classes_[1] | x) = sigma(coef_ @ x + intercept_)``; more classes by
    a softmax over one linear score per class (multinomial).  The parameters
    are learnt by (full-batch or mini-batch) gradient descent on the mean
    loss plus an L2 penalty, with the lecture's update
    ``w <- w - learning_rate * grad``.

    Parameters
    ----------
    loss : {'cross_entropy', 'mse', 'log_loss', 'squared_error'}, \
            default='cross_entropy'
        ``'cross_entropy'`` (alias ``'log_loss'``) is logistic regression's
        own loss, whose gradient is ``mean((y_hat - y) * x)``.  ``'mse'``
        (alias ``'squared_error'``) is half the squared error between the
        predicted probabilities and the one-hot labels, whose gradient
        carries the extra factor ``y_hat * (1 - y_hat)`` of the sigmoid's
        derivative (and flattens where the sigmoid saturates).

    learning_rate : float or 'auto', default='auto'
        The step ``eta`` of ``w <- w - eta * grad``.  With a float,
        ``momentum=0`` and ``batch_size=None`` every epoch is exactly one such
        step.  ``'auto'`` computes the step from the data: it starts at
        ``1 / L`` (``L`` bounds the gradient's Lipschitz constant), then uses
        Barzilai-Borwein steps safeguarded by Armijo's condition, so it
        never diverges.  With ``loss='mse'`` (or ``alpha=0``) the objective
        decreases at every epoch; with the cross-entropy the condition is
        taken against the highest objective of the last 20 epochs (a
        nonmonotone line search, 25-45 % fewer epochs on text features), so
        the loss curve may rise for an epoch or two, never above that
        highest, and falls over every 20 epochs.  Features on a
        larger scale than the intercept's column of ones (a mean square above
        1) take proportionally shorter steps, so one badly scaled column does
        not stall the others.  With momentum or mini-batches, ``'auto'`` is
        the fixed safe step ``1 / L``.

    max_iter : int, default=1000
        Maximum number of epochs (passes over the training data).

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
        L2 penalty ``alpha / 2 * ||coef_||^2`` added to the mean loss (the
        intercept is not penalised).  ``LogisticRegression(C=C)`` fitted on
        ``n`` samples has the same optimum as ``alpha = 1 / (C * n)``.  The
        small default keeps the optimum finite on separable data (common with
        text features); ``alpha=0`` is the lecture's unpenalised loss.

    fit_intercept : bool, default=True
        Whether to learn the bias ``b``.

    batch_size : int or None, default=None
        ``None``: full-batch gradient descent.  An int: mini-batch stochastic
        gradient descent with batches of that many rows.

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
        Hold out ``validation_fraction`` of the training data (stratified
        when shuffled), stop when its accuracy stops improving, and keep the
        parameters of the best epoch.  The start (intercept at the log-odds)
        is computed from the training part only; the held-out rows stay in
        ``X`` with training weight 0, so nothing but them is copied.  As in
        ``SGDClassifier``, the accuracy is weighted by ``sample_weight``, not
        by ``class_weight``.  Not supported by ``partial_fit``.

    validation_fraction : float in (0, 1), default=0.1
        Share of the training data held out when ``early_stopping=True``.

    warm_start : bool, default=False
        Start the next ``fit`` from the current ``coef_`` and ``intercept_``
        (``loss_curve_`` and ``n_iter_`` then accumulate).  The next fit must
        have the same classes and number of features (a ValueError otherwise).

    verbose : int, default=0
        Print the objective after every epoch when > 0.

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.
        ``'balanced'`` uses ``total / (n_classes * class_total)``, where the
        totals sum the sample weights (the row counts for unit weights), as
        ``LogisticRegression`` does in scikit-learn 1.9.

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights ``w``; one row for two classes. In the dtype of X (float32
        or float64); small dense float32 data (up to 256 KiB) is fitted in
        float64, as scikit-learn's lbfgs fits it, and the result rounded to
        float32 once.

    intercept_ : ndarray of shape (1,) or (n_classes,)
        Biases ``b``.

    classes_ : ndarray of shape (n_classes,)
        Class labels.

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
        Training objective after each epoch (for mini-batches, the mean of
        the batch objectives seen during the epoch).

    validation_scores_ : list of float or None
        Validation accuracy after each epoch, with ``early_stopping=True``.

    best_validation_score_ : float or None
        Best of ``validation_scores_``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SigmoidNeuronRegressor : One sigmoid neuron for real-valued targets.
    sklearn.linear_model.LogisticRegression : The same model, fitted by
        second-order solvers.
    sklearn.linear_model.SGDClassifier : Linear models trained by SGD.

    Notes
    -----
    With sample weights ``s_i``, targets ``y_i`` one-hot encoded and
    ``z_i = coef_ @ x_i + intercept_``, the objective minimised is::

        sum_i s_i * loss(z_i, y_i) / sum_i s_i + alpha / 2 * ||coef_||^2

    with ``loss = -sum_k y_ik log p_ik`` (cross-entropy) or
    ``loss = 1/2 sum_k (p_ik - y_ik)^2`` (squared error), and ``p`` the sigmoid
    (two classes) or the softmax (more) of ``z``.  Descent starts at
    ``coef = 0`` with the intercept at the classes' log-odds.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_sigmoid import GDLogisticRegression
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), GDLogisticRegression(alpha=1e-3))
    >>> clf.fit(X, y).score(X, y) > 0.95
    True
    """

    # The HTML repr's "?" links to this class's API page (see _doc_link.py).
    _doc_link_module = DOC_LINK_MODULE
    _doc_link_template = DOC_LINK_TEMPLATE

    _parameter_constraints: dict = {
        **BaseSigmoidGD._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        *,
        loss="cross_entropy",
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
        class_weight=None,
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
        self.class_weight = class_weight

    # -- hooks ---------------------------------------------------------------

    _encoding_class = ClassEncoding

    def _more_validate_params(self, *, partial=False, distributed=False):
        super()._more_validate_params(partial=partial, distributed=distributed)
        check_class_weight(self.class_weight)
        if partial and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit "
                "(the class frequencies of a stream are unknown); pass a dict."
            )

    def _learn_encoding(self, y, sample_weight, classes):
        encoding = ClassEncoding.learn(
            y, sample_weight, classes, self.class_weight, type(self).__name__
        )
        self.classes_ = encoding.classes

    def _target_encoding(self):
        return ClassEncoding(self.classes_, self.class_weight, type(self).__name__)

    def _structure(self):
        return {**super()._structure(), "set of classes": self.classes_}

    def _get_packed_params(self):
        return np.hstack([self.coef_, self.intercept_[:, None]])

    def _set_packed_params(self, W):
        self.coef_ = np.ascontiguousarray(W[:, :-1])
        self.intercept_ = W[:, -1].copy()

    def _validation_score(self, W, X, Y, sample_weight):
        raw = linear_scores(X, W)
        if Y.shape[1] == 1:
            correct = (raw[:, 0] > 0) == (Y[:, 0] > 0.5)
        else:
            correct = raw.argmax(axis=1) == Y.argmax(axis=1)
        return float(np.average(correct, weights=sample_weight))

    def _validation_splitter(self, rng):
        from sklearn.model_selection import StratifiedShuffleSplit

        return StratifiedShuffleSplit(
            n_splits=1, test_size=self.validation_fraction, random_state=rng
        )

    # -- public API ----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, coef_init=None, intercept_init=None):
        """Fit the model by gradient descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.  Sparse CSR/CSC input is used as it is.
        y : array-like of shape (n_samples,)
            Class labels (any hashable values).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; an integer weight acts like repeating the row.
        coef_init : array-like of shape (n_classes, n_features), default=None
            Starting weights (shape (n_features,) or (1, n_features) for two
            classes).  Default: zeros, or the current ``coef_`` with
            ``warm_start=True``.
        intercept_init : array-like of shape (n_classes,), default=None
            Starting biases.  Default: the classes' log-odds, or the current
            ``intercept_`` with ``warm_start=True``.

        Returns
        -------
        self : GDLogisticRegression
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
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch of gradient descent on the given batch.

        The first call starts from zeros (intercept at the batch's log-odds)
        and needs ``classes``; later calls continue from the current state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.
        y : array-like of shape (n_samples,)
            Its labels.
        classes : array-like of shape (n_classes,), default=None
            All the classes the stream will contain; required on the first
            call, ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : GDLogisticRegression
            The updated estimator.
        """
        with self._commit_on_success():  # classes_ is set before _fit
            first = _check_partial_fit_first_call(self, classes)
            return self._fit(
                X,
                y,
                sample_weight=sample_weight,
                classes=classes if first else None,
                partial=True,
            )

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            ``[1 - s, s]`` with ``s = sigma(decision_function(X))`` for two
            classes, the softmax of the decision function for more.
        """
        check_is_fitted(self)
        scores = self.decision_function(X)
        return self._loss_object().class_probabilities(scores)

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities, computed without underflow.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class.
        """
        check_is_fitted(self)
        scores = self.decision_function(X)
        return self._loss_object().class_log_probabilities(scores)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags
