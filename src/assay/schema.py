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
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Union

from assay.errors import InputValidationError

__all__ = [
    "SCHEMA_VERSION",
    "field_kind",
    "is_data_class",
    "metrics_schema",
    "type_schema",
    "validate_data",
    "validator",
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
        # The class itself, and the classes in scope where it was declared, for string annotations.
        localns = {**getattr(cls, "__assay_localns__", {}), cls.__name__: cls}
        return typing.get_type_hints(cls, localns=localns)
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


Check = Callable[[Any], None]


class _Bad(Exception):
    """A value that does not fit; ``path`` grows as the error travels up to the root."""

    def __init__(self, expected: str | None, value: Any, path: str = "") -> None:
        super().__init__(expected)
        self.expected = expected  # None: a required field is missing
        self.value = value
        self.path = path


def validator(document: Mapping[str, Any], root: str) -> Callable[[Any], None]:
    """A function that checks serialised objects against one type of a schema document, built once.

    Use it for bulk checks (an upload of many samples); :func:`validate_data` builds one per call.

    Args:
        document: A document made by :func:`workflow_schema`, :func:`metrics_schema` or :func:`type_schema`.
        root: ``"test_sample"``, ``"ground_truth"``, ``"inference"`` or ``"root"`` (the document's entry of that
            name), or directly a key of ``document["types"]``.

    Returns:
        ``check(data)``, which returns None or raises :class:`~assay.errors.InputValidationError` naming the path
        of the first value that does not fit and what was expected.

    Raises:
        InputValidationError: ``root`` names no type of the document.

    Example:
        >>> from assay.workflow import GroundTruth, Image, Inference
        >>> check = validator(workflow_schema(Image, GroundTruth, Inference), "test_sample")
        >>> check({"locator": "s3://a.png", "data_type": "TEST_SAMPLE/IMAGE"})
        >>> check({"locator": 3})
        Traceback (most recent call last):
        ...
        assay.errors.InputValidationError: Image.locator: expected str, got 3 (int)
    """
    types_ = document.get("types", {})
    key = document.get(root, root) if root in ("test_sample", "ground_truth", "inference", "root") else root
    if not isinstance(key, str) or key not in types_:
        raise InputValidationError(f"the schema has no type {key!r}")
    check = _Compiler(types_).object(key)
    name = str(types_[key]["name"])

    def validate(data: Any) -> None:
        try:
            check(data)
        except _Bad as bad:
            path = f"{name}{bad.path}"
            if bad.expected is None:
                raise InputValidationError(f"{path}: missing required field", field=path) from None
            text = repr(bad.value)
            if len(text) > 80:
                text = text[:77] + "..."
            raise InputValidationError(
                f"{path}: expected {bad.expected}, got {text} ({type(bad.value).__name__})", field=path
            ) from None

    return validate


def validate_data(document: Mapping[str, Any], root: str, data: Any) -> None:
    """Check a serialised object (the ``_to_dict()`` form, e.g. parsed from a request body) against a schema.

    Declared fields must be present when required and of their kind; extra keys are allowed (they are the
    object's extras); a ``data_type`` tag, when present, must be the type's. For many objects, build a
    :func:`validator` once instead.

    Args:
        document: A document made by :func:`workflow_schema`, :func:`metrics_schema` or :func:`type_schema`.
        root: ``"test_sample"``, ``"ground_truth"``, ``"inference"`` or ``"root"`` (the document's entry of that
            name), or directly a key of ``document["types"]``.
        data: The serialised object.

    Raises:
        InputValidationError: naming the path of the first value that does not fit, and what was expected.
    """
    validator(document, root)(data)


def _check_any(value: Any) -> None:
    return None


def _check_str(value: Any) -> None:
    if value.__class__ is not str and not isinstance(value, str):
        raise _Bad("str", value)


def _check_bool(value: Any) -> None:
    if value is not True and value is not False:
        raise _Bad("bool", value)


def _check_int(value: Any) -> None:
    if value.__class__ is not int and (not isinstance(value, int) or isinstance(value, bool)):
        raise _Bad("int", value)


def _check_float(value: Any) -> None:
    kind = value.__class__
    if kind is not float and kind is not int and (not isinstance(value, int | float) or isinstance(value, bool)):
        raise _Bad("float", value)


def _check_none(value: Any) -> None:
    if value is not None:
        raise _Bad("null", value)


_SCALAR_CHECKS: dict[str, Check] = {"str": _check_str, "bool": _check_bool, "int": _check_int, "float": _check_float}


def _check_metadata(value: Any) -> None:
    if not isinstance(value, Mapping):
        raise _Bad("an object of scalars", value)
    for key, item in value.items():
        if not isinstance(key, str):
            raise _Bad("a string key", key, " key")
        for scalar in item if isinstance(item, list) else [item]:
            if scalar is not None and not isinstance(scalar, str | int | float | bool):
                raise _Bad("a scalar or a list of scalars", item, f"[{key!r}]")


class _Compiler:
    """Turns the kinds of a document into nested check functions, one per type (shared, cycles allowed)."""

    def __init__(self, types_: Mapping[str, Any]) -> None:
        self.types = types_
        self.objects: dict[str, Check] = {}

    def object(self, key: str) -> Check:
        known = self.objects.get(key)
        if known is not None:
            return known
        entry = self.types[key]
        name = str(entry["name"])
        tag = entry.get("data_type")
        fields: list[tuple[str, bool, Check]] = []

        def check_object(value: Any) -> None:
            if value.__class__ is not dict and not isinstance(value, Mapping):
                raise _Bad(f"an object of type {name}", value)
            if tag is not None:
                given = value.get("data_type")
                if given is not None and given != tag:
                    raise _Bad(repr(tag), given, ".data_type")
            for field_name, required, check in fields:
                try:
                    item = value[field_name]
                except KeyError:
                    if required:
                        raise _Bad(None, None, f".{field_name}") from None
                    continue
                try:
                    check(item)
                except _Bad as bad:
                    raise _Bad(bad.expected, bad.value, f".{field_name}{bad.path}") from None

        # Registered before the fields are compiled, so a type that reaches itself refers to this function.
        self.objects[key] = check_object
        for f in entry["fields"]:
            required = bool(f["required"]) and f["kind"]["kind"] != "metadata"
            fields.append((str(f["name"]), required, self.kind(f["kind"])))
        return check_object

    def kind(self, kind: Mapping[str, Any]) -> Check:  # noqa: C901 - one branch per kind
        name = kind["kind"]
        if name == "any":
            return _check_any
        if name == "scalar":
            return _SCALAR_CHECKS[kind["type"]]
        if name == "none":
            return _check_none
        if name == "metadata":
            return _check_metadata
        if name == "optional":
            return self._optional(self.kind(kind["inner"]))
        if name == "union":
            return self._union([self.kind(o) for o in kind["options"]], kind["options"])
        if name == "literal":
            return self._literal(list(kind["values"]))
        if name == "list":
            return self._list(self.kind(kind["items"]))
        if name == "tuple":
            return self._tuple([self.kind(i) for i in kind["items"]])
        if name == "dict":
            return self._dict(kind["keys"], self.kind(kind["values"]))
        return self.object(kind["type"])

    @staticmethod
    def _optional(inner: Check) -> Check:
        def check_optional(value: Any) -> None:
            if value is not None:
                inner(value)

        return check_optional

    @staticmethod
    def _union(options: list[Check], kinds: list[Mapping[str, Any]]) -> Check:
        expected = "one of " + ", ".join(_kind_text(k) for k in kinds)

        def check_union(value: Any) -> None:
            for option in options:
                try:
                    option(value)
                except _Bad:
                    continue
                return
            raise _Bad(expected, value)

        return check_union

    @staticmethod
    def _literal(values: list[Any]) -> Check:
        expected = " or ".join(repr(v) for v in values)

        def check_literal(value: Any) -> None:
            if value not in values:
                raise _Bad(expected, value)

        return check_literal

    @staticmethod
    def _list(item: Check) -> Check:
        scalar_float = item is _check_float

        def check_list(value: Any) -> None:
            if value.__class__ is not list and not isinstance(value, list | tuple):
                raise _Bad("a list", value)
            if scalar_float:
                for element in value:
                    if element.__class__ is not float:
                        break
                else:
                    return
            for index, element in enumerate(value):
                try:
                    item(element)
                except _Bad as bad:
                    raise _Bad(bad.expected, bad.value, f"[{index}]{bad.path}") from None

        return check_list

    @staticmethod
    def _tuple(items: list[Check]) -> Check:
        size = len(items)
        expected = f"a list of {size} values"
        all_float = all(i is _check_float for i in items)

        def check_tuple(value: Any) -> None:
            if value.__class__ is not list and not isinstance(value, list | tuple):
                raise _Bad(expected, value)
            if len(value) != size:
                raise _Bad(expected, value)
            if all_float:
                for element in value:
                    if element.__class__ is not float:
                        break
                else:
                    return
            for index, (check, element) in enumerate(zip(items, value, strict=True)):
                try:
                    check(element)
                except _Bad as bad:
                    raise _Bad(bad.expected, bad.value, f"[{index}]{bad.path}") from None

        return check_tuple

    def _dict(self, key_kind: Mapping[str, Any], values: Check) -> Check:
        int_keys = key_kind.get("kind") == "scalar" and key_kind.get("type") == "int"
        keys = self.kind(key_kind)

        def check_dict(value: Any) -> None:
            if not isinstance(value, Mapping):
                raise _Bad("an object", value)
            for key, element in value.items():
                if int_keys and isinstance(key, str):
                    if not key.lstrip("-").isdigit():
                        raise _Bad("an integer key", key, " key")
                else:
                    try:
                        keys(key)
                    except _Bad as bad:
                        raise _Bad(bad.expected, bad.value, " key") from None
                try:
                    values(element)
                except _Bad as bad:
                    raise _Bad(bad.expected, bad.value, f"[{key!r}]{bad.path}") from None

        return check_dict


def _kind_text(kind: Mapping[str, Any]) -> str:
    name = kind["kind"]
    if name == "scalar":
        return str(kind["type"])
    if name in ("list", "tuple", "dict", "optional", "union", "literal", "metadata", "none", "any"):
        return str(name)
    return str(kind.get("type", name))
