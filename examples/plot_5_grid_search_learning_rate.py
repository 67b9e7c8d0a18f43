"""
============================================
Choosing the learning rate with GridSearchCV
============================================

The estimators are ordinary scikit-learn estimators, so
:class:`~sklearn.model_selection.GridSearchCV` can search ``learning_rate``
like any other parameter. A rate that diverges raises
:class:`~sklearn_sigmoid.DivergenceError` inside ``fit``; ``GridSearchCV``
scores that candidate as NaN (``error_score=np.nan``, its default) and goes
on. ``learning_rate="auto"`` competes in the same grid.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid import GDLogisticRegression

X, y = load_breast_cancer(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(), GDLogisticRegression(alpha=1e-3, max_iter=100, tol=None)
)
grid = {"gdlogisticregression__learning_rate": [0.01, 0.1, 1.0, 10.0, 100.0, "auto"]}
search = GridSearchCV(pipe, grid, cv=StratifiedKFold(5, shuffle=True, random_state=0))
with warnings.catch_warnings():
    # The diverging candidate's failed fits are expected here.
    warnings.simplefilter("ignore", FitFailedWarning)
    warnings.simplefilter("ignore", UserWarning)
    search.fit(X, y)

labels = [str(v) for v in grid["gdlogisticregression__learning_rate"]]
means = search.cv_results_["mean_test_score"]
stds = search.cv_results_["std_test_score"]
for label, mean, std in zip(labels, means, stds):
    shown = "diverged (NaN)" if np.isnan(mean) else f"{mean:.3f} +- {std:.3f}"
    print(f"learning_rate={label:>5}: {shown}")
print("best:", search.best_params_)

# %%
# The mean accuracy per learning rate, with one standard deviation over the
# folds; the diverged rate has no bar.
fig, ax = plt.subplots(figsize=(7, 3.6))
ok = ~np.isnan(means)
ax.bar(np.arange(len(labels))[ok], means[ok], yerr=stds[ok], color="C0", capsize=4)
for i in np.flatnonzero(~ok):
    ax.text(i, 0.5, "diverged", ha="center", rotation=90, color="C3")
ax.set_xticks(np.arange(len(labels)), labels)
ax.set_xlabel("learning_rate (100 epochs each)")
ax.set_ylabel("mean CV accuracy")
ax.set_ylim(0.5, 1.0)
fig.tight_layout()
plt.show()
