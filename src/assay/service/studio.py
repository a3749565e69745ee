"""Queries over the samples of suite versions: the Studio's filters, sorts, pages and histograms.

CONTRACT SKELETON (session 3): helper A fills this module in; see /tmp/contract7.md.
"""

from __future__ import annotations

from collections.abc import Callable

from assay.service.sample_views import (
    HistogramRequest,
    Histograms,
    SampleDetail,
    SampleFields,
    SamplePage,
    SampleQuery,
)
from assay.store import Store

__all__ = ["Studio"]


class Studio:
    """Sample queries over one store's immutable suite versions and stored results."""

    def __init__(self, store: Store) -> None:
        self._store = store
        #: Set by the server: the pixel size of an image asset by locator (None: unknown).
        self.image_size: Callable[[str], tuple[int, int] | None] | None = None

    def fields(self, test_suite_id: int) -> SampleFields:
        raise NotImplementedError

    def query(self, query: SampleQuery, *, offset: int = 0, limit: int = 100) -> SamplePage:
        raise NotImplementedError

    def query_arrow_stream(self, query: SampleQuery) -> bytes:
        raise NotImplementedError

    def histograms(self, request: HistogramRequest) -> Histograms:
        raise NotImplementedError

    def sample(self, sample_id: int, test_suite_id: int, *, model_ids: list[int] | None = None) -> SampleDetail:
        raise NotImplementedError
