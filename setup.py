"""Build hook: the compiled SGD kernel, and the index's description from README.md.

Everything else is declared in pyproject.toml.

``sklearn_sigmoid/_sgd_fast.pyx`` (the row-by-row mini-batch SGD epoch, see
``sklearn_sigmoid/_sgd.py``) is compiled with Cython (a build requirement in
pyproject.toml, from the package index) and the system's C compiler.  The
extension is optional: where it cannot be built (no compiler, no Cython), the
install still succeeds and the package uses its pure-numpy path, which gives
the same numbers more slowly.
  README.md shows figures by
relative path (``benchmarks/figures/...``), which resolves in the repository
and in the sdist but not on the package index page, and the project has no
public URL to make them absolute yet.  The long description therefore
replaces each image with a line naming the figure and where it is.
"""

import re
from pathlib import Path

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # built without the build requirements: numpy path only
    cythonize = None

_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<path>[^)\s]+)\)")


def _index_description(text):
    def replace(match):
        path = match["path"]
        if "://" in path:  # an absolute URL renders anywhere
            return match[0]
        return f"*Figure: {match['alt']} (`{path}` in the source distribution).*"

    return _IMAGE.sub(replace, text)


def _extensions():
    if cythonize is None:
        return []
    extension = Extension(
        "sklearn_sigmoid._sgd_fast",
        ["sklearn_sigmoid/_sgd_fast.pyx"],
        # A failed compilation leaves the numpy path, not a failed install.
        optional=True,
    )
    return cythonize([extension], language_level=3, quiet=True)


setup(
    ext_modules=_extensions(),
    long_description=_index_description(
        Path(__file__).with_name("README.md").read_text(encoding="utf-8")
    ),
    long_description_content_type="text/markdown",
)
