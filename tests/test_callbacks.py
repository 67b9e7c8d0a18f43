"""scikit-learn's callback API in fit (scikit-learn >= 1.9)."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor

callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")


class Recorder:
    """A FitCallback recording every hook; asks to stop at ``stop_at``."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.events = []

    def setup(self, estimator, context):
        self.events.append(("setup", context.max_subtasks))

    def on_fit_task_begin(self, estimator, context):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(
        self, estimator, context, *, metadata=None, fitted_estimator=None
    ):
        self.events.append(("end", context.task_name))
        if context.task_name == "epoch":
            self.objectives.append(metadata["objective"])
            self.coefs.append(fitted_estimator.coef_.copy())
            return self.stop_at is not None and len(self.objectives) >= self.stop_at
        return False

    def teardown(self, estimator, context):
        self.events.append(("teardown", None))

    objectives = None
    coefs = None


@pytest.fixture
def data():
    return make_classification(n_samples=120, n_features=4, random_state=0)


def _recorder(**kwargs):
    rec = Recorder(**kwargs)
    rec.objectives, rec.coefs = [], []
    return rec


@pytest.mark.parametrize("Est", [GDLogisticRegression, SigmoidNeuronRegressor])
def test_callbacks_see_every_epoch(Est, data):
    X, y = data
    rec = _recorder()
    est = Est(max_iter=30, tol=None).set_callbacks(rec).fit(X, y)
    assert rec.events[0] == ("setup", 30) and rec.events[-1] == ("teardown", None)
    assert rec.events.count(("begin", "epoch")) == est.n_iter_ == 30
    assert rec.objectives == est.loss_curve_
    np.testing.assert_allclose(rec.coefs[-1], est.coef_)


def test_a_callback_stops_the_fit(data):
    X, y = data
    rec = _recorder(stop_at=5)
    est = GDLogisticRegression(max_iter=100, tol=None).set_callbacks(rec).fit(X, y)
    assert est.n_iter_ == 5 and est.stop_reason_ == "callback"


def test_no_callback_no_overhead_and_teardown_on_failure(data):
    X, y = data
    est = GDLogisticRegression(max_iter=5, tol=None).fit(X, y)
    assert not hasattr(est, "_skl_callbacks")
    rec = _recorder()
    with pytest.raises(ValueError):
        GDLogisticRegression().set_callbacks(rec).fit(X, np.full(len(y), np.nan))
    # The data were rejected before any callback was set up.
    assert rec.events == []


def test_progress_bar(data):
    pytest.importorskip("rich")
    X, y = data
    GDLogisticRegression(max_iter=10, tol=None).set_callbacks(
        callback.ProgressBar()
    ).fit(X, y)


def test_teardown_runs_when_fit_diverges(data):
    from sklearn_sigmoid import DivergenceError

    X, y = data
    rec = _recorder()
    est = GDLogisticRegression(learning_rate=1e6, max_iter=50, tol=None)
    with pytest.raises(DivergenceError):
        est.set_callbacks(rec).fit(100 * X, y)
    assert rec.events[0][0] == "setup" and rec.events[-1] == ("teardown", None)
