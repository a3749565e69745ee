"""Throughput of the data-type layer at the scale of the ingest benchmark.

100,000 ground truths of 10 boxes each (1,000,000 ``BoundingBox`` objects): construction, ``_to_dict``,
``_from_dict``, and the schema check the server runs on serialised data. Each step runs ``--repeat`` times; the
best wall-clock time is printed with objects per second, and the CPU time of this process beside it (on a
shared machine the CPU time is the steadier figure).
The garbage collector is paused while timing unless ``--gc`` is given (its passes over a million fresh
objects are the same for any object layer and would hide the differences).

    PYTHONPATH=src python benchmarks/datatypes.py [--samples 100000] [--boxes 10] [--repeat 3] [--gc]
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assay.schema import validator, workflow_schema
from assay.workflow import GroundTruth, Image, Inference
from assay.workflow.annotation import BoundingBox


@dataclass(frozen=True)
class BoxesGroundTruth(GroundTruth):
    boxes: list[BoundingBox]


def timed(label: str, count: int, unit: str, step: Callable[[], Any], repeat: int, keep_gc: bool) -> Any:
    best = float("inf")
    best_cpu = float("inf")
    result: Any = None
    for _ in range(repeat):
        result = None
        gc.collect()
        if not keep_gc:
            gc.disable()
        try:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = step()
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
        finally:
            gc.enable()
    print(f"{label:<52} {best:7.3f} s  {count / best:>11,.0f} {unit}/s   (CPU {best_cpu:6.3f} s)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--boxes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gc", action="store_true", help="leave the garbage collector on while timing")
    args = parser.parse_args()
    n, k = args.samples, args.boxes
    total = n * k
    coords = [
        ((float(i % 640), float(j * 7)), (float(i % 640 + 20), float(j * 7 + 30))) for i in range(n) for j in range(k)
    ]

    def run(label: str, count: int, unit: str, step: Callable[[], Any]) -> Any:
        return timed(label, count, unit, step, args.repeat, args.gc)

    boxes = run(f"construct {total:,} BoundingBox", total, "boxes", lambda: [BoundingBox(a, b) for a, b in coords])
    truths = run(
        f"construct {n:,} ground truths of {k} boxes",
        n,
        "ground truths",
        lambda: [BoxesGroundTruth(boxes[i * k : (i + 1) * k]) for i in range(n)],
    )
    samples = run(f"construct {n:,} Image", n, "samples", lambda: [Image(f"s3://bucket/{i}.png") for i in range(n)])
    dicts = run(
        f"_to_dict {n:,} ground truths ({total:,} boxes)",
        total,
        "boxes",
        lambda: [t._to_dict() for t in truths],
    )
    run(f"_to_dict {n:,} Image", n, "samples", lambda: [s._to_dict() for s in samples])
    check = validator(workflow_schema(Image, BoxesGroundTruth, Inference), "ground_truth")
    run(
        f"schema check of {n:,} serialised ground truths",
        total,
        "boxes",
        lambda: [check(d) for d in dicts],
    )
    revived = run(
        f"_from_dict {n:,} ground truths ({total:,} boxes)",
        total,
        "boxes",
        lambda: [BoxesGroundTruth._from_dict(d) for d in dicts],
    )
    if revived != truths:
        raise SystemExit("round trip changed the ground truths")


if __name__ == "__main__":
    main()
