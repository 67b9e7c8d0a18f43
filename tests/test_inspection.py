"""Tests of sklearn_sigmoid.inspection: the displays draw the package's data.

Every test that draws needs matplotlib (the ``plot`` extra) and is skipped
without it; the test of the ImportError message runs either way.
"""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler

from sklearn_sigmoid import (
    DivergenceError,
    GDLogisticRegression,
    SigmoidNeuronRegressor,
)
from sklearn_sigmoid.features import make_sentiment_pipeline
from sklearn_sigmoid.inspection import (
    LearningRateSweepDisplay,
    LossCurveDisplay,
    LossSurfaceDisplay,
    TopKeywordsDisplay,
)

# The lecture's toy problem: two points, one input.
LECTURE_X = np.array([[0.5], [2.5]])
LECTURE_Y = np.array([0.2, 0.9])


@pytest.fixture
def plt():
    """pyplot on the Agg backend; every figure is closed afterwards."""
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    from matplotlib import pyplot

    yield pyplot
    pyplot.close("all")


@pytest.fixture(scope="module")
def binary():
    return make_classification(
        n_samples=200, n_features=5, n_informative=3, random_state=0
    )


def packed(est):
    return np.column_stack([np.atleast_2d(est.coef_), np.atleast_1d(est.intercept_)])


# -- optional dependency -------------------------------------------------------


def test_import_and_error_message_without_matplotlib():
    # Runs in a fresh interpreter where importing matplotlib fails.
    code = textwrap.dedent(
        """
        import sys
        sys.modules["matplotlib"] = None  # any import of it now fails
        import numpy as np
        import sklearn_sigmoid
        import sklearn_sigmoid.inspection as insp
        from sklearn_sigmoid import GDLogisticRegression

        X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
        clf = GDLogisticRegression(max_iter=5, tol=None).fit(X, y)
        calls = [
            lambda: insp.LossCurveDisplay.from_estimator(clf),
            lambda: insp.LossCurveDisplay([[1.0, 0.5]]).plot(),
            lambda: insp.LearningRateSweepDisplay.from_estimator(
                clf, X, y, learning_rates=[1.0]),
            lambda: insp.LossSurfaceDisplay.from_estimator(clf, X, y),
            lambda: insp.TopKeywordsDisplay.from_estimator(clf),
        ]
        for call in calls:
            try:
                call()
            except ImportError as exc:
                print("ERROR:", exc)
            else:
                print("NO ERROR")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    for line in lines:
        assert line.startswith("ERROR:")
        assert "sklearn-sigmoid[plot]" in line and "matplotlib" in line


def test_importing_the_module_does_not_import_matplotlib():
    code = (
        "import sys, sklearn_sigmoid, sklearn_sigmoid.inspection; "
        "print('matplotlib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# -- loss curves ---------------------------------------------------------------


def test_loss_curves_draw_loss_curve_and_validation_scores(plt, binary):
    X, y = binary
    plain = GDLogisticRegression(loss="mse", learning_rate=1.0, max_iter=40, tol=None)
    stopped = GDLogisticRegression(
        learning_rate=1.0, max_iter=30, tol=None, early_stopping=True, random_state=0
    )
    models = [plain.fit(X, y), stopped.fit(X, y)]
    disp = LossCurveDisplay.from_estimator(models, log_scale=True)

    assert len(disp.lines_) == 2
    for line, model in zip(disp.lines_, models):
        assert_array_equal(line.get_ydata(), model.loss_curve_)
        assert_array_equal(line.get_xdata(), np.arange(1, model.n_iter_ + 1))
    assert disp.validation_lines_[0] is None
    assert_array_equal(
        disp.validation_lines_[1].get_ydata(), stopped.validation_scores_
    )
    assert disp.validation_ax_ is not None and disp.validation_ax_ is not disp.ax_
    assert disp.ax_.get_yscale() == "log"
    assert disp.figure_ is disp.ax_.figure
    # Default labels tell the two apart by what differs between them.
    labels = [line.get_label() for line in disp.lines_]
    assert labels[0].startswith("GDLogisticRegression(loss='mse'")
    assert "early_stopping=True" in labels[1] and "loss='cross_entropy'" in labels[1]


def test_loss_curves_twin_axis_pipeline_names_and_errors(plt, binary):
    X, y = binary
    pipe = make_pipeline(
        MaxAbsScaler(),
        GDLogisticRegression(
            max_iter=20, tol=None, early_stopping=True, random_state=0
        ),
    ).fit(X, y)
    _, ax = plt.subplots()
    disp = LossCurveDisplay.from_estimator(
        pipe, names=["mine"], validation="twin", ax=ax
    )
    assert disp.ax_ is ax and disp.lines_[0].get_label() == "mine"
    assert_array_equal(disp.lines_[0].get_ydata(), pipe[-1].loss_curve_)
    assert disp.validation_ax_.get_shared_x_axes().joined(ax, disp.validation_ax_)
    assert disp.ax_.get_yscale() == "linear"
    disp = LossCurveDisplay.from_estimator(pipe, validation=False)
    assert disp.validation_ax_ is None and disp.validation_lines_ == [None]
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(GDLogisticRegression())
    with pytest.raises(ValueError, match="must match"):
        LossCurveDisplay([[1.0]], names=["a", "b"])


# -- learning-rate sweep -------------------------------------------------------


def test_sweep_one_curve_per_rate_and_marks_divergence(plt):
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    # alpha=0: here the cross-entropy grows slowly at a too large step, and
    # the package's fit raises only after tens of epochs.
    model = GDLogisticRegression(alpha=0, max_iter=60, tol=None)
    rates = [0.1, 3.0, 300.0]
    disp = LearningRateSweepDisplay.from_estimator(model, X, y, learning_rates=rates)

    assert len(disp.lines_) == len(rates) == len(disp.diverged_markers_)
    assert disp.diverged_at[:2] == [None, None]
    for line, rate in zip(disp.lines_[:2], rates[:2]):
        once = clone(model).set_params(learning_rate=rate).fit(X, y)
        assert_array_equal(line.get_ydata(), once.loss_curve_)
        assert disp.diverged_markers_[rates.index(rate)] is None

    epoch = disp.diverged_at[2]
    assert epoch is not None and 10 < epoch <= 60
    diverging = clone(model).set_params(learning_rate=300.0)
    with pytest.raises(DivergenceError):
        clone(diverging).fit(X, y)
    with pytest.raises(DivergenceError):
        clone(diverging).set_params(max_iter=epoch).fit(X, y)
    before = clone(diverging).set_params(max_iter=epoch - 1).fit(X, y)
    # The curve runs up to the last epoch before the fit stopped ...
    assert_array_equal(disp.lines_[2].get_ydata(), before.loss_curve_)
    assert_array_equal(disp.lines_[2].get_xdata(), np.arange(1, epoch))
    # ... and the marker sits at the epoch where it stopped.
    assert_array_equal(disp.diverged_markers_[2].get_xdata(), [epoch])
    assert f"diverged at epoch {epoch}" in disp.lines_[2].get_label()
    assert disp.estimators_[2].n_iter_ == epoch - 1


def test_sweep_lecture_start_pipeline_and_first_epoch_divergence(plt):
    neuron = SigmoidNeuronRegressor(
        loss="cross_entropy", alpha=0, max_iter=50, tol=None
    )
    start = {"coef_init": [0.0], "intercept_init": -8.0}
    disp = LearningRateSweepDisplay.from_estimator(
        neuron,
        LECTURE_X,
        LECTURE_Y,
        learning_rates=[2.0, "auto", 1000.0],
        fit_params=start,
        log_scale=True,
    )
    once = clone(neuron).set_params(learning_rate=2.0)
    once.fit(LECTURE_X, LECTURE_Y, **start)
    assert_array_equal(disp.loss_curves[0], once.loss_curve_)
    assert disp.lines_[1].get_label() == "learning_rate='auto'"
    assert disp.diverged_at == [None, None, 1]
    assert len(disp.lines_[2].get_ydata()) == 0 and disp.estimators_[2] is None
    assert disp.ax_.get_yscale() == "log"

    X, y = make_classification(n_samples=60, n_features=4, random_state=1)
    pipe = make_pipeline(MaxAbsScaler(), GDLogisticRegression(max_iter=15, tol=None))
    disp = LearningRateSweepDisplay.from_estimator(
        pipe, X, y, learning_rates=[0.5, 5.0], max_iter=10
    )
    Xt = MaxAbsScaler().fit_transform(X)
    once = GDLogisticRegression(learning_rate=5.0, max_iter=10, tol=None).fit(Xt, y)
    assert_allclose(disp.lines_[1].get_ydata(), once.loss_curve_)
    with pytest.raises(TypeError, match="GDLogisticRegression"):
        LearningRateSweepDisplay.from_estimator(
            CountVectorizer(), X, y, learning_rates=[1.0]
        )


# -- loss surface --------------------------------------------------------------


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_lecture_loss_surface_in_one_call(plt, loss):
    # eta = 1.0 on summed gradients is learning_rate = n_samples * eta here.
    neuron = SigmoidNeuronRegressor(
        loss=loss, learning_rate=2.0, alpha=0, max_iter=1000, tol=None
    )
    disp = LossSurfaceDisplay.from_estimator(
        neuron, LECTURE_X, LECTURE_Y, start=(0, -8), x_range=(-2, 6), y_range=(-10, 2)
    )
    # The path: the start, then one point per epoch -- 1001 points.
    assert disp.path.shape == (1001, 2)
    assert_array_equal(disp.path[0], [0.0, -8.0])
    once = clone(neuron).fit(LECTURE_X, LECTURE_Y, coef_init=[0.0], intercept_init=-8.0)
    assert_allclose(disp.path[-1], [once.coef_[0], once.intercept_[0]], rtol=1e-12)
    assert_array_equal(disp.path_line_.get_xdata(), disp.path[:, 0])
    assert_array_equal(disp.path_line_.get_ydata(), disp.path[:, 1])

    # The grid spans the lecture's ranges and holds the package's objective.
    assert (disp.x_values[0], disp.x_values[-1]) == (-2.0, 6.0)
    assert (disp.y_values[0], disp.y_values[-1]) == (-10.0, 2.0)
    assert disp.loss_values.shape == (60, 60)
    objective, _ = once._training_objective(LECTURE_X, LECTURE_Y)
    for i, j in [(0, 0), (17, 42), (59, 3), (30, 30)]:
        W = np.array([[disp.x_values[j], disp.y_values[i]]])
        assert_allclose(disp.loss_values[i, j], objective.value(W), rtol=1e-12)
    # The heights of the path: the start's objective, then the loss curve.
    assert_allclose(disp.path_loss[0], objective.value(np.array([[0.0, -8.0]])))
    assert_allclose(disp.path_loss[1:], once.loss_curve_, rtol=1e-10)
    assert disp.contour_ is not None and disp.surface_ is None
    assert disp.colorbar_ is not None and disp.diverged_at is None
    assert (disp.ax_.get_xlabel(), disp.ax_.get_ylabel()) == ("w", "b")


def test_lecture_surface_kind_3d(plt):
    neuron = SigmoidNeuronRegressor(learning_rate=2.0, alpha=0, max_iter=30, tol=None)
    disp = LossSurfaceDisplay.from_estimator(
        neuron,
        LECTURE_X,
        LECTURE_Y,
        start=(0, -8),
        x_range=(-2, 6),
        y_range=(-10, 2),
        grid_resolution=15,
        kind="surface",
    )
    assert disp.ax_.name == "3d" and disp.surface_ is not None and disp.contour_ is None
    xs, _, zs = disp.path_line_.get_data_3d()
    assert_array_equal(xs, disp.path[:, 0])
    assert_array_equal(zs, disp.path_loss)
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="3-D axes"):
        disp.plot(ax=ax, kind="surface")
    assert disp.plot(ax=ax).contour_ is not None  # same data, drawn flat


def test_surface_two_parameters_of_a_larger_model(plt, binary):
    X, y = binary
    # The default tol stops the fit early: the path stops with it.
    model = GDLogisticRegression(learning_rate=2.0, max_iter=300, alpha=1e-2)
    disp = LossSurfaceDisplay.from_estimator(
        model,
        X,
        y,
        param_x=("coef", 1),
        param_y=("coef", 3),
        start=(2.0, -1.0),
        grid_resolution=12,
    )
    coef0 = np.zeros((1, 5))
    coef0[0, 1], coef0[0, 3] = 2.0, -1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        once = clone(model).fit(X, y, coef_init=coef0, intercept_init=0.0)
    assert once.n_iter_ < 300
    assert disp.path.shape == (once.n_iter_ + 1, 2)
    assert_array_equal(disp.path[0], [2.0, -1.0])
    assert_allclose(disp.path_params_[-1], packed(once), rtol=1e-10)
    assert_allclose(disp.path[-1], once.coef_[0, [1, 3]], rtol=1e-10)
    # The other parameters are held at the end of the path.
    objective, W_fit = once._training_objective(X, y)
    for i, j in [(0, 11), (6, 6)]:
        W = W_fit.copy()
        W[0, 1], W[0, 3] = disp.x_values[j], disp.y_values[i]
        assert_allclose(disp.loss_values[i, j], objective.value(W), rtol=1e-10)
    assert (disp.ax_.get_xlabel(), disp.ax_.get_ylabel()) == ("w[1]", "w[3]")


def test_surface_minibatch_path_default_start_and_names(plt, binary):
    X, y = binary
    # Shuffled mini-batches: the recorded path is the uninterrupted fit's.
    model = GDLogisticRegression(
        learning_rate=0.2, batch_size=32, max_iter=8, tol=None, random_state=3
    )
    pipe = make_pipeline(MaxAbsScaler(), model)
    disp = LossSurfaceDisplay.from_estimator(pipe, X, y, grid_resolution=5)
    Xt = MaxAbsScaler().fit_transform(X)
    once = clone(model).fit(Xt, y, coef_init=np.zeros(5), intercept_init=0.0)
    assert_array_equal(disp.path[0], [0.0, 0.0])  # start=None: all zeros
    assert_allclose(disp.path_params_[-1], packed(once), rtol=1e-12)
    assert disp.ax_.get_xlabel() == "w['x0']"  # names from the pipeline


def test_surface_multiclass_parameters_and_errors(plt):
    X, y = make_classification(
        n_samples=90,
        n_features=3,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        random_state=0,
    )
    model = GDLogisticRegression(learning_rate=0.5, max_iter=10, tol=None)
    disp = LossSurfaceDisplay.from_estimator(
        model,
        X,
        y,
        param_x=("coef", (2, 0)),
        param_y=("intercept", 2),
        start=(1.0, 0.5),
        grid_resolution=6,
    )
    assert_array_equal(disp.path[0], [1.0, 0.5])
    assert_allclose(disp.path[1:, 0], disp.path_params_[1:, 2, 0])
    assert disp.ax_.get_xlabel() == "w[2, 0]" and disp.ax_.get_ylabel() == "b[2]"
    with pytest.raises(ValueError, match=r"\('coef', \(k, j\)\)"):
        LossSurfaceDisplay.from_estimator(model, X, y, param_x=("coef", 0))
    with pytest.raises(ValueError, match="outside coef_"):
        LossSurfaceDisplay.from_estimator(model, X, y, param_x=("coef", (0, 7)))
    with pytest.raises(ValueError, match="same parameter"):
        LossSurfaceDisplay.from_estimator(
            model, X, y, param_x=("intercept", 1), param_y=("intercept", 1)
        )
    with pytest.raises(ValueError, match="fit_intercept=False"):
        LossSurfaceDisplay.from_estimator(
            model.set_params(fit_intercept=False),
            X,
            y,
            param_x=("coef", (0, 0)),
            param_y=("intercept", 0),
        )
    with pytest.raises(ValueError, match="kind"):
        LossSurfaceDisplay.from_estimator(model, X, y, kind="wireframe")


def test_surface_of_a_diverging_descent(plt):
    neuron = SigmoidNeuronRegressor(
        loss="cross_entropy", learning_rate=1000.0, alpha=0, max_iter=20, tol=None
    )
    disp = LossSurfaceDisplay.from_estimator(
        neuron, LECTURE_X, LECTURE_Y, start=(0, -8), grid_resolution=5
    )
    assert disp.diverged_at == 1 and disp.estimator_ is None
    assert disp.path.shape == (1, 2)
    assert "diverged at epoch 1" in disp.end_marker_.get_label()


def test_displays_of_float32_fits_float32_cannot_hold(plt):
    # Small float32 data is fitted in float64; where the result overflows
    # float32, the fit raises after its last epoch, not during one: the
    # displays mark that run as diverged instead of raising.
    rng = np.random.RandomState(0)
    X = (rng.randn(50, 1) * 1e37).astype(np.float32)
    t = rng.rand(50)
    neuron = SigmoidNeuronRegressor(alpha=0, max_iter=50, tol=None)
    with pytest.raises(DivergenceError, match="range of float32"):
        clone(neuron).set_params(learning_rate=1.0).fit(X, t)
    sweep = LearningRateSweepDisplay.from_estimator(
        neuron, X, t, learning_rates=[1e-80, 1.0]
    )
    assert sweep.diverged_at == [None, 51]
    assert sweep.estimators_[1] is None
    surface = LossSurfaceDisplay.from_estimator(
        clone(neuron).set_params(learning_rate=1.0), X, t, grid_resolution=5
    )
    assert surface.diverged_at == 51 and surface.estimator_ is None


# -- top keywords --------------------------------------------------------------


DOCS = [
    "a great and wonderful film",
    "a dull and boring film",
    "great acting",
    "boring plot, dull acting",
    "wonderful, simply great",
    "dull dull dull",
] * 4
LABELS = np.array(["pos", "neg", "pos", "neg", "pos", "neg"] * 4)


def test_top_keywords_are_the_largest_weights(plt):
    pipe = make_pipeline(CountVectorizer(), MaxAbsScaler(), GDLogisticRegression())
    pipe.fit(DOCS, LABELS)
    disp = TopKeywordsDisplay.from_estimator(pipe, n=3)
    names = pipe[:-1].get_feature_names_out()
    coef = pipe[-1].coef_[0]  # towards classes_[1] == "pos"
    order = np.argsort(coef)
    assert_array_equal(disp.keywords[:3], names[order[::-1][:3]])
    assert_array_equal(disp.keywords[3:], names[order[:3]][::-1])
    assert_allclose(
        disp.weights, np.concatenate([coef[order[::-1][:3]], coef[order[:3]][::-1]])
    )
    assert np.all(disp.weights[:3] > 0) and np.all(disp.weights[3:] < 0)
    # The bars are the weights, the largest at the top.
    widths = [bar.get_width() for bar in disp.bars_]
    assert_allclose(widths, disp.weights)
    ticks = zip(disp.ax_.get_yticks(), disp.ax_.get_yticklabels())
    top_down = [label.get_text() for _, label in sorted(ticks, key=lambda t: -t[0])]
    assert top_down == list(disp.keywords)
    assert [bar.get_y() for bar in disp.bars_] == sorted(
        (bar.get_y() for bar in disp.bars_), reverse=True
    )
    assert "'pos'" in disp.ax_.get_title()

    # The other class of a binary model sees the same weights negated.
    other = TopKeywordsDisplay.from_estimator(pipe, n=3, class_="neg")
    assert_array_equal(other.keywords, disp.keywords[::-1])
    assert_allclose(other.weights, -disp.weights[::-1])
    with pytest.raises(ValueError, match="not one of"):
        TopKeywordsDisplay.from_estimator(pipe, class_="meh")


def test_top_keywords_multiclass_names_and_errors(plt):
    X, y = make_classification(
        n_samples=90, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    clf = GDLogisticRegression(max_iter=50).fit(X, y)
    with pytest.raises(ValueError, match="class_="):
        TopKeywordsDisplay.from_estimator(clf)
    names = [f"f{i}" for i in range(6)]
    disp = TopKeywordsDisplay.from_estimator(clf, class_=2, feature_names=names, n=2)
    coef = clf.coef_[2]
    assert disp.keywords[0] == names[np.argmax(coef)]
    assert disp.keywords[-1] == names[np.argmin(coef)]
    disp = TopKeywordsDisplay.from_estimator(clf, class_=0, n=1)
    assert disp.keywords[0] == f"x{np.argmax(clf.coef_[0])}"
    with pytest.raises(ValueError, match="feature names"):
        TopKeywordsDisplay.from_estimator(clf, class_=0, feature_names=["a"])
    with pytest.raises(NotFittedError):
        TopKeywordsDisplay.from_estimator(GDLogisticRegression())


def test_top_keywords_of_the_real_movie_reviews(plt, real_movie_reviews):
    docs, target = real_movie_reviews
    pipe = make_sentiment_pipeline(keywords=None).fit(docs, target)
    disp = TopKeywordsDisplay.from_estimator(pipe, n=10)
    coef = pipe[-1].coef_[0]
    names = pipe[:-1].get_feature_names_out()
    assert len(disp.keywords) == 20
    assert set(disp.keywords[:10]) == set(names[np.argsort(coef)[-10:]])
    assert set(disp.keywords[10:]) == set(names[np.argsort(coef)[:10]])
    assert "bad" in disp.keywords[10:] and "worst" in disp.keywords[10:]
    assert disp.target == 1


# -- matplotlib keyword arguments, class names, layout -------------------------


def test_displays_take_matplotlib_kwargs_for_their_artists(plt, binary):
    X, y = binary
    models = [
        GDLogisticRegression(loss=loss, max_iter=20, tol=None).fit(X, y)
        for loss in ("mse", "cross_entropy")
    ]
    disp = LossCurveDisplay.from_estimator(
        models,
        curve_kwargs=[
            {"color": "red", "linestyle": ":"},
            {"color": "green", "linewidth": 3},
        ],
    )
    assert [line.get_color() for line in disp.lines_] == ["red", "green"]
    assert disp.lines_[0].get_linestyle() == ":" and disp.lines_[1].get_linewidth() == 3
    disp.plot(curve_kwargs={"alpha": 0.5, "label": "same"})  # one dict for all
    assert [line.get_alpha() for line in disp.lines_] == [0.5, 0.5]
    assert [line.get_label() for line in disp.lines_] == ["same", "same"]
    with pytest.raises(ValueError, match="list of 2 dicts"):
        disp.plot(curve_kwargs=[{"color": "red"}])

    sweep = LearningRateSweepDisplay.from_estimator(
        GDLogisticRegression(max_iter=5, tol=None),
        X,
        y,
        learning_rates=[0.1, 1.0],
        curve_kwargs={"color": "black", "marker": "o"},
    )
    assert [line.get_color() for line in sweep.lines_] == ["black", "black"]
    assert sweep.lines_[0].get_marker() == "o"

    surface = LossSurfaceDisplay.from_estimator(
        SigmoidNeuronRegressor(learning_rate=2.0, alpha=0, max_iter=5, tol=None),
        LECTURE_X,
        LECTURE_Y,
        grid_resolution=8,
        contour_kw={"levels": 5, "cmap": "magma"},
        path_kw={"color": "cyan"},
    )
    assert surface.path_line_.get_color() == "cyan"
    assert surface.contour_.cmap.name == "magma" and len(surface.contour_.levels) <= 7

    pipe = make_pipeline(CountVectorizer(), MaxAbsScaler(), GDLogisticRegression())
    pipe.fit(DOCS, LABELS)
    top = TopKeywordsDisplay.from_estimator(
        pipe, n=2, bar_kw={"height": 0.4, "edgecolor": "k"}
    )
    assert all(np.isclose(bar.get_height(), 0.4) for bar in top.bars_)


def test_top_keywords_title_names_both_classes(plt):
    y = np.array(LABELS)
    codes = (y == "pos").astype(np.int64)  # numpy integers, as the loader gives
    pipe = make_pipeline(CountVectorizer(), MaxAbsScaler(), GDLogisticRegression())
    pipe.fit(DOCS, codes)
    disp = TopKeywordsDisplay.from_estimator(pipe, n=2)
    title = disp.ax_.get_title()
    assert "np.int64" not in title
    assert title == "Words pushing towards '1' (right) and towards '0' (left)"
    disp = TopKeywordsDisplay.from_estimator(pipe, n=2, target_names=["neg", "pos"])
    assert disp.ax_.get_title() == (
        "Words pushing towards 'pos' (right) and towards 'neg' (left)"
    )
    assert disp.target == 1 and disp.target_name == "pos"
    disp = TopKeywordsDisplay.from_estimator(
        pipe, n=2, class_=0, target_names={0: "negative"}
    )
    assert disp.ax_.get_title().startswith("Words pushing towards 'negative'")
    with pytest.raises(ValueError, match="one name per class"):
        TopKeywordsDisplay.from_estimator(pipe, target_names=["only one"])


def test_top_keywords_long_words_are_not_clipped(plt):
    docs = ["an unforgettably memorable experience", "an unfortunately tedious mess"]
    docs = docs * 5
    pipe = make_pipeline(CountVectorizer(), MaxAbsScaler(), GDLogisticRegression())
    pipe.fit(docs, [1, 0] * 5)
    disp = TopKeywordsDisplay.from_estimator(pipe, n=3)
    fig = disp.figure_
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    for label in disp.ax_.get_yticklabels():
        box = label.get_window_extent(renderer)
        assert box.x0 >= fig_box.x0 - 0.5 and box.x1 <= fig_box.x1 + 0.5, (
            label.get_text()
        )
    title = disp.ax_.title.get_window_extent(renderer)
    assert title.x0 >= fig_box.x0 - 0.5 and title.x1 <= fig_box.x1 + 0.5


# -- convergence and fold scores ------------------------------------------------


def test_convergence_display_ours_against_lbfgs_on_one_objective(plt, binary):
    from sklearn.linear_model import LogisticRegression

    from sklearn_sigmoid.inspection import ConvergenceDisplay, _budgets

    assert _budgets(30) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 17, 20, 24, 29, 30]
    X, y = binary
    n = len(y)
    solvers = [GDLogisticRegression(alpha=1.0 / n), LogisticRegression(C=1.0)]
    disp = ConvergenceDisplay.from_estimator(
        solvers, X, y, max_iter=40, n_repeats=1, names=["ours", "lbfgs"]
    )
    # f* is the tight lbfgs optimum of the same objective, evaluated by ours.
    tight = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(X, y)
    probe = GDLogisticRegression(alpha=1.0 / n, max_iter=1, tol=None).fit(X, y)
    objective, _ = probe._training_objective(X, y)
    assert np.isclose(disp.f_star, objective.value(packed(tight)), rtol=1e-9)
    for gap, its, secs in zip(disp.suboptimality, disp.iterations, disp.seconds):
        assert np.all(gap >= -1e-12)
        assert gap[0] > 1e-4 and gap[-1] < 1e-8  # both converge, from afar
        assert list(its) == _budgets(40)[: len(its)]
        assert np.all(np.diff(secs) >= 0)
    assert [line.get_label() for line in disp.lines_] == ["ours", "lbfgs"]
    assert disp.ax_.get_yscale() == "log"
    assert_allclose(disp.lines_[0].get_xdata(), disp.iterations[0])
    disp.plot(x="time")
    assert_allclose(disp.lines_[1].get_xdata(), disp.seconds[1])
    assert disp.ax_.get_xlabel() == "fit time (s)"

    with pytest.raises(TypeError, match="needs a GDLogisticRegression"):
        ConvergenceDisplay.from_estimator([LogisticRegression()], X, y)
    with pytest.raises(ValueError, match="cross_entropy"):
        ConvergenceDisplay.from_estimator([GDLogisticRegression(loss="mse")], X, y)
    with pytest.raises(ValueError, match="x must be"):
        disp.plot(x="epochs")
    with pytest.raises(ValueError, match="must match"):
        ConvergenceDisplay([[1, 2]], [[1.0, 0.5]], names=["a", "b"])


def test_fold_scores_display_draws_means_and_every_fold(plt):
    from sklearn_sigmoid.inspection import FoldScoresDisplay

    scores = {
        "keywords": {"a": [0.7, 0.8, 0.75], "b": [0.6, 0.62, 0.64]},
        "vocabulary": {"a": [0.85, 0.86, 0.87], "b": [0.8, 0.9, 0.85]},
    }
    disp = FoldScoresDisplay(scores).plot()
    for model, bars in disp.bars_.items():
        left = bars[0].get_x()
        means = [np.mean(scores[g][model]) for g in scores]
        assert_allclose([left + bar.get_width() for bar in bars], means)
        points = disp.fold_points_[model].get_offsets()
        assert_allclose(
            np.sort(points[:, 0]),
            np.sort(np.concatenate([scores[g][model] for g in scores])),
        )
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == [
        "keywords",
        "vocabulary",
    ]
    # Every fold dot is inside the score axis.
    lo, hi = disp.ax_.get_xlim()
    assert lo < 0.6 and hi > 0.9
    # The legend sits beside the axes, over no dot.
    legend = disp.ax_.get_legend()
    disp.figure_.canvas.draw()
    assert legend.get_window_extent().x0 >= disp.ax_.get_window_extent().x1
    with pytest.raises(ValueError, match="No scores"):
        FoldScoresDisplay({})


def test_loss_surface_records_the_path_in_one_fit(monkeypatch):
    # The path comes from the epoch callback of the fit it draws (not from
    # one warm-started refit per epoch), so it ends exactly at that fit.
    from sklearn_sigmoid._base import BaseSigmoidGD

    X, y = make_classification(n_samples=120, n_features=4, random_state=0)
    calls = []
    descend = BaseSigmoidGD._descend

    def counting(self, *args, **kwargs):
        calls.append(1)
        return descend(self, *args, **kwargs)

    monkeypatch.setattr(BaseSigmoidGD, "_descend", counting)
    disp = LossSurfaceDisplay.from_estimator(
        GDLogisticRegression(), X, y, grid_resolution=5
    )
    fitted = disp.estimator_
    assert len(disp.path_params_) == fitted.n_iter_ + 1
    assert len(calls) == 2  # a one-epoch probe for the objective, then the fit
    np.testing.assert_array_equal(
        disp.path_params_[-1], np.column_stack([fitted.coef_, fitted.intercept_])
    )
