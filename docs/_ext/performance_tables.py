"""Sphinx hook: the performance page's tables and figures, from benchmark JSON.

At ``builder-inited`` this reads the published benchmark reports
(``benchmarks/published/bench_fit.json`` and ``bench_dask.json``: the JSON
that ``benchmarks/bench_fit.py`` and ``benchmarks/bench_dask.py`` write into
``benchmarks/results/``, copied there when a run is published) and writes

* ``docs/performance/_generated/*.rst``: one reStructuredText table per
  section (included by ``docs/performance.rst``), and
* ``docs/performance/_generated/*.png``: the figures, drawn from the same
  JSON by the benchmark scripts' own plotting functions,

so that no number on the page is copied by hand.  A missing report or a
missing section is a build error naming the file.
"""

import importlib.util
import json
import sys
from pathlib import Path

from sklearn_sigmoid._environment import machine_line

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
#: Where the published reports live (``benchmarks/results/`` is not tracked).
PUBLISHED = BENCHMARKS / "published"
OUT = ROOT / "docs" / "performance" / "_generated"

GAPS = (1e-2, 1e-4, 1e-6)


def _load_script(name):
    """Import ``benchmarks/<name>.py`` (for its plotting functions)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(
        f"_docs_{name}", BENCHMARKS / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def list_table(header, rows, widths=None):
    """A reStructuredText ``list-table`` of strings."""
    lines = [".. list-table::", "   :header-rows: 1"]
    if widths:
        lines.append("   :widths: " + " ".join(str(w) for w in widths))
    lines.append("")
    for row in [header, *rows]:
        for i, cell in enumerate(row):
            lines.append(("   * - " if i == 0 else "     - ") + str(cell))
    return "\n".join(lines) + "\n"


def _fmt(value, spec):
    return "n/a" if value is None else format(value, spec)


def _seconds(value):
    return "not searched" if value is None else f"{value:.3f}"


def time_to_gap_table(rows):
    header = ["features", *[f"gap {g:.0e}" for g in GAPS], "CV accuracy ours / lbfgs"]
    body = []
    for r in rows:
        cells = [
            f"{_fmt(r[f'ours_seconds_{g:g}'], '.3f')} / "
            f"{_fmt(r[f'lbfgs_seconds_{g:g}'], '.3f')} = "
            f"**{_fmt(r[f'ratio_{g:g}'], '.2f')}** "
            f"(reached {r[f'ours_reached_{g:g}']:.0e})"
            for g in GAPS
        ]
        body.append(
            [
                r["features"],
                *cells,
                f"{r['cv_accuracy_ours']:.3f} / {r['cv_accuracy_lbfgs']:.3f}",
            ]
        )
    return list_table(header, body)


def defaults_table(rows):
    header = [
        "problem",
        "ours: gap (certified), epochs, stop, s",
        "lbfgs default: gap, s",
        "lbfgs to our gap, s",
        "ratio",
    ]
    body = [
        [
            r["problem"],
            f"{r['ours_gap']:.1e} ({r['ours_certified_gap']:.1e}), "
            f"{r['ours_epochs']}, {r['ours_stop']}, {r['ours_seconds']:.4f}",
            f"{r['lbfgs_gap']:.1e}, {r['lbfgs_seconds']:.4f}",
            _fmt(r["lbfgs_seconds_to_ours_gap"], ".4f"),
            _fmt(r["ratio_to_same_gap"], ".2f"),
        ]
        for r in rows
    ]
    return list_table(header, body)


def epoch_cost_table(rows):
    header = [
        "features",
        "dtype",
        "floor ms",
        "fixed-step epoch",
        "auto epoch",
        "beyond the floor, fixed / auto ms",
    ]
    body = [
        [
            r["features"],
            r["dtype"],
            f"{r['floor_seconds'] * 1e3:.3f}",
            f"{r['fixed_vs_floor']:.2f}x ({r['fixed_vs_fastest_pair']:.2f}x)",
            f"{r['auto_vs_floor']:.2f}x ({r['auto_vs_fastest_pair']:.2f}x)",
            f"{r['fixed_overhead_seconds'] * 1e3:.3f} / "
            f"{r['auto_overhead_seconds'] * 1e3:.3f}",
        ]
        for r in rows
    ]
    return list_table(header, body)


def scaling_table(rows):
    header = [
        "rows",
        "epoch ms",
        "ours to 1e-4 s",
        "lbfgs to 1e-4 s",
        "peak memory / size of X",
    ]
    body = [
        [
            f"{r['rows']:,}",
            f"{r['epoch_seconds'] * 1e3:.2f}",
            _seconds(r["ours_seconds_1e-4"]),
            _seconds(r["lbfgs_seconds_1e-4"]),
            f"{r['ours_peak_vs_X']:.2f}",
        ]
        for r in rows
    ]
    text = list_table(header, body)
    last = rows[-1]
    slopes = [f"epoch {last['slope_epoch_seconds']:.2f}"]
    for key, label in (("ours", "ours to 1e-4"), ("lbfgs", "lbfgs to 1e-4")):
        if f"slope_{key}_seconds_1e-4" in last:
            slopes.append(f"{label} {last[f'slope_{key}_seconds_1e-4']:.2f}")
    return text + f"\nLog-log slopes against rows: {', '.join(slopes)}.\n"


def dask_table(report):
    header = [
        "rows",
        "non-zeros",
        "step",
        "epoch in memory",
        "epoch on Dask",
        "max coef diff",
    ]
    body = []
    for r in report["rows"]:
        for label in ("auto", "momentum"):
            body.append(
                [
                    f"{r['rows']:,}",
                    f"{r['nnz']:,}",
                    label,
                    f"{r[f'{label}_memory_epoch_s'] * 1e3:.1f} ms",
                    f"{r[f'{label}_dask_epoch_s'] * 1e3:.1f} ms",
                    f"{r[f'{label}_max_coef_diff']:.1e}",
                ]
            )
    return list_table(header, body)


def lecture_loop_text(loop):
    return (
        f"On {loop['shape'][0]:,} x {loop['shape'][1]} keyword counts, one epoch "
        f"of the lecture's per-sample loop takes "
        f"{loop['loop_epoch_seconds'] * 1e3:.1f} ms, the vectorised epoch "
        f"{loop['vectorised_epoch_seconds'] * 1e3:.3f} ms: "
        f"{loop['speed_up']:.0f} times faster.\n"
    )


def _read(name):
    path = PUBLISHED / name
    if not path.is_file():
        raise FileNotFoundError(
            f"The performance page needs {path}: copy the benchmark's report "
            f"from benchmarks/results/ there (see docs/performance.rst)."
        )
    return json.loads(path.read_text())


def write_all(out=OUT, figures=True):
    """Write every table (and, with ``figures``, every figure) into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fit = _read("bench_fit.json")
    bench_fit = _load_script("bench_fit")  # its variants text and figures
    dask = _read("bench_dask.json")
    threads = (
        "1" if "1" in fit["time_to_optimum"] else next(iter(fit["time_to_optimum"]))
    )
    texts = {
        "machine_fit": (
            f"Machine: {machine_line(fit['machine'])}. Times: "
            + (
                "CPU time of the process (``--timer cpu``, steadier on a "
                "shared machine; the fits run on one BLAS thread).\n"
                if fit.get("timer") == "cpu"
                else "wall clock.\n"
            )
        ),
        "machine_dask": (
            f"Machine: {machine_line(dask['machine'])}; {dask['dask_workers']} "
            "Dask workers "
            f"x {dask['threads_per_worker']} thread, {dask['epochs']} epochs each.\n"
        ),
        "time_to_gap": time_to_gap_table(fit["time_to_optimum"][threads]),
        "defaults": defaults_table(fit["defaults"]),
        "defaults_variants": (
            bench_fit.variants_text(fit["defaults_variants"]) + "\n"
            if "defaults_variants" in fit
            else ""
        ),
        "epoch_cost": epoch_cost_table(fit["epoch_cost"]),
        "scaling": scaling_table(fit["scaling"]),
        "lecture_loop": lecture_loop_text(fit["lecture_loop"]),
        "dask": dask_table(dask),
    }
    for name, text in texts.items():
        path = out / f"{name}.rst"
        # Rewrite only on change, so that Sphinx does not rebuild needlessly.
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
    if figures:
        bench_fit.figures(fit, out, log=lambda msg: None)
        bench_dask = _load_script("bench_dask")
        png = bench_dask.plot_epoch_times(
            dask["rows"], dask["epochs"], dask["dask_workers"], out
        )
        if png is None:  # pragma: no cover - matplotlib is in [docs]
            raise RuntimeError("drawing the Dask figure needs matplotlib")
    return sorted(out.iterdir())


def _on_builder_inited(app):
    write_all()


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
