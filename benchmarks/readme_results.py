"""Write the main job's results into the README, from its JSON.

Replaces the text between ``<!-- main-job-results:begin -->`` and
``<!-- main-job-results:end -->`` in ``README.md`` with the run's date,
machine line and table, all read from ``results/movie_reviews.json`` (the
output of ``benchmarks/movie_reviews.py``), and copies its figures to
``benchmarks/figures/main_job_*.png``.  Nothing in that block is typed by hand.

Run: ``python benchmarks/readme_results.py [--results DIR] [--readme PATH]``.
"""

import argparse
import json
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCHMARKS, RESULTS, machine_line, replace_block

from sklearn_sigmoid.sentiment import markdown_table

BEGIN = "<!-- main-job-results:begin -->"
END = "<!-- main-job-results:end -->"
FIGURES = ("convergence.png", "accuracy.png", "top_keywords.png")


def results_block(report, run_date):
    """The README block for ``report`` (the parsed JSON)."""
    search = report.get("grid_search")
    text = (
        f"Run on {run_date} ({report['cv']}, {report['dataset']}; "
        f"{report['total_seconds']:.0f} s in all). Machine: "
        f"{machine_line(report['machine'])}; one BLAS thread per fit.\n\n"
        + markdown_table(report["results"])
        + "\n"
    )
    if search:
        scores = ", ".join(
            f"{rate}: {score if isinstance(score, str) else f'{score:.3f}'}"
            for rate, score in search["mean_test_score"].items()
        )
        text += (
            f"\n`GridSearchCV` over `learning_rate` (keyword features, same "
            f"folds) picks `{search['best_learning_rate']!r}`; mean accuracy "
            f"per value: {scores}.\n"
        )
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--results",
        default=str(RESULTS),
        help="folder holding movie_reviews.json and the PNGs "
        "(default: benchmarks/results)",
    )
    parser.add_argument(
        "--readme",
        default=str(BENCHMARKS.parent / "README.md"),
        help="the README to update (default: the repository's)",
    )
    parser.add_argument(
        "--figures",
        default=str(BENCHMARKS / "figures"),
        help="folder the PNGs are copied to, as main_job_*.png "
        "(default: benchmarks/figures)",
    )
    args = parser.parse_args(argv)
    results = Path(args.results)
    json_path = results / "movie_reviews.json"
    report = json.loads(json_path.read_text())
    run_date = datetime.fromtimestamp(json_path.stat().st_mtime, timezone.utc)
    readme = Path(args.readme)
    replace_block(
        readme, BEGIN, END, results_block(report, run_date.strftime("%Y-%m-%d"))
    )
    copied = []
    for name in FIGURES:
        if (results / name).exists():
            target = Path(args.figures) / f"main_job_{name}"
            shutil.copyfile(results / name, target)
            copied.append(str(target))
    print(f"updated {readme}" + (", copied " + ", ".join(copied) if copied else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
