# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""scikit-learn's callback API (``set_callbacks``, scikit-learn >= 1.9) in fit.

With scikit-learn >= 1.9, both estimators take callbacks such as
:class:`sklearn.callback.ProgressBar` through ``set_callbacks``; each epoch
is a task (``task_name="epoch"``) whose end hook may ask descent to stop.
With an older scikit-learn, :class:`CallbackSupportMixin` adds nothing and
:func:`epoch_hooks` yields None.
"""

from contextlib import contextmanager

from sklearn_sigmoid._optim import EpochCallback

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin
    from sklearn.callback._callback_support import callback_management_context
except ImportError:  # pragma: no cover - older scikit-learn

    class CallbackSupportMixin:
        """Placeholder: this scikit-learn has no callback API."""

    callback_management_context = None


class EpochHooks(EpochCallback):
    """Calls scikit-learn's callbacks' hooks around each epoch of one fit."""

    def __init__(self, estimator, context):
        self.estimator = estimator
        self.context = context
        self._epoch = None

    def begin(self):
        self._epoch = self.context.subcontext(task_name="epoch")
        self._epoch.call_on_fit_task_begin(estimator=self.estimator)

    def end(self, objective, W):
        """Call the end hooks; True if a callback asks to stop."""

        def reconstruction():
            import copy

            fitted = copy.copy(self.estimator)
            fitted._set_packed_params(W.copy())
            return {"coef_": fitted.coef_, "intercept_": fitted.intercept_}

        return bool(
            self._epoch.call_on_fit_task_end(
                estimator=self.estimator,
                metadata={"objective": float(objective)},
                reconstruction_attributes=reconstruction,
            )
        )


@contextmanager
def epoch_hooks(estimator, max_epochs):
    """:class:`EpochHooks` for a fit of at most ``max_epochs``, or None.

    None when no callback is set (or scikit-learn has no callback API).
    The callbacks' teardown runs on exit, whether the fit succeeds or not.
    """
    if callback_management_context is None or not getattr(
        estimator, "_skl_callbacks", None
    ):
        yield None
        return
    with callback_management_context(estimator):
        context = estimator._init_callback_context(max_subtasks=max_epochs)
        context.call_on_fit_task_begin(estimator=estimator)
        yield EpochHooks(estimator, context)
        context.call_on_fit_task_end(estimator=estimator)
