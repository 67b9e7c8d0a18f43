"""
=============================================
Too small, good, too large: the learning rate
=============================================

The update rule ``w <- w - eta * grad`` has one knob, the learning rate
``eta``. :class:`~sklearn_sigmoid.inspection.LearningRateSweepDisplay` fits a
model once per learning rate and draws the training objective after every
epoch. A step that makes the objective blow up stops the fit with
:class:`~sklearn_sigmoid.DivergenceError`; the display draws that curve up to
the epoch where it stopped and marks it.

The data: scikit-learn's breast-cancer set (569 tumours, 30 measurements),
standardised, so that it ships with scikit-learn and needs no download.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from sklearn_sigmoid import GDLogisticRegression
from sklearn_sigmoid.inspection import LearningRateSweepDisplay

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)

# %%
# A fixed number of epochs (``tol=None``) for every learning rate, so the
# curves are comparable.
model = GDLogisticRegression(alpha=1e-3, max_iter=200, tol=None)
fig, ax = plt.subplots(figsize=(8, 4.2))
disp = LearningRateSweepDisplay.from_estimator(
    model,
    X,
    y,
    learning_rates=[0.01, 0.1, 1.0, 10.0, 100.0],
    log_scale=True,
    ax=ax,
)
for rate, curve, diverged in zip(
    disp.learning_rates, disp.loss_curves, disp.diverged_at
):
    if diverged is not None:
        print(f"learning_rate={rate:<6g} diverged at epoch {diverged}")
    else:
        last = curve[-1]
        print(
            f"learning_rate={rate:<6g} objective after {len(curve)} epochs: {last:.4g}"
        )

# %%
# Reading the curves: ``0.01`` is far too slow (after 200 epochs the
# objective is still three times its final value); ``0.1`` and ``1`` descend
# steadily, ``10`` fastest; a step far beyond ``1 / L`` (``L`` bounds the
# curvature of the objective) overshoots so badly that the fit raises
# :class:`~sklearn_sigmoid.DivergenceError` at once.
#
# ``learning_rate="auto"``, the default, needs no such sweep: it picks each
# step from the data and never diverges (see :ref:`learning_rate_auto`).
auto = GDLogisticRegression(alpha=1e-3).fit(X, y)
print(
    f"learning_rate='auto': {auto.n_iter_} epochs, stopped by "
    f"{auto.stop_reason_!r}, objective {auto.loss_curve_[-1]:.4g}"
)
plt.show()
