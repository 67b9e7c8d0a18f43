# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause
# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False

"""One epoch of lazy mini-batch SGD for one sigmoid output, compiled.

The same arithmetic as :meth:`sklearn_sigmoid._sgd.LazySGD._numpy_epoch`
(which is the reference and the fallback when this module is not built),
row by row in C: for ``batch_size=1`` a step costs what the row's non-zeros
cost, without the few microseconds of a numpy call per operation.

The coefficients are ``scale * v`` (the L2 shrink is a change of ``scale``);
the running mean of the iterates is ``(A + c * v) / n_averaged`` for its
coefficients and ``mean_intercept`` for the intercept.  ``scalars`` holds
``[scale, intercept, sq_norm_v, c, mean_intercept]`` and ``counters``
``[samples_seen, n_averaged, average_start (-1: off), schedule_t]``, both
updated in place.
"""

from libc.math cimport exp, fabs, isfinite, log1p, pow, INFINITY

ctypedef fused floating_x:
    float
    double

ctypedef fused index_t:
    int
    long long

# Where the scale is folded into v (and the mean's c into A): far above the
# underflow SGDClassifier guards against (1e-9), so that ``c * v`` never
# exceeds the mean it represents by more than 1 / _RESCALE (no cancellation).
cdef double _RESCALE = 1e-3


cdef inline double _loss_gradient(int loss, double z, double y, double* grad) noexcept nogil:
    """Loss at raw score ``z`` and target ``y``; its derivative into ``grad``.

    The formulas of :mod:`sklearn_sigmoid._loss` (one exponential,
    ``exp(-|z|)``, for both sigmoid halves).
    """
    cdef double e = exp(-fabs(z))
    cdef double s, small, large, one_minus_s, residual
    if loss == 0:  # cross-entropy: softplus(z) - y z, gradient s - y
        s = 1.0 / (1.0 + e)
        if z < 0:
            s = e * s
        grad[0] = s - y
        return (log1p(e) + (z if z > 0 else 0.0)) - y * z
    # half squared error of the sigmoid: (s - y)^2 / 2, gradient s (1 - s) (s - y)
    small = e / (1.0 + e)
    large = 1.0 - small
    if z >= 0:
        s, one_minus_s = large, small
    else:
        s, one_minus_s = small, large
    residual = s - y
    grad[0] = (s * one_minus_s) * residual
    return 0.5 * residual * residual


cdef double _epoch(
    const floating_x* data,
    const index_t* indices,
    const index_t* indptr,
    bint dense,
    Py_ssize_t n_features,
    const double* y,
    const double* sample_weight,
    double weight_total,
    Py_ssize_t n_rows,
    const Py_ssize_t* order,
    Py_ssize_t n_order,
    Py_ssize_t batch_size,
    int loss,
    double alpha,
    bint fit_intercept,
    int schedule,
    double eta0,
    double power_t,
    double* v,
    double* A,
    double* scalars,
    long long* counters,
    double* buffer,
) noexcept nogil:
    cdef double scale = scalars[0], intercept = scalars[1], sq_norm = scalars[2]
    cdef double c = scalars[3], mean_intercept = scalars[4]
    cdef long long samples_seen = counters[0], n_averaged = counters[1]
    cdef long long average_start = counters[2], t = counters[3]
    cdef double total = 0.0, value, raw_sum, batch_total, z, g, loss_i, weight
    cdef double eta, new_scale, step, old, new, delta, gradient_sum
    cdef Py_ssize_t start, stop, m, r, i, k, lo, hi, j
    cdef bint averaging, first_mean
    start = 0
    while start < n_order:
        stop = start + batch_size
        if stop > n_order:
            stop = n_order
        m = stop - start
        # The batch's share of the weight total (as LinearObjective.subset).
        batch_total = weight_total * m / n_rows
        value = 0.0
        raw_sum = 0.0
        for r in range(m):
            i = order[start + r]
            z = 0.0
            if dense:
                lo = i * n_features
                for k in range(n_features):
                    z += data[lo + k] * v[k]
            else:
                for k in range(indptr[i], indptr[i + 1]):
                    z += data[k] * v[indices[k]]
            z = z * scale + intercept
            raw_sum += z
            weight = sample_weight[i] / batch_total
            loss_i = _loss_gradient(loss, z, y[i], &g)
            value += weight * loss_i
            buffer[r] = g * weight
        if not isfinite(raw_sum):
            value = INFINITY
        if alpha != 0.0:
            value += 0.5 * alpha * (scale * scale * sq_norm)
        total += m * value

        if schedule == 1:  # inverse scaling, t = samples seen + 1
            eta = eta0 / pow(<double> t, power_t)
        else:
            eta = eta0
        averaging = average_start >= 0 and samples_seen + m >= average_start
        first_mean = averaging and n_averaged == 0
        if alpha != 0.0:
            new_scale = scale * (1.0 - eta * alpha)
            if fabs(new_scale) < _RESCALE:
                # Fold the scale into v (and c into A) once in a while.
                if averaging and not first_mean:
                    for k in range(n_features):
                        A[k] += c * v[k]
                    c = 0.0
                sq_norm = 0.0
                for k in range(n_features):
                    v[k] *= new_scale
                    sq_norm += v[k] * v[k]
                scale = 1.0
            else:
                scale = new_scale
        gradient_sum = 0.0
        for r in range(m):
            gradient_sum += buffer[r]
            step = -eta * buffer[r] / scale
            if step == 0.0:
                continue
            i = order[start + r]
            if dense:
                lo = i * n_features
                for k in range(n_features):
                    delta = step * data[lo + k]
                    old = v[k]
                    new = old + delta
                    v[k] = new
                    sq_norm += new * new - old * old
                    if averaging and not first_mean:
                        A[k] -= c * delta
            else:
                for k in range(indptr[i], indptr[i + 1]):
                    j = indices[k]
                    delta = step * data[k]
                    old = v[j]
                    new = old + delta
                    v[j] = new
                    sq_norm += new * new - old * old
                    if averaging and not first_mean:
                        A[j] -= c * delta
        if fit_intercept:
            intercept -= eta * gradient_sum
        samples_seen += m
        t += m
        if averaging:
            n_averaged += 1
            if first_mean:
                for k in range(n_features):
                    A[k] = 0.0
                c = scale
                mean_intercept = intercept
            else:
                c += scale
                mean_intercept += (intercept - mean_intercept) / n_averaged
        start = stop
    scalars[0] = scale
    scalars[1] = intercept
    scalars[2] = sq_norm
    scalars[3] = c
    scalars[4] = mean_intercept
    counters[0] = samples_seen
    counters[1] = n_averaged
    counters[3] = t
    return total


cdef double _data_term(
    const floating_x* data,
    const index_t* indices,
    const index_t* indptr,
    bint dense,
    Py_ssize_t n_features,
    Py_ssize_t n_rows,
    const double* y,
    const double* sample_weight,
    double weight_total,
    int loss,
    const double* v,
    double scale,
    double intercept,
) noexcept nogil:
    """The weighted mean loss over all the rows (inf if a score overflows)."""
    cdef double total = 0.0, raw_sum = 0.0, z, g
    cdef Py_ssize_t i, k, lo
    for i in range(n_rows):
        z = 0.0
        if dense:
            lo = i * n_features
            for k in range(n_features):
                z += data[lo + k] * v[k]
        else:
            for k in range(indptr[i], indptr[i + 1]):
                z += data[k] * v[indices[k]]
        z = z * scale + intercept
        raw_sum += z
        total += sample_weight[i] / weight_total * _loss_gradient(loss, z, y[i], &g)
    if not isfinite(raw_sum):
        return INFINITY
    return total


def sparse_data_term(
    const floating_x[::1] data,
    const index_t[::1] indices,
    const index_t[::1] indptr,
    Py_ssize_t n_features,
    const double[::1] y,
    const double[::1] sample_weight,
    double weight_total,
    int loss,
    const double[::1] v,
    double scale,
    double intercept,
):
    """The data term of the objective at ``scale * v`` and ``intercept``."""
    cdef double total
    with nogil:
        total = _data_term(
            &data[0] if data.shape[0] else NULL,
            &indices[0] if indices.shape[0] else NULL,
            &indptr[0],
            False,
            n_features,
            indptr.shape[0] - 1,
            &y[0],
            &sample_weight[0],
            weight_total,
            loss,
            &v[0],
            scale,
            intercept,
        )
    return total


def dense_data_term(
    const floating_x[:, ::1] X,
    const double[::1] y,
    const double[::1] sample_weight,
    double weight_total,
    int loss,
    const double[::1] v,
    double scale,
    double intercept,
):
    """As :func:`sparse_data_term`, for a C-contiguous X."""
    cdef double total
    cdef const int* no_index = NULL
    with nogil:
        total = _data_term(
            &X[0, 0] if X.shape[1] else NULL,
            no_index,
            no_index,
            True,
            X.shape[1],
            X.shape[0],
            &y[0],
            &sample_weight[0],
            weight_total,
            loss,
            &v[0],
            scale,
            intercept,
        )
    return total


def sparse_epoch(
    const floating_x[::1] data,
    const index_t[::1] indices,
    const index_t[::1] indptr,
    Py_ssize_t n_features,
    const double[::1] y,
    const double[::1] sample_weight,
    double weight_total,
    const Py_ssize_t[::1] order,
    Py_ssize_t batch_size,
    int loss,
    double alpha,
    bint fit_intercept,
    int schedule,
    double eta0,
    double power_t,
    double[::1] v,
    double[::1] A,
    double[::1] scalars,
    long long[::1] counters,
):
    """One epoch over CSR rows; returns the sum of ``len(batch) * value``."""
    cdef double[::1] buffer = _buffer(min(batch_size, order.shape[0]))
    cdef double total
    with nogil:
        total = _epoch(
            &data[0] if data.shape[0] else NULL,
            &indices[0] if indices.shape[0] else NULL,
            &indptr[0],
            False,
            n_features,
            &y[0],
            &sample_weight[0],
            weight_total,
            indptr.shape[0] - 1,
            &order[0],
            order.shape[0],
            batch_size,
            loss,
            alpha,
            fit_intercept,
            schedule,
            eta0,
            power_t,
            &v[0],
            &A[0],
            &scalars[0],
            &counters[0],
            &buffer[0],
        )
    return total


def dense_epoch(
    const floating_x[:, ::1] X,
    const double[::1] y,
    const double[::1] sample_weight,
    double weight_total,
    const Py_ssize_t[::1] order,
    Py_ssize_t batch_size,
    int loss,
    double alpha,
    bint fit_intercept,
    int schedule,
    double eta0,
    double power_t,
    double[::1] v,
    double[::1] A,
    double[::1] scalars,
    long long[::1] counters,
):
    """One epoch over the rows of a C-contiguous X; as :func:`sparse_epoch`."""
    cdef double[::1] buffer = _buffer(min(batch_size, order.shape[0]))
    cdef double total
    cdef const int* no_index = NULL
    with nogil:
        total = _epoch(
            &X[0, 0] if X.shape[1] else NULL,
            no_index,
            no_index,
            True,
            X.shape[1],
            &y[0],
            &sample_weight[0],
            weight_total,
            X.shape[0],
            &order[0],
            order.shape[0],
            batch_size,
            loss,
            alpha,
            fit_intercept,
            schedule,
            eta0,
            power_t,
            &v[0],
            &A[0],
            &scalars[0],
            &counters[0],
            &buffer[0],
        )
    return total


cdef double[::1] _buffer(Py_ssize_t size):
    import numpy as np

    return np.empty(max(size, 1), dtype=np.float64)
