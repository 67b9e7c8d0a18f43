"""Test configuration shared by the whole suite."""

import os

# scikit-learn's check that array-API dispatch with NumPy inputs changes no
# result runs only when SciPy's array-API mode is on; it must be set before
# SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
