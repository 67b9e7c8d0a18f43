"""Fits leave the process's BLAS thread setting as they found it.

A fit limits BLAS to one thread (by default) while it runs.  The limit is
process-wide, so fits in several threads at once must share it and restore
the caller's setting only when the last one ends; ``set_config`` /
``config_context`` let users keep their own setting.
"""

import re
import threading

import numpy as np
import pytest
from sklearn.datasets import make_classification
from threadpoolctl import threadpool_info, threadpool_limits

from sklearn_sigmoid import (
    GDLogisticRegression,
    SigmoidNeuronRegressor,
    _base,
    _config,
    _optim,
    config_context,
    get_config,
    set_config,
)

pytestmark = pytest.mark.skipif(
    not any(i["user_api"] == "blas" for i in threadpool_info()),
    reason="threadpoolctl finds no BLAS library in this process",
)

TIMEOUT = 20  # seconds; a broken barrier fails the test instead of hanging it


def _blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=200, n_features=8, random_state=0)


@pytest.fixture
def inside(monkeypatch):
    """Record the BLAS threads seen inside each fit, and run a hook there.

    ``inside.hook(name)`` runs in the fit's thread (named ``name``) after the
    update rule is made and before the epochs; ``inside.seen[name]`` lists
    the BLAS threads at those two points.
    """

    class Inside:
        hook = staticmethod(lambda name: None)
        seen = {}

    real_make_stepper = _base.make_stepper
    real_run_epochs = _base.run_epochs

    def make_stepper(*args, **kwargs):
        Inside.seen.setdefault(threading.current_thread().name, []).append(
            _blas_threads()
        )
        return real_make_stepper(*args, **kwargs)

    def run_epochs(*args, **kwargs):
        name = threading.current_thread().name
        Inside.hook(name)
        result = real_run_epochs(*args, **kwargs)
        Inside.seen[name].append(_blas_threads())
        return result

    monkeypatch.setattr(_base, "make_stepper", make_stepper)
    monkeypatch.setattr(_base, "run_epochs", run_epochs)
    return Inside


def _run_in_threads(targets):
    """Run each ``name: function`` in a thread of that name; re-raise errors."""
    errors = {}

    def run(name, target):
        try:
            target()
        except BaseException as exc:  # reported below, in the test's thread
            errors[name] = exc

    threads = [
        threading.Thread(target=run, args=(name, target), name=name)
        for name, target in targets.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a fit hung"
    return errors


def _overlapping_fits(inside, first_fit, second_fit):
    """Run two fits in threads 'first' and 'second', overlapping, 'first' ending first.

    Both enter their limit before either starts its epochs; 'second' then
    waits until 'first' has returned (or raised).  Saving and restoring per
    fit would let 'first' restore the caller's setting under 'second', and
    'second' then restore the one thread it found.
    """
    both_in = threading.Barrier(2, timeout=TIMEOUT)
    first_done = threading.Event()

    def hook(name):
        both_in.wait()
        if name == "second":
            assert first_done.wait(TIMEOUT)

    def first():
        try:
            first_fit()
        finally:
            first_done.set()

    inside.hook = hook
    inside.seen.clear()
    return _run_in_threads({"first": first, "second": second_fit})


def test_overlapping_fits_share_the_limit_and_restore_it(data, inside):
    X, y = data
    before = _blas_threads()
    for _ in range(20):
        errors = _overlapping_fits(
            inside,
            lambda: GDLogisticRegression(max_iter=3, tol=None).fit(X, y),
            lambda: SigmoidNeuronRegressor(max_iter=3, tol=None).fit(
                X, y.astype(float)
            ),
        )
        assert errors == {}
        assert _blas_threads() == before
        # One thread all along in both fits, also after 'first' ended.
        for name in ("first", "second"):
            assert inside.seen[name] == [[1] * len(before)] * 2, name
    assert _optim._blas_users == 0


def test_fit_raising_restores_the_limit(data, inside, monkeypatch):
    X, y = data
    before = _blas_threads()
    real_run_epochs = _base.run_epochs

    def run_epochs(*args, **kwargs):
        name = threading.current_thread().name
        if name == "second":
            return real_run_epochs(*args, **kwargs)  # records, calls the hook
        inside.hook(name)
        raise RuntimeError("a fit failing mid-way")

    monkeypatch.setattr(_base, "run_epochs", run_epochs)
    # Alone.
    with pytest.raises(RuntimeError, match="failing mid-way"):
        GDLogisticRegression(max_iter=3).fit(X, y)
    assert _blas_threads() == before
    assert _optim._blas_users == 0
    # Overlapping: the failing fit ends first; the other keeps one thread.
    errors = _overlapping_fits(
        inside,
        lambda: GDLogisticRegression(max_iter=3, tol=None).fit(X, y),
        lambda: GDLogisticRegression(max_iter=3, tol=None).fit(X, y),
    )
    assert list(errors) == ["first"] and "failing mid-way" in str(errors["first"])
    assert inside.seen["second"] == [[1] * len(before)] * 2
    assert _blas_threads() == before
    assert _optim._blas_users == 0


@pytest.fixture
def restore_config():
    saved = dict(_config._global_config)
    yield
    _config._global_config.update(saved)


def test_users_keep_their_own_setting(data, inside, restore_config):
    X, y = data
    assert get_config() == {"blas_threads": 1}
    with threadpool_limits(limits=2, user_api="blas"):
        GDLogisticRegression(max_iter=2, tol=None).fit(X, y)
        with config_context(blas_threads="keep"):
            assert get_config()["blas_threads"] == "keep"
            GDLogisticRegression(max_iter=2, tol=None).fit(X, y)
        with config_context(blas_threads=3):
            GDLogisticRegression(max_iter=2, tol=None).fit(X, y)
        assert _blas_threads() == [2] * len(_blas_threads())
    name = threading.current_thread().name
    n = len(_blas_threads())
    assert inside.seen[name] == [[1] * n] * 2 + [[2] * n] * 2 + [[3] * n] * 2

    # set_config is process-wide: a fit in another thread sees it too.
    inside.seen.clear()
    set_config(blas_threads="keep")
    with threadpool_limits(limits=2, user_api="blas"):
        errors = _run_in_threads(
            {"other": lambda: GDLogisticRegression(max_iter=2, tol=None).fit(X, y)}
        )
    assert errors == {}
    assert inside.seen["other"] == [[2] * n] * 2
    set_config(blas_threads=None)  # None changes nothing
    assert get_config()["blas_threads"] == "keep"


def test_config_context_is_per_thread_and_nests():
    seen = {}
    with config_context(blas_threads=2):
        errors = _run_in_threads(
            {"other": lambda: seen.setdefault("other", get_config()["blas_threads"])}
        )
        with config_context(blas_threads="keep"):
            with config_context(blas_threads=2):
                assert get_config()["blas_threads"] == 2
            assert get_config()["blas_threads"] == "keep"
        assert get_config()["blas_threads"] == 2
    assert errors == {} and seen == {"other": 1}
    assert get_config()["blas_threads"] == 1


INVALID = "blas_threads must be a positive integer or 'keep'"


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "one", "KEEP", np.nan])
def test_invalid_blas_threads(value, restore_config):
    with pytest.raises(ValueError, match=INVALID):
        set_config(blas_threads=value)
    with pytest.raises(ValueError, match=INVALID):
        with config_context(blas_threads=value):
            pass  # pragma: no cover
    assert get_config()["blas_threads"] == 1


@pytest.mark.parametrize(
    "text, expected", [("", 1), ("4", 4), (" keep ", "keep"), ("Keep", "keep")]
)
def test_blas_threads_from_the_environment(monkeypatch, text, expected):
    monkeypatch.setenv(_config.BLAS_THREADS_ENV, text)
    assert _config._blas_threads_from_environ() == expected


@pytest.mark.parametrize("text", ["0", "-2", "many", "1.5"])
def test_bad_blas_threads_in_the_environment(monkeypatch, text):
    monkeypatch.setenv(_config.BLAS_THREADS_ENV, text)
    message = rf"{_config.BLAS_THREADS_ENV}.*{re.escape(text)}"
    with pytest.raises(ValueError, match=message):
        _config._blas_threads_from_environ()


def test_no_limit_is_set_where_blas_already_runs_that_many(data, monkeypatch):
    # Setting and restoring a limit costs 20 us a fit; a worker whose BLAS
    # already runs one thread needs neither.
    X, y = data
    controller = _optim._threadpool_controller()
    calls = []
    real = controller.limit
    monkeypatch.setattr(
        controller, "limit", lambda **kw: calls.append(kw) or real(**kw)
    )
    n = len(_blas_threads())
    with threadpool_limits(limits=1, user_api="blas"):
        GDLogisticRegression(max_iter=2, tol=None).fit(X, y)
        assert _blas_threads() == [1] * n
    assert calls == []
    with threadpool_limits(limits=2, user_api="blas"):
        GDLogisticRegression(max_iter=2, tol=None).fit(X, y)
        assert _blas_threads() == [2] * n
    assert calls == [{"limits": 1, "user_api": "blas"}]
    assert _optim._blas_users == 0 and _optim._blas_limiter is None
