"""The web app's views on a suite of 100,000 samples: how long each takes, cold and warm.

The data: one workflow, test cases like the keypoint example's slices (``complete`` holds every sample, six
more hold 10-50% each, overlapping), a suite of them at version 1, and version 2 in which one slice gained and
lost 1,000 samples and had 500 ground truths replaced. Model ``done`` has a complete run on version 2, model
``halfway`` a running one with inferences for half the samples.

Every view is timed through :class:`assay.service.Service` (what a route calls): ``cold`` is its first call
on a freshly opened service (nothing cached in the process), ``p50``/``p95`` over the following calls. The
run list is recounted on each call while a run is inferring, which is its steady state. Run::

    python benchmarks/app_views.py [--samples 100000] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assay.service import Service
from assay.service.models import ConfigurationIn, SampleRow

WORKFLOW = "Bench"
SLICES = {"complete": 1, "pose: profile": 3, "blur: high": 4, "lighting: dim": 5, "glasses": 7, "half": 2, "tenth": 10}


def sample(i: int) -> dict[str, Any]:
    return {"locator": f"s3://bench/{i:07d}.png", "data_type": "TEST_SAMPLE/IMAGE"}


def truth(i: int, shift: float = 0.0) -> dict[str, Any]:
    return {"points": [[float(i % 97) + shift, 1.0], [2.0, 3.0]]}


def build(service: Service, n: int) -> None:
    service.register_workflow(WORKFLOW, {})
    cases = {}
    for name, every in SLICES.items():
        case = service.create_test_case(WORKFLOW, name)
        rows = [SampleRow(test_sample=sample(i), ground_truth=truth(i)) for i in range(0, n, every)]
        cases[name] = service.edit_test_case(case.id, add=rows)
    suite = service.create_test_suite(WORKFLOW, "bench", "the benchmark", [c.id for c in cases.values()], ["bench"])
    edited = service.edit_test_case(
        cases["tenth"].id,
        add=[SampleRow(test_sample=sample(i), ground_truth=truth(i)) for i in range(1, 10_001, 10)]
        + [SampleRow(test_sample=sample(i), ground_truth=truth(i, 0.5)) for i in range(10_000, 15_000, 10)],
        remove=[sample(i) for i in range(20_000, 30_000, 10)],
    )
    suite2 = service.edit_test_suite(suite.id, test_case_ids=[*(c.id for c in cases.values())][:-1] + [edited.id])
    configurations = [ConfigurationIn(display_name="a"), ConfigurationIn(display_name="b")]
    done = service.create_model(WORKFLOW, "done")
    run = service.create_or_retrieve_test_run(done.id, suite2.id, "ev", configurations)
    service.upload_inferences(done.id, [(sample(i), {"p": i}) for i in range(n)])
    for name in ("a", "b"):
        service.upload_test_suite_metrics(run.id, name, {"m": 1.0})
    halfway = service.create_model(WORKFLOW, "halfway")
    service.create_or_retrieve_test_run(halfway.id, suite2.id, "ev", configurations)
    service.upload_inferences(halfway.id, [(sample(i), {"p": i}) for i in range(0, n, 2)])


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    start = time.perf_counter()
    call()
    cold = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    times.sort()
    return cold, statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a SQLite file)")
    parser.add_argument("--no-build", action="store_true", help="time a database this script built before")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    if not args.no_build:
        start = time.perf_counter()
        with_data = Service.from_url(url)
        build(with_data, args.samples)
        with_data.close()
        print(f"built {args.samples:,} samples on {url.split(':')[0]} in {time.perf_counter() - start:.1f} s")

    views: dict[str, Callable[[Service], Any]] = {
        "overview": lambda s: s.read_overview(),
        "suite summaries": lambda s: s.list_suite_summaries(search="bench"),
        "suite detail (latest)": lambda s: s.read_suite_detail("bench"),
        "suite diff v1 -> v2": lambda s: s.diff_suite_versions("bench", 1, 2),
        "model summaries": lambda s: s.list_model_summaries(),
        "model detail": lambda s: s.read_model_detail(s.load_model("done").id),
        "run summaries": lambda s: s.list_run_summaries(),
    }
    print(f"{'view':<24}{'cold ms':>10}{'p50 ms':>10}{'p95 ms':>10}")
    for name, view in views.items():
        service = Service.from_url(url)
        try:
            cold, p50, p95 = timed(lambda view=view, service=service: view(service), args.repeat)
        finally:
            service.close()
        print(f"{name:<24}{cold * 1e3:>10.1f}{p50 * 1e3:>10.1f}{p95 * 1e3:>10.1f}")
    check = Service.from_url(url)
    diff = check.diff_suite_versions("bench", 1, 2)
    [change] = diff.changed
    print(
        f"check: v2 holds {diff.head.n_samples:,} distinct samples; tenth +{change.samples_added} "
        f"-{change.samples_removed} ~{change.ground_truths_changed}; halfway inferred "
        f"{check.list_run_summaries(status='running').items[0].progress.samples_inferred:,}"
    )
    check.close()


if __name__ == "__main__":
    main()
