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

Run: ``python benchmarks/bench_dask.py [--rows 10000 100000]``; needs the
``[dask]`` extra; writes ``results/bench_dask.json`` and ``.md``.
"""

import argparse
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_sigmoid import GDLogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_fit import zipf_bag_of_words


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main():
    import dask.array as da
    import distributed

    from sklearn_sigmoid.dask import fit_distributed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = parser.parse_args()

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    client = distributed.Client(cluster)
    machine = (f"{platform.machine()}, {len(client.scheduler_info()['workers'])} "
               f"workers x 1 thread on a {__import__('os').cpu_count()}-core machine")
    print(f"Machine: {machine}")
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
                    est = GDLogisticRegression(alpha=alpha, momentum=momentum,
                                               max_iter=args.epochs, tol=None)
                    memory, t_mem = timed(lambda est=est: est.fit(X, y))
                    dist, t_dist = timed(
                        lambda est=est: fit_distributed(est, dX, dy, client=client))
                    diff = float(np.abs(memory.coef_ - dist.coef_).max())
                    row[f"{label}_memory_epoch_s"] = t_mem / args.epochs
                    row[f"{label}_dask_epoch_s"] = t_dist / args.epochs
                    row[f"{label}_overhead_epoch_s"] = (t_dist - t_mem) / args.epochs
                    row[f"{label}_max_coef_diff"] = diff
                    print(f"  n={n} {label}: epoch in memory "
                          f"{t_mem / args.epochs * 1e3:.1f} ms, on Dask "
                          f"{t_dist / args.epochs * 1e3:.1f} ms; max |coef "
                          f"difference| {diff:.1e}", flush=True)
            rows.append(row)
    finally:
        client.close()
        cluster.close()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_dask.json").write_text(json.dumps(
        {"machine": machine, "epochs": args.epochs, "rows": rows}, indent=2))
    lines = [f"Machine: {machine}; {args.epochs} epochs each.", "",
             "| rows | nnz | step | epoch in memory | epoch on Dask | max coef diff |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        for label in ("auto", "momentum"):
            lines.append(
                f"| {r['rows']:,} | {r['nnz']:,} | {label} | "
                f"{r[f'{label}_memory_epoch_s'] * 1e3:.1f} ms | "
                f"{r[f'{label}_dask_epoch_s'] * 1e3:.1f} ms | "
                f"{r[f'{label}_max_coef_diff']:.1e} |")
    (out / "bench_dask.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
