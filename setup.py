"""Build hook: the package index's long description, made from README.md.

Everything else is declared in pyproject.toml.  README.md shows figures by
relative path (``benchmarks/figures/...``), which resolves in the repository
and in the sdist but not on the package index page, and the project has no
public URL to make them absolute yet.  The long description therefore
replaces each image with a line naming the figure and where it is.
"""

import re
from pathlib import Path

from setuptools import setup

_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<path>[^)\s]+)\)")


def _index_description(text):
    def replace(match):
        path = match["path"]
        if "://" in path:  # an absolute URL renders anywhere
            return match[0]
        return f"*Figure: {match['alt']} (`{path}` in the source distribution).*"

    return _IMAGE.sub(replace, text)


setup(
    long_description=_index_description(
        Path(__file__).with_name("README.md").read_text(encoding="utf-8")
    ),
    long_description_content_type="text/markdown",
)
