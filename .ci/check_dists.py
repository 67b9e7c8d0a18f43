"""Check the built sdist and wheel: what a packager and the index need.

Usage: python .ci/check_dists.py DIST_DIR (holding one .tar.gz and one .whl).
"""

import re
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path


def main(dist_dir):
    (sdist,) = Path(dist_dir).glob("*.tar.gz")
    (wheel,) = Path(dist_dir).glob("*.whl")
    problems = []

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    if not any(
        n.startswith("sklearn_sigmoid/_sgd_fast") and n.endswith((".so", ".pyd"))
        for n in names
    ):
        problems.append("the wheel has no compiled SGD kernel (_sgd_fast)")
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        problems.append("the wheel has no LICENSE")
    if metadata["License-Expression"] != "BSD-3-Clause":
        problems.append(f"License-Expression is {metadata['License-Expression']!r}")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", metadata.get_payload())
    relative = [path for path in images if "://" not in path]
    if relative:
        problems.append(f"relative image links in the index description: {relative}")

    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in (
        "LICENSE",
        "conftest.py",
        "tests/conftest.py",
        "benchmarks/movie_reviews.py",
        "sklearn_sigmoid/_sgd_fast.pyx",
    ):
        if needed not in members:
            problems.append(f"the sdist has no {needed}")

    for problem in problems:
        print("check_dists:", problem, file=sys.stderr)
    if not problems:
        print(f"check_dists: {sdist.name} and {wheel.name} are complete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
