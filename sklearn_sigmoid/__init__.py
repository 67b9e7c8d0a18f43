"""Sigmoid neurons and logistic regression trained by gradient descent.

Two scikit-learn estimators built on the classic lecture material: the
sigmoid, its derivative ``s (1 - s)``, the squared-error and cross-entropy
gradients and the update ``w <- w - eta * grad``.

* :class:`SigmoidNeuronRegressor` -- one sigmoid neuron ``sigma(w.x + b)``.
* :class:`GDLogisticRegression` -- logistic regression (sigmoid for two
  classes, softmax for more).
"""

from ._classifier import GDLogisticRegression
from ._loss import sigmoid, sigmoid_derivative
from ._optim import DivergenceError
from ._regressor import SigmoidNeuronRegressor

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "GDLogisticRegression",
    "SigmoidNeuronRegressor",
    "sigmoid",
    "sigmoid_derivative",
]
