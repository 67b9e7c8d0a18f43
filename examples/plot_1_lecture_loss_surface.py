"""
==================================================
The lecture's loss surface and the path of descent
==================================================

The classic sigmoid-neuron lecture fits one neuron ``sigma(w x + b)`` to two
points, ``(0.5, 0.2)`` and ``(2.5, 0.9)``, starting from ``w = 0, b = -8``
with a step of 1 on the *summed* gradient, for 1000 epochs.
:class:`~sklearn_sigmoid.inspection.LossSurfaceDisplay` draws the training
objective over ``(w, b)`` and the path gradient descent takes across it, in
one call.

The package *averages* the gradient over the rows, so the lecture's step of 1
on the sum of two gradients is ``learning_rate=2`` here.
"""

# %%
# Two losses, one starting point
# ------------------------------
# The same neuron, the same start and the same step, once with the squared
# error and once with the cross-entropy.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_sigmoid import SigmoidNeuronRegressor
from sklearn_sigmoid.inspection import LossSurfaceDisplay

X = np.array([[0.5], [2.5]])
y = np.array([0.2, 0.9])

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
for ax, loss in zip(axes, ["mse", "cross_entropy"]):
    neuron = SigmoidNeuronRegressor(
        loss=loss, learning_rate=2.0, alpha=0, max_iter=1000, tol=None
    )
    disp = LossSurfaceDisplay.from_estimator(
        neuron, X, y, start=(0, -8), x_range=(-2, 6), y_range=(-10, 2), ax=ax
    )
    w, b = disp.path[-1]
    first_step = np.linalg.norm(disp.path[1] - disp.path[0])
    ax.set_title(f"{loss}: ends at w = {w:.2f}, b = {b:.2f}", fontsize="medium")
    print(f"{loss}: first step {first_step:.4f} long;")
    print(
        f"  after 1000 epochs w = {w:.2f}, b = {b:.2f}, loss {disp.path_loss[-1]:.4f}"
    )
fig.tight_layout()

# %%
# Why the squared error crawls
# ----------------------------
# At the start, ``w x + b`` is about -8 for both points, where the sigmoid is
# flat: ``y_hat`` is about 3e-4. The squared-error gradient carries the factor
# ``y_hat (1 - y_hat)``, so its first steps are tiny and the path creeps
# along the plateau. The cross-entropy's gradient is ``(y_hat - y) x``: the
# factor cancels, and the first step jumps off the plateau. Both losses have
# their minimum where the neuron passes through both points; only the
# cross-entropy gets there in 1000 epochs.
#
# The same surfaces in 3-D (``kind="surface"``) show the plateau as a flat
# shelf.
fig = plt.figure(figsize=(10, 4.6))
for i, loss in enumerate(["mse", "cross_entropy"]):
    ax = fig.add_subplot(1, 2, i + 1, projection="3d")
    LossSurfaceDisplay.from_estimator(
        SigmoidNeuronRegressor(
            loss=loss, learning_rate=2.0, alpha=0, max_iter=1000, tol=None
        ),
        X,
        y,
        start=(0, -8),
        x_range=(-2, 6),
        y_range=(-10, 2),
        grid_resolution=40,
        kind="surface",
        ax=ax,
    )
    ax.set_title(loss, fontsize="medium")
fig.tight_layout()
plt.show()
