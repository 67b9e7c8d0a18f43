# Authors: The sklearn-sigmoid developers
# SPDX-License-Identifier: BSD-3-Clause

"""Target encodings: how an estimator's ``y`` becomes the loss's targets.

An encoding is a small object learnt on the first fit (from the targets, or
from per-block summaries of them for data spread over a cluster) and rebuilt
from the fitted attributes afterwards.  It knows

* ``summary(y, sample_weight)``: a few rows standing for a block of targets,
  whose concatenation over blocks learns the same encoding as the whole;
* ``learn(y, sample_weight, ...)``: the encoding of the first fit;
* ``encode(y, sample_weight)``: ``(Y, sample_weight)`` in the loss's
  encoding (values in [0, 1], one-hot rows for a softmax), the weights times
  any class weights;
* ``check_encoded(target_sums, weight_total)``: refuse what leaves nothing to
  fit, from the weighted column sums of ``Y`` (one number per output, so
  that blocks can be added);
* ``validation_targets(y)``: held-out targets for a validation score;
* ``link`` and ``n_outputs``: what the loss and the parameters look like.

:class:`ClassEncoding` is the classifier's (labels, one column for two
classes or one-hot rows, class weights); :class:`TargetRange` the
regressor's (each output mapped from its range onto [0, 1]).
"""

from numbers import Real

import numpy as np
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets

__all__ = ["ClassEncoding", "TargetRange", "balanced_class_weight"]


def balanced_class_weight(class_totals):
    """scikit-learn's ``'balanced'`` class weights from weighted class totals.

    ``total / (n_classes * class_total)``, with the class totals summed over
    the sample weights (as ``compute_class_weight`` does since scikit-learn
    1.9, computed here for older versions too), so that a weight of ``k``
    counts as ``k`` repeated rows.  A class of total 0 (all its rows weigh
    nothing) gets 1, which multiplies only zeros.
    """
    totals = np.asarray(class_totals, dtype=np.float64)
    weights = np.ones_like(totals)
    present = totals > 0
    weights[present] = totals.sum() / (len(totals) * totals[present])
    return weights


def check_class_weight(class_weight):
    """Raise unless a dict ``class_weight`` maps to finite non-negative numbers."""
    if not isinstance(class_weight, dict):
        return
    weights = list(class_weight.values())
    if not all(isinstance(w, Real) and np.isfinite(w) and w >= 0 for w in weights):
        raise ValueError(
            f"class_weight must map classes to finite non-negative "
            f"numbers; got {class_weight!r}."
        )


class ClassEncoding:
    """Class labels as one column (two classes) or one-hot rows, with weights.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        Sorted class labels.
    class_weight : dict, 'balanced', ndarray or None
        Weights of the classes, multiplied into the sample weights.
        ``'balanced'`` is computed from the targets being encoded (or, once
        resolved by :meth:`with_totals`, from the class totals of a whole
        data set spread over blocks); an array gives the weight of each class
        of ``classes``, in order.
    owner : str, default='GDLogisticRegression'
        The estimator's name, for the error messages.
    """

    def __init__(self, classes, class_weight=None, owner="GDLogisticRegression"):
        self.classes = classes
        self.class_weight = class_weight
        self.owner = owner

    @property
    def link(self):
        return "sigmoid" if len(self.classes) == 2 else "softmax"

    @property
    def n_outputs(self):
        return 1 if len(self.classes) == 2 else len(self.classes)

    @staticmethod
    def check(y):
        """Raise if ``y`` is not a valid classification target."""
        if isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype.kind in "biu":
            # Integer (or boolean) labels in one column are binary or
            # multiclass targets, all scikit-learn's check concludes for
            # them, unless it also warns that more than half the samples
            # have classes of their own (from 20 samples on).  Where the
            # labels' range rules that warning out, the check is skipped: it
            # costs 0.17 ms, a tenth of a millisecond fit.
            n = y.shape[0]
            if n <= 20 or int(y.max()) - int(y.min()) + 1 <= round(0.5 * n):
                return
        check_classification_targets(y)

    @staticmethod
    def summary(y, sample_weight):
        """The labels present with positive weight (weight 1), the others (0)."""
        positive = np.unique(y[sample_weight > 0])
        others = np.setdiff1d(np.unique(y), positive)
        return (
            np.concatenate([positive, others]),
            np.concatenate([np.ones(len(positive)), np.zeros(len(others))]),
        )

    @classmethod
    def learn(cls, y, sample_weight, classes=None, class_weight=None, owner=None):
        """The encoding of a first fit: ``classes`` if given, else those of ``y``."""
        owner = owner or "GDLogisticRegression"
        all_classes = np.unique(y) if classes is None else np.unique(classes)
        positive = sample_weight > 0
        if classes is None and positive.all():  # the common case: one sort
            present = all_classes
        else:
            present = np.unique(y[positive])
        if classes is None and len(present) < 2:
            raise ValueError(
                f"{owner} needs samples of at least 2 classes with "
                f"positive weight, but the data contains only one class: "
                f"{present[0] if len(present) else None!r}."
            )
        if len(all_classes) < 2:
            raise ValueError(
                f"{owner} needs at least 2 classes; got classes={all_classes!r}."
            )
        return cls(all_classes, class_weight, owner)

    def indices(self, y):
        """The index in ``classes`` of each label; raise on unknown labels."""
        idx = np.searchsorted(self.classes, y)
        idx = np.clip(idx, 0, len(self.classes) - 1)
        unknown = self.classes[idx] != y
        if np.any(unknown):
            raise ValueError(
                f"y contains labels not in classes_={self.classes!r}: "
                f"{np.unique(y[unknown])!r}."
            )
        return idx

    @property
    def needs_totals(self):
        """Whether the class weights depend on the class totals of the data."""
        return isinstance(self.class_weight, str)  # 'balanced'

    def class_totals(self, y, sample_weight):
        """The weighted total of each class among ``y`` (sums over blocks)."""
        return np.bincount(
            self.indices(y), weights=sample_weight, minlength=len(self.classes)
        )

    def with_totals(self, class_totals):
        """This encoding with ``'balanced'`` resolved for the given class totals."""
        return ClassEncoding(
            self.classes, balanced_class_weight(class_totals), self.owner
        )

    def _weights(self, idx, y, sample_weight):
        if isinstance(self.class_weight, np.ndarray):
            return self.class_weight
        if isinstance(self.class_weight, str):  # 'balanced', from these rows
            return balanced_class_weight(
                np.bincount(idx, weights=sample_weight, minlength=len(self.classes))
            )
        return compute_class_weight(self.class_weight, classes=self.classes, y=y)

    def encode(self, y, sample_weight, stream=False):
        """``(Y, sample_weight)``: one-hot targets, weights times class weights.

        ``stream`` (one batch of a stream) changes nothing for labels.
        """
        idx = self.indices(y)
        if self.class_weight is not None:
            weights = self._weights(idx, y, sample_weight)
            sample_weight = sample_weight * weights[idx].astype(sample_weight.dtype)
        return self._one_hot(idx), sample_weight

    def _one_hot(self, idx):
        if len(self.classes) == 2:
            return (idx == 1).astype(np.float64)[:, None]
        Y = np.zeros((len(idx), len(self.classes)))
        Y[np.arange(len(idx)), idx] = 1.0
        return Y

    def validation_targets(self, y):
        """Held-out labels encoded as the training ones (no class weights)."""
        return self._one_hot(self.indices(y))

    def check_encoded(self, target_sums, weight_total):
        """Raise unless two classes keep positive weight (class_weight may zero one)."""
        totals = np.asarray(target_sums, dtype=np.float64)
        if len(totals) == 1:
            totals = np.array([weight_total - totals[0], totals[0]])
        if np.count_nonzero(totals > 0) < 2:
            kept = self.classes[totals > 0]
            class_weight = self.class_weight
            if isinstance(class_weight, np.ndarray):
                class_weight = "balanced"
            raise ValueError(
                f"{self.owner} needs samples of at least 2 classes with "
                f"positive weight, but after class_weight={class_weight!r} "
                f"only {kept.tolist()!r} has any."
            )


def parse_target_range(target_range):
    """``(low, high)`` floats from a fixed ``target_range``; raise if unusable."""
    try:
        low, high = (float(v) for v in target_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"target_range must be 'auto' or a pair of numbers (low, high); "
            f"got {target_range!r}."
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            f"target_range=(low, high) needs finite low < high; got {target_range!r}."
        )
    return low, high


class TargetRange:
    """Real targets mapped from ``[low, high]`` onto the sigmoid's [0, 1].

    Parameters
    ----------
    bounds : ndarray of shape (n_outputs, 2)
        ``[low, high]`` of each output.
    two_d : bool
        Whether the targets were given as a 2-D array (predictions follow).
    owner : str, default='SigmoidNeuronRegressor'
        The estimator's name, for the error messages.
    """

    link = "sigmoid"
    needs_totals = False

    def __init__(self, bounds, two_d, owner="SigmoidNeuronRegressor"):
        self.bounds = bounds
        self.two_d = two_d
        self.owner = owner

    @property
    def n_outputs(self):
        return self.bounds.shape[0]

    @staticmethod
    def check(y):
        """Every numeric ``y`` is a valid target (``validate_data`` checked it)."""

    @staticmethod
    def summary(y, sample_weight):
        """Column-wise extremes of the rows with positive weight (of all rows if
        none has), weighted 1 (0): what ``target_range='auto'`` looks at."""
        Y = y.reshape(len(y), -1)
        positive = sample_weight > 0
        rows = Y[positive] if np.any(positive) else Y
        summary = np.vstack([rows.min(axis=0), rows.max(axis=0)])
        return (
            summary.reshape((2,) + y.shape[1:]),
            np.full(2, 1.0 if np.any(positive) else 0.0),
        )

    @classmethod
    def learn(cls, y, sample_weight, target_range="auto", owner=None):
        """The mapping of a first fit (see ``SigmoidNeuronRegressor``)."""
        Y = y.reshape(len(y), -1)
        n_outputs = Y.shape[1]
        if isinstance(target_range, str):  # 'auto'
            rows = Y[sample_weight > 0] if np.any(sample_weight > 0) else Y
            low, high = rows.min(axis=0), rows.max(axis=0)
            inside = (low >= 0) & (high <= 1)
            constant = high == low
            low = np.where(inside, 0.0, np.where(constant, low - 0.5, low))
            high = np.where(inside, 1.0, np.where(constant, high + 0.5, high))
            what = "The training targets span"
        else:
            low, high = parse_target_range(target_range)
            low = np.full(n_outputs, low)
            high = np.full(n_outputs, high)
            what = "target_range spans"
        with np.errstate(over="ignore"):
            width = np.asarray(high, dtype=np.float64) - low
        if not np.all(np.isfinite(width)):
            raise ValueError(
                f"{what} a range whose width overflows float64 (from "
                f"{np.min(low):.3g} to {np.max(high):.3g}): predictions could "
                f"not be mapped back. Rescale the targets."
            )
        bounds = np.column_stack([low, high]).astype(np.float64)
        return cls(bounds, y.ndim == 2, owner or "SigmoidNeuronRegressor")

    def _columns(self, y):
        Y = y.reshape(len(y), -1)
        if Y.shape[1] != self.n_outputs:
            raise ValueError(
                f"y has {Y.shape[1]} outputs, but {self.owner} was "
                f"fitted with {self.n_outputs}."
            )
        return Y

    def encode(self, y, sample_weight, stream=False):
        """``(Y, sample_weight)``: the targets mapped onto [0, 1] (clipped).

        ``stream``: the targets of one batch of a stream, whose range was
        learnt from its first batch (the error then says how to fix it).
        """
        Y = self._columns(y)
        low, high = self.bounds[:, 0], self.bounds[:, 1]
        # Rows of zero weight do not count (and are clipped into the range).
        outside = ((Y < low) | (Y > high)) & (sample_weight > 0)[:, None]
        if np.any(outside):
            hint = (
                " The range was learnt from the first batch; pass "
                "target_range=(low, high) to fix it for a stream."
                if stream
                else ""
            )
            raise ValueError(
                f"y has values outside target_range {self.bounds.tolist()}: "
                f"min {Y[outside.any(axis=1)].min()}, "
                f"max {Y[outside.any(axis=1)].max()}.{hint}"
            )
        return np.clip((Y - low) / (high - low), 0.0, 1.0), sample_weight

    def validation_targets(self, y):
        """Mapped as the training targets are, but not clipped: held-out
        targets may leave the training range, and R^2 sees them as they are."""
        low, high = self.bounds[:, 0], self.bounds[:, 1]
        return (y.reshape(len(y), -1) - low) / (high - low)

    def check_encoded(self, target_sums, weight_total):
        """Any mapped targets can be fitted."""

    def decode(self, outputs):
        """Outputs in [0, 1] mapped back onto the targets' range."""
        low, high = self.bounds[:, 0], self.bounds[:, 1]
        return low + (high - low) * outputs
