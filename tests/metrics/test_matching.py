"""match_inferences and match_inferences_multiclass on annotation objects (PASCAL VOC rules)."""

from __future__ import annotations

import dataclasses

import pytest
from metrics_helpers import Box, LabeledBox, ScoredBox, ScoredLabeledBox, ScoredPolygon

from assay.metrics import MetricsInputError, iou, match_inferences, match_inferences_multiclass


def box(x, y, size=10.0):
    return Box((x, y), (x + size, y + size))


def scored(x, y, score, size=10.0):
    return ScoredBox((x, y), (x + size, y + size), score)


def test_highest_score_takes_the_ground_truth_and_returned_inferences_carry_iou():
    gt = box(0, 0)
    low, high = scored(0, 0, 0.3), scored(1, 0, 0.9)
    result = match_inferences([gt], [low, high])
    assert [(g, i.score) for g, i in result.matched] == [(gt, 0.9)]
    assert result.matched[0][1].iou == pytest.approx(iou(gt, high))
    assert [i.score for i in result.unmatched_inf] == [0.3]
    # The second inference overlaps the taken ground truth: unmatched, with its best IoU reported.
    assert result.unmatched_inf[0].iou == 1.0
    assert result.unmatched_gt == []


def test_originals_are_not_modified_and_copies_compare_equal():
    inference = scored(0, 0, 0.5)
    result = match_inferences([box(0, 0)], [inference])
    copy = result.matched[0][1]
    assert copy is not inference and copy == inference
    assert not hasattr(inference, "iou")


def test_below_threshold_is_unmatched():
    result = match_inferences([box(0, 0)], [scored(6, 0, 0.9)], iou_threshold=0.5)
    assert result.matched == [] and len(result.unmatched_gt) == 1
    assert result.unmatched_inf[0].iou == pytest.approx(40 / 160)


def test_inferences_on_ignored_ground_truths_are_dropped_even_several():
    ignored = box(50, 50)
    result = match_inferences([box(0, 0)], [scored(50, 50, 0.9), scored(51, 50, 0.8)], ignored_ground_truths=[ignored])
    assert result.matched == [] and result.unmatched_inf == []
    assert len(result.unmatched_gt) == 1


def test_ties_in_score_keep_input_order():
    first, second = scored(0, 0, 0.5), scored(0, 0, 0.5, size=9.0)
    result = match_inferences([box(0, 0)], [first, second])
    assert result.matched[0][1] == first


def test_polygons_match_like_boxes():
    square = ScoredPolygon([(0, 0), (10, 0), (10, 10), (0, 10)], 0.8)
    result = match_inferences([box(0, 0)], [square])
    assert result.matched[0][1].iou == pytest.approx(1.0)


def test_required_match_fields_partition_both_sides():
    @dataclasses.dataclass(frozen=True)
    class Tagged:
        top_left: tuple[float, float]
        bottom_right: tuple[float, float]
        camera: str
        score: float = 1.0

    gt = Tagged((0, 0), (10, 10), "left")
    result = match_inferences([gt], [Tagged((0, 0), (10, 10), "right")], required_match_fields=["camera"])
    assert result.matched == [] and result.unmatched_gt == [gt] and len(result.unmatched_inf) == 1


@pytest.mark.parametrize(("kwargs", "message"), [({"mode": "coco"}, "mode"), ({"iou_threshold": 1.5}, "iou_threshold")])
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises(MetricsInputError, match=message):
        match_inferences([], [], **kwargs)


def test_inference_without_score_is_refused():
    with pytest.raises(MetricsInputError, match="score"):
        match_inferences([box(0, 0)], [box(0, 0)])


def labeled(x, y, label):
    return LabeledBox((x, y), (x + 10, y + 10), label)


def guess(x, y, label, score):
    return ScoredLabeledBox((x, y), (x + 10, y + 10), label, score)


def test_multiclass_matches_within_labels_and_reports_confusions():
    cat, dog = labeled(0, 0, "cat"), labeled(100, 100, "dog")
    said_dog_on_cat = guess(0, 0, "dog", 0.9)
    said_dog_on_dog = guess(100, 100, "dog", 0.8)
    stray = guess(300, 300, "bird", 0.7)
    result = match_inferences_multiclass([cat, dog], [said_dog_on_cat, said_dog_on_dog, stray])
    assert [(g.label, i.label) for g, i in result.matched] == [("dog", "dog")]
    assert [(g, i.label if i else None) for g, i in result.unmatched_gt] == [(cat, "dog")]
    assert sorted(i.score for i in result.unmatched_inf) == [0.7, 0.9]
    assert all(hasattr(i, "iou") for i in result.unmatched_inf)


def test_multiclass_without_overlap_reports_no_confusion():
    cat = labeled(0, 0, "cat")
    result = match_inferences_multiclass([cat], [guess(50, 50, "dog", 0.9)])
    assert result.unmatched_gt == [(cat, None)]


def test_multiclass_ignored_ground_truths_apply_within_their_label():
    result = match_inferences_multiclass(
        [], [guess(0, 0, "cat", 0.9), guess(0, 0, "dog", 0.8)], ignored_ground_truths=[labeled(0, 0, "cat")]
    )
    assert [i.label for i in result.unmatched_inf] == ["dog"]


def test_multiclass_needs_labels():
    with pytest.raises(MetricsInputError, match="label"):
        match_inferences_multiclass([box(0, 0)], [])
