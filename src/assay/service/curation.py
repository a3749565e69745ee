"""Curation: test cases made from the Studio's samples, split by a field, and the samples behind a delta.

CONTRACT SKELETON (session 3): helper B fills this module in; see /tmp/contract7.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assay.service.sample_views import CreatedTestCases, CreateTestCase, DeltaSamples, SplitTestCases, StoredQuery

if TYPE_CHECKING:
    from assay.service.service import Service

__all__ = ["Curation"]


class Curation:
    """Curation operations of one service."""

    def __init__(self, service: Service) -> None:
        self._service = service

    def create_test_case(self, request: CreateTestCase) -> CreatedTestCases:
        raise NotImplementedError

    def split(self, request: SplitTestCases) -> CreatedTestCases:
        raise NotImplementedError

    def stored_query(self, test_case_id: int) -> StoredQuery | None:
        raise NotImplementedError

    def delta_samples(
        self,
        test_suite_id: int,
        test_case_id: int,
        *,
        model_id: int,
        baseline_id: int,
        metric: str,
        evaluator: str | None = None,
        configuration: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> DeltaSamples:
        raise NotImplementedError
