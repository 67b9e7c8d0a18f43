"""The hostile-input battery of issue 11, rerunnable.

Three parts, each probe in a worker process under a time limit:

* **deterministic probes**: every trigger named in issue 11 (items 1-17) and
  issue 16 section 3, and the bad inputs scikit-learn's estimator checks and
  ``LogisticRegression`` / ``SGDClassifier`` tests use (non-finite values,
  shapes, sparse formats, dtypes, extreme scales, weights, starts,
  ``class_weight``, ``target_range``, ``warm_start``, ``partial_fit``,
  ``early_stopping``, pickling, clone).  Each probe runs on our estimators
  and, where it applies, on ``LogisticRegression`` / ``SGDClassifier`` for
  comparison;
* **random fits**: problems mixing shapes, sparsity, dtypes, column and row
  scales drawn log-uniformly over 1e-20..1e20 (a few 1e150), losses and fit
  parameters; each seed reproduces its problem (``--seed N``);
* **faults**: a corpus folder with a link out of it and a looping link, a
  corrupted zip, a UTF-16 review, a zip member declaring 2 GiB, downloads
  from a loopback HTTP server that is slow, cut or oversized, concurrent
  downloads, concurrent fits in threads (BLAS limit restored?), and (with
  the ``[dask]`` extra) a Dask worker killed during ``fit_distributed``.

Every outcome is one of

``ok``
    returned, with finite parameters and predictions, a sensible model where
    the probe says what sensible is, no ``RuntimeWarning`` and the process's
    global state (BLAS threads, numpy error state, configs, environment)
    unchanged;
``clear error``
    a ``ValueError`` / ``TypeError`` / ``OSError`` (incl. ``NotFittedError``,
    ``InvalidParameterError``, ``BadZipFile``, ``TimeoutError``) whose
    message names the problem: it contains one of the probe's keywords (the
    parameter or input at fault), or, for probes without keywords, it was
    raised by scikit-learn or sklearn_sigmoid code, not from inside numpy,
    scipy or the standard library;
``silent wrong``
    returned, but with non-finite output, a no-op or nonsensical model, a
    ``RuntimeWarning``, a half-updated model, changed global state, or an
    input accepted that must be refused;
``crash``
    any other exception (``ZeroDivisionError``, ``KeyError``, numpy's
    errors, a message naming no cause or the wrong one) or a dead worker;
``hang``
    did not finish within the time limit (the worker is killed).

Anything but ``ok`` and ``clear error`` is a bug.

Usage::

    python benchmarks/hostile_battery.py            # full run, 2 workers
    python benchmarks/hostile_battery.py --quick    # a small run (~20 s)
    python benchmarks/hostile_battery.py --random 500 --workers 1
    python benchmarks/hostile_battery.py --seed 1234 # one random problem, verbose
    python benchmarks/hostile_battery.py --probe "issue11 #1 coef_init NaN"

Results go to ``benchmarks/results/hostile_battery-<time>.json`` (``--out``).
"""

import argparse
import codecs
import contextlib
import hashlib
import http.server
import json
import multiprocessing
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
import zipfile
from collections import Counter, deque
from multiprocessing.connection import wait
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
OUTCOMES = ("ok", "clear error", "silent wrong", "crash", "hang")
OURS = ("G", "R")
NAMES = {
    "G": "GDLogisticRegression",
    "R": "SigmoidNeuronRegressor",
    "LR": "LogisticRegression",
    "SGD": "SGDClassifier",
    "-": "",
}
CLASSIFIERS = ("G", "LR", "SGD")

# -- outcome helpers -------------------------------------------------------------------


class NotApplicable(Exception):
    """The probe does not apply to this estimator (no such parameter)."""


class SilentWrong(Exception):
    """Raised by a probe's own check: the call returned, but wrongly."""


class Unclear(Exception):
    """Raised by a probe's own check: an error whose message misleads."""


def _global_state():
    """What a library call must leave as it found it."""
    import sklearn
    from threadpoolctl import threadpool_info

    import sklearn_sigmoid

    return {
        "blas threads": sorted(
            (i["internal_api"], i["num_threads"])
            for i in threadpool_info()
            if i["user_api"] == "blas"
        ),
        "numpy errstate": np.geterr(),
        "sklearn config": {
            k: v for k, v in sklearn.get_config().items() if not callable(v)
        },
        # (getattr: the battery also runs against versions without settings)
        "sklearn_sigmoid config": getattr(sklearn_sigmoid, "get_config", dict)(),
        "environment": dict(os.environ),
        "cwd": os.getcwd(),
    }


def _state_diff(before, after):
    out = []
    for key in before:
        if before[key] != after[key]:
            if key == "environment":
                changed = sorted(
                    k
                    for k in set(before[key]) | set(after[key])
                    if before[key].get(k) != after[key].get(k)
                )
                out.append(f"environment variables changed: {changed}")
            else:
                out.append(f"{key}: {before[key]} -> {after[key]}")
    return out


_CRASH_TYPES = (
    ArithmeticError,  # ZeroDivisionError, OverflowError, FloatingPointError
    LookupError,  # KeyError, IndexError
    AssertionError,
    NameError,
    RecursionError,
    MemoryError,
    NotImplementedError,
    UnicodeError,
)
_LIBRARY_PARTS = ("sklearn_sigmoid", os.sep + "sklearn" + os.sep)


def _raised_in_library(exc):
    """Whether the innermost frame of ``exc`` is in sklearn(_sigmoid) code."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return False
    filename = tb[-1].filename
    return any(
        part in filename for part in _LIBRARY_PARTS
    ) and "hostile_battery" not in (filename)


def _snippet(exc, frames=3):
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    tail = "".join(lines[-(2 * frames + 1) :])
    return tail[-1500:]


def classify_exception(exc, keywords=()):
    """``(outcome, why)`` for an exception raised by a probe."""
    if isinstance(exc, SilentWrong):
        return "silent wrong", str(exc)
    if isinstance(exc, Unclear):
        return "crash", f"misleading message: {exc}"
    kind = type(exc)
    message = str(exc)
    if kind.__module__.startswith("numpy") or kind.__module__.startswith("scipy"):
        return "crash", f"{kind.__name__} from numpy/scipy: {message[:200]}"
    from sklearn.exceptions import NotFittedError

    if isinstance(exc, NotFittedError):
        return "clear error", "NotFittedError"
    if isinstance(exc, _CRASH_TYPES) or not isinstance(
        exc, (ValueError, TypeError, OSError, zipfile.BadZipFile)
    ):
        return "crash", f"{kind.__name__}: {message[:200]}"
    if keywords:
        low = message.lower()
        if any(k.lower() in low for k in keywords):
            return "clear error", f"{kind.__name__} naming {keywords!r}"
        return "crash", (
            f"{kind.__name__} whose message names none of {list(keywords)}: "
            f"{message[:300]}"
        )
    if _raised_in_library(exc) and message:
        return "clear error", f"{kind.__name__} raised by the library"
    return "crash", f"{kind.__name__} from outside the library: {message[:200]}"


def _warning_summary(records):
    counts = Counter(r.category.__name__ for r in records)
    runtime = [
        str(r.message) for r in records if issubclass(r.category, RuntimeWarning)
    ]
    return counts, runtime


# -- estimators and their parameters ---------------------------------------------------


def make(kind, **params):
    """An estimator of ``kind`` with our parameters, translated where they exist.

    Raises NotApplicable for a parameter the comparison estimator lacks.
    """
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor

    if kind == "G":
        return GDLogisticRegression(**params)
    if kind == "R":
        return SigmoidNeuronRegressor(**params)
    out = {}
    if kind == "LR":
        for key, value in params.items():
            if key in (
                "max_iter",
                "tol",
                "class_weight",
                "warm_start",
                "fit_intercept",
                "random_state",
                "verbose",
            ):
                out[key] = value
            elif key == "loss" and value in ("cross_entropy", "log_loss"):
                pass
            elif key == "alpha" and value == 0:
                out["penalty"] = None
            else:
                raise NotApplicable(f"LogisticRegression has no {key}={value!r}")
        return LogisticRegression(**out)
    if kind == "SGD":
        out["loss"] = "log_loss"
        for key, value in params.items():
            if key in (
                "max_iter",
                "tol",
                "class_weight",
                "warm_start",
                "alpha",
                "fit_intercept",
                "random_state",
                "verbose",
                "average",
                "shuffle",
                "early_stopping",
                "validation_fraction",
                "n_iter_no_change",
            ):
                out[key] = value
            elif key == "loss" and value in ("cross_entropy", "log_loss"):
                pass
            elif key == "learning_rate":
                if isinstance(value, str):
                    if value != "auto":
                        out["learning_rate"] = value
                else:
                    out["learning_rate"], out["eta0"] = "constant", value
            elif key == "momentum" and value == 0:
                pass
            else:
                raise NotApplicable(f"SGDClassifier has no {key}={value!r}")
        return SGDClassifier(**out)
    raise NotApplicable(kind)


def _call(est, method, *args, **kwargs):
    import inspect

    function = getattr(est, method, None)
    if function is None:
        raise NotApplicable(f"{type(est).__name__} has no {method}")
    accepted = inspect.signature(function).parameters
    for key in kwargs:
        if key not in accepted:
            raise NotApplicable(f"{type(est).__name__}.{method} has no {key}")
    return function(*args, **kwargs)


class Fitted:
    """What a probe returns: a fitted estimator and the X to predict on."""

    def __init__(self, est, X, y=None, min_score=None, allow_zero=False):
        self.est, self.X, self.y = est, X, y
        self.min_score, self.allow_zero = min_score, allow_zero


class Ctx:
    """Data and helpers handed to a probe for one estimator kind."""

    def __init__(self, kind):
        from scipy.special import expit
        from sklearn.datasets import make_classification

        self.kind = kind
        self.X, self.yb = make_classification(
            n_samples=200, n_features=4, random_state=0
        )
        self.X32 = self.X.astype(np.float32)
        self.X3, self.y3 = make_classification(
            n_samples=200,
            n_features=4,
            n_informative=3,
            n_redundant=0,
            n_classes=3,
            random_state=0,
        )
        rng = np.random.RandomState(0)
        self.t = 3 * expit(
            self.X @ np.array([1.0, -2.0, 0.5, 1.5]) + 0.1 * rng.randn(200)
        )
        self.y = self.t if kind == "R" else self.yb

    def make(self, **params):
        return make(self.kind, **params)

    def fit(self, est, X, y, **kwargs):
        return _call(est, "fit", X, y, **kwargs)

    def partial_fit(self, est, X, y, **kwargs):
        return _call(est, "partial_fit", X, y, **kwargs)

    def fitted(self, est, X=None, y=None, **kwargs):
        return Fitted(est, self.X if X is None else X, y, **kwargs)


def _reference_score(X, y):
    """LogisticRegression's train accuracy on the standardised data."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
        Xd = np.nan_to_num(Xd)
        return (
            make_pipeline(StandardScaler(), LogisticRegression())
            .fit(Xd, y)
            .score(Xd, y)
        )


def judge_fitted(fitted):
    """Raise SilentWrong unless the fitted model is finite and sensible."""
    est, X = fitted.est, fitted.X
    coef = np.asarray(est.coef_, dtype=np.float64)
    intercept = np.asarray(est.intercept_, dtype=np.float64)
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
        raise SilentWrong(
            f"non-finite parameters: coef_={coef}, intercept_={intercept}"
        )
    pred = est.predict(X)
    is_classifier = hasattr(est, "classes_")
    if is_classifier:
        if not np.all(np.isin(pred, est.classes_)):
            raise SilentWrong("predictions outside classes_")
    elif not np.all(np.isfinite(np.asarray(pred, dtype=np.float64))):
        raise SilentWrong("non-finite predictions")
    if is_classifier and hasattr(est, "predict_proba"):
        try:
            proba = est.predict_proba(X)
        except AttributeError:
            proba = None
        if proba is not None and not (
            np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1, atol=1e-3)
        ):
            raise SilentWrong("predict_proba non-finite or rows not summing to 1")
    nonzero_X = (X.nnz if sp.issparse(X) else np.count_nonzero(X)) > 0
    if not fitted.allow_zero and nonzero_X and not np.any(coef):
        raise SilentWrong("no-op fit: coef_ is exactly zero on informative data")
    if fitted.min_score is not None and fitted.y is not None:
        score = est.score(X, fitted.y)
        if score < fitted.min_score:
            raise SilentWrong(
                f"nonsensical model: score {score:.3f} < {fitted.min_score:.3f}"
            )


def _warned_to_scale(records):
    return any(
        "scal" in str(r.message).lower() and not issubclass(r.category, RuntimeWarning)
        for r in records
    )


# -- the deterministic probes ----------------------------------------------------------

PROBES = {}


class Probe:
    def __init__(
        self,
        name,
        fn,
        *,
        source,
        kinds,
        expect="either",
        keywords=(),
        quick=False,
        timeout=None,
        category=None,
    ):
        self.name, self.fn, self.source, self.kinds = name, fn, source, tuple(kinds)
        self.expect, self.keywords, self.quick = expect, tuple(keywords), quick
        self.timeout = timeout
        self.category = category or ("faults" if source == "fault" else "deterministic")


def add(name, fn, *, source, kinds=("G",), **kwargs):
    """Register a probe.

    ``expect``: 'error' (returning is silent wrong), 'succeed' (any error is a
    crash), 'either' (ok or a clear error).
    """
    if name in PROBES:
        raise ValueError(f"duplicate probe {name}")
    PROBES[name] = Probe(name, fn, source=source, kinds=kinds, **kwargs)


def _errors(name, kinds, fn, keywords, source="sklearn", quick=False, **kwargs):
    add(
        name,
        fn,
        source=source,
        kinds=kinds,
        expect="error",
        keywords=keywords,
        quick=quick,
        **kwargs,
    )


def _fits(name, kinds, fn, source="sklearn", expect="either", **kwargs):
    add(name, fn, source=source, kinds=kinds, expect=expect, **kwargs)


ALL = ("G", "R", "LR", "SGD")
GC = ("G", "LR", "SGD")


def _col_scaled(X, s, col=0):
    X = np.array(X, dtype=np.float64)
    with np.errstate(all="ignore"):
        if col is None:
            X *= s
        else:
            X[:, col] *= s
    return X


def _register_issue11():
    src = "issue11"
    nan4 = [np.nan, 0, 0, 0]
    # 1. Non-finite objective: starts, weights, targets, alpha.
    for label, value in [("NaN", np.nan), ("inf", np.inf), ("1e308", 1e308)]:
        for variant, params in [
            ("auto", {}),
            ("fixed step", {"learning_rate": 0.1}),
            ("momentum", {"momentum": 0.9}),
            ("mini-batch", {"batch_size": 10}),
        ]:
            _errors(
                f"#1 coef_init {label}, {variant}",
                ("G", "SGD"),
                lambda c, v=value, p=params: c.fit(
                    c.make(**p), c.X, c.y, coef_init=[v, 0, 0, 0]
                ),
                ("coef_init",),
                source=src,
                quick=True,
            )
        _errors(
            f"#1 intercept_init {label}",
            ("G", "R", "SGD"),
            lambda c, v=value: c.fit(c.make(), c.X, c.y, intercept_init=v),
            ("intercept_init",),
            source=src,
            quick=True,
        )
    _errors(
        "#1 coef_init NaN, exact call of the issue",
        ("G",),
        lambda c: c.fit(c.make(), c.X, c.y, coef_init=nan4),
        ("coef_init",),
        source=src,
        quick=True,
    )
    _errors(
        "#1 class_weight {0: inf}",
        GC,
        lambda c: c.fit(c.make(class_weight={0: np.inf, 1: 1}), c.X, c.y),
        ("class_weight", "weight"),
        source=src,
        quick=True,
    )
    _errors(
        "#1 class_weight {0: 1e308, 1: 1e308}",
        GC,
        lambda c: c.fit(c.make(class_weight={0: 1e308, 1: 1e308}), c.X, c.y),
        ("class_weight", "weight"),
        source=src,
        quick=True,
    )
    _errors(
        "#1 every sample weight 1e308",
        ALL,
        lambda c: c.fit(c.make(), c.X, c.y, sample_weight=np.full(200, 1e308)),
        ("weight",),
        source=src,
        quick=True,
    )
    _errors(
        "#1 float32 sample weights 1e37",
        ("G", "R"),
        lambda c: c.fit(c.make(), c.X32, c.y, sample_weight=np.full(200, 1e37)),
        ("weight",),
        source=src,
        quick=True,
    )
    _errors(
        "#1 regressor targets +-1e308",
        ("R",),
        lambda c: c.fit(c.make(), c.X, np.where(c.yb, 1e308, -1e308)),
        ("target", "overflow"),
        source=src,
        quick=True,
    )
    _errors(
        "#1 float32 X, alpha 1e39",
        ("G", "R", "SGD"),
        lambda c: c.fit(c.make(alpha=1e39), c.X32, c.y),
        ("alpha",),
        source=src,
        quick=True,
    )

    # 2. Row norms that overflow.
    def x1e19_float32(c):
        from sklearn.datasets import make_classification

        X, y = make_classification(500, 10, n_informative=5, random_state=0)
        X = (X * 1e19).astype(np.float32)
        est = c.fit(c.make(), X, y)
        return Fitted(est, X, y, min_score=_reference_score(X, y) - 0.1)

    _fits(
        "#2 (X * 1e19).astype(float32)",
        GC,
        x1e19_float32,
        source=src,
        keywords=("scal", "overflow"),
        quick=True,
    )

    def row_overflow(c):
        X = c.X.copy()
        X[0] *= 1e155
        est = c.fit(c.make(), X, c.y)
        return Fitted(est, X)

    _fits(
        "#2 one float64 row with ||x||^2 > 1.8e308",
        ALL,
        row_overflow,
        source=src,
        keywords=("scal", "overflow", "norm"),
        quick=True,
    )

    # 3. Badly scaled features.
    def one_col_1e6(c, timestamp=False):
        from sklearn.datasets import make_classification

        X, y = make_classification(500, 10, n_informative=5, random_state=0)
        if timestamp:
            X[:, 0] = 1.7e9 + 3e7 * X[:, 0]
        else:
            X[:, 0] *= 1e6
        est = c.fit(c.make(), X, y)
        return Fitted(est, X, y, min_score=_reference_score(X, y) - 0.1)

    _fits(
        "#3 one feature on a 1e6 scale",
        GC,
        one_col_1e6,
        source=src,
        quick=True,
        keywords=("scal",),
    )
    _fits(
        "#3 a Unix-timestamp column",
        GC,
        lambda c: one_col_1e6(c, timestamp=True),
        source=src,
        quick=True,
        keywords=("scal",),
    )

    # 4. A failed fit must not half-update a fitted model.
    def half_update(c):
        est = c.fit(c.make(), c.X, c.yb)
        before = (est.classes_.copy(), est.coef_.copy(), est.predict(c.X))
        labels = np.where(c.yb == 1, "b", "a")
        try:
            c.fit(est.set_params(**_diverging(c.kind)), c.X, labels)
        except Exception as exc:
            after = (est.classes_, est.coef_, est.predict(c.X))
            if not all(np.array_equal(a, b) for a, b in zip(before, after)):
                raise SilentWrong(
                    f"failed fit ({type(exc).__name__}) left classes_ "
                    f"{est.classes_} beside coef_; predict now gives "
                    f"{np.unique(after[2])}"
                ) from exc
            raise
        if not np.all(np.isin(est.predict(c.X), ["a", "b"])):
            raise SilentWrong("refit on string labels predicts old labels")
        return Fitted(est, c.X)

    _fits(
        "#4 failed refit on string labels leaves the model as it was",
        ("G", "SGD"),
        half_update,
        source=src,
        quick=True,
        keywords=("diverg", "learning_rate", "overflow", "step"),
    )

    def half_update_regressor(c):
        est = c.fit(c.make(), c.X, c.t)
        before = (est.n_features_in_, est.target_range_.copy(), est.coef_.copy())
        try:
            est.set_params(target_range=(None, 1)).fit(c.X[:, :3], c.t)
        except Exception:
            after = (est.n_features_in_, est.target_range_, est.coef_)
            if not all(np.array_equal(a, b) for a, b in zip(before, after)):
                raise SilentWrong("failed fit changed n_features_in_/target_range_")
            est.set_params(target_range="auto").predict(c.X)  # still usable
            raise
        raise SilentWrong("target_range=(None, 1) accepted")

    _errors(
        "#4 regressor failed refit keeps metadata",
        ("R",),
        half_update_regressor,
        ("target_range",),
        source=src,
        quick=True,
    )

    # 8. Regressor warm_start with a changed number of outputs.
    def warm_outputs(c):
        est = c.fit(c.make(warm_start=True), c.X, c.t)
        try:
            est.fit(c.X, np.column_stack([c.t, c.t]))
        except Exception:
            est.predict(c.X)
            est.fit(c.X, c.t)  # still usable with warm_start=True
            raise
        raise SilentWrong("warm_start with 2 outputs after 1 silently restarted")

    _errors(
        "#8 regressor warm_start, outputs 1 -> 2",
        ("R",),
        warm_outputs,
        ("output",),
        source=src,
        quick=True,
    )

    # 9. Degenerate but valid input.
    for variant, params in [
        ("auto", {}),
        ("momentum", {"momentum": 0.9}),
        ("mini-batch", {"batch_size": 10}),
        ("fixed step", {"learning_rate": 0.5}),
    ]:
        _fits(
            f"#9 all-zero X, no intercept, alpha=0, {variant}",
            ALL,
            lambda c, p=params: Fitted(
                c.fit(
                    c.make(fit_intercept=False, alpha=0, **p),
                    np.zeros((50, 3)),
                    c.y[:50],
                ),
                np.zeros((50, 3)),
                allow_zero=True,
            ),
            source=src,
            expect="succeed",
            quick=True,
        )

    def tiny_float32(c):
        X = (c.X * 1e-20).astype(np.float32)
        return Fitted(c.fit(c.make(), X, c.y), X)

    _fits(
        "#9 float32 features of scale 1e-20",
        ALL,
        tiny_float32,
        source=src,
        quick=True,
        keywords=("scal",),
    )

    def entry_1p5e154(c):
        X = c.X.copy()
        X[3, 2] = 1.5e154
        return Fitted(c.fit(c.make(), X, c.y), X)

    _fits(
        "#9 one entry of 1.5e154",
        ALL,
        entry_1p5e154,
        source=src,
        quick=True,
        keywords=("scal", "overflow"),
    )

    # 10. Non-finite regressor results.
    _errors(
        "#10 target_range=(-1e308, 1e308)",
        ("R",),
        lambda c: c.fit(c.make(target_range=(-1e308, 1e308)), c.X, c.t),
        ("target_range", "overflow"),
        source=src,
        quick=True,
    )
    _errors(
        "#10 regressor intercept_init=inf",
        ("R",),
        lambda c: c.fit(c.make(), c.X, c.t, intercept_init=np.inf),
        ("intercept_init",),
        source=src,
        quick=True,
    )

    # 14. Messages naming the right cause.
    _errors(
        "#14 class_weight={0: nan}",
        GC,
        lambda c: c.fit(c.make(class_weight={0: np.nan, 1: 1}), c.X, c.y),
        ("class_weight",),
        source=src,
        quick=True,
    )
    _errors(
        "#14 non-finite start with a fixed step",
        ("G", "R", "SGD"),
        lambda c: c.fit(
            c.make(learning_rate=0.1), c.X, c.y, coef_init=[np.inf, 0, 0, 0]
        ),
        ("coef_init",),
        source=src,
        quick=True,
    )
    _errors(
        "#14 target_range=(None, 1)",
        ("R",),
        lambda c: c.fit(c.make(target_range=(None, 1)), c.X, c.t),
        ("target_range",),
        source=src,
        quick=True,
    )
    _fits(
        "#14 regressor targets as numeric strings",
        ("R",),
        lambda c: c.fitted(c.fit(c.make(), c.X, c.t.astype(str))),
        source=src,
        expect="succeed",
        quick=True,
    )

    # 15. early_stopping must not copy the training rows.
    def early_stopping_memory(c):
        import tracemalloc

        rng = np.random.RandomState(0)
        X = rng.randn(20000, 50)
        y = (X[:, 0] + rng.randn(20000) > 0).astype(int)
        peaks = []
        for es in (False, True):
            est = c.make(early_stopping=es, max_iter=3, tol=None, random_state=0)
            tracemalloc.start()
            c.fit(est, X, y)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        extra = (peaks[1] - peaks[0]) / X.nbytes
        if extra > 0.5:
            raise SilentWrong(f"early_stopping costs {extra:.2f}x the size of X extra")
        return Fitted(est, X)

    _fits(
        "#15 early_stopping memory (extra < 0.5x X)",
        ("G", "R", "SGD"),
        early_stopping_memory,
        source=src,
        expect="succeed",
    )


def _diverging(kind):
    return {"learning_rate": 1e6} if kind in ("G", "R", "SGD") else {}


def _register_issue16():
    src = "issue16"

    def partial_harder(c):
        est = c.partial_fit(c.make(), [[0.0], [1.0]], [0, 0], classes=[0, 1])
        c.partial_fit(est, [[0.0], [1.0]], [1, 1])
        return Fitted(est, np.array([[0.0], [1.0]]))

    _fits(
        "§3 partial_fit: a later chunk with a higher loss",
        ("G", "SGD"),
        partial_harder,
        source=src,
        expect="succeed",
        quick=True,
    )
    _errors(
        "§3 coef_init (2, 3) for 3 classes x 2 features",
        ("G", "SGD"),
        lambda c: c.fit(c.make(), c.X3[:, :2], c.y3, coef_init=np.zeros((2, 3))),
        ("coef_init", "shape"),
        source=src,
        quick=True,
    )
    _errors(
        "§3 intercept_init=[0.5] for 3 classes",
        ("G", "SGD"),
        lambda c: c.fit(c.make(), c.X3, c.y3, intercept_init=[0.5]),
        ("intercept_init", "shape"),
        source=src,
        quick=True,
    )

    def shuffle_false_is_ordered(c):
        fits = [
            c.fit(
                c.make(early_stopping=True, shuffle=False, random_state=seed), c.X, c.y
            )
            for seed in (0, 1)
        ]
        if not np.array_equal(fits[0].coef_, fits[1].coef_):
            raise SilentWrong(
                "early_stopping with shuffle=False depends on random_state"
            )
        return Fitted(fits[0], c.X)

    _fits(
        "§3 early_stopping honours shuffle=False",
        ("G", "R"),
        shuffle_false_is_ordered,
        source=src,
        expect="succeed",
        quick=True,
    )
    _errors(
        "§3 early_stopping with a 1-row validation part",
        ALL,
        lambda c: c.fit(
            c.make(early_stopping=True, validation_fraction=0.1),
            c.X[:8],
            c.y[:8] if c.kind == "R" else [0, 1] * 4,
        ),
        ("validation",),
        source=src,
        quick=True,
    )
    _errors(
        "§3 partial_fit with early_stopping=True",
        ("G", "R", "SGD"),
        lambda c: c.partial_fit(
            c.make(early_stopping=True),
            c.X,
            c.y,
            **({} if c.kind == "R" else {"classes": [0, 1]}),
        ),
        ("early_stopping",),
        source=src,
        quick=True,
    )

    def warm(c, what):
        est = c.fit(c.make(warm_start=True), c.X, c.y)
        if what == "classes":
            est.fit(c.X, c.y3)
        elif what == "features":
            est.fit(c.X[:, :3], c.y)
        return est

    _errors(
        "§3 warm_start then other classes",
        GC,
        lambda c: warm(c, "classes"),
        ("class",),
        source=src,
        quick=True,
    )
    _errors(
        "§3 warm_start then other number of features",
        ALL,
        lambda c: warm(c, "features"),
        ("feature",),
        source=src,
        quick=True,
    )

    def predict_float32(c):
        est = c.fit(c.make(), c.X32, c.t)
        if est.predict(c.X32).dtype != np.float32:
            raise SilentWrong("float32 in, float64 out")
        return Fitted(est, c.X32)

    _fits(
        "§3 regressor predicts float32 for float32",
        ("R",),
        predict_float32,
        source=src,
        expect="succeed",
        quick=True,
    )
    _errors(
        "§3 features of order 1e300",
        GC,
        lambda c: c.fit(c.make(), c.X * 1e300, c.y),
        ("scal",),
        source=src,
        quick=True,
    )
    _errors(
        "§3 all-zero sample weights",
        ALL,
        lambda c: c.fit(c.make(), c.X, c.y, sample_weight=np.zeros(200)),
        ("weight",),
        source=src,
        quick=True,
    )

    def scaling_advice(c):
        est = c.make(max_iter=2)
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            c.fit(est, c.X, c.y)
        if not _warned_to_scale(records):
            raise SilentWrong("the ConvergenceWarning does not advise scaling")
        return Fitted(est, c.X)

    _fits(
        "§3 ConvergenceWarning advises scaling",
        ("G", "R", "LR"),
        scaling_advice,
        source=src,
        expect="succeed",
        quick=True,
    )


def _register_sklearn_style():
    def bad_x(fill):
        def fn(c):
            X = c.X.copy()
            X[5, 1] = fill
            return c.fit(c.make(), X, c.y)

        return fn

    _errors("X with NaN", ALL, bad_x(np.nan), ("nan",))
    _errors("X with inf", ALL, bad_x(np.inf), ("infinity", "inf"))
    _errors("X with -inf", ALL, bad_x(-np.inf), ("infinity", "inf"))

    def sparse_nan(c):
        X = sp.csr_matrix(c.X)
        X.data[3] = np.nan
        return c.fit(c.make(), X, c.y)

    _errors("sparse X with NaN", ALL, sparse_nan, ("nan",))

    def bad_y(fill):
        def fn(c):
            y = np.asarray(c.y, dtype=np.float64).copy()
            y[3] = fill
            return c.fit(c.make(), c.X, y)

        return fn

    _errors("y with NaN", ALL, bad_y(np.nan), ("nan",))
    _errors("y with inf", ALL, bad_y(np.inf), ("inf",))

    def bad_weight(fill, where=3):
        def fn(c):
            sw = np.ones(200)
            sw[where] = fill
            return c.fit(c.make(), c.X, c.y, sample_weight=sw)

        return fn

    _errors("sample_weight with NaN", ALL, bad_weight(np.nan), ("nan", "weight"))
    _errors("sample_weight with inf", ALL, bad_weight(np.inf), ("inf", "weight"))
    _errors("negative sample_weight", ALL, bad_weight(-1.0), ("negative", "weight"))
    _errors(
        "sample_weight of wrong length",
        ALL,
        lambda c: c.fit(c.make(), c.X, c.y, sample_weight=np.ones(199)),
        ("sample_weight", "weight", "shape", "inconsistent"),
    )
    _errors(
        "2-D sample_weight",
        ALL,
        lambda c: c.fit(c.make(), c.X, c.y, sample_weight=np.ones((200, 1))),
        ("sample_weight", "weight", "1d", "1 or", "shape"),
    )
    _errors(
        "sample_weight as strings",
        ALL,
        lambda c: c.fit(c.make(), c.X, c.y, sample_weight=["a"] * 200),
        ("sample_weight", "weight", "string", "float"),
    )

    def weights_zero_but_one(c):
        sw = np.zeros(200)
        sw[:2] = 1.0
        y = c.y.copy()
        if c.kind != "R":
            y[:2] = [0, 1]
        return Fitted(c.fit(c.make(), c.X, y, sample_weight=sw), c.X, allow_zero=True)

    _fits(
        "sample weights zero but two rows",
        ALL,
        weights_zero_but_one,
        keywords=("weight", "class"),
    )

    def one_class_weighted(c):
        sw = np.where(c.yb == 0, 1.0, 0.0)
        return c.fit(c.make(), c.X, c.yb, sample_weight=sw)

    _fits(
        "sample weights zero for a whole class",
        GC,
        lambda c: Fitted(one_class_weighted(c), c.X, allow_zero=True),
        keywords=("class", "weight"),
    )

    # Shapes.
    _errors(
        "X 1-D", ALL, lambda c: c.fit(c.make(), c.X[:, 0], c.y), ("2d", "2D", "reshape")
    )
    _errors(
        "X 3-D",
        ALL,
        lambda c: c.fit(c.make(), c.X.reshape(200, 2, 2), c.y),
        ("dim", "3"),
    )
    _errors(
        "X with 0 rows",
        ALL,
        lambda c: c.fit(c.make(), c.X[:0], c.y[:0]),
        ("0 sample", "sample"),
    )
    _errors(
        "X with 0 features",
        ALL,
        lambda c: c.fit(c.make(), c.X[:, :0], c.y),
        ("0 feature", "feature"),
    )
    _errors(
        "y of another length",
        ALL,
        lambda c: c.fit(c.make(), c.X, c.y[:-1]),
        ("inconsistent", "samples"),
    )
    _errors("y scalar", ALL, lambda c: c.fit(c.make(), c.X, 1), ("y",))
    _errors("y None", ALL, lambda c: c.fit(c.make(), c.X, None), ("y", "requires"))
    _fits(
        "y as a column vector",
        ALL,
        lambda c: Fitted(c.fit(c.make(), c.X, np.asarray(c.y).reshape(-1, 1)), c.X),
    )
    _errors(
        "y 2-D with 2 columns (classifier)",
        GC,
        lambda c: c.fit(c.make(), c.X, np.column_stack([c.y, c.y])),
        ("multi", "y", "shape", "column"),
    )
    _errors("one class", GC, lambda c: c.fit(c.make(), c.X, np.zeros(200)), ("class",))
    _errors(
        "continuous y for a classifier",
        GC,
        lambda c: c.fit(c.make(), c.X, c.t),
        ("continuous", "unknown", "label"),
    )
    _errors("complex X", ALL, lambda c: c.fit(c.make(), c.X + 1j, c.y), ("complex",))
    _errors(
        "string X",
        ALL,
        lambda c: c.fit(c.make(), np.full((200, 4), "a"), c.y),
        ("string", "float", "convert"),
    )
    _errors(
        "X as a list of dicts",
        ALL,
        lambda c: c.fit(c.make(), [{"a": 1}] * 200, c.y),
        ("dict", "float", "array"),
    )
    _fits(
        "string labels",
        GC,
        lambda c: Fitted(
            c.fit(c.make(), c.X, np.where(c.yb, "spam", "ham")),
            c.X,
            np.where(c.yb, "spam", "ham"),
            min_score=0.8,
        ),
    )
    _fits(
        "object labels mixed types",
        GC,
        lambda c: Fitted(
            c.fit(c.make(), c.X, np.array([1, "a"] * 100, dtype=object)),
            c.X,
            allow_zero=True,
        ),
        keywords=("label", "type", "mix", "unknown"),
    )
    _fits(
        "three classes",
        GC,
        lambda c: Fitted(c.fit(c.make(), c.X3, c.y3), c.X3, c.y3, min_score=0.7),
        expect="succeed",
    )
    _fits(
        "single sample",
        ALL,
        lambda c: Fitted(c.fit(c.make(), c.X[:1], c.y[:1]), c.X[:1], allow_zero=True),
        keywords=("class", "sample"),
    )
    _fits(
        "two samples",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), c.X[:2], [0, 1] if c.kind != "R" else c.t[:2]), c.X[:2]
        ),
        expect="succeed",
    )
    _fits(
        "list input",
        ALL,
        lambda c: Fitted(c.fit(c.make(), c.X.tolist(), list(c.y)), c.X),
        expect="succeed",
    )
    _fits(
        "int X",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), (c.X * 3).astype(int), c.y), (c.X * 3).astype(int)
        ),
        expect="succeed",
    )
    _fits(
        "bool X",
        ALL,
        lambda c: Fitted(c.fit(c.make(), c.X > 0, c.y), c.X > 0),
        expect="succeed",
    )
    _fits(
        "float16 X",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), c.X.astype(np.float16), c.y), c.X.astype(np.float16)
        ),
        expect="succeed",
    )
    _fits(
        "float32 X",
        ALL,
        lambda c: Fitted(c.fit(c.make(), c.X32, c.y), c.X32),
        expect="succeed",
    )
    _fits(
        "non-contiguous X",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), np.asfortranarray(c.X)[::1, ::-1], c.y), c.X[:, ::-1]
        ),
        expect="succeed",
    )
    _fits(
        "read-only X",
        ALL,
        lambda c: Fitted(c.fit(c.make(), _readonly(c.X), c.y), c.X),
        expect="succeed",
    )

    # Sparse formats.
    for fmt in ("csr", "csc", "coo", "lil", "dok", "bsr", "dia"):
        _fits(
            f"sparse {fmt} X",
            ALL,
            lambda c, f=fmt: Fitted(
                c.fit(c.make(), sp.csr_matrix(c.X).asformat(f), c.y), sp.csr_matrix(c.X)
            ),
            expect="either",
            keywords=("sparse", "format"),
        )
    _fits(
        "sparse csr_array X",
        ALL,
        lambda c: Fitted(c.fit(c.make(), sp.csr_array(c.X), c.y), sp.csr_array(c.X)),
        expect="succeed",
    )
    _fits(
        "sparse float32 csr",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), sp.csr_matrix(c.X32), c.y), sp.csr_matrix(c.X32)
        ),
        expect="succeed",
    )

    def sparse_int64(c):
        X = sp.csr_matrix(c.X)
        X.indices = X.indices.astype(np.int64)
        X.indptr = X.indptr.astype(np.int64)
        return Fitted(c.fit(c.make(), X, c.y), X)

    _fits("sparse csr with int64 indices", ALL, sparse_int64, expect="succeed")

    def sparse_explicit_zeros(c):
        X = sp.csr_matrix(c.X)
        X.data[::3] = 0.0
        return Fitted(c.fit(c.make(), X, c.y), X)

    _fits("sparse with explicit zeros", ALL, sparse_explicit_zeros, expect="succeed")

    def sparse_unsorted(c):
        X = sp.csr_matrix(c.X)
        for i in range(X.shape[0]):
            a, b = X.indptr[i], X.indptr[i + 1]
            X.indices[a:b] = X.indices[a:b][::-1]
            X.data[a:b] = X.data[a:b][::-1]
        X.has_sorted_indices = False
        return Fitted(c.fit(c.make(), X, c.y), X)

    _fits("sparse with unsorted indices", ALL, sparse_unsorted, expect="succeed")
    _fits(
        "sparse with no stored entries",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), sp.csr_matrix((200, 4)), c.y),
            sp.csr_matrix((200, 4)),
            allow_zero=True,
        ),
        expect="either",
    )

    def sparse_huge_cols(c):
        X = sp.random(200, 100000, density=1e-4, format="csr", random_state=0)
        X = sp.hstack([sp.csr_matrix(c.X), X]).tocsr()
        return Fitted(c.fit(c.make(max_iter=50), X, c.y), X)

    _fits("sparse with 100,000 columns", ALL, sparse_huge_cols, expect="succeed")

    # Extreme scales per column and per row.
    for s in (1e-300, 1e-150, 1e-20, 1e-8, 1e8, 1e20, 1e150, 1e300):
        for where, col in (("column 0", 0), ("all columns", None)):
            for dtype in (np.float64, np.float32):
                if dtype == np.float32 and not 1e-30 <= s <= 1e30:
                    continue

                def fn(c, s=s, col=col, dtype=dtype):
                    X = _col_scaled(c.X, s, col).astype(dtype)
                    est = c.fit(c.make(), X, c.y)
                    # Above 1 the model must be as good as on scaled data; below,
                    # the L2 penalty rightly keeps the coefficients near zero.
                    ref = (
                        _reference_score(X, c.y) - 0.1
                        if c.kind != "R" and s > 1
                        else None
                    )
                    return Fitted(
                        est,
                        X,
                        c.y if c.kind != "R" else None,
                        min_score=ref,
                        allow_zero=s < 1e-30,
                    )

                _fits(
                    f"scale {s:.0e} on {where}, {np.dtype(dtype).name}",
                    ALL,
                    fn,
                    keywords=("scal", "overflow"),
                )
        for where, rows in (
            ("row 0", slice(0, 1)),
            ("every other row", slice(None, None, 2)),
        ):

            def fn(c, s=s, rows=rows):
                X = c.X.copy()
                with np.errstate(all="ignore"):
                    X[rows] *= s
                return Fitted(c.fit(c.make(), X, c.y), X, allow_zero=True)

            _fits(f"scale {s:.0e} on {where}", ALL, fn, keywords=("scal", "overflow"))

    # A float32 column whose square overflows float32 (not float64), with the
    # optimiser's other paths: momentum, mini-batches, early stopping.
    for s in (1e20, 1e30):
        for variant, params in [
            ("momentum", {"momentum": 0.5}),
            ("mini-batch", {"batch_size": 20}),
            ("momentum, early_stopping", {"momentum": 0.5, "early_stopping": True}),
            ("momentum, tol=None", {"momentum": 0.5, "tol": None, "max_iter": 50}),
            ("fixed step", {"learning_rate": 0.1}),
        ]:

            def fn(c, s=s, params=params):
                X = _col_scaled(c.X, s, 0).astype(np.float32)
                est = c.fit(c.make(**params), X, c.y)
                ref = _reference_score(X, c.y) - 0.1 if c.kind != "R" else None
                return Fitted(est, X, c.y if c.kind != "R" else None, min_score=ref)

            _fits(
                f"scale {s:.0e} on column 0, float32, {variant}",
                ALL,
                fn,
                keywords=("scal", "overflow", "learning rate", "learning_rate"),
            )

    # Degenerate columns and rows.
    def constant_cols(c, value):
        X = c.X.copy()
        X[:, 1] = value
        return Fitted(c.fit(c.make(), X, c.y), X)

    _fits("a constant column", ALL, lambda c: constant_cols(c, 7.0), expect="succeed")
    _fits(
        "a constant column of 1e200",
        ALL,
        lambda c: constant_cols(c, 1e200),
        keywords=("scal", "overflow"),
    )
    _fits(
        "all columns constant",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), np.ones((200, 3)), c.y), np.ones((200, 3)), allow_zero=True
        ),
        expect="succeed",
    )
    _fits(
        "all-zero X",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), np.zeros((200, 3)), c.y),
            np.zeros((200, 3)),
            allow_zero=True,
        ),
        expect="succeed",
    )
    _fits(
        "every row duplicated 10 times",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), np.repeat(c.X, 10, axis=0), np.repeat(c.y, 10)), c.X
        ),
        expect="succeed",
    )
    _fits(
        "one row repeated, two labels",
        GC,
        lambda c: Fitted(
            c.fit(c.make(), np.ones((20, 2)), [0, 1] * 10),
            np.ones((20, 2)),
            allow_zero=True,
        ),
        expect="succeed",
    )
    _fits(
        "separable data, alpha=0",
        GC,
        lambda c: Fitted(
            c.fit(
                c.make(alpha=0, max_iter=200), c.X[:, :1], (c.X[:, 0] > 0).astype(int)
            ),
            c.X[:, :1],
        ),
        keywords=("separab",),
    )
    _fits(
        "1000 features, 20 samples",
        ALL,
        lambda c: Fitted(
            c.fit(c.make(), np.random.RandomState(0).randn(20, 1000), c.y[:20]),
            np.random.RandomState(0).randn(20, 1000),
        ),
        expect="succeed",
    )

    # Starts.
    _errors(
        "coef_init of wrong size",
        ("G", "R", "SGD"),
        lambda c: c.fit(c.make(), c.X, c.y, coef_init=np.zeros(3)),
        ("coef_init", "shape"),
    )
    _errors(
        "coef_init as strings",
        ("G", "R", "SGD"),
        lambda c: c.fit(c.make(), c.X, c.y, coef_init=["a"] * 4),
        ("coef_init", "float", "string"),
    )
    _errors(
        "intercept_init of wrong size",
        ("G", "R", "SGD"),
        lambda c: c.fit(c.make(), c.X, c.y, intercept_init=np.zeros(3)),
        ("intercept_init", "shape"),
    )
    _errors(
        "intercept_init with fit_intercept=False",
        ("G", "R"),
        lambda c: c.fit(c.make(fit_intercept=False), c.X, c.y, intercept_init=1.0),
        ("intercept_init",),
    )
    _fits(
        "coef_init with warm_start",
        ("G", "R", "SGD"),
        lambda c: Fitted(
            c.fit(
                c.fit(c.make(warm_start=True), c.X, c.y), c.X, c.y, coef_init=np.ones(4)
            ),
            c.X,
        ),
        expect="succeed",
    )

    # class_weight.
    _fits(
        "class_weight with a zero",
        GC,
        lambda c: Fitted(
            c.fit(c.make(class_weight={0: 0.0, 1: 1.0}), c.X, c.y), c.X, allow_zero=True
        ),
        keywords=("class", "weight"),
    )
    _errors(
        "class_weight negative",
        GC,
        lambda c: c.fit(c.make(class_weight={0: -1.0, 1: 1.0}), c.X, c.y),
        ("class_weight", "negative", "weight"),
    )
    _errors(
        "class_weight for an absent class",
        GC,
        lambda c: c.fit(c.make(class_weight={5: 2.0}), c.X, c.y),
        ("class", "5"),
    )
    _errors(
        "class_weight all zero",
        GC,
        lambda c: c.fit(c.make(class_weight={0: 0.0, 1: 0.0}), c.X, c.y),
        ("weight",),
    )
    _errors(
        "class_weight unknown string",
        GC,
        lambda c: c.fit(c.make(class_weight="heavy"), c.X, c.y),
        ("class_weight",),
    )
    _errors(
        "class_weight as a list",
        GC,
        lambda c: c.fit(c.make(class_weight=[1, 2]), c.X, c.y),
        ("class_weight",),
    )
    _fits(
        "class_weight 'balanced', 3 classes",
        GC,
        lambda c: Fitted(
            c.fit(c.make(class_weight="balanced"), c.X3, c.y3),
            c.X3,
            c.y3,
            min_score=0.7,
        ),
        expect="succeed",
    )
    _fits(
        "class_weight with string keys",
        GC,
        lambda c: Fitted(
            c.fit(
                c.make(class_weight={"ham": 1.0, "spam": 3.0}),
                c.X,
                np.where(c.yb, "spam", "ham"),
            ),
            c.X,
        ),
        expect="succeed",
    )
    _fits(
        "class_weight 1e-300",
        GC,
        lambda c: Fitted(
            c.fit(c.make(class_weight={0: 1e-300, 1: 1e-300}), c.X, c.y), c.X
        ),
        keywords=("weight",),
    )

    # target_range.
    for label, value in [
        ("(1, 0)", (1, 0)),
        ("(0, 0)", (0, 0)),
        ("(nan, 1)", (np.nan, 1)),
        ("'bad'", "bad"),
        ("(0, 1, 2)", (0, 1, 2)),
        ("(-inf, 1)", (-np.inf, 1)),
        ("[0, 'x']", [0, "x"]),
    ]:
        _errors(
            f"target_range={label}",
            ("R",),
            lambda c, v=value: c.fit(c.make(target_range=v), c.X, c.t),
            ("target_range",),
        )
    _errors(
        "targets outside target_range",
        ("R",),
        lambda c: c.fit(c.make(target_range=(0, 1)), c.X, c.t),
        ("target_range",),
    )
    _fits(
        "target_range of width 1e-300",
        ("R",),
        lambda c: Fitted(
            c.fit(c.make(target_range=(0, 1e-300)), c.X, c.t * 3e-301), c.X
        ),
        keywords=("target", "range"),
    )
    _fits(
        "constant targets",
        ("R",),
        lambda c: Fitted(c.fit(c.make(), c.X, np.full(200, 2.5)), c.X, allow_zero=True),
        expect="succeed",
    )
    _fits(
        "targets of order 1e300",
        ("R",),
        lambda c: Fitted(c.fit(c.make(), c.X, c.t * 1e300), c.X),
        keywords=("target", "overflow"),
    )
    _fits(
        "two outputs",
        ("R",),
        lambda c: Fitted(c.fit(c.make(), c.X, np.column_stack([c.t, 1 - c.t])), c.X),
        expect="succeed",
    )

    # warm_start changes.
    def warm_dtype(c):
        est = c.fit(c.make(warm_start=True), c.X, c.y)
        return Fitted(c.fit(est, c.X32, c.y), c.X32)

    _fits("warm_start float64 then float32", ALL, warm_dtype, expect="succeed")

    def warm_sparse(c):
        est = c.fit(c.make(warm_start=True), c.X, c.y)
        return Fitted(c.fit(est, sp.csr_matrix(c.X), c.y), c.X)

    _fits("warm_start dense then sparse", ALL, warm_sparse, expect="succeed")

    def warm_params(c):
        est = c.fit(c.make(warm_start=True), c.X, c.y)
        est.set_params(alpha=0.1) if "alpha" in est.get_params() else None
        return Fitted(c.fit(est, c.X, c.y), c.X)

    _fits("warm_start then another alpha", ALL, warm_params, expect="succeed")

    def warm_batch(c):
        est = c.fit(c.make(warm_start=True), c.X, c.y)
        est.set_params(batch_size=16, learning_rate=0.1)
        return Fitted(c.fit(est, c.X, c.y), c.X)

    _fits("warm_start then mini-batches", ("G", "R"), warm_batch, expect="succeed")

    # partial_fit sequences.
    _errors(
        "partial_fit without classes first",
        ("G", "SGD"),
        lambda c: c.partial_fit(c.make(), c.X, c.y),
        ("classes",),
    )

    def unseen_label(c):
        est = c.partial_fit(c.make(), c.X, c.y, classes=[0, 1])
        return c.partial_fit(est, c.X[:3], [0, 1, 2])

    _errors(
        "partial_fit label not in classes",
        ("G", "SGD"),
        unseen_label,
        ("class", "label", "2"),
    )

    def pf_features(c):
        kw = {"classes": [0, 1]} if c.kind != "R" else {}
        est = c.partial_fit(c.make(), c.X, c.y, **kw)
        return c.partial_fit(est, c.X[:, :3], c.y)

    _errors(
        "partial_fit with another number of features",
        ("G", "R", "SGD"),
        pf_features,
        ("feature",),
    )

    def pf_then_fit(c):
        kw = {"classes": [0, 1]} if c.kind != "R" else {}
        est = c.partial_fit(c.make(), c.X, c.y, **kw)
        est = c.fit(est, c.X, c.y)
        return Fitted(c.partial_fit(est, c.X, c.y), c.X)

    _fits(
        "partial_fit, fit, partial_fit",
        ("G", "R", "SGD"),
        pf_then_fit,
        expect="succeed",
    )

    def pf_rows(c):
        # The regressor learns target_range from the first chunk unless given.
        kw = {"classes": [0, 1]} if c.kind != "R" else {}
        est = c.make(target_range=(0, 3)) if c.kind == "R" else c.make()
        for i in range(50):
            c.partial_fit(est, c.X[i : i + 1], c.y[i : i + 1], **kw)
        return Fitted(est, c.X)

    _fits("partial_fit one row at a time", ("G", "R", "SGD"), pf_rows, expect="succeed")

    def pf_empty(c):
        kw = {"classes": [0, 1]} if c.kind != "R" else {}
        est = c.partial_fit(c.make(), c.X, c.y, **kw)
        return c.partial_fit(est, c.X[:0], c.y[:0])

    _errors("partial_fit empty chunk", ("G", "R", "SGD"), pf_empty, ("sample",))

    def pf_zero_weights(c):
        kw = {"classes": [0, 1]} if c.kind != "R" else {}
        est = c.partial_fit(c.make(), c.X, c.y, **kw)
        c.partial_fit(est, c.X, c.y, sample_weight=np.zeros(200))
        if not np.all(np.isfinite(est.coef_)):
            raise SilentWrong("non-finite after a zero-weight chunk")
        return Fitted(est, c.X)

    _fits(
        "partial_fit chunk of zero weights",
        ("G", "R", "SGD"),
        pf_zero_weights,
        keywords=("weight",),
    )

    def pf_huge_chunk_loss(c):
        kw = {"classes": [0, 1]} if c.kind != "R" else {}
        est = c.partial_fit(c.make(), c.X, c.y, **kw)
        c.partial_fit(est, c.X * 1e3, c.y)
        return Fitted(est, c.X)

    _fits(
        "partial_fit chunk 1000x larger",
        ("G", "R", "SGD"),
        pf_huge_chunk_loss,
        keywords=("diverg", "scal", "learning_rate"),
    )

    # early_stopping.
    _errors(
        "early_stopping, validation_fraction=0.99 of 10 rows",
        ALL,
        lambda c: c.fit(
            c.make(early_stopping=True, validation_fraction=0.99),
            c.X[:10],
            c.y[:10] if c.kind == "R" else [0, 1] * 5,
        ),
        ("validation", "train"),
    )
    _fits(
        "early_stopping, 2-row validation part",
        ALL,
        lambda c: Fitted(
            c.fit(
                c.make(early_stopping=True, validation_fraction=0.1),
                c.X[:20],
                c.y[:20] if c.kind == "R" else [0, 1] * 10,
            ),
            c.X[:20],
            allow_zero=True,
        ),
        keywords=("validation",),
    )
    _fits(
        "early_stopping, one class in the training part",
        GC,
        lambda c: Fitted(
            c.fit(
                c.make(early_stopping=True, shuffle=False, validation_fraction=0.5),
                c.X[:20],
                [0] * 10 + [1] * 10,
            ),
            c.X[:20],
            allow_zero=True,
        ),
        keywords=("class", "validation"),
    )

    # Parameters out of range.
    for param, values in [
        ("learning_rate", [0, -1, np.nan, np.inf, "fast"]),
        ("alpha", [-1, np.nan, np.inf]),
        ("max_iter", [0, -1, 1.5]),
        ("tol", [-1, np.nan]),
        ("momentum", [1, -0.1, np.nan]),
        ("batch_size", [0, 1.5]),
        ("validation_fraction", [0, 1]),
        ("n_iter_no_change", [0]),
        ("loss", ["bogus"]),
        ("average", [-1]),
    ]:
        for value in values:
            _errors(
                f"{param}={value!r}",
                ALL,
                lambda c, p=param, v=value: c.fit(c.make(**{p: v}), c.X, c.y),
                (param,),
            )
    _fits(
        "alpha=1e300",
        ALL,
        lambda c: Fitted(c.fit(c.make(alpha=1e300), c.X, c.y), c.X, allow_zero=True),
        keywords=("alpha",),
    )
    _fits(
        "learning_rate=1e-300",
        ("G", "R", "SGD"),
        lambda c: Fitted(
            c.fit(c.make(learning_rate=1e-300, max_iter=5), c.X, c.y),
            c.X,
            allow_zero=True,
        ),
        keywords=("learning_rate",),
    )
    _fits(
        "learning_rate=1e300",
        ("G", "R", "SGD"),
        lambda c: Fitted(c.fit(c.make(learning_rate=1e300, max_iter=5), c.X, c.y), c.X),
        keywords=("learning_rate", "diverg", "overflow"),
    )
    _fits(
        "max_iter=1, tol=None",
        ALL,
        lambda c: Fitted(c.fit(c.make(max_iter=1, tol=None), c.X, c.y), c.X),
        expect="succeed",
    )

    # Fitted-model API.
    _errors("predict before fit", ALL, lambda c: c.make().predict(c.X), ("fit",))

    def predict_wrong_features(c):
        return c.fit(c.make(), c.X, c.y).predict(c.X[:, :3])

    _errors(
        "predict with another number of features",
        ALL,
        predict_wrong_features,
        ("feature",),
    )

    def predict_nan(c):
        X = c.X.copy()
        X[0, 0] = np.nan
        return c.fit(c.make(), c.X, c.y).predict(X)

    _errors("predict on NaN", ALL, predict_nan, ("nan",))

    def predict_huge(c):
        est = c.fit(c.make(), c.X, c.y)
        X = c.X * 1e300
        with np.errstate(all="ignore"):
            pred = est.predict(X)
            proba = (
                est.predict_proba(X)
                if hasattr(est, "predict_proba") and (c.kind != "R")
                else None
            )
        if proba is not None and not np.all(np.isfinite(proba)):
            raise SilentWrong("predict_proba non-finite on X * 1e300")
        if c.kind == "R" and not np.all(np.isfinite(pred)):
            raise SilentWrong("non-finite predictions on X * 1e300")
        return Fitted(est, c.X)

    _fits("predict_proba on X * 1e300", ALL, predict_huge, keywords=("scal",))

    def pickled(c):
        est = c.fit(c.make(), c.X, c.y)
        again = pickle.loads(pickle.dumps(est))
        if not np.array_equal(est.predict(c.X), again.predict(c.X)):
            raise SilentWrong("pickle round trip changes predictions")
        return Fitted(again, c.X)

    _fits("pickle round trip", ALL, pickled, expect="succeed")

    def pickled_unfitted(c):
        est = pickle.loads(pickle.dumps(c.make(alpha=0.01)))
        return Fitted(c.fit(est, c.X, c.y), c.X)

    _fits("pickle unfitted, then fit", ALL, pickled_unfitted, expect="succeed")

    def cloned(c):
        from sklearn.base import clone

        est = c.fit(c.make(alpha=0.01), c.X, c.y)
        new = clone(est)
        if hasattr(new, "coef_") or new.get_params() != est.get_params():
            raise SilentWrong("clone kept fitted state or changed params")
        return Fitted(c.fit(new, c.X, c.y), c.X)

    _fits("clone of a fitted model", ALL, cloned, expect="succeed")

    def refit_same(c):
        a = c.fit(c.make(random_state=0), c.X, c.y).coef_.copy()
        b = c.fit(c.make(random_state=0), c.X, c.y)
        if not np.array_equal(a, b.coef_):
            raise SilentWrong("two identical fits differ")
        return Fitted(b, c.X)

    _fits("two identical fits are identical", ALL, refit_same, expect="succeed")

    def pandas_frame(c):
        pd = pytest_importorskip("pandas")
        df = pd.DataFrame(c.X, columns=list("abcd"))
        est = c.fit(c.make(), df, c.y)
        if list(est.feature_names_in_) != list("abcd"):
            raise SilentWrong("feature names lost")
        return Fitted(est, df)

    _fits("pandas DataFrame with column names", ALL, pandas_frame, expect="succeed")


def pytest_importorskip(name):
    try:
        return __import__(name)
    except ImportError:
        raise NotApplicable(f"{name} not installed") from None


def _readonly(X):
    X = X.copy()
    X.setflags(write=False)
    return X


# -- faults ----------------------------------------------------------------------------

_REVIEWS = {
    "neg": {"cv001_b.txt": "awful film .\n", "cv000_a.txt": "dull and boring .\n"},
    "pos": {
        "cv002_c.txt": "a great film .\n",
        "cv000_d.txt": "superb !\n",
        "cv001_e.txt": "loved it .\n",
    },
}


def _test_helpers():
    """The fixtures of tests/test_datasets.py (corpus writers, HTTP handler)."""
    environ = dict(os.environ)  # tests/conftest.py sets SCIPY_ARRAY_API
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import test_datasets
    finally:
        sys.path.remove(str(ROOT / "tests"))
        os.environ.clear()
        os.environ.update(environ)
    return test_datasets


@contextlib.contextmanager
def _patched(obj, **attrs):
    old = {k: getattr(obj, k) for k in attrs}
    for k, v in attrs.items():
        setattr(obj, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(obj, k, v)


@contextlib.contextmanager
def _env(**values):
    old = {k: os.environ.get(k) for k in values}
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _loopback_server():
    """A 127.0.0.1 HTTP server with the tests' handler; yields it (``serve``)."""
    td = _test_helpers()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), td._Handler)
    httpd.files, httpd.requests = {}, []
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()

    def serve(path, content):
        httpd.files[path] = content
        return f"http://127.0.0.1:{httpd.server_address[1]}{path}"

    httpd.serve = serve
    try:
        with _env(no_proxy="*", NO_PROXY="*"):
            yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@contextlib.contextmanager
def _tiny_download(tmp):
    """The tiny corpus zip made the expected download; yields its bytes."""
    from sklearn_sigmoid import datasets

    td = _test_helpers()
    content = td.tiny_movie_reviews_zip(Path(tmp) / "tiny.zip").read_bytes()
    with _patched(
        datasets,
        MOVIE_REVIEWS_SHA256=hashlib.sha256(content).hexdigest(),
        MOVIE_REVIEWS_SIZE=len(content),
    ):
        yield content


def _loader_result(bunch):
    return {"texts": len(bunch.data)}


def _register_faults():
    src = "fault"
    kinds = ("-",)

    def symlink_out(c):
        from sklearn_sigmoid.datasets import load_movie_reviews

        td = _test_helpers()
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            folder = td.write_class_folders(tmp / "data" / "movie_reviews")
            (tmp / "secret.txt").write_text("SECRET")
            (folder / "pos" / "x.txt").symlink_to(tmp / "secret.txt")
            bunch = load_movie_reviews(tmp / "data")
        if any("SECRET" in t for t in bunch.data):
            raise SilentWrong("a link out of the corpus was read as a review")
        return _loader_result(bunch)

    add(
        "#11 corpus folder with a symlink out of it",
        symlink_out,
        source=src,
        kinds=kinds,
        expect="succeed",
        quick=True,
    )

    def looping_link(c):
        from sklearn_sigmoid.datasets import load_movie_reviews

        td = _test_helpers()
        with tempfile.TemporaryDirectory() as tmp:
            folder = td.write_class_folders(Path(tmp) / "movie_reviews")
            (folder / "pos" / "loop.txt").symlink_to(folder / "pos" / "loop.txt")
            bunch = load_movie_reviews(tmp)
        if len(bunch.data) != 5:
            raise SilentWrong(f"{len(bunch.data)} reviews read, 5 expected")
        return _loader_result(bunch)

    add(
        "#11 corpus folder with a looping link",
        looping_link,
        source=src,
        kinds=kinds,
        expect="succeed",
        quick=True,
    )

    def corrupt_zip(c):
        from sklearn_sigmoid.datasets import load_movie_reviews

        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "movie_reviews.zip"
            member = "movie_reviews/pos/cv001_e.txt"
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for label, files in _REVIEWS.items():
                    for name in files:
                        zf.writestr(
                            f"movie_reviews/{label}/{name}", "review text " * 20
                        )
            raw = bytearray(archive.read_bytes())
            with zipfile.ZipFile(archive) as zf:
                start = zf.getinfo(member).header_offset + 30 + len(member)
            raw[start + 5 : start + 15] = b"\xff" * 10
            archive.write_bytes(bytes(raw))
            load_movie_reviews(tmp)
        raise SilentWrong("a corrupted member was read")

    add(
        "#12 corrupted zip member",
        corrupt_zip,
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("cv001_e.txt",),
        quick=True,
    )

    def non_zip(c):
        from sklearn_sigmoid.datasets import load_movie_reviews

        td = _test_helpers()
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "given").mkdir()
            (tmp / "given" / "movie_reviews.zip").write_bytes(b"<html>404</html>")
            env = td.write_class_folders(tmp / "env" / "movie_reviews").parent
            with _env(SKLEARN_SIGMOID_DATA=str(env)):
                bunch = load_movie_reviews(tmp / "given")
        return _loader_result(bunch)

    add(
        "#12 non-zip movie_reviews.zip beside a corpus elsewhere",
        non_zip,
        source=src,
        kinds=kinds,
        expect="succeed",
        quick=True,
    )

    def lexicon_zip(c):
        from sklearn_sigmoid.datasets import load_opinion_lexicon

        td = _test_helpers()
        with tempfile.TemporaryDirectory() as tmp:
            td.write_zip(
                Path(tmp) / "opinion_lexicon.zip",
                "opinion_lexicon/",
                {"positive-words.txt": "good\n", "README": "x"},
            )
            load_opinion_lexicon(tmp)
        raise SilentWrong("an incomplete lexicon was loaded")

    add(
        "#12 opinion_lexicon.zip without its word files",
        lexicon_zip,
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("negative-words",),
        quick=True,
    )

    def home_is_file(c):
        from sklearn_sigmoid import datasets

        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "cache"
            home.write_text("not a folder")
            with _patched(datasets, MOVIE_REVIEWS_URL="http://127.0.0.1:9/x.zip"):
                datasets.load_movie_reviews(home, download_if_missing=True)
        raise SilentWrong("a data_home that is a file was accepted")

    add(
        "#12 data_home that is a file",
        home_is_file,
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("file",),
        quick=True,
    )

    def utf16(c):
        from sklearn_sigmoid.datasets import load_movie_reviews

        td = _test_helpers()
        text = "caf\u00e9 na\u00efve \u2014 \u00bfqu\u00e9?\n"
        with tempfile.TemporaryDirectory() as tmp:
            folder = td.write_class_folders(Path(tmp) / "movie_reviews")
            (folder / "pos" / "cv009_u.txt").write_bytes(
                codecs.BOM_UTF16_LE + text.encode("utf-16-le")
            )
            bunch = load_movie_reviews(tmp)
        if text not in bunch.data:
            raise SilentWrong("a UTF-16 review was decoded wrongly")
        return _loader_result(bunch)

    add(
        "#17 UTF-16 review with a BOM",
        utf16,
        source=src,
        kinds=kinds,
        expect="succeed",
        quick=True,
    )

    def member_2gib(c):
        from sklearn_sigmoid.datasets import load_movie_reviews

        td = _test_helpers()
        with tempfile.TemporaryDirectory() as tmp:
            archive = td.tiny_movie_reviews_zip(Path(tmp) / "movie_reviews.zip")
            td.patch_declared_size(archive, "movie_reviews/pos/cv000_d.txt", 2**31)
            load_movie_reviews(tmp)
        raise SilentWrong("a member declaring 2 GiB was inflated")

    add(
        "#7 zip member declaring 2 GiB",
        member_2gib,
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("cv000_d.txt", "bytes", "size"),
        quick=True,
    )

    def download(c, behaviour):
        from sklearn_sigmoid import datasets

        td = _test_helpers()
        with (
            tempfile.TemporaryDirectory() as tmp,
            _tiny_download(tmp) as content,
            _loopback_server() as server,
        ):
            home = Path(tmp) / "cache"
            patches = {}
            if behaviour == "ok":
                answer = content
            elif behaviour == "slow":
                patches = {"_DOWNLOAD_DEADLINE": 0.5, "_DOWNLOAD_TIMEOUT": 5}

                def answer(handler):
                    td.send_zip_headers(handler, len(content))
                    handler.wfile.flush()
                    for i in range(len(content)):
                        handler.wfile.write(content[i : i + 1])
                        handler.wfile.flush()
                        time.sleep(0.02)
            elif behaviour == "silent":
                patches = {"_DOWNLOAD_TIMEOUT": 0.3}

                def answer(handler):
                    time.sleep(3)
            elif behaviour == "cut":

                def answer(handler):
                    td.send_zip_headers(handler, len(content))
                    handler.wfile.write(content[: len(content) // 2])
                    handler.wfile.flush()
                    handler.connection.close()
            elif behaviour in ("oversized", "endless"):

                def answer(handler):
                    td.send_zip_headers(
                        handler, 50 << 20 if behaviour == "oversized" else None
                    )
                    for _ in range(800):
                        handler.wfile.write(b"\0" * (1 << 16))
            elif behaviour == "behind a non-zip":
                answer = content
                home.mkdir()
                (home / "movie_reviews.zip").write_bytes(b"<html>404</html>")
            elif behaviour == "stale":
                answer = content
                dead = home / ".movie_reviews-download-k1ll3d"
                dead.mkdir(parents=True)
                (dead / "movie_reviews.zip").write_bytes(content[:100])
            url = server.serve("/mr.zip", answer)
            with _patched(datasets, MOVIE_REVIEWS_URL=url, **patches):
                bunch = datasets.load_movie_reviews(home, download_if_missing=True)
            left = sorted(
                set(os.listdir(home)) - {"movie_reviews.zip"}
                if behaviour == "behind a non-zip"
                else os.listdir(home)
            )
        if left != ["movie_reviews"]:
            raise SilentWrong(f"the data home holds {left} after the download")
        if behaviour not in ("ok", "stale", "behind a non-zip"):
            raise SilentWrong(f"a {behaviour} download was accepted")
        return _loader_result(bunch)

    add(
        "download from a good loopback server",
        lambda c: download(c, "ok"),
        source=src,
        kinds=kinds,
        expect="succeed",
        quick=True,
    )
    add(
        "#7 download from a 1 byte/50 ms server (deadline 0.5 s)",
        lambda c: download(c, "slow"),
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("within",),
        quick=True,
    )
    add(
        "download from a server that never answers (timeout 0.3 s)",
        lambda c: download(c, "silent"),
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("timed out",),
    )
    add(
        "#14 download cut mid-way",
        lambda c: download(c, "cut"),
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("incomplete", "interrupted"),
        quick=True,
    )
    add(
        "#7 download announcing 50 MB",
        lambda c: download(c, "oversized"),
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("more than",),
        quick=True,
    )
    add(
        "#7 download without a size, endless",
        lambda c: download(c, "endless"),
        source=src,
        kinds=kinds,
        expect="error",
        keywords=("more than",),
    )
    add(
        "#12 non-zip movie_reviews.zip does not block the download",
        lambda c: download(c, "behind a non-zip"),
        source=src,
        kinds=kinds,
        expect="succeed",
    )
    add(
        "#13 stale download folder is removed",
        lambda c: download(c, "stale"),
        source=src,
        kinds=kinds,
        expect="succeed",
    )

    def concurrent_downloads(c):
        from sklearn_sigmoid import datasets

        td = _test_helpers()
        with (
            tempfile.TemporaryDirectory() as tmp,
            _tiny_download(tmp) as content,
            _loopback_server() as server,
        ):

            def slow(handler):
                time.sleep(0.5)
                td.send_zip_headers(handler, len(content))
                handler.wfile.write(content)

            url = server.serve("/movie_reviews.zip", slow)
            home, flags = Path(tmp) / "cache", [Path(tmp) / "r0", Path(tmp) / "r1"]
            env = {k: v for k, v in os.environ.items() if k != "SKLEARN_SIGMOID_DATA"}
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        td._CONCURRENT_LOADER,
                        url,
                        datasets.MOVIE_REVIEWS_SHA256,
                        str(len(content)),
                        str(home),
                        str(flags[i]),
                        str(flags[1 - i]),
                    ],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for i in range(2)
            ]
            try:
                outs = [p.communicate(timeout=60) for p in procs]
            finally:
                for p in procs:
                    p.kill()
            for p, (out, err) in zip(procs, outs):
                if p.returncode != 0:
                    raise Unclear(err.strip().splitlines()[-1])
            if server.requests != ["/movie_reviews.zip"]:
                raise SilentWrong(f"requests: {server.requests}")
        return {"outputs": [o for o, _ in outs]}

    add(
        "#6 two processes download into one data home",
        concurrent_downloads,
        source=src,
        kinds=kinds,
        expect="succeed",
        timeout=120,
    )

    def threads(c, reps=20):
        from sklearn.datasets import make_classification
        from threadpoolctl import threadpool_info, threadpool_limits

        from sklearn_sigmoid import GDLogisticRegression

        X, y = make_classification(n_samples=300, n_features=8, random_state=0)
        if not any(i["user_api"] == "blas" for i in threadpool_info()):
            raise NotApplicable("no BLAS found by threadpoolctl")

        def blas():
            return [
                i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"
            ]

        leaks, errors = 0, []
        with threadpool_limits(limits=2, user_api="blas"):
            for _ in range(reps):
                barrier = threading.Barrier(2, timeout=20)

                def work():
                    try:
                        barrier.wait()
                        GDLogisticRegression(max_iter=30, tol=None).fit(X, y)
                    except Exception as exc:
                        errors.append(exc)

                ts = [threading.Thread(target=work) for _ in range(2)]
                for t in ts:
                    t.start()
                for t in ts:
                    t.join()
                leaks += blas() != [2] * len(blas())
        if errors:
            raise errors[0]
        if leaks:
            raise SilentWrong(f"BLAS threads not restored after {leaks} of {reps} runs")
        return {"runs": reps}

    add(
        "#5 two concurrent fits in threads (x20), BLAS limit restored",
        threads,
        source=src,
        kinds=kinds,
        expect="succeed",
        quick=True,
    )

    def dask_kill(c):
        try:
            import dask.array as da
            import distributed
            from distributed.scheduler import KilledWorker
        except ImportError:
            raise NotApplicable("dask extra not installed") from None
        import signal

        from sklearn.datasets import make_classification

        from sklearn_sigmoid import DivergenceError, GDLogisticRegression
        from sklearn_sigmoid.dask import fit_distributed

        X, y = make_classification(1200, 20, n_informative=8, random_state=0)
        # distributed sets variables for its workers in this process's
        # environment (OMP_NUM_THREADS, DASK_PARENT, ...); not ours to judge.
        environ = dict(os.environ)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster = distributed.LocalCluster(
                n_workers=2,
                processes=True,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            )
            client = distributed.Client(cluster, timeout="30s")
        try:
            estimator = GDLogisticRegression(learning_rate=0.05, max_iter=400, tol=None)
            memory = GDLogisticRegression(
                learning_rate=0.05, max_iter=400, tol=None
            ).fit(X, y)
            dX, dy = da.from_array(X, chunks=(200, -1)), da.from_array(y, chunks=200)
            pid = next(iter(client.run(os.getpid).values()))
            killer = threading.Timer(1.0, os.kill, (pid, signal.SIGKILL))
            killer.start()
            try:
                model = fit_distributed(estimator, dX, dy, client=client)
                if not np.allclose(model.coef_, memory.coef_, atol=1e-6):
                    raise SilentWrong("killed worker: other coefficients")
                outcome = "recovered"
            except KilledWorker:
                outcome = "reported (KilledWorker)"
            killer.join()
            client.wait_for_workers(2, timeout=60)
            # Item 16: a failed fit leaves nothing on the cluster.
            dXp = dX.persist()
            distributed.wait(dXp)

            def held_keys():
                return sum(len(keys) for keys in client.has_what().values())

            base = held_keys()
            for _ in range(3):
                try:
                    fit_distributed(
                        GDLogisticRegression(learning_rate=1e6, max_iter=50),
                        dXp,
                        dy,
                        client=client,
                    )
                except DivergenceError:
                    pass
            deadline = time.monotonic() + 10
            while True:
                held = held_keys()
                if held <= base or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            if held > base:
                raise SilentWrong(f"failed fits left {held} keys (before: {base})")
        finally:
            client.close(timeout=30)
            cluster.close(timeout=30)
            os.environ.clear()
            os.environ.update(environ)
        return {"worker kill": outcome}

    add(
        "#16 Dask worker killed during fit_distributed; failed fits release",
        dask_kill,
        source=src,
        kinds=kinds,
        expect="succeed",
        timeout=180,
    )


def _register_selftest():
    """Probes that must NOT pass: they check that the battery sees each outcome."""
    add(
        "selftest hang",
        lambda c: time.sleep(600),
        source="selftest",
        kinds=("-",),
        category="selftest",
        timeout=2,
    )
    add(
        "selftest crash",
        lambda c: 1 / 0,
        source="selftest",
        kinds=("-",),
        category="selftest",
    )
    add(
        "selftest unclear ValueError",
        lambda c: np.zeros(3) + np.zeros(4),
        source="selftest",
        kinds=("-",),
        keywords=("X",),
        category="selftest",
    )

    def nan_model(c):
        est = c.fit(make("G", max_iter=2), c.X, c.yb)
        est.coef_[:] = np.nan
        return Fitted(est, c.X)

    add(
        "selftest silent NaN",
        nan_model,
        source="selftest",
        kinds=("-",),
        category="selftest",
    )

    def leak(c):
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")  # never restored
        np.seterr(all="ignore")
        return {}

    add(
        "selftest global state",
        leak,
        source="selftest",
        kinds=("-",),
        category="selftest",
    )
    add(
        "selftest dies",
        lambda c: os._exit(3),
        source="selftest",
        kinds=("-",),
        category="selftest",
    )


_register_issue11()
_register_issue16()
_register_sklearn_style()
_register_faults()
_register_selftest()


# -- running one task (in a worker) ----------------------------------------------------


def run_probe(name, kind):
    """Run one probe for one estimator kind; return its result record."""
    p = PROBES[name]
    rec = {
        "task": "probe",
        "probe": name,
        "kind": kind,
        "source": p.source,
        "category": p.category,
    }
    start = time.perf_counter()
    try:
        c = Ctx(kind if kind != "-" else "G")
    except Exception as exc:
        rec.update(outcome="crash", why=f"setting up: {exc!r}")
        return rec
    before = _global_state()
    out = None
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        try:
            out = p.fn(c)
            if isinstance(out, Fitted):
                judge_fitted(out)
                rec["fitted"] = _describe(out.est)
            elif hasattr(out, "coef_"):
                judge_fitted(Fitted(out, c.X))
            outcome, why = "ok", ""
            if p.expect == "error":
                outcome, why = "silent wrong", "returned where an error was due"
        except NotApplicable as exc:
            rec.update(
                outcome="n/a",
                why=str(exc),
                seconds=round(time.perf_counter() - start, 3),
            )
            return rec
        except Exception as exc:
            outcome, why = classify_exception(exc, p.keywords)
            rec["error"] = f"{type(exc).__name__}: {str(exc)[:400]}"
            if outcome not in ("ok", "clear error"):
                rec["traceback"] = _snippet(exc)
            if p.expect == "succeed" and outcome == "clear error":
                outcome, why = "crash", f"must succeed; raised ({why})"
            if (
                outcome == "silent wrong"
                and _warned_to_scale(records)
                and ("nonsensical" in why or "no-op" in why)
            ):
                outcome, why = "ok", f"{why}, but warned to scale the data"
    counts, runtime = _warning_summary(records)
    after = _global_state()
    diff = _state_diff(before, after)
    if runtime and outcome == "ok":
        outcome, why = "silent wrong", f"RuntimeWarning: {runtime[0][:200]}"
    if diff:
        rec["restart_worker"] = True  # later tasks must not inherit the change
        if outcome in ("ok", "clear error"):
            outcome, why = "silent wrong", "global state changed: " + "; ".join(diff)
    rec.update(
        outcome=outcome,
        why=why,
        warnings=dict(counts),
        seconds=round(time.perf_counter() - start, 3),
    )
    if isinstance(out if outcome == "ok" else None, dict):
        rec["result"] = out
    return rec


def _describe(est):
    info = {"n_iter": getattr(est, "n_iter_", None)}
    if hasattr(est, "stop_reason_"):
        info["stop_reason"] = est.stop_reason_
    return info


# -- random problems -------------------------------------------------------------------


def random_problem(seed):
    """``(kind, params, X, y, sample_weight, description)`` for one seed."""
    from scipy.special import expit

    rng = np.random.RandomState(seed)
    kind = "R" if rng.rand() < 0.25 else "G"
    n = int(np.exp(rng.uniform(np.log(4), np.log(400))))
    p = int(np.exp(rng.uniform(0, np.log(40))))
    X0 = rng.randn(n, p)
    desc = {"n": n, "p": p}
    if kind == "G":
        k = int(rng.choice([2, 2, 2, 3, 4]))
        y = np.argmax(X0 @ rng.randn(p, k) * 2 + rng.randn(n, k), axis=1)
        if len(np.unique(y)) < 2:
            y[: n // 2] = (y[0] + 1) % k
        desc["classes"] = k
    else:
        y = expit(X0 @ rng.randn(p) + 0.3 * rng.randn(n))
        if rng.rand() < 0.3:
            y = 10 ** rng.uniform(-5, 5) * y + rng.uniform(-100, 100)
        if rng.rand() < 0.2:
            y = np.column_stack([y, 1 - y])
    scale_mode = rng.choice(
        ["none", "columns", "rows", "both"], p=[0.2, 0.45, 0.1, 0.25]
    )
    col = np.ones(p)
    row = np.ones(n)
    if scale_mode in ("columns", "both"):
        col = 10 ** rng.uniform(-20, 20, size=p)
    if scale_mode in ("rows", "both"):
        row = 10 ** rng.uniform(-20, 20, size=n)
    if rng.rand() < 0.03:
        col[rng.randint(p)] = 10.0 ** rng.choice([150, -150])
    if rng.rand() < 0.01:
        row[rng.randint(n)] = 1e150
    desc["scales"] = (
        f"{scale_mode}, |log10| <= "
        f"{max(abs(np.log10(col)).max(), abs(np.log10(row)).max()):.0f}"
    )
    with np.errstate(all="ignore"):
        X = X0 * col * row[:, None]
    if rng.rand() < 0.3:
        X[rng.rand(n, p) > rng.uniform(0.05, 0.6)] = 0.0
        X = (sp.csr_matrix if rng.rand() < 0.6 else sp.csc_matrix)(X)
        desc["sparse"] = X.format
    if rng.rand() < 0.3:
        with np.errstate(all="ignore"):
            X = X.astype(np.float32)
        desc["dtype"] = "float32"
    params = {
        "loss": str(rng.choice(["cross_entropy", "mse"])),
        "max_iter": int(rng.choice([50, 200, 1000])),
        "random_state": int(rng.randint(1000)),
    }
    if rng.rand() < 0.4:
        params["learning_rate"] = float(10 ** rng.uniform(-4, 1))
    if rng.rand() < 0.3:
        params["momentum"] = float(rng.uniform(0, 0.95))
    if rng.rand() < 0.3:
        params["batch_size"] = int(rng.randint(1, n + 1))
        # Bound the work: at most ~20,000 mini-batch steps.
        params["max_iter"] = min(
            params["max_iter"], max(1, 20000 * params["batch_size"] // n)
        )
    params["alpha"] = 0.0 if rng.rand() < 0.2 else float(10 ** rng.uniform(-8, 0))
    if rng.rand() < 0.15:
        params["fit_intercept"] = False
    r = rng.rand()
    if r < 0.1:
        params["tol"] = None
    elif r < 0.3:
        params["tol"] = 1e-7
    if rng.rand() < 0.1 and n >= 20:
        params["early_stopping"] = True
    if rng.rand() < 0.1 and ("batch_size" in params or "learning_rate" in params):
        params["average"] = True
    if kind == "G" and rng.rand() < 0.1:
        params["class_weight"] = "balanced"
    sample_weight = None
    if rng.rand() < 0.2:
        sample_weight = (
            rng.exponential(size=n)
            if rng.rand() < 0.5
            else rng.randint(0, 4, size=n).astype(float)
        )
        desc["sample_weight"] = True
    return kind, params, X, y, sample_weight, desc


_RANDOM_KEYWORDS = (
    "scal",
    "overflow",
    "weight",
    "class",
    "validation",
    "target",
    "finite",
    "infinity",
    "too small",
    "learning_rate",
    "diverg",
    "sample",
)


def run_random(seed):
    kind, params, X, y, sw, desc = random_problem(seed)
    rec = {
        "task": "random",
        "seed": seed,
        "kind": kind,
        "params": params,
        "problem": desc,
        "category": "random",
    }
    start = time.perf_counter()
    before = _global_state()
    est = make(kind, **params)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        try:
            est.fit(X, y, sample_weight=sw)
            judge_fitted(Fitted(est, X, allow_zero=True))
            coef = np.asarray(est.coef_)
            # Rows of weight 0 do not count: zero can be the optimum without them.
            counted = X if sw is None else X[np.flatnonzero(sw > 0)]
            nonzero = (
                counted.nnz if sp.issparse(counted) else np.count_nonzero(counted)
            ) > 0
            if nonzero and not np.any(coef) and not records and est.n_iter_ > 0:
                raise SilentWrong("coef_ exactly zero after a fit that warned nothing")
            outcome, why = "ok", ""
            rec["n_iter"] = int(est.n_iter_)
            if kind == "G":
                rec["accuracy"] = round(float(est.score(X, y)), 4)
        except Exception as exc:
            outcome, why = classify_exception(exc, _RANDOM_KEYWORDS)
            rec["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
            if outcome != "clear error":
                rec["traceback"] = _snippet(exc)
    counts, runtime = _warning_summary(records)
    diff = _state_diff(before, _global_state())
    if runtime and outcome == "ok":
        outcome, why = "silent wrong", f"RuntimeWarning: {runtime[0][:200]}"
    if diff:
        rec["restart_worker"] = True
    if diff and outcome in ("ok", "clear error"):
        outcome, why = "silent wrong", "global state changed: " + "; ".join(diff)
    rec.update(
        outcome=outcome,
        why=why,
        warnings=dict(counts),
        convergence_warning="ConvergenceWarning" in counts,
        seconds=round(time.perf_counter() - start, 3),
    )
    return rec


def run_task(task):
    if task[0] == "probe":
        return run_probe(task[1], task[2])
    return run_random(task[1])


# -- the worker pool: one process per worker, killed at its time limit -----------------


def _worker_main(conn):
    # Imports first, then "ready": start-up time is not counted against a task.
    import sklearn.datasets  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    import threadpoolctl  # noqa: F401

    import sklearn_sigmoid  # noqa: F401

    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            result = run_task(task)
        except BaseException as exc:
            result = {
                "outcome": "crash",
                "why": f"harness: {exc!r}",
                "traceback": _snippet(exc),
            }
        conn.send(result)


class _Worker:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        # Not a daemon: a probe may start processes (a Dask cluster).
        self.process = ctx.Process(target=_worker_main, args=(child,), daemon=False)
        self.process.start()
        child.close()
        self.task = self.deadline = None
        self.ready = False

    def kill(self):
        with contextlib.suppress(Exception):
            _kill_tree(self.process.pid)
        self.process.join(5)
        self.conn.close()


def _kill_tree(pid):
    """Kill a worker and any process it started (a Dask cluster, a loader)."""
    import signal

    try:
        import psutil

        children = psutil.Process(pid).children(recursive=True)
    except Exception:
        children = []
    for proc in [*children]:
        with contextlib.suppress(Exception):
            proc.kill()
    os.kill(pid, signal.SIGKILL)


def _describe_task(task):
    if task[0] == "probe":
        p = PROBES[task[1]]
        return {
            "task": "probe",
            "probe": task[1],
            "kind": task[2],
            "source": p.source,
            "category": p.category,
        }
    return {"task": "random", "seed": task[1], "category": "random"}


def run_tasks(tasks, *, workers=2, timeout=30.0, progress=None):
    """Run ``tasks`` in ``workers`` processes, each under its time limit.

    A task over its limit is recorded as a hang and its worker killed and
    replaced; a worker that dies is recorded as a crash.
    """
    ctx = multiprocessing.get_context("spawn")
    pending = deque(tasks)
    pool = [_Worker(ctx) for _ in range(min(workers, len(tasks)) or 1)]
    results = []
    try:
        while pending or any(w.task for w in pool if w):
            # A killed worker is replaced only while tasks remain (None: gone).
            pool = [w for w in pool if w is not None]
            for w in pool:
                if not w.ready and w.conn.poll():
                    w.ready = w.conn.recv() == "ready"
                if w.task is None and pending and w.ready:
                    w.task = pending.popleft()
                    limit = timeout
                    if w.task[0] == "probe" and PROBES[w.task[1]].timeout:
                        limit = PROBES[w.task[1]].timeout  # the probe's own
                    w.deadline = time.monotonic() + limit
                    w.limit = limit
                    w.conn.send(w.task)
            busy = [w for w in pool if w.task]
            starting = [w for w in pool if not w.ready]
            if not busy and not starting:
                continue
            wait_for = (
                max(0.0, min(w.deadline for w in busy) - time.monotonic())
                if busy
                else 120.0
            )
            wait(
                [w.conn for w in busy + starting]
                + [w.process.sentinel for w in busy + starting],
                timeout=wait_for,
            )
            for i, w in enumerate(pool):
                if not w.ready and not w.process.is_alive():
                    raise RuntimeError(
                        f"a worker died while starting (exit code {w.process.exitcode})"
                    )
            for i, w in enumerate(pool):
                if w.task is None:
                    continue
                record = None
                if w.conn.poll():
                    try:
                        record = w.conn.recv()
                    except (EOFError, OSError):
                        record = None
                    else:
                        record = {**_describe_task(w.task), **record}
                        w.task = None
                        if record.pop("restart_worker", False):
                            w.conn.send(None)
                            w.process.join(5)
                            w.kill()
                            pool[i] = _Worker(ctx) if pending else None
                        results.append(record)
                        if progress:
                            progress(record)
                        continue
                if not w.process.is_alive():
                    record = {
                        **_describe_task(w.task),
                        "outcome": "crash",
                        "why": f"worker died (exit code {w.process.exitcode})",
                    }
                elif time.monotonic() >= w.deadline:
                    record = {
                        **_describe_task(w.task),
                        "outcome": "hang",
                        "why": f"no result within {w.limit:g} s; worker killed",
                    }
                if record is not None:
                    w.kill()
                    pool[i] = _Worker(ctx) if pending else None
                    results.append(record)
                    if progress:
                        progress(record)
    finally:
        pool = [w for w in pool if w is not None]
        for w in pool:
            with contextlib.suppress(Exception):
                w.conn.send(None)
        for w in pool:
            w.process.join(5)
            if w.process.is_alive():
                w.kill()
    return results


# -- selection, summary and the command line -------------------------------------------


def probe_tasks(
    *, quick=False, categories=("deterministic", "faults"), names=None, kinds=None
):
    tasks = []
    for p in PROBES.values():
        if p.category not in categories:
            continue
        if names is not None and p.name not in names:
            continue
        if quick and not p.quick:
            continue
        for kind in p.kinds:
            if kinds is None or kind in kinds or kind == "-":
                tasks.append(("probe", p.name, kind))
    return tasks


def _group(record):
    if record["category"] == "deterministic":
        ours = record["kind"] in OURS
        return f"probes, {'ours' if ours else 'LR/SGD (comparison)'}"
    return {
        "faults": "faults injected",
        "random": "random fits",
        "selftest": "selftest",
    }[record["category"]]


def summarise(results):
    table = {}
    for r in results:
        if r["outcome"] == "n/a":
            continue
        row = table.setdefault(_group(r), Counter())
        row["tried"] += 1
        row[r["outcome"]] += 1
        if r.get("convergence_warning") or "ConvergenceWarning" in r.get(
            "warnings", {}
        ):
            row["ConvergenceWarning"] += 1
    return table


def format_table(table, wall):
    head = ["category", "tried", *OUTCOMES, "(ConvergenceWarning)"]
    rows = [head]
    order = [
        "probes, ours",
        "probes, LR/SGD (comparison)",
        "faults injected",
        "random fits",
        "selftest",
    ]
    for name in order:
        if name in table:
            c = table[name]
            rows.append(
                [name, c["tried"], *(c[o] for o in OUTCOMES), c["ConvergenceWarning"]]
            )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
    lines = [
        " | ".join(
            str(v).ljust(w) if i == 0 else str(v).rjust(w)
            for i, (v, w) in enumerate(zip(r, widths))
        )
        for r in rows
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"total wall time: {wall:.1f} s")
    return "\n".join(lines)


def _label(r):
    if r["task"] == "probe":
        return f"[{NAMES[r['kind']] or 'loader/system'}] {r['probe']}"
    return f"[random seed {r['seed']}] {r.get('kind', '')} {r.get('params', '')}"


def main(argv=None):
    # The loader faults build their own data homes: a corpus found through
    # the environment would mask what they test (the workers inherit this).
    os.environ.pop("SKLEARN_SIGMOID_DATA", None)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="the quick probes and 100 random fits"
    )
    parser.add_argument(
        "--random",
        type=int,
        default=None,
        help="number of random fits (default 2700, quick 100)",
    )
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds per probe or fit before it counts as a hang",
    )
    parser.add_argument(
        "--no-comparison",
        action="store_true",
        help="run the probes on our estimators only",
    )
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="also run probes that must fail (checks the battery)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        action="append",
        help="run only this random problem (repeatable), in-process",
    )
    parser.add_argument(
        "--probe", action="append", help="run only this probe (repeatable)"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.seed:
        for seed in args.seed:
            print(json.dumps(run_random(seed), indent=2, default=str))
        return 0

    categories = ["deterministic"]
    if not args.no_faults:
        categories.append("faults")
    if args.selftest:
        categories.append("selftest")
    tasks = probe_tasks(
        quick=args.quick and not args.probe,
        categories=categories,
        names=set(args.probe) if args.probe else None,
        kinds=OURS if args.no_comparison else None,
    )
    n_random = (
        0
        if args.probe
        else (args.random if args.random is not None else (100 if args.quick else 2700))
    )
    tasks += [("random", s) for s in range(args.first_seed, args.first_seed + n_random)]
    print(
        f"{len(tasks)} tasks ({len(tasks) - n_random} probe runs, {n_random} random "
        f"fits) on {args.workers} worker processes, {args.timeout:g} s each",
        flush=True,
    )

    done = [0]

    def progress(record):
        done[0] += 1
        if record["outcome"] not in ("ok", "clear error", "n/a"):
            print(
                f"  {record['outcome'].upper()}: {_label(record)}: "
                f"{record.get('why', '')}",
                flush=True,
            )
        if done[0] % 250 == 0:
            print(f"  ... {done[0]}/{len(tasks)}", flush=True)

    start = time.monotonic()
    results = run_tasks(
        tasks, workers=args.workers, timeout=args.timeout, progress=progress
    )
    wall = time.monotonic() - start
    table = summarise(results)
    print()
    print(format_table(table, wall))
    ours = [
        r for r in results if r["category"] == "deterministic" and r["kind"] in OURS
    ]
    if ours:
        by_source = {}
        for r in ours:
            if r["outcome"] != "n/a":
                row = by_source.setdefault(r["source"], Counter())
                row["tried"] += 1
                row[r["outcome"]] += 1
        print("\nprobes on our estimators, by source:")
        for source, row in by_source.items():
            print(
                f"  {source:8} {row['tried']:4} tried: "
                + ", ".join(f"{row[o]} {o}" for o in OUTCOMES if row[o])
            )
    bad = [r for r in results if r["outcome"] not in ("ok", "clear error", "n/a")]
    compared = [r for r in bad if r["task"] == "probe" and r["kind"] in ("LR", "SGD")]
    bugs = [r for r in bad if r not in compared and r["category"] != "selftest"]
    if compared:
        print(
            f"\n{len(compared)} comparison probe(s) on LogisticRegression / "
            f"SGDClassifier neither ok nor a clear error (for reference):"
        )
        for r in compared:
            print(f"- {r['outcome']}: {_label(r)}: {r.get('why', '')[:160]}")
    print(f"\n{len(bugs)} bug(s) (neither ok nor a clear error)")
    for r in bugs:
        print(f"- {r['outcome']}: {_label(r)}\n    {r.get('why', '')}")
        if r.get("error"):
            print(f"    {r['error'][:300]}")
    failing_seeds = sorted(r["seed"] for r in bugs if r["task"] == "random")
    if failing_seeds:
        print(f"failing seeds (rerun with --seed N): {failing_seeds}")

    out = args.out or RESULTS / time.strftime("hostile_battery-%Y%m%dT%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "argv": sys.argv[1:] if argv is None else argv,
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                },
                "wall_seconds": round(wall, 1),
                "summary": {k: dict(v) for k, v in table.items()},
                "probes_ours_by_source": {k: dict(v) for k, v in by_source.items()}
                if ours
                else {},
                "failing_seeds": failing_seeds,
                "results": results,
            },
            indent=1,
            default=str,
        )
    )
    print(f"results: {out}")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
