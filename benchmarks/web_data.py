"""Synthetic results for the web app's benchmark: a classification-like suite with many metrics and models.

Each test case is a slice of one sample pool; each model's per-sample metrics are drawn around a per-(model,
test case) skill, so some deltas are significant and most are not. Per test case the evaluator stores 12
metrics (6 means of per-sample fields, which the app can test for significance, and 6 that are not means),
a nested per-class table of ``n_classes`` rows, and two plots. Everything goes through the public workflow API
(``test()`` with an ``Evaluator``), as a user's results would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assay.workflow import (
    BarPlot,
    Curve,
    CurvePlot,
    Evaluator,
    GroundTruth,
    Inference,
    MetricsTestCase,
    MetricsTestSample,
    Text,
    define_workflow,
    test,
)
from assay.workflow.annotation import ClassificationLabel

LOWER = {"higher_is_better": False}


@dataclass(frozen=True)
class Sample(Text):
    pass


@dataclass(frozen=True)
class Truth(GroundTruth):
    label: ClassificationLabel


@dataclass(frozen=True)
class Prediction(Inference):
    # The per-sample quantities the evaluator turns into metrics, drawn by the generator.
    quality: list[float]


@dataclass(frozen=True)
class SampleMetrics(MetricsTestSample):
    correct: bool
    top5_correct: bool
    confidence: float
    calibration_error: float = field(metadata=LOWER)
    log_loss: float = field(metadata=LOWER)
    latency_ms: float = field(metadata=LOWER)


@dataclass(frozen=True)
class PerClass(MetricsTestCase):
    label: str
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class CaseMetrics(MetricsTestCase):
    accuracy: float
    top5_accuracy: float
    mean_confidence: float
    calibration_error: float = field(metadata=LOWER)
    log_loss: float = field(metadata=LOWER)
    latency_ms: float = field(metadata=LOWER)
    macro_f1: float = 0.0
    macro_precision: float = 0.0
    macro_recall: float = 0.0
    p95_latency_ms: float = field(default=0.0, metadata=LOWER)
    worst_class_recall: float = 0.0
    n_samples: int = 0
    per_class: list[PerClass] = field(default_factory=list)


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "little")


class SyntheticEvaluator(Evaluator):
    """Turns the generator's per-sample draws into the 12 metrics, the per-class table and two plots."""

    def __init__(self, n_classes: int) -> None:
        super().__init__()
        self.n_classes = n_classes

    def compute_test_sample_metrics(self, test_case, inferences, configuration=None):  # type: ignore[no-untyped-def]
        rows = []
        for sample, _truth, inference in inferences:
            q = inference.quality
            rows.append(
                (
                    sample,
                    SampleMetrics(
                        correct=q[0] > 0.5,
                        top5_correct=q[1] > 0.2,
                        confidence=q[2],
                        calibration_error=abs(q[2] - float(q[0] > 0.5)),
                        log_loss=-float(np.log(max(q[0], 1e-6))),
                        latency_ms=20 + 30 * q[3],
                    ),
                )
            )
        return rows

    def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):  # type: ignore[no-untyped-def]
        m: Sequence[SampleMetrics] = metrics
        labels = np.array([int(truth.label.label) for _, truth, _ in inferences])
        correct = np.array([x.correct for x in m], dtype=float)
        per_class = []
        for c in range(self.n_classes):
            mask = labels == c
            recall = float(correct[mask].mean()) if mask.any() else 0.0
            precision = float(np.clip(recall + 0.05 * np.sin(c + len(m)), 0, 1))
            f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
            per_class.append(PerClass(label=f"class-{c:02d}", precision=precision, recall=recall, f1=f1))
        latency = np.array([x.latency_ms for x in m])
        return CaseMetrics(
            accuracy=float(correct.mean()),
            top5_accuracy=float(np.mean([x.top5_correct for x in m])),
            mean_confidence=float(np.mean([x.confidence for x in m])),
            calibration_error=float(np.mean([x.calibration_error for x in m])),
            log_loss=float(np.mean([x.log_loss for x in m])),
            latency_ms=float(latency.mean()),
            macro_f1=float(np.mean([p.f1 for p in per_class])),
            macro_precision=float(np.mean([p.precision for p in per_class])),
            macro_recall=float(np.mean([p.recall for p in per_class])),
            p95_latency_ms=float(np.quantile(latency, 0.95)),
            worst_class_recall=float(min(p.recall for p in per_class)),
            n_samples=len(m),
            per_class=per_class,
        )

    def compute_test_case_plots(self, test_case, inferences, metrics, configuration=None):  # type: ignore[no-untyped-def]
        confidence = np.sort([x.confidence for x in metrics])
        xs = np.linspace(0, 1, 21)
        share = [float(np.mean(confidence <= x)) for x in xs]
        return [
            CurvePlot(
                title="Confidence CDF", x_label="confidence", y_label="share", curves=[Curve(x=list(xs), y=share)]
            ),
            BarPlot(
                title="Latency",
                x_label="bucket",
                y_label="ms",
                labels=["mean", "p95"],
                values=[
                    float(np.mean([x.latency_ms for x in metrics])),
                    float(np.quantile([x.latency_ms for x in metrics], 0.95)),
                ],
            ),
        ]


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` stored: the suite (latest version) and the models, by name."""

    suite_name: str
    suite_id: int
    model_ids: list[int]
    n_test_cases: int


def generate(
    prefix: str,
    *,
    n_test_cases: int,
    n_models: int,
    samples_per_case: int,
    n_classes: int,
    pool: int | None = None,
) -> Generated:
    """Store a suite of ``n_test_cases`` slices and the results of ``n_models`` models on it.

    Uses the transport :func:`assay.initialize` chose (call it first).
    """
    workflow_name = f"{prefix} benchmark"
    _, TestCase, TestSuite, Model = define_workflow(workflow_name, Sample, Truth, Prediction)
    rng = np.random.default_rng(_seed(prefix))
    pool = pool or max(samples_per_case * 4, 1000)
    samples = [Sample(text=f"sample {i}", metadata={"i": i}) for i in range(pool)]
    truths = [Truth(label=ClassificationLabel(label=str(int(rng.integers(n_classes))))) for _ in range(pool)]
    cases = []
    for t in range(n_test_cases):
        members = rng.choice(pool, size=samples_per_case, replace=False)
        cases.append((f"{prefix} case {t:03d}", [(samples[i], truths[i]) for i in members]))
    test_cases = TestCase.init_many(cases)
    suite = TestSuite(f"{prefix} suite", test_cases=test_cases)
    model_ids = []
    # A model's skill per sample, shifted on a few slices so that some deltas are real.
    case_of = {}
    for t, (_, members) in enumerate(cases):
        for sample, _ in members:
            case_of.setdefault(sample.text, t)
    for k in range(n_models):
        shift = rng.normal(0, 0.08, size=n_test_cases) * (rng.random(n_test_cases) < 0.2)
        model_rng = np.random.default_rng(_seed(prefix, k))
        draws = model_rng.random((pool, 4))

        def infer(sample: Sample, draws: np.ndarray = draws, shift: np.ndarray = shift) -> Prediction:
            i = int(sample.metadata["i"])
            q = draws[i].copy()
            q[0] = float(np.clip(q[0] + 0.1 + shift[case_of.get(sample.text, 0)], 0, 1))
            return Prediction(quality=[float(v) for v in q])

        model = Model(f"{prefix} model {k:02d}", infer=infer)
        test(model, suite, SyntheticEvaluator(n_classes))
        model_ids.append(model._id)  # noqa: SLF001 - the benchmark drives the API by id
    return Generated(suite_name=suite.name, suite_id=suite._id, model_ids=model_ids, n_test_cases=n_test_cases)  # noqa: SLF001


def reload(prefix: str) -> Generated:
    """What :func:`generate` stored earlier under ``prefix`` (for a benchmark run on a kept store)."""
    _, _, TestSuite, Model = define_workflow(f"{prefix} benchmark", Sample, Truth, Prediction)
    suite = TestSuite.load(f"{prefix} suite")
    models = sorted(
        (m for m in Model.load_all() if m.name.startswith(f"{prefix} model ")),
        key=lambda m: m.name,
    )
    return Generated(
        suite_name=suite.name,
        suite_id=suite._id,  # noqa: SLF001
        model_ids=[m._id for m in models],  # noqa: SLF001
        n_test_cases=len(suite.test_cases),
    )
