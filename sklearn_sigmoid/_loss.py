# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Pointwise losses of a sigmoid (or softmax) output, written once.

Every loss here is a function of the *raw score* ``z = X @ coef.T + intercept``
(shape ``(n_samples, n_outputs)``) and of the target ``Y`` (same shape; values in
[0, 1], one-hot rows for softmax).  Each loss knows

* ``activation(z)``: the neuron's output, ``sigma(z)`` or ``softmax(z)``;
* ``loss(z, Y)``: the loss of each sample, summed over outputs, shape ``(n,)``;
* ``loss_gradient(z, Y)``: that loss and its gradient with respect to ``z``;
* ``loss_for_search(z, Y)`` and ``gradient_after_search(z, Y, kept)``: the
  same two split in halves, for a line search that tries several ``z`` and
  needs the gradient only at the one it accepts (``kept`` is what the first
  half computed that the second reuses);
* ``class_probabilities(z)`` and ``class_log_probabilities(z)``: the
  probability of each class (``[1 - s, s]`` for one sigmoid output), what a
  classifier's ``predict_proba`` returns;
* ``intercept_only(mean_target)``: the optimum of a model with an intercept
  only, where the outputs equal the weighted mean target (where descent
  starts);
* ``curvature``: an upper bound of the second derivative with respect to ``z``
  (the largest Hessian eigenvalue per sample), from which the objective's
  Lipschitz constant, and so a safe step size, follows.

The chain rule through ``z = w.x + b`` (the factor ``x``) is applied by the
objective (:mod:`sklearn_sigmoid._objective`), never here.  With ``s = sigma(z)``:

=====================  ===============================  ==========================
loss                   value per output                 gradient w.r.t. ``z``
=====================  ===============================  ==========================
squared error (1/2)    ``(s - y)**2 / 2``               ``(s - y) * s * (1 - s)``
cross-entropy          ``-y log s - (1-y) log(1-s)``    ``s - y``
=====================  ===============================  ==========================

``s * (1 - s)`` is the sigmoid's derivative.  Everything is computed with
:func:`scipy.special.expit` and :func:`~scipy.special.log_expit`, or, in the
sigmoid losses' training path (``loss_gradient``, run at every epoch), from
one ``exp(-|z|)`` that gives ``s``, ``1 - s`` and ``log(1 + e^z)`` together
(twice as fast as separate calls, to the same precision).  The softmax and
logsumexp come from one exponential of the scores shifted by each row's
maximum, as scipy's ``softmax`` and ``logsumexp`` compute them but without
their per-call overhead (90 us for logsumexp at 150 x 3 scores: a default
iris fit took 63 ms with them, 24 ms without).  Either way ``|z|`` of 1e4
(or far more) gives finite values and no warning.
"""

import numpy as np
from scipy.special import expit, log_expit, logsumexp
from scipy.special import softmax as _scipy_softmax

__all__ = [
    "LOSS_ALIASES",
    "get_loss",
    "sigmoid",
    "sigmoid_derivative",
]

# The mean targets of the intercept-only start are kept this far from 0 and 1.
_EPS_START = 1e-6

#: Accepted spellings of each loss, mapped to the canonical name.
LOSS_ALIASES = {
    "mse": "mse",
    "squared_error": "mse",
    "cross_entropy": "cross_entropy",
    "log_loss": "cross_entropy",
}


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, without overflow.

    Parameters
    ----------
    z : float or array-like
        Raw scores ``w.x + b``; any finite value, however large.

    Returns
    -------
    s : float or ndarray
        ``sigma(z)``, in [0, 1], of the shape of ``z``.

    See Also
    --------
    sigmoid_derivative : Its slope, ``s * (1 - s)``.

    Examples
    --------
    >>> from sklearn_sigmoid import sigmoid
    >>> sigmoid([-1000.0, 0.0, 1000.0])
    array([0. , 0.5, 1. ])
    """
    return expit(z)


def sigmoid_derivative(z):
    """Derivative of the sigmoid, ``s * (1 - s)`` with ``s = sigmoid(z)``.

    Computed as ``sigmoid(z) * sigmoid(-z)``, which equals ``s * (1 - s)`` but
    keeps its relative precision where ``s`` is close to 1.

    Parameters
    ----------
    z : float or ndarray
        Raw scores.

    Returns
    -------
    ds : float or ndarray
        ``sigma'(z)``, in [0, 1/4] (its maximum at ``z = 0``), of the shape
        of ``z``.

    See Also
    --------
    sigmoid : The logistic function itself.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid import sigmoid_derivative
    >>> sigmoid_derivative(np.array([0.0, 2.0]))
    array([0.25      , 0.10499359])
    """
    return expit(z) * expit(-z)


# Up to this many output columns, a reduction along each row is taken column
# by column: numpy's reductions along a short last axis cost about 2 us per
# hundred rows (7.5 us for a row maximum of 150 x 3, against 1.4 us for two
# elementwise maxima), which at a few thousand scores exceeds the arithmetic.
_FEW_COLUMNS = 8


def _sum_outputs(values):
    """Per-sample sum over the output columns; for one column, a view of it
    (the same numbers, without a reduction's cost at every trial step)."""
    if values.shape[1] == 1:
        return values[:, 0]
    if values.shape[1] <= _FEW_COLUMNS:
        total = values[:, 0] + values[:, 1]
        for k in range(2, values.shape[1]):
            total += values[:, k]
        return total
    return np.sum(values, axis=1)


def _row_max(values):
    """Per-sample maximum over the output columns, shape (n_samples, 1)."""
    if values.shape[1] > _FEW_COLUMNS:
        return values.max(axis=1, keepdims=True)
    top = values[:, :1].copy()
    for k in range(1, values.shape[1]):
        np.maximum(top, values[:, k : k + 1], out=top)
    return top


def _neg_xlogx(P):
    """``-p log p`` elementwise for ``p`` in [0, 1] (0 at 0), in a new array.

    What :func:`scipy.special.entr` computes, three times faster: the
    logarithm of ``max(p, tiny)`` is finite, and ``0 * finite = 0``.
    """
    out = np.maximum(P, np.finfo(np.float64).tiny)
    np.log(out, out=out)
    out *= P
    np.negative(out, out=out)
    return out


def _shifted_exp(raw, top=None):
    """``exp(z - max z)`` row by row (in (0, 1], no overflow) and its row sums.

    ``top``: the rows' maxima, if already known (see :func:`_row_max`).
    """
    if top is None:
        top = _row_max(raw)
    e = np.subtract(raw, top)
    np.exp(e, out=e)
    return e, _sum_outputs(e)[:, np.newaxis]


def _softmax(raw):
    """The softmax over each row, as :func:`scipy.special.softmax` computes
    it (shifted by the row's maximum), without its per-call overhead, which
    exceeds the arithmetic at a few thousand scores."""
    e, total = _shifted_exp(raw)
    e /= total
    return e


def _exp_neg_abs(raw):
    """``exp(-|z|)``, in (0, 1]: the one exponential the sigmoid needs."""
    e = np.abs(raw)
    np.negative(e, out=e)
    np.exp(e, out=e)
    return e


def _sigmoid_pair(raw):
    """``sigma(z)`` and ``1 - sigma(z)``, both to full relative precision.

    With ``e = exp(-|z|)``: for ``z >= 0``, ``sigma = 1 / (1 + e)`` and
    ``1 - sigma = e / (1 + e)``; for ``z < 0`` the two swap.  One exponential
    instead of the two of ``expit(z)`` and ``expit(-z)``.
    """
    e = _exp_neg_abs(raw)
    small = e / (1.0 + e)  # the smaller of sigma(z) and 1 - sigma(z)
    large = 1.0 - small
    positive = raw >= 0
    return np.where(positive, large, small), np.where(positive, small, large)


def _sigmoid_from(raw, e):
    """``sigma(z)`` from ``e = exp(-|z|)``: ``1 / (1 + e)`` where ``z >= 0``,
    ``e / (1 + e)`` elsewhere.

    Computed as ``(1 / (1 + e)) * exp(min(z, 0))``, which is those two to the last
    bit: where ``z < 0``, ``min(z, 0) = -|z|`` exactly and the exponential is
    ``e`` again; elsewhere it is 1.  Three array operations instead of a
    comparison, a product and ``np.where`` (2.0 against 3.3 us on 569 rows).
    (A division ``where(z >= 0, 1, e) / (1 + e)`` would save one more, but
    rounds differently, and spectral steps amplify rounding: epochs to a
    certified 1e-6 gap on binary word counts went from 192 to 268.)
    """
    inv = 1.0 + e
    np.reciprocal(inv, out=inv)  # 1 / (1 + e) = sigma(|z|)
    factor = np.minimum(raw, 0.0)
    np.exp(factor, out=factor)  # e where z < 0, 1 elsewhere
    inv *= factor
    return inv


def _sigmoid_softplus(raw):
    """``sigma(z)`` and ``softplus(z) = log(1 + exp(z)) = -log(1 - sigma(z))``.

    ``softplus(z) = max(z, 0) + log1p(exp(-|z|))``: finite for any finite
    ``z`` and computed from the same single exponential as ``sigma``.
    """
    e = _exp_neg_abs(raw)
    s = _sigmoid_from(raw, e)
    np.log1p(e, out=e)
    e += np.maximum(raw, 0.0)
    return s, e


class _Loss:
    """What every loss shares: by default the split halves of
    ``loss_gradient`` are the whole of it, then nothing."""

    #: Whether the loss is convex in the raw score, with the conjugate below
    #: (the cross-entropies): a linear model's objective then has a dual, and
    #: a fit can certify how far it is from the optimum.
    convex = False

    def loss_for_search(self, raw, Y):
        """The loss of each sample at ``raw``; the gradient deferred.

        Returns ``(loss, kept)``: pass ``kept`` to
        :meth:`gradient_after_search` for the gradient at the same ``raw``.
        """
        return self.loss_gradient(raw, Y)

    def gradient_after_search(self, raw, Y, kept):
        """The gradient at ``raw``, finishing :meth:`loss_for_search`."""
        return kept


class _SigmoidLoss(_Loss):
    """Independent sigmoid neurons, one per output column."""

    link = "sigmoid"

    def activation(self, raw):
        return expit(raw)

    @staticmethod
    def class_probabilities(raw):
        """``[1 - s, s]`` for the scores of one output (shape (n,) or (n, 1)).

        ``1 - s`` is computed as ``sigma(-z)``, which keeps its digits.
        """
        z = np.ravel(raw)
        return np.column_stack([expit(-z), expit(z)])

    @staticmethod
    def class_log_probabilities(raw):
        """``log`` of :meth:`class_probabilities`, without underflow."""
        z = np.ravel(raw)
        return np.column_stack([log_expit(-z), log_expit(z)])

    @staticmethod
    def intercept_only(mean_target):
        """The log-odds ``log(p / (1 - p))`` of the mean targets (clipped)."""
        p = np.clip(mean_target, _EPS_START, 1 - _EPS_START)
        return np.log(p) - np.log1p(-p)


class _SoftmaxLoss(_Loss):
    """One softmax over the output columns (multinomial)."""

    link = "softmax"

    def activation(self, raw):
        return _softmax(raw)

    @staticmethod
    def class_probabilities(raw):
        """The softmax of each row of scores."""
        return _scipy_softmax(raw, axis=1)

    @staticmethod
    def class_log_probabilities(raw):
        """``log`` of :meth:`class_probabilities`, without underflow."""
        return raw - logsumexp(raw, axis=1, keepdims=True)

    @staticmethod
    def intercept_only(mean_target):
        """The centred log-frequencies of the classes (clipped away from 0)."""
        p = np.clip(mean_target, _EPS_START, 1 - _EPS_START)
        log_p = np.log(p)
        return log_p - log_p.mean()


class SigmoidSquaredError(_SigmoidLoss):
    """Half squared error of sigmoid outputs: ``sum_k (s_k - y_k)**2 / 2``."""

    name = "mse"
    # max over z and y in [0, 1] of |d2/dz2 (s - y)**2 / 2| = 0.0770...
    curvature = 0.08

    def loss(self, raw, Y):
        return 0.5 * np.sum((expit(raw) - Y) ** 2, axis=1)

    def loss_gradient(self, raw, Y):
        s, one_minus_s = _sigmoid_pair(raw)
        residual = s - Y
        loss = 0.5 * _sum_outputs(residual**2)
        s *= one_minus_s  # the sigmoid's derivative
        s *= residual
        return loss, s


class SigmoidCrossEntropy(_SigmoidLoss):
    """Binary cross-entropy of sigmoid outputs (targets may be soft)."""

    name = "cross_entropy"
    curvature = 0.25  # max of s (1 - s)
    convex = True

    @staticmethod
    def dual_entropy(P):
        """``-loss*(p - y)`` of each sample for outputs ``P`` in [0, 1].

        The loss ``softplus(z) - y z`` has the convex conjugate
        ``loss*(r) = -H(r + y)`` (``H`` the binary entropy, summed over the
        outputs), defined where ``r + y`` lies in [0, 1]: the dual objective
        of the fit is written with it (see :meth:`LinearObjective.duality_gap`).
        """
        Q = 1.0 - P
        return _sum_outputs(_neg_xlogx(P) + _neg_xlogx(Q))

    @staticmethod
    def feasible_mix(P_mean, Y_mean):
        """How far to pull outputs towards a constant so that their weighted
        mean is the targets' (the intercept's optimality condition).

        Returns ``(lam, v)``: ``lam * P + (1 - lam) * v`` has the weighted
        mean ``Y_mean`` and stays in [0, 1] (one pair per output column).
        """
        lam, v = np.ones(len(P_mean)), np.zeros(len(P_mean))
        # One pair per output (a handful of numbers: plain floats are fastest).
        for j, (p, y) in enumerate(zip(P_mean.tolist(), Y_mean.tolist())):
            if p > y:  # outputs too high on average: scale them down
                lam[j] = y / p
            elif p < y:  # too low: scale 1 - p down
                lam[j] = (1.0 - y) / (1.0 - p)
            if lam[j] < 1.0:
                v[j] = min(max((y - lam[j] * p) / (1.0 - lam[j]), 0.0), 1.0)
        return lam, v

    def loss(self, raw, Y):
        # -y log s - (1 - y) log(1 - s) = -y z - log(1 - s), since
        # log s - log(1 - s) = z; and log(1 - s) = log_expit(-z).
        return -np.sum(Y * raw + log_expit(-raw), axis=1)

    def loss_gradient(self, raw, Y):
        s, softplus = _sigmoid_softplus(raw)
        loss = softplus
        loss -= Y * raw
        s -= Y
        return _sum_outputs(loss), s

    # The line search's halves: the loss from e = exp(-|z|) alone (no
    # sigmoid), and the gradient s - y later from the same e.  Together the
    # very arithmetic of loss_gradient, so the same numbers.

    def loss_for_search(self, raw, Y):
        e = _exp_neg_abs(raw)
        loss = np.log1p(e)
        loss += np.maximum(raw, 0.0)
        loss -= Y * raw
        return _sum_outputs(loss), e

    def gradient_after_search(self, raw, Y, kept):
        s = _sigmoid_from(raw, kept)
        s -= Y
        return s


class SoftmaxSquaredError(_SoftmaxLoss):
    """Half squared error between softmax probabilities and one-hot targets."""

    name = "mse"
    # A bound on the Hessian's spectral norm (the largest value found by a dense
    # numerical search is 0.308, reached with two classes); generous on purpose.
    curvature = 0.5

    def loss(self, raw, Y):
        return 0.5 * np.sum((_softmax(raw) - Y) ** 2, axis=1)

    def loss_gradient(self, raw, Y):
        p = _softmax(raw)
        residual = p - Y
        loss = 0.5 * np.sum(residual**2, axis=1)
        # Jacobian of softmax is diag(p) - p p^T, so J^T r = p * (r - <p, r>).
        grad = p * (residual - np.sum(p * residual, axis=1, keepdims=True))
        return loss, grad


class SoftmaxCrossEntropy(_SoftmaxLoss):
    """Multinomial cross-entropy: ``logsumexp(z) - <y, z>``."""

    name = "cross_entropy"
    curvature = 0.5  # ||diag(p) - p p^T||_2 <= 1/2
    convex = True

    @staticmethod
    def dual_entropy(P):
        """``-loss*(p - y)`` of each sample: the Shannon entropy of its row
        of probabilities (the conjugate of ``logsumexp``, on the simplex)."""
        return _sum_outputs(_neg_xlogx(P))

    @staticmethod
    def feasible_mix(P_mean, Y_mean):
        """One ``lam`` for all classes and a point ``v`` of the simplex such
        that ``lam * P + (1 - lam) * v`` has the weighted mean ``Y_mean``
        (see :meth:`SigmoidCrossEntropy.feasible_mix`)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(P_mean > Y_mean, Y_mean / P_mean, 1.0)
        lam = min(1.0, float(ratios.min()))
        if lam >= 1.0:
            return 1.0, np.zeros_like(P_mean)
        v = np.clip((Y_mean - lam * P_mean) / (1.0 - lam), 0.0, None)
        return lam, v / v.sum()

    def loss(self, raw, Y):
        return self.loss_for_search(raw, Y)[0]

    def loss_gradient(self, raw, Y):
        loss, kept = self.loss_for_search(raw, Y)
        return loss, self.gradient_after_search(raw, Y, kept)

    # The line search's halves: one exponential of the shifted scores gives
    # logsumexp (the loss) and, once a step is accepted, the softmax.

    def loss_for_search(self, raw, Y):
        top = _row_max(raw)
        e, total = _shifted_exp(raw, top)
        loss = np.log(total[:, 0])
        loss += top[:, 0]  # logsumexp
        loss -= _sum_outputs(Y * raw)
        return loss, (e, total)

    def gradient_after_search(self, raw, Y, kept):
        e, total = kept
        e /= total  # the softmax
        e -= Y
        return e


_LOSSES = {
    ("sigmoid", "mse"): SigmoidSquaredError,
    ("sigmoid", "cross_entropy"): SigmoidCrossEntropy,
    ("softmax", "mse"): SoftmaxSquaredError,
    ("softmax", "cross_entropy"): SoftmaxCrossEntropy,
}


def get_loss(name, link):
    """Return the loss object for a loss name (or alias) and a link.

    Parameters
    ----------
    name : {'mse', 'squared_error', 'cross_entropy', 'log_loss'}
        The loss.
    link : {'sigmoid', 'softmax'}
        Independent sigmoid outputs, or one softmax across the outputs.
    """
    return _LOSSES[(link, LOSS_ALIASES[name])]()
