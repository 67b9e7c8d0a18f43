"""Movie-review sentiment: gradient descent against scikit-learn, honestly.

A thin caller of the package's main job, :mod:`sklearn_sigmoid.sentiment`
(also installed as the ``sklearn-sigmoid-sentiment`` command), with this
repository's defaults: the data is looked for in ``--data-home``, then
``$SKLEARN_SIGMOID_DATA``, then ``../shared/data`` beside the repository, then
``~/sklearn_sigmoid_data`` (see ``_common.py``), and the results go to
``benchmarks/results/``.

Run: ``python benchmarks/movie_reviews.py [--help]``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, default_data_home

from sklearn_sigmoid.sentiment import main as sentiment_main


def main(argv=None):
    return sentiment_main(argv, data_home=default_data_home(), out=str(RESULTS))


if __name__ == "__main__":
    sys.exit(main())
