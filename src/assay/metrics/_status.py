"""Codes of a detection's match status, shared by the compiled kernels and the numpy code."""

from __future__ import annotations

STATUS_FP = 0
STATUS_TP = 1
STATUS_IGNORED = 2
STATUS_EXCLUDED = 3
