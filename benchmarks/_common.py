"""What the benchmark scripts share: where the data is, where results go, the machine.

One data-finding order for every script: ``--data-home`` if given, then
``$SKLEARN_SIGMOID_DATA``, then ``../shared/data`` beside the repository (the
layout of this project's work machines), then the loader's default
``~/sklearn_sigmoid_data``.  :func:`default_data_home` gives the default of
``--data-home`` that makes :mod:`sklearn_sigmoid.datasets` search in that
order.
"""

import os
from pathlib import Path

from sklearn_sigmoid._environment import machine_info, machine_line
from sklearn_sigmoid.datasets import DATA_HOME_ENV

__all__ = [
    "BENCHMARKS",
    "RESULTS",
    "default_data_home",
    "machine_info",
    "machine_line",
    "replace_block",
]

#: This folder, and the default folder of the scripts' results.
BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "results"

#: ``../shared/data`` beside the repository.
SHARED_DATA = BENCHMARKS.parents[1] / "shared" / "data"

DATA_HOME_HELP = (
    "folder to look in first for the corpus and the lexicon (default: "
    f"${DATA_HOME_ENV} if set, else ../shared/data beside the repository if "
    "present, else ~/sklearn_sigmoid_data)"
)


def default_data_home():
    """The default of ``--data-home`` (None: let the loader search).

    None when ``$SKLEARN_SIGMOID_DATA`` is set (the loader looks there, then in
    ``~/sklearn_sigmoid_data``), else ``../shared/data`` if it is a folder
    (then the loader goes on to ``~/sklearn_sigmoid_data``), else None.
    """
    if os.environ.get(DATA_HOME_ENV):
        return None
    return str(SHARED_DATA) if SHARED_DATA.is_dir() else None


def replace_block(path, begin, end, block):
    """Rewrite the text between the markers ``begin`` and ``end`` of the file
    ``path`` (a README) with ``block``; each marker must stand there once."""
    path = Path(path)
    text = path.read_text()
    if text.count(begin) != 1 or text.count(end) != 1:
        raise SystemExit(f"{path} must hold {begin} and {end} once each.")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    path.write_text(head + begin + "\n" + block + end + tail)
