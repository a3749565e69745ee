"""Assay: test machine-learning models at high resolution, per sample, per test case and per test suite.

Most users need ``assay.initialize`` and the workflow API in :mod:`assay.workflow`.
"""

from importlib.metadata import PackageNotFoundError, version

from assay import errors
from assay.client import initialize

try:
    __version__ = version("assay")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__", "errors", "initialize"]
