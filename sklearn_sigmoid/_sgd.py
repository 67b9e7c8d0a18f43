# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Mini-batch SGD whose steps cost what the batch costs: lazy L2 and averaging.

:class:`~sklearn_sigmoid._optim.MiniBatchStep` delegates its epochs here
(without momentum).  A batch's step is the lecture's rule on the batch's
objective (see :meth:`LinearObjective.subset`)::

    coef <- coef - eta * (X_B.T g_B + alpha * coef)
          = (1 - eta alpha) coef - eta X_B.T g_B

The L2 term moves every coefficient, so an eager step costs O(n_features)
whatever the batch holds.  Here, as in scikit-learn's ``SGDClassifier``
(its ``WeightVector``), the coefficients are kept as ``coef = scale * v``:
the shrink ``1 - eta alpha`` multiplies the scalar ``scale``, and only the
entries of ``v`` in the batch's columns change (``v[j] -= eta g_j /
scale``).  The penalty's value ``alpha / 2 ||coef||^2`` comes from
``||v||^2``, kept up to date entry by entry.  When ``|scale|`` falls below
``1e-3`` it is folded into ``v`` (one O(n_features) pass, every
``log(1e3) / (eta alpha)`` steps).

Averaging (Polyak-Ruppert, ``average=...``) is kept lazily too, as
``SGDClassifier``'s ASGD does: the sum of the averaged iterates is ``S = A
+ c * v`` with a vector ``A`` and a scalar ``c``.  A step that changes ``v``
by ``delta`` (on the batch's columns) and sets the scale to ``s`` makes
``S + s v_new = (A - c delta) + (c + s) v_new``: ``A`` changes on the same
columns, ``c`` by a scalar.  The mean is ``S / n_averaged``.  (Folding
``c`` into ``A`` with the scale keeps ``c * v`` within ``1e3`` times the
mean, so the mean loses no digits to cancellation.)

The per-step arithmetic is that of the eager rule (the parameters agree to
rounding, about 1e-15 relative per step): a float ``learning_rate`` without
momentum gives the same iterates as the dense update, which the stepper
keeps as its reference path and for momentum.  Momentum stays dense: its
velocity takes ``alpha * coef`` at every step, so every entry changes at
every step whatever the batch holds.

Two implementations of the epoch give the same numbers (to rounding):

* the compiled one (``_sgd_fast``, built from Cython at install), row by row
  in C, for one sigmoid output (binary classification, single-output
  regression): a ``batch_size=1`` step costs about what ``SGDClassifier``'s
  does;
* a pure-numpy one, a few vectorised calls per batch (any loss, several
  outputs), used where the compiled module is missing or does not apply.

Step-size schedules (``schedule=``), as ``SGDClassifier``'s ``learning_rate``
options, with ``learning_rate`` as their ``eta0``: ``'constant'``;
``'invscaling'``, ``eta = eta0 / t ** 0.5`` with ``t = 1 +`` the samples seen
before the batch (counted over the whole stream); ``'adaptive'``, ``eta0``
divided by 5 each time the epoch's objective (or the validation score) fails
to improve by ``tol`` for ``n_iter_no_change`` epochs (or ``partial_fit``
calls), as ``SGDClassifier`` does within ``fit``.
"""

from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import get_blas_funcs

from sklearn_sigmoid._loss import SigmoidCrossEntropy, SigmoidSquaredError
from sklearn_sigmoid._objective import LinearObjective

try:
    from sklearn_sigmoid import _sgd_fast
except ImportError:  # not compiled (no C compiler at install): numpy path
    _sgd_fast = None

__all__ = ["SCHEDULES", "AdaptiveStoppingRule", "LazySGD", "StepSchedule"]

#: The values of the estimators' ``schedule`` parameter.
SCHEDULES = ("constant", "invscaling", "adaptive")

#: The exponent of ``'invscaling'`` (``SGDClassifier``'s default ``power_t``).
POWER_T = 0.5

# 'adaptive' stops dividing the step (and the fit stops) below this step, as
# SGDClassifier does.
_MIN_ADAPTIVE_ETA = 1e-6

# Where the lazy scale is folded into v (see the module doc).
_RESCALE = 1e-3

# The compiled kernel's codes.
_LOSS_CODES = {SigmoidCrossEntropy: 0, SigmoidSquaredError: 1}
_SCHEDULE_CODES = {"constant": 0, "invscaling": 1, "adaptive": 0}

# Which epoch implementation to use: None chooses (compiled where it applies,
# else numpy); tests force one with use_engine().
_forced_engine = None


@contextmanager
def use_engine(name):
    """Force the mini-batch engine: ``'eager'``, ``'numpy'`` or ``'compiled'``.

    For tests and benchmarks, which compare the paths; ``'compiled'`` where
    it does not apply (or is not built) falls back to ``'numpy'``.
    """
    global _forced_engine
    if name not in ("eager", "numpy", "compiled", None):
        raise ValueError(f"unknown engine {name!r}")
    previous, _forced_engine = _forced_engine, name
    try:
        yield
    finally:
        _forced_engine = previous


def engine_for(objective, momentum):
    """The mini-batch engine for this objective: eager, numpy or compiled."""
    if momentum or not LazySGD.applies(objective):
        return "eager"
    return _forced_engine or "compiled"


def compiled_available():
    """Whether the compiled kernel (``sklearn_sigmoid._sgd_fast``) is built."""
    return _sgd_fast is not None


class StepSchedule:
    """The step size of each mini-batch update, and what it carries over.

    Parameters
    ----------
    kind : {'constant', 'invscaling', 'adaptive'}
    eta0 : float
        The first step (the estimator's ``learning_rate``, or ``1 / L`` for
        ``'auto'``).
    power_t : float, default=0.5
        The exponent of ``'invscaling'``.

    Attributes
    ----------
    t : int
        One plus the number of samples seen by earlier updates (the
        ``invscaling`` clock, kept over ``partial_fit`` calls).
    reductions : int
        How many times ``'adaptive'`` divided the step by 5.
    """

    def __init__(self, kind, eta0, power_t=POWER_T):
        if kind not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}, not {kind!r}")
        self.kind = kind
        self.eta0 = float(eta0)
        self.power_t = power_t
        self.t = 1
        self.reductions = 0
        self.best = np.inf
        self.count = 0

    def eta(self, t=None):
        """The step at clock ``t`` (default: the current one)."""
        if self.kind == "invscaling":
            return self.eta0 / float(self.t if t is None else t) ** self.power_t
        if self.kind == "adaptive":
            return self.eta0 / 5.0**self.reductions
        return self.eta0

    def reduce(self):
        """``'adaptive'``: divide the step by 5; False if it is already tiny."""
        if self.eta() <= _MIN_ADAPTIVE_ETA:
            return False
        self.reductions += 1
        self.count = 0
        return True

    def get_state(self):
        return {
            "kind": self.kind,
            "t": self.t,
            "reductions": self.reductions,
            "best": self.best,
            "count": self.count,
        }

    def restore(self, state):
        """Go on from a previous schedule's :meth:`get_state` (a warm start)."""
        if not state:
            return
        self.t = int(state["t"])
        if state["kind"] == self.kind == "adaptive":
            self.reductions = int(state["reductions"])
            self.best = float(state["best"])
            self.count = int(state["count"])


class AdaptiveStoppingRule:
    """``SGDClassifier``'s rule for ``learning_rate='adaptive'``.

    When the watched value (the epoch's objective, or minus the validation
    score) has not improved on the best one by ``tol`` for
    ``n_iter_no_change`` consecutive epochs, the step is divided by 5 and
    the count starts again; once the step is below ``1e-6``, descent stops.
    The counts live in the stepper's :class:`StepSchedule`, so that they
    carry over ``partial_fit`` calls (one epoch each) and warm starts.
    """

    reason = "no improvement"
    gap = None

    def __init__(self, tol, n_iter_no_change):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change

    def update(self, value, stepper):
        """Record an epoch's value; reduce the step or return True to stop."""
        schedule = stepper.schedule
        if value > schedule.best - self.tol:
            schedule.count += 1
        else:
            schedule.count = 0
        schedule.best = min(schedule.best, value)
        if schedule.count >= self.n_iter_no_change:
            if schedule.reduce():
                stepper.step = schedule.eta()
                return False
            return True
        return False


def _add_scaled(A, V, c):
    """``A += c * V`` row by row with BLAS ``axpy``: no temporary the size of V."""
    for a, v in zip(A, V):
        if a.flags.c_contiguous and v.flags.c_contiguous:
            axpy = get_blas_funcs("axpy", (a, v))
            axpy(v, a, a=c)  # in place: a is contiguous float64
        else:
            a += c * v


def _gather_rows(X, rows):
    """The stored entries of CSR rows ``rows``: (row position, column, value)."""
    starts = X.indptr[rows]
    lengths = X.indptr[rows + 1] - starts
    counts = np.arange(len(rows))
    row_of = np.repeat(counts, lengths)
    offsets = np.cumsum(lengths) - lengths
    positions = np.arange(int(lengths.sum())) - np.repeat(offsets - starts, lengths)
    return row_of, X.indices[positions], X.data[positions]


class LazySGD:
    """The epochs of lazy mini-batch SGD on a :class:`LinearObjective`.

    Works on the stepper's ``W`` (and running mean) in place: each epoch
    reads them into the lazy form (``scale * v``, ``A + c v``), runs the
    batches, and writes them back, so that a ``partial_fit`` stream and a
    warm start see the same parameters and state as the eager rule.
    """

    def __init__(self, objective, batch_size, compiled=True):
        X = objective.X
        self.sparse = sp.issparse(X)
        if self.sparse and X.format != "csr":
            X = X.tocsr()  # row access (a copy of this chunk only)
        if not self.sparse and not X.flags.c_contiguous:
            X = np.ascontiguousarray(X)
        self.X = X
        self.objective = objective
        self.batch_size = batch_size
        self.n_outputs = objective.Y.shape[1]
        self.loss_code = _LOSS_CODES.get(type(objective.loss))
        self.compiled = (
            compiled
            and _sgd_fast is not None
            and self.n_outputs == 1
            and self.loss_code is not None
        )

    @staticmethod
    def applies(objective):
        """Whether the lazy epochs apply (an in-memory linear objective)."""
        return type(objective) is LinearObjective

    # -- reading and writing the stepper's parameters ---------------------

    def _read(self, stepper):
        """The lazy form of the stepper's parameters (in W itself if float64)."""
        W = stepper.W
        in_place = W.dtype == np.float64 and W.flags.c_contiguous
        # With scale 1, v is the coefficients themselves.
        V = W[:, :-1] if in_place else W[:, :-1].astype(np.float64)
        state = {
            "in_place": in_place,
            "V": V,
            "b": W[:, -1] if in_place else W[:, -1].astype(np.float64),
            "scale": 1.0,
            "sq_norm": float(np.vdot(V, V)) if self.objective.alpha else 0.0,
            "A": None,
            "c": 0.0,
            "mean_b": np.zeros(W.shape[0]),
            "samples_seen": int(stepper.samples_seen),
            "n_averaged": int(stepper.n_averaged),
            "average_start": int(stepper.average) if stepper.average else -1,
        }
        if stepper.average:
            mean = stepper.W_average
            if mean is not None and stepper.n_averaged:
                # The sum of the averaged iterates, A + 0 * v.
                if mean.dtype == np.float64 and mean.flags.c_contiguous:
                    A = mean[:, :-1]  # in the running mean's own array
                    A *= float(stepper.n_averaged)
                    state["mean_in_place"] = True
                else:
                    A = mean[:, :-1].astype(np.float64) * float(stepper.n_averaged)
                state["A"] = A
                state["mean_b"] = mean[:, -1].astype(np.float64)
            else:
                state["A"] = np.zeros_like(V, dtype=np.float64)
        return state

    def _write(self, stepper, state):
        W, V, scale = stepper.W, state["V"], state["scale"]
        if state["n_averaged"]:
            A = state["A"]
            if state["c"]:
                _add_scaled(A, V, state["c"])
            A /= state["n_averaged"]
            if stepper.W_average is None:
                stepper.W_average = np.empty_like(W)
                stepper._average_step = np.empty_like(W)
            if not state.get("mean_in_place"):
                stepper.W_average[:, :-1] = A
            stepper.W_average[:, -1] = state["mean_b"]
        if state["in_place"]:
            if scale != 1.0:
                V *= scale
        else:
            W[:, :-1] = V * scale
            W[:, -1] = state["b"]
        stepper.samples_seen = state["samples_seen"]
        stepper.n_averaged = state["n_averaged"]

    def epoch(self, stepper, order):
        """One pass over the rows in ``order``; the sum of ``len(batch) * value``."""
        if self.compiled:
            state = self._read(stepper)
            arrays = self._kernel_arrays()
            if stepper._initial_value is None:  # the objective where we start
                stepper.initial_value = self._compiled_value(state, arrays)
            total = self._compiled_epoch(stepper.schedule, order, state, arrays)
        else:
            if stepper._initial_value is None:
                stepper.initial_value = self.objective.value(stepper.W)
            state = self._read(stepper)
            total = self._numpy_epoch(stepper.schedule, order, state)
        self._write(stepper, state)
        if self._scores_overflow(stepper.W):
            # As the eager rule, which computes the scores in X's dtype, sees
            # them: an objective that is no longer finite, i.e. divergence.
            return np.inf
        return total

    def _scores_overflow(self, W):
        """Whether ``X @ coef.T + intercept`` overflows X's dtype at ``W``.

        The lazy epochs compute in float64, where the scores of float32 data
        can be finite although the parameters' scores in float32 (those of
        ``predict``) are not; a bounded loss (the squared error) would then
        never report a divergence.  (Found by the hostile battery's random
        fits: float32 columns up to 1e20, squared error, alpha=0.)
        """
        X = self.objective.X
        if X.dtype == np.float64:
            # The epochs' own scores are X's: an overflow there already made
            # the epoch's objective infinite.
            return False
        return self.objective.scores_overflow(W, X.dtype)

    # -- the compiled epoch -------------------------------------------------

    def _kernel_arrays(self):
        """X's arrays, targets and weights as the kernel takes them (cached)."""
        arrays = getattr(self, "_arrays", None)
        if arrays is None:
            objective, X = self.objective, self.X
            arrays = {
                "y": np.ascontiguousarray(objective.Y[:, 0], dtype=np.float64),
                "sample_weight": np.ascontiguousarray(
                    objective.sample_weight, dtype=np.float64
                ),
                "weight_total": float(objective.weight_total),
            }
            if self.sparse:
                indices, indptr = X.indices, X.indptr
                if indices.dtype != indptr.dtype:
                    indices = indices.astype(np.int64)
                    indptr = indptr.astype(np.int64)
                self._X_arrays = (X.data, indices, indptr, X.shape[1])
            else:
                self._X_arrays = (X,)
            self._arrays = arrays
        return arrays

    def _compiled_value(self, state, arrays):
        """The objective at the start, from one pass of the kernel."""
        kernel = (
            _sgd_fast.sparse_data_term if self.sparse else _sgd_fast.dense_data_term
        )
        data = kernel(
            *self._X_arrays,
            **arrays,
            loss=self.loss_code,
            v=state["V"][0],
            scale=state["scale"],
            intercept=float(state["b"][0]),
        )
        return data + 0.5 * float(self.objective.alpha) * state["sq_norm"]

    def _compiled_epoch(self, schedule, order, state, arrays):
        objective = self.objective
        scalars = np.array(
            [
                state["scale"],
                state["b"][0],
                state["sq_norm"],
                state["c"],
                state["mean_b"][0],
            ]
        )
        counters = np.array(
            [
                state["samples_seen"],
                state["n_averaged"],
                state["average_start"],
                schedule.t,
            ],
            dtype=np.int64,
        )
        kernel = _sgd_fast.sparse_epoch if self.sparse else _sgd_fast.dense_epoch
        total = kernel(
            *self._X_arrays,
            **arrays,
            order=np.ascontiguousarray(order, dtype=np.intp),
            batch_size=self.batch_size,
            loss=self.loss_code,
            alpha=float(objective.alpha),
            fit_intercept=bool(objective.fit_intercept),
            schedule=_SCHEDULE_CODES[schedule.kind],
            # invscaling divides eta0 by t ** power_t itself
            eta0=schedule.eta0 if schedule.kind == "invscaling" else schedule.eta(),
            power_t=float(schedule.power_t),
            v=state["V"][0],
            A=state["A"][0] if state["A"] is not None else np.zeros(1),
            scalars=scalars,
            counters=counters,
        )
        state["scale"], b, state["sq_norm"], state["c"], mean_b = scalars.tolist()
        state["b"][0] = b
        state["mean_b"][0] = mean_b
        state["samples_seen"], state["n_averaged"] = int(counters[0]), int(counters[1])
        schedule.t = int(counters[3])
        return float(total)

    # -- the numpy epoch (the reference of the compiled one) --------------

    def _numpy_epoch(self, schedule, order, state):
        objective, X = self.objective, self.X
        loss, Y = objective.loss, objective.Y
        alpha, n_rows = float(objective.alpha), objective.n_samples
        V, b, A = state["V"], state["b"], state["A"]
        scale, sq_norm, c = state["scale"], state["sq_norm"], state["c"]
        mean_b = state["mean_b"]
        samples_seen, n_averaged = state["samples_seen"], state["n_averaged"]
        average_start = state["average_start"]
        total = 0.0
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            m = len(rows)
            batch_total = objective.weight_total * m / n_rows
            weights = objective.sample_weight[rows].astype(np.float64) / batch_total
            if self.sparse:
                row_of, columns, values = _gather_rows(X, rows)
                raw = np.empty((m, self.n_outputs))
                for k in range(self.n_outputs):
                    raw[:, k] = np.bincount(
                        row_of, weights=values * V[k, columns], minlength=m
                    )
            else:
                block = X[rows]
                raw = block @ V.T
            raw *= scale
            raw += b
            losses, G = loss.loss_gradient(raw, Y[rows])
            value = float(weights @ losses)
            if not np.isfinite(raw.sum()):
                value = np.inf
            if alpha:
                value += 0.5 * alpha * (scale * scale * sq_norm)
            total += m * value
            G = G * weights[:, None]

            eta = schedule.eta(schedule.t)
            averaging = average_start >= 0 and samples_seen + m >= average_start
            first_mean = averaging and n_averaged == 0
            if alpha:
                new_scale = scale * (1.0 - eta * alpha)
                if abs(new_scale) < _RESCALE:
                    if averaging and not first_mean:
                        A += c * V
                        c = 0.0
                    V *= new_scale
                    sq_norm = float(np.vdot(V, V))
                    scale = 1.0
                else:
                    scale = new_scale
            step = -eta / scale
            if self.sparse:
                touched, inverse = np.unique(columns, return_inverse=True)
                delta = np.empty((self.n_outputs, len(touched)))
                for k in range(self.n_outputs):
                    delta[k] = np.bincount(
                        inverse, weights=values * G[row_of, k], minlength=len(touched)
                    )
            else:
                touched = slice(None)
                delta = G.T @ block
            delta *= step
            old = V[:, touched]
            new = old + delta
            sq_norm += float(np.vdot(new, new) - np.vdot(old, old))
            V[:, touched] = new
            if averaging and not first_mean:
                A[:, touched] -= c * delta
            if objective.fit_intercept:
                b -= eta * G.sum(axis=0)
            samples_seen += m
            schedule.t += m
            if averaging:
                n_averaged += 1
                if first_mean:
                    A[...] = 0.0
                    c = scale
                    mean_b[...] = b
                else:
                    c += scale
                    mean_b += (b - mean_b) / n_averaged
        state.update(
            scale=scale,
            sq_norm=sq_norm,
            c=c,
            samples_seen=samples_seen,
            n_averaged=n_averaged,
        )
        return total
