"""benchmarks/stream_reviews.py's command line (nothing is streamed here)."""

import json


def test_readme_only_rewrites_the_block_from_the_json_and_runs_nothing(
    benchmark_script, tmp_path, monkeypatch
):
    module = benchmark_script("stream_reviews")
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
