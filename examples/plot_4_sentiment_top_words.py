"""
============================================
Movie-review sentiment and the words it uses
============================================

The lecture's exercise: tell positive from negative movie reviews. This
example trains a full-vocabulary pipeline (``CountVectorizer`` ->
``MaxAbsScaler`` -> :class:`~sklearn_sigmoid.GDLogisticRegression`) on Pang &
Lee's polarity corpus (2000 reviews), cross-validates it, and shows the words
with the largest weights with
:class:`~sklearn_sigmoid.inspection.TopKeywordsDisplay`.

The corpus is not part of the package. The loader looks for it in the folder
named by the environment variable ``SKLEARN_SIGMOID_DATA``, then in
``~/sklearn_sigmoid_data`` (see :func:`~sklearn_sigmoid.datasets.load_movie_reviews`;
``download_if_missing=True`` fetches it). When the documentation is built on
a machine without it, this page says so instead of showing results.
"""

# %%
# Load the reviews
# ----------------
from sklearn_sigmoid.datasets import load_movie_reviews

try:
    reviews = load_movie_reviews()
except FileNotFoundError:
    reviews = None
    print(
        "The polarity corpus was not found on the machine that built this "
        "page, so this example was skipped. Set SKLEARN_SIGMOID_DATA to the "
        "folder that holds movie_reviews/, or call "
        "load_movie_reviews(download_if_missing=True), and run it again."
    )
else:
    print(f"{len(reviews.data)} reviews, {int(reviews.target.sum())} positive")

# %%
# Cross-validate the pipeline
# ---------------------------
# :func:`~sklearn_sigmoid.features.make_sentiment_pipeline` with
# ``keywords=None`` counts every word of the vocabulary; its steps are named
# ``features``, ``scale`` and ``model``. The default fit stops once its
# duality gap certifies that it is within ``tol`` of the optimum.
import matplotlib.pyplot as plt
from sklearn.model_selection import cross_val_score

from sklearn_sigmoid.features import make_sentiment_pipeline
from sklearn_sigmoid.inspection import TopKeywordsDisplay

if reviews is not None:
    pipe = make_sentiment_pipeline(keywords=None)
    scores = cross_val_score(pipe, reviews.data, reviews.target, cv=5)
    print(f"5-fold accuracy {scores.mean():.3f} +- {scores.std():.3f}")

# %%
# What the model looks at
# -----------------------
# Fitted on every review, the words pushing hardest towards "positive" and
# towards "negative". The weights apply to the MaxAbs-scaled counts.
if reviews is not None:
    pipe.fit(reviews.data, reviews.target)
    model = pipe.named_steps["model"]
    print(f"{model.n_iter_} epochs, stopped by {model.stop_reason_!r}")
    fig, ax = plt.subplots(figsize=(8, 5))
    TopKeywordsDisplay.from_estimator(
        pipe, n=12, target_names=["negative", "positive"], ax=ax
    )
    fig.tight_layout()
    plt.show()
