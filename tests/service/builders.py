"""Builders of the dicts that travel through the service, as ``DataObject._to_dict()`` makes them."""

from __future__ import annotations

from typing import Any

from assay.service import Service
from assay.service.models import SampleRow, TestCaseRecord

WORKFLOW = "Detection"


def image(i: int) -> dict[str, Any]:
    """The dict of an image test sample."""
    return {"locator": f"s3://bucket/images/{i:06d}.png", "data_type": "TEST_SAMPLE/IMAGE"}


def boxes(i: int, n: int = 3) -> dict[str, Any]:
    """The dict of a ground truth (or inference) with ``n`` boxes."""
    return {
        "bboxes": [
            {
                "top_left": [float(i + k), float(k)],
                "bottom_right": [float(i + k + 10), float(k + 10)],
                "label": "car",
                "data_type": "ANNOTATION/BOUNDING_BOX",
            }
            for k in range(n)
        ]
    }


def row(i: int, ground_truth: dict[str, Any] | None = None, metadata: dict[str, Any] | None = None) -> SampleRow:
    """A sample row of image ``i``."""
    return SampleRow(
        test_sample=image(i),
        metadata=metadata,
        ground_truth=boxes(i) if ground_truth is None else ground_truth,
    )


def make_case(service: Service, name: str, ids: list[int], workflow: str = WORKFLOW) -> TestCaseRecord:
    """A test case holding images ``ids`` (version 1, or 0 when empty)."""
    case = service.create_test_case(workflow, name)
    if ids:
        case = service.edit_test_case(case.id, add=[row(i) for i in ids])
    return case


def locators(rows: list[SampleRow]) -> list[str]:
    """The locators of sample rows, in order."""
    return [r.test_sample["locator"] for r in rows]
