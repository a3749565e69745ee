"""The field-type rules: which field types each kind of data class may declare.

Test-sample, ground-truth and inference types are checked when a workflow is declared; metrics types when the
class is defined. A refusal is an :class:`~assay.errors.InputValidationError` naming the class, the field, and
what that kind of class allows.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from typing import Any, ClassVar

from assay.errors import InputValidationError
from assay.schema import field_kind, is_data_class
from assay.workflow._datatypes import _describe

__all__ = ["check_data_type", "check_metrics_type", "declared_fields"]

_DATA_ALLOWED = "str, int, float, bool, annotations, assets, and List/Optional/Union of those"
_ALLOWED = {
    "test_sample": _DATA_ALLOWED + "; `metadata: Dict[str, scalar]` under that name only",
    "composite": "test-sample types (not composites), or " + _DATA_ALLOWED,
    "ground_truth": _DATA_ALLOWED,
    "inference": _DATA_ALLOWED,
    "metrics_test_sample": _DATA_ALLOWED,
    "metrics_test_case": "str, int, float, bool, Optional/Union of those, and List[<MetricsTestCase subclass>]",
    "nested_metrics_test_case": "str, int, float, bool and Optional/Union of those (one level of nesting only)",
    "metrics_test_suite": "str, int, float, bool and Optional/Union of those",
}
_TITLE = {
    "test_sample": "test sample",
    "composite": "composite test sample",
    "ground_truth": "ground truth",
    "inference": "inference",
    "metrics_test_sample": "MetricsTestSample",
    "metrics_test_case": "MetricsTestCase",
    "nested_metrics_test_case": "nested MetricsTestCase",
    "metrics_test_suite": "MetricsTestSuite",
}


def declared_fields(cls: type) -> Iterator[tuple[str, Any]]:
    """The fields a class declares (its own and inherited, ClassVars left out), with their resolved types.

    Works before a dataclass decorator has run, so metrics classes can be checked at class creation.

    Raises:
        NameError: a forward reference that cannot be resolved yet.
    """
    localns = {**getattr(cls, "__assay_localns__", {}), cls.__name__: cls}
    hints = typing.get_type_hints(cls, localns=localns)
    names = [f.name for f in dataclasses.fields(cls)] if "__dataclass_fields__" in cls.__dict__ else None
    for name, hint in hints.items():
        if typing.get_origin(hint) is ClassVar or hint is ClassVar:
            continue
        if names is not None and name not in names:
            continue
        yield name, hint


def _refuse(cls: type, name: str, hint: Any, rule: str) -> InputValidationError:
    return InputValidationError(
        f"Unsupported field type {_describe(hint)} for {cls.__name__}.{name}: a {_TITLE[rule]} field may be "
        f"{_ALLOWED[rule]}",
        data_type=cls.__name__,
        field=name,
    )


def _kind_of(cls: type, name: str, hint: Any, rule: str) -> dict[str, Any]:
    try:
        return field_kind(hint, cls, name)
    except InputValidationError:
        raise _refuse(cls, name, hint, rule) from None


def _data_kind_ok(kind: dict[str, Any], *, allow_sample: bool, allow_object: bool, in_list: bool = False) -> bool:
    name = kind["kind"]
    if name in ("scalar", "none", "literal", "annotation", "asset"):
        return True
    if name == "test_sample":
        return allow_sample
    if name == "object":
        return allow_object
    if name == "optional":
        return _data_kind_ok(kind["inner"], allow_sample=allow_sample, allow_object=allow_object, in_list=in_list)
    if name == "union":
        return all(
            _data_kind_ok(o, allow_sample=allow_sample, allow_object=allow_object, in_list=in_list)
            for o in kind["options"]
        )
    if name == "list":
        return not in_list and _data_kind_ok(kind["items"], allow_sample=False, allow_object=False, in_list=True)
    if name == "tuple":
        return all(i["kind"] == "scalar" for i in kind["items"])
    return False


def check_data_type(cls: type, role: str, *, composite_members: frozenset[str] = frozenset()) -> None:
    """Check a test-sample, ground-truth or inference type against the field-type rules.

    Args:
        cls: The class to check.
        role: ``"test_sample"``, ``"ground_truth"`` or ``"inference"``.
        composite_members: For ground truths and inferences of a composite workflow, the member names of the
            composite test sample: a field of that name may be a plain data object, itself checked.

    Raises:
        InputValidationError: a field of a type the role does not allow.
    """
    if not is_data_class(cls):
        raise InputValidationError(f"{getattr(cls, '__name__', cls)!r} is not an Assay data type")
    prepare = getattr(cls, "__assay_prepare__", None)
    if callable(prepare):
        prepare()
    is_composite = role == "test_sample" and getattr(cls, "__assay_data_type__", None) == "TEST_SAMPLE/COMPOSITE"
    rule = "composite" if is_composite else role
    for name, hint in declared_fields(cls):
        if role == "test_sample" and name == "metadata":
            continue
        kind = _kind_of(cls, name, hint, rule)
        if is_composite and kind["kind"] == "test_sample":
            member = hint
            if getattr(member, "__assay_data_type__", None) == "TEST_SAMPLE/COMPOSITE":
                raise InputValidationError(
                    f"Unsupported field type {_describe(hint)} for {cls.__name__}.{name}: "
                    "a composite may not hold another composite",
                    data_type=cls.__name__,
                    field=name,
                )
            check_data_type(member, "test_sample")
            continue
        allow_object = name in composite_members
        if not _data_kind_ok(kind, allow_sample=False, allow_object=allow_object):
            raise _refuse(cls, name, hint, rule)
        if allow_object and kind["kind"] in ("object", "optional"):
            inner = kind if kind["kind"] == "object" else kind["inner"]
            if inner["kind"] == "object":
                check_data_type(_unwrap_class(hint), role)


def _unwrap_class(hint: Any) -> type:
    if isinstance(hint, type):
        return hint
    return next(a for a in typing.get_args(hint) if isinstance(a, type) and a is not type(None))


def _scalar_only(kind: dict[str, Any]) -> bool:
    name = kind["kind"]
    if name in ("scalar", "none", "literal"):
        return True
    if name == "optional":
        return _scalar_only(kind["inner"])
    if name == "union":
        return all(_scalar_only(o) for o in kind["options"])
    return False


def _nested_metrics(kind: dict[str, Any]) -> bool:
    """``List[<MetricsTestCase subclass>]``, possibly inside Optional/Union."""
    name = kind["kind"]
    if name == "list":
        return bool(kind["items"]["kind"] == "metrics")
    if name == "optional":
        return _nested_metrics(kind["inner"])
    if name == "union":
        return all(_scalar_only(o) or _nested_metrics(o) for o in kind["options"])
    return False


def _nested_classes(hint: Any) -> Iterator[type]:
    if isinstance(hint, type) and is_data_class(hint):
        yield hint
    for arg in typing.get_args(hint):
        yield from _nested_classes(arg)


def check_metrics_type(cls: type, role: str) -> None:
    """Check a metrics class against the field-type rules of its role.

    Args:
        cls: The ``MetricsTestSample``, ``MetricsTestCase`` or ``MetricsTestSuite`` subclass.
        role: ``"metrics_test_sample"``, ``"metrics_test_case"``, ``"nested_metrics_test_case"`` or
            ``"metrics_test_suite"``.

    Raises:
        InputValidationError: a field of a type the role does not allow.
        NameError: a forward reference that cannot be resolved yet (the caller checks again later).
    """
    for name, hint in declared_fields(cls):
        kind = _kind_of(cls, name, hint, role)
        if role == "metrics_test_sample":
            if not _data_kind_ok(kind, allow_sample=False, allow_object=False):
                raise _refuse(cls, name, hint, role)
            continue
        if _scalar_only(kind):
            continue
        if role == "metrics_test_case" and _nested_metrics(kind):
            for nested in _nested_classes(hint):
                if getattr(nested, "__assay_role__", None) != "metrics_test_case":
                    raise _refuse(cls, name, hint, role)
                try:
                    check_metrics_type(nested, "nested_metrics_test_case")
                except InputValidationError as error:
                    raise InputValidationError(
                        f"{error.message} (nested in {cls.__name__}.{name})",
                        data_type=cls.__name__,
                        field=name,
                    ) from None
            continue
        raise _refuse(cls, name, hint, role)
