# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Private compiled kernels behind the hot loops, each with its fallback.

Two shortcuts, fenced here so that nothing else touches private scipy:

* :func:`add_product`: ``out += X @ v`` (or ``X.T @ v``) for CSR ``X`` by the
  kernel scipy's own product runs (``scipy.sparse._sparsetools``), straight
  into an existing array; worth 2-7 % of a fit on sparse data.  Checked once
  at import (:data:`KERNELS_WORK`); where it is missing or its signature
  changed, it returns False and callers use the public product.
* :func:`blas_axpy`: BLAS ``axpy`` (``y += a * x`` in place), or None where it
  does not apply (callers then use numpy).
"""

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import get_blas_funcs

try:  # the compiled kernels behind scipy's ``X @ v`` (a private module)
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - scipy moved it
    _sparsetools = None

__all__ = ["KERNELS_WORK", "add_product", "blas_axpy"]


def blas_axpy(W):
    """BLAS ``axpy`` for W's dtype if it updates W's own memory, else None."""
    if not (W.flags.c_contiguous and W.dtype in (np.float32, np.float64)):
        return None
    return get_blas_funcs("axpy", (W,))


def add_product(X, v, out, transpose=False):
    """``out += X @ v`` (``X.T @ v`` if ``transpose``) in place, for CSR ``X``.

    scipy's ``X @ v`` runs this very kernel on a new array of zeros, after
    checks that cost more than the product on small matrices; here it adds
    straight into ``out`` (which may already hold the intercept, or the
    penalty's gradient), so that the product costs no new array and no
    second pass to combine.  ``v`` and ``out`` are 1-D.  Returns False,
    leaving ``out`` alone, where the kernel does not apply (another format,
    mixed dtypes, non-contiguous vectors) or is missing.
    """
    if isinstance(X, np.ndarray):  # the common dense case, told apart cheaply
        return False
    n_out, n_in = X.shape[::-1] if transpose else X.shape
    if not (
        KERNELS_WORK
        and sp.issparse(X)
        and X.format == "csr"
        and X.dtype == v.dtype == out.dtype
        and v.shape == (n_in,)
        and out.shape == (n_out,)
        and v.flags.c_contiguous
        and out.flags.c_contiguous
    ):
        return False
    # X.T is the CSC matrix with X's own arrays.
    kernel = _sparsetools.csc_matvec if transpose else _sparsetools.csr_matvec
    kernel(n_out, n_in, X.indptr, X.indices, X.data, v, out)
    return True


def kernels_work():
    """Check once that the private kernels add ``X @ v`` and ``X.T @ v``."""
    if _sparsetools is None:
        return False
    X = sp.csr_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]))
    forward, backward = np.array([10.0, 20.0]), np.array([10.0, 20.0, 30.0])
    try:
        _sparsetools.csr_matvec(
            2, 3, X.indptr, X.indices, X.data, np.array([1.0, 2.0, 3.0]), forward
        )
        _sparsetools.csc_matvec(
            3, 2, X.indptr, X.indices, X.data, np.array([1.0, 2.0]), backward
        )
    except Exception:  # pragma: no cover - their signature changed
        return False
    return bool(
        np.array_equal(forward, [17.0, 26.0])
        and np.array_equal(backward, [11.0, 26.0, 32.0])
    )


KERNELS_WORK = kernels_work()
