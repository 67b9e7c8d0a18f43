# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Movie-review sentiment: gradient descent against scikit-learn, honestly.

The package's main job, as a command::

    python -m sklearn_sigmoid.sentiment            # or: sklearn-sigmoid-sentiment
    python -m sklearn_sigmoid.sentiment --help

The lecture's exercise -- sentiment from keyword counts -- on Pang & Lee's
polarity corpus (2000 reviews), with the same stratified folds for every
model:

* ``GDLogisticRegression`` with the cross-entropy and with the squared error,
* ``SigmoidNeuronRegressor`` (squared error) thresholded at 0.5,
* scikit-learn's ``LogisticRegression`` (lbfgs) with the same L2 strength
  (``alpha = 1 / (C * n_train)``),
* scikit-learn's ``SGDClassifier(loss="log_loss")`` with the same ``alpha``,

on three feature sets: the package's default keyword list (summarised
counts), Hu & Liu's opinion lexicon (one count per lexicon word) and the full
vocabulary, each MaxAbs-scaled.  Features are fitted on each training fold;
only the model's ``fit`` is timed, under one BLAS thread for every model.  A
``GridSearchCV`` over ``learning_rate`` reports the value it picks.

Writes, into ``--out``: ``movie_reviews.md`` (the table), ``movie_reviews.json``
(every number, plus the machine and the software versions) and, when
matplotlib is installed (``pip install "sklearn-sigmoid[plot]"``), three
figures drawn by :mod:`sklearn_sigmoid.inspection`: ``convergence.png``
(suboptimality against epochs and time, ours against lbfgs, per feature set),
``accuracy.png`` (accuracy by model and feature set, fold by fold) and
``top_keywords.png`` (the vocabulary model's strongest words).

The data is looked for as :mod:`sklearn_sigmoid.datasets` looks for it
(``--data-home``, then ``$SKLEARN_SIGMOID_DATA``, then
``~/sklearn_sigmoid_data``); the corpus is downloaded (NLTK's copy, SHA-256
checked) only with ``--download``.  The opinion lexicon cannot be downloaded:
without it the ``lexicon`` feature set is skipped, with a message.
"""

import argparse
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler
from threadpoolctl import threadpool_limits

from sklearn_sigmoid._classifier import GDLogisticRegression
from sklearn_sigmoid._environment import machine_info, machine_line
from sklearn_sigmoid._regressor import SigmoidNeuronRegressor
from sklearn_sigmoid.datasets import (
    DATA_HOME_ENV,
    load_movie_reviews,
    load_opinion_lexicon,
)
from sklearn_sigmoid.features import KeywordCounter, make_sentiment_pipeline

__all__ = ["FEATURE_SETS", "MODELS", "main"]

C = 1.0  # LogisticRegression's default; alpha = 1 / (C * n_train) for the others

#: The feature sets, in the order they are run.
FEATURE_SETS = ("keywords", "lexicon", "vocabulary")

#: Model name -> short label for the progress lines.
MODELS = {
    "GD logistic (cross-entropy)": "GD-CE",
    "GD logistic (MSE)": "GD-MSE",
    "Sigmoid neuron (MSE) > 0.5": "neuron",
    "sklearn LogisticRegression": "lbfgs",
    "sklearn SGDClassifier (log_loss)": "SGD",
}
_OURS = "GD logistic (cross-entropy)"
_LBFGS = "sklearn LogisticRegression"
_LEARNING_RATES = [0.1, 1.0, 10.0, 100.0, "auto"]


def make_feature_set(name, lexicon=None):
    """An unfitted transformer (text -> MaxAbs-scaled features) by name."""
    if name == "keywords":
        return make_pipeline(KeywordCounter(), MaxAbsScaler())
    if name == "lexicon":
        return make_pipeline(
            KeywordCounter.from_lexicon(
                lexicon.positive, lexicon.negative, summarize=False
            ),
            MaxAbsScaler(),
        )
    if name == "vocabulary":
        return make_pipeline(CountVectorizer(), MaxAbsScaler())
    raise ValueError(f"Unknown feature set {name!r}; choose among {FEATURE_SETS}.")


def make_models(alpha, seed):
    """Model name -> unfitted model, all with the same L2 strength."""
    return {
        "GD logistic (cross-entropy)": GDLogisticRegression(alpha=alpha),
        "GD logistic (MSE)": GDLogisticRegression(loss="mse", alpha=alpha),
        "Sigmoid neuron (MSE) > 0.5": SigmoidNeuronRegressor(alpha=alpha),
        "sklearn LogisticRegression": LogisticRegression(C=C, max_iter=10_000),
        "sklearn SGDClassifier (log_loss)": SGDClassifier(
            loss="log_loss", alpha=alpha, random_state=seed
        ),
    }


def _positive_probability(model, X):
    if isinstance(model, SigmoidNeuronRegressor):
        return model.predict(X)  # the neuron's output, targets being 0/1
    return model.predict_proba(X)[:, 1]


def _most_common(values):
    values = [v for v in values if v is not None]
    return Counter(values).most_common(1)[0][0] if values else None


def evaluate(docs, target, featurizers, folds, seed, log):
    """Cross-validate every model on every feature set.

    Returns ``(results, fold1)``: per ``(feature set, model)`` the fold
    scores and fit facts, and per feature set the fold-1 training features,
    labels, feature names and fitted models (for the figures).
    """
    results, fold1 = {}, {}
    n_folds = len(folds)
    for feat_name, featurizer in featurizers.items():
        started = time.perf_counter()
        for fold, (train, test) in enumerate(folds):
            feats = clone(featurizer)
            X_train = feats.fit_transform(docs[train])
            X_test = feats.transform(docs[test])
            y_train, y_test = target[train], target[test]
            alpha = 1.0 / (C * len(train))
            scores = []
            for model_name, model in make_models(alpha, seed).items():
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ConvergenceWarning)
                    start = time.perf_counter()
                    model.fit(X_train, y_train)
                    seconds = time.perf_counter() - start
                p = np.clip(_positive_probability(model, X_test), 1e-15, 1 - 1e-15)
                row = results.setdefault(
                    (feat_name, model_name),
                    {
                        "accuracy": [],
                        "log_loss": [],
                        "roc_auc": [],
                        "fit_seconds": [],
                        "n_iter": [],
                        "convergence_warnings": 0,
                        "dual_gap": [],
                        "stop_reason": [],
                    },
                )
                row["accuracy"].append(float(accuracy_score(y_test, p > 0.5)))
                row["log_loss"].append(float(log_loss(y_test, p, labels=[0, 1])))
                row["roc_auc"].append(float(roc_auc_score(y_test, p)))
                row["fit_seconds"].append(seconds)
                row["n_iter"].append(int(np.max(getattr(model, "n_iter_", 0))))
                gap = getattr(model, "dual_gap_", None)
                # No certificate (the squared error is not convex): None.
                gap = float(gap) if gap is not None and np.isfinite(gap) else None
                row["dual_gap"].append(gap)
                row["stop_reason"].append(getattr(model, "stop_reason_", None))
                row["convergence_warnings"] += sum(
                    issubclass(w.category, ConvergenceWarning) for w in caught
                )
                if fold == 0:
                    entry = fold1.setdefault(
                        feat_name,
                        {
                            "X": X_train,
                            "y": y_train,
                            "alpha": alpha,
                            "models": {},
                            "feature_names": feats.get_feature_names_out(),
                        },
                    )
                    entry["models"][model_name] = model
                scores.append(f"{MODELS[model_name]} {row['accuracy'][-1]:.3f}")
            log(
                f"[{feat_name}] fold {fold + 1}/{n_folds} ({X_train.shape[1]} "
                f"features): accuracy " + ", ".join(scores)
            )
        log(f"[{feat_name}] done in {time.perf_counter() - started:.1f} s")
    return results, fold1


def grid_search(docs, target, folds, log):
    """GridSearchCV over learning_rate on keyword features, the outer folds as cv."""
    log(
        f"GridSearchCV over learning_rate {_LEARNING_RATES} (keywords, "
        f"{len(folds)} folds) ..."
    )
    pipe = make_sentiment_pipeline(GDLogisticRegression(max_iter=300))
    grid = {"model__learning_rate": _LEARNING_RATES}
    search = GridSearchCV(pipe, grid, cv=folds, error_score=np.nan)
    with warnings.catch_warnings():
        # A too-large step ends its fits with DivergenceError: scored as NaN and
        # reported as "diverged" below, not as a traceback.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.filterwarnings("ignore", message="One or more of the test scores")
        search.fit(docs, target)
    scores = {
        str(p["model__learning_rate"]): (float(s) if np.isfinite(s) else "diverged")
        for p, s in zip(
            search.cv_results_["params"], search.cv_results_["mean_test_score"]
        )
    }
    best = search.best_params_["model__learning_rate"]
    log(f"GridSearchCV over learning_rate (keywords): best {best!r}, scores {scores}")
    return {"best_learning_rate": best, "mean_test_score": scores}


def summarise(results):
    """One JSON-ready row per (feature set, model)."""
    reference = {
        feat: float(np.median(r["fit_seconds"]))
        for (feat, model), r in results.items()
        if model == _LBFGS
    }
    rows = []
    for (feat, model), r in results.items():
        med = float(np.median(r["fit_seconds"]))
        gaps = [g for g in r["dual_gap"] if g is not None]
        rows.append(
            {
                "features": feat,
                "model": model,
                "accuracy_mean": float(np.mean(r["accuracy"])),
                "accuracy_std": float(np.std(r["accuracy"])),
                "log_loss": float(np.mean(r["log_loss"])),
                "roc_auc": float(np.mean(r["roc_auc"])),
                "median_fit_seconds": med,
                "fit_time_vs_lbfgs": med / reference[feat]
                if feat in reference
                else None,
                "median_epochs": float(np.median(r["n_iter"])),
                "median_dual_gap": float(np.median(gaps)) if gaps else None,
                "stop_reason": _most_common(r["stop_reason"]),
                "convergence_warnings": r["convergence_warnings"],
                "fold_accuracy": r["accuracy"],
                "fold_dual_gap": r["dual_gap"],
                "fold_stop_reason": r["stop_reason"],
            }
        )
    return rows


def markdown_table(rows):
    """The results as a Markdown table."""
    head = (
        "| features | model | accuracy | log-loss | ROC AUC | fit s (median) "
        "| fit time / lbfgs | epochs | dual gap (median) | stop |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        ratio = r["fit_time_vs_lbfgs"]
        gap = r["median_dual_gap"]
        lines.append(
            f"| {r['features']} | {r['model']} | {r['accuracy_mean']:.3f} ± "
            f"{r['accuracy_std']:.3f} | {r['log_loss']:.3f} | {r['roc_auc']:.3f} | "
            f"{r['median_fit_seconds']:.3f} | "
            f"{'—' if ratio is None else f'{ratio:.2f}'} | "
            f"{r['median_epochs']:.0f} | {'—' if gap is None else f'{gap:.1e}'} | "
            f"{r['stop_reason'] or '—'} |"
        )
    return "\n".join(lines)


def _import_pyplot():
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_figures(plt, fold1, results, target_names, seed, out, log):
    """Draw the three figures with the package's displays; their paths."""
    from sklearn_sigmoid.inspection import (
        ConvergenceDisplay,
        FoldScoresDisplay,
        TopKeywordsDisplay,
    )

    written = []
    feats = list(fold1)
    log(
        "Convergence curves: each solver refitted with growing iteration "
        "budgets on fold 1 (the longest step) ..."
    )
    fig, axes = plt.subplots(
        2,
        len(feats),
        figsize=(4.6 * len(feats), 7.4),
        squeeze=False,
        layout="constrained",
    )
    styles = [{"color": "C0"}, {"color": "C3", "linestyle": "--"}]
    for j, feat in enumerate(feats):
        started = time.perf_counter()
        entry = fold1[feat]
        solvers = [make_models(entry["alpha"], seed)[name] for name in (_OURS, _LBFGS)]
        names = ["GD logistic (ours)", "LogisticRegression (lbfgs)"]
        disp = ConvergenceDisplay.from_estimator(
            solvers,
            entry["X"],
            entry["y"],
            max_iter=80,
            names=names,
            ax=axes[0, j],
            curve_kwargs=styles,
            name=f"{feat} ({entry['X'].shape[1]} features, fold 1)",
        )
        disp.plot(ax=axes[1, j], x="time", curve_kwargs=styles)
        axes[1, j].set_title(f"{feat}: against fit time (fastest of 3 runs)")
        log(
            f"[{feat}] convergence curves done in {time.perf_counter() - started:.1f} s"
        )
    fig.suptitle(
        "Suboptimality of the L2 logistic objective (same objective "
        "for both solvers; f* the best value found)",
        fontsize="medium",
    )
    path = out / "convergence.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    written.append(path)

    scores = {}
    for (feat, model), r in results.items():
        scores.setdefault(feat, {})[model] = r["accuracy"]
    n_rows = sum(len(by) for by in scores.values())
    fig, ax = plt.subplots(figsize=(9.5, 1.2 + 0.32 * n_rows), layout="constrained")
    FoldScoresDisplay(scores, score_name="accuracy").plot(ax=ax)
    ax.set_title("Cross-validated accuracy by feature set and model")
    path = out / "accuracy.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    written.append(path)

    if "vocabulary" in fold1 or feats:
        feat = "vocabulary" if "vocabulary" in fold1 else feats[-1]
        entry = fold1[feat]
        fig, ax = plt.subplots(figsize=(7.0, 5.6), layout="constrained")
        TopKeywordsDisplay.from_estimator(
            entry["models"][_OURS],
            feature_names=entry["feature_names"],
            n=12,
            target_names=target_names,
            ax=ax,
        )
        ax.set_xlabel(f"weight per MaxAbs-scaled count ({feat} features, fold 1)")
        path = out / "top_keywords.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    return written


def build_parser(*, data_home=None, out="sentiment-results"):
    """The command's argument parser (defaults can be set by a caller)."""
    invoked = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    parser = argparse.ArgumentParser(
        prog=(
            invoked
            if invoked.startswith("sklearn-sigmoid-sentiment")
            else "python -m sklearn_sigmoid.sentiment"
        ),
        description="Movie-review sentiment: the package's gradient-descent models "
        "against scikit-learn's, by cross-validation on Pang & Lee's "
        "polarity corpus. Prints a table; writes it as Markdown and "
        "JSON, and figures if matplotlib is installed.",
    )
    parser.add_argument(
        "--data-home",
        default=data_home,
        metavar="DIR",
        help=f"folder to look in first for the corpus and the lexicon (then "
        f"${DATA_HOME_ENV}, then ~/sklearn_sigmoid_data); default: "
        f"{data_home or 'none'}",
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help="download the polarity corpus (NLTK's copy, SHA-256 checked) into "
        "the data home if it is found nowhere; without it a missing corpus "
        "is an error",
    )
    parser.add_argument(
        "--out",
        default=out,
        metavar="DIR",
        help=f"folder for movie_reviews.md, movie_reviews.json and the PNGs "
        f"(created if missing; default: {out})",
    )
    parser.add_argument(
        "--features",
        nargs="+",
        choices=FEATURE_SETS,
        default=list(FEATURE_SETS),
        metavar="SET",
        help=f"feature sets to run, among {', '.join(FEATURE_SETS)} (default: "
        f"all; lexicon is skipped with a message if the lexicon is missing)",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=5,
        metavar="K",
        help="number of stratified cross-validation folds (default: 5)",
    )
    parser.add_argument(
        "--max-docs",
        type=int,
        default=None,
        metavar="N",
        help="use a stratified sample of N reviews, for a quick try "
        "(default: all 2000)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the folds, the sample and SGDClassifier (default: 0)",
    )
    parser.add_argument(
        "--no-grid-search",
        action="store_true",
        help="skip the GridSearchCV over learning_rate",
    )
    parser.add_argument(
        "--no-figures",
        action="store_true",
        help="write no PNGs (they need matplotlib: pip install "
        "'sklearn-sigmoid[plot]')",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print only the table and the files written, no progress lines",
    )
    return parser


def main(argv=None, *, data_home=None, out="sentiment-results"):
    """Run the main job; the process exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The command-line arguments (None: ``sys.argv[1:]``); see ``--help``.
    data_home, out : str, default=None, 'sentiment-results'
        Defaults of ``--data-home`` and ``--out``, for a caller that knows
        better (the repository's ``benchmarks/movie_reviews.py``).

    Returns
    -------
    status : int
        0 on success, 2 when the corpus is missing (and ``--download`` not
        given) or an option is invalid.
    """
    parser = build_parser(data_home=data_home, out=out)
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error(f"--folds must be at least 2; got {args.folds}.")
    if args.max_docs is not None and args.max_docs < 2 * args.folds:
        parser.error(
            f"--max-docs must be at least twice --folds ({2 * args.folds}); "
            f"got {args.max_docs}."
        )
    out = Path(args.out)

    def log(msg):
        if not args.quiet:
            print(msg, flush=True)

    log("Loading the polarity corpus ...")
    try:
        bunch = load_movie_reviews(
            data_home=args.data_home, download_if_missing=args.download
        )
    except FileNotFoundError as exc:
        print(
            f"error: {exc}\n\nOr run again with --download to fetch it.",
            file=sys.stderr,
        )
        return 2
    docs = np.asarray(bunch.data, dtype=object)
    target = np.asarray(bunch.target)
    target_names = list(bunch.target_names)
    if args.max_docs is not None and args.max_docs < len(docs):
        docs, _, target, _ = train_test_split(
            docs,
            target,
            train_size=args.max_docs,
            stratify=target,
            random_state=args.seed,
        )

    featurizers = {}
    for name in args.features:
        if name == "lexicon":
            try:
                lexicon = load_opinion_lexicon(data_home=args.data_home)
            except FileNotFoundError as exc:
                print(f"Skipping the lexicon feature set: {exc}", file=sys.stderr)
                continue
            featurizers[name] = make_feature_set(name, lexicon)
        else:
            featurizers[name] = make_feature_set(name)
    if not featurizers:
        print("error: no feature set left to run.", file=sys.stderr)
        return 2

    plt = None if args.no_figures else _import_pyplot()
    out.mkdir(parents=True, exist_ok=True)
    cv = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    folds = list(cv.split(docs, target))
    log(
        f"{len(docs)} reviews ({np.bincount(target).tolist()} "
        f"{'/'.join(target_names)}), {args.folds}-fold stratified CV, C={C}, "
        f"one BLAS thread per fit"
    )
    started = time.perf_counter()
    with threadpool_limits(1):
        results, fold1 = evaluate(docs, target, featurizers, folds, args.seed, log)
        search = None
        if not args.no_grid_search and "keywords" in featurizers:
            search = grid_search(docs, target, folds, log)
    rows = summarise(results)
    table = markdown_table(rows)
    total = time.perf_counter() - started

    machine = machine_info(blas_threads_during_fits=1)
    cv_text = (
        f"StratifiedKFold(n_splits={args.folds}, shuffle=True, "
        f"random_state={args.seed})"
    )
    report = {
        "dataset": f"Pang & Lee polarity v2.0 ({len(docs)} reviews)",
        "cv": cv_text,
        "C": C,
        "target_names": target_names,
        "machine": machine,
        "results": rows,
        "grid_search": search,
        "loss_curves_fold1": {
            f"{feat} | {name}": [float(v) for v in model.loss_curve_]
            for feat, entry in fold1.items()
            for name, model in entry["models"].items()
            if hasattr(model, "loss_curve_")
        },
        "total_seconds": total,
    }
    (out / "movie_reviews.json").write_text(json.dumps(report, indent=2, default=str))
    search_text = (
        ""
        if search is None
        else (
            f"\n\nGridSearchCV over learning_rate (keywords, same folds): best "
            f"{search['best_learning_rate']!r}; mean accuracy per value: "
            f"{search['mean_test_score']}."
        )
    )
    (out / "movie_reviews.md").write_text(
        f"Pang & Lee polarity v2.0, {len(docs)} reviews, {args.folds}-fold "
        f"stratified CV (same folds for every model), C = {C} (alpha = 1/(C "
        f"n_train)), MaxAbs-scaled features, one BLAS thread. Machine: "
        f"{machine_line(machine)}.\n\n" + table + search_text + "\n"
    )
    print()
    print(table)
    if search is not None:
        print(f"\nGridSearchCV picked learning_rate={search['best_learning_rate']!r}")
    print(f"\nMachine: {machine_line(machine)}; total {total:.0f} s")

    written = [out / "movie_reviews.md", out / "movie_reviews.json"]
    if args.no_figures:
        note = " (no figures: --no-figures)"
    elif plt is None:
        note = (
            " (no figures: matplotlib is not installed; pip install "
            "'sklearn-sigmoid[plot]')"
        )
    else:
        with threadpool_limits(1):
            written += plot_figures(
                plt, fold1, results, target_names, args.seed, out, log
            )
        note = ""
    print("wrote " + ", ".join(str(p) for p in written) + note, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
