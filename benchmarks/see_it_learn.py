"""The figures of the README's "See it learn" section, from real runs.

* ``lecture_loss_surface.png`` -- the lecture's toy problem (two points, one
  input, start ``w = 0, b = -8``, 1000 epochs of ``eta = 1`` summed, i.e.
  ``learning_rate = 2`` averaged): the squared-error and the cross-entropy
  loss over ``w`` in [-2, 6], ``b`` in [-10, 2], with the path of gradient
  descent on each.
* ``lecture_loss_surface_3d.png`` -- the same two surfaces in 3-D.
* ``learning_rate_sweep.png`` -- logistic regression on per-keyword counts of
  the movie reviews, trained with learning rates from too small to too large.
* ``loss_curves_mse_vs_ce.png`` -- the same features, squared error against
  cross-entropy, with their validation accuracy (early stopping on).
* ``top_keywords.png`` -- the words two full-vocabulary models weigh most:
  one on word counts (the README's pipeline), one on word presence.

The movie reviews are looked for in ``--data-home``, then
``$SKLEARN_SIGMOID_DATA``, then ``../shared/data`` beside the project, then
``~/sklearn_sigmoid_data`` (the order of every script; see ``_common.py``).

Run: ``python benchmarks/see_it_learn.py [--data-home DIR] [--out DIR]``
(needs the ``plot`` extra: ``pip install -e ".[plot]"``).
"""

import argparse
import io
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import sys

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image  # installed with matplotlib
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA_HOME_HELP, default_data_home

from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor
from sklearn_sigmoid.datasets import load_movie_reviews
from sklearn_sigmoid.features import KeywordCounter, make_sentiment_pipeline
from sklearn_sigmoid.inspection import (
    LearningRateSweepDisplay,
    LossCurveDisplay,
    LossSurfaceDisplay,
    TopKeywordsDisplay,
)

DPI = 96
FIGURES = Path(__file__).resolve().parent / "figures"

# The lecture's toy problem.
LECTURE_X = np.array([[0.5], [2.5]])
LECTURE_Y = np.array([0.2, 0.9])
LECTURE_ETA = 1.0  # the lecture sums the two per-point gradients ...
LECTURE_LEARNING_RATE = len(LECTURE_X) * LECTURE_ETA  # ... the package averages
LECTURE_START = (0.0, -8.0)
LECTURE_GRID = {"x_range": (-2.0, 6.0), "y_range": (-10.0, 2.0)}


def lecture_neuron(loss):
    return SigmoidNeuronRegressor(
        loss=loss,
        learning_rate=LECTURE_LEARNING_RATE,
        alpha=0,
        max_iter=1000,
        tol=None,
    )


def lecture_surfaces(out):
    """The lecture's loss surface and descent path, MSE next to cross-entropy."""
    paths = []
    for kind, name, subplot_kw, size, resolution in [
        ("contour", "lecture_loss_surface.png", {}, (10, 4.2), 60),
        ("surface", "lecture_loss_surface_3d.png", {"projection": "3d"}, (10, 4.6), 40),
    ]:
        fig, axes = plt.subplots(1, 2, figsize=size, subplot_kw=subplot_kw)
        for ax, loss, title in zip(
            axes, ["mse", "cross_entropy"], ["squared error", "cross-entropy"]
        ):
            disp = LossSurfaceDisplay.from_estimator(
                lecture_neuron(loss),
                LECTURE_X,
                LECTURE_Y,
                start=LECTURE_START,
                kind=kind,
                grid_resolution=resolution,
                ax=ax,
                **LECTURE_GRID,
            )
            w, b = disp.path[-1]
            ax.set_title(
                f"{title}: 1000 epochs from (0, -8) end at\n"
                f"w = {w:.2f}, b = {b:.2f}, loss {disp.path_loss[-1]:.3g}",
                fontsize="medium",
            )
        fig.tight_layout()
        paths.append(save(fig, out / name))
    return paths


def learning_rate_sweep(out, X, y):
    """Too small, good, too large and diverging steps on keyword features."""
    fig, ax = plt.subplots(figsize=(9.5, 4.2))
    model = GDLogisticRegression(alpha=1e-4, max_iter=300, tol=None)
    disp = LearningRateSweepDisplay.from_estimator(
        model,
        X,
        y,
        learning_rates=[1.0, 10.0, 30.0, 100.0, 300.0],
        ax=ax,
        log_scale=True,
        name="Logistic regression on 71 keyword counts: five learning rates",
    )
    ax.set_xscale("log")  # the first epochs decide: spread them out
    ax.title.set_fontsize("medium")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    fig.tight_layout()
    return [save(fig, out / "learning_rate_sweep.png")], disp


def loss_curves(out, X, y):
    """Squared error against cross-entropy on the same features."""
    fig, ax = plt.subplots(figsize=(7, 5))
    models = [
        GDLogisticRegression(
            loss=loss,
            learning_rate=10.0,
            max_iter=300,
            tol=None,
            early_stopping=True,
            validation_fraction=0.2,
            random_state=0,
        ).fit(X, y)
        for loss in ("mse", "cross_entropy")
    ]
    disp = LossCurveDisplay.from_estimator(
        models, names=["squared error", "cross-entropy"], log_scale=True, ax=ax
    )
    ax.set_title(
        "71 keyword counts, learning_rate=10: squared error vs cross-entropy",
        fontsize="medium",
    )
    fig.tight_layout()
    return [save(fig, out / "loss_curves_mse_vs_ce.png")], disp


def top_keywords(out, docs, y):
    """The words full-vocabulary models weigh most: counts, then presence."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 5.5))
    displays = []
    for ax, binary, title in [
        (axes[0], False, "word counts (the README's pipeline)"),
        (axes[1], True, "word present or not (binary=True)"),
    ]:
        pipe = make_sentiment_pipeline(keywords=None, binary=binary).fit(docs, y)
        disp = TopKeywordsDisplay.from_estimator(pipe, n=12, class_=1, ax=ax)
        ax.set_title(
            f"{title}:\nfor a positive review (right), against (left)",
            fontsize="medium",
        )
        ax.set_xlabel("weight per MaxAbs-scaled feature")
        displays.append(disp)
    fig.tight_layout()
    return [save(fig, out / "top_keywords.png")], displays


def save(fig, path):
    """Write a small PNG: rendered at ``DPI``, then reduced to 256 colours."""
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=DPI)
    plt.close(fig)
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-home", default=default_data_home(), help=DATA_HOME_HELP)
    parser.add_argument(
        "--out",
        default=str(FIGURES),
        help="folder for the PNG files (default: benchmarks/figures)",
    )
    args = parser.parse_args(argv)
    data_home = args.data_home
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    written = lecture_surfaces(out)
    docs, y = load_movie_reviews(data_home=data_home, return_X_y=True)
    keywords = make_pipeline(KeywordCounter(summarize=False), MaxAbsScaler())
    X = keywords.fit_transform(docs, y)
    paths, sweep = learning_rate_sweep(out, X, y)
    written += paths
    print("sweep: diverged at", dict(zip(sweep.learning_rates, sweep.diverged_at)))
    paths, curves = loss_curves(out, X, y)
    written += paths
    print(
        "best validation accuracy:",
        {
            n: round(float(np.max(s)), 3)
            for n, s in zip(curves.names, curves.validation_scores)
        },
    )
    paths, words = top_keywords(out, docs, y)
    written += paths
    for disp in words:
        print("top words:", list(disp.keywords))
    for path in written:
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)")
    print(f"done in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
