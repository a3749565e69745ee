"""Ingest throughput: 100,000 test samples (10 ground-truth boxes each) into one test case, then inferences.

Runs the same steps embedded (SQLite in a temporary folder) and over HTTP (an ``assay server`` subprocess on
the same kind of store) and prints samples per second for each step. Target: at least 20,000 samples/s
embedded for the upload steps.

    python benchmarks/ingest.py [--samples 100000] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

import assay
from assay.client import reset as reset_client
from assay.workflow import GroundTruth, Image, Inference, TestRun, define_workflow
from assay.workflow.annotation import LabeledBoundingBox, ScoredLabeledBoundingBox

BOXES = 10
ASSAY_CLI = str(Path(sys.executable).with_name("assay"))


@dataclass(frozen=True)
class Sample(Image):
    pass


@dataclass(frozen=True)
class Truth(GroundTruth):
    boxes: list[LabeledBoundingBox]


@dataclass(frozen=True)
class Detections(Inference):
    boxes: list[ScoredLabeledBoundingBox]


def make_data(n: int) -> tuple[list[tuple[Sample, Truth]], list[tuple[Sample, Detections]]]:
    rng = random.Random(7)
    pairs, inferences = [], []
    for i in range(n):
        sample = Sample(locator=f"s3://bench/images/{i:07d}.jpg", metadata={"split": "val", "i": i})
        boxes = []
        detections = []
        for _ in range(BOXES):
            x, y = rng.uniform(0, 600), rng.uniform(0, 400)
            w, h = rng.uniform(5, 200), rng.uniform(5, 200)
            label = f"class-{rng.randrange(20)}"
            boxes.append(LabeledBoundingBox(top_left=(x, y), bottom_right=(x + w, y + h), label=label))
            detections.append(
                ScoredLabeledBoundingBox(
                    top_left=(x + 2, y - 1), bottom_right=(x + w, y + h + 3), label=label, score=rng.random()
                )
            )
        pairs.append((sample, Truth(boxes=boxes)))
        inferences.append((sample, Detections(boxes=detections)))
    return pairs, inferences


def timed(label: str, n: int, fn) -> float:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    rate = n / elapsed
    print(f"  {label:<34} {elapsed:8.2f} s  {rate:12,.0f} samples/s")
    return rate


def run_steps(pairs, inferences, prefix: str) -> dict[str, float]:
    _, TestCase, TestSuite, Model = define_workflow("Ingest Benchmark", Sample, Truth, Detections)
    n = len(pairs)
    rates = {}
    holder = {}

    def create():
        holder["case"] = TestCase.create(f"{prefix} :: all", test_samples=pairs)

    rates["create test case"] = timed("create test case with samples", n, create)
    suite = TestSuite.create(f"{prefix} suite", test_cases=[holder["case"]])
    model = Model.create(f"{prefix} model")
    run = TestRun(model, suite, lambda *args: None)
    batch = 10_000

    def upload():
        for start in range(0, n, batch):
            run.upload_inferences(inferences[start : start + batch])

    rates["upload inferences"] = timed("upload inferences", n, upload)
    rates["load samples"] = timed("load test samples back", n, lambda: holder["case"].load_test_samples())
    rates["load inferences"] = timed("load inferences back", n, lambda: model.load_inferences(holder["case"]))
    return rates


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    os.environ["ASSAY_PROGRESS"] = "0"

    start = time.perf_counter()
    pairs, inferences = make_data(args.samples)
    print(f"built {args.samples:,} samples, {args.samples * BOXES * 2:,} boxes in {time.perf_counter() - start:.1f} s")

    with tempfile.TemporaryDirectory() as home:
        url = args.database_url or f"sqlite:///{Path(home) / 'assay.db'}"
        env = {**os.environ, "ASSAY_HOME": home, "ASSAY_DATABASE_URL": url}
        os.environ.update(env)

        print("embedded:")
        reset_client()
        assay.initialize()
        embedded = run_steps(pairs, inferences, "embedded")

        print("HTTP (assay server subprocess):")
        token = subprocess.run(
            [ASSAY_CLI, "token", "create", "--name", "bench"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        port = free_port()
        server = subprocess.Popen(
            [ASSAY_CLI, "server", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            host = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    if httpx.get(f"{host}/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            reset_client()
            assay.initialize(token, host=host)
            http = run_steps(pairs, inferences, "http")
        finally:
            server.terminate()
            server.wait(timeout=30)
        reset_client()

    print()
    print(f"{'step':<24} {'embedded/s':>14} {'http/s':>14} {'http/embedded':>14}")
    for step in embedded:
        print(f"{step:<24} {embedded[step]:>14,.0f} {http[step]:>14,.0f} {http[step] / embedded[step]:>14.2f}")
    worst = min(embedded["create test case"], embedded["upload inferences"])
    verdict = "reached" if worst >= 20_000 else "NOT reached"
    print(f"target of 20,000 samples/s embedded for the upload steps: {verdict} (slowest {worst:,.0f}/s)")


if __name__ == "__main__":
    main()
