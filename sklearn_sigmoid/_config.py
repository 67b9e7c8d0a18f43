# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Package settings, in the style of :func:`sklearn.set_config`.

One setting so far, ``blas_threads``: how many threads the BLAS library
(OpenBLAS, MKL, ...) may use while a fit runs.
"""

import numbers
import os
import threading
from contextlib import contextmanager

#: Environment variable giving the process's starting ``blas_threads``
#: (a positive integer or ``keep``); read once, at import.
BLAS_THREADS_ENV = "SKLEARN_SIGMOID_BLAS_THREADS"


def _check_blas_threads(value, where=""):
    """``value`` if it is a valid ``blas_threads``, else a ValueError naming it."""
    if isinstance(value, str) and value == "keep":
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value >= 1:
            return int(value)
    raise ValueError(
        f"blas_threads must be a positive integer or 'keep'{where}; got {value!r}."
    )


def _blas_threads_from_environ():
    text = os.environ.get(BLAS_THREADS_ENV, "").strip()
    if not text:
        return 1
    value = int(text) if text.lstrip("+-").isdigit() else text.lower()
    return _check_blas_threads(value, f" (environment variable {BLAS_THREADS_ENV})")


_global_config = {"blas_threads": _blas_threads_from_environ()}
_local = threading.local()  # this thread's config_context overrides


def get_config():
    """The settings in force in this thread.

    Returns
    -------
    config : dict
        ``{"blas_threads": ...}``, see :func:`set_config`.
    """
    config = dict(_global_config)
    for override in getattr(_local, "overrides", ()):
        config.update(override)
    return config


def set_config(blas_threads=None):
    """Change the package's settings, for the whole process.

    Parameters
    ----------
    blas_threads : int, 'keep' or None, default=None
        How many threads the BLAS library may use during a fit (``fit``,
        ``partial_fit`` and, sent with the tasks to the workers,
        :func:`sklearn_sigmoid.dask.fit_distributed`).  An integer sets that
        limit for the duration of the fit, then restores what was there;
        ``'keep'`` leaves the process's setting alone (yours, e.g. from
        :func:`threadpoolctl.threadpool_limits` around the fit, or the BLAS
        default).  ``None`` leaves this setting unchanged.

        The starting value is 1, or the environment variable
        ``SKLEARN_SIGMOID_BLAS_THREADS`` (an integer or ``keep``), which also
        reaches worker processes such as joblib's.  One thread was chosen
        from measurements on a 2-core machine, where the fit's BLAS calls
        (dot products and matrix-vector products) ran several times slower
        with two threads; on more cores, with large dense data, more threads
        may pay: measure.

    Notes
    -----
    Unlike :func:`sklearn.set_config`, this setting is process-wide (so that
    threads started later see it), because what it controls is: BLAS thread
    pools belong to the process.  For one thread only, use
    :func:`config_context`.  Fits that run at the same time in several
    threads share one BLAS setting: the first to start applies its limit, it
    holds until the last of them ends, and then the setting found before the
    first is restored.
    """
    if blas_threads is not None:
        _global_config["blas_threads"] = _check_blas_threads(blas_threads)


@contextmanager
def config_context(*, blas_threads=None):
    """Change the settings inside a ``with`` block, in this thread only.

    Parameters
    ----------
    blas_threads : int, 'keep' or None, default=None
        See :func:`set_config`; ``None`` leaves it unchanged.

    Examples
    --------
    >>> import sklearn_sigmoid
    >>> with sklearn_sigmoid.config_context(blas_threads="keep"):
    ...     sklearn_sigmoid.get_config()["blas_threads"]
    'keep'
    """
    override = {}
    if blas_threads is not None:
        override["blas_threads"] = _check_blas_threads(blas_threads)
    overrides = getattr(_local, "overrides", None)
    if overrides is None:
        overrides = _local.overrides = []
    overrides.append(override)
    try:
        yield
    finally:
        # By identity: equal dicts may sit deeper in the stack.
        del overrides[
            next(
                i for i in range(len(overrides) - 1, -1, -1) if overrides[i] is override
            )
        ]
