"""The figures of benchmarks/bench_fit.py, drawn from a small synthetic report.

Nothing is measured here: the report dict has the keys ``main`` writes (see
``markdown``), with made-up numbers, including the awkward cases of a real
run (a gap reached below the drawing floor, lbfgs not reaching a target, a
scaling size whose time to a gap was not searched).
"""

import json
import sys

import numpy as np
import pytest

NAMES = ("time_to_gap", "epoch_cost", "scaling")


@pytest.fixture(scope="module")
def bench_fit(benchmark_script):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    return benchmark_script("bench_fit")


def _gap_row(name, n_features, scale, reached, lbfgs_1e6=True):
    row = {"features": name, "shape": [2000, n_features], "nnz": 10 * n_features}
    for i, gap in enumerate(("0.01", "0.0001", "1e-06")):
        ours, lbfgs = scale * (1 + i), scale * (1.2 + i)
        row[f"ours_seconds_{gap}"] = ours
        row[f"ours_reached_{gap}"] = reached[i]
        row[f"ours_iter_{gap}"] = 10 * (i + 1)
        row[f"ours_stop_{gap}"] = "certified gap"
        missing = gap == "1e-06" and not lbfgs_1e6
        row[f"lbfgs_seconds_{gap}"] = None if missing else lbfgs
        row[f"lbfgs_iter_{gap}"] = None if missing else 5 * (i + 1)
        row[f"ratio_{gap}"] = None if missing else ours / lbfgs
    row["cv_accuracy_ours"] = row["cv_accuracy_lbfgs"] = 0.8
    return row


def _cost_row(name, dtype, floor, fixed, auto):
    return {
        "features": name,
        "dtype": dtype,
        "floor_seconds": floor,
        "fixed_vs_floor": fixed,
        "auto_vs_floor": auto,
        "auto_vs_floor_quartiles": [auto * 0.95, auto * 1.05],
    }


def _scaling_row(n, epoch, ours=None, lbfgs=None):
    return {
        "rows": n,
        "epoch_seconds": epoch,
        "ours_seconds_1e-4": ours,
        "lbfgs_seconds_1e-4": lbfgs,
        "ours_peak_vs_X": 0.5,
    }


@pytest.fixture
def report():
    return {
        "machine": {"summary": "a test machine"},
        "time_to_optimum": {
            "1": [
                _gap_row("keywords", 2, 0.002, [3e-7, 0.0, 3e-11]),
                _gap_row("vocabulary", 30_000, 0.3, [3e-3, 7e-5, 4e-7], False),
            ]
        },
        "epoch_cost": [
            _cost_row(name, dtype, floor, fixed, auto)
            for name, floor, fixed, auto in (
                ("keywords", 4e-6, 13.0, 23.0),
                ("vocabulary", 1.1e-3, 0.9, 1.2),  # noise: below the floor
            )
            for dtype in ("float64", "float32")
        ],
        "scaling": [
            _scaling_row(1_000, 5e-4, 0.14, 0.33),
            _scaling_row(10_000, 3e-3, 0.54, 1.1),
            _scaling_row(100_000, 6e-2),  # time to a gap not searched
        ],
    }


def _assert_pngs(folder):
    for name in NAMES:
        path = folder / f"bench_fit_{name}.png"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path


def test_figures_writes_the_three_pngs_and_copies(bench_fit, report, tmp_path):
    lines = []
    paths = bench_fit.figures(
        report, tmp_path / "results", copy_to=tmp_path / "copy", log=lines.append
    )
    assert [p.name for p in paths] == [f"bench_fit_{n}.png" for n in NAMES]
    _assert_pngs(tmp_path / "results")
    _assert_pngs(tmp_path / "copy")
    assert lines and lines[-1].startswith("wrote ")


def test_figures_leave_out_a_missing_section(bench_fit, report, tmp_path):
    del report["epoch_cost"]
    lines = []
    paths = bench_fit.figures(report, tmp_path, log=lines.append)
    assert [p.name for p in paths] == [
        "bench_fit_time_to_gap.png",
        "bench_fit_scaling.png",
    ]
    assert not (tmp_path / "bench_fit_epoch_cost.png").exists()
    assert any("no epoch_cost figure" in line for line in lines)


def test_figures_without_matplotlib_say_so(bench_fit, report, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # importing it fails
    lines = []
    assert bench_fit.figures(report, tmp_path, log=lines.append) == []
    assert lines == ["no figures: matplotlib is not installed (pip install matplotlib)"]
    assert not list(tmp_path.iterdir())


def test_figures_only_draws_from_a_json_without_measuring(
    bench_fit, report, tmp_path, monkeypatch
):
    def no_data(*args, **kwargs):
        raise AssertionError("--figures-only must not load the corpus")

    monkeypatch.setattr(bench_fit, "load_movie_reviews", no_data)
    monkeypatch.setattr(bench_fit, "feature_sets", no_data)
    path = tmp_path / "bench_fit.json"
    path.write_text(json.dumps(report))
    out, copy = tmp_path / "results", tmp_path / "figures"
    args = ["--figures-only", str(path), "--out", str(out), "--figures-copy"]
    assert bench_fit.main([*args, str(copy)]) == 0
    _assert_pngs(out)
    _assert_pngs(copy)
    # '' copies nowhere (one section, to draw less).
    path.write_text(json.dumps({"scaling": report["scaling"]}))
    args[3] = str(tmp_path / "b")
    assert bench_fit.main([*args, ""]) == 0
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["bench_fit_scaling.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "b",
        "bench_fit.json",
        "figures",
        "results",
    ]


def test_loglog_slope_of_a_power_law_skips_unmeasured_rows(bench_fit):
    rows = [{"rows": n, "t": 1e-6 * n**1.5} for n in (1e3, 1e4, 1e5)]
    rows.append({"rows": 1e6, "t": None})
    assert bench_fit.loglog_slope(rows, "t") == pytest.approx(1.5)
    assert bench_fit.loglog_slope(rows[:1], "t") is None


def test_best_time_reads_the_chosen_clock(bench_fit, monkeypatch):
    # --timer cpu: best_time reads the process's CPU time, which a sleep
    # (another program's turn on a shared machine) does not advance.
    import time

    monkeypatch.setattr(bench_fit, "clock", bench_fit.CLOCKS["cpu"])
    assert bench_fit.best_time(lambda: time.sleep(0.02), repeat=2, budget=0) < 0.01
    monkeypatch.setattr(bench_fit, "clock", bench_fit.CLOCKS["wall"])
    assert bench_fit.best_time(lambda: time.sleep(0.02), repeat=2, budget=0) >= 0.02


def test_spread_of_the_ratio_and_its_paragraph(bench_fit):
    rows = [
        {"ratio_to_same_gap": r, "ours_epochs": e, "lbfgs_iterations_to_ours_gap": k}
        for r, e, k in [(0.8, 100, 50), (1.2, 150, 50), (0.9, 90, 30)]
    ]
    summary = bench_fit.spread(rows)
    assert summary == {
        "n": 3,
        "median": 0.9,
        "min": 0.8,
        "max": 1.2,
        "above_one": 1,
        "median_epochs_per_iteration": 3.0,
    }
    text = bench_fit.variants_text(summary)
    assert "median is 0.90, from 0.80 to 1.20, above 1 on 1 of 3" in text
    assert "3.0 times lbfgs's iterations" in text


def test_breast_cancer_variants_are_reproducible_subsets(bench_fit):
    problems = bench_fit.breast_cancer_variants()
    again = bench_fit.breast_cancer_variants()
    assert list(problems) == list(again) and len(problems) == 12
    alphas = set()
    for name, (X, y, alpha) in problems.items():
        assert X.shape == (512, 30) and len(y) == 512  # 90 % of 569 rows
        assert 10**-4.5 <= alpha <= 10**-3.5 and f"{alpha:.2e}" in name
        np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)  # standardised
        np.testing.assert_array_equal(X, again[name][0])
        alphas.add(alpha)
    assert len(alphas) == 12
