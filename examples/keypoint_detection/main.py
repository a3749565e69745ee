"""Run the keypoint-detection example end to end: data, test cases, suite, two models, tests, results.

From the repository root::

    python -m examples.keypoint_detection [--data-dir DIR] [--images N] [--reset]

It uses the embedded store in ``$ASSAY_HOME`` (default ``~/.assay``), or the server that ``ASSAY_HOST`` names
(with ``ASSAY_API_TOKEN``). Running it again reuses everything already stored and computes nothing new.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from examples.keypoint_detection.data import (
    DEFAULT_SIZE,
    FaceConditions,
    FaceRecord,
    generate_benchmark,
    training_shapes,
)
from examples.keypoint_detection.evaluator import CONFIGURATIONS, KeypointsEvaluator, NmeThreshold
from examples.keypoint_detection.models import MODEL_A, MODEL_B, DarkBlobDetector, MeanShapeRegressor
from examples.keypoint_detection.workflow import Model, TestCase, TestCaseMetrics, TestSuite

import assay
from assay.errors import AssayError, IncorrectUsageError, NotFoundError
from assay.workflow import TestResults, load_results, test

SUITE_NAME = "synthetic faces :: 5-point"

SLICES: dict[str, Callable[[FaceConditions], bool]] = {
    "complete": lambda c: True,
    "pose: frontal": lambda c: c.pose == "frontal",
    "pose: profile": lambda c: c.pose != "frontal",
    "blur: none": lambda c: c.blur == "none",
    "blur: high": lambda c: c.blur == "high",
    "lighting: dim": lambda c: c.lighting == "dim",
    "occlusion: glasses": lambda c: c.occlusion == "glasses",
}
"""The test cases of the suite: each keeps the faces whose conditions pass its predicate."""

SUITE_DESCRIPTION = "Synthetic 5-point facial keypoints, sliced by pose, blur, lighting and occlusion"

SHOWN_CONFIGURATION = NmeThreshold(0.05)
"""The configuration whose failure rates the table shows."""


def test_case_name(slice_name: str) -> str:
    """The stored name of the test case of one slice, e.g. ``synthetic faces :: 5-point :: pose: profile``."""
    return f"{SUITE_NAME} :: {slice_name}"


def build_test_suite(records: Sequence[FaceRecord], reset: bool = False) -> TestSuite:
    """Create one test case per slice and the suite holding them all; load them when they are stored.

    Stored test cases are kept as they are, so a second run of the example changes no version and reuses every
    stored result. With ``reset=True`` the stored test cases are replaced by the given records (a benchmark of
    another size, say) and the suite is pointed at their new versions.

    Raises:
        IncorrectUsageError: without ``reset``, a stored test case holds other faces than these records
            (nothing is changed then).
    """
    contents = [
        (test_case_name(slice_name), [(r.test_sample, r.ground_truth) for r in records if keep(r.conditions)])
        for slice_name, keep in SLICES.items()
    ]
    test_cases = TestCase.init_many(contents, reset=reset)
    for test_case, (_, samples) in zip(test_cases, contents, strict=True):
        stored = {sample.locator for sample, _ in test_case.load_test_samples()}
        if stored != {sample.locator for sample, _ in samples}:
            # init_many keeps a stored test case as it is; results on it would not describe this benchmark.
            raise IncorrectUsageError(
                f"stored test case {test_case.name!r} v{test_case.version} holds other faces ({len(stored)}) "
                f"than this benchmark ({len(samples)}), made with another --images or --data-dir: run with "
                "--reset to replace them, or use another ASSAY_HOME"
            )
    try:
        test_suite = TestSuite.load(SUITE_NAME)
    except NotFoundError:
        return TestSuite.create(SUITE_NAME, description=SUITE_DESCRIPTION, test_cases=test_cases)
    if test_suite.test_cases != test_cases:
        with test_suite.edit(reset=True) as editor:
            for test_case in test_cases:
                editor.add(test_case)
    return test_suite


def build_models() -> tuple[Model, Model]:
    """Model A (a mean face shape in the face box) and model B (a detector of dark and red blobs)."""
    mean_shape = MeanShapeRegressor(training_shapes())
    detector = DarkBlobDetector()
    model_a = Model(
        MODEL_A,
        infer=mean_shape.infer,
        metadata={
            "description": "the mean face shape, learnt from 500 training faces, scaled into the face box",
            "reads_pixels": False,
        },
    )
    model_b = Model(
        MODEL_B,
        infer=detector.infer,
        metadata={
            "description": "eyes and nostrils as dark blobs, the mouth as a red blob, with fixed thresholds",
            "reads_pixels": True,
        },
    )
    return model_a, model_b


@dataclass(frozen=True)
class ExampleRun:
    """What one run of the example made and measured.

    Attributes:
        test_suite: The suite, at the version the models were tested on.
        models: Model A, then model B.
        results: ``(model name, configuration display name)`` to the stored results.
    """

    test_suite: TestSuite
    models: tuple[Model, Model]
    results: dict[tuple[str, str], TestResults]

    def metrics(self, model: Model, slice_name: str, configuration: NmeThreshold) -> TestCaseMetrics:
        """The stored metrics of one model on the test case of one slice, at one configuration."""
        stored = self.results[(model.name, configuration.display_name())]
        return stored.test_case_metrics[test_case_name(slice_name)]


def run(data_dir: Path | None = None, n_images: int = DEFAULT_SIZE, reset: bool = False) -> ExampleRun:
    """Generate the benchmark, store its tests, test both models on it and load their results back.

    ``assay.initialize`` must have been called (or the defaults are used: the embedded store).

    Args:
        data_dir: Where the images go; ``$ASSAY_HOME/examples/keypoints`` when omitted.
        n_images: How many faces the benchmark has.
        reset: Replace stored test cases by this benchmark (see :func:`build_test_suite`).

    Returns:
        The suite, the models and their results for every configuration.
    """
    records = generate_benchmark(data_dir, n_images=n_images)
    test_suite = build_test_suite(records, reset=reset)
    models = build_models()
    evaluator = KeypointsEvaluator(configurations=CONFIGURATIONS)
    results = {}
    for model in models:
        test(model, test_suite, evaluator)
        for configuration in CONFIGURATIONS:
            stored = load_results(model, test_suite, evaluator, configuration)
            results[(model.name, configuration.display_name())] = stored
    return ExampleRun(test_suite=test_suite, models=models, results=results)


def report(example: ExampleRun) -> str:
    """The plain-text summary the example prints: the two models side by side on every test case."""
    model_a, model_b = example.models
    shown = SHOWN_CONFIGURATION
    lines = [
        f"Test suite {example.test_suite.name!r} v{example.test_suite.version}, "
        f"evaluator {KeypointsEvaluator().display_name()}",
        f"A = {model_a.name}, B = {model_b.name}",
        f"mean NME (lower is better) and alignment-failure rate at {shown.display_name()}",
        "",
        f"{'test case':<20} {'faces':>5}   {'A mean NME':>10} {'fail':>5}   {'B mean NME':>10} {'fail':>5}   better",
    ]
    for slice_name in SLICES:
        a = example.metrics(model_a, slice_name, shown)
        b = example.metrics(model_b, slice_name, shown)
        better = "A" if a.mean_nme < b.mean_nme else "B" if b.mean_nme < a.mean_nme else "-"
        lines.append(
            f"{slice_name:<20} {a.n_samples:>5}   {a.mean_nme:>10.3f} {a.alignment_failure_rate:>5.0%}   "
            f"{b.mean_nme:>10.3f} {b.alignment_failure_rate:>5.0%}   {better}"
        )
    lines.append("")
    for label, model in (("A", model_a), ("B", model_b)):
        suite = example.results[(model.name, shown.display_name())].test_suite_metrics
        rates = ", ".join(
            f"{example.metrics(model, 'complete', c).alignment_failure_rate:.0%} at {c.threshold}"
            for c in CONFIGURATIONS
        )
        lines.append(
            f"{label}: variance of mean NME across test cases {suite.variance_mean_nme:.4f}; "
            f"failure rate on the complete set {rates}"
        )
    lines += ["", _verdict(example)]
    return "\n".join(lines)


def _verdict(example: ExampleRun) -> str:
    # Said from the stored numbers: which model wins overall, and where it loses anyway.
    def mean_nme(model: Model, slice_name: str) -> float:
        return example.metrics(model, slice_name, SHOWN_CONFIGURATION).mean_nme

    model_a, model_b = example.models
    if mean_nme(model_a, "complete") <= mean_nme(model_b, "complete"):
        best, other = model_a, model_b
    else:
        best, other = model_b, model_a
    overall = (
        f"{best.name} is better on the complete set "
        f"({mean_nme(best, 'complete'):.3f} vs {mean_nme(other, 'complete'):.3f})"
    )
    losses = [name for name in SLICES if mean_nme(best, name) > mean_nme(other, name)]
    if not losses:
        return f"{overall} and on every slice."
    worst = max(losses, key=lambda name: mean_nme(best, name) - mean_nme(other, name))
    return (
        f"{overall}, but worse on {', '.join(repr(n) for n in losses)}; "
        f"on {worst!r}: {mean_nme(best, worst):.3f} vs {mean_nme(other, worst):.3f}."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: initialise Assay, run the example and print the summary."""
    parser = argparse.ArgumentParser(prog="python -m examples.keypoint_detection", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder for the images (default: $ASSAY_HOME/examples/keypoints)",
    )
    parser.add_argument("--images", type=int, default=DEFAULT_SIZE, help=f"number of faces (default: {DEFAULT_SIZE})")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="replace the stored test cases by this benchmark (e.g. after --images)",
    )
    args = parser.parse_args(argv)
    try:
        assay.initialize()
        print(report(run(args.data_dir, args.images, reset=args.reset)))
    except AssayError as error:
        # A mistake of the user's (a stale store, a wrong token...) is one line, not a traceback.
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
