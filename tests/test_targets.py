"""Target encodings: the classifier's labels, the regressor's target range."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_sigmoid._targets import ClassEncoding, TargetRange


@pytest.mark.parametrize("encoding_class", [ClassEncoding, TargetRange])
def test_block_summaries_learn_what_the_whole_targets_learn(encoding_class):
    # fit_distributed learns the encoding from per-block summaries: their
    # concatenation must give the encoding of the whole targets.
    rng = np.random.RandomState(0)
    if encoding_class is ClassEncoding:
        y = rng.choice(["a", "b", "c", "d"], size=60)
    else:
        y = rng.normal(scale=5, size=(60, 2))
    w = rng.uniform(size=60) * (rng.uniform(size=60) > 0.2)
    parts = [
        encoding_class.summary(y[s], w[s]) for s in np.array_split(np.arange(60), 4)
    ]
    summary_y = np.concatenate([p[0] for p in parts])
    summary_w = np.concatenate([p[1] for p in parts])
    whole, blocks = (
        encoding_class.learn(y, w),
        encoding_class.learn(summary_y, summary_w),
    )
    if encoding_class is ClassEncoding:
        assert_array_equal(whole.classes, blocks.classes)
    else:
        assert_array_equal(whole.bounds, blocks.bounds)
    Y, sw = whole.encode(y, w)
    Y2, sw2 = blocks.encode(y, w)
    assert_array_equal(Y, Y2)
    assert_array_equal(sw, sw2)


def test_balanced_weights_resolved_from_block_totals_equal_the_whole():
    rng = np.random.RandomState(1)
    y = rng.choice([0, 1, 2], size=90, p=[0.6, 0.3, 0.1])
    w = rng.uniform(size=90)
    encoding = ClassEncoding.learn(y, w, class_weight="balanced")
    assert encoding.needs_totals
    totals = sum(
        encoding.class_totals(y[s], w[s]) for s in np.array_split(np.arange(90), 3)
    )
    resolved = encoding.with_totals(totals)
    assert not resolved.needs_totals
    np.testing.assert_allclose(resolved.encode(y, w)[1], encoding.encode(y, w)[1])
    with pytest.raises(ValueError, match="only \\[0\\] has any"):
        resolved.check_encoded(np.array([1.0, 0.0, 0.0]), 1.0)
