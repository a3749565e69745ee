"""Data objects: construction, coercion, refusals, extras, equality, serialisation, declaration styles."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
from dataclasses import dataclass, field

import numpy as np
import pydantic
import pydantic.v1
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.errors import InputValidationError
from assay.workflow import DataObject, GroundTruth, Image, Inference, TestSample
from assay.workflow._datatypes import revive, to_plain
from assay.workflow.annotation import (
    BoundingBox,
    Keypoints,
    Label,
    LabeledBoundingBox,
    Polygon,
    ScoredLabel,
    ScoredLabeledBoundingBox,
)


# Module-level classes: the four declaration styles of one ground truth, interchangeable.
@dataclass(frozen=True)
class StdlibGroundTruth(GroundTruth):
    boxes: list[BoundingBox]
    difficulty: float = 0.0
    label: str | None = None


@pydantic.dataclasses.dataclass(frozen=True)
class PydanticGroundTruth(GroundTruth):
    boxes: list[BoundingBox]
    difficulty: float = 0.0
    label: str | None = None


@pydantic.v1.dataclasses.dataclass(frozen=True)
class PydanticV1GroundTruth(GroundTruth):
    boxes: list[BoundingBox]
    difficulty: float = 0.0
    label: str | None = None


class UndecoratedGroundTruth(GroundTruth):
    boxes: list[BoundingBox]
    difficulty: float = 0.0
    label: str | None = None


STYLES = [StdlibGroundTruth, PydanticGroundTruth, PydanticV1GroundTruth, UndecoratedGroundTruth]


@dataclass(frozen=True)
class Scalars(DataObject):
    s: str
    i: int
    f: float
    b: bool


@dataclass(frozen=True)
class Containers(DataObject):
    floats: list[float]
    pair: tuple[int, str]
    maybe: int | None = None
    either: int | str = 0
    labels: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Nested(Inference):
    box: BoundingBox | None
    labels: list[Label]
    keypoints: Keypoints


@pytest.mark.parametrize("cls", STYLES, ids=lambda c: c.__name__)
class TestDeclarationStyles:
    def test_positional_and_keyword_construction_agree(self, cls):
        boxes = [BoundingBox((0, 0), (1, 2))]
        assert cls(boxes, 1) == cls(boxes=boxes, difficulty=1.0)

    def test_coerces_ints_into_float_fields(self, cls):
        gt = cls([BoundingBox((1, 1), (3, 3))], difficulty=2)
        assert gt.difficulty == 2.0 and type(gt.difficulty) is float
        assert gt.boxes[0].top_left == (1.0, 1.0)

    def test_wrong_type_names_class_and_field(self, cls):
        with pytest.raises(InputValidationError, match=rf"{cls.__name__}\.difficulty: expected float"):
            cls([], difficulty="hard")

    def test_extras_are_kept_serialised_and_ignored_by_equality(self, cls):
        a = cls([], annotator="ann")
        b = cls([], annotator="bob")
        assert a.annotator == "ann"
        assert a == b
        assert a._to_dict() == {"boxes": [], "difficulty": 0.0, "label": None, "annotator": "ann"}

    def test_round_trip(self, cls):
        gt = cls([LabeledBoundingBox((0, 0), (4, 4), "car")], 0.5, "x", source="s")
        back = cls._from_dict(gt._to_dict())
        assert back == gt
        assert back.source == "s"
        assert type(back.boxes[0]) is LabeledBoundingBox

    def test_frozen(self, cls):
        gt = cls([])
        with pytest.raises(dataclasses.FrozenInstanceError):
            gt.difficulty = 3.0  # type: ignore[misc]

    def test_all_styles_serialise_identically(self, cls):
        boxes = [BoundingBox((0, 0), (1, 1))]
        assert cls(boxes, 1.0, "a")._to_dict() == StdlibGroundTruth(boxes, 1.0, "a")._to_dict()


class TestCoercion:
    def test_scalars_pass_through(self):
        obj = Scalars("a", 1, 2.5, True)
        assert (obj.s, obj.i, obj.f, obj.b) == ("a", 1, 2.5, True)

    def test_numpy_scalars_become_python(self):
        obj = Scalars(np.str_("a"), np.int64(3), np.float32(0.5), np.bool_(True))
        assert type(obj.i) is int and type(obj.f) is float and type(obj.b) is bool and type(obj.s) is str

    def test_integral_float_into_int_field(self):
        assert Scalars("a", 2.0, 1, False).i == 2

    @pytest.mark.parametrize(
        ("kwargs", "field_name", "expected"),
        [
            ({"s": 1, "i": 1, "f": 1.0, "b": True}, "s", "str"),
            ({"s": "a", "i": 1.5, "f": 1.0, "b": True}, "i", "int"),
            ({"s": "a", "i": "1", "f": 1.0, "b": True}, "i", "int"),
            ({"s": "a", "i": 1, "f": "1.0", "b": True}, "f", "float"),
            ({"s": "a", "i": 1, "f": None, "b": True}, "f", "float"),
            ({"s": "a", "i": 1, "f": 1.0, "b": 1}, "b", "bool"),
        ],
    )
    def test_refusals(self, kwargs, field_name, expected):
        with pytest.raises(InputValidationError, match=rf"Scalars\.{field_name}: expected {expected}") as info:
            Scalars(**kwargs)
        assert info.value.details["field"] == field_name
        assert isinstance(info.value, ValueError)

    def test_containers(self):
        obj = Containers(np.array([1, 2]), [3, "x"], either="y", labels={"1": "cat"})
        assert obj.floats == [1.0, 2.0]
        assert obj.pair == (3, "x")
        assert obj.either == "y"
        assert obj.labels == {1: "cat"}

    def test_union_keeps_exact_type(self):
        assert Containers([], (1, "a"), either=7).either == 7

    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"floats": [1.0, "x"], "pair": (1, "a")}, r"floats\[1\]"),
            ({"floats": [], "pair": (1, 2)}, r"pair\[1\]"),
            ({"floats": [], "pair": (1,)}, "pair"),
            ({"floats": [], "pair": (1, "a"), "maybe": "x"}, "maybe"),
            ({"floats": [], "pair": (1, "a"), "either": 1.5}, "either"),
            ({"floats": "abc", "pair": (1, "a")}, "floats"),
        ],
    )
    def test_container_refusals_name_the_path(self, kwargs, path):
        with pytest.raises(InputValidationError, match=rf"Containers\.{path}"):
            Containers(**kwargs)

    def test_nested_objects_from_dicts(self):
        inf = Nested(
            box={"top_left": [0, 0], "bottom_right": [1, 1]},
            labels=[{"label": "cat", "score": 0.5, "data_type": "ANNOTATION/LABEL"}],
            keypoints=Keypoints([(1, 2)]),
        )
        assert inf.box == BoundingBox((0, 0), (1, 1))
        assert type(inf.labels[0]) is ScoredLabel

    def test_wrong_nested_object(self):
        with pytest.raises(InputValidationError, match=r"Nested\.keypoints: expected Keypoints"):
            Nested(None, [], BoundingBox((0, 0), (1, 1)))

    def test_missing_argument_is_a_type_error_naming_the_class(self):
        with pytest.raises(TypeError, match="Scalars"):
            Scalars("a", 1, 1.0)  # type: ignore[call-arg]


class TestSerialisation:
    def test_to_dict_order_declared_then_extras_then_tag(self):
        box = BoundingBox((0, 0), (2, 1), occluded=True)
        assert list(box._to_dict()) == [
            "top_left",
            "bottom_right",
            "width",
            "height",
            "area",
            "aspect_ratio",
            "occluded",
            "data_type",
        ]

    def test_extras_serialise_plainly(self):
        box = BoundingBox((0, 0), (1, 1), arr=np.array([1, 2]), n=np.int32(3), inner=Label("x"), t=(1, 2))
        out = box._to_dict()
        assert out["arr"] == [1, 2] and type(out["n"]) is int
        assert out["inner"] == {"label": "x", "data_type": "ANNOTATION/LABEL"}
        assert out["t"] == [1, 2]

    def test_extras_revive_tagged_objects(self):
        box = BoundingBox((0, 0), (1, 1), inner=Label("x"))
        assert BoundingBox._from_dict(box._to_dict()).inner == Label("x")

    def test_unserialisable_extra_is_refused(self):
        with pytest.raises(InputValidationError, match="cannot serialise"):
            BoundingBox((0, 0), (1, 1), handle=object())._to_dict()

    def test_non_finite_values_survive(self):
        box = ScoredLabeledBoundingBox((0, 0), (1, 1), "car", math.nan, extra=math.inf)
        back = ScoredLabeledBoundingBox._from_dict(box._to_dict())
        assert math.isnan(back.score) and back.extra == math.inf
        assert BoundingBox((-math.inf, 0), (0, 1)).width == math.inf

    def test_from_dict_refuses_missing_fields(self):
        with pytest.raises(InputValidationError, match="BoundingBox: missing required field.*bottom_right"):
            BoundingBox._from_dict({"top_left": [0, 0]})

    def test_from_dict_refuses_non_mapping(self):
        with pytest.raises(InputValidationError, match="expected a mapping"):
            BoundingBox._from_dict([1, 2])  # type: ignore[arg-type]

    def test_from_dict_ignores_derived_fields_and_recomputes(self):
        data = BoundingBox((0, 0), (2, 2))._to_dict()
        data["area"] = 99.0
        assert BoundingBox._from_dict(data).area == 4.0

    def test_untagged_dict_with_an_extra_keeps_it(self):
        data = BoundingBox((0, 0), (1, 1))._to_dict()
        del data["data_type"]
        data["occluded"] = True
        assert BoundingBox._from_dict(data).occluded is True

    def test_subclass_in_base_typed_list_revives_as_subclass(self):
        gt = StdlibGroundTruth(
            [
                BoundingBox((0, 0), (1, 1)),
                LabeledBoundingBox((0, 0), (1, 1), "a"),
                ScoredLabeledBoundingBox((0, 0), (1, 1), "a", 0.5),
            ]
        )
        back = StdlibGroundTruth._from_dict(gt._to_dict())
        assert [type(b) for b in back.boxes] == [BoundingBox, LabeledBoundingBox, ScoredLabeledBoundingBox]

    def test_revive_and_to_plain(self):
        value = {"a": [Label("x"), (1, 2)], 3: None}
        plain = to_plain(value)
        assert plain == {"a": [{"label": "x", "data_type": "ANNOTATION/LABEL"}, [1, 2]], "3": None}
        assert revive(plain) == {"a": [Label("x"), [1, 2]], "3": None}

    def test_to_dict_alias_for_pandas(self):
        assert Label("x").toDict() == Label("x")._to_dict()


class TestObjectProtocol:
    def test_equality_needs_same_class(self):
        assert BoundingBox((0, 0), (1, 1)) != LabeledBoundingBox((0, 0), (1, 1), "a")

    def test_hashable_when_fields_are(self):
        assert len({Label("a"), Label("a"), Label("b")}) == 2

    @pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy, lambda o: pickle.loads(pickle.dumps(o))])
    def test_copies_keep_extras(self, clone):
        box = BoundingBox((0, 0), (1, 1), occluded=True)
        copied = clone(box)
        assert copied == box and copied.occluded is True and copied._to_dict() == box._to_dict()

    def test_replace_validates(self):
        box = LabeledBoundingBox((0, 0), (1, 1), "a")
        assert dataclasses.replace(box, label="b").label == "b"
        with pytest.raises(InputValidationError):
            dataclasses.replace(box, label=3)

    def test_str_shows_extras(self):
        assert "occluded=True" in str(BoundingBox((0, 0), (1, 1), occluded=True))

    def test_extra_named_self(self):
        assert Label("a", self=1).self == 1

    def test_invalid_extra_name(self):
        with pytest.raises(InputValidationError, match="not a valid field name"):
            Label("a", **{"not valid": 1})


class TestClassRules:
    def test_non_frozen_subclass_is_refused(self):
        with pytest.raises(TypeError, match="frozen"):

            @dataclass
            class Mutable(GroundTruth):
                x: int

    def test_non_frozen_pydantic_subclass_is_refused(self):
        with pytest.raises(TypeError, match="frozen"):

            @pydantic.dataclasses.dataclass
            class Mutable(GroundTruth):
                x: int

    def test_slots_are_refused(self):
        @dataclass(frozen=True, slots=True)
        class Slotted(GroundTruth):
            x: int

        with pytest.raises(TypeError, match="__slots__"):
            Slotted(1)

    def test_field_named_data_type_is_refused(self):
        @dataclass(frozen=True)
        class Tagged(GroundTruth):
            data_type: str

        with pytest.raises(InputValidationError, match="data_type"):
            Tagged("x")

    def test_undecorated_subclass_without_fields_takes_extras(self):
        class Loose(GroundTruth):
            pass

        loose = Loose(note="n", count=2)
        assert loose.note == "n" and loose._to_dict() == {"note": "n", "count": 2}

    def test_subclass_of_prepared_class_gets_its_own_paths(self):
        Label("warm-up")._to_dict()

        @dataclass(frozen=True)
        class Colored(Label):
            color: str = "red"

        assert Colored("a")._to_dict() == {"label": "a", "color": "red", "data_type": "ANNOTATION/LABEL"}
        assert type(Colored._from_dict({"label": "a", "color": "b"})) is Colored

    def test_pydantic_v1_field_use_leaves_library_classes_intact(self):
        Label("warm-up")

        @pydantic.v1.dataclasses.dataclass(frozen=True)
        class UsesLabel(GroundTruth):
            label: Label

        assert Label("a", source="human").source == "human"
        assert UsesLabel(Label("a"))._to_dict() == {"label": {"label": "a", "data_type": "ANNOTATION/LABEL"}}

    def test_abstract_class_cannot_be_instantiated(self):
        from assay.workflow import EvaluatorConfiguration

        with pytest.raises(TypeError, match="abstract"):
            EvaluatorConfiguration()

    def test_post_init_of_user_class_runs(self):
        @dataclass(frozen=True)
        class Checked(GroundTruth):
            n: int

            def __post_init__(self) -> None:
                if self.n < 0:
                    raise ValueError("n must be >= 0")

        with pytest.raises(ValueError, match="n must be"):
            Checked(-1)
        assert Checked(1).n == 1


class TestTestSamples:
    def test_metadata_is_not_identity(self):
        a = Image("s3://x.png", metadata={"weather": "rain"})
        b = Image("s3://x.png", metadata={"weather": "sun"})
        assert a == b
        assert a._to_dict() == {"locator": "s3://x.png", "data_type": "TEST_SAMPLE/IMAGE"}
        assert a._get_metadata() == {"weather": "rain"}
        assert a.metadata == {"weather": "rain"}

    def test_metadata_comes_back_when_given(self):
        back = Image._from_dict({"locator": "x", "metadata": {"k": [1, None]}})
        assert back.metadata == {"k": [1, None]}

    def test_metadata_refuses_nested_dicts(self):
        with pytest.raises(InputValidationError, match="metadata"):
            Image("x", metadata={"k": {"nested": 1}})

    def test_subclass_with_required_field_after_metadata(self):
        @dataclass(frozen=True)
        class WithBox(Image):
            box: BoundingBox

        sample = WithBox("x", BoundingBox((0, 0), (1, 1)), metadata={"a": 1})
        assert sample._to_dict()["data_type"] == "TEST_SAMPLE/IMAGE"

    def test_custom_test_sample_tag(self):
        @dataclass(frozen=True)
        class Tabular(TestSample):
            row_id: int

        assert Tabular(3)._to_dict() == {"row_id": 3, "data_type": "TEST_SAMPLE/CUSTOM"}


# --- properties -------------------------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
points = st.tuples(finite, finite)
boxes = st.builds(BoundingBox, points, points) | st.builds(LabeledBoundingBox, points, points, st.text(max_size=8))


@given(st.lists(boxes, max_size=5), finite, st.none() | st.text(max_size=5))
def test_round_trip_property(box_list, difficulty, label):
    for cls in STYLES:
        gt = cls(box_list, difficulty, label)
        assert cls._from_dict(gt._to_dict()) == gt


@given(
    st.lists(points, min_size=3, max_size=8),
    st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=4)),
)
def test_polygon_extras_round_trip_property(point_list, extras):
    extras = {k: v for k, v in extras.items() if k.isidentifier() and not k.startswith("__") and k != "points"}
    polygon = Polygon(point_list, **extras)
    back = Polygon._from_dict(polygon._to_dict())
    assert back == polygon
    assert {k: getattr(back, k) for k in extras} == extras


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_float_round_trips(value):
    label = ScoredLabel("a", value)
    back = ScoredLabel._from_dict(label._to_dict())
    assert back.score == value or (math.isnan(value) and math.isnan(back.score))


def test_typing_module_forms_are_understood():
    import typing

    annotations = {
        "x": typing.Optional[int],  # noqa: UP045
        "y": typing.Union[int, str],  # noqa: UP007
        "z": typing.List[typing.Tuple[float, float]],  # noqa: UP006
    }
    legacy = dataclass(frozen=True)(type("Legacy", (DataObject,), {"__annotations__": annotations}))
    obj = legacy(None, "a", [[1, 2]])
    assert (obj.x, obj.y, obj.z) == (None, "a", [(1.0, 2.0)])
    with pytest.raises(InputValidationError, match=r"Legacy\.y: expected Union\[int, str\]"):
        legacy(1, 2.5, [])


def test_declaration_styles_mix_in_one_hierarchy():
    @pydantic.dataclasses.dataclass(frozen=True)
    class Base(GroundTruth):
        a: float
        boxes: list[BoundingBox] = pydantic.Field(default_factory=list)

    @dataclass(frozen=True)
    class Middle(Base):
        b: int = 0

    class Loose(Middle):
        c: str = "x"

    @pydantic.v1.dataclasses.dataclass(frozen=True)
    class Leaf(Loose):
        d: Base | None = None

    leaf = Leaf(1, [BoundingBox((0, 0), (1, 1))], 2, "y", Base(3), note=True)
    assert [f.name for f in dataclasses.fields(Leaf)] == ["a", "boxes", "b", "c", "d"]
    assert Leaf._from_dict(leaf._to_dict()) == leaf
    assert Base(1).boxes == []


def test_data_objects_inside_pydantic_models():
    class Record(pydantic.BaseModel):
        box: BoundingBox
        labels: list[Label] = []

    record = Record(box={"top_left": [0, 0], "bottom_right": [2, 2]}, labels=[Label("a")])
    assert record.box == BoundingBox((0, 0), (2, 2))
    assert record.model_dump()["box"]["area"] == 4.0
    with pytest.raises(pydantic.ValidationError, match="expected BoundingBox"):
        Record(box="nope")
