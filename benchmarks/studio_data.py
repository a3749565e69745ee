"""Synthetic data for the Studio's benchmark: a suite of N image samples x 20 metadata fields x 5 models.

Every sample is an image (``TEST_SAMPLE/IMAGE``; ``--images`` distinct small JPEGs under ``$ASSAY_HOME/images``,
shared round-robin, each sample made unique by its ``frame``) with 20 metadata fields: 8 categorical (3 to 50
values, skewed frequencies), 10 numeric (normal, uniform, exponential, beta, Poisson, lognormal, gamma, a
bimodal mixture, a few sizes) and one text and one boolean field. Its ground truth is a label and a difficulty.
Each of 5 models has an inference (label, score, latency) and, in one configuration, per-sample metrics
(``error``, lower is better, and ``failed``) that depend on the metadata, so that histograms of mean error per bin
have shape and the models differ on some slices. The suite holds a test case of every sample and five slices by
metadata; each model's run is complete (per-sample, test-case and suite metrics), as a function evaluator
would have left it.

Everything is written through :class:`assay.service.Service`'s bulk paths (``init_many_test_cases``,
``create_test_suite``, ``create_model``, ``create_or_retrieve_test_run``, ``upload_inferences``,
``upload_test_sample_metrics``, ``upload_test_case_metrics``, ``upload_test_suite_metrics``), the calls the
embedded and HTTP transports make, so the store holds exactly what a user's would. The same columns go to
``studio.parquet`` next to the store for the peers (polars, DuckDB). Run it alone to time generation::

    python benchmarks/studio_data.py --home DIR [--samples 1000000]

A home that already holds the data (``studio_bench.json``) is reused as it is. At 1M the service paths took
36 minutes on a 2-core machine with a load average near 10 from other work: test cases 6.5 minutes, then per
model about 2 minutes of inferences and 3 of per-sample metrics (with planner statistics, see
:func:`analyze`). ``--samples`` scales it down.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assay.schema import metrics_schema
from assay.workflow import GroundTruth, Image, Inference, MetricsTestCase, MetricsTestSample, define_workflow
from assay.workflow._metrics_codec import class_path

WORKFLOW = "Studio Benchmark"
SUITE = "studio benchmark"
CONFIGURATION = "iou 0.5"
EVALUATOR = "studio benchmark evaluator"
N_MODELS = 5
SEED = 20261123
MANIFEST = "studio_bench.json"
PARQUET = "studio.parquet"
#: Rows per service call when uploading inferences and metrics (what ``test()`` sends per batch is similar).
BATCH = 100_000
#: Error above which a sample counts as failed.
FAIL_AT = 0.5

# Categorical fields: values and (unnormalised) frequencies; ``time_of_day`` has 10% night, which the
# curation measurement selects (~100,000 of 1M).
CATEGORIES: dict[str, tuple[list[str], list[float]]] = {
    "camera": (["front", "rear", "side"], [6, 3, 1]),
    "weather": (["clear", "cloudy", "rain", "fog", "snow"], [50, 25, 12, 8, 5]),
    "time_of_day": (["day", "dusk", "dawn", "night"], [55, 20, 15, 10]),
    "sensor": ([f"sensor-{i}" for i in range(8)], [1.0 / (i + 1) for i in range(8)]),
    "region": ([f"region-{i:02d}" for i in range(12)], [1.0 / (i + 1) ** 0.7 for i in range(12)]),
    "scene": ([f"scene-{i:02d}" for i in range(20)], [1.0 / (i + 1) ** 0.9 for i in range(20)]),
    "annotator": ([f"annotator-{i:02d}" for i in range(30)], [1.0] * 30),
    "city": ([f"city-{i:02d}" for i in range(50)], [1.0 / (i + 1) for i in range(50)]),
}
NUMERIC = (
    "brightness",
    "contrast",
    "blur",
    "occlusion",
    "object_count",
    "distance_m",
    "speed_kmh",
    "yaw_deg",
    "temperature_c",
    "image_width",
)
TEXT = "caption"
BOOL = "reviewed"
LABELS = [f"class-{i}" for i in range(10)]
_ADJECTIVES = ["busy", "empty", "wet", "dark", "bright", "narrow", "wide", "crowded", "quiet", "snowy"]
_NOUNS = ["street", "junction", "highway", "parking lot", "bridge", "tunnel", "roundabout", "crossing"]
_PLACES = ["downtown", "the suburbs", "an industrial area", "the countryside", "a campus", "the harbour"]


@dataclass(frozen=True)
class Slice:
    """A test case of the suite: the samples a metadata condition selects."""

    name: str
    select: Callable[[dict[str, np.ndarray]], np.ndarray]


SLICES = (
    Slice("all samples", lambda c: np.ones(len(c["blur"]), dtype=bool)),
    Slice("weather :: rain", lambda c: c["weather"] == "rain"),
    Slice("blur :: heavy", lambda c: c["blur"] > 0.6),
    Slice("crowded", lambda c: c["object_count"] >= 9),
    Slice("camera :: rear", lambda c: c["camera"] == "rear"),
    Slice("far and fast", lambda c: (c["distance_m"] > 60) & (c["speed_kmh"] > 50)),
)


@dataclass
class Generated:
    """What a home holds: sizes, the ids of the suite version and models, and how long generation took."""

    home: str
    n_samples: int
    suite_id: int
    model_ids: list[int]
    model_names: list[str]
    test_case_ids: list[int]
    configuration: str
    parquet: str
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"sqlite:///{Path(self.home) / 'assay.db'}"


# -- the data, as columns -----------------------------------------------------------------------------------
def columns(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """The sample table as numpy columns (deterministic for ``n`` and ``seed``)."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {"frame": np.arange(n, dtype=np.int64)}
    for name, (values, weights) in CATEGORIES.items():
        p = np.asarray(weights, dtype=float)
        out[name] = np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=p / p.sum())]
    out["brightness"] = np.round(np.clip(rng.normal(0.5, 0.15, n), 0, 1), 4)
    out["contrast"] = np.round(rng.uniform(0.2, 1.0, n), 4)
    out["blur"] = np.round(np.minimum(rng.exponential(0.25, n), 3.0), 4)
    out["occlusion"] = np.round(rng.beta(2, 5, n), 4)
    out["object_count"] = rng.poisson(4, n).astype(np.int64)
    out["distance_m"] = np.round(rng.lognormal(3.2, 0.6, n), 2)
    out["speed_kmh"] = np.round(rng.gamma(3.0, 12.0, n), 1)
    out["yaw_deg"] = np.round(rng.uniform(-180, 180, n), 2)
    night = out["time_of_day"] == "night"
    out["temperature_c"] = np.round(np.where(rng.random(n) < 0.3, rng.normal(-2, 4, n), rng.normal(18, 6, n)), 1)
    out["temperature_c"] = np.where(night, out["temperature_c"] - 5, out["temperature_c"])
    out["image_width"] = rng.choice(np.array([640, 1280, 1920, 3840]), size=n, p=[0.2, 0.4, 0.3, 0.1])
    adjective = np.asarray(_ADJECTIVES, dtype=object)[rng.integers(len(_ADJECTIVES), size=n)]
    noun = np.asarray(_NOUNS, dtype=object)[rng.integers(len(_NOUNS), size=n)]
    place = np.asarray(_PLACES, dtype=object)[rng.integers(len(_PLACES), size=n)]
    out[TEXT] = "a " + adjective + " " + noun + " in " + place
    out[BOOL] = rng.random(n) < 0.35
    out["label"] = np.asarray(LABELS, dtype=object)[rng.integers(len(LABELS), size=n)]
    # How hard a sample is, from its conditions: the models' errors grow with it.
    hard = (
        0.35 * np.minimum(out["blur"], 1.5)
        + 0.45 * out["occlusion"]
        + 0.4 * np.abs(out["brightness"] - 0.5)
        + 0.15 * (out["weather"] == "fog")
        + 0.1 * (out["weather"] == "snow")
        + 0.12 * night
        + 0.02 * np.minimum(out["object_count"], 12)
    )
    out["difficulty"] = np.round(hard, 4)
    for k in range(N_MODELS):
        model_rng = np.random.default_rng([seed, k])
        skill = 0.05 * k
        # Each model has a weakness of its own, so that the sidebar's per-model means differ by slice.
        weakness = (
            (0.25 * night, 0.2 * (out["weather"] == "rain"), 0.15 * (out["camera"] == "side"))[k % 3]
            if k
            else 0.0 * night
        )
        error = np.abs(hard + weakness - skill + model_rng.normal(0, 0.12, n))
        out[f"m{k}_error"] = np.round(error, 4)
        out[f"m{k}_failed"] = error > FAIL_AT
        correct = model_rng.random(n) > np.clip(error, 0, 0.95)
        predicted = np.where(
            correct, out["label"], np.asarray(LABELS, dtype=object)[model_rng.integers(len(LABELS), size=n)]
        )
        out[f"m{k}_label"] = predicted
        out[f"m{k}_score"] = np.round(np.clip(1 - error / 2 + model_rng.normal(0, 0.05, n), 0, 1), 4)
        out[f"m{k}_latency_ms"] = np.round(model_rng.gamma(4.0, 3.0 + k, n), 2)
    return out


def metadata_names() -> list[str]:
    """The 20 metadata fields, in storage order."""
    return [*CATEGORIES, *NUMERIC, TEXT, BOOL]


def _locators(home: Path, n: int, n_images: int) -> list[str]:
    return [str(home / "images" / f"{i % n_images:05d}.jpg") for i in range(n)]


def write_images(home: Path, n_images: int, seed: int = SEED) -> None:
    """Small distinct JPEGs (gradients with a few boxes) for the gallery's thumbnails."""
    from PIL import Image, ImageDraw

    folder = home / "images"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 99])
    ys, xs = np.mgrid[0:240, 0:320]
    for i in range(n_images):
        path = folder / f"{i:05d}.jpg"
        if path.exists():
            continue
        base = rng.integers(0, 255, size=3)
        pixels = np.stack([(base[c] + xs * (c + 1) // 3 + ys // (c + 2)) % 256 for c in range(3)], axis=-1)
        image = Image.fromarray(pixels.astype(np.uint8))
        draw = ImageDraw.Draw(image)
        for _ in range(int(rng.integers(1, 5))):
            x0, y0 = int(rng.integers(0, 280)), int(rng.integers(0, 200))
            draw.rectangle(
                (x0, y0, x0 + int(rng.integers(10, 120)), y0 + int(rng.integers(10, 90))),
                outline=tuple(int(v) for v in rng.integers(0, 255, size=3)),
                width=3,
            )
        image.save(path, quality=80)


# -- the store, through the service --------------------------------------------------------------------------
# The classes exist for their schemas (registered as a workflow's are, so that the app knows each field's kind
# and better direction) and their type paths; rows are written as the dicts their ``_to_dict()`` gives, without
# building millions of dataclass instances.
LOWER = {"higher_is_better": False}


@dataclass(frozen=True)
class StudioFrame(Image):
    frame: int = 0


@dataclass(frozen=True)
class StudioTruth(GroundTruth):
    label: str
    difficulty: float


@dataclass(frozen=True)
class StudioPrediction(Inference):
    label: str
    score: float
    latency_ms: float = field(metadata=LOWER)


@dataclass(frozen=True)
class StudioSampleMetrics(MetricsTestSample):
    error: float = field(metadata=LOWER)
    failed: bool = field(default=False, metadata=LOWER)


@dataclass(frozen=True)
class StudioCaseMetrics(MetricsTestCase):
    mean_error: float = field(metadata=LOWER)
    failure_rate: float = field(metadata=LOWER)
    n_samples: int = 0


def _schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The workflow's schema and its metrics classes' types, as ``define_workflow`` and ``test()`` send them."""
    workflow, _, _, _ = define_workflow(WORKFLOW, StudioFrame, StudioTruth, StudioPrediction)
    types: dict[str, Any] = {}
    for cls in (StudioSampleMetrics, StudioCaseMetrics):
        types.update(metrics_schema(cls)["types"])
    return workflow.schema, types


def _batches(n: int, size: int = BATCH) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def _timed(seconds: dict[str, float], name: str) -> Callable[[], None]:
    started = time.perf_counter()

    def done() -> None:
        seconds[name] = round(time.perf_counter() - started, 2)
        print(f"  {name:<44} {seconds[name]:8.1f} s", flush=True)

    return done


def analyze(database: Path) -> None:
    """Give SQLite's planner statistics (``ANALYZE``), which the store does not gather on SQLite.

    Without them it reads a suite's membership by test case (``ix_test_case_sample_test_case_id_position``)
    rather than by sample: ``upload_test_sample_metrics`` checks each 1,000-sample chunk against every
    membership row (at 100k, 287 ms a chunk instead of 31 ms; the cost grows with the suite, so a suite-scope
    upload is quadratic), and the Studio's per-page reads of metrics and ground truths scan whole tables (at
    100k, 476 ms instead of 0.8 ms for one page's metrics).
    """
    with sqlite3.connect(database) as db:
        db.execute("ANALYZE")


def generate(home: Path, n: int, *, n_images: int = 1000, seed: int = SEED, statistics: bool = True) -> Generated:
    """Write the suite, models and runs into ``home``'s store through the service, and the Parquet file.

    ``statistics``: run :func:`analyze` after the samples and at the end (see there why).
    """
    from assay.service import Service
    from assay.service.models import ConfigurationIn, InitManyItem, SampleMetricsRow, SampleRow, TestCaseMetricsRow

    home.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    done = _timed(seconds, "images")
    write_images(home, n_images, seed)
    done()
    done = _timed(seconds, "columns (numpy)")
    cols = columns(n, seed)
    locators = _locators(home, n, n_images)
    done()

    done = _timed(seconds, "rows as dicts")
    samples = [
        {"locator": locator, "frame": frame, "data_type": "TEST_SAMPLE/IMAGE"}
        for locator, frame in zip(locators, cols["frame"].tolist(), strict=True)
    ]
    names = metadata_names()
    meta_lists = [cols[name].tolist() for name in names]
    metadata = [dict(zip(names, values, strict=True)) for values in zip(*meta_lists, strict=True)]
    truths = [
        {"label": label, "difficulty": difficulty}
        for label, difficulty in zip(cols["label"].tolist(), cols["difficulty"].tolist(), strict=True)
    ]
    rows = [
        SampleRow.model_construct(test_sample=s, metadata=m, ground_truth=g)
        for s, m, g in zip(samples, metadata, truths, strict=True)
    ]
    del metadata
    masks = [s.select(cols) for s in SLICES]
    done()

    workflow_schema, metrics_types = _schema()
    sample_type, case_type = class_path(StudioSampleMetrics), class_path(StudioCaseMetrics)
    service = Service.from_url(f"sqlite:///{home / 'assay.db'}")
    try:
        service.register_workflow(WORKFLOW, workflow_schema)
        done = _timed(seconds, f"init_many_test_cases ({len(SLICES)} test cases)")
        items = [
            InitManyItem.model_construct(name=s.name, samples=[rows[i] for i in np.flatnonzero(mask)])
            for s, mask in zip(SLICES, masks, strict=True)
        ]
        cases = [result.test_case for result in service.init_many_test_cases(WORKFLOW, items)]
        del items, rows
        done()
        if statistics:
            done = _timed(seconds, "ANALYZE (after the samples)")
            analyze(home / "assay.db")
            done()
        done = _timed(seconds, "create_test_suite")
        suite = service.create_test_suite(WORKFLOW, SUITE, "Studio benchmark", [c.id for c in cases], ["benchmark"])
        done()
        service.register_metrics_types(WORKFLOW, metrics_types)
        model_ids, model_names = [], []
        for k in range(N_MODELS):
            model = service.create_model(WORKFLOW, f"studio model {k}", {"k": k}, ["benchmark"])
            model_ids.append(model.id)
            model_names.append(model.name)
            run = service.create_or_retrieve_test_run(
                model.id, suite.id, EVALUATOR, [ConfigurationIn(display_name=CONFIGURATION, configuration={"iou": 0.5})]
            )
            done = _timed(seconds, f"model {k}: upload_inferences")
            labels = cols[f"m{k}_label"].tolist()
            scores = cols[f"m{k}_score"].tolist()
            latencies = cols[f"m{k}_latency_ms"].tolist()
            for part in _batches(n):
                service.upload_inferences(
                    model.id,
                    [
                        (samples[i], {"label": labels[i], "score": scores[i], "latency_ms": latencies[i]})
                        for i in range(part.start, part.stop)
                    ],
                )
            done()
            done = _timed(seconds, f"model {k}: upload_test_sample_metrics")
            errors = cols[f"m{k}_error"].tolist()
            failed = cols[f"m{k}_failed"].tolist()
            for part in _batches(n):
                service.upload_test_sample_metrics(
                    run.id,
                    CONFIGURATION,
                    [
                        SampleMetricsRow.model_construct(
                            test_sample=samples[i],
                            metrics={"error": errors[i], "failed": failed[i], "_type": sample_type},
                            test_case_id=None,
                        )
                        for i in range(part.start, part.stop)
                    ],
                )
            done()
            case_rows = []
            for case, mask in zip(cases, masks, strict=True):
                error = cols[f"m{k}_error"][mask]
                case_rows.append(
                    TestCaseMetricsRow.model_construct(
                        test_case_id=case.id,
                        metrics={
                            "mean_error": float(error.mean()),
                            "failure_rate": float(cols[f"m{k}_failed"][mask].mean()),
                            "n_samples": int(mask.sum()),
                            "_type": case_type,
                        },
                        plots=None,
                    )
                )
            service.upload_test_case_metrics(run.id, CONFIGURATION, case_rows)
            service.upload_test_suite_metrics(run.id, CONFIGURATION, {"mean_error": float(cols[f"m{k}_error"].mean())})
    finally:
        service.close()
    if statistics:
        done = _timed(seconds, "ANALYZE (at the end)")
        analyze(home / "assay.db")
        done()
    seconds["store total"] = round(time.perf_counter() - started, 2)

    done = _timed(seconds, "parquet")
    write_parquet(home / PARQUET, cols, locators)
    done()
    generated = Generated(
        home=str(home),
        n_samples=n,
        suite_id=suite.id,
        model_ids=model_ids,
        model_names=model_names,
        test_case_ids=[c.id for c in cases],
        configuration=CONFIGURATION,
        parquet=str(home / PARQUET),
        seconds=seconds,
    )
    (home / MANIFEST).write_text(json.dumps(asdict(generated), indent=2))
    return generated


def write_parquet(path: Path, cols: dict[str, np.ndarray], locators: list[str]) -> None:
    """The same columns for the peers: one row per sample, the models' fields as ``m<k>_<field>``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays: dict[str, Any] = {"frame": cols["frame"], "locator": pa.array(locators, pa.string())}
    for name, values in cols.items():
        if name == "frame":
            continue
        arrays[name] = pa.array(values.tolist(), pa.string()) if values.dtype == object else values
    pq.write_table(pa.table(arrays), path, row_group_size=256 * 1024)


def reload(home: Path) -> Generated | None:
    """What :func:`generate` wrote into ``home`` earlier, or None when it holds nothing (or a partial run)."""
    manifest = home / MANIFEST
    if not manifest.is_file():
        return None
    return Generated(**json.loads(manifest.read_text()))


def ensure(home: Path, n: int, *, n_images: int = 1000, statistics: bool = True) -> Generated:
    """The data in ``home``: reloaded when it holds ``n`` samples, else generated (into an empty home)."""
    found = reload(home)
    if found is not None:
        if found.n_samples != n:
            raise SystemExit(
                f"{home} holds {found.n_samples:,} samples, not {n:,}: use another --home or --samples "
                f"{found.n_samples}"
            )
        # A store kept from an older build is migrated as `assay db upgrade` would (a no-op when current).
        from assay.store import upgrade

        upgrade(found.database_url)
        return found
    if (home / "assay.db").exists():
        raise SystemExit(
            f"{home} holds a store without {MANIFEST} (a generation stopped half-way?): use an empty --home"
        )
    print(f"generating {n:,} samples x {len(metadata_names())} metadata fields x {N_MODELS} models into {home}")
    generated = generate(home, n, n_images=n_images, statistics=statistics)
    print(f"generated in {generated.seconds['store total'] + generated.seconds['parquet']:.1f} s")
    return generated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="the ASSAY_HOME to generate into (or reuse)")
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--images", type=int, default=1000, help="distinct image files the samples share")
    parser.add_argument("--no-analyze", action="store_true", help="leave SQLite without planner statistics")
    args = parser.parse_args()
    os.environ["ASSAY_HOME"] = str(args.home)
    os.environ["ASSAY_PROGRESS"] = "0"
    generated = ensure(args.home, args.samples, n_images=args.images, statistics=not args.no_analyze)
    print(json.dumps(asdict(generated), indent=2))


if __name__ == "__main__":
    # Imported under its own name, so that studio.py and this script see the same classes.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import studio_data

    studio_data.main()
