# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Gradient descent: the update rules, the step sizes and the stopping rule.

Everything here works on a packed parameter array ``W`` (see
:mod:`sklearn_sigmoid._objective`) and knows nothing of estimators.

Update rules
------------
* **Fixed step** (``learning_rate=<float>``, full batch, ``momentum=0``): the
  lecture's rule, one step per epoch, ``W <- W - eta * grad J(W)``, exactly.
* **Heavy-ball momentum** (``momentum=mu > 0``):
  ``V <- mu * V - eta * grad J(W)``, ``W <- W + V``.
* **Automatic step** (``learning_rate='auto'``, full batch, ``momentum=0``):
  still one step against the gradient per epoch, but its length is chosen from
  the data.  The first trial step is ``1 / L`` (``L`` bounds the gradient's
  Lipschitz constant; here the trace bound, read from X in one pass); later
  trial steps alternate the two Barzilai-Borwein (spectral) steps, which
  adapt to the curvature met along the path.  Each trial is accepted only if
  it satisfies Armijo's sufficient-decrease condition, otherwise it is
  halved.  Where the stop is certified (cross-entropy with ``alpha > 0``,
  see Stopping), the condition is taken against the highest objective of
  the last 20 epochs (the nonmonotone rule of Grippo, Lampariello and Lucidi,
  as spectral projected gradient methods use it): any step up to ``1 / L``
  satisfies it, so the objective never rises above the highest of its last
  20 values and falls over every 20 epochs; between those it may rise for an
  epoch or two, which lets spectral steps run at their natural length
  instead of being cut back.  Measured on the polarity corpus, epochs to a
  certified gap of 1e-4 / 1e-6 against the monotone rule (every epoch
  decreasing): binary counts 144 / 192 against 210 / 338, MaxAbs-scaled
  33 / 46 against 42 / 61, raw counts 324 / 472 against 500 / 807, Hu & Liu
  counts 73 / 107 against 93 / 120; small dense problems (iris, breast
  cancer, make_classification) within 20 % either way.  Elsewhere (the
  squared error, ``alpha = 0``) every epoch decreases the objective: the
  stop there is a gradient test, which depends on the path, and the long
  steps the nonmonotone rule accepts amplify rounding (weighted against
  repeated rows, 10 of 160 small problems ended more than 1e-7 apart, up to
  26 % on the squared error; none with the monotone rule).
  A memory of 10 or 30 epochs did worse on binary (175 / 252) or raw counts
  (394 / 480).  Columns whose weighted mean square exceeds 1 (the
  intercept's column of ones) have their gradient divided by it (a diagonal
  metric, applied only above that scale): a feature on a 1e6 scale no longer
  stalls the others, and on the polarity corpus a certified 1e-4 gap takes
  500 epochs instead of 1130 on raw word counts (with the monotone rule),
  while scaled features (standardised, MaxAbs, binary) take the same plain
  steps as before.  (Measured and rejected: a full Jacobi metric, which also
  lengthens the steps of small columns, took 754 epochs on binary counts to
  a 1e-4 gap against 151, and a square-root one 224; the long BB step alone
  instead of alternating the two (binary counts 274 / 408 epochs); dual
  extrapolation of the certificate (Anderson, as celer: no earlier stop on
  binary counts); backtracking by quadratic interpolation instead of
  halving saved trials, 1.9 to 1.5 an epoch on raw counts, but took 607
  epochs to a 1e-4 gap there against 443.)
* **Fixed safe step** (``'auto'`` with momentum): ``1 / L`` with ``L`` from
  power iteration on the curvature bound.
* **Mini-batch SGD** (``batch_size=<int>``): per epoch, the rows are (shuffled
  and) cut into batches, and each batch's gradient makes one step of the above
  fixed-step or momentum rule (``'auto'`` is then ``1 / L_max``, a bound
  that holds for any batch).  A batch's data term is divided by its share
  of the whole weight total, not by its own weights, so that weights pull
  as repeated rows do (see :class:`MiniBatchStep`).

A step that blows the objective up (non-finite, or more than ten times its
start) raises :class:`DivergenceError`.

Stopping
--------
:class:`OptimalityRule` ends full-batch descent once the fit is known to be
near the optimum: for the cross-entropies with ``alpha > 0`` when the duality
gap (a certified bound on ``J(W) - min J``, see
:meth:`~sklearn_sigmoid._objective.Objective.duality_gap`) is at most ``tol``
times the objective; otherwise (the squared error, which is not convex, or
``alpha = 0``) when every gradient entry is at most ``tol``, as lbfgs's test.
:class:`StoppingRule` is scikit-learn's ``SGDClassifier`` rule, for noisy
objectives (mini-batches, validation scores): stop when the monitored value
has not improved on the best one by at least ``tol`` for
``n_iter_no_change`` consecutive epochs.
"""

import collections
import dataclasses
import math
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import threadpoolctl
from threadpoolctl import ThreadpoolController

from sklearn_sigmoid import _sgd
from sklearn_sigmoid._config import get_config
from sklearn_sigmoid._kernels import blas_axpy as _axpy
from sklearn_sigmoid._sgd import LazySGD, StepSchedule

# Halvings of a trial step before the line search tests for convergence.
_HALVINGS_BEFORE_TEST = 8

# Halvings after which the line search gives up in any case (a step shrunk by
# 2**-80 ~ 1e-24 changes no parameter at any float precision).
_MAX_HALVINGS = 80

# Armijo's constant: accept a step t when J(W - t g) <= J_ref - c * t * ||g||^2,
# J_ref the highest objective of the last _NONMONOTONE_MEMORY epochs.
_ARMIJO = 1e-4
_NONMONOTONE_MEMORY = 20

# In float64, a spectral step's inner products come from |g|^2, |g_prev|^2
# and g.g_prev unless a difference falls below this fraction of the terms
# (relative error then below 1e-9); otherwise, and always in float32, from
# y = g - g_prev, at the cost of two more passes.
_CANCELLATION = 1e-6

# Spectral steps are rounded to the grid 2**(k / _STEP_GRID) (steps 1.1% apart).
_STEP_GRID = 64


def _on_step_grid(step):
    """Round a spectral step to the nearest power of ``2**(1 / _STEP_GRID)``.

    A Barzilai-Borwein step is a ratio of inner products of gradient
    differences, so it amplifies rounding errors: two runs on the same problem
    summed in another order (rows shuffled, or a row repeated instead of
    weighted) drift apart by 1e-6 within a few dozen epochs, more than
    scikit-learn's sample-weight equivalence checks allow.  On a grid 1.1%
    fine, both runs almost always pick the same step, so their paths agree
    to rounding (1e-11 measured).  Epochs to a 1e-4 gap on the showcase data
    no longer depend on row order and stay close to what they were without
    the grid (measured, with / without over four row orders: raw counts 443
    / 409-544, binary 151 / 120-160, MaxAbs-scaled 34 / 32).
    """
    return float(2.0 ** (round(math.log2(step) * _STEP_GRID) / _STEP_GRID))


@lru_cache(maxsize=1)
def _threadpool_controller():
    # Finding the loaded BLAS libraries reads the process's memory map, which
    # costs milliseconds: do it once, not at every fit.
    return ThreadpoolController()


# BLAS thread pools belong to the process, so the limit is shared by all the
# fits running at once: the first to enter sets it (keeping what it found),
# the last to leave restores that.  Saving and restoring per fit instead lets
# overlapping fits interleave and leave the limit behind.
_blas_lock = threading.Lock()
_blas_users = 0
_blas_limiter = None


def _release_blas_control():
    """Let any thread change the BLAS limits again (threadpoolctl >= 3.8).

    From threadpoolctl 3.8 on, only one thread may change a process-wide pool
    (OpenBLAS with pthreads): the first to set a limit, until it lets go;
    changes from other threads are silently ignored.  The limit here is
    shared by every fitting thread and restored by whichever leaves last, so
    the thread that has just set or restored it lets go at once (only if it
    holds control: a user's ``threadpool_limits`` elsewhere keeps its own).
    """
    controller_class = getattr(threadpoolctl, "OpenBLASController", None)
    clear = getattr(controller_class, "clear_controlling_thread", None)
    if clear is not None:
        clear()


def _blas_at(threads):
    """Whether every BLAS pool already runs ``threads`` threads.

    Then there is nothing to set: asking costs 1 us, setting and restoring
    a limit 20 us (2% of a millisecond fit), e.g. in the workers of a
    parallel search, which run BLAS in one thread already.
    """
    return all(
        lib.num_threads == threads
        for lib in _threadpool_controller().lib_controllers
        if lib.user_api == "blas"
    )


@contextmanager
def one_blas_thread(threads=None):
    """Context manager limiting BLAS to one thread (by default) during a fit.

    The optimiser's BLAS calls are vector operations (dot products,
    matrix-vector products), where waking other threads costs more than they
    bring: on two cores they ran several times slower with two threads (that
    is the only machine measured; :func:`sklearn_sigmoid.set_config` changes
    the limit, or keeps the user's setting).

    Thread-safe: fits overlapping in several threads share one limit, set by
    the first to enter and lifted (restoring the setting found then) when the
    last leaves, also when they raise.

    Parameters
    ----------
    threads : int, 'keep' or None, default=None
        The limit; ``'keep'`` leaves the BLAS settings alone; ``None`` takes
        ``blas_threads`` from :func:`sklearn_sigmoid.get_config`.
    """
    global _blas_users, _blas_limiter

    if threads is None:
        threads = get_config()["blas_threads"]
    if threads == "keep":
        yield
        return
    with _blas_lock:
        if _blas_users == 0:
            if _blas_at(threads):
                _blas_limiter = None  # nothing to set, nothing to restore
            else:
                try:
                    _blas_limiter = _threadpool_controller().limit(
                        limits=threads, user_api="blas"
                    )
                finally:
                    _release_blas_control()
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0 and _blas_limiter is not None:
                limiter, _blas_limiter = _blas_limiter, None
                try:
                    limiter.restore_original_limits()
                finally:
                    _release_blas_control()


def _max_abs(a):
    """``max |a|`` without the temporary array of ``np.abs(a).max()``."""
    return max(float(a.max()), -float(a.min()))


class DivergenceError(ValueError):
    """Raised when gradient descent blows up because the step is too large.

    ``step_too_large`` is True where the objective itself blew up (a shorter
    step is the remedy), False where the data's scale is the cause.
    """

    step_too_large = False


class EpochCallback:
    """What :func:`run_epochs` calls around every epoch: the one hook of the loop.

    Subclass it and override either method.  scikit-learn's callbacks
    (:class:`sklearn_sigmoid._callbacks.EpochHooks`) and the paths recorded
    by :mod:`sklearn_sigmoid.inspection` both come through it.
    """

    def begin(self):
        """Called before each epoch."""

    def end(self, value, W):
        """Called after each epoch with its objective and the parameters to
        report (the running mean when averaging); return True to stop."""
        return False


class StoppingRule:
    """Stop when a value fails to improve by ``tol`` for several epochs.

    The rule for noisy objectives (mini-batches, validation scores), as
    scikit-learn's ``SGDClassifier`` and ``MLPClassifier`` use it.

    Parameters
    ----------
    tol : float or None
        Minimum improvement on the best value so far.  ``None`` never stops.
    n_iter_no_change : int
        Number of consecutive epochs without such improvement before stopping.
    """

    reason = "no improvement"

    def __init__(self, tol, n_iter_no_change):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.best = np.inf
        self.count = 0
        self.gap = None

    def update(self, value, stepper=None):
        """Record the value to minimise of one epoch; return True to stop."""
        if self.tol is None:
            return False
        if value > self.best - self.tol:
            self.count += 1
        else:
            self.count = 0
        self.best = min(self.best, value)
        return self.count >= self.n_iter_no_change


class OptimalityRule:
    """Stop full-batch descent once it is provably (or measurably) optimal.

    * Convex objectives (cross-entropy with ``alpha > 0``): stop when the
      duality gap, a certified upper bound on ``J(W) - min J``, is at most
      ``tol * J(W)``: the objective is then within a relative ``tol`` of its
      optimum (reason ``"certified gap"``).
    * Otherwise (the squared-error losses, which are not convex, or
      ``alpha = 0``): stop when the largest absolute entry of the gradient is
      at most ``tol``, as scikit-learn's lbfgs does (reason ``"gradient"``).

    The certificate of the epoch is kept in ``gap`` (``None`` where it was not
    computed, ``inf`` where there is none).  Computing it costs about as
    much as an epoch's pointwise work, so it is skipped while the gradient is
    far too large for it to pass: without the intercept's correction the
    gap is exactly ``||grad_coef||^2 / (2 alpha)``, so while ``||grad||^2 /
    (2 alpha)`` exceeds twice the target the test is not worth running
    (skipping can only make a fit stop later, never earlier).  Measured
    against ten times the target: the same stopping epoch on every showcase
    set and scikit-learn test problem, with a third to a half of the
    certificates (14 to 4 on breast cancer, 17 to 7 on iris); a
    certificate costs about an epoch's pointwise work.  On 150 random small
    fits with shifted and rescaled columns, where the intercept's correction
    can put the gap well below the estimate, twice the target stopped later
    than a certificate at every epoch in 23 fits (174 epochs in all), ten
    times in 15 (54 epochs), while computing 7,720 certificates against
    11,484 (every epoch: 67,934).
    """

    _SKIP_FACTOR = 2.0

    def __init__(self, tol):
        self.tol = tol
        self.gap = None
        self.reason = None

    def update(self, value, stepper):
        """Check the stepper's current point; return True to stop."""
        target = self.tol * abs(value)
        self.gap = None
        objective = stepper.objective
        if objective.certifiable:
            if (
                stepper.grad_norm_sq()
                > self._SKIP_FACTOR * 2.0 * objective.alpha * target
            ):
                return False
            self.gap = stepper.duality_gap()
            if self.gap <= target:
                self.reason = "certified gap"
                return True
            return False
        if _max_abs(stepper.grad) <= self.tol:
            self.reason = "gradient"
            return True
        return False


@dataclass
class OptimizerState:
    """Where a warm start (or the next ``partial_fit`` chunk) continues from.

    One record for every update rule; the fields a rule does not use stay
    at their defaults.
    """

    #: The objective where descent started: the reference for divergence.
    initial_value: float = None
    #: The parameters descent goes on from (with averaging, not the mean).
    iterate: np.ndarray = None
    #: Averaging: the running mean, how many iterates it holds, rows seen.
    average: np.ndarray = None
    n_averaged: int = 0
    samples_seen: int = 0
    #: Momentum.
    velocity: np.ndarray = None
    #: Mini-batches: the generator of the shuffles.
    rng: np.random.RandomState = None
    #: The spectral step: the last step, epochs taken, the last gradient
    #: and its squared norm.
    step: float = None
    n: int = 0
    previous_grad: np.ndarray = None
    previous_g_sq: float = None
    #: The nonmonotone line search: the objectives of the last epochs.
    recent_values: list = None
    #: Mini-batches: the step-size schedule's clock and counts (carried over
    #: ``partial_fit`` chunks, see :class:`~sklearn_sigmoid._sgd.StepSchedule`).
    schedule: dict = None

    def for_next_chunk(self):
        """This state without what describes one chunk's objective.

        Divergence is judged against the next chunk's own start (a later
        chunk may simply have a higher loss than the first), and a spectral
        step from two gradients of different chunks means nothing.
        """
        return dataclasses.replace(
            self,
            initial_value=None,
            step=None,
            n=0,
            previous_grad=None,
            previous_g_sq=None,
            recent_values=None,
        )


def _restored_velocity(state, W):
    velocity = None if state is None else state.velocity
    if velocity is None or velocity.shape != W.shape:
        return np.zeros_like(W)
    return velocity.astype(W.dtype, copy=True)


class _Stepper:
    """What every update rule shares: the state a warm start continues from.

    ``initial_value`` (the objective where descent started, the reference
    for divergence) is carried over too, so that a run cut into warm-started
    pieces behaves as one uninterrupted fit.

    Averaging (Polyak-Ruppert, as ``SGDClassifier(average=...)``): with
    ``average`` set, the stepper also keeps the running mean of its iterates
    after every update, from the update at which ``average`` samples have
    been seen (``True``: from the first); :meth:`solution` is then that mean,
    which a constant-step stochastic method needs to settle instead of
    rattling around the optimum.
    """

    average = False
    W_average = None
    # True where a line search keeps the objective finite and at most its
    # start: W then cannot turn non-finite unnoticed, and divergence checks
    # skip it.
    monotone = False
    n_averaged = 0
    samples_seen = 0

    def get_state(self):
        """The :class:`OptimizerState` a later fit continues from."""
        return OptimizerState(
            initial_value=self.initial_value,
            iterate=self.W,
            average=self.W_average,
            n_averaged=self.n_averaged,
            samples_seen=self.samples_seen,
            **self._state(),
        )

    def _restore(self, state):
        if state is None:
            return
        if state.initial_value is not None:
            self.initial_value = state.initial_value
        if self.average:
            average = state.average
            if average is not None and average.shape == self.W.shape:
                self.W_average = average.astype(self.W.dtype, copy=True)
                self._average_step = np.empty_like(self.W_average)
                self.n_averaged = state.n_averaged
            self.samples_seen = state.samples_seen

    def grad_norm_sq(self):
        """``||grad||^2`` at the current point."""
        return float(np.vdot(self.grad, self.grad))

    def _apply_step(self, W, scaled_grad):
        """The update rule, written once: ``W -= scaled_grad`` or, with
        momentum ``mu``, ``V <- mu * V - scaled_grad; W += V`` (in place)."""
        if self.momentum:
            self.velocity *= self.momentum
            self.velocity -= scaled_grad
            W += self.velocity
        else:
            W -= scaled_grad

    def _record(self, W, n_rows):
        """Count the rows an update used; fold ``W`` into the running mean."""
        self.samples_seen += n_rows
        if not self.average or self.samples_seen < int(self.average):
            return
        self.n_averaged += 1
        if self.W_average is None:
            self.W_average = W.copy()
            self._average_step = np.empty_like(W)
        else:
            step = np.subtract(W, self.W_average, out=self._average_step)
            step /= self.n_averaged
            self.W_average += step

    def solution(self):
        """The parameters to report: the running mean if averaging, else ``W``."""
        return self.W_average if self.W_average is not None else self.W

    raw = None  # raw scores at W, where the rule keeps them

    def duality_gap(self):
        """Certified bound on ``J(W) - min J`` at the current point, or inf."""
        if self.raw is None:
            return np.inf
        return self.objective.duality_gap(self.W, self.raw, self.grad, self.value)


class FixedStep(_Stepper):
    """Full-batch gradient descent with a fixed step and optional momentum."""

    def __init__(self, objective, W, learning_rate, momentum, state=None):
        self.objective = objective
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.velocity = _restored_velocity(state, W)
        self.W = W
        self.value, self.grad = self._value_grad()
        _check_start(self.value, self.grad)
        self.initial_value = self.value
        self.step = learning_rate

    def _value_grad(self, out=None):
        # Raw scores are kept: the objective certifies its gap from them.
        self.raw = self.objective.raw_float64(self.W)
        return self.objective.value_grad(self.W, self.raw, out=out)

    def epoch(self):
        # In place: W is this stepper's own array, and the gradient's array
        # (fresh from value_grad at the start, ours since) is scaled where it
        # lies and then refilled with the next gradient.
        scaled = np.multiply(self.grad, self.learning_rate, out=self.grad)
        self._apply_step(self.W, scaled)
        self._record(self.W, self.objective.n_samples)
        self.value, self.grad = self._value_grad(out=self.grad)
        return self.value

    def _state(self):
        return {"velocity": self.velocity}


class SpectralStep(_Stepper):
    """Full-batch gradient descent with Barzilai-Borwein steps and Armijo.

    ``memory`` epochs of objective values give the line search's reference
    (their highest): 1 is the monotone rule, more the nonmonotone one (see
    the module doc).

    The raw scores are linear in the parameters, ``raw(W - t g) = raw(W) - t
    (X g)``, so an epoch makes exactly two passes over X whatever the line
    search does: ``X g`` for the direction, then ``X.T G`` for the gradient
    at the accepted point.  Trial steps only cost the pointwise loss.

    ``metric`` (a positive weight per column of W, or None) scales the
    gradient column by column: the step is ``W <- W - t * metric * g``, still
    a descent direction, and the spectral steps are measured in the same
    metric.  The objective's :meth:`step_metric` gives columns on a larger
    scale than the intercept's column of ones proportionally shorter steps,
    which keeps one badly scaled feature from stalling every other.
    """

    monotone = True

    def __init__(self, objective, W, lipschitz, state=None, metric=None, memory=1):
        self.objective = objective
        self.W = W
        self.metric = metric
        self._d = self._prev_d = None  # the directions metric * g (with a metric)
        # Raw scores are kept (and updated along the steps) in float64, so
        # that rounding does not build up over many epochs for float32 data.
        self.raw = objective.raw_float64(W)
        self.value, self.grad = objective.value_grad(W, self.raw)
        self._grad_sq = None  # ||grad||^2 once computed (see grad_norm_sq)
        _check_start(self.value, self.grad)
        self.initial_value = self.value
        lipschitz = _usable_lipschitz(lipschitz, W.dtype)
        self.min_step = 1e-6 / lipschitz
        self.max_step = 1e9 / lipschitz
        self.step = 1.0 / lipschitz
        self.converged = False
        self._prev_g = None  # the gradient before the last step, and its norm^2
        self._prev_g_sq = None
        # Whether _prev_g's array is this stepper's to overwrite (not one
        # handed over by a warm start's state).
        self._prev_g_own = False
        self._y = self._scaled_g = None  # buffers for g - g_prev and t * g
        self._spare_raw = None  # the raw scores' array of the step before
        self._axpy = None  # BLAS axpy for W's dtype, False if none applies
        self._n = 0
        # The objectives of the last epochs: the line search's reference is
        # their highest.
        # (memory=1: every epoch decreases the objective, the monotone rule.)
        self._recent = collections.deque([self.value], maxlen=memory)
        prev = None if state is None else state.previous_grad
        recent = None if state is None else state.recent_values
        if (
            prev is not None
            and prev.shape == W.shape
            and recent
            and abs(recent[-1] - self.value) <= 1e-9 * abs(self.value)
        ):
            # Continue a warm-started fit on the same objective (the last
            # epoch's objective is the one here, to rounding): the last step
            # and gradient give the next spectral step, and the last epochs'
            # values the line search's reference, as in one uninterrupted
            # fit.  After other data or another alpha none of that applies
            # (a reference from another objective would let the first steps
            # rise above this one's start): descent starts afresh from W.
            self.step, self._n = state.step, state.n
            self._prev_g, self._prev_g_sq = prev, state.previous_g_sq
            if metric is not None:
                self._prev_d = prev * metric
            self._recent.clear()
            self._recent.extend(recent[:-1])
            self._recent.append(self.value)

    def _state(self):
        return {
            "step": self.step,
            "n": self._n,
            "recent_values": list(self._recent),
            "previous_grad": self._prev_g,
            "previous_g_sq": self._prev_g_sq,
        }

    def grad_norm_sq(self):
        # Computed once per gradient: the epoch's step (without a metric)
        # and the stopping rule both need it.
        if self._grad_sq is None:
            self._grad_sq = float(np.vdot(self.grad, self.grad))
        return self._grad_sq

    def _spectral_step(self, g_sq):
        # The last move was s = -step * g_prev, and y = g - g_prev, so that
        #   s.y = -step * (g.g_prev - |g_prev|^2),
        #   y.y = |g|^2 - 2 g.g_prev + |g_prev|^2:
        # one dot product (the squared norms are known already).  Where
        # either difference cancels (g close to g_prev), it is computed the
        # long way from y, which keeps more of its digits.  With a metric M
        # every product is taken in it (g.g_prev is g.(M g_prev), |g|^2 is
        # g.(M g), and BB1's s.s is s.(M^-1 s)), which is passing "g_sq"
        # and the previous direction in place of the previous gradient.
        g, prev_sq = self.grad, self._prev_g_sq
        g_prev = self._prev_g if self.metric is None else self._prev_d
        short_way = g.dtype == np.float64
        if short_way:
            cross = float(np.vdot(g, g_prev))
            gp_dot_y = cross - prev_sq
            y_sq = g_sq - 2.0 * cross + prev_sq
            short_way = abs(gp_dot_y) >= _CANCELLATION * prev_sq and (
                y_sq >= _CANCELLATION * (g_sq + prev_sq)
            )
        if not short_way:
            if self._y is None:
                self._y = np.empty_like(g_prev)
            y = np.subtract(g, self._prev_g, out=self._y)
            gp_dot_y = float(np.vdot(g_prev, y))
            if self._n % 2:
                y_sq = None
            elif self.metric is None:
                y_sq = float(np.vdot(y, y))
            else:
                y_sq = float(np.vdot(y, y * self.metric))
        s_dot_y = -self.step * gp_dot_y
        if not s_dot_y > 0 or (not self._n % 2 and not y_sq > 0):
            # No curvature seen along the last move (or it underflowed, as
            # for features of scale 1e-20 in float32): a longer trial step.
            return self.step * 2.0
        # Alternate the long (BB1) and short (BB2) spectral steps.
        if self._n % 2:
            return self.step**2 * prev_sq / s_dot_y
        return s_dot_y / y_sq

    def _move(self, t, g):
        """``W -= t * g`` in place (W is this stepper's own array)."""
        if self._axpy is None:
            self._axpy = _axpy(self.W) or False
        if self._axpy and g.flags.c_contiguous and g.dtype == self.W.dtype:
            # One pass: BLAS's y += a * x, writing into W's memory (f2py
            # returns that very array; a copy, should it ever, is copied in).
            flat = self.W.reshape(-1)
            result = self._axpy(g.reshape(-1), flat, a=-t)
            if result is not flat:  # pragma: no cover
                flat[...] = result
            return
        if self._scaled_g is None:
            self._scaled_g = np.empty_like(g)
        self.W -= np.multiply(g, t, out=self._scaled_g)

    def _direction(self, g):
        """``metric * g`` (into a kept buffer), or ``g`` itself without a metric."""
        if self.metric is None:
            return g
        if self._d is None:
            self._d = np.empty_like(g)
        return np.multiply(g, self.metric, out=self._d)

    def epoch(self):
        g = self.grad
        if self.metric is None:
            d, g_sq = g, self.grad_norm_sq()
        else:
            d = self._direction(g)
            g_sq = float(np.vdot(g, d))  # |g|^2 in the metric
        if g_sq == 0.0:
            self.converged = True
            return self.value
        if not math.isfinite(g_sq):
            raise DivergenceError(
                "The gradient is no longer finite (its squared norm overflows): "
                "the features are too large for the parameters' precision. "
                "Scale the data (e.g. StandardScaler or MaxAbsScaler)."
            )
        first = self._prev_g is None
        if not first:
            step = min(max(self._spectral_step(g_sq), self.min_step), self.max_step)
            self.step = _on_step_grid(step)
        raw_dir = self.objective.raw_float64(d)  # X d
        penalty = self.objective.penalty_along(
            self.W, d, g_sq if self.metric is None else None
        )
        t = self.step
        halvings = 0
        reference = max(self._recent)
        trial = self.objective.trial
        while True:
            value, raw, G = trial(self.raw, t, raw_dir, out=self._spare_raw)
            value += penalty(t)
            if value <= reference - _ARMIJO * t * g_sq:
                break
            t *= 0.5
            halvings += 1
            # A step below t_floor changes no parameter at the data's
            # precision: no decrease is possible, we are at the optimum.
            # Tested only after several halvings (a trial costs less than
            # the test's four passes over the parameters; most epochs halve
            # once or twice, far from that floor).  The search is bounded
            # whatever the trials give (a non-finite loss fails every
            # comparison): after _MAX_HALVINGS it ends as the floor does.
            if halvings >= _MAX_HALVINGS or (
                halvings >= _HALVINGS_BEFORE_TEST
                and t
                < np.finfo(self.W.dtype).eps * (_max_abs(self.W) + 1.0) / _max_abs(d)
            ):
                self.converged = True
                return self.value
        if first and t == self.step:
            # The bound's first step is safe but short: while trials are this
            # cheap, lengthen it as long as the objective keeps falling.
            while t * 4 <= self.max_step:
                data, longer_raw, longer_G = trial(self.raw, t * 4, raw_dir)
                longer = data + penalty(t * 4)
                if not longer < value:
                    break
                t *= 4
                value, raw, G = longer, longer_raw, longer_G
        # The gradient before g is no longer needed: its array (if ours)
        # takes the next gradient, and the raw scores' arrays swap likewise,
        # so that an epoch allocates no parameter-sized array of its own.
        free_grad = self._prev_g if self._prev_g_own else None
        self._prev_g, self._prev_g_sq, self._prev_g_own = g, g_sq, True
        if self.metric is not None:  # d's buffer and the previous one swap
            self._prev_d, self._d = d, self._prev_d
        self._n += 1
        self.step = t
        self._move(t, d)
        if raw is not self.raw:
            self._spare_raw = self.objective.spare_raw(self.raw)
        self.raw = raw
        self.value = value
        self._recent.append(value)
        self.grad = self.objective.gradient_from_partial(self.W, G, out=free_grad)
        self._grad_sq = None
        return self.value


class MiniBatchStep(_Stepper):
    """Mini-batch stochastic gradient descent, one pass over the rows an epoch.

    Each batch's data term is normalised by the batch's share of the whole
    weight total (see :meth:`LinearObjective.subset`), not by its own
    weights, so that a row of weight ``k`` pulls as ``k`` repeated rows do
    in expectation and a batch's gradient is an unbiased estimate of the
    full one; with unit weights that is the batch's mean loss.  The epoch's
    value is the row-weighted mean of the batch objectives met during the
    pass, an estimate of the full objective (computing it would cost
    another pass).

    The step of each batch comes from ``schedule`` (a
    :class:`~sklearn_sigmoid._sgd.StepSchedule`; constant by default).
    Without momentum, the epochs run in :class:`~sklearn_sigmoid._sgd.LazySGD`,
    whose steps cost what the batch's non-zeros cost (the L2 shrink and the
    running mean kept lazily); with momentum (whose velocity is dense) and
    as the reference for the lazy path, the eager loop below: each batch's
    subset objective and its full gradient.
    """

    def __init__(
        self,
        objective,
        W,
        learning_rate,
        momentum,
        batch_size,
        shuffle,
        rng,
        state=None,
        schedule=None,
    ):
        self.objective = objective
        self.W = W
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = rng
        # Dense, and kept only with momentum (the lazy epochs have none).
        self.velocity = _restored_velocity(state, W) if momentum else None
        # The objective at the start (the reference for divergence), computed
        # by the first epoch before W moves: the compiled path takes it in one
        # kernel pass, without the numpy calls of objective.value.
        self._initial_value = None
        if schedule is None:
            schedule = StepSchedule("constant", learning_rate)
        schedule.restore(None if state is None else state.schedule)
        self.schedule = schedule
        self.step = schedule.eta()
        engine = _sgd.engine_for(objective, momentum)
        self._lazy = (
            None
            if engine == "eager"
            else LazySGD(objective, batch_size, compiled=engine == "compiled")
        )

    def _restore(self, state):
        super()._restore(state)
        if self._lazy is not None:
            # The lazy epochs keep their running mean without this buffer.
            self._average_step = None

    @property
    def initial_value(self):
        if self._initial_value is None:
            self._initial_value = self.objective.value(self.W)
        return self._initial_value

    @initial_value.setter
    def initial_value(self, value):
        self._initial_value = value

    def _state(self):
        # The generator too: a warm start goes on with the next shuffles.
        return {
            "velocity": self.velocity,
            "rng": self.rng,
            "schedule": self.schedule.get_state(),
        }

    def epoch(self):
        n = self.objective.n_samples
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        if self._lazy is not None:
            total = self._lazy.epoch(self, order)
        else:
            total = self._eager_epoch(order)
        self.step = self.schedule.eta()
        return total / n

    def _eager_epoch(self, order):
        if self._initial_value is None:  # before W moves
            self._initial_value = self.objective.value(self.W)
        total = 0.0
        W = self.W
        schedule = self.schedule
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            # A batch of zero-weight rows still takes its penalty step: the
            # penalty is part of every batch's share of the objective.
            value, grad = self.objective.subset(rows).value_grad(W)
            # In place (W is this stepper's own array): a batch costs no
            # parameter-sized temporaries beyond its gradient.
            grad *= schedule.eta()
            self._apply_step(W, grad)
            self._record(W, len(rows))
            schedule.t += len(rows)
            total += len(rows) * value
        self.W = W
        return total


def is_full_batch(batch_size, n_samples, schedule="constant", stream=False):
    """Whether an epoch is one full-batch step (else a pass of mini-batches).

    ``batch_size=None`` is full batch.  A ``batch_size`` covering the rows is
    too for a whole fit with the constant schedule (the line search then
    applies), but not for a stream's chunk (``stream``, a ``partial_fit``
    call: a short chunk takes the same mini-batch steps as the others, not a
    line search on its few rows) nor with another schedule (which sets the
    steps of mini-batches).
    """
    if batch_size is None:
        return True
    return batch_size >= n_samples and schedule == "constant" and not stream


def make_stepper(
    objective,
    W,
    *,
    learning_rate,
    momentum,
    batch_size,
    shuffle,
    rng,
    state=None,
    average=False,
    schedule="constant",
    full_batch=None,
):
    """Choose the update rule for the given settings (see the module doc).

    ``state`` is a previous stepper's :meth:`get_state`, so that a warm-started
    fit continues where the last one stopped (momentum, spectral step, the
    running mean when averaging; ``W`` is where descent goes on from, with
    averaging the state's last iterate, not the mean).  The settings are taken as
    valid (the estimator checks how they combine): with ``learning_rate='auto'``,
    full batches, no momentum and no averaging the line search runs.
    ``full_batch`` says whether an epoch is one step on all the rows or a pass
    of mini-batch steps (see :func:`is_full_batch`).  ``schedule`` (see
    :mod:`sklearn_sigmoid._sgd`) applies to mini-batch SGD only.
    """
    if full_batch is None:
        full_batch = is_full_batch(batch_size, objective.n_samples, schedule)
    if learning_rate == "auto" and full_batch and not momentum and not average:
        metric = objective.step_metric()
        stepper = SpectralStep(
            objective,
            W,
            objective.trace_lipschitz(metric),
            state,
            metric,
            memory=_NONMONOTONE_MEMORY if objective.certifiable else 1,
        )
    else:
        if learning_rate == "auto":
            lipschitz = (
                objective.lipschitz()
                if full_batch
                else objective.max_sample_lipschitz()
            )
            learning_rate = 1.0 / _usable_lipschitz(lipschitz, W.dtype)
        if full_batch:
            stepper = FixedStep(objective, W, learning_rate, momentum, state)
        else:
            if state is not None and state.rng is not None:
                rng = state.rng
            stepper = MiniBatchStep(
                objective,
                W,
                learning_rate,
                momentum,
                batch_size,
                shuffle,
                rng,
                state,
                schedule=StepSchedule(schedule, learning_rate),
            )
    stepper.average = average
    stepper._restore(state)
    return stepper


def _usable_lipschitz(lipschitz, dtype=np.float64):
    """A Lipschitz bound from which ``1 / L`` is a usable step for ``dtype``.

    ``L = 0`` (a flat objective: every feature zero, no intercept and no
    penalty) gives a step of 1, which changes nothing since the gradient is
    zero.  A bound beyond the largest number of the parameters' dtype means
    the features are too large for that precision: the step ``1 / L``
    would underflow and no parameter would move (float32 features of 1e30
    squared), which no step size mends.
    """
    dtype = np.dtype(dtype)
    if not lipschitz <= float(np.finfo(dtype).max):
        raise ValueError(
            f"The data's scale overflows: the curvature bound of the objective "
            f"({lipschitz:.3g}) exceeds the largest {dtype.name} number, so no "
            f"step size can move the {dtype.name} parameters. Scale the "
            f"features (e.g. StandardScaler or MaxAbsScaler), or fit in "
            f"float64, before fitting."
        )
    return lipschitz if lipschitz > 0 else 1.0


def _check_start(value, grad):
    """Refuse a starting point where the objective or gradient is not finite."""
    if math.isfinite(value) and np.all(np.isfinite(grad)):
        return
    raise ValueError(
        f"The training objective is not finite at the starting point "
        f"(objective {value!r}): the starting parameters (given or warm-started), "
        f"the sample weights, or the scale of the features overflow. Check "
        f"them, and scale the features if they are very large."
    )


def _check_divergence(value, W, initial_value, step):
    # W.sum() is finite exactly when every entry is (short of overflow, which
    # is divergence too): one pass instead of two.  W is None for a monotone
    # rule, whose W stays finite while its objective does.
    if math.isfinite(value) and (W is None or np.isfinite(W.sum())):
        if value <= 10.0 * (abs(initial_value) + 1.0):
            return
    error = DivergenceError(
        f"Gradient descent diverged: the training objective went from "
        f"{initial_value:.4g} to {value:.4g} with steps of {step:.4g}."
    )
    error.step_too_large = True  # the caller knows which setting chose the step
    raise error


def run_epochs(
    stepper,
    *,
    max_iter,
    stopping=None,
    monitor=None,
    verbose=0,
    callbacks=(),
):
    """Run epochs of ``stepper`` until the stopping rule or ``max_iter``.

    Parameters
    ----------
    stepper : FixedStep, SpectralStep or MiniBatchStep
    max_iter : int
        Maximum number of epochs.
    stopping : OptimalityRule, StoppingRule or None
        When to stop.  A :class:`StoppingRule` watches the training
        objective, or ``-monitor(W)`` when a monitor is given.  ``None`` runs
        exactly ``max_iter`` epochs.
    monitor : callable or None
        ``monitor(W) -> score`` (higher is better), e.g. a validation score;
        the parameters with the best score are returned.
    verbose : int
        Print one line per epoch when > 0, and a closing line saying why
        descent stopped.
    callbacks : sequence of EpochCallback
        ``begin()`` is called before each epoch, ``end(value, W)`` after it
        (every one, in order); a True from any ``end`` stops descent (reason
        ``"callback"``).

    Returns
    -------
    result : dict
        ``W``, ``n_iter``, ``loss_curve``, ``validation_scores``, ``stopped``
        (True if a stopping rule ended the run, not ``max_iter``),
        ``reason`` (which rule: ``"certified gap"``, ``"gradient"``, ``"no
        improvement"``, ``"no decrease possible"`` or ``"max_iter"``) and
        ``gap`` (the last certified bound on ``J(W) - min J``, ``inf`` where
        none is known, ``None`` where none was computed).
    """
    loss_curve, scores = [], []
    best_W, best_score = None, -np.inf
    reason = "max_iter"
    start = time.perf_counter()
    n_iter = 0
    # A monotone rule's objective stays finite and at most its start: the
    # divergence check's first test, its limit computed once per run (see
    # _check_divergence).  (Only then: a mini-batch stepper computes its
    # initial value lazily, in its first epoch's kernel.)
    monotone = stepper.monotone
    value_limit = 10.0 * (abs(stepper.initial_value) + 1.0) if monotone else None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for n_iter in range(1, max_iter + 1):
            for callback in callbacks:
                callback.begin()
            value = stepper.epoch()
            if not (monotone and -math.inf < value <= value_limit):
                _check_divergence(
                    value,
                    None if monotone else stepper.W,
                    stepper.initial_value,
                    stepper.step,
                )
            loss_curve.append(value)
            watched = value
            if monitor is not None:
                score = monitor(stepper.solution())
                scores.append(score)
                if score > best_score:
                    best_score, best_W = score, stepper.solution().copy()
                watched = -score
            stop = stopping is not None and stopping.update(watched, stepper)
            stopping_reason = getattr(stopping, "reason", None)
            if callbacks:
                asked = [
                    callback.end(value, stepper.solution()) for callback in callbacks
                ]
                if any(asked):
                    stop, stopping_reason = True, "callback"
            if verbose:
                line = (
                    f"-- Epoch {n_iter}: objective {value:.6g}, "
                    f"step {stepper.step:.4g}, "
                    f"time {time.perf_counter() - start:.2f}s"
                )
                if getattr(stopping, "gap", None) is not None:
                    line += f", certified gap {stopping.gap:.3g}"
                if monitor is not None:
                    line += f", validation score {scores[-1]:.6g}"
                print(line)
            if stop:
                reason = stopping_reason
                break
            if getattr(stepper, "converged", False):
                # The line search found no decrease at the data's precision:
                # the optimum as closely as that precision allows, or a stall.
                reason = "no decrease possible"
                if isinstance(stopping, OptimalityRule) and stopping.update(
                    watched, stepper
                ):
                    reason = stopping.reason
                break
    gap = getattr(stopping, "gap", None)
    if verbose:
        line = f"-- Stopped after {n_iter} epochs: {reason}"
        if gap is not None and np.isfinite(gap):
            line += f" (certified gap {gap:.3g}, objective {loss_curve[-1]:.6g})"
        print(line, f"in {time.perf_counter() - start:.2f}s")
    return {
        "W": best_W if best_W is not None else stepper.solution(),
        "n_iter": n_iter,
        "loss_curve": loss_curve,
        "validation_scores": scores,
        "stopped": reason != "max_iter",
        "reason": reason,
        "gap": gap,
    }
