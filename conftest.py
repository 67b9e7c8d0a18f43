"""Collection settings for the whole repository (tests and doctests)."""

import importlib.util

# The doctests of sklearn_sigmoid/dask.py need the [dask] extra; without it
# the module refuses to import (by design), so it is not collected.
collect_ignore = []
if importlib.util.find_spec("distributed") is None:
    collect_ignore.append("sklearn_sigmoid/dask.py")
