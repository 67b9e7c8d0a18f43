# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""What a benchmark ran on: machine, Python, package versions, BLAS, threads.

:func:`machine_info` gathers it as a JSON-ready dict, recorded in every
results file; :func:`machine_line` turns that dict into the one sentence the
README and the Markdown reports print, so the machine line is never typed by
hand.
"""

import os
import platform
from importlib import metadata

__all__ = ["machine_info", "machine_line"]

_PACKAGES = ("sklearn-sigmoid", "numpy", "scipy", "scikit-learn", "threadpoolctl")


def _cpu_model(cpuinfo="/proc/cpuinfo"):
    """The CPU's model name from ``/proc/cpuinfo``, else ``platform``'s guess."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "cpu model"):
                    if value.strip():
                        return " ".join(value.split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count()


def _version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine_info(blas_threads_during_fits=None, cpuinfo="/proc/cpuinfo"):
    """The machine and software a run used, as a JSON-ready dict.

    Parameters
    ----------
    blas_threads_during_fits : int or None, default=None
        The BLAS thread limit the run put on its fits, if any (recorded
        as given).
    cpuinfo : str, default='/proc/cpuinfo'
        Where the CPU model is read (Linux); elsewhere ``platform``'s
        processor string is used.

    Returns
    -------
    info : dict
        ``cpu_model``, ``cpu_count`` (logical CPUs), ``usable_cores`` (those
        this process may run on), ``platform``, ``python``, ``packages``
        (version of sklearn-sigmoid, numpy, scipy, scikit-learn and
        threadpoolctl; None if not installed), ``blas`` (one entry per
        thread pool threadpoolctl finds: ``user_api``, ``internal_api``,
        ``version``, ``num_threads``, ``threading_layer``, ``architecture``),
        ``blas_threads_during_fits`` and ``thread_env`` (the ``*_NUM_THREADS``
        and ``SKLEARN_SIGMOID_BLAS_THREADS`` variables set).

    Examples
    --------
    >>> from sklearn_sigmoid._environment import machine_info
    >>> info = machine_info()
    >>> sorted(info["packages"])
    ['numpy', 'scikit-learn', 'scipy', 'sklearn-sigmoid', 'threadpoolctl']
    """
    from threadpoolctl import threadpool_info

    from sklearn_sigmoid._config import get_config

    keys = (
        "user_api",
        "internal_api",
        "version",
        "num_threads",
        "threading_layer",
        "architecture",
    )
    blas = [{k: pool.get(k) for k in keys} for pool in threadpool_info()]
    thread_env = {
        name: value
        for name, value in sorted(os.environ.items())
        if name.endswith("_NUM_THREADS") or name == "SKLEARN_SIGMOID_BLAS_THREADS"
    }
    return {
        "cpu_model": _cpu_model(cpuinfo),
        "cpu_count": os.cpu_count(),
        "usable_cores": _usable_cores(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in _PACKAGES},
        "blas": blas,
        "blas_threads_setting": get_config()["blas_threads"],
        "blas_threads_during_fits": blas_threads_during_fits,
        "thread_env": thread_env,
    }


def machine_line(info):
    """One sentence describing ``info`` (from :func:`machine_info`).

    Examples
    --------
    >>> from sklearn_sigmoid._environment import machine_line
    >>> machine_line({"cpu_model": "Intel Xeon", "usable_cores": 2,
    ...               "python": "3.11.7",
    ...               "packages": {"sklearn-sigmoid": "0.1.0", "numpy": "2.4.6",
    ...                            "scipy": "1.16.0", "scikit-learn": "1.9.1"},
    ...               "blas": [{"user_api": "blas", "internal_api": "openblas",
    ...                         "version": "0.3.30"}]}).split(", ")
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Intel Xeon', '2 cores', 'Python 3.11.7', 'sklearn-sigmoid 0.1.0', 'numpy 2.4.6',
     'scipy 1.16.0', 'scikit-learn 1.9.1', 'BLAS openblas 0.3.30']
    """
    packages = info.get("packages", {})
    parts = [
        f"{info.get('cpu_model', 'unknown CPU')}",
        f"{info.get('usable_cores') or info.get('cpu_count')} cores",
        f"Python {info.get('python')}",
    ]
    parts += [
        f"{name} {packages[name]}"
        for name in ("sklearn-sigmoid", "numpy", "scipy", "scikit-learn")
        if packages.get(name)
    ]
    blas = [pool for pool in info.get("blas", []) if pool.get("user_api") == "blas"]
    if blas:
        parts.append(
            "BLAS "
            + ", ".join(
                f"{pool.get('internal_api')} {pool.get('version')}".strip()
                for pool in blas
            )
        )
    return ", ".join(parts)
