# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Data-parallel full-batch gradient descent on a Dask cluster.

The training objective is a weighted mean over rows, so its value and
gradient are sums of per-block terms.  :func:`fit_distributed` leaves each
block of rows on the worker that holds it and runs the estimator's own update
rules (:mod:`sklearn_sigmoid._optim`) in the client: every epoch sends the
parameters out, each worker makes its passes over its rows, and only numbers
of the size of the parameters come back.  The result is an ordinary fitted
:class:`~sklearn_sigmoid.GDLogisticRegression` or
:class:`~sklearn_sigmoid.SigmoidNeuronRegressor`, equal to what ``fit`` gives
on the same data in memory (to rounding: the blocks are summed in another
order)::

    from distributed import Client
    import dask.array as da
    from sklearn_sigmoid import GDLogisticRegression
    from sklearn_sigmoid.dask import fit_distributed

    client = Client(...)              # a running cluster
    X = da.from_array(X_numpy, chunks=(10_000, -1))   # or blocks of scipy.sparse
    model = fit_distributed(GDLogisticRegression(), X, y)
    model.predict(X_test)             # a plain in-memory model

Where the rows come from:

* a Dask array chunked by rows (dense, or with ``scipy.sparse`` blocks, e.g.
  ``da.from_delayed(delayed_csr_block, shape=..., dtype=..., meta=csr_matrix((0, 0)))``
  concatenated with :func:`dask.array.concatenate`), with ``y`` (and
  ``sample_weight``) as Dask arrays or in-memory arrays;
* a Dask bag whose elements are ``(X_block, y_block)`` or
  ``(X_block, y_block, sample_weight_block)`` tuples (``y=None``), e.g. one
  element per file read and vectorised on the workers;
* in-memory arrays, cut into one block per worker.

Each epoch of the default ``learning_rate='auto'`` costs three round trips
(the direction's scores, the line search's trials, the gradient), each one
task per block; a fixed ``learning_rate`` costs one.  Mini-batch SGD
(``batch_size``) is not data-parallel: stream blocks through ``partial_fit``
instead (with :class:`dask_ml.wrappers.Incremental`, for instance).

A worker lost during a fit is recovered by Dask, which recomputes the lost
blocks from their recipe (the results do not change: every task is a
deterministic function of its inputs); if it keeps losing workers, Dask's
:class:`distributed.scheduler.KilledWorker` error reaches the caller.  A fit
that fails (bad data in a block, ``DivergenceError``, a lost worker) releases
everything it put on the cluster before the error reaches the caller, even if
the caller keeps the exception (and with it the fit's frames).

The BLAS thread limit of :func:`sklearn_sigmoid.set_config` (one thread by
default) is read in the client when the fit starts and sent with the tasks,
so the workers' passes run under the same setting as the client's.
Needs the ``[dask]`` extra: ``pip install "sklearn-sigmoid[dask]"``.
"""

import itertools
import numbers
import weakref

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone

try:
    import dask.array as da
    import dask.bag as db
    import distributed
    from dask.delayed import Delayed
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise ImportError(
        "sklearn_sigmoid.dask needs Dask: install the extra with "
        "pip install 'sklearn-sigmoid[dask]'"
    ) from exc

from sklearn_sigmoid._base import BaseSigmoidGD
from sklearn_sigmoid._config import get_config
from sklearn_sigmoid._objective import LinearObjective, Objective
from sklearn_sigmoid._optim import one_blas_thread

__all__ = ["DistributedObjective", "fit_distributed"]


# -- what runs on the workers (module functions: they are pickled by name) ----


def _stack_bag_partition(elements):
    """One block ``(X, y, sample_weight or None)`` from a bag partition's tuples."""
    elements = list(elements)
    if not elements:
        return None
    for element in elements:
        if not isinstance(element, (tuple, list)) or len(element) not in (2, 3):
            raise ValueError(
                "Each element of a Dask bag given to fit_distributed must be a "
                "tuple (X_block, y_block) or (X_block, y_block, sample_weight_block); "
                f"got {type(element).__name__}."
            )
    Xs = [e[0] for e in elements]
    X = (
        sp.vstack(Xs, format="csr")
        if any(sp.issparse(x) for x in Xs)
        else np.vstack(Xs)
    )
    y = np.concatenate([np.asarray(e[1]) for e in elements])
    has_weight = [len(e) == 3 and e[2] is not None for e in elements]
    if any(has_weight) and not all(has_weight):
        raise ValueError(
            "Either every element of the bag carries sample weights or none does."
        )
    sw = (
        np.concatenate([np.asarray(e[2]) for e in elements])
        if all(has_weight)
        else None
    )
    return X, y, sw


def _validate_block(block, estimator):
    """Validate one block as ``fit`` validates its whole input."""
    if block is None:
        return None
    X, y, sample_weight = block
    return estimator._validate_block(X, y, sample_weight, reset=True, whole=False)


def _is_block(block):
    return block is not None


def _block_summary(block, encoding_class):
    X, y, sample_weight = block
    return {
        "n_samples": X.shape[0],
        "n_features": X.shape[1],
        "dtype": X.dtype,
        "targets": encoding_class.summary(y, sample_weight),
    }


def _class_totals(block, encoding):
    """The weighted total of each class in one block, for 'balanced' weights."""
    _, y, sample_weight = block
    return encoding.class_totals(y, sample_weight)


def _encode_block(block, encoding):
    X, y, sample_weight = block
    Y, sample_weight = encoding.encode(y, sample_weight)
    Y = Y.astype(X.dtype, copy=False)
    weighted = (sample_weight.astype(np.float64)[:, None] * Y).sum(axis=0)
    return (X, Y, sample_weight), (float(sample_weight.sum(dtype=np.float64)), weighted)


def _make_part(encoded, loss, fit_intercept, weight_total):
    X, Y, sample_weight = encoded
    # alpha=0: the penalty is added once, by the client.
    return LinearObjective(
        loss, X, Y, sample_weight, 0.0, fit_intercept, weight_total=weight_total
    )


def _item(obj, i):
    return obj[i]


def _pick(obj, i):
    """A block's array: the result itself, or item ``i`` of a tuple result."""
    return obj if i is None else obj[i]


def _part_raw(part, W, blas_threads):
    with one_blas_thread(blas_threads):
        return part.raw_float64(W)


def _part_value_grad(part, W, blas_threads):
    with one_blas_thread(blas_threads):
        data, G = part.data_term(part.raw(W))
        return data, part.data_gradient(G)


def _part_value_grad_at(part, raw, i, blas_threads):
    with one_blas_thread(blas_threads):
        data, G = part.data_term(_pick(raw, i))
        return data, part.data_gradient(G)


def _part_trial(part, raw, raw_dir, t, i, j, blas_threads):
    with one_blas_thread(blas_threads):
        return part.trial(_pick(raw, i), t, _pick(raw_dir, j))


def _part_data_gradient(part, G, i, blas_threads):
    with one_blas_thread(blas_threads):
        return part.data_gradient(_pick(G, i))


def _part_column_square_means(part, blas_threads):
    return part.column_square_means()


def _part_output_means(part, raw, i, blas_threads):
    return part._output_means(_pick(raw, i))


def _part_dual_entropy(part, raw, i, lam, v, blas_threads):
    return part._dual_entropy(_pick(raw, i), lam, v)


def _part_dual_constants(part, blas_threads):
    with one_blas_thread(blas_threads):
        return part._dual_constants()


def _part_hessian_bound(part, v, blas_threads):
    with one_blas_thread(blas_threads):
        return part._hessian_bound_operator(v)


def _add_in_order(values):
    """``values[0] + values[1] + ...`` left to right, in float64."""
    total = np.float64(0.0) + values[0]
    for value in values[1:]:
        total = total + value
    return total


class _Blocks:
    """Per-block arrays left on the workers: futures (of tuples, if ``index``)."""

    def __init__(self, futures, index=None):
        self.futures = futures
        self.index = index


# -- the objective, seen from the client ----------------------------------------


class DistributedObjective(Objective):
    """A :class:`~sklearn_sigmoid._objective.LinearObjective` over row blocks.

    Each block's :class:`LinearObjective` (its rows, encoded targets and
    weights normalised by the *total* weight, no penalty) lives on a worker as
    the result of a Dask future; this object adds the blocks' data terms and
    gradients.  Raw scores and their gradients (``raw``, ``G``) stay on the
    workers as lists of futures, one per block.  It implements the
    primitives of :class:`~sklearn_sigmoid._objective.Objective`, which adds
    the L2 penalty once and owns the Lipschitz bounds, the step metric, the
    duality gap and ``out=`` (gradients are written into it, as in memory);
    the update rules of :mod:`sklearn_sigmoid._optim` run on it unchanged.
    Raw scores live on the workers: :meth:`spare_raw` offers no buffer, so
    a :meth:`trial` is never given one.

    Parameters
    ----------
    client : distributed.Client
        The cluster holding the blocks.
    parts : list of distributed.Future
        One future per block, each resolving to a ``LinearObjective``.
    loss : loss object
        The pointwise loss (as :func:`sklearn_sigmoid._loss.get_loss` gives).
    alpha : float
        The L2 strength, added once (not per block).
    fit_intercept : bool
        Whether the last column of the parameters is an unpenalised intercept.
    n_samples, n_features : int
        The shape of the whole ``X``.
    blas_threads : int, 'keep' or None, default=None
        The BLAS thread limit for the workers' passes (see
        :func:`sklearn_sigmoid.set_config`); None: this thread's setting now.
    """

    def __init__(
        self,
        client,
        parts,
        loss,
        alpha,
        fit_intercept,
        n_samples,
        n_features,
        blas_threads=None,
    ):
        self.client = client
        self.parts = parts
        self.loss = loss
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self._n_samples = n_samples
        self._n_features = n_features
        if blas_threads is None:
            blas_threads = get_config()["blas_threads"]
        self.blas_threads = blas_threads

    @property
    def n_samples(self):
        return self._n_samples

    @property
    def n_features(self):
        return self._n_features

    def _map(self, func, *per_block, **shared):
        """One task per block, run under the BLAS thread setting."""
        return self.client.map(
            func,
            self.parts,
            *per_block,
            pure=False,
            blas_threads=self.blas_threads,
            **shared,
        )

    def _share(self, array):
        """``array`` for every block's task: sent once, by scatter, if large.

        (Large arrays passed straight to ``Client.map`` become graph keys
        named after the argument, which clash between maps in flight.)  The
        copy goes to every worker, so that losing one loses no parameters.
        """
        if array.nbytes <= 64_000:
            return array
        return self.client.scatter(array, hash=False, broadcast=True)

    def _gather(self, futures):
        return self.client.gather(futures)

    def _sum(self, futures):
        """The blocks' results gathered and added in block order (float64).

        One fixed order, so that a fit is reproducible to the last bit.
        Results may be arrays, or tuples of floats and arrays added item by
        item.
        """
        results = self._gather(futures)
        if isinstance(results[0], tuple):
            return tuple(_add_in_order(items) for items in zip(*results))
        return _add_in_order(results)

    def raw_float64(self, W):
        return _Blocks(self._map(_part_raw, W=self._share(W)))

    def value_grad(self, W, raw=None, out=None):
        if raw is None:
            results = self._map(_part_value_grad, W=self._share(W))
        else:
            results = self._map(_part_value_grad_at, raw.futures, i=raw.index)
        data, grad = self._sum(results)
        return data + self._penalty(W), self._with_penalty_gradient(W, grad, out=out)

    def trial(self, raw, t, raw_dir, out=None):
        if out is not None:
            raise ValueError("The raw scores live on the workers: no out= buffer.")
        results = self._map(
            _part_trial, raw.futures, raw_dir.futures, t=t, i=raw.index, j=raw_dir.index
        )
        values = self._gather(self.client.map(_item, results, i=0, pure=False))
        return sum(values), _Blocks(results, 1), _Blocks(results, 2)

    def data_gradient(self, G):
        return self._sum(self._map(_part_data_gradient, G.futures, i=G.index))

    def _output_means(self, raw):
        return self._sum(self._map(_part_output_means, raw.futures, i=raw.index))

    def _dual_entropy(self, raw, lam=None, v=None):
        return float(
            self._sum(
                self._map(_part_dual_entropy, raw.futures, i=raw.index, lam=lam, v=v)
            )
        )

    def _compute_dual_constants(self):
        return self._sum(self._map(_part_dual_constants))

    def _compute_column_square_means(self):
        return self._sum(self._map(_part_column_square_means))

    def _hessian_bound_operator(self, v):
        return self._sum(self._map(_part_hessian_bound, v=self._share(v)))


# -- the entry point ---------------------------------------------------------------


class _TrackingClient:
    """A client that remembers, weakly, every future made through it.

    A failed fit's exception holds the fit's frames, and with them the
    futures in their variables, for as long as the caller keeps it (an
    interactive session keeps the last one): the cluster would keep every
    block they pin.  :meth:`release_all` drops this fit's claim on them
    (``Future.release``, as garbage collection would): the scheduler then
    forgets those nobody else wants.  Not ``Client.cancel``, which would also
    cancel a user's own futures sharing a key (blocks of a persisted array
    that the fit computes again). Weak references, so that a long successful
    fit keeps nothing alive that it no longer uses.
    """

    def __init__(self, client):
        self._client = client
        self._futures = weakref.WeakValueDictionary()

    def __getattr__(self, name):
        return getattr(self._client, name)

    def _track(self, result):
        for future in distributed.futures_of(result):
            self._futures[id(future)] = future
        return result

    def map(self, *args, **kwargs):
        return self._track(self._client.map(*args, **kwargs))

    def submit(self, *args, **kwargs):
        return self._track(self._client.submit(*args, **kwargs))

    def compute(self, *args, **kwargs):
        return self._track(self._client.compute(*args, **kwargs))

    def scatter(self, *args, **kwargs):
        return self._track(self._client.scatter(*args, **kwargs))

    def release_all(self):
        """Release every future made through this client that is still alive."""
        for future in list(self._futures.values()):
            future.release()
        self._futures.clear()


def _get_client(client):
    if client is not None:
        return client
    try:
        return distributed.get_client()
    except ValueError as exc:
        raise ValueError(
            "fit_distributed needs a running dask.distributed Client: create one "
            "(Client(cluster_address) or Client(LocalCluster())) or pass client=."
        ) from exc


def _row_blocks(array, chunks, name):
    """Delayed row blocks of ``array`` (Dask or in-memory) cut at ``chunks``."""
    if array is None:
        return [None] * len(chunks)
    if isinstance(array, da.Array):
        if array.ndim == 2 and array.numblocks[1] > 1:
            array = array.rechunk({1: -1})
        if tuple(array.chunks[0]) != tuple(chunks):
            if any(np.isnan(c) for c in array.chunks[0]):
                raise ValueError(
                    f"{name} is a Dask array with unknown chunk sizes; call "
                    f"{name}.compute_chunk_sizes() first."
                )
            array = array.rechunk({0: tuple(chunks)})
        return list(array.to_delayed().ravel())
    if not hasattr(array, "shape"):
        array = np.asarray(array)
    if array.shape[0] != sum(chunks):
        raise ValueError(f"{name} has {array.shape[0]} rows but X has {sum(chunks)}.")
    bounds = np.cumsum([0, *chunks])
    return [array[a:b] for a, b in itertools.pairwise(bounds)]


def _on_cluster(client, pieces):
    """Futures for the Dask pieces (computed there), in-memory pieces as they are."""
    delayed = [i for i, p in enumerate(pieces) if isinstance(p, Delayed)]
    if delayed:
        futures = client.compute([pieces[i] for i in delayed])
        pieces = list(pieces)
        for i, future in zip(delayed, futures):
            pieces[i] = future
    return pieces


def _make_block(X, y, sample_weight):
    return X, y, sample_weight


def _blocks(client, X, y, sample_weight, n_blocks):
    """Futures of ``(X, y, sample_weight)`` blocks, one per block of rows.

    In-memory pieces travel inside the tasks, and Dask pieces are computed on
    the cluster: either way Dask knows how to remake a block a lost worker
    held.
    """
    if isinstance(X, db.Bag):
        if y is not None or sample_weight is not None:
            raise ValueError(
                "With a Dask bag of (X_block, y_block[, sample_weight_block]) tuples, "
                "pass y=None and sample_weight=None: the bag carries them."
            )
        partitions = _on_cluster(client, list(X.to_delayed()))
        return client.map(_stack_bag_partition, partitions, pure=False)
    if y is None:
        raise ValueError("y is required (or pass a Dask bag of (X, y) tuples as X).")
    if isinstance(X, da.Array):
        if X.ndim != 2:
            raise ValueError(
                f"X must be 2-dimensional; got a Dask array of shape {X.shape}."
            )
        if any(np.isnan(c) for c in X.chunks[0]):
            raise ValueError(
                "X is a Dask array with unknown chunk sizes; call "
                "X.compute_chunk_sizes() first."
            )
        chunks = tuple(int(c) for c in X.chunks[0] if c > 0)
        X = X.rechunk({0: chunks})
    else:
        # In memory: one block per worker (or n_blocks).
        if not (sp.issparse(X) or hasattr(X, "shape")):
            X = np.asarray(X)
        if sp.issparse(X):
            X = X.tocsr()
        n_rows = X.shape[0]
        if n_blocks is None:
            n_blocks = max(1, len(client.scheduler_info()["workers"]))
        n_blocks = max(1, min(int(n_blocks), n_rows))
        chunks = [len(c) for c in np.array_split(np.arange(n_rows), n_blocks)]
    pieces = [
        _on_cluster(client, _row_blocks(a, chunks, name))
        for a, name in ((X, "X"), (y, "y"), (sample_weight, "sample_weight"))
    ]
    return client.map(_make_block, *pieces, pure=False)


class _BlockData:
    """The row blocks of a fit on a cluster, as ``_prepare_fit`` reads them.

    Answers the calls of :class:`sklearn_sigmoid._base.InMemoryData` with one
    task per block: validation and encoding run on the workers, and only
    summaries (a few numbers per block) come back to the client.
    """

    distributed = True

    def __init__(self, client, blocks):
        self.client = client
        self.blocks = blocks  # futures of (X, y, sample_weight), or None

    def _map(self, func, **kwargs):
        return self.client.map(func, self.blocks, pure=False, **kwargs)

    def validate(self, estimator, reset):
        client = self.client
        blocks = self._map(_validate_block, estimator=estimator)
        # Drop empty bag partitions (None) before anything else looks at blocks.
        kept = client.gather(client.map(_is_block, blocks, pure=False))
        self.blocks = [b for b, ok in zip(blocks, kept) if ok]
        if not self.blocks:
            raise ValueError("The data has no rows.")
        summaries = client.gather(
            self._map(_block_summary, encoding_class=estimator._encoding_class)
        )
        n_features = {s["n_features"] for s in summaries}
        if len(n_features) > 1:
            raise ValueError(
                f"The blocks of X have different numbers of features: "
                f"{sorted(n_features)}."
            )
        (self.n_features,) = n_features
        self.n_samples = sum(s["n_samples"] for s in summaries)
        self._targets = [s["targets"] for s in summaries]
        dtype = np.result_type(*{np.dtype(s["dtype"]) for s in summaries})
        return self.n_features, dtype, dtype

    def hold_out(self, estimator, rng):  # pragma: no cover - refused before
        raise ValueError("early_stopping is not supported by fit_distributed.")

    def target_rows(self):
        """The blocks' summaries, which learn the encoding the whole would."""
        return (
            np.concatenate([t[0] for t in self._targets]),
            np.concatenate([t[1] for t in self._targets]),
        )

    def class_totals(self, encoding):
        return sum(self.client.gather(self._map(_class_totals, encoding=encoding)))

    def encode(self, encoding, stream=False):
        self._encoded = self._map(_encode_block, encoding=encoding)
        stats = self.client.gather(
            self.client.map(_item, self._encoded, i=1, pure=False)
        )
        self._weight_total = sum(s[0] for s in stats)
        self._target_sums = sum(s[1] for s in stats)

    def weight_total(self):
        return self._weight_total

    def target_sums(self):
        return self._target_sums

    def mean_target(self):
        return self._target_sums / self._weight_total

    def objective(self, loss, alpha, fit_intercept, partial=False):
        client = self.client
        parts = client.map(
            _make_part,
            client.map(_item, self._encoded, i=0, pure=False),
            loss=loss,
            fit_intercept=fit_intercept,
            weight_total=self._weight_total,
            pure=False,
        )
        # Only the parts are needed from here on; Dask keeps the recipe of
        # what they were computed from, should a worker (and its parts) be lost.
        self.blocks = self._encoded = None
        return DistributedObjective(
            client, parts, loss, alpha, fit_intercept, self.n_samples, self.n_features
        )


def fit_distributed(
    estimator, X, y=None, sample_weight=None, *, client=None, n_blocks=None
):
    """Fit a sigmoid estimator by full-batch gradient descent on a Dask cluster.

    Parameters
    ----------
    estimator : GDLogisticRegression or SigmoidNeuronRegressor
        The settings to fit with (it is cloned, not modified).  Full-batch
        settings only: ``batch_size=None`` and ``early_stopping=False``.
    X : dask.array.Array, dask.bag.Bag, ndarray or sparse matrix
        A Dask array chunked by rows (dense or ``scipy.sparse`` blocks), a
        Dask bag of ``(X_block, y_block[, sample_weight_block])`` tuples, or
        an in-memory array cut into ``n_blocks`` blocks (sent to the cluster
        inside the tasks that use them, so that Dask can remake them).
    y : dask.array.Array or array-like, default=None
        Targets, as for the estimator's ``fit``; ``None`` with a bag.
    sample_weight : dask.array.Array or array-like, default=None
        Weights of the rows, as for the estimator's ``fit``, chunked like
        ``X``; ``None`` weighs every row 1 (with a bag, a block's third
        element gives its weights).
    client : distributed.Client, default=None
        The cluster to use; the default client if None.
    n_blocks : int, default=None
        For in-memory ``X`` only: number of blocks (default: one per worker).

    Returns
    -------
    model : GDLogisticRegression or SigmoidNeuronRegressor
        A fitted clone of ``estimator``, with the same attributes as after
        ``fit`` (``coef_``, ``intercept_``, ``loss_curve_``, ``n_iter_``, ...).

    Raises
    ------
    ValueError
        For invalid data (the same checks as ``fit``, run on every block),
        settings that are not full-batch, or no running client.
    """
    if not isinstance(estimator, BaseSigmoidGD):
        raise TypeError(
            "fit_distributed fits a GDLogisticRegression or SigmoidNeuronRegressor; "
            f"got {type(estimator).__name__}."
        )
    model = clone(estimator)
    model._validate_params()
    model._more_validate_params(distributed=True)
    if n_blocks is not None and (
        not isinstance(n_blocks, numbers.Integral) or n_blocks < 1
    ):
        raise ValueError(f"n_blocks must be a positive integer; got {n_blocks!r}.")
    client = _TrackingClient(_get_client(client))
    try:
        # The estimator's own preparation (validation, target encoding, start
        # point, objective) and descent, on the blocks.
        data = _BlockData(client, _blocks(client, X, y, sample_weight, n_blocks))
        model._descend(model._prepare_fit(data))
    finally:
        # On success the fit's futures are already gone; on failure the
        # exception may keep them: release them, so the cluster holds nothing.
        client.release_all()
    return model
