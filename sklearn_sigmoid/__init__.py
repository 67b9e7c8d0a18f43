# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

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

from sklearn_sigmoid._classifier import GDLogisticRegression
from sklearn_sigmoid._config import config_context, get_config, set_config
from sklearn_sigmoid._loss import sigmoid, sigmoid_derivative
from sklearn_sigmoid._optim import DivergenceError
from sklearn_sigmoid._regressor import SigmoidNeuronRegressor

# The one place the version is written (pyproject.toml reads it from here).
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
