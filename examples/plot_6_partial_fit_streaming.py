"""
======================================
Streaming data through ``partial_fit``
======================================

When the data does not fit in memory, feed it in chunks: each
``partial_fit`` call takes one epoch over the chunk it is given, so memory
holds one chunk at a time. With a constant step, stochastic descent keeps
moving around the optimum; ``average=True`` reports the running mean of the
iterates instead, which settles (as ``SGDClassifier(average=True)`` does).

Here the "stream" is a generator over a synthetic problem, 40 chunks of 250
rows, and the model is scored on a held-out set after every chunk.
:func:`~sklearn_sigmoid.datasets.iter_movie_reviews` gives the same kind of
stream over the movie reviews read lazily from disk.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

from sklearn_sigmoid import GDLogisticRegression

X, y = make_classification(
    n_samples=12_000, n_features=20, n_informative=8, flip_y=0.05, random_state=0
)
X_stream, X_test, y_stream, y_test = train_test_split(
    X, y, test_size=2_000, random_state=0
)


def chunks(X, y, size=250):
    """A stream of (X_chunk, y_chunk), as a reader of files would give."""
    for start in range(0, len(X), size):
        yield X[start : start + size], y[start : start + size]


models = {
    "ours, average=True": GDLogisticRegression(
        batch_size=10, learning_rate=0.5, average=True, random_state=0
    ),
    "ours, no averaging": GDLogisticRegression(
        batch_size=10, learning_rate=0.5, random_state=0
    ),
    "SGDClassifier(log_loss)": SGDClassifier(loss="log_loss", random_state=0),
}
curves = {name: [] for name in models}
for X_chunk, y_chunk in chunks(X_stream, y_stream):
    for name, model in models.items():
        model.partial_fit(X_chunk, y_chunk, classes=[0, 1])
        curves[name].append(model.score(X_test, y_test))

in_memory = GDLogisticRegression().fit(X_stream, y_stream).score(X_test, y_test)
for name, curve in curves.items():
    print(f"{name:>24}: held-out accuracy {curve[-1]:.3f} after {len(curve)} chunks")
print(f"{'in memory, fit':>24}: {in_memory:.3f}")

# %%
fig, ax = plt.subplots(figsize=(8, 4))
for name, curve in curves.items():
    ax.plot(np.arange(1, len(curve) + 1), curve, label=name)
ax.axhline(in_memory, color="k", linestyle=":", label="in memory, fit")
ax.set_xlabel("chunks seen (250 rows each)")
ax.set_ylabel("held-out accuracy")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
