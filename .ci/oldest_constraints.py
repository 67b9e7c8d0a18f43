"""Print pip constraints pinning every dependency to the oldest release allowed.

Reads ``pyproject.toml`` (the ``>=`` bounds of ``project.dependencies`` and of
the extras named on the command line) so the oldest-versions CI leg tests
exactly what pyproject promises.  Usage::

    python .ci/oldest_constraints.py test > constraints.txt
"""

import re
import sys
from pathlib import Path

import tomllib

_LOWER = re.compile(
    r"^(?P<name>[A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*>=\s*(?P<version>[^,;\s]+)"
)


def main(extras):
    project = tomllib.loads(
        (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    )["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins = {}
    for requirement in requirements:
        match = _LOWER.match(requirement)
        if match is None:
            sys.exit(f"no lower bound in {requirement!r}: every dependency needs one")
        pins[match["name"].lower()] = match["version"]
    for name, version in sorted(pins.items()):
        print(f"{name}=={version}")


if __name__ == "__main__":
    main(sys.argv[1:])
