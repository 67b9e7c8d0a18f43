"""benchmarks/stream_reviews.py's command line (nothing is streamed here)."""

import importlib.util
import json
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load():
    sys.path.insert(0, str(BENCHMARKS))  # it imports _common by name
    try:
        spec = importlib.util.spec_from_file_location(
            "stream_reviews", BENCHMARKS / "stream_reviews.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


def test_readme_only_rewrites_the_block_from_the_json_and_runs_nothing(
    tmp_path, monkeypatch
):
    module = _load()
    report = {"total_seconds": 72.0}
    (tmp_path / "stream_reviews.json").write_text(json.dumps(report))
    readme = tmp_path / "README.md"
    readme.write_text(
        f"before\n{module.README_BEGIN}\nold\n{module.README_END}\nafter\n"
    )
    monkeypatch.setattr(module, "readme_block", lambda r: f"new {r}\n")
    monkeypatch.setattr(
        module, "split_files", lambda args: (_ for _ in ()).throw(AssertionError)
    )
    args = ["--readme-only", "--out", str(tmp_path), "--readme", str(readme)]
    assert module.main(args) == 0
    assert readme.read_text() == (
        f"before\n{module.README_BEGIN}\nnew {report}\n{module.README_END}\nafter\n"
    )
    assert module._duration(72.4) == "72 s"
    assert module._duration(240) == "4 minutes"
