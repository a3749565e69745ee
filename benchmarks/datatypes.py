"""Throughput of the data-type layer at the scale of the ingest benchmark.

100,000 ground truths of 10 boxes each (1,000,000 ``BoundingBox`` objects): construction, ``_to_dict`` and
``_from_dict``. Prints objects per second for each step.

    PYTHONPATH=src python benchmarks/datatypes.py [--samples 100000] [--boxes 10]
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assay.workflow import GroundTruth, Image
from assay.workflow.annotation import BoundingBox


@dataclass(frozen=True)
class BoxesGroundTruth(GroundTruth):
    boxes: list[BoundingBox]


def timed(label: str, count: int, unit: str, step: Callable[[], Any]) -> Any:
    gc.collect()
    gc.disable()  # a collection pass over a million fresh objects would dominate the figure
    try:
        start = time.perf_counter()
        result = step()
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    print(f"{label:<42} {elapsed:7.3f} s  {count / elapsed:>12,.0f} {unit}/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--boxes", type=int, default=10)
    args = parser.parse_args()
    n, k = args.samples, args.boxes
    boxes_total = n * k
    coords = [
        ((float(i % 640), float(j * 7)), (float(i % 640 + 20), float(j * 7 + 30)))
        for i in range(n)
        for j in range(k)
    ]

    boxes = timed(
        f"construct {boxes_total:,} BoundingBox",
        boxes_total,
        "boxes",
        lambda: [BoundingBox(a, b) for a, b in coords],
    )
    truths = timed(
        f"construct {n:,} ground truths",
        n,
        "ground truths",
        lambda: [BoxesGroundTruth(boxes[i * k : (i + 1) * k]) for i in range(n)],
    )
    samples = timed(
        f"construct {n:,} Image", n, "samples", lambda: [Image(f"s3://bucket/{i}.png") for i in range(n)]
    )
    dicts = timed(
        f"_to_dict {n:,} ground truths ({boxes_total:,} boxes)",
        boxes_total,
        "boxes",
        lambda: [t._to_dict() for t in truths],
    )
    timed(f"_to_dict {n:,} Image", n, "samples", lambda: [s._to_dict() for s in samples])
    revived = timed(
        f"_from_dict {n:,} ground truths ({boxes_total:,} boxes)",
        boxes_total,
        "boxes",
        lambda: [BoxesGroundTruth._from_dict(d) for d in dicts],
    )
    assert revived[-1] == truths[-1]


if __name__ == "__main__":
    main()
