"""Collection settings for the whole repository (tests and doctests)."""

import importlib.util
import os
import sys

import pytest

# Figures are drawn off screen (the inspection doctests and tests draw).
os.environ.setdefault("MPLBACKEND", "Agg")

# The doctests of sklearn_sigmoid/dask.py need the [dask] extra; without it
# the module refuses to import (by design), so it is not collected.
collect_ignore = []
if importlib.util.find_spec("distributed") is None:
    collect_ignore.append("sklearn_sigmoid/dask.py")


def _onnx_missing():
    if all(importlib.util.find_spec(m) for m in ("skl2onnx", "onnxruntime")):
        return None
    return 'needs the [onnx] extra: pip install "sklearn-sigmoid[onnx]"'


def _corpus_missing():
    from sklearn_sigmoid.datasets import list_movie_reviews

    try:
        list_movie_reviews()
    except FileNotFoundError:
        return (
            "needs the polarity corpus (not shipped, no download in tests): set "
            "SKLEARN_SIGMOID_DATA to the folder holding movie_reviews/"
        )
    return None


def _lexicon_missing():
    from sklearn_sigmoid.datasets import load_opinion_lexicon

    try:
        load_opinion_lexicon()
    except FileNotFoundError:
        return (
            "needs Hu & Liu's opinion lexicon (not shipped): set "
            "SKLEARN_SIGMOID_DATA to the folder holding opinion_lexicon/"
        )
    return None


# Docstring examples that need what a test run may lack: skipped, saying why,
# only when it is missing (CI's main leg has the extra and the data).
_DOCTEST_NEEDS = {
    "sklearn_sigmoid.export.to_onnx": _onnx_missing,
    "sklearn_sigmoid.datasets.load_movie_reviews": _corpus_missing,
    "sklearn_sigmoid.datasets.list_movie_reviews": _corpus_missing,
    "sklearn_sigmoid.datasets.load_opinion_lexicon": _lexicon_missing,
}


def pytest_collection_modifyitems(config, items):
    reasons = {}
    for item in items:
        check = _DOCTEST_NEEDS.get(item.name)
        if check is None or type(item).__name__ != "DoctestItem":
            continue
        if check not in reasons:
            reasons[check] = check()
        if reasons[check]:
            item.add_marker(pytest.mark.skip(reason=reasons[check]))


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or doctest drew (matplotlib warns past 20)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
