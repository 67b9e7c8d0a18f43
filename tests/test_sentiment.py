"""The main job as a command: ``python -m sklearn_sigmoid.sentiment``.

Run on a small fixture corpus written into a temporary data home (the real
run takes a minute; its end-to-end test is in test_movie_reviews.py).
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from sklearn_sigmoid import sentiment

POSITIVE = ["great", "wonderful", "brilliant", "superb", "enjoyable", "moving"]
NEGATIVE = ["boring", "awful", "dull", "worst", "waste", "poor"]
FILLER = ["the", "film", "plot", "actor", "scene", "story", "director", "music"]


def _write_corpus(root, n_per_class=24, seed=0):
    """A polarity-layout corpus and a Hu & Liu lexicon under ``root``."""
    rng = np.random.RandomState(seed)
    for label, (own, other) in {
        "pos": (POSITIVE, NEGATIVE),
        "neg": (NEGATIVE, POSITIVE),
    }.items():
        folder = root / "movie_reviews" / label
        folder.mkdir(parents=True)
        for i in range(n_per_class):
            words = (
                list(rng.choice(own, 4))
                + list(rng.choice(other, 1))
                + list(rng.choice(FILLER, 10))
            )
            rng.shuffle(words)
            (folder / f"cv{i:03d}_{label}.txt").write_text(" ".join(words))
    lexicon = root / "opinion_lexicon"
    lexicon.mkdir()
    (lexicon / "positive-words.txt").write_text(";; positive\n" + "\n".join(POSITIVE))
    (lexicon / "negative-words.txt").write_text(";; negative\n" + "\n".join(NEGATIVE))
    return root


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """A fixture data home; the environment points nowhere else."""
    monkeypatch.delenv("SKLEARN_SIGMOID_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/sklearn_sigmoid_data
    return _write_corpus(tmp_path / "data")


QUICK = ["--folds", "2", "--no-grid-search", "--no-figures"]


def test_main_job_writes_table_json_and_machine(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert sentiment.main(["--data-home", str(corpus), "--out", str(out)] + QUICK) == 0
    printed = capsys.readouterr().out
    # Progress: one line per fold and feature set, each model under its own label.
    fold_lines = [line for line in printed.splitlines() if "] fold " in line]
    assert len(fold_lines) == 3 * 2
    for line in fold_lines:
        labels = [part.split()[0] for part in line.split("accuracy ")[1].split(", ")]
        assert labels == list(sentiment.MODELS.values())
    assert "(no figures: --no-figures)" in printed

    report = json.loads((out / "movie_reviews.json").read_text())
    rows = report["results"]
    assert [(r["features"], r["model"]) for r in rows] == [
        (feat, model) for feat in sentiment.FEATURE_SETS for model in sentiment.MODELS
    ]
    by = {(r["features"], r["model"]): r for r in rows}
    for feat in sentiment.FEATURE_SETS:
        ours = by[feat, "GD logistic (cross-entropy)"]
        lbfgs = by[feat, "sklearn LogisticRegression"]
        assert lbfgs["fit_time_vs_lbfgs"] == 1.0
        assert lbfgs["median_dual_gap"] is None and lbfgs["stop_reason"] is None
        # The certified stop: a finite duality gap at most tol (1e-4) for every fold.
        assert all(0 <= g <= 1e-4 for g in ours["fold_dual_gap"])
        assert ours["stop_reason"] == "certified gap"
        assert abs(ours["accuracy_mean"] - lbfgs["accuracy_mean"]) <= 0.05
        assert ours["accuracy_mean"] > 0.8  # the fixture's keywords separate it
        assert len(ours["fold_accuracy"]) == 2
    # The MSE models have no certificate: recorded as None, not Infinity.
    assert by["vocabulary", "GD logistic (MSE)"]["median_dual_gap"] is None

    machine = report["machine"]
    assert machine["cpu_model"] and machine["cpu_count"] >= 1
    assert set(machine["packages"]) >= {
        "sklearn-sigmoid",
        "numpy",
        "scipy",
        "scikit-learn",
    }
    assert machine["packages"]["numpy"] == np.__version__
    assert machine["blas_threads_during_fits"] == 1
    assert report["dataset"].endswith("(48 reviews)")

    md = (out / "movie_reviews.md").read_text()
    assert "| lexicon | Sigmoid neuron (MSE) > 0.5 |" in md
    assert f"Machine: {sentiment.machine_line(machine)}." in md
    assert "| dual gap (median) | stop |" in md


def test_max_docs_features_and_grid_search(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    argv = [
        "--data-home",
        str(corpus),
        "--out",
        str(out),
        "--folds",
        "2",
        "--max-docs",
        "30",
        "--features",
        "keywords",
        "--no-figures",
        "--quiet",
    ]
    assert sentiment.main(argv) == 0
    printed = capsys.readouterr().out
    assert "fold" not in printed  # --quiet: no progress lines
    report = json.loads((out / "movie_reviews.json").read_text())
    assert {r["features"] for r in report["results"]} == {"keywords"}
    assert report["dataset"].endswith("(30 reviews)")
    assert report["grid_search"]["best_learning_rate"] in (
        0.1,
        1.0,
        10.0,
        100.0,
        "auto",
    )


def test_missing_lexicon_skips_its_feature_set(corpus, tmp_path, capsys):
    for name in ("positive-words.txt", "negative-words.txt"):
        (corpus / "opinion_lexicon" / name).unlink()
    out = tmp_path / "out"
    assert sentiment.main(["--data-home", str(corpus), "--out", str(out)] + QUICK) == 0
    assert "Skipping the lexicon feature set" in capsys.readouterr().err
    report = json.loads((out / "movie_reviews.json").read_text())
    assert {r["features"] for r in report["results"]} == {"keywords", "vocabulary"}


def test_downloads_only_when_asked(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SKLEARN_SIGMOID_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    empty = tmp_path / "empty"
    status = sentiment.main(
        ["--data-home", str(empty), "--out", str(tmp_path / "o")] + QUICK
    )
    assert status == 2
    err = capsys.readouterr().err
    assert "--download" in err and str(empty) in err
    assert not empty.exists() and not (tmp_path / "o").exists()

    # With --download the loader is asked to download (stubbed: no network).
    calls = []
    fixture = _write_corpus(tmp_path / "fixture")
    real_loader = sentiment.load_movie_reviews

    def fake_loader(data_home=None, **kwargs):
        calls.append((data_home, kwargs))
        return real_loader(data_home=fixture)

    monkeypatch.setattr(sentiment, "load_movie_reviews", fake_loader)
    argv = [
        "--data-home",
        str(empty),
        "--out",
        str(tmp_path / "o"),
        "--download",
        "--features",
        "keywords",
        "--quiet",
    ] + QUICK
    assert sentiment.main(argv) == 0
    assert calls == [(str(empty), {"download_if_missing": True})]


def test_invalid_options_name_the_problem(corpus, capsys):
    with pytest.raises(SystemExit) as exc:
        sentiment.main(["--folds", "1"])
    assert exc.value.code == 2
    assert "--folds must be at least 2" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        sentiment.main(["--features", "bigrams"])
    assert "invalid choice: 'bigrams'" in capsys.readouterr().err


def test_every_option_has_help():
    parser = sentiment.build_parser()
    for action in parser._actions:
        assert action.help and action.help != "==SUPPRESS==", action.option_strings


def test_figures_through_the_displays(corpus, tmp_path, capsys):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    out = tmp_path / "out"
    argv = [
        "--data-home",
        str(corpus),
        "--out",
        str(out),
        "--folds",
        "2",
        "--no-grid-search",
        "--features",
        "keywords",
        "--quiet",
    ]
    assert sentiment.main(argv) == 0
    for name in ("convergence.png", "accuracy.png", "top_keywords.png"):
        assert (out / name).stat().st_size > 5000, name
    assert "no figures" not in capsys.readouterr().out


def test_without_matplotlib_the_job_runs_and_says_so(
    corpus, tmp_path, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    out = tmp_path / "out"
    argv = [
        "--data-home",
        str(corpus),
        "--out",
        str(out),
        "--folds",
        "2",
        "--no-grid-search",
        "--features",
        "keywords",
        "--quiet",
    ]
    assert sentiment.main(argv) == 0
    printed = capsys.readouterr().out
    assert "no figures: matplotlib is not installed" in printed
    assert "sklearn-sigmoid[plot]" in printed
    assert (out / "movie_reviews.json").exists()
    assert not list(out.glob("*.png"))


def test_module_runs_as_a_command(corpus, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        sentiment.main(["--help"])
    assert exc.value.code == 0 and "--download" in capsys.readouterr().out
    # ``python -m``, under a time limit; the environment variable is where the
    # command finds the data.
    env = {**os.environ, "SKLEARN_SIGMOID_DATA": str(corpus)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sklearn_sigmoid.sentiment",
            "--out",
            str(tmp_path / "o"),
            "--features",
            "keywords",
            "--quiet",
        ]
        + QUICK,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "| keywords | GD logistic (cross-entropy) |" in done.stdout


def test_console_script_is_declared():
    from importlib import metadata

    scripts = {
        ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")
    }
    assert scripts.get("sklearn-sigmoid-sentiment") == "sklearn_sigmoid.sentiment:main"


def test_readme_block_is_written_from_the_json(
    corpus, benchmark_script, tmp_path, capsys
):
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    module = benchmark_script("readme_results")
    # The repository's README holds the block's markers once.
    text = (repo / "README.md").read_text()
    assert text.count(module.BEGIN) == 1 and text.count(module.END) == 1

    out = tmp_path / "out"
    assert (
        sentiment.main(
            [
                "--data-home",
                str(corpus),
                "--out",
                str(out),
                "--quiet",
                "--features",
                "keywords",
            ]
            + QUICK
        )
        == 0
    )
    readme = tmp_path / "README.md"
    readme.write_text(f"# title\n{module.BEGIN}\nold text\n{module.END}\nafter\n")
    (out / "accuracy.png").write_bytes(b"png")
    figures = tmp_path / "figures"
    figures.mkdir()
    assert (
        module.main(
            ["--results", str(out), "--readme", str(readme), "--figures", str(figures)]
        )
        == 0
    )
    assert (figures / "main_job_accuracy.png").read_bytes() == b"png"
    written = readme.read_text()
    report = json.loads((out / "movie_reviews.json").read_text())
    assert "old text" not in written and written.endswith(f"{module.END}\nafter\n")
    assert f"Machine: {sentiment.machine_line(report['machine'])};" in written
    assert sentiment.markdown_table(report["results"]) in written
