"""The keypoint-detection example, run end to end in a temporary ``ASSAY_HOME``, checked as a user would.

The example runs once per module (it draws 300 images and tests two models): first as a user runs it, then the
function form of the evaluator on the same suite, then a second time with inference disabled, which must
reuse everything stored. The tests read what was stored back through the public API.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import assay
from assay.client import reset as reset_client
from assay.errors import IncorrectUsageError, InputValidationError
from assay.workflow import CurvePlot, Histogram, load_results, test
from assay.workflow.annotation import Keypoints

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `pytest` run from elsewhere than the repository root
    sys.path.insert(0, str(REPO))

from examples.keypoint_detection import data, evaluator, main, models, workflow  # noqa: E402

CONFIG_NAMES = [c.display_name() for c in evaluator.CONFIGURATIONS]
MODEL_NAMES = [models.MODEL_A, models.MODEL_B]
CASE_NAMES = [main.test_case_name(name) for name in main.SLICES]


@dataclass
class Runs:
    """What the module fixture did, for the tests to look at."""

    home: Path
    first: main.ExampleRun
    first_report: str
    second: main.ExampleRun
    second_report: str
    records: list[data.FaceRecord]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    home = tmp_path_factory.mktemp("assay-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSAY_HOME", str(home))
        patch.setenv("ASSAY_PROGRESS", "0")
        for name in ("ASSAY_HOST", "ASSAY_DATABASE_URL", "ASSAY_API_TOKEN", "KOLENA_TOKEN"):
            patch.delenv(name, raising=False)
        reset_client()
        assay.initialize()
        first = main.run()
        first_report = main.report(first)
        for model in first.models:
            test(
                model,
                first.test_suite,
                evaluator.evaluate_keypoint_detection,
                configurations=evaluator.CONFIGURATIONS,
            )

        def no_inference(self, test_sample):
            raise AssertionError(f"the second run inferred again on {test_sample.locator}")

        with pytest.MonkeyPatch.context() as offline:
            offline.setattr(models.MeanShapeRegressor, "infer", no_inference)
            offline.setattr(models.DarkBlobDetector, "infer", no_inference)
            second = main.run()
        second_report = main.report(second)
        records = data.generate_benchmark(home / "examples" / "keypoints")
        yield Runs(home, first, first_report, second, second_report, records)
        reset_client()


def stored(model_name: str, configuration: str, evaluator_name: str = "KeypointsEvaluator"):
    return load_results(
        workflow.Model.load(model_name),
        workflow.TestSuite.load(main.SUITE_NAME),
        evaluator_name,
        configuration,
    )


# -- what was stored ----------------------------------------------------------------------------------------
def test_suite_holds_one_test_case_per_slice(runs):
    suite = workflow.TestSuite.load(main.SUITE_NAME)
    assert [tc.name for tc in suite.test_cases] == CASE_NAMES
    for slice_name, keep in main.SLICES.items():
        expected = {r.test_sample.locator for r in runs.records if keep(r.conditions)}
        test_case = workflow.TestCase.load(main.test_case_name(slice_name))
        assert {sample.locator for sample, _ in test_case.load_test_samples()} == expected
    assert len(workflow.TestCase.load(main.test_case_name("complete")).load_test_samples()) == data.DEFAULT_SIZE


def test_images_are_written_under_assay_home(runs):
    locators = [r.test_sample.locator for r in runs.records]
    assert all(loc.startswith("file://") for loc in locators)
    folder = runs.home / "examples" / "keypoints" / f"seed-{data.DEFAULT_SEED}"
    assert sorted(p.as_uri() for p in folder.glob("*.png")) == sorted(locators)


@pytest.mark.parametrize("configuration", CONFIG_NAMES)
@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_every_model_has_results_for_every_configuration(runs, model_name, configuration):
    results = stored(model_name, configuration)
    assert results.configuration == configuration
    assert sorted(results.test_case_metrics) == sorted(CASE_NAMES)
    assert isinstance(results.test_suite_metrics, workflow.TestSuiteMetrics)
    for name in CASE_NAMES:
        metrics = results.test_case_metrics[name]
        assert isinstance(metrics, workflow.TestCaseMetrics)
        assert metrics.n_samples == len(results.test_sample_metrics_by_test_case[name])
        assert [type(plot) for plot in results.plots[name]] == [Histogram, CurvePlot]
        histogram = results.plots[name][0]
        assert sum(histogram.frequency) == metrics.n_samples


@pytest.mark.parametrize("configuration", CONFIG_NAMES)
@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_stored_metrics_match_the_stored_inferences(runs, model_name, configuration):
    threshold = float(configuration.rsplit("-", 1)[1])
    model = workflow.Model.load(model_name)
    results = stored(model_name, configuration)
    for name in CASE_NAMES:
        triples = model.load_inferences(workflow.TestCase.load(name))
        errors = {
            ts.locator: float(
                np.mean(np.linalg.norm(np.subtract(gt.keypoints.points, inf.keypoints.points), axis=1))
                / gt.normalization_factor
            )
            for ts, gt, inf in triples
        }
        per_sample = {ts.locator: m for ts, m in results.test_sample_metrics_by_test_case[name]}
        assert per_sample.keys() == errors.keys()
        for locator, metrics in per_sample.items():
            assert metrics.normalized_mean_error == pytest.approx(errors[locator])
            assert metrics.alignment_failure == (errors[locator] > threshold)
        case = results.test_case_metrics[name]
        assert case.mean_nme == pytest.approx(np.mean(list(errors.values())))
        assert case.alignment_failure_rate == pytest.approx(np.mean([e > threshold for e in errors.values()]))
    means = [results.test_case_metrics[name].mean_nme for name in CASE_NAMES]
    rates = [results.test_case_metrics[name].alignment_failure_rate for name in CASE_NAMES]
    assert results.test_suite_metrics.variance_mean_nme == pytest.approx(np.var(means))
    assert results.test_suite_metrics.variance_alignment_failure_rate == pytest.approx(np.var(rates))


# -- what a user concludes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("configuration", CONFIG_NAMES)
def test_model_a_wins_overall_and_loses_on_profile_faces(runs, configuration):
    a = stored(models.MODEL_A, configuration).test_case_metrics
    b = stored(models.MODEL_B, configuration).test_case_metrics
    complete, profile, blurred = (main.test_case_name(n) for n in ("complete", "pose: profile", "blur: high"))
    assert a[complete].mean_nme < b[complete].mean_nme
    assert a[profile].mean_nme > b[profile].mean_nme
    # ... and model B, worse overall, loses most where the image is blurred.
    assert b[blurred].mean_nme > a[blurred].mean_nme


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_failure_rate_rises_as_the_threshold_falls(runs, model_name):
    by_threshold = {c.threshold: stored(model_name, c.display_name()) for c in evaluator.CONFIGURATIONS}
    strict, middle, loose = (by_threshold[t] for t in (0.01, 0.05, 0.1))
    for name in CASE_NAMES:
        rates = [r.test_case_metrics[name].alignment_failure_rate for r in (strict, middle, loose)]
        assert rates == sorted(rates, reverse=True), name
        # The threshold decides failures only; the error itself does not depend on it.
        assert len({round(r.test_case_metrics[name].mean_nme, 12) for r in (strict, middle, loose)}) == 1
    complete = main.test_case_name("complete")
    assert (
        strict.test_case_metrics[complete].alignment_failure_rate
        > loose.test_case_metrics[complete].alignment_failure_rate
    )


@pytest.mark.parametrize("configuration", CONFIG_NAMES)
@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_function_form_agrees_with_the_class(runs, model_name, configuration):
    by_class = stored(model_name, configuration)
    by_function = stored(model_name, configuration, evaluator_name="evaluate_keypoint_detection")
    assert by_function.test_case_metrics == by_class.test_case_metrics
    assert by_function.test_suite_metrics == by_class.test_suite_metrics


def test_the_report_names_the_winner_and_its_weak_slice(runs):
    lines = runs.first_report.splitlines()
    assert any(line.startswith("pose: profile") and line.endswith("B") for line in lines)
    assert any(line.startswith("complete") and line.endswith("A") for line in lines)
    assert lines[-1].startswith(f"{models.MODEL_A} is better on the complete set")
    assert "'pose: profile'" in lines[-1]


# -- running it again ---------------------------------------------------------------------------------------
def test_a_second_run_changes_nothing(runs):
    first, second = runs.first, runs.second
    assert second.test_suite.version == first.test_suite.version == 1
    assert [tc.version for tc in second.test_suite.test_cases] == [1] * len(CASE_NAMES)
    assert second.test_suite == first.test_suite
    for key, results in first.results.items():
        assert second.results[key].test_case_metrics == results.test_case_metrics
        assert second.results[key].test_suite_metrics == results.test_suite_metrics
    assert runs.second_report == runs.first_report


def test_the_command_runs_from_the_repository_root(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ASSAY_", "KOLENA_"))}
    env["ASSAY_HOME"] = str(tmp_path / "home")
    env["ASSAY_PROGRESS"] = "0"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    done = subprocess.run(
        [sys.executable, "-m", "examples.keypoint_detection", "--images", "60"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == f"Test suite {main.SUITE_NAME!r} v1, evaluator KeypointsEvaluator"
    assert [line.split()[0] for line in lines if line.startswith(tuple(main.SLICES))] == [
        name.split()[0] for name in main.SLICES
    ]
    assert any(line.startswith("complete") and line.split()[1] == "60" for line in lines)
    assert len(list((tmp_path / "home" / "examples" / "keypoints").rglob("*.png"))) == 60

    # Another benchmark size on the same store is refused in one line, until the user asks for --reset.
    refused = subprocess.run(
        [sys.executable, "-m", "examples.keypoint_detection", "--images", "40"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.startswith("error: stored test case") and "--reset" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1


# -- the pieces ---------------------------------------------------------------------------------------------
def _gt(points, factor=1.0):
    return workflow.GroundTruth(keypoints=Keypoints(points=points), normalization_factor=factor)


def _inf(points):
    return workflow.Inference(keypoints=Keypoints(points=points), confidence=1.0)


def test_nme_is_the_mean_distance_over_the_normalisation_factor():
    ground_truth = _gt([(0, 0), (10, 0)], factor=10.0)
    inference = _inf([(3, 4), (10, 0)])
    assert evaluator.normalized_mean_error(ground_truth, inference) == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("ground_truth", "inference", "field"),
    [
        (_gt([(0, 0), (1, 1)]), _inf([(0, 0)]), "keypoints"),
        (_gt([]), _inf([]), "keypoints"),
        (_gt([(0, 0)], factor=0.0), _inf([(0, 0)]), "normalization_factor"),
        (_gt([(0, 0)], factor=-2.0), _inf([(0, 0)]), "normalization_factor"),
    ],
)
def test_nme_refuses_what_it_cannot_compare(ground_truth, inference, field):
    with pytest.raises(InputValidationError, match=field.split("_")[0]):
        evaluator.normalized_mean_error(ground_truth, inference)


def test_suite_variance_leaves_empty_test_cases_out():
    cases = [evaluator.case_metrics(ms) for ms in ([], [_sample(0.1), _sample(0.3)], [_sample(0.5)])]
    assert cases[0].n_samples == 0
    suite = evaluator.suite_metrics(cases)
    assert suite.variance_mean_nme == pytest.approx(np.var([0.2, 0.5]))
    assert suite.variance_alignment_failure_rate == pytest.approx(np.var([0.5, 1.0]))
    assert evaluator.suite_metrics([cases[0]]).variance_mean_nme == 0.0


def _sample(nme, threshold=0.2):
    return workflow.TestSampleMetrics(normalized_mean_error=nme, alignment_failure=nme > threshold)


def test_the_evaluator_needs_a_threshold():
    with pytest.raises(IncorrectUsageError, match="NmeThreshold"):
        evaluator.KeypointsEvaluator().compute_test_sample_metrics(None, [], configuration=None)


coordinates = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
points = st.lists(st.tuples(coordinates, coordinates), min_size=5, max_size=5)


@given(points, points, coordinates, coordinates, st.floats(min_value=0.1, max_value=100))
def test_nme_ignores_where_the_face_is_and_how_large_it_is(truth, predicted, dx, dy, scale):
    base = evaluator.normalized_mean_error(_gt(truth, 50.0), _inf(predicted))
    moved = evaluator.normalized_mean_error(
        _gt([((x + dx) * scale, (y + dy) * scale) for x, y in truth], 50.0 * scale),
        _inf([((x + dx) * scale, (y + dy) * scale) for x, y in predicted]),
    )
    assert moved == pytest.approx(base, rel=1e-6, abs=1e-9)


def test_the_benchmark_is_the_same_for_the_same_seed(tmp_path):
    one = data.generate_benchmark(tmp_path / "one", n_images=12, seed=7)
    two = data.generate_benchmark(tmp_path / "two", n_images=12, seed=7)
    other = data.generate_benchmark(tmp_path / "three", n_images=12, seed=8)
    assert [r.ground_truth for r in one] == [r.ground_truth for r in two]
    assert [r.test_sample.metadata for r in one] == [r.test_sample.metadata for r in two]
    assert [r.ground_truth for r in one] != [r.ground_truth for r in other]
    for a, b in zip(one, two, strict=True):
        path_a = Path(a.test_sample.locator.removeprefix("file://"))
        path_b = Path(b.test_sample.locator.removeprefix("file://"))
        assert path_a.read_bytes() == path_b.read_bytes()


def test_ground_truth_is_inside_the_image_and_normalised_by_the_eye_distance(tmp_path):
    for record in data.generate_benchmark(tmp_path, n_images=40):
        points = record.ground_truth.keypoints.points
        assert len(points) == len(data.KEYPOINT_NAMES)
        assert all(0 <= v <= data.IMAGE_SIZE for point in points for v in point)
        assert record.ground_truth.normalization_factor == pytest.approx(math.dist(points[0], points[1]))
        (x0, _), (x1, _) = record.test_sample.bbox.top_left, record.test_sample.bbox.bottom_right
        assert x0 < points[0][0] < points[1][0] < x1


def test_benchmark_size_must_be_positive(tmp_path):
    with pytest.raises(InputValidationError, match="n_images"):
        data.generate_benchmark(tmp_path, n_images=0)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("metrics_class", "lower_is_better"),
    [
        (workflow.TestSampleMetrics, {"normalized_mean_error", "alignment_failure"}),
        (workflow.TestCaseMetrics, {"mean_nme", "alignment_failure_rate"}),
        (workflow.TestSuiteMetrics, {"variance_mean_nme", "variance_alignment_failure_rate"}),
    ],
)
def test_errors_and_failures_are_marked_lower_is_better(metrics_class, lower_is_better):
    from assay.schema import metrics_schema

    fields = metrics_schema(metrics_class)["types"][metrics_class.__name__]["fields"]
    assert {f["name"] for f in fields if f.get("higher_is_better") is False} == lower_is_better


@pytest.fixture
def one_face(tmp_path):
    [record] = data.generate_benchmark(tmp_path, n_images=1)
    return record


@pytest.mark.parametrize("model_class", [models.MeanShapeRegressor, models.DarkBlobDetector])
def test_models_predict_five_points_without_a_face_box(one_face, model_class):
    model = model_class(data.training_shapes(20)) if model_class is models.MeanShapeRegressor else model_class()
    boxless = workflow.TestSample(locator=one_face.test_sample.locator)
    inference = model.infer(boxless)
    assert len(inference.keypoints.points) == len(data.KEYPOINT_NAMES)
    assert all(0 <= v <= data.IMAGE_SIZE for point in inference.keypoints.points for v in point)
    assert 0.0 <= inference.confidence <= 1.0


def test_the_detector_reads_local_images_only():
    with pytest.raises(InputValidationError, match="s3://bucket/face.png"):
        models.DarkBlobDetector().infer(workflow.TestSample(locator="s3://bucket/face.png"))


def test_the_mean_shape_needs_training_faces():
    with pytest.raises(InputValidationError, match="training face"):
        models.MeanShapeRegressor([])
