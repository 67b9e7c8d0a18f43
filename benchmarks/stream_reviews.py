"""Out-of-core on one machine: stream the movie reviews into ``partial_fit``.

The polarity corpus (2000 reviews) is streamed from disk in chunks by
:func:`sklearn_sigmoid.datasets.iter_movie_reviews`, each chunk is hashed by a
stateless ``HashingVectorizer`` (``n_features=2**18``, ``alternate_sign=False``,
``norm="l2"``) and fed to ``GDLogisticRegression(batch_size=..., learning_rate=...,
average=...).partial_fit``.  The full feature matrix is never built by the
streaming run.

Held-out test split: a stratified 20% of the files, chosen up front by file
position in :func:`~sklearn_sigmoid.datasets.list_movie_reviews`'s listing
(``train_test_split(..., stratify=labels, random_state=seed)``); it is read
once, hashed, and never streamed for training.  Every pass over the training
files streams them in a new random order (seed ``seed + pass``); every
streamed model sees exactly the same chunks in the same order.

Averaging is the estimator's own ``average`` parameter (Polyak-Ruppert, as in
``SGDClassifier``): ``coef_``/``intercept_`` are the running mean of the
mini-batch iterates, carried over the ``partial_fit`` calls, either from the
first update (``average=True``) or from the update at which as many samples
as there are training rows have been seen (``average=<n training rows>``,
i.e. from the second pass on; shown as "from pass 2").  The iterates
themselves, and so divergence, do not depend on ``average``.

Reported, all measured in this run:

* held-out accuracy (and ROC AUC) after every chunk of three streamed models
  (table, JSON, and ``stream_reviews.png`` if matplotlib is importable): ours
  with the chosen settings; ours with the same ``batch_size`` and
  ``learning_rate`` but ``average=False``, to show what averaging buys (when
  the chosen settings have no averaging, this row is the same run); and
  ``SGDClassifier(loss="log_loss")`` with its defaults (``learning_rate=
  "optimal"``, a decaying step, no averaging; not tuned here);
* final held-out accuracy, ROC AUC and the range of held-out accuracy over
  the chunks of the last pass (how much the model still swings) of these
  three, and of ``GDLogisticRegression()`` (defaults, full batch) fitted in
  memory on the same hashed training features.  All use the same L2
  strength ``alpha=1e-4`` (each estimator's default);
* peak memory: ``tracemalloc`` peak of each streaming run (reading, hashing,
  ``partial_fit`` and the per-chunk evaluation; started after the held-out
  matrix is built, whose size is given apart; see below), against the size of
  the full training feature matrix the stream never builds and the
  ``tracemalloc`` peak of the in-memory route (read all, hash all, fit);
* wall time of each run, measured without ``tracemalloc`` (which slows the
  tokenising several-fold), the per-chunk evaluation included; the streaming
  peaks come from one extra traced pass of each model (every pass runs the
  same code on same-sized chunks, so the peak does not grow with the passes;
  the running mean, one more coefficient-sized array, exists by the end of
  the first pass whichever ``average`` is chosen).

How ``batch_size``, ``learning_rate``, ``schedule`` and ``average`` are chosen
(unless all four are given): a small grid (``--grid-batch-sizes`` x
``--grid-learning-rates`` x ``--grid-schedules`` x ``--grid-averages``) is run
on the *training*
files only, split again (stratified 25%) into an inner training and a
validation part; the stream is simulated on pre-hashed inner-training rows
with the same chunk size, number of passes and per-pass shuffling ("from
pass 2" then means ``average=<n inner training rows>``), and the
configuration with the best mean validation accuracy over the chunks of its
last pass is kept (the mean over a pass rewards a stable model, not a lucky
last chunk; ties go to the higher minimum, then to the earlier grid entry).
The held-out test split is never used for the choice.  Configurations that
diverge are reported as such; since the iterates do not depend on
``average``, a ``(batch_size, learning_rate, schedule)`` that diverges
without averaging is not rerun with it.  The default grid, ``{2, 4, 16, 64} x
{1, 3, 10, 30} x {constant, invscaling, adaptive} x {False, True, from pass
2}`` (144 streams, each a fraction of a second with the lazy mini-batch
steps), takes about a minute on one core (the total is printed).

Writes ``stream_reviews.{json,md}`` (and the PNG) to ``--out``, prints the
tables and rewrites the README's block between ``<!-- stream-reviews:begin
-->`` and ``<!-- stream-reviews:end -->`` from the JSON (``--readme ''`` for
none; ``--readme-only`` rewrites it from an existing JSON without running).
Run: ``python benchmarks/stream_reviews.py``.
"""

import argparse
import json
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    DATA_HOME_HELP,
    RESULTS,
    default_data_home,
    machine_info,
    machine_line,
    replace_block,
)

from sklearn_sigmoid import DivergenceError, GDLogisticRegression
from sklearn_sigmoid._sgd import SCHEDULES
from sklearn_sigmoid.datasets import iter_movie_reviews, list_movie_reviews

CLASSES = np.array([0, 1])
N_FEATURES = 2**18

# ``--grid-averages`` / ``--average`` values: "pass2" is resolved to the number
# of rows of the stream it is used on (inner training rows in the grid, all
# training rows in the reported run), i.e. averaging from the second pass on.
AVERAGES = {"false": False, "true": True, "pass2": "pass2"}
AVERAGE_LABELS = {
    "false": "no averaging",
    "true": "averaged from the 1st update",
    "pass2": "averaged from pass 2",
}


def make_vectorizer():
    return HashingVectorizer(
        n_features=N_FEATURES, alternate_sign=False, norm="l2", dtype=np.float64
    )


def parse_learning_rate(value):
    return value if value == "auto" else float(value)


def parse_average(value):
    value = value.lower()
    if value not in AVERAGES:
        raise argparse.ArgumentTypeError(
            f"average must be one of {', '.join(AVERAGES)}, not {value!r}"
        )
    return value


def resolve_average(average, n_rows):
    """The estimator's ``average`` for a stream of ``n_rows`` rows per pass."""
    return n_rows if AVERAGES[average] == "pass2" else AVERAGES[average]


def csr_nbytes(X):
    return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)


def evaluate(model, X, y):
    z = np.ravel(model.decision_function(X))
    return float(np.mean((z > 0) == y)), float(roc_auc_score(y, z))


def read_all(data_home, indices):
    """Texts and labels of the files at ``indices``, in that order (one chunk)."""
    (chunk,) = iter_movie_reviews(
        data_home, chunk_size=max(len(indices), 1), indices=indices, shuffle=False
    )
    return chunk


# -- choosing batch_size, learning_rate and average --------------------------------


def simulate_stream(model, X, y, X_val, y_val, *, chunk_size, passes, seed):
    """``partial_fit`` over pre-hashed rows in streamed order.

    Returns the last pass's accuracies.
    """
    last = []
    for p in range(passes):
        order = np.random.RandomState(seed + p).permutation(X.shape[0])
        last = []
        for start in range(0, len(order), chunk_size):
            rows = order[start : start + chunk_size]
            model.partial_fit(X[rows], y[rows], classes=CLASSES)
            last.append(evaluate(model, X_val, y_val)[0])
    return last


def choose_settings(X_train, y_train, args, log):
    inner, val = train_test_split(
        np.arange(X_train.shape[0]),
        test_size=0.25,
        stratify=y_train,
        random_state=args.seed,
    )
    X_inner, y_inner = X_train[inner], y_train[inner]
    X_val, y_val = X_train[val], y_train[val]
    # Without averaging first: if it diverges, so do the others (same iterates).
    averages = sorted(args.grid_averages, key=lambda a: a != "false")
    rows = []
    grid = [
        (batch_size, lr, schedule)
        for batch_size in args.grid_batch_sizes
        for lr in args.grid_learning_rates
        for schedule in args.grid_schedules
    ]
    for batch_size, lr, schedule in grid:
        diverged = False
        for average in averages:
            row = {
                "batch_size": batch_size,
                "learning_rate": lr,
                "schedule": schedule,
                "average": average,
                "average_param": resolve_average(average, len(inner)),
            }
            start = time.perf_counter()
            if diverged:
                row.update(diverged=True, skipped=True)
            else:
                model = GDLogisticRegression(
                    batch_size=batch_size,
                    learning_rate=lr,
                    schedule=schedule,
                    average=row["average_param"],
                    random_state=args.seed,
                )
                try:
                    accs = simulate_stream(
                        model,
                        X_inner,
                        y_inner,
                        X_val,
                        y_val,
                        chunk_size=args.chunk_size,
                        passes=args.passes,
                        seed=args.seed,
                    )
                    row.update(
                        val_accuracy_last_pass_mean=float(np.mean(accs)),
                        val_accuracy_last_pass_min=float(np.min(accs)),
                        val_accuracy_last_pass_max=float(np.max(accs)),
                        val_accuracy_final=accs[-1],
                    )
                except DivergenceError:
                    row["diverged"] = diverged = True
            row["seconds"] = time.perf_counter() - start
            rows.append(row)
            log(
                f"  batch_size={batch_size:<4} learning_rate={lr!s:<5} "
                f"schedule={schedule:<10} average={average:<6} "
                + (
                    "diverged (not rerun: same iterates as without averaging)"
                    if row.get("skipped")
                    else "diverged"
                    if row.get("diverged")
                    else f"val acc (last pass) mean "
                    f"{row['val_accuracy_last_pass_mean']:.3f} "
                    f"[{row['val_accuracy_last_pass_min']:.3f}, "
                    f"{row['val_accuracy_last_pass_max']:.3f}], "
                    f"final {row['val_accuracy_final']:.3f} "
                    f"({row['seconds']:.1f} s)"
                )
            )
    ok = [r for r in rows if not r.get("diverged")]
    if not ok:
        raise SystemExit("Every configuration of the grid diverged.")
    # max() keeps the first of equal keys: ties go to the earlier grid entry.
    best = max(
        ok,
        key=lambda r: (
            r["val_accuracy_last_pass_mean"],
            r["val_accuracy_last_pass_min"],
        ),
    )
    return (
        best["batch_size"],
        best["learning_rate"],
        best["schedule"],
        best["average"],
        rows,
    )


# -- streaming runs ----------------------------------------------------------------


def stream_train(
    model, data_home, train_idx, X_test, y_test, args, *, passes, trace=False
):
    """Train ``model`` by ``partial_fit`` over the stream; per-chunk held-out scores.

    Returns ``(curve, peak_bytes, seconds)``.
    """
    vectorizer = make_vectorizer()
    curve, seen = [], 0
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    for p in range(passes):
        chunks = iter_movie_reviews(
            data_home,
            chunk_size=args.chunk_size,
            indices=train_idx,
            random_state=args.seed + p,
        )
        for k, (texts, labels) in enumerate(chunks):
            X = vectorizer.transform(texts)
            model.partial_fit(X, labels, classes=CLASSES)
            seen += len(texts)
            acc, auc = evaluate(model, X_test, y_test)
            curve.append(
                {
                    "pass": p + 1,
                    "chunk": k + 1,
                    "reviews_seen": seen,
                    "accuracy": acc,
                    "roc_auc": auc,
                }
            )
            del texts, labels, X
    seconds = time.perf_counter() - start
    peak = None
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return curve, peak, seconds


def in_memory_fit(data_home, train_idx, X_test, y_test):
    """Read every training review, hash them all, fit full batch: timed, then traced."""
    start = time.perf_counter()
    texts, labels = read_all(data_home, train_idx)
    X_train = make_vectorizer().transform(texts)
    model = GDLogisticRegression().fit(X_train, labels)
    seconds = time.perf_counter() - start
    acc, auc = evaluate(model, X_test, y_test)
    n_iter = int(model.n_iter_)
    # The same route again, traced, for its peak (the timing above is untraced).
    tracemalloc.start()
    traced_X = make_vectorizer().transform(read_all(data_home, train_idx)[0])
    GDLogisticRegression().fit(traced_X, labels)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced_X
    text_bytes = sum(len(t.encode("utf-8")) for t in texts)
    return (
        {
            "accuracy": acc,
            "roc_auc": auc,
            "seconds": seconds,
            "peak_bytes": peak,
            "n_iter": n_iter,
            "X_train_bytes": csr_nbytes(X_train),
            "X_train_shape": list(X_train.shape),
            "X_train_nnz": int(X_train.nnz),
            "train_text_bytes": text_bytes,
        },
        X_train,
        labels,
    )


# -- reporting ---------------------------------------------------------------------


def mib(n):
    return f"{n / 2**20:.1f} MiB"


def curve_table(ours, plain, sgd, every_chunk=True):
    head = (
        "| pass | chunk | reviews seen | ours acc | ours AUC "
        "| ours without averaging acc | ours without averaging AUC "
        "| SGDClassifier acc | SGDClassifier AUC |"
    )
    lines = [head, "|" + "---|" * 9]
    n_chunks = max(r["chunk"] for r in ours)
    for a, b, c in zip(ours, plain, sgd, strict=True):
        if not every_chunk and not (a["pass"] == 1 or a["chunk"] == n_chunks):
            continue
        lines.append(
            f"| {a['pass']} | {a['chunk']} | {a['reviews_seen']} | {a['accuracy']:.3f} "
            f"| {a['roc_auc']:.3f} | {b['accuracy']:.3f} | {b['roc_auc']:.3f} "
            f"| {c['accuracy']:.3f} | {c['roc_auc']:.3f} |"
        )
    return "\n".join(lines)


def pass_ends(curve):
    """Held-out accuracy at the end of each pass, as one line of text."""
    n_chunks = max(r["chunk"] for r in curve)
    return " ".join(f"{r['accuracy']:.3f}" for r in curve if r["chunk"] == n_chunks)


def summary_table(rows):
    lines = [
        "| model | held-out accuracy | ROC AUC | last-pass accuracy min-max "
        "| wall s | tracemalloc peak |",
        "|" + "---|" * 6,
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['accuracy']:.3f} | {r['roc_auc']:.3f} "
            f"| {r.get('last_pass_range', '-')} | {r['seconds']:.1f} "
            f"| {mib(r['peak_bytes']) if r.get('peak_bytes') is not None else '-'} |"
        )
    return "\n".join(lines)


def last_pass_range(curve, key="accuracy"):
    last = [r[key] for r in curve if r["pass"] == curve[-1]["pass"]]
    return f"{min(last):.3f}-{max(last):.3f}"


def grid_table(grid):
    lines = [
        "| batch_size | learning_rate | schedule | average | mean | min | max "
        "| final | seconds |",
        "|" + "---|" * 9,
    ]
    for g in grid:
        average = AVERAGE_LABELS[g["average"]]
        head = (
            f"| {g['batch_size']} | {g['learning_rate']} "
            f"| {g.get('schedule', 'constant')} | {average} "
        )
        if g.get("diverged"):
            note = (
                "diverged (not rerun: same iterates as without averaging)"
                if g.get("skipped")
                else "diverged"
            )
            lines.append(head + f"| {note} | | | | {g['seconds']:.1f} |")
        else:
            lines.append(
                head + f"| {g['val_accuracy_last_pass_mean']:.3f} "
                f"| {g['val_accuracy_last_pass_min']:.3f} "
                f"| {g['val_accuracy_last_pass_max']:.3f} "
                f"| {g['val_accuracy_final']:.3f} | {g['seconds']:.1f} |"
            )
    return "\n".join(lines)


README_BEGIN = "<!-- stream-reviews:begin -->"
README_END = "<!-- stream-reviews:end -->"


def readme_block(report):
    """The README's streaming table, from the run's JSON report."""
    settings = report["settings"]
    ours, plain, in_memory, sgd = report["final"]
    call = (
        f"batch_size={settings['batch_size']}, "
        f"learning_rate={settings['learning_rate']!r}, "
        f"schedule={settings['schedule']!r}, "
        f"average={settings['average_param']!r}"
    )

    def row(name, r):
        return (
            f"| {name} | {r['accuracy']:.3f} | {r['roc_auc']:.3f} "
            f"| {r.get('last_pass_range', '-')} | {mib(r['peak_bytes'])} |"
        )

    def ends(curve):
        n_chunks = max(r["chunk"] for r in curve)
        return " ".join(f"{r['accuracy']:.2f}" for r in curve if r["chunk"] == n_chunks)

    lines = [
        f"{report['n_train']} training reviews streamed from disk in chunks of "
        f"{report['chunk_size']} for {report['passes']} passes, hashed to 2^18 "
        f"features; {report['n_test']} held out. Settings chosen on a "
        f"validation split of the training files (a grid over batch size, "
        f"learning rate, schedule and `average`, "
        f"{report['settings_grid_seconds']:.0f} s). Run on "
        f"{report.get('date', '?')}; {machine_line(report['machine'])}; "
        f"one BLAS thread.",
        "",
        "| model | held-out accuracy | ROC AUC | last pass, min-max | peak memory |",
        "|---|---|---|---|---|",
        row(f"ours streamed, `{call}`", ours),
    ]
    if settings["average"] != "false":
        lines.append(row("the same without averaging", plain))
    lines += [
        row("ours in memory, `GDLogisticRegression().fit`", in_memory),
        row('`SGDClassifier(loss="log_loss")` streamed the same way', sgd),
        "",
        f"Streamed against in memory: "
        f"{ours['accuracy'] - in_memory['accuracy']:+.3f} held-out accuracy. "
        f"Held-out accuracy at the end of each pass, ours: "
        f"{ends(report['curve_ours'])}; `SGDClassifier`: "
        f"{ends(report['curve_sgdclassifier'])}. (Command: "
        f"`python benchmarks/stream_reviews.py`, "
        f"{_duration(report['total_seconds'])}.)",
    ]
    return "\n".join(lines) + "\n"


def _duration(seconds):
    """``"72 s"`` under two minutes, else ``"4 minutes"``."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} minutes"


def update_readme(report, readme):
    replace_block(readme, README_BEGIN, README_END, readme_block(report))


def plot_curve(ours, plain, sgd, in_memory, settings, out):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    seen = [r["reviews_seen"] for r in ours]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(
        seen,
        [r["accuracy"] for r in ours],
        label=(
            f"GDLogisticRegression partial_fit (batch {settings['batch_size']}, "
            f"lr {settings['learning_rate']}, {settings['schedule']}, "
            f"{AVERAGE_LABELS[settings['average']]})"
        ),
    )
    if settings["average"] != "false":
        ax.plot(
            seen,
            [r["accuracy"] for r in plain],
            ls=":",
            label="same batch, lr and schedule, no averaging",
        )
    ax.plot(
        seen,
        [r["accuracy"] for r in sgd],
        label="SGDClassifier(log_loss) partial_fit, defaults",
    )
    ax.axhline(
        in_memory["accuracy"],
        color="k",
        ls="--",
        label="GDLogisticRegression() in memory",
    )
    ax.set_xlabel("training reviews streamed")
    ax.set_ylabel("held-out accuracy")
    ax.set_ylim(0.4, 1.0)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Streaming the polarity corpus (hashed features, 2**18)")
    fig.tight_layout()
    path = out / "stream_reviews.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return str(path)


def build_parser():
    """The command line of :func:`main`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=default_data_home(), help=DATA_HOME_HELP)
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=200,
        help="reviews per streamed chunk (default 200)",
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=10,
        help="passes over the training files (default 10)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="GDLogisticRegression batch_size; with --learning-rate "
        "and --average, skips the grid",
    )
    parser.add_argument(
        "--learning-rate",
        type=parse_learning_rate,
        default=None,
        help="GDLogisticRegression learning_rate (float or 'auto')",
    )
    parser.add_argument(
        "--schedule",
        choices=SCHEDULES,
        default=None,
        help="GDLogisticRegression schedule",
    )
    parser.add_argument(
        "--average",
        type=parse_average,
        default=None,
        help="false, true (from the first update) or pass2 (from "
        "the second pass: average=<n training rows>)",
    )
    parser.add_argument(
        "--grid-batch-sizes",
        type=int,
        nargs="+",
        default=[2, 4, 16, 64],
        help="batch sizes the grid tries when --batch-size, "
        "--learning-rate and --average are not all given "
        "(default: 2 4 16 64)",
    )
    parser.add_argument(
        "--grid-learning-rates",
        type=parse_learning_rate,
        nargs="+",
        default=[1.0, 3.0, 10.0, 30.0],
        help="learning rates the grid tries, floats or 'auto' (default: 1 3 10 30)",
    )
    parser.add_argument(
        "--grid-schedules",
        choices=SCHEDULES,
        nargs="+",
        default=list(SCHEDULES),
        help="schedules the grid tries (default: all three)",
    )
    parser.add_argument(
        "--grid-averages",
        type=parse_average,
        nargs="+",
        default=["false", "true", "pass2"],
        help="averaging settings the grid tries, among false, true "
        "and pass2 (default: all three)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the train/test split, the chunk order and "
        "the models (default: 0)",
    )
    parser.add_argument(
        "--out",
        default=str(RESULTS),
        help="folder for the Markdown, JSON and PNG outputs",
    )
    parser.add_argument(
        "--readme",
        default=str(Path(__file__).resolve().parents[1] / "README.md"),
        help="the README whose stream-reviews block is rewritten ('' for none)",
    )
    parser.add_argument(
        "--readme-only",
        action="store_true",
        help="rewrite the README block from the JSON in --out; run nothing",
    )
    return parser


def parse_args(argv=None):
    """Parsed and checked arguments."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.chunk_size < 1 or args.passes < 1:
        parser.error("--chunk-size and --passes must be positive")
    given = [args.batch_size, args.learning_rate, args.schedule, args.average]
    if any(v is not None for v in given) and any(v is None for v in given):
        parser.error(
            "give all of --batch-size, --learning-rate, --schedule and --average "
            "(or none, to choose them on the grid)"
        )
    return args


def log(msg=""):
    print(msg, flush=True)


def pick_settings(args, X_train, y_train):
    """``(batch_size, learning_rate, schedule, average, grid)``: given, or from
    the grid."""
    if args.batch_size is not None:
        batch_size, lr = args.batch_size, args.learning_rate
        schedule, average = args.schedule, args.average
        log(
            f"Using batch_size={batch_size}, learning_rate={lr!r}, "
            f"schedule={schedule!r}, average={average} as given."
        )
        return batch_size, lr, schedule, average, []
    log(
        "Choosing batch_size, learning_rate, schedule and average on a "
        "validation split of the training files (simulated stream, same chunks "
        "and passes):"
    )
    batch_size, lr, schedule, average, grid = choose_settings(
        X_train, y_train, args, log
    )
    log(
        f"-> batch_size={batch_size}, learning_rate={lr!r}, "
        f"schedule={schedule!r}, average={average} ({AVERAGE_LABELS[average]})"
    )
    return batch_size, lr, schedule, average, grid


def run_streams(ours, average, stream, passes):
    """Stream ours, ours without averaging and SGDClassifier; time and trace.

    Returns ``{name: (curve, seconds, peak_bytes)}`` for ``"ours"``,
    ``"plain"`` and ``"sgd"``.
    """
    plain = clone(ours).set_params(average=False)
    sgd = SGDClassifier(loss="log_loss", random_state=ours.random_state)
    models = {"ours": ours, "plain": plain, "sgd": sgd}
    if average == "false":  # the chosen settings have no averaging: one run
        del models["plain"]
    runs = {}
    for name, model in models.items():
        # Timed runs, untraced (tracemalloc slows tokenising several-fold) ...
        curve, _, seconds = stream_train(clone(model), *stream, passes=passes)
        runs[name] = [curve, seconds, None]
    for name, model in models.items():
        # ... and one traced pass of each for the peak: every pass streams the
        # same chunks through the same code, so the peak does not grow with
        # the number of passes.
        _, runs[name][2], _ = stream_train(clone(model), *stream, passes=1, trace=True)
    if "plain" not in runs:
        runs["plain"] = runs["ours"]
    for a, b, c in zip(*(runs[k][0] for k in ("ours", "plain", "sgd")), strict=True):
        assert a["reviews_seen"] == b["reviews_seen"] == c["reviews_seen"]
    return {name: tuple(run) for name, run in runs.items()}


def final_rows(runs, in_memory, ours_name, average):
    """The summary table's rows."""

    def streamed(model, run):
        curve, seconds, peak = run
        return {
            "model": model,
            "accuracy": curve[-1]["accuracy"],
            "roc_auc": curve[-1]["roc_auc"],
            "last_pass_range": last_pass_range(curve),
            "seconds": seconds,
            "peak_bytes": peak,
        }

    return [
        streamed(
            f"ours streamed: {ours_name}.partial_fit ({AVERAGE_LABELS[average]})",
            runs["ours"],
        ),
        streamed(
            "ours streamed, same settings without averaging (average=False)"
            + (" = the row above" if average == "false" else ""),
            runs["plain"],
        ),
        {
            "model": "ours in memory: GDLogisticRegression().fit (full batch)",
            "accuracy": in_memory["accuracy"],
            "roc_auc": in_memory["roc_auc"],
            "seconds": in_memory["seconds"],
            "peak_bytes": in_memory["peak_bytes"],
        },
        streamed(
            'SGDClassifier(loss="log_loss").partial_fit streamed (defaults)',
            runs["sgd"],
        ),
    ]


def memory_report(runs, in_memory, n_train, X_test, chunk_size):
    """``(memory, lines)``: the memory figures and their Markdown lines."""
    ours_peak, plain_peak, sgd_peak = (runs[k][2] for k in ("ours", "plain", "sgd"))
    memory = {
        "streaming_peak_bytes_ours": ours_peak,
        "streaming_peak_bytes_ours_without_averaging": plain_peak,
        "streaming_peak_bytes_sgdclassifier": sgd_peak,
        "in_memory_route_peak_bytes": in_memory["peak_bytes"],
        "full_train_matrix_csr_bytes": in_memory["X_train_bytes"],
        "full_train_matrix_shape": in_memory["X_train_shape"],
        "full_train_matrix_nnz": in_memory["X_train_nnz"],
        "full_train_matrix_dense_float64_bytes": n_train * N_FEATURES * 8,
        "full_train_text_bytes": in_memory["train_text_bytes"],
        "held_out_matrix_csr_bytes": csr_nbytes(X_test),
        "coef_bytes": N_FEATURES * 8,
    }
    lines = [
        f"- tracemalloc peak while streaming (one traced pass; the stream's "
        f"peak does not grow with its length): ours {mib(ours_peak)}, ours "
        f"without averaging {mib(plain_peak)}, SGDClassifier {mib(sgd_peak)} "
        f"(chunks of {chunk_size} reviews; one coefficient vector alone is "
        f"{mib(memory['coef_bytes'])})",
        f"- the full training feature matrix the stream never builds: "
        f"{mib(memory['full_train_matrix_csr_bytes'])} as CSR "
        f"({in_memory['X_train_nnz']:,} non-zeros), "
        f"{mib(memory['full_train_matrix_dense_float64_bytes'])} if dense; the "
        f"training texts: {mib(memory['full_train_text_bytes'])}",
        f"- tracemalloc peak of the in-memory route (read all, hash all, fit): "
        f"{mib(in_memory['peak_bytes'])}",
        f"- held-out matrix, built before tracing: "
        f"{mib(memory['held_out_matrix_csr_bytes'])}",
    ]
    return memory, lines


def write_markdown(path, report, args, final, pass_lines, memory_lines, curves):
    """The Markdown report."""
    grid, grid_seconds = report["settings_grid"], report["settings_grid_seconds"]
    grid_md = ""
    if grid:
        grid_md = (
            "\n\nChoice of batch_size / learning_rate / average (validation "
            "split of the training files, accuracy over the last pass's "
            'chunks; "from pass 2" is average=<n inner training rows> '
            f"here; {grid_seconds:.0f} s in all):\n\n" + grid_table(grid)
        )
    path.write_text(
        f"Streaming Pang & Lee polarity v2.0 from disk: {report['n_train']} training "
        f"reviews in chunks of {args.chunk_size}, {args.passes} passes, "
        f"{report['n_test']} held out; {report['vectorizer']}; one BLAS thread. "
        f"Machine: {machine_line(report['machine'])}.\n\n"
        + summary_table(final)
        + "\n\n"
        + "\n".join(pass_lines)
        + "\n\n"
        + "\n".join(memory_lines)
        + grid_md
        + "\n\nHeld-out scores after every chunk:\n\n"
        + curve_table(*curves)
        + "\n"
    )


def split_files(args):
    """``(train_idx, test_idx, X_test, y_test)``: the held-out files hashed."""
    target = list_movie_reviews(args.data_home).target
    train_idx, test_idx = train_test_split(
        np.arange(len(target)), test_size=0.2, stratify=target, random_state=args.seed
    )
    test_texts, y_test = read_all(args.data_home, test_idx)
    X_test = make_vectorizer().transform(test_texts)
    log(
        f"{len(target)} reviews: {len(train_idx)} streamed for training, "
        f"{len(test_idx)} held out (stratified, by file position); chunks of "
        f"{args.chunk_size}, {args.passes} passes, HashingVectorizer(2**18), "
        f"one BLAS thread"
    )
    return train_idx, test_idx, X_test, y_test


def print_summary(curves, pass_lines, final, memory_lines, total, grid_seconds):
    log()
    log(
        "Held-out accuracy while streaming (first pass by chunk, then end of each "
        "pass; every chunk in the Markdown/JSON):"
    )
    log(curve_table(*curves, every_chunk=False))
    log()
    log("\n".join(pass_lines))
    log()
    log(summary_table(final))
    log()
    log("\n".join(memory_lines))
    log(f"\ntotal {total:.0f} s (settings grid {grid_seconds:.0f} s)")


def build_report(args, n_train, n_test, settings, grid, grid_seconds, final, memory):
    """The JSON report's setup and results (the curves are added by main)."""
    return {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "dataset": "Pang & Lee polarity v2.0",
        "n_train": n_train,
        "n_test": n_test,
        "test_split": f"train_test_split(test_size=0.2, stratify=labels, "
        f"random_state={args.seed}) on file positions",
        "chunk_size": args.chunk_size,
        "passes": args.passes,
        "seed": args.seed,
        "vectorizer": "HashingVectorizer(n_features=2**18, alternate_sign=False, "
        "norm='l2')",
        "settings": settings,
        "settings_grid": grid,
        "settings_grid_seconds": grid_seconds,
        "final": final,
        "memory": memory,
    }


def main(argv=None):
    args = parse_args(argv)
    if args.readme_only:
        path = Path(args.out) / "stream_reviews.json"
        update_readme(json.loads(path.read_text()), Path(args.readme))
        print(f"updated {args.readme} from {path}")
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore", ConvergenceWarning)
    started = time.perf_counter()
    train_idx, test_idx, X_test, y_test = split_files(args)
    n_train = len(train_idx)

    with threadpool_limits(1):
        in_memory, X_train, y_train = in_memory_fit(
            args.data_home, train_idx, X_test, y_test
        )
        grid_started = time.perf_counter()
        batch_size, lr, schedule, average, grid = pick_settings(args, X_train, y_train)
        grid_seconds = time.perf_counter() - grid_started
        del X_train, y_train
        average_param = resolve_average(average, n_train)
        ours = GDLogisticRegression(
            batch_size=batch_size,
            learning_rate=lr,
            schedule=schedule,
            average=average_param,
            random_state=args.seed,
        )
        stream = (args.data_home, train_idx, X_test, y_test, args)
        runs = run_streams(ours, average, stream, args.passes)
    curves = tuple(runs[k][0] for k in ("ours", "plain", "sgd"))

    settings = {
        "batch_size": batch_size,
        "learning_rate": lr,
        "schedule": schedule,
        "average": average,
        "average_param": average_param,
    }
    ours_name = (
        f"GDLogisticRegression(batch_size={batch_size}, learning_rate={lr!r}, "
        f"schedule={schedule!r}, average={average_param!r})"
    )
    final = final_rows(runs, in_memory, ours_name, average)
    memory, memory_lines = memory_report(
        runs, in_memory, n_train, X_test, args.chunk_size
    )
    pass_lines = [
        "Held-out accuracy at the end of each pass:",
        f"- ours ({AVERAGE_LABELS[average]}): {pass_ends(curves[0])}",
        f"- ours without averaging: {pass_ends(curves[1])}",
        f"- SGDClassifier: {pass_ends(curves[2])}",
    ]
    total = time.perf_counter() - started
    print_summary(curves, pass_lines, final, memory_lines, total, grid_seconds)

    report = build_report(
        args, n_train, len(test_idx), settings, grid, grid_seconds, final, memory
    )
    report.update(
        curve_ours=curves[0],
        curve_ours_without_averaging=curves[1],
        curve_sgdclassifier=curves[2],
        in_memory=in_memory,
        machine=machine_info(blas_threads_during_fits=1),
        total_seconds=total,
    )
    (out / "stream_reviews.json").write_text(json.dumps(report, indent=2, default=str))
    write_markdown(
        out / "stream_reviews.md", report, args, final, pass_lines, memory_lines, curves
    )
    png = plot_curve(*curves, in_memory, settings, out)
    if args.readme:
        update_readme(report, Path(args.readme))
        log(f"updated {args.readme}")
    log(
        f"wrote {out / 'stream_reviews.md'}, {out / 'stream_reviews.json'}"
        + (f", {png}" if png else " (no figure: matplotlib not importable)")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
