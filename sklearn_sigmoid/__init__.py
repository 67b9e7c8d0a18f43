"""Sigmoid neurons and logistic regression trained by gradient descent.

Two scikit-learn estimators built on the classic lecture material: the
sigmoid, its derivative ``s (1 - s)``, the squared-error and cross-entropy
gradients and the update ``w <- w - eta * grad``.

* :class:`SigmoidNeuronRegressor` -- one sigmoid neuron ``sigma(w.x + b)``.
* :class:`GDLogisticRegression` -- logistic regression (sigmoid for two
  classes, softmax for more).

:func:`set_config`, :func:`config_context` and :func:`get_config` hold the
package's settings (how many BLAS threads a fit uses).
"""

from ._classifier import GDLogisticRegression
from ._config import config_context, get_config, set_config
from ._loss import sigmoid, sigmoid_derivative
from ._optim import DivergenceError
from ._regressor import SigmoidNeuronRegressor

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "GDLogisticRegression",
    "SigmoidNeuronRegressor",
    "config_context",
    "get_config",
    "set_config",
    "sigmoid",
    "sigmoid_derivative",
]
