"""Test configuration shared by the whole suite."""

import os
from pathlib import Path

import pytest

# scikit-learn's check that array-API dispatch with NumPy inputs changes no
# result runs only when SciPy's array-API mode is on; it must be set before
# SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")


def _real_data_dir():
    """``$SKLEARN_SIGMOID_DATA``, else ``../shared/data`` beside the project."""
    env = os.environ.get("SKLEARN_SIGMOID_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


#: Where the real corpora are, resolved once at start-up (before any test
#: fixture changes the environment).
REAL_DATA = _real_data_dir()


@pytest.fixture(scope="session")
def real_movie_reviews():
    """The 2000 polarity reviews as ``(docs, target)``, or skip if absent."""
    from sklearn_sigmoid.datasets import load_movie_reviews

    if not (REAL_DATA / "movie_reviews" / "pos").is_dir():
        pytest.skip(
            f"movie review corpus not found under {REAL_DATA} (set "
            "SKLEARN_SIGMOID_DATA to the folder holding movie_reviews/)"
        )
    docs, target = load_movie_reviews(data_home=REAL_DATA, return_X_y=True)
    return docs, target
