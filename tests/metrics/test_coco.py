"""COCO-style detection metrics against pycocotools, including the per-slice engine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_helpers import CocoData, pycocotools_eval, random_coco

from assay.metrics import (
    COCO_STAT_NAMES,
    CocoParams,
    DetectionGroundTruth,
    MetricsInputError,
    SliceSet,
    coco_evaluate,
    match_detections,
)

TOLERANCE = 1e-12


def ours(data: CocoData, params: CocoParams | None = None):
    gt = DetectionGroundTruth(
        data.gt_sample,
        data.gt_label,
        data.gt_boxes,
        num_samples=data.n_images,
        num_labels=data.n_labels,
        iscrowd=data.gt_crowd,
        area=data.gt_area,
    )
    return match_detections(gt, data.dt_sample, data.dt_label, data.dt_boxes, data.dt_scores, params=params)


def subset(data: CocoData, images: np.ndarray) -> CocoData:
    """The same data restricted to ``images``, renumbered 0..len-1 in the same order."""
    new_index = np.full(data.n_images, -1)
    new_index[images] = np.arange(images.size)
    g = np.isin(data.gt_sample, images)
    d = np.isin(data.dt_sample, images)
    return CocoData(
        images.size,
        data.n_labels,
        new_index[data.gt_sample[g]],
        data.gt_label[g],
        data.gt_boxes[g],
        data.gt_crowd[g],
        data.gt_area[g],
        new_index[data.dt_sample[d]],
        data.dt_label[d],
        data.dt_boxes[d],
        data.dt_scores[d],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_images=st.integers(1, 8), n_labels=st.integers(1, 4))
def test_twelve_numbers_and_arrays_equal_pycocotools(seed, n_images, n_labels):
    data = random_coco(seed, n_images, n_labels)
    if data.dt_sample.size == 0:
        return  # pycocotools cannot load an empty result list; covered by test_no_detections
    reference = pycocotools_eval(data)
    result = ours(data).evaluate(keep_curves=True)
    np.testing.assert_allclose(result.stats[0], reference["stats"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(result.precision[0], reference["precision"][..., -1], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(np.nan_to_num(result.recall[0], nan=-1.0), reference["recall"], rtol=0, atol=TOLERANCE)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_slices=st.integers(1, 5))
def test_each_slice_equals_pycocotools_on_those_images_and_a_fresh_evaluation(seed, n_slices):
    data = random_coco(seed, n_images=8, n_labels=3)
    if data.dt_sample.size == 0:
        return
    rng = np.random.default_rng(seed)
    masks = rng.random((n_slices, data.n_images)) < 0.5
    masks[0, :] = False
    masks[0, rng.integers(data.n_images)] = True  # a test case with one sample
    results = ours(data).evaluate(masks)
    for s in range(n_slices):
        images = np.flatnonzero(masks[s])
        reference = pycocotools_eval(data, image_subset=list(images))
        np.testing.assert_allclose(results.stats[s], reference["stats"], rtol=0, atol=TOLERANCE)
        fresh = subset(data, images)
        fresh_stats = ours(fresh).evaluate().stats[0]
        np.testing.assert_allclose(results.stats[s], fresh_stats, rtol=0, atol=TOLERANCE)


def test_slices_given_as_index_lists_equal_slices_given_as_masks():
    data = random_coco(7, n_images=8)
    matches = ours(data)
    masks = np.zeros((3, 8), dtype=bool)
    masks[0, [0, 3]] = masks[1, :] = masks[2, [7]] = True
    by_mask = matches.evaluate(masks)
    by_list = matches.evaluate([[0, 3], list(range(8)), [7]])
    by_set = matches.evaluate(SliceSet.from_masks(masks))
    np.testing.assert_array_equal(by_mask.stats, by_list.stats)
    np.testing.assert_array_equal(by_mask.stats, by_set.stats)
    assert by_mask.num_samples.tolist() == [2, 8, 1]


@pytest.mark.parametrize(("gt_image", "expected_ap50"), [(1, 0.5), (0, 1.0)])
def test_ties_in_scores_follow_image_order_like_pycocotools(gt_image, expected_ap50):
    # Two images, one label, equal scores: a TP on the image with the ground truth, an FP on the other.
    # With equal scores the earlier image comes first, so the FP first halves the precision.
    data = CocoData(
        2,
        1,
        gt_sample=np.array([gt_image]),
        gt_label=np.array([0]),
        gt_boxes=np.array([[0.0, 0.0, 50.0, 50.0]]),
        gt_crowd=np.array([False]),
        gt_area=np.array([2500.0]),
        dt_sample=np.array([1, 0]),
        dt_label=np.array([0, 0]),
        dt_boxes=np.array([[0.0, 0.0, 50.0, 50.0], [0.0, 0.0, 50.0, 50.0]]),
        dt_scores=np.array([0.5, 0.5]),
    )
    reference = pycocotools_eval(data)
    stats = ours(data).evaluate().stats[0]
    np.testing.assert_allclose(stats, reference["stats"], rtol=0, atol=TOLERANCE)
    assert stats[1] == pytest.approx(expected_ap50, abs=1e-9)


def test_all_ground_truths_crowd_makes_every_number_undefined():
    data = random_coco(3, n_images=4)
    data.gt_crowd[:] = True
    reference = pycocotools_eval(data)
    result = ours(data).evaluate()
    np.testing.assert_allclose(result.stats[0], reference["stats"], atol=TOLERANCE)
    assert np.all(result.stats[0] == -1)


def test_no_ground_truths_gives_minus_one():
    data = random_coco(4, n_images=3)
    empty = CocoData(
        3,
        data.n_labels,
        *(
            np.zeros(0, dtype=a.dtype).reshape((0,) + a.shape[1:])
            for a in (data.gt_sample, data.gt_label, data.gt_boxes, data.gt_crowd, data.gt_area)
        ),
        data.dt_sample,
        data.dt_label,
        data.dt_boxes,
        data.dt_scores,
    )
    reference = pycocotools_eval(empty)
    result = ours(empty).evaluate()
    np.testing.assert_allclose(result.stats[0], reference["stats"], atol=TOLERANCE)
    assert np.all(result.stats[0] == -1)


def test_no_detections_gives_zero_where_ground_truth_exists():
    # pycocotools cannot load an empty result list, so the expectation is written out: precision and
    # recall are 0 wherever a label has counted ground truth, -1 where no area range has any.
    data = random_coco(5, n_images=5)
    data.gt_crowd[:] = False
    gt = DetectionGroundTruth(data.gt_sample, data.gt_label, data.gt_boxes, num_samples=5, num_labels=data.n_labels)
    result = match_detections(gt, [], [], np.zeros((0, 4)), []).evaluate()
    areas = data.gt_boxes[:, 2] * data.gt_boxes[:, 3]
    has = [np.any((areas >= lo) & (areas <= hi)) for lo, hi in CocoParams().area_ranges]
    expected = [0.0 if has[a] else -1.0 for a in (0, 0, 0, 1, 2, 3, 0, 0, 0, 1, 2, 3)]
    assert result.stats[0].tolist() == expected


def test_label_without_ground_truth_is_skipped_not_counted_as_zero():
    data = random_coco(11, n_images=6, n_labels=2)
    data.gt_label[:] = 0
    reference = pycocotools_eval(data)
    result = ours(data).evaluate()
    np.testing.assert_allclose(result.stats[0], reference["stats"], atol=TOLERANCE)
    assert np.isnan(result.ap_by_label()[0, 1])


def test_custom_max_detections_equal_pycocotools():
    data = random_coco(21, n_images=6, dt_rate=9)
    params = CocoParams(max_detections=(1, 3, 5))
    reference = pycocotools_eval(data, max_dets=[1, 3, 5])
    result = ours(data, params).evaluate()
    # pycocotools looks up its first number at a hard-coded limit of 100 and reports -1 when the limits
    # lack 100; Assay uses the last limit, as pycocotools does for the eleven others.
    np.testing.assert_allclose(result.stats[0, 1:], reference["stats"][1:], rtol=0, atol=TOLERANCE)
    curves = reference["precision"][:, :, :, 0, -1]
    assert result.stats[0, 0] == pytest.approx(curves[curves > -1].mean(), abs=TOLERANCE)


def test_summary_names_and_convenience_function():
    data = random_coco(8)
    summary = coco_evaluate(
        data.gt_sample,
        data.gt_label,
        data.gt_boxes,
        data.dt_sample,
        data.dt_label,
        data.dt_boxes,
        data.dt_scores,
        num_samples=data.n_images,
        num_labels=data.n_labels,
        gt_iscrowd=data.gt_crowd,
        gt_area=data.gt_area,
    )
    np.testing.assert_allclose(summary.as_array(), pycocotools_eval(data)["stats"], atol=TOLERANCE)
    assert list(summary.as_dict()) == list(COCO_STAT_NAMES)


def test_xyxy_boxes_give_the_same_result_as_xywh():
    data = random_coco(9)
    xyxy = lambda b: np.column_stack([b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]])  # noqa: E731
    gt = DetectionGroundTruth(
        data.gt_sample,
        data.gt_label,
        xyxy(data.gt_boxes),
        num_samples=data.n_images,
        num_labels=data.n_labels,
        iscrowd=data.gt_crowd,
        area=data.gt_area,
        box_format="xyxy",
    )
    result = match_detections(
        gt, data.dt_sample, data.dt_label, xyxy(data.dt_boxes), data.dt_scores, box_format="xyxy"
    ).evaluate()
    np.testing.assert_allclose(result.stats, ours(data).evaluate().stats, atol=TOLERANCE)


def test_ap_by_label_averages_the_per_label_curves():
    data = random_coco(12, n_images=8)
    result = ours(data).evaluate(keep_curves=True)
    per_label = result.ap_by_label()
    curves = result.precision[0][:, :, :, 0]  # (T, R, K) at area "all"
    for k in range(data.n_labels):
        if np.isnan(per_label[0, k]):
            assert np.all(curves[:, :, k] == -1)
        else:
            assert per_label[0, k] == pytest.approx(curves[:, :, k].mean(), abs=TOLERANCE)
    at50 = result.ap_by_label(0.5)[0]
    for k in range(data.n_labels):
        if not np.isnan(at50[k]):
            assert at50[k] == pytest.approx(curves[0, :, k].mean(), abs=TOLERANCE)


def test_operating_points_maximise_f1_by_brute_force():
    data = random_coco(13, n_images=8, dt_rate=8)
    data.gt_crowd[:] = False
    matches = ours(data)
    points = matches.operating_points(iou_threshold=0.5)
    for k in range(data.n_labels):
        scores = np.unique(data.dt_scores[data.dt_label == k])
        best = 0.0
        for threshold in scores:
            tp, fp, fn = matches.sample_counts(
                iou_threshold=0.5,
                score_threshold=np.where(np.arange(data.n_labels) == k, threshold, np.inf),
                by_label=True,
            )
            tp_k, fp_k, fn_k = tp[:, k].sum(), fp[:, k].sum(), fn[:, k].sum()
            f1 = 2 * tp_k / (2 * tp_k + fp_k + fn_k) if tp_k else 0.0
            best = max(best, f1)
        if best == 0:
            assert np.isnan(points.threshold[k])
        else:
            assert points.f1[k] == pytest.approx(best, abs=1e-12)
            tp, fp, fn = matches.sample_counts(
                iou_threshold=0.5,
                score_threshold=np.where(np.arange(data.n_labels) == k, points.threshold[k], np.inf),
                by_label=True,
            )
            assert 2 * tp[:, k].sum() / (2 * tp[:, k].sum() + fp[:, k].sum() + fn[:, k].sum()) == pytest.approx(best)


def test_sample_counts_add_up_to_matches_per_sample():
    data = random_coco(14, n_images=6)
    matches = ours(data)
    tp, fp, fn = matches.sample_counts(iou_threshold=0.5)
    counted = ~data.gt_crowd & (data.gt_area >= 0)
    assert (tp + fn).tolist() == np.bincount(data.gt_sample[counted], minlength=6).tolist()
    assert tp.sum() == np.count_nonzero(matches.status[:, 0, 0] == 1)
    assert fp.sum() == np.count_nonzero(matches.status[:, 0, 0] == 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sample": [0, 1], "label": [0]}, "same length"),
        ({"boxes": [[0, 0, -1, 2]]}, "negative width"),
        ({"label": [5]}, "outside num_labels"),
        ({"sample": [9]}, "outside num_samples"),
        ({"boxes": [[0, 0, 1]]}, "shape"),
    ],
)
def test_ground_truth_refuses_bad_input(kwargs, message):
    arguments = {
        "sample": [0],
        "label": [0],
        "boxes": [[0, 0, 1, 1]],
        "num_samples": 2,
        "num_labels": 2,
    } | kwargs
    with pytest.raises(MetricsInputError, match=message):
        DetectionGroundTruth(**arguments)


def test_detections_outside_the_ground_truth_are_refused():
    gt = DetectionGroundTruth([0], [0], [[0, 0, 1, 1]], num_samples=1, num_labels=1)
    with pytest.raises(MetricsInputError, match="sample index 3"):
        match_detections(gt, [3], [0], [[0, 0, 1, 1]], [0.5])
    with pytest.raises(MetricsInputError, match="finite"):
        match_detections(gt, [0], [0], [[0, 0, 1, 1]], [float("nan")])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"iou_thresholds": (0.7, 0.5)},
        {"max_detections": (0,)},
        {"area_ranges": ((5.0, 1.0),)},
        {"iou_thresholds": ()},
    ],
)
def test_params_refuse_bad_values(kwargs):
    with pytest.raises(MetricsInputError):
        CocoParams(**kwargs)


def test_slices_refer_to_the_ground_truth_samples():
    matches = ours(random_coco(1, n_images=4))
    with pytest.raises(MetricsInputError, match="columns"):
        matches.evaluate(np.ones((2, 5), dtype=bool))
    with pytest.raises(MetricsInputError, match="outside"):
        matches.evaluate([[0, 9]])


def test_pr_curve_reads_the_kept_curves():
    data = random_coco(15, n_images=8)
    result = ours(data).evaluate([[0, 1, 2], list(range(8))], keep_curves=True)
    recall_points, precision = result.pr_curve(1, 0, iou_threshold=0.75)
    assert recall_points.tolist() == list(CocoParams().recall_thresholds)
    np.testing.assert_array_equal(precision, result.precision[1, 5, :, 0, 0])
    assert np.all(np.diff(precision[precision > -1]) <= 0)  # interpolated precision never rises with recall
    with pytest.raises(MetricsInputError, match="keep_curves"):
        ours(data).evaluate().pr_curve(0, 0)


def test_matched_ground_truth_of_each_detection_is_consistent_with_its_status():
    data = random_coco(16, n_images=8, dt_rate=8)
    matches = ours(data)
    for t in range(len(CocoParams().iou_thresholds)):
        matched = matches.matched_gt[:, t]
        status = matches.status[:, 0, t]
        assert np.all(matched[status == 0] == -1)  # false positives match nothing
        hit = matched >= 0
        assert np.all(data.gt_sample[matched[hit]] == data.dt_sample[hit])
        assert np.all(data.gt_label[matched[hit]] == data.dt_label[hit])
        true_positive = status == 1
        # A counted ground truth is matched at most once per threshold.
        assert np.unique(matched[true_positive]).size == np.count_nonzero(true_positive)
        assert not np.any(data.gt_crowd[matched[true_positive]])
