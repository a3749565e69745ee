"""Metrics classes (checked at definition), evaluator configurations and the Evaluator base."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

import pytest

from assay.errors import InputValidationError
from assay.schema import metrics_schema
from assay.workflow import (
    Evaluator,
    EvaluatorConfiguration,
    MetricsTestCase,
    MetricsTestSample,
    MetricsTestSuite,
)
from assay.workflow.annotation import BoundingBox, Keypoints, ScoredLabel


class PerClass(MetricsTestCase):
    label: str
    precision: float
    n: int


class Threshold(EvaluatorConfiguration):
    threshold: float

    def display_name(self) -> str:
        return f"threshold-{self.threshold}"


class Counting(Evaluator):
    def compute_test_sample_metrics(self, test_case, inferences, configuration=None):
        return [(sample, MetricsTestSample()) for sample, _, _ in inferences]

    def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):
        return MetricsTestCase()


@pytest.mark.parametrize(
    "annotations",
    [
        {"score": float, "ok": bool, "name": str, "count": int},
        {"maybe": Optional[float], "either": Union[int, str]},  # noqa: UP007, UP045
        {"tp": list[BoundingBox], "best": Optional[ScoredLabel], "points": Keypoints},  # noqa: UP007, UP045
        {"values": list[float]},
    ],
)
def test_allowed_test_sample_metrics(annotations):
    cls = type("SampleMetrics", (MetricsTestSample,), {"__annotations__": annotations})
    assert cls.__name__ == "SampleMetrics"


@pytest.mark.parametrize(
    ("base", "annotations", "field_name"),
    [
        (MetricsTestSample, {"d": dict}, "d"),
        (MetricsTestSample, {"a": Any}, "a"),
        (MetricsTestSample, {"nested": list[list[float]]}, "nested"),
        (MetricsTestSample, {"per_class": list[PerClass]}, "per_class"),
        (MetricsTestSample, {"obj": object}, "obj"),
        (MetricsTestCase, {"boxes": list[BoundingBox]}, "boxes"),
        (MetricsTestCase, {"one": Optional[PerClass]}, "one"),  # noqa: UP007, UP045
        (MetricsTestCase, {"nested": list[list[PerClass]]}, "nested"),
        (MetricsTestCase, {"nested": list[PerClass | None]}, "nested"),
        (MetricsTestCase, {"values": list[float]}, "values"),
        (MetricsTestCase, {"d": dict[str, float]}, "d"),
        (MetricsTestSuite, {"per_class": list[PerClass]}, "per_class"),
        (MetricsTestSuite, {"box": BoundingBox}, "box"),
    ],
)
def test_refused_at_class_definition(base, annotations, field_name):
    with pytest.raises(InputValidationError, match=rf"Unsupported field type .* for Bad\.{field_name}: a") as info:
        type("Bad", (base,), {"__annotations__": annotations})
    assert isinstance(info.value, ValueError)


def test_refusal_says_what_is_allowed():
    with pytest.raises(InputValidationError, match=r"MetricsTestSuite field may be str, int, float, bool"):

        class Bad(MetricsTestSuite):
            values: list[float]


def test_one_level_of_nesting():
    class Outer(MetricsTestCase):
        n: int
        per_class: list[PerClass]
        maybe: list[PerClass] | None = None

    outer = Outer(3, [PerClass("cat", 0.5, 2)])
    back = Outer._from_dict(outer._to_dict())
    assert back == outer and type(back.per_class[0]) is PerClass

    with pytest.raises(InputValidationError, match=r"nested MetricsTestCase.*\(nested in TwoLevels\.outer\)"):

        class TwoLevels(MetricsTestCase):
            outer: list[Outer]


def test_nested_class_must_be_metrics_test_case():
    class Row(MetricsTestSample):
        x: float

    with pytest.raises(InputValidationError, match="Bad.rows"):

        class Bad(MetricsTestCase):
            rows: list[Row]


def test_decorated_metrics_classes_are_checked_too():
    with pytest.raises(InputValidationError, match="Bad.d"):

        @dataclass(frozen=True)
        class Bad(MetricsTestCase):
            d: dict


def test_forward_reference_is_checked_on_first_use():
    class Later(MetricsTestCase):
        rows: list[Undefined]  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(InputValidationError, match="cannot resolve"):
        Later([])


def test_higher_is_better_reaches_the_schema():
    @dataclass(frozen=True)
    class CaseMetrics(MetricsTestCase):
        mean_nme: float = field(metadata={"higher_is_better": False})
        accuracy: float = field(default=0.0, metadata={"higher_is_better": True, "description": "share right"})
        n: int = 0

    doc = metrics_schema(CaseMetrics)
    fields = {f["name"]: f for f in doc["types"][doc["root"]]["fields"]}
    assert fields["mean_nme"]["higher_is_better"] is False
    assert fields["accuracy"]["higher_is_better"] is True
    assert fields["accuracy"]["description"] == "share right"
    assert "higher_is_better" not in fields["n"]


def test_higher_is_better_from_pydantic_field():
    import pydantic

    @pydantic.dataclasses.dataclass(frozen=True)
    class CaseMetrics(MetricsTestCase):
        error: float = pydantic.Field(default=0.0, json_schema_extra={"higher_is_better": False})

    doc = metrics_schema(CaseMetrics)
    assert doc["types"][doc["root"]]["fields"][0]["higher_is_better"] is False
    assert CaseMetrics().error == 0.0 and CaseMetrics(2).error == 2.0


class TestEvaluatorConfiguration:
    def test_display_name_and_stored_form(self):
        config = Threshold(0.5)
        assert config.display_name() == "threshold-0.5"
        assert config._to_dict() == {"threshold": 0.5}

    def test_display_name_is_required(self):
        class Nameless(EvaluatorConfiguration):
            x: int

        with pytest.raises(TypeError, match="abstract"):
            Nameless(1)


class TestEvaluator:
    def test_defaults(self):
        evaluator = Counting()
        assert evaluator.configurations == []
        assert evaluator.display_name() == "Counting"
        assert evaluator.compute_test_case_plots(None, [], []) is None
        assert evaluator.compute_test_suite_metrics(None, []) is None

    def test_configurations_kept_in_order(self):
        configs = [Threshold(0.1), Threshold(0.5)]
        assert Counting(configs).configurations == configs

    def test_empty_list_refused(self):
        with pytest.raises(InputValidationError, match="empty list"):
            Counting([])

    def test_duplicate_display_names_refused(self):
        with pytest.raises(InputValidationError, match="'threshold-0.1'"):
            Counting([Threshold(0.1), Threshold(0.1)])

    def test_non_configuration_refused(self):
        with pytest.raises(InputValidationError, match="is not an EvaluatorConfiguration"):
            Counting([0.1])  # type: ignore[list-item]

    def test_abstract_methods_required(self):
        class Half(Evaluator):
            def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):
                return MetricsTestCase()

        with pytest.raises(TypeError):
            Half()

    def test_display_name_override(self):
        class Named(Counting):
            def display_name(self) -> str:
                return "keypoints-v2"

        assert Named().display_name() == "keypoints-v2"
