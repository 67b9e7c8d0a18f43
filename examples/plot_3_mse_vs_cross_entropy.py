"""
===================================
Squared error against cross-entropy
===================================

Both losses train the same sigmoid output ``y_hat = sigma(z)``,
``z = w.x + b``; they differ in the gradient with respect to ``z``:

* squared error ``(y_hat - y)^2 / 2``: gradient ``(y_hat - y) y_hat (1 - y_hat)``;
* cross-entropy ``-y log y_hat - (1 - y) log(1 - y_hat)``: gradient ``y_hat - y``.

The extra factor ``y_hat (1 - y_hat)`` is at most 1/4 and vanishes where the
sigmoid saturates. This example draws both gradients, then trains both losses
on the same data with the same step.
"""

# %%
# The gradient with respect to the raw score
# ------------------------------------------
# For a positive example (``y = 1``), the further ``z`` is on the wrong side,
# the more the cross-entropy pulls; the squared error pulls *less*, because
# the sigmoid is flat there: a plateau.
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit

z = np.linspace(-10, 10, 401)
y_hat = expit(z)
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(z, np.abs(y_hat - 1), label="cross-entropy: |y_hat - y|")
ax.plot(
    z,
    np.abs((y_hat - 1) * y_hat * (1 - y_hat)),
    label="squared error: |(y_hat - y) y_hat (1 - y_hat)|",
)
ax.set_xlabel("raw score z = w.x + b (target y = 1)")
ax.set_ylabel("|dL/dz|")
ax.set_yscale("log")
ax.legend()
ax.set_title("The squared-error gradient vanishes where the sigmoid saturates")
fig.tight_layout()

# %%
# Training both on the same data
# ------------------------------
# Logistic regression on scikit-learn's breast-cancer set, standardised, with
# the same fixed step and early stopping on, so that each model's accuracy on
# a held-out tenth is recorded after every epoch.
# :class:`~sklearn_sigmoid.inspection.LossCurveDisplay` draws the training
# objective and, in a panel below, those validation scores.
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid import GDLogisticRegression
from sklearn_sigmoid.inspection import LossCurveDisplay

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
# Start far out on the plateau: every raw score about -6.
start = {"coef_init": np.zeros((1, X.shape[1])), "intercept_init": [-6.0]}
models = []
for loss in ["mse", "cross_entropy"]:
    model = GDLogisticRegression(
        loss=loss,
        learning_rate=1.0,
        alpha=1e-4,
        max_iter=150,
        early_stopping=True,
        tol=None,  # exactly max_iter epochs: the whole curves
        random_state=0,
    )
    models.append(model.fit(X, y, **start))
    scores = model.validation_scores_
    print(
        f"{loss:>13}: validation accuracy after 10 epochs {scores[9]:.3f}, "
        f"after 50 {scores[49]:.3f}, after 150 {scores[-1]:.3f}"
    )

disp = LossCurveDisplay.from_estimator(models, names=["squared error", "cross-entropy"])
plt.show()

# %%
# The two objectives measure different things, so compare the shapes of the
# curves and the validation panel rather than their heights. From the same
# saturated start, the cross-entropy model's validation accuracy climbs from
# the first epochs. The squared-error model's stays flat for dozens of epochs
# (it predicts a single class all that time) while descent crawls off the
# plateau, and it is still behind after 150 epochs.
