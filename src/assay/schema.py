"""The one type schema: a plain, JSON-able description of a workflow's data types, and validation against it.

The document is derived from the user's dataclasses once and then used everywhere: the service validates data
sent over HTTP with it, the store keeps it with the workflow, ``/api/v1`` returns it, and the web app reads it
to know which fields are annotations to draw.

This module is a leaf: it imports only :mod:`assay.errors` and the standard library, so the server and the
store use it without importing the client API. It recognises Assay's data classes by duck typing: a data class
is a dataclass with a class attribute ``__assay_role__`` (``"test_sample"``, ``"annotation"``,
``"metrics_test_case"``...), and a typed one also has ``__assay_data_type__`` (``"ANNOTATION/BOUNDING_BOX"``).

The document::

    {
      "schema_version": 1,
      "test_sample": "MySample", "ground_truth": "MyGT", "inference": "MyInference",  # workflow_schema
      "root": "MyMetrics",                                                                   # metrics_schema
      "types": {
        "MySample": {"name": "MySample", "module": "...", "role": "test_sample",
                     "data_type": "TEST_SAMPLE/IMAGE",
                     "fields": [{"name": "locator", "kind": {"kind": "scalar", "type": "str"},
                                 "required": true, "init": true}, ...]},
        ...
      }
    }

A field's ``kind`` is one of ``{"kind": "scalar", "type": "str"|"int"|"float"|"bool"}``, ``{"kind": "none"}``,
``{"kind": "any"}``, ``{"kind": "metadata"}``, ``{"kind": "literal", "values": [...]}``, ``{"kind": "list",
"items": kind}``, ``{"kind": "tuple", "items": [kind, ...]}``, ``{"kind": "dict", "keys": kind, "values":
kind}``, ``{"kind": "optional", "inner": kind}``, ``{"kind": "union", "options": [kind, ...]}``, or a data
object: ``{"kind": "annotation"|"asset"|"test_sample"|"plot"|"metrics"|"object", "type": name, "data_type":
tag or null}`` where ``name`` is a key of ``types``. Fields may carry ``higher_is_better`` (from
``dataclasses.field(metadata={"higher_is_better": False})`` or pydantic's ``Field(json_schema_extra=...)``)
and ``description``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union

from assay.errors import InputValidationError

__all__ = [
    "SCHEMA_VERSION",
    "field_kind",
    "is_data_class",
    "metrics_schema",
    "type_schema",
    "validate_data",
    "workflow_schema",
]

#: Bumped when the document's shape changes in a way readers must know about.
SCHEMA_VERSION = 1

_SCALAR_NAMES = {str: "str", int: "int", float: "float", bool: "bool"}
_OBJECT_KINDS = {
    "annotation": "annotation",
    "asset": "asset",
    "test_sample": "test_sample",
    "plot": "plot",
    "metrics_test_sample": "metrics",
    "metrics_test_case": "metrics",
    "metrics_test_suite": "metrics",
}
_FIELD_EXTRAS = ("higher_is_better", "description")
_ALLOWED_TEXT = "str, int, float, bool, annotations, assets, data objects, and List/Tuple/Optional/Union of those"


def is_data_class(obj: Any) -> bool:
    """Whether ``obj`` is one of Assay's data classes (a dataclass declaring ``__assay_role__``).

    Args:
        obj: Anything.

    Returns:
        True for ``Image``, ``BoundingBox``, a user's ``GroundTruth`` subclass and the like.
    """
    return isinstance(obj, type) and hasattr(obj, "__assay_role__")


def _prepared(cls: type) -> type:
    prepare = getattr(cls, "__assay_prepare__", None)
    if callable(prepare):
        prepare()
    if not dataclasses.is_dataclass(cls):
        raise InputValidationError(f"{cls.__name__} is not a dataclass", data_type=cls.__name__)
    return cls


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls, localns=getattr(cls, "__assay_localns__", None))
    except NameError as error:
        raise InputValidationError(
            f"{cls.__name__}: cannot resolve the type of a field ({error})", data_type=cls.__name__
        ) from None


class _Builder:
    """Collects the type entries reachable from some root classes."""

    def __init__(self) -> None:
        self.types: dict[str, dict[str, Any]] = {}
        self._keys: dict[type, str] = {}

    def key(self, cls: type) -> str:
        known = self._keys.get(cls)
        if known is not None:
            return known
        key = cls.__name__
        if key in self.types:
            # Two classes of one name (from two modules, or two functions): qualify, then number.
            key = f"{cls.__module__}.{cls.__qualname__}"
            base, number = key, 2
            while key in self.types:
                key, number = f"{base}#{number}", number + 1
        self._keys[cls] = key
        self.types[key] = {}  # reserved before recursing, so that self-references terminate
        self.types[key] = self._entry(cls)
        return key

    def _entry(self, cls: type) -> dict[str, Any]:
        _prepared(cls)
        hints = _hints(cls)
        role = str(getattr(cls, "__assay_role__", "data_object"))
        pydantic_fields = getattr(cls, "__pydantic_fields__", None) or {}
        fields = []
        for f in dataclasses.fields(cls):
            hint = hints.get(f.name, Any)
            if role == "test_sample" and f.name == "metadata":
                kind: dict[str, Any] = {"kind": "metadata"}
            else:
                kind = self.kind(hint, cls, f.name)
            entry: dict[str, Any] = {
                "name": f.name,
                "kind": kind,
                "required": f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
                "init": f.init,
            }
            for extra in _FIELD_EXTRAS:
                value = _field_extra(f, pydantic_fields.get(f.name), extra)
                if value is not None:
                    entry[extra] = value
            fields.append(entry)
        return {
            "name": cls.__name__,
            "module": cls.__module__,
            "role": role,
            "data_type": getattr(cls, "__assay_data_type__", None),
            "fields": fields,
        }

    def kind(self, hint: Any, owner: type, name: str) -> dict[str, Any]:  # noqa: C901 - one branch per kind
        if hint is Any or hint is object:
            return {"kind": "any"}
        if hint in _SCALAR_NAMES:
            return {"kind": "scalar", "type": _SCALAR_NAMES[hint]}
        if hint is None or hint is type(None):
            return {"kind": "none"}
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is typing.Annotated:
            return self.kind(args[0], owner, name)
        if origin in (Union, types.UnionType):
            members = [a for a in args if a is not type(None)]
            options = [self.kind(a, owner, name) for a in members]
            inner = options[0] if len(options) == 1 else {"kind": "union", "options": options}
            return {"kind": "optional", "inner": inner} if len(members) < len(args) else inner
        if origin is Literal:
            return {"kind": "literal", "values": list(args)}
        if origin is tuple:
            if not args or (len(args) == 2 and args[1] is Ellipsis):
                return {"kind": "list", "items": self.kind(args[0] if args else Any, owner, name)}
            return {"kind": "tuple", "items": [self.kind(a, owner, name) for a in args]}
        if origin in (list, Sequence, typing.Sequence) or hint in (list, Sequence):
            return {"kind": "list", "items": self.kind(args[0] if args else Any, owner, name)}
        if origin in (dict, Mapping, typing.Mapping) or hint is dict:
            key_kind = self.kind(args[0], owner, name) if args else {"kind": "any"}
            value_kind = self.kind(args[1], owner, name) if len(args) > 1 else {"kind": "any"}
            return {"kind": "dict", "keys": key_kind, "values": value_kind}
        if is_data_class(hint):
            role = str(hint.__assay_role__)
            return {
                "kind": _OBJECT_KINDS.get(role, "object"),
                "type": self.key(hint),
                "data_type": getattr(hint, "__assay_data_type__", None),
            }
        raise InputValidationError(
            f"Unsupported field type {_type_name(hint)} for {owner.__name__}.{name}: allowed are {_ALLOWED_TEXT}",
            data_type=owner.__name__,
            field=name,
        )


def _has_default(f: dataclasses.Field[Any]) -> bool:
    if f.default_factory is not dataclasses.MISSING:
        return True
    if f.default is dataclasses.MISSING:
        return False
    if type(f.default).__name__ == "FieldInfo":  # pydantic's Field(...) used as the default
        inner = getattr(f.default, "default", None)
        factory = getattr(f.default, "default_factory", None)
        return factory is not None or type(inner).__name__ not in ("PydanticUndefinedType", "UndefinedType")
    return True


def _type_name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")


def _field_extra(f: dataclasses.Field[Any], pydantic_field: Any, key: str) -> Any:
    if key in f.metadata:
        return f.metadata[key]
    extra = getattr(pydantic_field, "json_schema_extra", None)
    if isinstance(extra, Mapping) and key in extra:
        return extra[key]
    if key == "description":
        return getattr(pydantic_field, "description", None)
    return None


def field_kind(hint: Any, owner: type, name: str) -> dict[str, Any]:
    """The kind of one type hint, as it appears in the document (data classes by reference).

    Args:
        hint: A resolved type hint such as ``List[BoundingBox]``.
        owner: The class declaring the field, named in errors.
        name: The field's name, named in errors.

    Returns:
        The kind dict.

    Raises:
        InputValidationError: a type that has no kind (an arbitrary class, a callable...).
    """
    return _Builder().kind(hint, owner, name)


def type_schema(cls: type) -> dict[str, Any]:
    """The document for one data class and every data class its fields reach.

    Args:
        cls: A data class (``GroundTruth`` subclass, annotation, metrics class...).

    Returns:
        ``{"schema_version", "root", "types"}``.

    Raises:
        InputValidationError: a field of a type that cannot be described.
    """
    builder = _Builder()
    root = builder.key(cls)
    return {"schema_version": SCHEMA_VERSION, "root": root, "types": builder.types}


def metrics_schema(cls: type) -> dict[str, Any]:
    """The document for a metrics class: a ``MetricsTestSample``, ``MetricsTestCase`` or ``MetricsTestSuite``.

    Each field reports ``higher_is_better`` where the class declares it, for the app to colour improvements.

    Args:
        cls: The metrics class.

    Returns:
        ``{"schema_version", "root", "types"}``.

    Raises:
        InputValidationError: a field of a type that cannot be described.
    """
    return type_schema(cls)


def workflow_schema(test_sample_type: type, ground_truth_type: type, inference_type: type) -> dict[str, Any]:
    """The document for a workflow's three data types.

    Args:
        test_sample_type: The test-sample class.
        ground_truth_type: The ground-truth class.
        inference_type: The inference class.

    Returns:
        ``{"schema_version", "test_sample", "ground_truth", "inference", "types"}``.

    Raises:
        InputValidationError: a field of a type that cannot be described.

    Example:
        >>> from assay.workflow import GroundTruth, Image, Inference
        >>> doc = workflow_schema(Image, GroundTruth, Inference)
        >>> doc["types"][doc["test_sample"]]["data_type"]
        'TEST_SAMPLE/IMAGE'
    """
    builder = _Builder()
    roots = {
        "test_sample": builder.key(test_sample_type),
        "ground_truth": builder.key(ground_truth_type),
        "inference": builder.key(inference_type),
    }
    return {"schema_version": SCHEMA_VERSION, **roots, "types": builder.types}


# --- validation of serialised data


def validate_data(document: Mapping[str, Any], root: str, data: Any) -> None:
    """Check a serialised object (the ``_to_dict()`` form, e.g. parsed from a request body) against a schema.

    Declared fields must be present when required and of their kind; extra keys are allowed (they are the
    object's extras); a ``data_type`` tag, when present, must be the type's.

    Args:
        document: A document made by :func:`workflow_schema`, :func:`metrics_schema` or :func:`type_schema`.
        root: ``"test_sample"``, ``"ground_truth"``, ``"inference"`` or ``"root"`` (the document's entry of
            that name), or directly a key of ``document["types"]``.
        data: The serialised object.

    Raises:
        InputValidationError: naming the path of the first value that does not fit, and what was expected.
    """
    types_ = document.get("types", {})
    key = document.get(root, root) if root in ("test_sample", "ground_truth", "inference", "root") else root
    if key not in types_:
        raise InputValidationError(f"the schema has no type {key!r}")
    _Validator(types_).object(key, data, types_[key]["name"])


class _Validator:
    def __init__(self, types_: Mapping[str, Any]) -> None:
        self.types = types_

    def fail(self, path: str, expected: str, value: Any) -> InputValidationError:
        text = repr(value)
        if len(text) > 80:
            text = text[:77] + "..."
        return InputValidationError(f"{path}: expected {expected}, got {text} ({type(value).__name__})", field=path)

    def object(self, key: str, value: Any, path: str) -> None:
        entry = self.types[key]
        if not isinstance(value, Mapping):
            raise self.fail(path, f"an object of type {entry['name']}", value)
        tag = entry.get("data_type")
        given = value.get("data_type")
        if given is not None and tag is not None and given != tag:
            raise self.fail(f"{path}.data_type", repr(tag), given)
        for f in entry["fields"]:
            name = f["name"]
            if name not in value:
                if f["required"] and not (f["kind"]["kind"] == "metadata"):
                    raise InputValidationError(f"{path}.{name}: missing required field", field=f"{path}.{name}")
                continue
            self.value(f["kind"], value[name], f"{path}.{name}")

    def value(self, kind: Mapping[str, Any], value: Any, path: str) -> None:  # noqa: C901 - one branch per kind
        name = kind["kind"]
        if name == "any":
            return
        if name == "scalar":
            expected = kind["type"]
            ok = {
                "str": isinstance(value, str),
                "bool": isinstance(value, bool),
                "int": isinstance(value, int) and not isinstance(value, bool),
                "float": isinstance(value, int | float) and not isinstance(value, bool),
            }[expected]
            if not ok:
                raise self.fail(path, expected, value)
        elif name == "none":
            if value is not None:
                raise self.fail(path, "null", value)
        elif name == "optional":
            if value is not None:
                self.value(kind["inner"], value, path)
        elif name == "union":
            for option in kind["options"]:
                try:
                    self.value(option, value, path)
                except InputValidationError:
                    continue
                return
            raise self.fail(path, "one of " + ", ".join(_kind_text(o) for o in kind["options"]), value)
        elif name == "literal":
            if value not in kind["values"]:
                raise self.fail(path, " or ".join(repr(v) for v in kind["values"]), value)
        elif name in ("list", "tuple"):
            if not isinstance(value, list | tuple):
                raise self.fail(path, "a list", value)
            if name == "tuple":
                if len(value) != len(kind["items"]):
                    raise self.fail(path, f"a list of {len(kind['items'])} values", value)
                for index, (item_kind, item) in enumerate(zip(kind["items"], value, strict=True)):
                    self.value(item_kind, item, f"{path}[{index}]")
            else:
                for index, item in enumerate(value):
                    self.value(kind["items"], item, f"{path}[{index}]")
        elif name == "dict":
            if not isinstance(value, Mapping):
                raise self.fail(path, "an object", value)
            for key, item in value.items():
                self.dict_key(kind["keys"], key, path)
                self.value(kind["values"], item, f"{path}[{key!r}]")
        elif name == "metadata":
            self.metadata(value, path)
        else:
            self.object(kind["type"], value, path)

    def dict_key(self, kind: Mapping[str, Any], key: Any, path: str) -> None:
        if kind.get("kind") == "scalar" and kind.get("type") == "int" and isinstance(key, str):
            if not key.lstrip("-").isdigit():
                raise self.fail(f"{path} key", "an integer key", key)
            return
        self.value(kind, key, f"{path} key")

    def metadata(self, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            raise self.fail(path, "an object of scalars", value)
        for key, item in value.items():
            if not isinstance(key, str):
                raise self.fail(f"{path} key", "a string key", key)
            items = item if isinstance(item, list) else [item]
            for scalar in items:
                if scalar is not None and not isinstance(scalar, str | int | float | bool):
                    raise self.fail(f"{path}[{key!r}]", "a scalar or a list of scalars", item)


def _kind_text(kind: Mapping[str, Any]) -> str:
    name = kind["kind"]
    if name == "scalar":
        return str(kind["type"])
    if name in ("list", "tuple", "dict", "optional", "union", "literal", "metadata", "none", "any"):
        return str(name)
    return str(kind.get("type", name))
