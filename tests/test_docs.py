"""The documentation's links and generated pages (docs/, the HTML repr)."""

import importlib
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler

from sklearn_sigmoid import GDLogisticRegression, SigmoidNeuronRegressor
from sklearn_sigmoid._doc_link import DOC_ROOT
from sklearn_sigmoid.features import KeywordCounter

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
needs_docs = pytest.mark.skipif(
    not (DOCS / "api" / "index.rst").is_file(),
    reason="docs/ is not part of the source distribution",
)

PUBLIC_MODULES = [
    "sklearn_sigmoid",
    "sklearn_sigmoid.datasets",
    "sklearn_sigmoid.features",
    "sklearn_sigmoid.inspection",
    "sklearn_sigmoid.dask",
    "sklearn_sigmoid.export",
    "sklearn_sigmoid.sentiment",
]


def api_pages():
    """The page names autosummary generates from docs/api/index.rst.

    Each entry of an ``autosummary`` block becomes
    ``api/generated/<currentmodule>.<name>.html``.
    """
    pages, module, in_block = set(), None, False
    for line in (DOCS / "api" / "index.rst").read_text().splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = m[1]
        elif line.startswith(".. autosummary::"):
            in_block = True
        elif in_block and re.match(r"   [A-Za-z_]\w*$", line):
            pages.add(f"{module}.{line.strip()}")
        elif in_block and line and not line.startswith(" "):
            in_block = False
    return pages


@needs_docs
@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_api_reference_lists_every_public_name(module_name):
    if module_name == "sklearn_sigmoid.dask":
        pytest.importorskip("distributed", reason="sklearn_sigmoid.dask needs [dask]")
    module = importlib.import_module(module_name)
    missing = {f"{module_name}.{name}" for name in module.__all__} - api_pages()
    assert not missing, f"public names without an API page: {sorted(missing)}"


@pytest.mark.parametrize(
    "estimator, page",
    [
        (GDLogisticRegression(), "sklearn_sigmoid.GDLogisticRegression"),
        (SigmoidNeuronRegressor(), "sklearn_sigmoid.SigmoidNeuronRegressor"),
        (KeywordCounter(), "sklearn_sigmoid.features.KeywordCounter"),
    ],
)
def test_html_repr_links_the_api_page(estimator, page):
    url = f"{DOC_ROOT}/api/generated/{page}.html"
    assert estimator._get_doc_link() == url
    # Inside a pipeline too, next to scikit-learn's own links.
    html = make_pipeline(MaxAbsScaler(), estimator)._repr_html_()
    assert f'href="{url}"' in html
    assert "scikit-learn.org" in html  # the scaler keeps scikit-learn's link
    if (DOCS / "api" / "index.rst").is_file():
        assert page in api_pages(), f"{page} has no page in docs/api/index.rst"


def load_performance_tables():
    path = DOCS / "_ext" / "performance_tables.py"
    if not path.is_file():
        pytest.skip("docs/ is not part of the source distribution")
    spec = importlib.util.spec_from_file_location("performance_tables", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_performance_tables_come_from_the_json(tmp_path, monkeypatch):
    tables = load_performance_tables()
    published = tmp_path / "published"
    shutil.copytree(tables.PUBLISHED, published)
    report = json.loads((published / "bench_fit.json").read_text())
    threads = next(iter(report["time_to_optimum"]))
    report["time_to_optimum"][threads][0]["ratio_0.0001"] = 9.87
    report["defaults"][0]["ours_epochs"] = 4321
    (published / "bench_fit.json").write_text(json.dumps(report))
    dask = json.loads((published / "bench_dask.json").read_text())
    dask["rows"][0]["auto_max_coef_diff"] = 4.5e-3
    (published / "bench_dask.json").write_text(json.dumps(dask))
    monkeypatch.setattr(tables, "PUBLISHED", published)

    tables.write_all(tmp_path / "out", figures=False)

    out = tmp_path / "out"
    assert "**9.87**" in (out / "time_to_gap.rst").read_text()
    assert ", 4321, " in (out / "defaults.rst").read_text()
    assert "4.5e-03" in (out / "dask.rst").read_text()
    assert (out / "machine_fit.rst").read_text().startswith("Machine: ")


def test_performance_tables_name_a_missing_report(tmp_path, monkeypatch):
    tables = load_performance_tables()
    monkeypatch.setattr(tables, "PUBLISHED", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"bench_fit\.json"):
        tables.write_all(tmp_path / "out", figures=False)


@needs_docs
@pytest.mark.parametrize(
    "page",
    sorted(
        p.name for p in (DOCS / "user_guide").glob("*.rst") if ">>>" in p.read_text()
    ),
)
def test_user_guide_examples_run(page):
    """The ``>>>`` examples of the user guide give what the text shows."""
    import doctest

    result = doctest.testfile(
        str(DOCS / "user_guide" / page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 0
    assert result.failed == 0
