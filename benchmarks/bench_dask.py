"""What does data-parallel gradient descent on Dask cost, and does it agree?

For synthetic bag-of-words matrices (the Zipf generator of ``bench_fit.py``),
fits ``GDLogisticRegression`` (the default spectral step, and the fixed step
``1/L`` with heavy-ball momentum; a fixed number of epochs so that both sides
do the same work) in memory and with
:func:`sklearn_sigmoid.dask.fit_distributed` on a local cluster of two
single-threaded worker processes, the rows in one block per worker.  Reports
time per epoch on both sides, the overhead a distributed epoch adds
(scheduling and the round trips of an epoch), and the largest coefficient
difference between the two fits.  On one machine with two cores the cluster cannot
be faster than memory: the point of distributing is rows that do not fit one
machine, and this measures what each epoch pays for it.

Run: ``python benchmarks/bench_dask.py [--rows 10000 30000 100000]``; needs
the ``[dask]`` extra; writes ``results/bench_dask.json`` and ``.md`` and, with
matplotlib, ``results/bench_dask.png`` (epoch time in memory and on the
cluster against the number of rows).
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_sigmoid import GDLogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, machine_info, machine_line
from bench_fit import zipf_bag_of_words

STEPS = {
    "auto": "spectral step + line search",
    "momentum": "fixed step 1/L, momentum 0.9",
}


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main():
    import dask.array as da
    import distributed

    from sklearn_sigmoid.dask import fit_distributed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        default=[10_000, 30_000, 100_000],
        help="sizes of the synthetic bag-of-words matrices, in rows "
        "(default: 10000 30000 100000)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=30,
        help="epochs of every fit, the same on both sides (default: 30)",
    )
    parser.add_argument(
        "--out",
        default=str(RESULTS),
        help="folder for bench_dask.json, .md and .png (default: benchmarks/results)",
    )
    args = parser.parse_args()

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    client = distributed.Client(cluster)
    n_workers = len(client.scheduler_info()["workers"])
    info = machine_info()
    machine = (
        f"{machine_line(info)}; {n_workers} Dask workers x 1 thread on "
        f"{os.cpu_count()} cores"
    )
    print(f"Machine: {machine}", flush=True)
    rows = []
    try:
        for n in args.rows:
            X, y = zipf_bag_of_words(n)
            alpha = 1e-3
            dX = da.from_array(X, chunks=(-(-n // 2), -1), asarray=False).persist()
            dy = da.from_array(y, chunks=-(-n // 2)).persist()
            distributed.wait([dX, dy])
            row = {"rows": n, "nnz": int(X.nnz)}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                for label, momentum in (("auto", 0.0), ("momentum", 0.9)):
                    # 'auto' alone: spectral steps with a line search (three
                    # round trips an epoch); with momentum: the fixed step
                    # 1/L from power iteration, heavy ball (one round trip).
                    est = GDLogisticRegression(
                        alpha=alpha, momentum=momentum, max_iter=args.epochs, tol=None
                    )
                    memory, t_mem = timed(lambda est=est: est.fit(X, y))
                    dist, t_dist = timed(
                        lambda est=est: fit_distributed(est, dX, dy, client=client)
                    )
                    diff = float(np.abs(memory.coef_ - dist.coef_).max())
                    row[f"{label}_memory_epoch_s"] = t_mem / args.epochs
                    row[f"{label}_dask_epoch_s"] = t_dist / args.epochs
                    row[f"{label}_overhead_epoch_s"] = (t_dist - t_mem) / args.epochs
                    row[f"{label}_max_coef_diff"] = diff
                    print(
                        f"  n={n} {label}: epoch in memory "
                        f"{t_mem / args.epochs * 1e3:.1f} ms, on Dask "
                        f"{t_dist / args.epochs * 1e3:.1f} ms; max |coef "
                        f"difference| {diff:.1e}",
                        flush=True,
                    )
            rows.append(row)
    finally:
        client.close()
        cluster.close()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_dask.json").write_text(
        json.dumps(
            {
                "machine": info,
                "dask_workers": n_workers,
                "threads_per_worker": 1,
                "epochs": args.epochs,
                "rows": rows,
            },
            indent=2,
            default=str,
        )
    )
    lines = [
        f"Machine: {machine}; {args.epochs} epochs each.",
        "",
        "| rows | nnz | step | epoch in memory | epoch on Dask | max coef diff |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        for label in ("auto", "momentum"):
            lines.append(
                f"| {r['rows']:,} | {r['nnz']:,} | {label} | "
                f"{r[f'{label}_memory_epoch_s'] * 1e3:.1f} ms | "
                f"{r[f'{label}_dask_epoch_s'] * 1e3:.1f} ms | "
                f"{r[f'{label}_max_coef_diff']:.1e} |"
            )
    (out / "bench_dask.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    png = plot_epoch_times(rows, args.epochs, n_workers, out)
    print(
        f"wrote {out / 'bench_dask.md'}, {out / 'bench_dask.json'}"
        + (f", {png}" if png else " (no figure: matplotlib is not installed)")
    )


def plot_epoch_times(rows, epochs, n_workers, out):
    """Epoch time in memory and on the cluster against rows, log-log; the path."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["rows"] for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True, layout="constrained")
    for ax, (label, title) in zip(axes, STEPS.items()):
        for side, style in (
            ("memory", {"color": "C0", "marker": "o"}),
            ("dask", {"color": "C3", "marker": "s", "linestyle": "--"}),
        ):
            ms = [r[f"{label}_{side}_epoch_s"] * 1e3 for r in rows]
            name = "in memory" if side == "memory" else f"on Dask ({n_workers} workers)"
            ax.plot(sizes, ms, label=name, **style)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("rows")
        ax.set_title(f"{label}: {title}")
        ax.grid(alpha=0.3, which="both")
        ax.legend(loc="lower right")
    axes[0].set_ylabel(f"time per epoch (ms, mean of {epochs})")
    fig.suptitle(
        "GDLogisticRegression: an epoch in memory against one on a local Dask cluster",
        fontsize="medium",
    )
    path = out / "bench_dask.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


if __name__ == "__main__":
    main()
