"""Movie-review sentiment: gradient descent against scikit-learn, honestly.

The lecture's exercise -- sentiment from keyword counts -- on Pang & Lee's
polarity corpus (2000 reviews), with the same stratified 5-fold splits for
every model:

* ``GDLogisticRegression`` with the cross-entropy and with the squared error,
* ``SigmoidNeuronRegressor`` (squared error) thresholded at 0.5,
* scikit-learn's ``LogisticRegression`` (lbfgs) with the same L2 strength
  (``alpha = 1 / (C * n_train)``),
* scikit-learn's ``SGDClassifier(loss="log_loss")`` with the same ``alpha``,

on three feature sets: the package's default keyword list (summarised counts),
Hu & Liu's opinion lexicon (one count per lexicon word) and the full
vocabulary, each MaxAbs-scaled.  Features are fitted on each training fold;
only the model's ``fit`` is timed, under one BLAS thread for every model.
A ``GridSearchCV`` over ``learning_rate`` reports the value it picks.

Writes ``results/movie_reviews.{md,json}``, ``results/loss_curves.png`` and
``results/top_keywords.png`` (through :mod:`sklearn_sigmoid.inspection`)
(next to this script unless ``--out`` says otherwise) and prints the table.

Run: ``python benchmarks/movie_reviews.py`` (see README for the one-line set-up).
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler
from threadpoolctl import threadpool_info, threadpool_limits

from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor
from sklearn_sigmoid.datasets import load_movie_reviews, load_opinion_lexicon
from sklearn_sigmoid.features import KeywordCounter, make_sentiment_pipeline

C = 1.0  # LogisticRegression's default; alpha = 1 / (C * n_train) for the others
N_FOLDS = 5
SEED = 0


def default_data_home():
    """``../shared/data`` beside the project if present, else the loader's default."""
    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    return str(shared) if shared.is_dir() else None


def feature_sets(data_home):
    """name -> unfitted transformer (text -> scaled features)."""
    lexicon = load_opinion_lexicon(data_home=data_home)
    return {
        "keywords": make_pipeline(KeywordCounter(), MaxAbsScaler()),
        "lexicon": make_pipeline(
            KeywordCounter.from_lexicon(lexicon.positive, lexicon.negative,
                                        summarize=False),
            MaxAbsScaler(),
        ),
        "vocabulary": make_pipeline(CountVectorizer(), MaxAbsScaler()),
    }


def models(alpha):
    """name -> unfitted model, all with the same L2 strength."""
    return {
        "GD logistic (cross-entropy)": GDLogisticRegression(alpha=alpha),
        "GD logistic (MSE)": GDLogisticRegression(loss="mse", alpha=alpha),
        "Sigmoid neuron (MSE) > 0.5": SigmoidNeuronRegressor(alpha=alpha),
        "sklearn LogisticRegression": LogisticRegression(C=C, max_iter=10_000),
        "sklearn SGDClassifier (log_loss)": SGDClassifier(
            loss="log_loss", alpha=alpha, random_state=SEED
        ),
    }


def positive_probability(model, X):
    if isinstance(model, SigmoidNeuronRegressor):
        return model.predict(X)  # the neuron's output, targets being 0/1
    return model.predict_proba(X)[:, 1]


def evaluate(data, target, data_home, log):
    cv = StratifiedKFold(N_FOLDS, shuffle=True, random_state=SEED)
    folds = list(cv.split(data, target))
    docs = np.asarray(data, dtype=object)
    results, curves, fold1_models = {}, {}, {}
    for feat_name, featurizer in feature_sets(data_home).items():
        for fold, (train, test) in enumerate(folds):
            feats = clone(featurizer)
            X_train = feats.fit_transform(docs[train])
            X_test = feats.transform(docs[test])
            y_train, y_test = target[train], target[test]
            alpha = 1.0 / (C * len(train))
            line = [
                f"[{feat_name}] fold {fold + 1}/{N_FOLDS} "
                f"({X_train.shape[1]} features):"
            ]
            for model_name, model in models(alpha).items():
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ConvergenceWarning)
                    start = time.perf_counter()
                    model.fit(X_train, y_train)
                    seconds = time.perf_counter() - start
                p = np.clip(positive_probability(model, X_test), 1e-15, 1 - 1e-15)
                row = results.setdefault((feat_name, model_name), {
                    "accuracy": [], "log_loss": [], "roc_auc": [], "fit_seconds": [],
                    "n_iter": [], "convergence_warnings": 0,
                })
                row["accuracy"].append(accuracy_score(y_test, p > 0.5))
                row["log_loss"].append(log_loss(y_test, p, labels=[0, 1]))
                row["roc_auc"].append(roc_auc_score(y_test, p))
                row["fit_seconds"].append(seconds)
                row["n_iter"].append(int(np.max(getattr(model, "n_iter_", 0))))
                row["convergence_warnings"] += sum(
                    issubclass(w.category, ConvergenceWarning) for w in caught
                )
                if fold == 0 and hasattr(model, "loss_curve_"):
                    curves[(feat_name, model_name)] = list(map(float, model.loss_curve_))
                    entry = fold1_models.setdefault(feat_name, {
                        "models": {},
                        "feature_names": feats.get_feature_names_out(),
                    })
                    entry["models"][model_name] = model
                line.append(f"{model_name.split(' (')[0].split(' >')[0]} "
                            f"{row['accuracy'][-1]:.3f}")
            log(" ".join(line[:1]) + " " + ", ".join(line[1:]))
    return folds, results, curves, fold1_models


def grid_search(data, target, folds, log):
    """GridSearchCV over learning_rate on keyword features, the outer folds as cv."""
    pipe = make_sentiment_pipeline(GDLogisticRegression(max_iter=300))
    grid = {"model__learning_rate": [0.1, 1.0, 10.0, 100.0, "auto"]}
    search = GridSearchCV(pipe, grid, cv=folds, error_score=np.nan)
    with warnings.catch_warnings():
        # A too-large step ends its fits with DivergenceError: scored as NaN and
        # reported as "diverged" below, not as a traceback.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.filterwarnings("ignore", message="One or more of the test scores")
        search.fit(np.asarray(data, dtype=object), target)
    scores = {
        str(p["model__learning_rate"]): (float(s) if np.isfinite(s) else "diverged")
        for p, s in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"])
    }
    best = search.best_params_["model__learning_rate"]
    log(f"GridSearchCV over learning_rate (keywords): best {best!r}, scores {scores}")
    return {"best_learning_rate": best, "mean_test_score": scores}


def summarise(results):
    rows = []
    reference = {}
    for (feat, model), r in results.items():
        if model.startswith("sklearn LogisticRegression"):
            reference[feat] = float(np.median(r["fit_seconds"]))
    for (feat, model), r in results.items():
        med = float(np.median(r["fit_seconds"]))
        rows.append({
            "features": feat,
            "model": model,
            "accuracy_mean": float(np.mean(r["accuracy"])),
            "accuracy_std": float(np.std(r["accuracy"])),
            "log_loss": float(np.mean(r["log_loss"])),
            "roc_auc": float(np.mean(r["roc_auc"])),
            "median_fit_seconds": med,
            "fit_time_vs_lbfgs": med / reference[feat],
            "median_epochs": float(np.median(r["n_iter"])),
            "convergence_warnings": r["convergence_warnings"],
            "fold_accuracy": [float(a) for a in r["accuracy"]],
        })
    return rows


def markdown_table(rows):
    head = ("| features | model | accuracy | log-loss | ROC AUC | fit s (median) "
            "| fit time / lbfgs | epochs |")
    lines = [head, "|" + "---|" * 8]
    for r in rows:
        lines.append(
            f"| {r['features']} | {r['model']} | {r['accuracy_mean']:.3f} ± "
            f"{r['accuracy_std']:.3f} | {r['log_loss']:.3f} | {r['roc_auc']:.3f} | "
            f"{r['median_fit_seconds']:.3f} | {r['fit_time_vs_lbfgs']:.2f} | "
            f"{r['median_epochs']:.0f} |"
        )
    return "\n".join(lines)


def plot_figures(fold1_models, out):
    """Loss curves of the fold-1 models, and what the vocabulary model looks at."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    from sklearn_sigmoid.inspection import LossCurveDisplay, TopKeywordsDisplay

    feats = list(fold1_models)
    fig, axes = plt.subplots(1, len(feats), figsize=(4.4 * len(feats), 3.6),
                             squeeze=False)
    for ax, feat in zip(axes[0], feats):
        models = fold1_models[feat]["models"]
        LossCurveDisplay.from_estimator(list(models.values()), names=list(models),
                                        log_scale=True, ax=ax)
        ax.set_xscale("log")
        ax.set_title(f"{feat} (fold 1)")
        ax.legend(fontsize=6)
    fig.tight_layout()
    curves_png = out / "loss_curves.png"
    fig.savefig(curves_png, dpi=90)
    plt.close(fig)

    vocab = fold1_models["vocabulary"]
    display = TopKeywordsDisplay.from_estimator(
        vocab["models"]["GD logistic (cross-entropy)"],
        feature_names=vocab["feature_names"], n=12,
    )
    keywords_png = out / "top_keywords.png"
    display.figure_.savefig(keywords_png, dpi=90)
    plt.close(display.figure_)
    return [str(curves_png), str(keywords_png)]


def machine():
    blas = [
        {k: i.get(k) for k in ("internal_api", "version", "num_threads")}
        for i in threadpool_info()
    ]
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "blas": blas,
        "blas_threads_during_fits": 1,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=default_data_home(),
                        help="folder holding the corpus (default: ../shared/data if "
                             "present, else $SKLEARN_SIGMOID_DATA or ~/sklearn_sigmoid_data)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results"),
                        help="folder for the Markdown, JSON and PNG outputs")
    parser.add_argument("--no-download", action="store_true",
                        help="fail instead of downloading the corpus when it is missing")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def log(msg):
        print(msg, flush=True)

    data, target = load_movie_reviews(
        data_home=args.data_home, return_X_y=True,
        download_if_missing=not args.no_download,
    )
    target = np.asarray(target)
    log(f"{len(data)} reviews ({np.bincount(target).tolist()} neg/pos), "
        f"{N_FOLDS}-fold stratified CV, C={C}, one BLAS thread per fit")
    started = time.perf_counter()
    with threadpool_limits(1):
        folds, results, curves, fold1_models = evaluate(data, target, args.data_home, log)
        search = grid_search(data, target, folds, log)
    rows = summarise(results)
    table = markdown_table(rows)
    total = time.perf_counter() - started
    print()
    print(table)
    print(f"\nGridSearchCV picked learning_rate={search['best_learning_rate']!r}; "
          f"total {total:.0f} s")

    report = {
        "dataset": "Pang & Lee polarity v2.0 (2000 reviews)",
        "cv": f"StratifiedKFold(n_splits={N_FOLDS}, shuffle=True, random_state={SEED})",
        "C": C,
        "machine": machine(),
        "results": rows,
        "grid_search": search,
        "loss_curves_fold1": {f"{f} | {m}": c for (f, m), c in curves.items()},
        "total_seconds": total,
    }
    (out / "movie_reviews.json").write_text(json.dumps(report, indent=2, default=str))
    m = report["machine"]
    (out / "movie_reviews.md").write_text(
        f"Pang & Lee polarity v2.0, {N_FOLDS}-fold stratified CV (same folds for every "
        f"model), C = {C} (alpha = 1/(C n_train)), MaxAbs-scaled features, one BLAS "
        f"thread. Machine: {m['processor']}, {m['cpu_count']} cores, Python "
        f"{m['python']}, numpy {m['numpy']}, scikit-learn {m['scikit-learn']}.\n\n"
        + table
        + f"\n\nGridSearchCV over learning_rate (keywords, same folds): best "
        f"{search['best_learning_rate']!r}; mean accuracy per value: "
        f"{search['mean_test_score']}.\n"
    )
    pngs = plot_figures(fold1_models, out)
    log(f"wrote {out / 'movie_reviews.md'}, {out / 'movie_reviews.json'}"
        + (", " + ", ".join(pngs) if pngs
           else " (no figures: pip install 'sklearn-sigmoid[plot]')"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
