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
  Lipschitz constant); later trial steps are Barzilai-Borwein (spectral)
  steps, which adapt to the curvature met along the path.  Each trial is
  accepted only if it satisfies Armijo's sufficient-decrease condition,
  otherwise it is halved; since ``1 / L`` always satisfies it, every epoch
  decreases the objective.
* **Mini-batch SGD** (``batch_size=<int>``): per epoch, the rows are (shuffled
  and) cut into batches, and each batch's gradient makes one step of the above
  fixed-step or momentum rule (``'auto'`` is then ``1 / L_max``, a bound
  that holds for any batch).

Stopping
--------
:class:`StoppingRule` is scikit-learn's ``SGDClassifier`` rule: stop when the
monitored value has not improved on the best one by at least ``tol`` for
``n_iter_no_change`` consecutive epochs.
"""

import time

import numpy as np

# Armijo's constant: accept a step t when J(W - t g) <= J(W) - c * t * ||g||^2.
_ARMIJO = 1e-4


class DivergenceError(ValueError):
    """Raised when gradient descent blows up because the step is too large."""


class StoppingRule:
    """Stop when a value fails to improve by ``tol`` for several epochs.

    Parameters
    ----------
    tol : float or None
        Minimum improvement on the best value so far.  ``None`` never stops.
    n_iter_no_change : int
        Number of consecutive epochs without such improvement before stopping.
    """

    def __init__(self, tol, n_iter_no_change):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.best = np.inf
        self.count = 0

    def update(self, value):
        """Record the value to minimise of one epoch; return True to stop."""
        if self.tol is None:
            return False
        if value > self.best - self.tol:
            self.count += 1
        else:
            self.count = 0
        self.best = min(self.best, value)
        return self.count >= self.n_iter_no_change


def _restored_velocity(state, W):
    velocity = (state or {}).get("velocity")
    if velocity is None or velocity.shape != W.shape:
        return np.zeros_like(W)
    return velocity.astype(W.dtype, copy=True)


class FixedStep:
    """Full-batch gradient descent with a fixed step and optional momentum."""

    def __init__(self, objective, W, learning_rate, momentum, state=None):
        self.objective = objective
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.velocity = _restored_velocity(state, W)
        self.W = W
        self.value, self.grad = objective.value_grad(W)
        self.initial_value = self.value
        self.step = learning_rate

    def epoch(self):
        if self.momentum:
            self.velocity *= self.momentum
            self.velocity -= self.learning_rate * self.grad
            self.W = self.W + self.velocity
        else:
            self.W = self.W - self.learning_rate * self.grad
        self.value, self.grad = self.objective.value_grad(self.W)
        return self.value

    def get_state(self):
        """What a warm-started fit needs to continue exactly (the velocity)."""
        return {"velocity": self.velocity}


class SpectralStep:
    """Full-batch gradient descent with Barzilai-Borwein steps and Armijo.

    Each epoch evaluates the objective at the trial point (one pass for the
    raw scores) and the gradient at the accepted one (one pass), so an epoch
    costs two passes over X unless a trial step is rejected.
    """

    def __init__(self, objective, W, lipschitz, state=None):
        self.objective = objective
        self.W = W
        self.value, self.grad = objective.value_grad(W)
        self.initial_value = self.value
        self.min_step = 1e-6 / lipschitz
        self.max_step = 1e9 / lipschitz
        self.step = 1.0 / lipschitz
        self.converged = False
        self._prev = None
        self._n = 0
        prev = (state or {}).get("previous")
        if prev is not None and prev[0].shape == W.shape:
            # Continue a warm-started fit: the last step and the previous
            # iterate give the next spectral step, as in one uninterrupted fit.
            self.step, self._prev, self._n = state["step"], prev, state["n"]

    def get_state(self):
        """What a warm-started fit needs to continue exactly."""
        return {"step": self.step, "previous": self._prev, "n": self._n}

    def _spectral_step(self):
        s = self.W - self._prev[0]
        y = self.grad - self._prev[1]
        sy = float(np.vdot(s, y))
        if sy <= 0:
            return self.step * 2.0
        # Alternate the long (BB1) and short (BB2) spectral steps.
        if self._n % 2:
            return float(np.vdot(s, s)) / sy
        return sy / float(np.vdot(y, y))

    def epoch(self):
        g = self.grad
        g_sq = float(np.vdot(g, g))
        if g_sq == 0.0:
            self.converged = True
            return self.value
        if self._prev is not None:
            self.step = min(max(self._spectral_step(), self.min_step), self.max_step)
        t = self.step
        # A step below this changes no parameter at the data's precision.
        negligible = np.finfo(self.W.dtype).eps * (np.abs(self.W).max() + 1.0)
        g_max = np.abs(g).max()
        while True:
            W_try = self.W - t * g
            raw = self.objective.raw(W_try)
            value, G = self.objective.value_and_partial(W_try, raw)
            if value <= self.value - _ARMIJO * t * g_sq:
                break
            t *= 0.5
            if t * g_max < negligible:
                # No decrease is possible at machine precision: the optimum.
                self.converged = True
                return self.value
        self._prev = (self.W, g)
        self._n += 1
        self.step = t
        self.W = W_try
        self.value = value
        self.grad = self.objective.gradient_from_partial(W_try, G)
        return self.value


class MiniBatchStep:
    """Mini-batch stochastic gradient descent, one pass over the rows an epoch.

    The epoch's value is the weighted mean of the batch objectives met during
    the pass (computing the full objective would cost another pass).
    """

    def __init__(
        self, objective, W, learning_rate, momentum, batch_size, shuffle, rng,
        state=None,
    ):
        self.objective = objective
        self.W = W
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = rng
        self.velocity = _restored_velocity(state, W)
        self.initial_value = objective.value(W)
        self.step = learning_rate

    get_state = FixedStep.get_state

    def epoch(self):
        n = self.objective.n_samples
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        total, weight_seen = 0.0, 0.0
        W = self.W
        for start in range(0, n, self.batch_size):
            rows = order[start : start + self.batch_size]
            batch_weight = float(self.objective.sample_weight[rows].sum())
            if batch_weight <= 0:
                continue
            value, grad = self.objective.subset(rows).value_grad(W)
            if self.momentum:
                self.velocity *= self.momentum
                self.velocity -= self.learning_rate * grad
                W = W + self.velocity
            else:
                W = W - self.learning_rate * grad
            total += batch_weight * value
            weight_seen += batch_weight
        self.W = W
        return total / weight_seen


def make_stepper(
    objective, W, *, learning_rate, momentum, batch_size, shuffle, rng, state=None
):
    """Choose the update rule for the given settings (see the module doc).

    ``state`` is a previous stepper's :meth:`get_state`, so that a warm-started
    fit continues where the last one stopped (momentum, spectral step).
    """
    full_batch = batch_size is None or batch_size >= objective.n_samples
    if learning_rate == "auto":
        if full_batch and not momentum:
            return SpectralStep(objective, W, objective.trace_lipschitz(), state)
        lipschitz = (
            objective.lipschitz() if full_batch else objective.max_sample_lipschitz()
        )
        learning_rate = 1.0 / lipschitz
    if full_batch:
        return FixedStep(objective, W, learning_rate, momentum, state)
    return MiniBatchStep(
        objective, W, learning_rate, momentum, batch_size, shuffle, rng, state
    )


def _check_divergence(value, W, initial_value, learning_rate):
    if np.isfinite(value) and np.all(np.isfinite(W)):
        if value <= 10.0 * (abs(initial_value) + 1.0):
            return
    raise DivergenceError(
        f"Gradient descent diverged: the training objective went from "
        f"{initial_value:.4g} to {value:.4g}. The learning rate "
        f"{learning_rate!r} is too large for this data; use a smaller one, or "
        f"learning_rate='auto', which computes a safe step from the data."
    )


def run_epochs(
    stepper,
    *,
    max_iter,
    stopping=None,
    monitor=None,
    learning_rate="auto",
    verbose=0,
):
    """Run epochs of ``stepper`` until the stopping rule or ``max_iter``.

    Parameters
    ----------
    stepper : FixedStep, SpectralStep or MiniBatchStep
    max_iter : int
        Maximum number of epochs.
    stopping : StoppingRule or None
        Applied to the training objective, or to ``-monitor(W)`` when a
        monitor is given.  ``None`` runs exactly ``max_iter`` epochs.
    monitor : callable or None
        ``monitor(W) -> score`` (higher is better), e.g. a validation score;
        the parameters with the best score are returned.
    learning_rate : float or 'auto'
        Only used in the divergence message.
    verbose : int
        Print one line per epoch when > 0.

    Returns
    -------
    result : dict
        ``W``, ``n_iter``, ``loss_curve``, ``validation_scores``, ``stopped``
        (True if the stopping rule ended the run).
    """
    loss_curve, scores = [], []
    best_W, best_score = None, -np.inf
    stopped = False
    start = time.perf_counter()
    n_iter = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for n_iter in range(1, max_iter + 1):
            value = stepper.epoch()
            _check_divergence(value, stepper.W, stepper.initial_value, learning_rate)
            loss_curve.append(value)
            watched = value
            if monitor is not None:
                score = monitor(stepper.W)
                scores.append(score)
                if score > best_score:
                    best_score, best_W = score, stepper.W.copy()
                watched = -score
            if verbose:
                line = (
                    f"-- Epoch {n_iter}: objective {value:.6g}, "
                    f"step {stepper.step:.4g}, "
                    f"time {time.perf_counter() - start:.2f}s"
                )
                if monitor is not None:
                    line += f", validation score {scores[-1]:.6g}"
                print(line)
            if getattr(stepper, "converged", False) or (
                stopping is not None and stopping.update(watched)
            ):
                stopped = True
                break
    return {
        "W": best_W if best_W is not None else stepper.W,
        "n_iter": n_iter,
        "loss_curve": loss_curve,
        "validation_scores": scores,
        "stopped": stopped,
    }
