"""The one error type of :mod:`assay.metrics`.

The metrics library imports nothing from the rest of Assay, so it owns its error. The error inherits
:class:`ValueError`, as bad input to a metric is a value problem; the rest of Assay maps it to its own
``InputValidationError`` where it crosses a public boundary.
"""

from __future__ import annotations

__all__ = ["MetricsInputError"]


class MetricsInputError(ValueError):
    """Bad input to a metric: wrong shape, length, range or option. The message names the argument."""
