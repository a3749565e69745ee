"""Matching of inferences to ground truths, on annotation objects (PASCAL VOC rules).

Objects are duck-typed: boxes (``top_left``, ``bottom_right``) or polygons (``points``), with ``score``
on inferences and ``label`` where labels matter. Returned inferences are shallow copies that carry an
extra ``iou`` attribute; the originals are never modified.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np

from assay.metrics._errors import MetricsInputError
from assay.metrics._geometry import iou_matrix

__all__ = [
    "InferenceMatches",
    "MulticlassInferenceMatches",
    "match_inferences",
    "match_inferences_multiclass",
]

GT = TypeVar("GT")
Inf = TypeVar("Inf")


@dataclass(frozen=True)
class InferenceMatches(Generic[GT, Inf]):
    """Result of :func:`match_inferences`.

    Attributes:
        matched: ``(ground_truth, inference)`` pairs, in descending inference score.
        unmatched_gt: Ground truths left without an inference, in input order (ignored ones excluded).
        unmatched_inf: Inferences that matched nothing (false positives), in descending score.
    """

    matched: list[tuple[GT, Inf]] = field(default_factory=list)
    unmatched_gt: list[GT] = field(default_factory=list)
    unmatched_inf: list[Inf] = field(default_factory=list)


@dataclass(frozen=True)
class MulticlassInferenceMatches(Generic[GT, Inf]):
    """Result of :func:`match_inferences_multiclass`.

    Attributes:
        matched: ``(ground_truth, inference)`` pairs with the same label.
        unmatched_gt: ``(ground_truth, confused_inference_or_None)``: a ground truth without a same-label
            match, paired with the unmatched inference of another label that overlaps it best, if any.
        unmatched_inf: Inferences without a same-label match (a confused inference also appears here).
    """

    matched: list[tuple[GT, Inf]] = field(default_factory=list)
    unmatched_gt: list[tuple[GT, Inf | None]] = field(default_factory=list)
    unmatched_inf: list[Inf] = field(default_factory=list)


def _with_iou(obj: Any, value: float) -> Any:
    # Data objects are frozen dataclasses whose undeclared attributes live in __dict__ as extras.
    duplicate = copy.copy(obj)
    object.__setattr__(duplicate, "iou", float(value))
    return duplicate


def _score(obj: Any, position: int) -> float:
    try:
        return float(obj.score)
    except (AttributeError, TypeError, ValueError):
        raise MetricsInputError(f"inferences[{position}] has no numeric score") from None


def _check_options(mode: str, iou_threshold: float) -> None:
    if mode != "pascal":
        raise MetricsInputError(f"mode must be 'pascal', got {mode!r}")
    if not 0.0 <= float(iou_threshold) <= 1.0:
        raise MetricsInputError(f"iou_threshold must be in [0, 1], got {iou_threshold}")


def _match_indices(
    ground_truths: Sequence[Any], inferences: Sequence[Any], ignored: Sequence[Any], iou_threshold: float
) -> tuple[list[tuple[int, int, float]], list[int], list[tuple[int, float]]]:
    """Match by position: ``(gt, inf, iou)`` pairs, unmatched gt positions, ``(inf, best iou)`` leftovers."""
    scores = np.array([_score(inf, i) for i, inf in enumerate(inferences)], dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    candidates = list(ground_truths) + list(ignored)
    n_gt = len(ground_truths)
    ious = iou_matrix(list(inferences), candidates) if candidates and len(inferences) else None
    taken = np.zeros(n_gt, dtype=bool)
    matched: list[tuple[int, int, float]] = []
    unmatched_inf: list[tuple[int, float]] = []
    for i in (int(x) for x in order):
        if ious is None:
            unmatched_inf.append((i, 0.0))
            continue
        row = ious[i]
        best = int(np.argmax(row))
        best_regular = float(row[:n_gt].max()) if n_gt else 0.0
        if row[best] < iou_threshold:
            unmatched_inf.append((i, best_regular))
        elif best >= n_gt:
            # Matched to an ignored ground truth: neither a true nor a false positive, so dropped.
            continue
        elif taken[best]:
            unmatched_inf.append((i, best_regular))
        else:
            taken[best] = True
            matched.append((best, i, float(row[best])))
    unmatched_gt = [g for g in range(n_gt) if not taken[g]]
    return matched, unmatched_gt, unmatched_inf


def _match_pascal(
    ground_truths: Sequence[Any], inferences: Sequence[Any], ignored: Sequence[Any], iou_threshold: float
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    matched, unmatched_gt, unmatched_inf = _match_indices(ground_truths, inferences, ignored, iou_threshold)
    return (
        [(ground_truths[g], _with_iou(inferences[i], value)) for g, i, value in matched],
        [ground_truths[g] for g in unmatched_gt],
        [_with_iou(inferences[i], value) for i, value in unmatched_inf],
    )


def _partition(objects: Sequence[Any], fields: Sequence[str], name: str) -> dict[tuple[Any, ...], list[Any]]:
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for position, obj in enumerate(objects):
        try:
            key = tuple(getattr(obj, f) for f in fields)
        except AttributeError as error:
            raise MetricsInputError(f"{name}[{position}] lacks a required match field: {error}") from None
        groups.setdefault(key, []).append(obj)
    return groups


def match_inferences(
    ground_truths: Sequence[GT],
    inferences: Sequence[Inf],
    *,
    ignored_ground_truths: Sequence[GT] | None = None,
    mode: str = "pascal",
    iou_threshold: float = 0.5,
    required_match_fields: Sequence[str] | None = None,
) -> InferenceMatches[GT, Inf]:
    """Match inferences to ground truths of one sample, ignoring labels (PASCAL VOC rules).

    Inferences are taken by descending ``score`` (ties keep input order). Each looks at the ground truth
    (regular or ignored) of highest IoU; if that IoU is at least ``iou_threshold`` it is a match, unless the
    ground truth is a regular one already taken, in which case the inference stays unmatched. Inferences
    matched to an ignored ground truth are dropped (neither TP nor FP), and several may match one.

    Every returned inference is a copy with an extra ``iou``: the IoU of its match, or for an unmatched
    one its best IoU with a regular ground truth (0.0 when there is none).

    Args:
        ground_truths: Boxes or polygons that count.
        inferences: Boxes or polygons with a ``score``.
        ignored_ground_truths: Boxes or polygons that neither count nor penalise (e.g. crowd regions).
        mode: Only ``"pascal"``.
        iou_threshold: Minimum IoU of a match, in [0, 1].
        required_match_fields: Attribute names that must be equal for two objects to match (each group of
            equal values is matched on its own).

    Returns:
        The :class:`InferenceMatches`.

    Raises:
        MetricsInputError: On an unknown mode, a threshold outside [0, 1], an inference without score, or
            an object that is neither a box nor a polygon.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Box:
        ...     top_left: tuple[float, float]
        ...     bottom_right: tuple[float, float]
        ...     score: float = 1.0
        >>> m = match_inferences([Box((0, 0), (2, 2))], [Box((0, 0), (2, 2), 0.9), Box((5, 5), (6, 6), 0.8)])
        >>> len(m.matched), len(m.unmatched_gt), [inf.iou for inf in m.unmatched_inf]
        (1, 0, [0.0])
    """
    _check_options(mode, iou_threshold)
    ignored = list(ignored_ground_truths or [])
    if not required_match_fields:
        matched, unmatched_gt, unmatched_inf = _match_pascal(ground_truths, inferences, ignored, iou_threshold)
        return InferenceMatches(matched=matched, unmatched_gt=unmatched_gt, unmatched_inf=unmatched_inf)
    fields = list(required_match_fields)
    gt_groups = _partition(ground_truths, fields, "ground_truths")
    inf_groups = _partition(inferences, fields, "inferences")
    ignored_groups = _partition(ignored, fields, "ignored_ground_truths")
    result: InferenceMatches[GT, Inf] = InferenceMatches()
    for key in list(dict.fromkeys([*gt_groups, *inf_groups])):
        matched, unmatched_gt, unmatched_inf = _match_pascal(
            gt_groups.get(key, []), inf_groups.get(key, []), ignored_groups.get(key, []), iou_threshold
        )
        result.matched.extend(matched)
        result.unmatched_gt.extend(unmatched_gt)
        result.unmatched_inf.extend(unmatched_inf)
    return result


def _label(obj: Any, name: str, position: int) -> Any:
    try:
        return obj.label
    except AttributeError:
        raise MetricsInputError(f"{name}[{position}] has no label") from None


def match_inferences_multiclass(
    ground_truths: Sequence[GT],
    inferences: Sequence[Inf],
    *,
    ignored_ground_truths: Sequence[GT] | None = None,
    mode: str = "pascal",
    iou_threshold: float = 0.5,
    required_match_fields: Sequence[str] | None = None,
) -> MulticlassInferenceMatches[GT, Inf]:
    """Match inferences to ground truths label by label, then report confusions between labels.

    First, for each label (in sorted order), the ground truths and inferences of that label are matched
    with :func:`match_inferences` (ignored ground truths of the same label included). Then the unmatched
    ground truths and unmatched inferences of all labels are matched once more, ignoring labels; a pair
    whose labels differ is a confusion: the ground truth is reported with that inference, and the
    inference also stays in ``unmatched_inf``.

    Args:
        ground_truths: Labeled boxes or polygons that count.
        inferences: Labeled, scored boxes or polygons.
        ignored_ground_truths: Labeled boxes or polygons that neither count nor penalise.
        mode: Only ``"pascal"``.
        iou_threshold: Minimum IoU of a match (and of a confusion).
        required_match_fields: Extra attributes that must be equal for two objects to match.

    Returns:
        The :class:`MulticlassInferenceMatches`.

    Raises:
        MetricsInputError: As :func:`match_inferences`, or if an object has no ``label``.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Box:
        ...     top_left: tuple[float, float]
        ...     bottom_right: tuple[float, float]
        ...     label: str
        ...     score: float = 1.0
        >>> m = match_inferences_multiclass([Box((0, 0), (2, 2), "cat")], [Box((0, 0), (2, 2), "dog", 0.9)])
        >>> [(gt.label, inf.label) for gt, inf in m.unmatched_gt], len(m.unmatched_inf)
        ([('cat', 'dog')], 1)
    """
    _check_options(mode, iou_threshold)
    ignored = list(ignored_ground_truths or [])
    gt_by_label: dict[Any, list[GT]] = {}
    for i, gt in enumerate(ground_truths):
        gt_by_label.setdefault(_label(gt, "ground_truths", i), []).append(gt)
    inf_by_label: dict[Any, list[Inf]] = {}
    for i, inf in enumerate(inferences):
        inf_by_label.setdefault(_label(inf, "inferences", i), []).append(inf)
    ignored_by_label: dict[Any, list[GT]] = {}
    for i, gt in enumerate(ignored):
        ignored_by_label.setdefault(_label(gt, "ignored_ground_truths", i), []).append(gt)
    labels = list(dict.fromkeys([*gt_by_label, *inf_by_label]))
    try:
        labels = sorted(labels)
    except TypeError:
        labels = sorted(labels, key=repr)
    matched: list[tuple[GT, Inf]] = []
    leftover_gt: list[GT] = []
    leftover_inf: list[Inf] = []
    for label in labels:
        result = match_inferences(
            gt_by_label.get(label, []),
            inf_by_label.get(label, []),
            ignored_ground_truths=ignored_by_label.get(label, []),
            iou_threshold=iou_threshold,
            required_match_fields=required_match_fields,
        )
        matched.extend(result.matched)
        leftover_gt.extend(result.unmatched_gt)
        leftover_inf.extend(result.unmatched_inf)
    confused: dict[int, Inf] = {}
    if leftover_gt and leftover_inf:
        pairs, _, _ = _match_indices(leftover_gt, leftover_inf, [], iou_threshold)
        for g, i, _value in pairs:
            if _label(leftover_gt[g], "ground_truths", g) != _label(leftover_inf[i], "inferences", i):
                confused[g] = leftover_inf[i]
    unmatched_gt = [(gt, confused.get(i)) for i, gt in enumerate(leftover_gt)]
    return MulticlassInferenceMatches(matched=matched, unmatched_gt=unmatched_gt, unmatched_inf=leftover_inf)
