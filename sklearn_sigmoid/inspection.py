# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Pictures of how a sigmoid model learns, each made in one call.

Displays in scikit-learn's style (compare
:class:`sklearn.metrics.RocCurveDisplay` and
:class:`sklearn.model_selection.LearningCurveDisplay`): a class method
``from_estimator`` computes the data and draws it, the constructor takes data
computed elsewhere, and :meth:`plot` draws onto a given (or new) matplotlib
axes.  After ``plot`` a display holds its artists (``ax_``, ``figure_``,
``lines_``, ...) next to the data they were drawn from.

* :class:`LossCurveDisplay` -- the training objective per epoch
  (``loss_curve_``) of one or several fitted estimators, with their
  validation scores in a panel below (or on a second axis) when early
  stopping was on.
* :class:`LearningRateSweepDisplay` -- the loss curves of one model fitted
  with several learning rates; a rate for which ``fit`` raises
  :class:`~sklearn_sigmoid.DivergenceError` is drawn up to the epoch where it
  stopped and marked.
* :class:`LossSurfaceDisplay` -- the training objective over a grid of two
  parameters (``w`` and ``b`` of a one-feature neuron, or any two parameters
  of a larger model), with the path gradient descent took across it.
* :class:`TopKeywordsDisplay` -- the features (words, for a text pipeline)
  with the largest positive and negative weights, titled with the class
  names.
* :class:`ConvergenceDisplay` -- a benchopt-style convergence plot: the
  relative suboptimality of one objective against iterations or time, for
  gradient descent and scikit-learn's lbfgs on the same axes.
* :class:`FoldScoresDisplay` -- cross-validated scores by feature set and
  model, every fold drawn.

As scikit-learn's displays do, each ``plot`` (and ``from_estimator``) takes
matplotlib keyword arguments for its artists: ``curve_kwargs`` (one dict, or
one per curve) for line plots, ``bar_kw``, ``contour_kw``, ``path_kw`` and
``point_kw`` for the others.

Nothing here computes a loss or takes a step itself: curves are the
estimators' ``loss_curve_``, paths are read from ``coef_`` and
``intercept_`` after each epoch of a warm-started fit, and surfaces are
evaluated by the estimator's own training objective.

matplotlib is optional (``pip install "sklearn-sigmoid[plot]"``).  This
module imports without it; drawing without it raises an ImportError that
names the extra.
"""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from sklearn_sigmoid._base import BaseSigmoidGD
from sklearn_sigmoid._classifier import GDLogisticRegression
from sklearn_sigmoid._optim import DivergenceError, EpochCallback

__all__ = [
    "ConvergenceDisplay",
    "FoldScoresDisplay",
    "LearningRateSweepDisplay",
    "LossCurveDisplay",
    "LossSurfaceDisplay",
    "TopKeywordsDisplay",
]

# -- helpers ------------------------------------------------------------------


def _check_matplotlib_support(caller_name):
    """Raise an ImportError naming the ``plot`` extra if matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib, which sklearn-sigmoid does not "
            "install by default. Install the plotting extra with "
            '`pip install "sklearn-sigmoid[plot]"` (or `pip install matplotlib`).'
        ) from exc


def _get_ax(ax, projection=None, layout=None):
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.figure(layout=layout).add_subplot(projection=projection)
    return ax


def _artist_kwargs(kwargs, n, what):
    """``kwargs`` (None, one dict, or a list of ``n`` dicts) as ``n`` dicts.

    The matplotlib keyword arguments of ``n`` artists, in the style of
    scikit-learn's ``curve_kwargs``: one dict applies to every artist, a list
    gives one dict per artist.
    """
    if kwargs is None:
        return [{} for _ in range(n)]
    if isinstance(kwargs, dict):
        return [dict(kwargs) for _ in range(n)]
    kwargs = list(kwargs)
    if len(kwargs) != n or not all(isinstance(kw, dict) for kw in kwargs):
        raise ValueError(
            f"{what} must be a dict or a list of {n} dicts (one per curve); got "
            f"{len(kwargs)} item(s)."
        )
    return [dict(kw) for kw in kwargs]


def _final_step(estimator):
    """The estimator itself, or the last step of a pipeline."""
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def _names_out(transformers):
    """``transformers.get_feature_names_out()``, or None if it has none."""
    try:
        return np.asarray(transformers.get_feature_names_out(), dtype=object)
    except (AttributeError, ValueError, NotFittedError):
        return None


def _feature_names(estimator, n_features):
    """Names of the final step's input features, or None if unknown."""
    if isinstance(estimator, Pipeline) and len(estimator) > 1:
        names = _names_out(estimator[:-1])
        if names is not None and len(names) == n_features:
            return names
    names = getattr(_final_step(estimator), "feature_names_in_", None)
    if names is not None and len(names) == n_features:
        return np.asarray(names, dtype=object)
    return None


def _prepare_sigmoid(estimator, X, y, caller):
    """Split off a pipeline's transformers: ``(X for the model, model, names)``.

    The transformers are cloned and fitted once on ``(X, y)``; the model (the
    last step) is returned unfitted as a clone, with a fixed integer seed.
    """
    model = _final_step(estimator)
    if not isinstance(model, BaseSigmoidGD):
        raise TypeError(
            f"{caller} needs a GDLogisticRegression or SigmoidNeuronRegressor "
            f"(or a Pipeline ending in one); got {type(model).__name__}."
        )
    names = None
    if isinstance(estimator, Pipeline) and len(estimator) > 1:
        transformers = clone(estimator[:-1])
        X = transformers.fit_transform(X, y)
        names = _names_out(transformers)
    model = clone(model)
    # One integer seed for every fit below, so that refits (and a fit cut
    # short at divergence) meet the same shuffles and early-stopping split.
    seed = model.random_state
    if not isinstance(seed, Integral):
        seed = int(check_random_state(seed).randint(np.iinfo(np.int32).max))
    return X, model.set_params(random_state=seed), names


def _packed(model):
    """Fitted ``[coef | intercept]`` as an array of shape (k, n_features + 1)."""
    coef = np.atleast_2d(model.coef_)
    return np.column_stack([coef, np.atleast_1d(model.intercept_)])


class _PathRecorder(EpochCallback):
    """The packed parameters after every epoch of one fit (an epoch callback)."""

    def __init__(self):
        self.path = []

    def end(self, value, W):
        self.path.append(W.copy())
        return False


def _fit_recording_path(model, X, y, fit_params):
    """Fit a clone once, recording its path; when it diverges, say where.

    Returns ``(fitted, diverged_at, path)``: ``path`` holds the packed
    parameters after each epoch of that one fit, up to divergence (recorded
    by the optimiser's epoch callback, see :meth:`BaseSigmoidGD._descend`).
    Without divergence ``fitted`` is the clone fitted with the given settings
    and ``diverged_at`` is None.  Otherwise ``diverged_at`` is the epoch that
    raised :class:`DivergenceError` (the one after the last, where the result
    cannot be held in the dtype of X) and ``fitted`` a clone fitted for the
    epochs before it (the same descent, cut short; None when it diverged at
    the first epoch, or has no model to show).
    """
    recorder = _PathRecorder()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = clone(model)
        fitted._validate_params()
        try:
            fitted._fit(X, y, **fit_params, epoch_callback=recorder)
            return fitted, None, recorder.path
        except DivergenceError:
            pass
        diverged_at = len(recorder.path) + 1
        fitted = None
        if diverged_at > 1:
            try:
                fitted = (
                    clone(model)
                    .set_params(max_iter=diverged_at - 1, tol=None)
                    .fit(X, y, **fit_params)
                )
            except DivergenceError:
                # Raised after the last epoch, not during one: small float32
                # data fitted in float64 whose result float32 cannot hold
                # (see BaseSigmoidGD._check_params_dtype).  No model to show.
                fitted = None
    return fitted, diverged_at, recorder.path


def _label_value(value):
    return f"{value:g}" if isinstance(value, float) else repr(value)


def _default_names(estimators):
    """Class name plus the simple parameters that tell the estimators apart."""
    finals = [_final_step(est) for est in estimators]
    params = [est.get_params(deep=False) for est in finals]
    simple = (str, int, float, bool, type(None))
    keys = ["loss"] if all("loss" in p for p in params) else []
    if len(finals) > 1:
        shared = set.intersection(*(set(p) for p in params))
        keys += sorted(
            key
            for key in shared
            if key != "loss"
            and all(isinstance(p[key], simple) for p in params)
            and len({repr(p[key]) for p in params}) > 1
        )
    return [
        f"{type(est).__name__}("
        + ", ".join(f"{key}={_label_value(p[key])}" for key in keys)
        + ")"
        for est, p in zip(finals, params)
    ]


# -- loss curves --------------------------------------------------------------


class LossCurveDisplay:
    """Training objective per epoch, with validation scores if recorded.

    One curve per estimator on one axes, so that losses (MSE against
    cross-entropy) or settings (learning rates, batch sizes) compare at a
    glance.  When an estimator was fitted with ``early_stopping=True`` its
    ``validation_scores_`` are drawn dashed, in the same colour, against a
    second y-axis on the right.

    Use :meth:`from_estimator` to make one from fitted estimators; the
    constructor takes curves computed elsewhere.

    Parameters
    ----------
    loss_curves : list of array-like of shape (n_epochs_i,)
        Training objective after each epoch, one array per curve.
    validation_scores : list of (array-like or None), default=None
        Validation score after each epoch, or None, for each curve.
    names : list of str, default=None
        Legend labels; None gives "curve 0", "curve 1", ...
    score_name : str, default='score'
        What the validation scores are ("accuracy", "R²"), for the axis label.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        The loss curves, in the order given; epoch ``i`` is at ``x = i``
        (the first epoch at 1).
    validation_lines_ : list of (matplotlib Line2D or None)
        The validation curves (None for a curve without scores).
    validation_ax_ : matplotlib Axes or None
        The axes of the validation scores (the panel below, or the
        right-hand twin axis), if any are drawn.
    ax_ : matplotlib Axes
        The axes of the loss curves.
    figure_ : matplotlib Figure
        The figure holding them.

    See Also
    --------
    LearningRateSweepDisplay : Fits one model with several learning rates and
        draws their loss curves.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid import GDLogisticRegression
    >>> from sklearn_sigmoid.inspection import LossCurveDisplay
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 3)); y = (X[:, 0] > 0).astype(int)
    >>> models = [GDLogisticRegression(loss=loss, learning_rate=1.0, max_iter=50,
    ...                                tol=None).fit(X, y)
    ...           for loss in ("mse", "cross_entropy")]
    >>> disp = LossCurveDisplay.from_estimator(models, log_scale=True)
    >>> [line.get_label() for line in disp.lines_]
    ["GDLogisticRegression(loss='mse')", "GDLogisticRegression(loss='cross_entropy')"]
    """

    def __init__(
        self, loss_curves, *, validation_scores=None, names=None, score_name="score"
    ):
        self.loss_curves = [np.asarray(c, dtype=float) for c in loss_curves]
        n = len(self.loss_curves)
        if validation_scores is None:
            validation_scores = [None] * n
        self.validation_scores = [
            None if s is None else np.asarray(s, dtype=float) for s in validation_scores
        ]
        self.names = [f"curve {i}" for i in range(n)] if names is None else list(names)
        if not (len(self.validation_scores) == len(self.names) == n):
            raise ValueError(
                f"Got {n} loss curves, {len(self.validation_scores)} validation "
                f"score lists and {len(self.names)} names; they must match."
            )
        self.score_name = score_name

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        names=None,
        log_scale=False,
        validation="panel",
        ax=None,
        curve_kwargs=None,
    ):
        """Draw the loss curves of one or several fitted estimators.

        Parameters
        ----------
        estimator : estimator, Pipeline, or list of them
            Fitted estimators with a ``loss_curve_`` (and, optionally,
            ``validation_scores_``), or pipelines ending in one.
        names : list of str, default=None
            Legend labels, one per estimator.  None: the class name with the
            ``loss`` and the simple parameters whose values differ between
            the estimators, e.g. ``GDLogisticRegression(loss='mse')``.
        log_scale : bool, default=False
            Draw the training objective on a logarithmic axis.
        validation : {'panel', 'twin'} or False, default='panel'
            Where validation scores go (see :meth:`plot`).
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        curve_kwargs : dict or list of dict, default=None
            Keyword arguments of :func:`matplotlib.pyplot.plot` for the loss
            curves: one dict for all, or one per estimator.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.
        """
        _check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if isinstance(estimator, (list, tuple)):
            estimators = list(estimator)
        else:
            estimators = [estimator]
        if not estimators:
            raise ValueError("No estimator given.")
        curves, scores = [], []
        for est in estimators:
            final = _final_step(est)
            check_is_fitted(final, "loss_curve_")
            curves.append(final.loss_curve_)
            scores.append(getattr(final, "validation_scores_", None))
        if names is None:
            names = _default_names(estimators)
        display = cls(
            curves,
            validation_scores=scores,
            names=names,
            score_name=_score_name(estimators),
        )
        return display.plot(
            ax=ax, log_scale=log_scale, validation=validation, curve_kwargs=curve_kwargs
        )

    def plot(self, ax=None, *, log_scale=False, validation="panel", curve_kwargs=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        log_scale : bool, default=False
            Draw the training objective on a logarithmic axis.
        validation : {'panel', 'twin'} or False, default='panel'
            Where validation scores go, if any curve has them: a panel
            below the loss curves (carved out of ``ax``, sharing its epoch
            axis), a second y-axis on the right of ``ax``, or nowhere.
        curve_kwargs : dict or list of dict, default=None
            Keyword arguments of :func:`matplotlib.pyplot.plot` for the loss
            curves (``color``, ``linestyle``, ``label``, ...): one dict for
            all, or one per curve.  They override the defaults.

        Returns
        -------
        display : LossCurveDisplay
            This display, with its artists stored.
        """
        _check_matplotlib_support(f"{type(self).__name__}.plot")
        if validation not in ("panel", "twin", False):
            raise ValueError(
                f"validation must be 'panel', 'twin' or False; got {validation!r}."
            )
        kwargs = _artist_kwargs(curve_kwargs, len(self.loss_curves), "curve_kwargs")
        ax = _get_ax(ax)
        self.lines_ = [
            ax.plot(np.arange(1, len(curve) + 1), curve, **{"label": name, **kw})[0]
            for curve, name, kw in zip(self.loss_curves, self.names, kwargs)
        ]
        if log_scale:
            ax.set_yscale("log")
        ax.set_ylabel("training objective")
        ax.set_xlabel("epoch")
        legend_ax = ax

        self.validation_ax_ = None
        self.validation_lines_ = [None] * len(self.lines_)
        if validation and any(s is not None for s in self.validation_scores):
            if validation == "twin":
                vax = legend_ax = ax.twinx()  # drawn on top: the legend goes there
                ylabel = f"validation {self.score_name} (dashed)"
            else:
                from mpl_toolkits.axes_grid1 import make_axes_locatable

                vax = make_axes_locatable(ax).append_axes(
                    "bottom", size="45%", pad=0.15, sharex=ax
                )
                ax.tick_params(labelbottom=False)
                ax.set_xlabel("")
                vax.set_xlabel("epoch")
                ylabel = f"validation {self.score_name}"
            for i, scores in enumerate(self.validation_scores):
                if scores is None:
                    continue
                self.validation_lines_[i] = vax.plot(
                    np.arange(1, len(scores) + 1),
                    scores,
                    linestyle="--" if validation == "twin" else "-",
                    color=self.lines_[i].get_color(),
                    label=f"{self.names[i]}, validation",
                )[0]
            vax.set_ylabel(ylabel)
            self.validation_ax_ = vax
        legend_ax.legend(handles=self.lines_, loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _score_name(estimators):
    finals = [_final_step(est) for est in estimators]
    if all(is_classifier(est) for est in finals):
        return "accuracy"
    if not any(is_classifier(est) for est in finals):
        return "R²"
    return "score"


# -- learning-rate sweep ------------------------------------------------------


class LearningRateSweepDisplay:
    """Loss curves of one model trained with several learning rates.

    Too small a rate descends slowly, a good one quickly, too large a one
    oscillates, saturates or diverges.  A run whose ``fit`` raised
    :class:`~sklearn_sigmoid.DivergenceError` is drawn up to the last epoch
    before it and marked with an ``x`` at the top of the axes, at the epoch
    where it stopped.

    Use :meth:`from_estimator` to run the sweep; the constructor takes curves
    computed elsewhere.

    Parameters
    ----------
    learning_rates : list of float or 'auto'
        The rates, one per curve.
    loss_curves : list of array-like of shape (n_epochs_i,)
        Training objective after each completed epoch, for each rate.
    diverged_at : list of (int or None), default=None
        For each rate the epoch at which the fit diverged, or None.
    name : str, default=None
        Title of the axes.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One loss curve per learning rate, labelled ``learning_rate=...``
        (plus ``diverged at epoch d``); epoch ``i`` is at ``x = i``.
    diverged_markers_ : list of (matplotlib Line2D or None)
        For each diverged rate, the ``x`` marker at ``x = diverged_at`` (its
        y-coordinate is in axes units: the top edge).
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure holding them.

    See Also
    --------
    LossCurveDisplay : Loss curves of estimators fitted beforehand.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid import SigmoidNeuronRegressor
    >>> from sklearn_sigmoid.inspection import LearningRateSweepDisplay
    >>> X, y = np.array([[0.5], [2.5]]), np.array([0.2, 0.9])
    >>> neuron = SigmoidNeuronRegressor(loss="cross_entropy", alpha=0,
    ...                                 max_iter=200, tol=None)
    >>> disp = LearningRateSweepDisplay.from_estimator(
    ...     neuron, X, y, learning_rates=[0.1, 2.0, 50.0, 200.0],
    ...     fit_params={"coef_init": [0.0], "intercept_init": -8.0},
    ... )
    >>> disp.diverged_at
    [None, None, None, 1]
    """

    def __init__(self, learning_rates, loss_curves, diverged_at=None, *, name=None):
        self.learning_rates = list(learning_rates)
        self.loss_curves = [np.asarray(c, dtype=float) for c in loss_curves]
        self.diverged_at = (
            [None] * len(self.loss_curves) if diverged_at is None else list(diverged_at)
        )
        if not (
            len(self.learning_rates) == len(self.loss_curves) == len(self.diverged_at)
        ):
            raise ValueError(
                "learning_rates, loss_curves and diverged_at must have the same length."
            )
        self.name = name

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        learning_rates,
        max_iter=None,
        fit_params=None,
        log_scale=False,
        ax=None,
        name=None,
        curve_kwargs=None,
    ):
        """Fit a clone of ``estimator`` per learning rate and draw the curves.

        Every other setting is the estimator's own (including ``tol``, so a
        run may stop early once it has converged).  A fit that raises
        :class:`~sklearn_sigmoid.DivergenceError` has recorded every epoch
        before it (through the optimiser's epoch callback), so the epoch
        where it diverged is known at once; one more fit, cut short at the
        epoch before, gives the estimator and the curve drawn.
        ConvergenceWarnings are silenced.

        Parameters
        ----------
        estimator : GDLogisticRegression, SigmoidNeuronRegressor or Pipeline
            The model to sweep (fitted or not: it is cloned).  For a pipeline
            the transformers are fitted once and the last step is swept.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (raw input of the pipeline, if one is given).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        learning_rates : list of float or 'auto'
            The rates to try.
        max_iter : int, default=None
            Epochs per run; None keeps the estimator's ``max_iter``.
        fit_params : dict, default=None
            Passed to every ``fit`` of the model, e.g.
            ``{"coef_init": [0.0], "intercept_init": -8.0}`` to start every
            run at the same point, or ``{"sample_weight": w}``.
        log_scale : bool, default=False
            Draw the objective on a logarithmic axis.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        name : str, default=None
            Title; None gives the model's class and loss.
        curve_kwargs : dict or list of dict, default=None
            Keyword arguments of :func:`matplotlib.pyplot.plot` for the
            curves: one dict for all, or one per learning rate.

        Returns
        -------
        display : LearningRateSweepDisplay
            The display, drawn.  It also holds ``estimators_``: the fitted
            clone of each run (for a diverged run, fitted for the epochs
            before divergence; None if it diverged at the first epoch).
        """
        _check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if len(learning_rates) == 0:
            raise ValueError("learning_rates is empty.")
        caller = f"{cls.__name__}.from_estimator"
        X, model, _ = _prepare_sigmoid(estimator, X, y, caller)
        if max_iter is not None:
            model.set_params(max_iter=max_iter)
        fit_params = {} if fit_params is None else dict(fit_params)
        fitted, curves, diverged = [], [], []
        for rate in learning_rates:
            est, epoch, _ = _fit_recording_path(
                clone(model).set_params(learning_rate=rate), X, y, fit_params
            )
            fitted.append(est)
            curves.append([] if est is None else est.loss_curve_)
            diverged.append(epoch)
        if name is None:
            name = f"{type(model).__name__}(loss={model.loss!r})"
        display = cls(learning_rates, curves, diverged, name=name)
        display.estimators_ = fitted
        return display.plot(ax=ax, log_scale=log_scale, curve_kwargs=curve_kwargs)

    def plot(self, ax=None, *, log_scale=False, cmap="plasma", curve_kwargs=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        log_scale : bool, default=False
            Draw the objective on a logarithmic axis.
        cmap : str or matplotlib Colormap, default='plasma'
            Colours of the curves, in the order of the rates (list them
            from the smallest to the largest to read the map as a scale).
        curve_kwargs : dict or list of dict, default=None
            Keyword arguments of :func:`matplotlib.pyplot.plot` for the
            curves (override the colour map's colour, the label, ...): one
            dict for all, or one per learning rate.

        Returns
        -------
        display : LearningRateSweepDisplay
            This display, with its artists stored.
        """
        _check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib as mpl

        kwargs = _artist_kwargs(curve_kwargs, len(self.loss_curves), "curve_kwargs")
        ax = _get_ax(ax)
        colormap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
        n = len(self.learning_rates)
        colors = colormap(np.linspace(0.0, 0.85, n)) if n > 1 else [colormap(0.0)]
        self.lines_, self.diverged_markers_ = [], []
        for rate, curve, epoch, color, kw in zip(
            self.learning_rates, self.loss_curves, self.diverged_at, colors, kwargs
        ):
            label = f"learning_rate={_label_value(rate)}"
            if epoch is not None:
                label += f", diverged at epoch {epoch}"
            (line,) = ax.plot(
                np.arange(1, len(curve) + 1),
                curve,
                **{"color": color, "label": label, **kw},
            )
            color = line.get_color()
            self.lines_.append(line)
            marker = None
            if epoch is not None:
                # The objective there is off the scale: mark it on the top edge.
                (marker,) = ax.plot(
                    [epoch],
                    [0.98],
                    marker="x",
                    markersize=9,
                    markeredgewidth=2,
                    color=color,
                    linestyle="none",
                    clip_on=False,
                    transform=ax.get_xaxis_transform(),
                )
            self.diverged_markers_.append(marker)
        if log_scale:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training objective")
        if self.name:
            ax.set_title(self.name)
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self


# -- loss surface -------------------------------------------------------------


def _param_position(spec, which, n_outputs, n_features, fit_intercept, names=None):
    """``(row, column)`` in the packed ``[coef | intercept]`` array, and a label."""
    if isinstance(spec, str):
        spec = (spec, 0)
    try:
        kind, index = spec
    except (TypeError, ValueError):
        raise ValueError(
            f"{which} must be ('coef', j), ('coef', (k, j)) or ('intercept', k); "
            f"got {spec!r}."
        ) from None
    if kind == "coef":
        if isinstance(index, Integral):
            if n_outputs > 1:
                raise ValueError(
                    f"The model has {n_outputs} outputs: name the row of "
                    f"{which} as ('coef', (k, j))."
                )
            row, col = 0, int(index)
        else:
            row, col = (int(i) for i in index)
        if not (0 <= row < n_outputs and 0 <= col < n_features):
            raise ValueError(
                f"{which}={spec!r} is outside coef_ of shape {(n_outputs, n_features)}."
            )
        feature = repr(str(names[col])) if names is not None else str(col)
        if n_outputs > 1:
            label = f"w[{row}, {feature}]"
        else:
            label = f"w[{feature}]" if n_features > 1 else "w"
        return (row, col), label
    if kind == "intercept":
        if not fit_intercept:
            raise ValueError(
                f"{which}={spec!r}, but the model has fit_intercept=False."
            )
        row = int(index)
        if not 0 <= row < n_outputs:
            raise ValueError(f"{which}={spec!r}: intercept_ has {n_outputs} values.")
        return (row, n_features), ("b" if n_outputs == 1 else f"b[{row}]")
    raise ValueError(f"{which} must name 'coef' or 'intercept'; got {spec!r}.")


def _values_on_plane(objective, W, ix, iy, a, b, block=1 << 18):
    """``objective.value`` at ``W`` with its entries ``ix``, ``iy`` set to each
    pair ``(a[i], b[i])``, for many points at once.

    The raw scores are linear in the parameters, so those of every point are
    the scores at ``W`` (with both entries zeroed) plus ``a`` and ``b`` times
    the scores of the two unit directions: three products with X, then the
    objective's data terms on blocks of about ``block`` scores.  Equal to
    ``objective.value`` to rounding (the sums are taken in another order).
    """
    base = W.copy()
    base[ix] = base[iy] = 0
    units = []
    for index in (ix, iy):
        unit = np.zeros_like(W)
        unit[index] = 1
        units.append(objective.raw(unit).astype(np.float64))
    raw_base = objective.raw(base).astype(np.float64)
    a = np.asarray(a, dtype=W.dtype).astype(np.float64)
    b = np.asarray(b, dtype=W.dtype).astype(np.float64)
    values = np.empty(len(a))
    step = max(1, block // max(raw_base.size, 1))
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, len(a), step):
            da, db = a[start : start + step], b[start : start + step]
            raw = raw_base + da[:, None, None] * units[0] + db[:, None, None] * units[1]
            values[start : start + step] = objective.data_terms(raw)
    if objective.alpha:
        point = W.copy()
        for i, (ai, bi) in enumerate(zip(a, b)):
            point[ix], point[iy] = ai, bi
            values[i] += objective._penalty(point)
    return values


def _default_range(values):
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = max(0.25 * (hi - lo), 0.5)
    return lo - pad, hi + pad


class LossSurfaceDisplay:
    """Training objective over two parameters, with the descent path on it.

    For a one-feature neuron the two parameters are ``w`` and ``b`` and the
    picture is the whole story: the loss over a grid of ``(w, b)`` as a
    contour map (or a 3-D surface) and the points gradient descent visited,
    one per epoch.  For a larger model choose any two parameters; the others
    are held at their values at the end of the path, so the surface is a
    slice through the end point.

    Use :meth:`from_estimator` to compute it; the constructor takes a grid
    computed elsewhere.

    Parameters
    ----------
    x_values : ndarray of shape (n_x,)
        Grid values of the first parameter.
    y_values : ndarray of shape (n_y,)
        Grid values of the second parameter.
    loss_values : ndarray of shape (n_y, n_x)
        The objective at ``(x_values[j], y_values[i])`` in row ``i``,
        column ``j`` (the layout of ``np.meshgrid(x_values, y_values)``).
    path : ndarray of shape (n_points, 2)
        The two parameters at the start and after each epoch.
    path_loss : ndarray of shape (n_points,), default=None
        The objective on the drawn surface at each path point (needed for
        ``kind='surface'``).
    x_label, y_label : str, default='w', 'b'
        Axis labels.
    diverged_at : int or None, default=None
        Epoch at which descent diverged (the path ends the epoch before).
    name : str, default=None
        Title of the axes.

    Attributes
    ----------
    contour_ : matplotlib QuadContourSet or None
        The filled contours (``kind='contour'``).
    surface_ : mpl_toolkits.mplot3d Poly3DCollection or None
        The surface (``kind='surface'``).
    path_line_ : matplotlib Line2D
        The descent path: the start, then one point per epoch.
    start_marker_, end_marker_ : matplotlib Line2D
        The start (circle) and the end (star, or ``x`` if descent diverged).
    colorbar_ : matplotlib Colorbar or None
        The colour scale of the objective.
    ax_ : matplotlib Axes
        The axes (3-D for ``kind='surface'``).
    figure_ : matplotlib Figure
        The figure holding them.

    Notes
    -----
    The lecture's example: two points ``x = 0.5, 2.5`` with targets
    ``0.2, 0.9``, squared error, start ``w = 0, b = -8``, step ``eta = 1.0``
    for 1000 epochs, on the grid ``w`` in [-2, 6], ``b`` in [-10, 2].  The
    lecture *sums* the per-point gradients, the package *averages* them, so
    its equivalent ``learning_rate`` is ``n_samples * eta = 2.0``::

        X, y = np.array([[0.5], [2.5]]), np.array([0.2, 0.9])
        neuron = SigmoidNeuronRegressor(learning_rate=2.0, alpha=0,
                                        max_iter=1000, tol=None)
        LossSurfaceDisplay.from_estimator(neuron, X, y, start=(0, -8),
                                          x_range=(-2, 6), y_range=(-10, 2))

    With the squared error the surface has wide flat plateaus where the
    sigmoid saturates: far from the data's scale the gradient carries the
    factor ``y_hat (1 - y_hat)`` and descent crawls.  The cross-entropy
    (``loss='cross_entropy'``) has no such factor and is convex.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sigmoid import SigmoidNeuronRegressor
    >>> from sklearn_sigmoid.inspection import LossSurfaceDisplay
    >>> X, y = np.array([[0.5], [2.5]]), np.array([0.2, 0.9])
    >>> neuron = SigmoidNeuronRegressor(learning_rate=2.0, alpha=0,
    ...                                 max_iter=1000, tol=None)
    >>> disp = LossSurfaceDisplay.from_estimator(
    ...     neuron, X, y, start=(0, -8), x_range=(-2, 6), y_range=(-10, 2)
    ... )
    >>> disp.path.shape, disp.loss_values.shape
    ((1001, 2), (60, 60))
    """

    def __init__(
        self,
        x_values,
        y_values,
        loss_values,
        path,
        *,
        path_loss=None,
        x_label="w",
        y_label="b",
        diverged_at=None,
        name=None,
    ):
        self.x_values = np.asarray(x_values, dtype=float)
        self.y_values = np.asarray(y_values, dtype=float)
        self.loss_values = np.asarray(loss_values, dtype=float)
        if self.loss_values.shape != (len(self.y_values), len(self.x_values)):
            raise ValueError(
                f"loss_values has shape {self.loss_values.shape}; expected "
                f"(len(y_values), len(x_values)) = "
                f"{(len(self.y_values), len(self.x_values))}."
            )
        self.path = np.asarray(path, dtype=float).reshape(-1, 2)
        self.path_loss = (
            None if path_loss is None else np.asarray(path_loss, dtype=float)
        )
        self.x_label = x_label
        self.y_label = y_label
        self.diverged_at = diverged_at
        self.name = name

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        param_x=("coef", 0),
        param_y=("intercept", 0),
        start=None,
        x_range=None,
        y_range=None,
        grid_resolution=60,
        max_iter=None,
        sample_weight=None,
        kind="contour",
        ax=None,
        name=None,
        contour_kw=None,
        path_kw=None,
    ):
        """Fit from a start point, record the path and draw it on the loss.

        A clone of the estimator is fitted from ``start`` with its own
        settings (``learning_rate``, ``loss``, ``alpha``, ``tol``, ...; early
        stopping is turned off, since it trains on part of the rows).  The
        path is recorded after every epoch of that one fit (through the
        optimiser's epoch callback).  The grid values come from the fitted model's own
        training objective (mean loss plus ``alpha / 2 * ||coef||^2``, with
        the targets encoded as ``fit`` encodes them).

        Parameters
        ----------
        estimator : GDLogisticRegression, SigmoidNeuronRegressor or Pipeline
            The model (fitted or not: it is cloned).  For a pipeline the
            transformers are fitted once and the last step is descended.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        param_x, param_y : tuple, default=('coef', 0), ('intercept', 0)
            The two parameters on the axes: ``('coef', j)`` is the weight of
            feature ``j`` (``('coef', (k, j))`` in row ``k`` of a model with
            several outputs or classes) and ``('intercept', k)`` the bias of
            output ``k``.  The defaults are ``w`` and ``b`` of one neuron.
        start : (float, float), default=None
            Starting values of the two parameters.  Every other parameter
            starts at 0; None starts the two at 0 too.  (This differs from
            ``fit``'s own default start, which puts the intercept at the
            log-odds of the mean target).
        x_range, y_range : (float, float), default=None
            Grid limits; None spans the path with a margin.
        grid_resolution : int, default=60
            Number of grid values along each axis.
        max_iter : int, default=None
            Epochs; None keeps the estimator's ``max_iter``.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to ``fit`` and to the objective.
        kind : {'contour', 'surface'}, default='contour'
            Filled contours on a 2-D axes, or a 3-D surface.
        ax : matplotlib Axes, default=None
            Axes to draw on (3-D for ``kind='surface'``); None makes one.
        name : str, default=None
            Title; None gives the loss and the number of epochs.
        contour_kw, path_kw : dict, default=None
            Keyword arguments of the surface (``contourf`` or
            ``plot_surface``) and of the path's line; see :meth:`plot`.

        Returns
        -------
        display : LossSurfaceDisplay
            The display, drawn.  ``path`` has ``n_epochs + 1`` rows (the
            start, then one per epoch: 1001 for 1000 epochs); the display
            also holds ``estimator_``, the uninterrupted fit (None if it
            diverged at the first epoch), and ``path_params_``, the full
            packed parameters of shape ``(n_points, k, n_features + 1)``.
        """
        _check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if kind not in ("contour", "surface"):
            raise ValueError(f"kind must be 'contour' or 'surface'; got {kind!r}.")
        caller = f"{cls.__name__}.from_estimator"
        X, model, names = _prepare_sigmoid(estimator, X, y, caller)
        model.set_params(early_stopping=False)
        if max_iter is not None:
            model.set_params(max_iter=max_iter)

        # A one-epoch fit with the safe step learns the target encoding and
        # gives the objective (which does not depend on the learning rate).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            probe = (
                clone(model)
                .set_params(learning_rate="auto", max_iter=1, tol=None)
                .fit(X, y, sample_weight=sample_weight)
            )
        objective, W_probe = probe._training_objective(X, y, sample_weight)
        n_outputs, n_features = W_probe.shape[0], W_probe.shape[1] - 1
        if names is None:
            names = _feature_names(probe, n_features)
        ix, x_label = _param_position(
            param_x, "param_x", n_outputs, n_features, model.fit_intercept, names
        )
        iy, y_label = _param_position(
            param_y, "param_y", n_outputs, n_features, model.fit_intercept, names
        )
        if ix == iy:
            raise ValueError("param_x and param_y name the same parameter.")

        W0 = np.zeros_like(W_probe, dtype=np.float64)
        if start is not None:
            W0[ix], W0[iy] = (float(v) for v in start)
        fit_params = {"coef_init": W0[:, :-1], "intercept_init": W0[:, -1]}
        if sample_weight is not None:
            fit_params["sample_weight"] = sample_weight
        fitted, diverged_at, path = _fit_recording_path(model, X, y, fit_params)
        path_params = np.array([W0] + path)
        path = np.column_stack(
            [path_params[(slice(None), *ix)], path_params[(slice(None), *iy)]]
        )

        # The surface is a slice through the end of the path.
        W_end = path_params[-1].astype(W_probe.dtype)

        if x_range is None:
            x_range = _default_range(path[:, 0])
        if y_range is None:
            y_range = _default_range(path[:, 1])
        x_values = np.linspace(*x_range, grid_resolution)
        y_values = np.linspace(*y_range, grid_resolution)
        grid_x, grid_y = np.meshgrid(x_values, y_values)
        loss_values = _values_on_plane(
            objective, W_end, ix, iy, grid_x.ravel(), grid_y.ravel()
        ).reshape(grid_x.shape)
        path_loss = _values_on_plane(objective, W_end, ix, iy, path[:, 0], path[:, 1])
        if name is None:
            name = f"loss={model.loss!r}, {len(path) - 1} epochs"
        display = cls(
            x_values,
            y_values,
            loss_values,
            path,
            path_loss=path_loss,
            x_label=x_label,
            y_label=y_label,
            diverged_at=diverged_at,
            name=name,
        )
        display.estimator_ = fitted
        display.path_params_ = path_params
        return display.plot(ax=ax, kind=kind, contour_kw=contour_kw, path_kw=path_kw)

    def plot(
        self,
        ax=None,
        *,
        kind="contour",
        levels=20,
        cmap="viridis",
        colorbar=None,
        contour_kw=None,
        path_kw=None,
    ):
        """Draw the surface and the path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on (3-D for ``kind='surface'``); None makes one.
        kind : {'contour', 'surface'}, default='contour'
            Filled contours, or a 3-D surface with the path on it.
        levels : int or array-like, default=20
            Contour levels (``kind='contour'``).
        cmap : str or matplotlib Colormap, default='viridis'
            Colours of the objective (low to high).
        colorbar : bool, default=None
            Add a colour scale; None adds one to contours only (a surface
            has its z-axis).
        contour_kw : dict, default=None
            Keyword arguments of :meth:`~matplotlib.axes.Axes.contourf`
            (``kind='contour'``) or of ``plot_surface`` (``kind='surface'``),
            e.g. ``{"alpha": 0.5}``; they override the defaults.
        path_kw : dict, default=None
            Keyword arguments of :func:`matplotlib.pyplot.plot` for the
            descent path (``color``, ``linewidth``, ``marker``, ...).

        Returns
        -------
        display : LossSurfaceDisplay
            This display, with its artists stored.
        """
        _check_matplotlib_support(f"{type(self).__name__}.plot")
        if kind not in ("contour", "surface"):
            raise ValueError(f"kind must be 'contour' or 'surface'; got {kind!r}.")
        ax = _get_ax(ax, projection="3d" if kind == "surface" else None)
        if kind == "surface" and getattr(ax, "name", None) != "3d":
            raise ValueError(
                "kind='surface' needs a 3-D axes, e.g. "
                "fig.add_subplot(projection='3d')."
            )
        grid_x, grid_y = np.meshgrid(self.x_values, self.y_values)
        px, py = self.path[:, 0], self.path[:, 1]
        end_style = {
            "marker": "*",
            "markersize": 14,
            "color": "tab:red",
            "label": "end",
        }
        if self.diverged_at is not None:
            end_style.update(
                marker="X",
                markersize=11,
                label=f"end (diverged at epoch {self.diverged_at})",
            )
        self.contour_ = self.surface_ = None
        contour_kw = {} if contour_kw is None else dict(contour_kw)
        path_kw = {} if path_kw is None else dict(path_kw)
        if kind == "contour":
            self.contour_ = ax.contourf(
                grid_x,
                grid_y,
                self.loss_values,
                **{"levels": levels, "cmap": cmap, **contour_kw},
            )
            ax.contour(
                grid_x,
                grid_y,
                self.loss_values,
                levels=self.contour_.levels,
                colors="k",
                linewidths=0.3,
                alpha=0.5,
            )
            mappable = self.contour_
            (self.path_line_,) = ax.plot(
                px,
                py,
                **{
                    "color": "white",
                    "linewidth": 1.2,
                    "marker": "o",
                    "markersize": 2.5,
                    "markeredgewidth": 0,
                    "markerfacecolor": "white",
                    "label": f"descent path ({len(px) - 1} epochs)",
                    **path_kw,
                },
            )
            (self.start_marker_,) = ax.plot(
                px[:1],
                py[:1],
                marker="o",
                markersize=8,
                color="tab:orange",
                linestyle="none",
                label="start",
            )
            (self.end_marker_,) = ax.plot(
                px[-1:], py[-1:], linestyle="none", markeredgecolor="white", **end_style
            )
        else:
            if self.path_loss is None:
                raise ValueError("kind='surface' needs path_loss (the path's heights).")
            self.surface_ = ax.plot_surface(
                grid_x,
                grid_y,
                self.loss_values,
                **{
                    "cmap": cmap,
                    "alpha": 0.75,
                    "linewidth": 0,
                    "antialiased": True,
                    **contour_kw,
                },
            )
            mappable = self.surface_
            pz = self.path_loss
            (self.path_line_,) = ax.plot(
                px,
                py,
                pz,
                **{
                    "color": "black",
                    "linewidth": 1.2,
                    "marker": "o",
                    "markersize": 2,
                    "label": f"descent path ({len(px) - 1} epochs)",
                    **path_kw,
                },
            )
            (self.start_marker_,) = ax.plot(
                px[:1],
                py[:1],
                pz[:1],
                marker="o",
                markersize=8,
                color="tab:orange",
                linestyle="none",
                label="start",
            )
            (self.end_marker_,) = ax.plot(
                px[-1:], py[-1:], pz[-1:], linestyle="none", **end_style
            )
            ax.set_zlabel("training objective")
        self.colorbar_ = None
        if colorbar or (colorbar is None and kind == "contour"):
            self.colorbar_ = ax.figure.colorbar(
                mappable,
                ax=ax,
                shrink=0.7 if kind == "surface" else 1.0,
                pad=0.12 if kind == "surface" else 0.05,
                label=None if kind == "surface" else "training objective",
            )
        ax.set_xlabel(self.x_label)
        ax.set_ylabel(self.y_label)
        if self.name:
            ax.set_title(self.name)
        ax.legend(loc="upper left", fontsize="small", framealpha=0.8)
        self.ax_, self.figure_ = ax, ax.figure
        return self


# -- top keywords -------------------------------------------------------------


class TopKeywordsDisplay:
    """The features with the largest positive and negative weights.

    For a text pipeline (e.g. ``CountVectorizer -> MaxAbsScaler ->
    GDLogisticRegression``) the features are words, and the bar chart shows
    the words that push a document towards the class (right, positive
    weights) and away from it (left, negative weights).

    Use :meth:`from_estimator` with a fitted model; the constructor takes
    words and weights chosen elsewhere.

    Parameters
    ----------
    keywords : array-like of str
        The words (feature names), ordered by weight, largest first.
    weights : array-like of float
        Their weights, in the same order.
    target : object, default=None
        The class (or output) the weights push towards.
    target_name : str, default=None
        How the title names ``target``; None uses ``str(target)``.
    opposite_name : str, default=None
        The class negative weights push towards (the other class of a
        binary model), for the title; None says "away".

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        The horizontal bars, from the top (largest weight) to the bottom.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure holding them.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MaxAbsScaler
    >>> from sklearn_sigmoid import GDLogisticRegression
    >>> from sklearn_sigmoid.inspection import TopKeywordsDisplay
    >>> docs = ["a great film", "a dull film", "great acting", "dull and slow"] * 5
    >>> pipe = make_pipeline(CountVectorizer(), MaxAbsScaler(),
    ...                      GDLogisticRegression()).fit(docs, [1, 0, 1, 0] * 5)
    >>> disp = TopKeywordsDisplay.from_estimator(pipe, n=2)
    >>> list(disp.keywords)
    ['great', 'acting', 'slow', 'dull']
    """

    def __init__(
        self, keywords, weights, *, target=None, target_name=None, opposite_name=None
    ):
        self.keywords = np.asarray(keywords, dtype=object)
        self.weights = np.asarray(weights, dtype=float)
        if self.keywords.shape != self.weights.shape:
            raise ValueError("keywords and weights must have the same length.")
        self.target = target
        self.target_name = target_name
        self.opposite_name = opposite_name

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        feature_names=None,
        n=10,
        class_=None,
        target_names=None,
        ax=None,
        bar_kw=None,
    ):
        """Draw the ``n`` most positive and ``n`` most negative weights.

        Parameters
        ----------
        estimator : fitted estimator or Pipeline
            A fitted linear model with ``coef_`` (e.g.
            :class:`~sklearn_sigmoid.GDLogisticRegression`), or a pipeline
            ending in one, such as
            :func:`~sklearn_sigmoid.features.make_sentiment_pipeline`.
        feature_names : array-like of str, default=None
            Names of the model's input features.  None: from the pipeline
            (``pipeline[:-1].get_feature_names_out()``), else the model's
            ``feature_names_in_``, else ``x0, x1, ...``.
        n : int, default=10
            How many words to show on each side.  Only positive weights are
            shown on the positive side and negative ones on the other, so a
            side may have fewer.
        class_ : label, default=None
            The class whose weights to show.  Two classes: ``coef_`` has one
            row, the weights towards ``classes_[1]`` (the default);
            ``class_=classes_[0]`` shows them negated.  More classes: one of
            ``classes_``, required (the row of the softmax score of that
            class).  A regressor with several outputs: the output's index.
        target_names : sequence of str or dict, default=None
            Names of the classes for the title, as
            :func:`sklearn.metrics.classification_report` takes them: one per
            class in the order of ``classes_`` (e.g. the ``target_names`` of
            :func:`~sklearn_sigmoid.datasets.load_movie_reviews`), or a dict
            ``{label: name}``.  None: the labels themselves.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        bar_kw : dict, default=None
            Keyword arguments of :meth:`~matplotlib.axes.Axes.barh`, see
            :meth:`plot`.

        Returns
        -------
        display : TopKeywordsDisplay
            The display, drawn.

        Notes
        -----
        The weights are those of the model's inputs.  With a scaler in the
        pipeline (``MaxAbsScaler`` in the sentiment pipeline) they are
        weights per *scaled* feature: a word's raw-count weight is its
        ``coef_`` divided by the scale (its largest count).  A rare word can
        thus carry a large weight per scaled unit.
        """
        _check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if not (isinstance(n, Integral) and n >= 1):
            raise ValueError(f"n must be a positive integer; got {n!r}.")
        model = _final_step(estimator)
        check_is_fitted(model, "coef_")
        coef = np.atleast_2d(np.asarray(model.coef_, dtype=float))
        classes = getattr(model, "classes_", None)
        sign, target, opposite = 1.0, None, None
        if classes is not None and coef.shape[0] == 1 and len(classes) == 2:
            row, target, opposite = 0, classes[1], classes[0]
            if class_ is not None:
                if class_ not in list(classes):
                    raise ValueError(
                        f"class_={class_!r} is not one of {list(classes)}."
                    )
                if class_ == classes[0]:
                    sign, target, opposite = -1.0, classes[0], classes[1]
        elif classes is not None:
            if class_ is None or class_ not in list(classes):
                raise ValueError(
                    f"The model has {len(classes)} classes: choose one with "
                    f"class_= among {list(classes)}."
                )
            row = list(classes).index(class_)
            target = class_
        else:
            if class_ is None and coef.shape[0] > 1:
                raise ValueError(
                    f"The model has {coef.shape[0]} outputs: choose one with "
                    "class_=<output index>."
                )
            row = 0 if class_ is None else int(class_)
            target = None if coef.shape[0] == 1 else row
        weights = sign * coef[row]
        if feature_names is None:
            feature_names = _feature_names(estimator, len(weights))
        if feature_names is None:
            feature_names = [f"x{i}" for i in range(len(weights))]
        feature_names = np.asarray(feature_names, dtype=object)
        if len(feature_names) != len(weights):
            raise ValueError(
                f"{len(feature_names)} feature names for {len(weights)} weights."
            )
        order = np.argsort(-weights, kind="stable")
        top = order[:n][weights[order[:n]] > 0]
        bottom = order[::-1][:n][weights[order[::-1][:n]] < 0][::-1]
        chosen = np.concatenate([top, bottom])
        namer = _class_namer(classes, target_names)
        display = cls(
            feature_names[chosen],
            weights[chosen],
            target=target,
            target_name=None if target is None else namer(target),
            opposite_name=None if opposite is None else namer(opposite),
        )
        return display.plot(ax=ax, bar_kw=bar_kw)

    def plot(self, ax=None, *, colors=("tab:blue", "tab:red"), bar_kw=None):
        """Draw the bars.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        colors : (str, str), default=('tab:blue', 'tab:red')
            Colours of the positive and the negative weights.
        bar_kw : dict, default=None
            Keyword arguments of :meth:`~matplotlib.axes.Axes.barh`
            (``height``, ``alpha``, ``edgecolor``, ``color``, ...); they
            override the defaults.

        Returns
        -------
        display : TopKeywordsDisplay
            This display, with its artists stored.

        Notes
        -----
        A new figure (``ax=None``) uses matplotlib's constrained layout, so
        long words are not clipped; on a given ``ax``, lay its figure out
        likewise (``plt.figure(layout="constrained")``) or call
        ``figure.tight_layout()``.
        """
        _check_matplotlib_support(f"{type(self).__name__}.plot")
        ax = _get_ax(ax, layout="constrained")
        positions = np.arange(len(self.weights))[::-1]  # largest weight on top
        bar_kw = {} if bar_kw is None else dict(bar_kw)
        self.bars_ = ax.barh(
            positions,
            self.weights,
            **{
                "color": [colors[0] if w > 0 else colors[1] for w in self.weights],
                **bar_kw,
            },
        )
        ax.set_yticks(positions, [str(k) for k in self.keywords])
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_xlabel("weight (coef_)")
        if self.target is None:
            title = "Words with the largest weights (right) and the smallest (left)"
        else:
            name = str(self.target) if self.target_name is None else self.target_name
            other = (
                "away"
                if self.opposite_name is None
                else f"towards '{self.opposite_name}'"
            )
            title = f"Words pushing towards '{name}' (right) and {other} (left)"
        ax.set_title(title)
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _class_namer(classes, target_names):
    """``label -> display name`` for a title, from ``target_names``."""
    if target_names is None:
        return lambda label: str(label)
    if isinstance(target_names, dict):
        return lambda label: str(target_names.get(label, label))
    target_names = list(target_names)
    if classes is None or len(target_names) != len(classes):
        n = "no" if classes is None else len(classes)
        raise ValueError(
            f"target_names has {len(target_names)} names for {n} classes; give "
            f"one name per class, in the order of classes_ (or a dict)."
        )
    names = dict(zip(classes.tolist(), target_names))
    return lambda label: str(names[label.item() if hasattr(label, "item") else label])


# -- convergence (benchopt-style) ---------------------------------------------


def _is_lbfgs_logistic(estimator):
    from sklearn.linear_model import LogisticRegression

    return isinstance(estimator, LogisticRegression)


def _with_max_iter(estimator, max_iter):
    """A clone that runs exactly (at most, for lbfgs) ``max_iter`` iterations."""
    model = clone(estimator).set_params(max_iter=max_iter)
    if isinstance(model, BaseSigmoidGD):
        model.set_params(tol=None, early_stopping=False)
    else:  # lbfgs: its own stopping rules as tight as they go
        model.set_params(tol=0.0)
    return model


def _budgets(max_iter):
    """Iteration budgets: 1, 2, ..., 10, then about 20% apart, up to max_iter."""
    budgets, k = [], 1
    while k <= max_iter:
        budgets.append(k)
        k = k + 1 if k < 10 else max(k + 1, round(k * 1.2))
    if budgets[-1] != max_iter:
        budgets.append(max_iter)
    return budgets


class ConvergenceDisplay:
    """Suboptimality against iterations and time, one curve per solver.

    A benchopt-style convergence plot: each solver is run with a budget of
    ``1, 2, ..., max_iter`` iterations (an epoch of gradient descent, an
    iteration of lbfgs), from scratch each time; the objective at each
    result is evaluated by one and the same function, and its relative
    distance to the best value found, ``(f - f*) / f*``, is drawn on a
    logarithmic axis against the budget or the fit's wall-clock time.

    Use :meth:`from_estimator` to run the solvers; the constructor takes
    curves computed elsewhere.

    Parameters
    ----------
    iterations : list of array-like of int
        The iteration budgets of each curve.
    objectives : list of array-like of float
        The objective reached with each budget.
    seconds : list of array-like of float, default=None
        The wall-clock time of each fit (needed for ``x='time'``).
    names : list of str, default=None
        Legend labels; None gives "solver 0", "solver 1", ...
    f_star : float, default=None
        The reference optimum; None takes the lowest objective of all curves.
    name : str, default=None
        Title of the axes.

    Attributes
    ----------
    suboptimality : list of ndarray
        ``(f - f*) / |f*|`` for each curve, floored at ``floor`` (see
        :meth:`plot`) when drawn.
    lines_ : list of matplotlib Line2D
        One curve per solver.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure holding them.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_sigmoid import GDLogisticRegression
    >>> from sklearn_sigmoid.inspection import ConvergenceDisplay
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> solvers = [GDLogisticRegression(alpha=1 / 200),
    ...            LogisticRegression(C=1.0)]   # the same objective
    >>> disp = ConvergenceDisplay.from_estimator(solvers, X, y,
    ...                                          max_iter=20)
    """

    def __init__(
        self,
        iterations,
        objectives,
        *,
        seconds=None,
        names=None,
        f_star=None,
        name=None,
    ):
        self.iterations = [np.asarray(i, dtype=int) for i in iterations]
        self.objectives = [np.asarray(o, dtype=float) for o in objectives]
        n = len(self.objectives)
        self.seconds = (
            None if seconds is None else [np.asarray(t, dtype=float) for t in seconds]
        )
        self.names = [f"solver {i}" for i in range(n)] if names is None else list(names)
        lengths = {len(self.iterations), len(self.names)}
        if self.seconds is not None:
            lengths.add(len(self.seconds))
        if lengths != {n}:
            raise ValueError(
                f"Got {n} objective curves, {len(self.iterations)} iteration "
                f"lists, {len(self.names)} names"
                + ("" if self.seconds is None else f", {len(self.seconds)} times")
                + "; they must match."
            )
        if not all(np.all(np.isfinite(o)) for o in self.objectives):
            raise ValueError("The objective values must be finite.")
        if f_star is None:
            f_star = min(float(np.min(o)) for o in self.objectives if len(o))
        self.f_star = float(f_star)
        scale = abs(self.f_star) if self.f_star != 0 else 1.0
        self.suboptimality = [(o - self.f_star) / scale for o in self.objectives]
        self.name = name

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        max_iter=50,
        names=None,
        stop_at=1e-10,
        n_repeats=3,
        ax=None,
        x="iteration",
        name=None,
        curve_kwargs=None,
    ):
        """Run each solver with growing budgets and draw its suboptimality.

        Parameters
        ----------
        estimator : list of estimators
            Unfitted (they are cloned) binary classifiers that minimise the
            same objective: :class:`~sklearn_sigmoid.GDLogisticRegression`
            with ``loss='cross_entropy'`` and ``alpha = 1 / (C n_samples)``,
            and :class:`sklearn.linear_model.LogisticRegression` with that
            ``C`` (its objective is ``C n_samples`` times ours).  At least
            one must be a ``GDLogisticRegression``: the first one's
            training objective evaluates every result.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (already transformed: no pipeline).
        y : array-like of shape (n_samples,)
            Binary targets.
        max_iter : int, default=50
            The largest budget.  Budgets are every count up to 10, then
            about 20% apart (as benchopt samples them), so the cost grows
            like ``max_iter``, not its square.
        names : list of str, default=None
            Legend labels; None gives the class names.
        stop_at : float, default=1e-10
            A solver's budgets stop growing once its relative suboptimality
            to the reference optimum is below this (the reference is an
            lbfgs fit run to ``tol=1e-12`` first, if ``LogisticRegression``
            is among the solvers, else the best value met).
        n_repeats : int, default=3
            Each budget's fit is timed this many times and the fastest run
            kept.  A budget's time is then lowered to that of any larger
            budget that ran faster: the larger fit runs the same iterations
            and more, and a machine's noise (other processes) only ever
            adds time.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        x : {'iteration', 'time'}, default='iteration'
            The horizontal axis.
        name : str, default=None
            Title.
        curve_kwargs : dict or list of dict, default=None
            Keyword arguments of the curves, see :meth:`plot`.

        Returns
        -------
        display : ConvergenceDisplay
            The display, drawn.
        """
        import time

        _check_matplotlib_support(f"{cls.__name__}.from_estimator")
        estimators = (
            list(estimator) if isinstance(estimator, (list, tuple)) else [estimator]
        )
        ours = [est for est in estimators if isinstance(est, GDLogisticRegression)]
        if not ours:
            raise TypeError(
                "ConvergenceDisplay.from_estimator needs a GDLogisticRegression "
                "among the solvers: its training objective evaluates them all."
            )
        if getattr(ours[0], "loss", None) != "cross_entropy":
            raise ValueError(
                "The reference GDLogisticRegression must use "
                "loss='cross_entropy' (the objective LogisticRegression minimises)."
            )
        if not (isinstance(max_iter, Integral) and max_iter >= 1):
            raise ValueError(f"max_iter must be a positive integer; got {max_iter!r}.")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            reference = clone(ours[0]).set_params(max_iter=1, tol=None).fit(X, y)
            objective, _ = reference._training_objective(X, y)
            if len(reference.classes_) != 2:
                raise ValueError("ConvergenceDisplay draws binary problems only.")

            def value(model):
                return float(objective.value(_packed(model).astype(X.dtype)))

            f_star = None
            lbfgs = [est for est in estimators if _is_lbfgs_logistic(est)]
            if lbfgs:
                tight = clone(lbfgs[0]).set_params(tol=1e-12, max_iter=100_000)
                f_star = value(tight.fit(X, y))
            iterations, objectives, seconds = [], [], []
            budgets = _budgets(max_iter)
            for est in estimators:
                its, vals, times = [], [], []
                for k in budgets:
                    fastest = np.inf
                    for _ in range(n_repeats):
                        model = _with_max_iter(est, k)
                        start = time.perf_counter()
                        model.fit(X, y)
                        fastest = min(fastest, time.perf_counter() - start)
                    times.append(fastest)
                    its.append(int(np.max(model.n_iter_)))
                    vals.append(value(model))
                    best = vals[-1] if f_star is None else f_star
                    if (vals[-1] - best) <= stop_at * abs(best) or its[-1] < k:
                        break  # converged, or the solver stopped by itself
                iterations.append(its)
                objectives.append(vals)
                # A budget's fit runs a smaller budget's iterations and more:
                # a smaller budget's time is at most any larger one's.  The
                # machine's noise only adds time, so keep the lower bound.
                seconds.append(np.minimum.accumulate(np.asarray(times)[::-1])[::-1])
        if names is None:
            names = [type(est).__name__ for est in estimators]
        if f_star is not None:
            f_star = min([f_star] + [min(v) for v in objectives])
        display = cls(
            iterations,
            objectives,
            seconds=seconds,
            names=names,
            f_star=f_star,
            name=name,
        )
        return display.plot(ax=ax, x=x, curve_kwargs=curve_kwargs)

    def plot(self, ax=None, *, x="iteration", floor=1e-12, curve_kwargs=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        x : {'iteration', 'time'}, default='iteration'
            The horizontal axis: iterations (epochs) or seconds.
        floor : float, default=1e-12
            Suboptimalities below it (the optimum itself) are drawn at it,
            so that the log axis can show them.
        curve_kwargs : dict or list of dict, default=None
            Keyword arguments of :func:`matplotlib.pyplot.plot` for the
            curves: one dict for all, or one per solver.

        Returns
        -------
        display : ConvergenceDisplay
            This display, with its artists stored.
        """
        _check_matplotlib_support(f"{type(self).__name__}.plot")
        if x not in ("iteration", "time"):
            raise ValueError(f"x must be 'iteration' or 'time'; got {x!r}.")
        if x == "time" and self.seconds is None:
            raise ValueError("x='time' needs the fits' seconds.")
        kwargs = _artist_kwargs(curve_kwargs, len(self.objectives), "curve_kwargs")
        markers = "osD^v<>p"
        ax = _get_ax(ax)
        self.lines_ = []
        for i, (gap, name, kw) in enumerate(
            zip(self.suboptimality, self.names, kwargs)
        ):
            xs = self.iterations[i] if x == "iteration" else self.seconds[i]
            style = {
                "label": name,
                "marker": markers[i % len(markers)],
                "markersize": 4,
                **kw,
            }
            self.lines_.append(ax.plot(xs, np.maximum(gap, floor), **style)[0])
        ax.set_yscale("log")
        ax.set_xlabel("iterations (epochs)" if x == "iteration" else "fit time (s)")
        ax.set_ylabel("(f - f*) / f*")
        if self.name:
            ax.set_title(self.name)
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self


# -- scores by group, with the fold spread ------------------------------------


class FoldScoresDisplay:
    """Cross-validated scores by group (feature set) and model, fold by fold.

    Each model is a row within its group: a bar at the mean score with a
    line spanning the fold scores' mean ± one standard deviation, and
    every fold's score as a dot, so the spread is seen, not summarised away.

    Parameters
    ----------
    scores : dict
        ``{group: {model: fold scores}}``, e.g. ``{"keywords":
        {"GD logistic": [0.79, 0.80, ...], ...}, ...}``.  Groups and models
        are drawn in the order given.
    score_name : str, default='accuracy'
        What the scores are, for the axis label.

    Attributes
    ----------
    bars_ : dict of matplotlib BarContainer
        One container per model, its bars in the order of the groups.
    fold_points_ : dict of matplotlib PathCollection
        The fold scores of each model.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure holding them.
    """

    def __init__(self, scores, *, score_name="accuracy"):
        self.scores = {
            group: {model: np.asarray(s, dtype=float) for model, s in by.items()}
            for group, by in scores.items()
        }
        if not self.scores:
            raise ValueError("No scores given.")
        self.groups = list(self.scores)
        self.models = list(dict.fromkeys(m for by in self.scores.values() for m in by))
        self.score_name = score_name

    def plot(self, ax=None, *, xlim=None, bar_kw=None, point_kw=None):
        """Draw the chart.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        xlim : (float, float), default=None
            Score axis limits; None spans the fold scores with a margin.
        bar_kw : dict, default=None
            Keyword arguments of :meth:`~matplotlib.axes.Axes.barh` for
            every model's bars (``alpha``, ``height``, ...).
        point_kw : dict, default=None
            Keyword arguments of :meth:`~matplotlib.axes.Axes.scatter` for
            the fold scores.

        Returns
        -------
        display : FoldScoresDisplay
            This display, with its artists stored.
        """
        _check_matplotlib_support(f"{type(self).__name__}.plot")
        ax = _get_ax(ax, layout="constrained")
        n_models = len(self.models)
        height = 0.8 / n_models
        all_scores = np.concatenate(
            [s for by in self.scores.values() for s in by.values()]
        )
        if xlim is None:
            lo, hi = float(np.min(all_scores)), float(np.max(all_scores))
            pad = max(0.1 * (hi - lo), 0.01)
            xlim = (lo - pad, hi + pad)
        self.bars_, self.fold_points_ = {}, {}
        colors = [f"C{i}" for i in range(n_models)]
        for j, model in enumerate(self.models):
            # Group g around y = -g (first group on top), models downwards in it.
            ys, means, stds, fold_y, fold_x = [], [], [], [], []
            for g, group in enumerate(self.groups):
                s = self.scores[group].get(model)
                if s is None or len(s) == 0:
                    continue
                y = -g + 0.4 - height * (j + 0.5)
                ys.append(y)
                means.append(s.mean())
                stds.append(s.std())
                fold_y += [y] * len(s)
                fold_x += list(s)
            self.bars_[model] = ax.barh(
                ys,
                np.array(means) - xlim[0],
                left=xlim[0],
                **{
                    "height": height * 0.9,
                    "color": colors[j],
                    "alpha": 0.35,
                    "label": model,
                    **(bar_kw or {}),
                },
            )
            ax.errorbar(
                means,
                ys,
                xerr=stds,
                fmt="|",
                color=colors[j],
                markersize=10,
                capsize=3,
                linewidth=1.2,
            )
            self.fold_points_[model] = ax.scatter(
                fold_x,
                fold_y,
                **{
                    "s": 14,
                    "color": colors[j],
                    "edgecolor": "black",
                    "linewidth": 0.4,
                    "zorder": 3,
                    **(point_kw or {}),
                },
            )
        ax.set_yticks([-g for g in range(len(self.groups))], self.groups)
        ax.set_xlim(*xlim)
        ax.set_xlabel(f"{self.score_name} (bar: mean, line: ± 1 std, dots: folds)")
        ax.grid(axis="x", alpha=0.3)
        # Beside the axes, never over the dots.
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize="small",
            title="model",
        )
        self.ax_, self.figure_ = ax, ax.figure
        return self
