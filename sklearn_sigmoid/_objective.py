# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""The training objective of a linear model with a sigmoid or softmax output.

For parameters packed as ``W = [coef | intercept]`` (shape
``(n_outputs, n_features + 1)``), data ``X``, targets ``Y`` and sample weights
``s``, the objective is scikit-learn's linear-model convention::

    J(W) = sum_i s_i * loss(z_i, y_i) / sum_i s_i  +  alpha / 2 * ||coef||_F^2
    z_i  = coef @ x_i + intercept

(the intercept is not penalised).  With unit weights the first term is the
mean loss, so the gradient with respect to ``coef`` is the lecture's
``mean((y_hat - y) * x)`` for cross-entropy and
``mean((y_hat - y) * y_hat * (1 - y_hat) * x)`` for the squared error.

One evaluation costs one product ``X @ coef.T`` and, for the gradient, one
``X.T @ G``; sparse ``X`` stays sparse and float32 stays float32.

:class:`Objective` declares what the optimiser (:mod:`._optim`) calls and owns
every formula that does not depend on where the rows live: the penalty, the
Lipschitz bounds, the step metric, the duality gap and where results are
written (``out=``).  :class:`LinearObjective` (rows in memory) and
:class:`sklearn_sigmoid.dask.DistributedObjective` (row blocks on a cluster)
implement only the primitives that pass over the rows.
"""

import math
from abc import ABC, abstractmethod

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import row_norms, safe_sparse_dot

from sklearn_sigmoid._kernels import add_product as _add_product


def linear_scores(X, W):
    """Raw scores ``X @ coef.T + intercept`` for packed ``W = [coef | intercept]``."""
    if W.shape[0] == 1:
        if isinstance(X, np.ndarray):
            # One output, dense: the matrix-vector product, then the
            # intercept added in place (the product's result is a fresh array).
            scores = X @ W[0, :-1]
            scores += W[0, -1]
            return scores[:, np.newaxis]
        # One output, sparse: the intercept first, the product added onto it.
        dtype = np.result_type(X.dtype, W.dtype)
        scores = np.full((X.shape[0], 1), W[0, -1], dtype=dtype)
        if _add_product(X, W[0, :-1], scores[:, 0]):
            return scores
        # scipy's matrix-vector product, a few percent faster than its
        # one-column matrix-matrix product.
        scores = _dot(X, W[0, :-1])[:, np.newaxis]
    else:
        scores = _dot(X, W[:, :-1].T)
    if np.result_type(scores, W) != scores.dtype:
        return scores + W[:, -1]
    scores += W[:, -1]  # in place: the product's result is a fresh array
    return scores


def _dot(A, B):
    """``A @ B`` as a dense array: numpy's product for a dense ``A`` (scikit-
    learn's ``safe_sparse_dot`` adds 1-2 us of checks a call, which on small
    matrices is as much as the product), ``safe_sparse_dot`` otherwise."""
    if isinstance(A, np.ndarray):
        return A @ B
    return safe_sparse_dot(A, B, dense_output=True)


def power_iteration(operator, size, fit_intercept, n_iter=30):
    """Largest eigenvalue of a positive semi-definite ``operator`` (a callable).

    Deterministic start; ``fit_intercept=False`` leaves the last coordinate
    (the intercept's) out.  A non-finite estimate becomes a huge finite one,
    so that a step ``1 / L`` computed from it is tiny but usable.
    """
    v = np.random.RandomState(0).uniform(0.5, 1.5, size)
    if not fit_intercept:
        v[-1] = 0.0
    v /= np.linalg.norm(v)
    lam = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_iter):
            w = operator(v)
            lam_new = float(np.linalg.norm(w))
            if not np.isfinite(lam_new) or lam_new == 0.0:
                lam = lam_new
                break
            v = w / lam_new
            converged = abs(lam_new - lam) <= 1e-6 * lam_new
            lam = lam_new
            if converged:
                break
    if not np.isfinite(lam):
        lam = np.finfo(np.float64).max / 4
    return lam


def _unless_overflowed(raw, value):
    """``value``, or ``inf`` if a raw score overflowed its dtype.

    The losses saturate, so scores that overflowed (to inf, say a step too
    large for float32 features of 1e37) would still give a finite loss and a
    zero gradient, and descent would stop there as if it had converged.  An
    objective whose scores cannot be represented is reported as infinite,
    which the optimiser treats as divergence (or, in a line search, as a
    step to shorten).  One reduction over the scores, in float64.
    """
    if math.isfinite(float(np.sum(raw, dtype=np.float64))):
        return value
    return math.inf


def _row_l1_bound(X):
    """An upper bound on ``max_i ||x_i||_1``, the rows' largest L1 norm.

    Dense X: ``max |x_ij|`` times the row length, from two reductions (a
    third of the cost of the rows' sums on 569 x 30, 7 against 21 us); where
    that is too loose to settle a question, the caller computes the scores.
    Sparse X: the exact norms, from its stored entries.
    """
    if sp.issparse(X):
        return float(np.asarray(abs(X).sum(axis=1)).max(initial=0.0))
    if X.size == 0:
        return 0.0
    return max(float(X.max()), -float(X.min())) * X.shape[1]


def _column_square_means(X, weights, block=1 << 16):
    """``weights @ X**2`` in float64, reading X in blocks of about ``block``
    entries (so that no copy of X, or of its float64 cast, is made).

    Each entry is scaled by ``sqrt(weight)`` before it is squared, so that a
    mean square that float64 can hold is found even where the square of a
    single entry is not (an entry of 1e154 among 50 rows).  A mean that
    overflows all the same is ``inf``.
    """
    n, d = X.shape
    root = np.sqrt(np.asarray(weights, dtype=np.float64))
    out = np.zeros(d)
    with np.errstate(over="ignore", invalid="ignore"):
        if not sp.issparse(X):
            rows = max(1, block // max(d, 1))
            for start in range(0, n, rows):
                part = np.asarray(X[start : start + rows], dtype=np.float64)
                part = part * root[start : start + rows, None]
                part *= part
                # A product with ones (BLAS) sums the columns several times
                # faster than numpy's reduction down a few columns.
                out += np.ones(len(part)) @ part
            return out
        if X.format not in ("csr", "csc"):
            X = X.tocsr()
        indptr, csr = X.indptr, X.format == "csr"
        start, major = 0, len(indptr) - 1
        while start < major:
            # Whole rows (CSR) or columns (CSC), about `block` stored entries.
            stop = int(np.searchsorted(indptr, indptr[start] + block, side="right")) - 1
            stop = min(max(stop, start + 1), major)
            lo, hi = indptr[start], indptr[stop]
            counts = np.diff(indptr[start : stop + 1])
            data = X.data[lo:hi].astype(np.float64)
            if csr:
                data *= np.repeat(root[start:stop], counts)
                data *= data
                out += np.bincount(X.indices[lo:hi], weights=data, minlength=d)
            else:
                data *= root[X.indices[lo:hi]]
                data *= data
                out[start:stop] += np.bincount(
                    np.repeat(np.arange(stop - start), counts),
                    weights=data,
                    minlength=stop - start,
                )
            start = stop
    return out


class Objective(ABC):
    """The training objective as the optimiser sees it (the declared contract).

    ``J(W) = data term + alpha / 2 * ||coef||_F^2`` for ``W`` packed
    ``[coef | intercept]`` (the intercept column is not penalised).  A
    subclass sets ``loss``, ``alpha`` and ``fit_intercept`` and implements
    the primitives that read the rows (marked abstract below): raw scores,
    the data term and its gradient, trial points of a line search, column
    means of ``X**2``, the curvature operator and the dual's sums.  This base
    owns everything else, written once: the penalty and its gradient (with
    ``out=``, an array to write the gradient into), the Lipschitz bounds, the
    step metric and the duality gap.
    """

    # -- primitives: what depends on where the rows live -----------------------

    @property
    @abstractmethod
    def n_samples(self):
        """Number of rows."""

    @property
    @abstractmethod
    def n_features(self):
        """Number of columns of X (W has one more, the intercept's)."""

    @abstractmethod
    def raw_float64(self, W):
        """Raw scores ``X @ coef.T + intercept`` in float64 (kept by the caller)."""

    @abstractmethod
    def value_grad(self, W, raw=None, out=None):
        """``J(W)`` and its gradient (written into ``out`` if given); ``raw``,
        the raw scores at ``W`` if already known."""

    @abstractmethod
    def trial(self, raw, t, raw_dir, out=None):
        """``(data term, moved raw scores, G)`` at ``raw - t * raw_dir``: the
        trial point of a line search, with ``G`` (the data term's gradient
        with respect to the raw scores) for :meth:`gradient_from_partial`.
        ``out``: a buffer from :meth:`spare_raw` for the moved scores."""

    @abstractmethod
    def data_gradient(self, G):
        """The data term's gradient w.r.t. ``W`` (no penalty), from ``G``."""

    @abstractmethod
    def _compute_column_square_means(self):
        """``sum_i weights_i * x_ij**2`` for every column ``j``, in float64."""

    @abstractmethod
    def _hessian_bound_operator(self, v):
        """``A.T @ diag(weights) @ A @ v`` with ``A = [X, 1]`` (or ``X``)."""

    @abstractmethod
    def _output_means(self, raw):
        """``sum_i w_i p_i``: the weighted mean of the outputs at ``raw``."""

    @abstractmethod
    def _dual_entropy(self, raw, lam=None, v=None):
        """``sum_i w_i * -loss*(p'_i - y_i)`` with ``p' = lam p + (1 - lam) v``."""

    @abstractmethod
    def _compute_dual_constants(self):
        """``sum_i w_i y_i``, ``X.T w`` and ``X.T (w y)``."""

    # -- shared formulas -------------------------------------------------------

    def value(self, W):
        """``J(W)`` (by default from :meth:`value_grad`; cheaper where a subclass
        can skip the gradient)."""
        return self.value_grad(W)[0]

    def spare_raw(self, raw):
        """Raw scores the optimiser no longer needs, as a buffer for the next
        :meth:`trial`'s ``out`` (None: nothing to reuse, the default for
        scores that do not live in this process)."""
        return None

    def gradient_from_partial(self, W, G, out=None):
        """Gradient w.r.t. ``W`` from a :meth:`trial`'s ``G``, into ``out`` if given."""
        return self._with_penalty_gradient(W, self.data_gradient(G), out=out)

    def column_square_means(self):
        """``sum_i weights_i * x_ij**2`` for every column ``j``, in float64 (cached)."""
        cached = getattr(self, "_column_square_means", None)
        if cached is None:
            cached = self._column_square_means = self._compute_column_square_means()
        return cached

    def _dual_constants(self):
        """``sum_i w_i y_i``, ``X.T w`` and ``X.T (w y)`` (one pass, cached)."""
        if getattr(self, "_dual_cache", None) is None:
            self._dual_cache = self._compute_dual_constants()
        return self._dual_cache

    def lipschitz(self, n_power_iter=30):
        """Upper estimate of the gradient's Lipschitz constant.

        ``L = curvature * lambda_max(A.T diag(weights) A) + alpha``, with the
        largest eigenvalue from power iteration (deterministic start).  A step
        ``1 / L`` then decreases the objective at every iteration.
        """
        lam = power_iteration(
            self._hessian_bound_operator,
            self.n_features + 1,
            self.fit_intercept,
            n_power_iter,
        )
        # Power iteration approaches lambda_max from below: add a margin.
        return self.loss.curvature * 1.05 * lam + self.alpha

    @property
    def certifiable(self):
        """Whether :meth:`duality_gap` certifies anything: a convex loss (the
        cross-entropies) and ``alpha > 0``."""
        return bool(self.loss.convex and self.alpha > 0)

    def duality_gap(self, W, raw, grad, value):
        """A certified upper bound on ``value - min J``: the duality gap.

        For a convex loss (the cross-entropies) and ``alpha > 0`` the
        objective has the Fenchel dual ::

            D(theta) = -sum_i w_i loss*(theta_i / w_i) - ||X.T theta||^2 / (2 alpha)

        (``w`` the normalised weights), over the ``theta`` whose columns sum to
        zero when the intercept is fitted, and ``D(theta) <= min J <= J(W)``
        for every such ``theta``.  The dual point comes from the residuals at
        ``W``, ``theta_i = w_i (p_i - y_i)``: its coefficients' part ``X.T
        theta`` is the data term's gradient, already computed.  Where the
        intercept is not at its optimum, the columns of ``theta`` do not sum to
        zero; the outputs ``p`` are then pulled towards a constant,
        ``lam * p + (1 - lam) * v`` (the loss's ``feasible_mix``), which
        keeps them valid probabilities and moves ``X.T theta`` by fixed
        vectors (``X.T w`` and ``X.T (w y)``, computed once): no pass over X.

        Parameters
        ----------
        W : ndarray of shape (n_outputs, n_features + 1)
            Current parameters.
        raw : ndarray of shape (n_samples, n_outputs)
            Raw scores at ``W``.
        grad : ndarray of shape (n_outputs, n_features + 1)
            The objective's gradient at ``W``.
        value : float
            The objective at ``W``.

        Returns
        -------
        gap : float
            ``value - D(theta) >= value - min J``, or ``inf`` where there is no
            certificate (a non-convex loss, or ``alpha = 0``).
        """
        if not self.certifiable:
            return np.inf
        loss = self.loss
        XT_theta = grad[:, :-1].astype(np.float64)
        XT_theta -= self.alpha * W[:, :-1]
        lam = v = None
        try:
            if self.fit_intercept:
                Y_mean, X_mean, XY_mean = self._dual_constants()
                lam, v = loss.feasible_mix(self._output_means(raw), Y_mean)
                lam = lam * np.ones_like(Y_mean)  # one per output
                if lam.min() >= 1.0:
                    lam = None
                else:
                    XT_theta += XY_mean
                    XT_theta *= lam[:, None]
                    XT_theta += np.outer((1.0 - lam) * v, X_mean)
                    XT_theta -= XY_mean
            dual = self._dual_entropy(raw, lam, v) - float(
                np.vdot(XT_theta, XT_theta)
            ) / (2.0 * self.alpha)
        finally:
            self._dual_activation = None
        gap = value - dual
        if not math.isfinite(gap):  # no bound (e.g. overflowed scores)
            return math.inf
        return max(gap, 0.0)

    def step_metric(self):
        """A weight per column of W for the line-searched steps, or None.

        A column whose weighted mean square exceeds 1 (the intercept's
        column of ones) is ``c`` times as curved as the intercept, and
        gradient steps along it would have to be ``c`` times shorter: its
        gradient is scaled by ``1 / c``.  Columns at or below that scale
        keep weight 1, so that features already scaled (standardised,
        MaxAbs-scaled, binary) take plain gradient steps.  Returns None when
        no column exceeds that scale (by more than rounding).
        """
        means = self.column_square_means()
        # (Standardised columns have a mean square of 1 up to rounding.)
        if not np.any(means > 1.0 + 1e-8) or not np.all(np.isfinite(means)):
            return None
        with np.errstate(divide="ignore"):
            metric = np.minimum(1.0, 1.0 / means)
        return np.append(metric, 1.0)

    def trace_lipschitz(self, metric=None):
        """A cheap Lipschitz bound: the trace instead of the top eigenvalue.

        ``curvature * sum_i weights_i * (||x_i||^2 + 1) + alpha`` bounds
        :meth:`lipschitz` from above (by up to the rank of X) at the cost of
        one read of X.  Enough for a first step that a line search and
        spectral steps then correct.  With a ``metric`` (see
        :meth:`step_metric`), the bound of the gradient scaled by it.
        """
        means = self.column_square_means()
        if not np.all(np.isfinite(means)):
            return np.inf
        if metric is not None:
            means = means * metric[:-1]
        trace = float(np.sum(means))
        if self.fit_intercept:
            trace += 1.0
        return self.loss.curvature * trace + self.alpha

    def _penalty(self, W):
        coef = W[:, :-1]
        return 0.5 * self.alpha * float(np.vdot(coef, coef)) if self.alpha else 0.0

    def penalty_along(self, W, D, D_sq=None):
        """``t -> penalty(W - t D)`` in O(1) per call (a quadratic in t).

        ``D_sq``, if given, is ``||D||^2`` (intercept column included), which
        saves a pass over ``D``.
        """
        if not self.alpha:
            return lambda t: 0.0
        c, d = W[:, :-1], D[:, :-1]
        cc, cd = float(np.vdot(c, c)), float(np.vdot(c, d))
        if D_sq is None:
            dd = float(np.vdot(d, d))
        elif D.shape[0] == 1:  # one intercept: its square in D's dtype, as vdot's
            last = D[0, -1]
            dd = D_sq - float(last * last)
        else:
            dd = D_sq - float(np.vdot(D[:, -1], D[:, -1]))
        half = 0.5 * self.alpha
        return lambda t: half * (cc - 2.0 * t * cd + t * t * dd)

    def _with_penalty_gradient(self, W, data_grad, out=None):
        """``data_grad`` (the data term's gradient) plus the penalty's.

        With ``out`` (an array shaped and typed like ``W``, not ``W`` itself)
        the result is written there instead of into ``data_grad``.
        """
        grad = data_grad.astype(W.dtype, copy=False)
        if out is not None:
            np.copyto(out, grad)
            grad = out
        if self.alpha:
            coef = W[:, :-1]
            # alpha * coef into a kept buffer: no fresh temporary per call.
            buffer = getattr(self, "_penalty_grad", None)
            if (
                buffer is None
                or buffer.shape != coef.shape
                or buffer.dtype != coef.dtype
            ):
                buffer = self._penalty_grad = np.empty_like(coef)
            grad[:, :-1] += np.multiply(coef, self.alpha, out=buffer)
        return grad


class _DeferredG:
    """The ``G`` of a :meth:`LinearObjective.trial`, not yet computed.

    Holds the trial's raw scores and what its loss computed on the way (see
    ``loss_for_search`` in :mod:`sklearn_sigmoid._loss`);
    :meth:`LinearObjective.gradient_from_partial` finishes it.  Only valid
    while those raw scores are unchanged, i.e. until the next trial.
    """

    __slots__ = ("kept", "raw")

    def __init__(self, raw, kept):
        self.raw = raw
        self.kept = kept


class LinearObjective(Objective):
    """Objective and gradient of ``loss(X @ coef.T + intercept, Y)`` plus L2.

    Parameters
    ----------
    loss : loss object from :mod:`sklearn_sigmoid._loss`
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Targets in the loss's encoding (values in [0, 1], one-hot for softmax).
    sample_weight : ndarray of shape (n_samples,)
        Non-negative, with a positive sum.
    alpha : float
        L2 strength on ``coef``.
    fit_intercept : bool
        If False the intercept column of ``W`` is held at its value (0).
    weight_total : float, default=None
        What the weights are normalised by; ``sample_weight.sum()`` if None.
        A block of rows of a larger data set passes the whole set's total,
        so that the blocks' data terms and gradients add up to the whole's
        (see :mod:`sklearn_sigmoid.dask`).
    """

    def __init__(
        self, loss, X, Y, sample_weight, alpha, fit_intercept, weight_total=None
    ):
        self.loss = loss
        self.X = X
        self.Y = Y
        self.sample_weight = sample_weight
        if weight_total is None:
            weight_total = sample_weight.sum()
        self.weights = sample_weight / weight_total
        self._weights_column = self.weights[:, np.newaxis]
        self.weight_total = float(weight_total)
        # Objective values are summed in float64 even for float32 data, so
        # that small decreases stay visible to the line search.
        self._weights64 = self.weights.astype(np.float64)
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self._XT = X.T  # built once: for CSR X a CSC view, no copy
        # Dense X with one output column: the case whose epochs are short
        # enough (tens of microseconds) for a layer of calls to show; the
        # methods of an epoch take it without going through the general ones.
        self._dense_vector = isinstance(X, np.ndarray) and Y.shape[1] == 1

    @property
    def n_samples(self):
        return self.X.shape[0]

    @property
    def n_features(self):
        return self.X.shape[1]

    def spare_raw(self, raw):
        return raw  # an array in memory: the next trial writes into it

    def subset(self, rows):
        """The same objective on a subset of the rows (a mini-batch).

        The subset's data term is normalised by its share of this objective's
        weight total, ``weight_total * len(rows) / n_samples``, not by its own
        weights: a row of weight ``k`` then pulls ``k`` times as hard as a
        row of unit weight wherever it lands, and the gradient of a batch
        drawn at random is an unbiased estimate of the whole gradient, as a
        batch of the data with weighted rows repeated would be.  With unit
        weights the share is ``len(rows)``: the batch's mean loss.
        """
        return LinearObjective(
            self.loss,
            self.X[rows],
            self.Y[rows],
            self.sample_weight[rows],
            self.alpha,
            self.fit_intercept,
            weight_total=self.weight_total * len(rows) / self.n_samples,
        )

    def raw(self, W):
        """Raw scores ``X @ coef.T + intercept``, shape (n_samples, n_outputs)."""
        return linear_scores(self.X, W)

    def scores_overflow(self, W, dtype):
        """Whether the model ``W``, rounded to ``dtype``, overflows there:
        its parameters, or its raw scores on X (those of ``predict`` for a
        model and data in ``dtype``).

        First a bound, ``max_i ||x_i||_1 * max |coef| + max |intercept|``
        (a bound on the rows' norms read once and cached), one pass over
        the parameters; the scores themselves (one pass over X) only where
        the bound fails.
        """
        limit = float(np.finfo(dtype).max)
        with np.errstate(over="ignore", invalid="ignore"):
            W = W.astype(dtype, copy=False)
            coef, intercept = W[:, :-1], W[:, -1]
            # (max and -min: no temporary the size of the coefficients.)
            largest = max(float(coef.max(initial=0.0)), -float(coef.min(initial=0.0)))
            top = float(np.max(np.abs(intercept), initial=0.0))
            if not (largest <= limit and top <= limit):  # inf or NaN
                return True
            if getattr(self, "_row_l1_bound", None) is None:
                self._row_l1_bound = _row_l1_bound(self.X)
            if self._row_l1_bound * largest + top <= 0.5 * limit:
                return False
            # The scores as predict computes them, in dtype: X in dtype too
            # (small float32 data is fitted on a float64 copy, which rounds
            # back exactly), so that partial sums overflow where predict's do.
            scores = linear_scores(self.X.astype(dtype, copy=False), W)
            return not np.all(np.abs(scores) <= limit)

    def raw_float64(self, W):
        """:meth:`raw` in float64, whatever the dtype of X.

        The line search keeps its raw scores in float64, so that rounding does
        not build up over many epochs for float32 data.
        """
        return linear_scores(self.X, W).astype(np.float64, copy=False)

    def trial(self, raw, t, raw_dir, out=None):
        """The data term at raw scores ``raw - t * raw_dir``: no pass over X.

        Returns ``(data_term, moved_raw, G)`` (see :meth:`data_term`), where
        ``G`` is deferred: :meth:`gradient_from_partial` computes it if the
        step is taken, and a rejected trial costs only its loss.  Along the
        line ``W - t D`` the raw scores move by ``-t * raw(D)`` (with the
        intercept column of D in ``raw(D)``), so a line search needs no pass.
        ``moved_raw`` is written into ``out`` if given (an array shaped like
        ``raw``), so that trial after trial allocates nothing of that size.
        """
        # -t * raw_dir + raw is raw - t * raw_dir to the last bit.
        moved = np.multiply(raw_dir, -t, out=out)
        moved += raw
        # Most trials are rejected or only looked at: G is computed when
        # gradient_from_partial asks for it (see _DeferredG).
        loss, kept = self.loss.loss_for_search(moved, self.Y)
        data = float(self._weights64 @ loss.astype(np.float64, copy=False))
        return data, moved, _DeferredG(moved, kept)

    def _resolve(self, G):
        """``G`` itself, or the one a :meth:`trial` deferred, finished now."""
        if not isinstance(G, _DeferredG):
            return G
        G = self.loss.gradient_after_search(G.raw, self.Y, G.kept)
        return self._weighted(G)

    def _weighted(self, G):
        G *= self._weights_column
        return G.astype(self.X.dtype, copy=False)

    def _mean(self, loss):
        return float(self._weights64 @ loss.astype(np.float64, copy=False))

    def value(self, W, raw=None):
        """Objective at ``W`` (``raw`` may be passed if already computed)."""
        if raw is None:
            raw = self.raw(W)
        return _unless_overflowed(raw, self._mean(self.loss.loss(raw, self.Y))) + (
            self._penalty(W)
        )

    def data_terms(self, raws):
        """The data term at each of ``m`` raw-score arrays, shape ``(m, n, k)``.

        What :meth:`value` computes without the penalty, for many points in
        one call (e.g. a grid of parameters drawn as a loss surface); equal
        to it to rounding.
        """
        m, n, k = raws.shape
        loss = self.loss.loss(raws.reshape(-1, k), np.tile(self.Y, (m, 1)))
        data = loss.reshape(m, n).astype(np.float64, copy=False) @ self._weights64
        with np.errstate(over="ignore", invalid="ignore"):
            overflowed = ~np.isfinite(raws.sum(axis=(1, 2), dtype=np.float64))
        data[overflowed] = np.inf  # as _unless_overflowed
        return data

    def data_term(self, raw):
        """Weighted mean loss at raw scores, and ``G``, its gradient w.r.t. them.

        Costs no pass over X; :meth:`gradient_from_partial` then makes the one
        pass the full gradient needs.  ``G`` has the dtype of X.
        """
        loss, G = self.loss.loss_gradient(raw, self.Y)
        return _unless_overflowed(raw, self._mean(loss)), self._weighted(G)

    def value_and_partial(self, W, raw):
        """Objective at ``W`` (raw scores given) and :meth:`data_term`'s ``G``."""
        data, G = self.data_term(raw)
        return data + self._penalty(W), G

    def _coef_gradient(self, G):
        # (X.T @ G).T: for CSR X, X.T is CSC and the product needs no copy of X.
        if G.shape[1] == 1:  # the matrix-vector kernel, as in linear_scores
            return _dot(self._XT, G[:, 0])[np.newaxis]
        return _dot(self._XT, G).T

    def data_gradient(self, G):
        """Gradient of the data term w.r.t. ``W`` (no penalty), from ``G``.

        Shape ``(n_outputs, n_features + 1)``; the one pass over X a gradient
        costs.
        """
        G = self._resolve(G)
        grad = np.empty((G.shape[1], self.X.shape[1] + 1), dtype=G.dtype)
        grad[:, :-1] = self._coef_gradient(G)
        grad[:, -1] = G.sum(axis=0) if self.fit_intercept else 0.0
        return grad

    def gradient_from_partial(self, W, G, out=None):
        """Gradient w.r.t. ``W`` from :meth:`value_and_partial`'s ``G``.

        With ``out`` (an array shaped and typed like ``W``, not ``W`` itself)
        the gradient is written there: the penalty's ``alpha * coef`` first,
        then the data term's gradient added onto it (for one output and CSR
        ``X``, by the product's kernel itself), so that an epoch makes no
        fresh parameter-sized array.
        """
        if out is None:
            return super().gradient_from_partial(W, G)
        if isinstance(G, _DeferredG):  # (what _resolve does, one call less)
            G = self._weighted(self.loss.gradient_after_search(G.raw, self.Y, G.kept))
        coef_grad = out[:, :-1]
        if self.alpha:
            np.multiply(W[:, :-1], self.alpha, out=coef_grad)
        else:
            coef_grad.fill(0.0)
        if self._dense_vector:
            coef_grad[0] += self._XT @ G[:, 0]
        elif not (
            G.shape[1] == 1
            and _add_product(self.X, G[:, 0], out[0, :-1], transpose=True)
        ):
            coef_grad += self._coef_gradient(G)
        out[:, -1] = G.sum(axis=0) if self.fit_intercept else 0.0
        return out

    def value_grad(self, W, raw=None, out=None):
        """Objective and its gradient at ``W``, from one pair of passes over X.

        ``out``: where to write the gradient (see :meth:`gradient_from_partial`).
        """
        if raw is None:
            raw = self.raw(W)
        value, G = self.value_and_partial(W, raw)
        return value, self.gradient_from_partial(W, G, out=out)

    def _output_means(self, raw):
        return self._weights64 @ self._activation64(raw)

    def _dual_entropy(self, raw, lam=None, v=None):
        P = self._activation64(raw)
        if lam is not None:
            P = P * lam
            P += (1.0 - lam) * v
        return float(self._weights64 @ self.loss.dual_entropy(P))

    def _activation64(self, raw):
        # Kept for the length of one duality_gap call (raw's array is reused
        # by the optimiser from one epoch to the next).
        cached = getattr(self, "_dual_activation", None)
        if cached is not None and cached[0] is raw:
            return cached[1]
        P = self.loss.activation(np.asarray(raw, dtype=np.float64))
        self._dual_activation = (raw, P)
        return P

    def _compute_dual_constants(self):
        weighted = np.column_stack([self._weights64, self._weights64[:, None] * self.Y])
        products = safe_sparse_dot(self._XT, weighted, dense_output=True)
        products = np.asarray(products, dtype=np.float64).T
        return (
            self._weights64 @ self.Y.astype(np.float64, copy=False),
            products[0],
            products[1:],
        )

    def _hessian_bound_operator(self, v):
        u = safe_sparse_dot(self.X, v[:-1], dense_output=True)
        if self.fit_intercept:
            u = u + v[-1]
        u = u * self.weights
        out = np.empty_like(v)
        out[:-1] = safe_sparse_dot(self._XT, u, dense_output=True)
        out[-1] = u.sum() if self.fit_intercept else 0.0
        return out

    def _compute_column_square_means(self):
        # One read of X, in blocks of rows cast to float64 (so that float32
        # features up to 1e38 do not overflow when squared).
        return _column_square_means(self.X, self._weights64)

    def max_sample_lipschitz(self):
        """Lipschitz bound valid for the objective restricted to any mini-batch.

        A :meth:`subset` weighs row ``i`` by ``s_i / (|B| * mean_weight)``, so
        its curvature is at most the batch's mean of
        ``s_i / mean_weight * (||x_i||^2 + 1)``, hence at most the largest
        of these over the rows: a row of ten times the mean weight has ten
        times the curvature of a unit row.
        """
        sq_norms = row_norms(self.X, squared=True).astype(np.float64)
        if self.fit_intercept:
            sq_norms += 1.0
        relative = self.sample_weight.astype(np.float64) * (
            self.n_samples / self.weight_total
        )
        top = float((relative * sq_norms).max())
        return self.loss.curvature * top + self.alpha
