"""The base of every user data type: frozen dataclasses that validate on construction and serialise fast.

A class is turned into a *plan* the first time it is used (instantiated, serialised or inspected): its
dataclass fields, their resolved types, and three functions generated for that class alone: a constructor that
checks and coerces every field, ``_to_dict`` and ``_from_dict``. Generating them per class keeps the hot loops
free of reflection: a million boxes serialise in well under a second.

Users may declare subclasses with ``@dataclasses.dataclass(frozen=True)``, with pydantic's dataclass decorators
(pydantic 2 or ``pydantic.v1``) or with no decorator at all; the first use makes an undecorated subclass a
frozen dataclass of its annotated fields. Whatever the style, construction goes through the generated
constructor, so the coercion rules and error messages are the same everywhere.

Keyword arguments that match no field ("extras") are kept as attributes, serialised after the declared fields,
and ignored by equality.
"""

from __future__ import annotations

import dataclasses
import inspect
import numbers
import sys
import types
import typing
import weakref
from abc import ABCMeta
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Literal, Union

import numpy as np

from assay.errors import InputValidationError

__all__ = [
    "DATA_TYPE_KEY",
    "DataObject",
    "TypedDataObject",
    "classes_for_tag",
    "revive",
    "to_plain",
]

#: The reserved key that carries a typed object's tag in its serialised form.
DATA_TYPE_KEY = "data_type"

_MISSING: Any = dataclasses.MISSING
_SCALARS = (str, int, float, bool)
# Tag -> classes carrying it, in definition order; weak so that classes defined in tests can be collected.
_TAG_REGISTRY: dict[str, list[weakref.ref[type[DataObject]]]] = {}


class _Invalid(Exception):
    """A value that does not fit a type; carries the path inside the field for the final message."""

    def __init__(self, expected: str, value: Any, path: str = "") -> None:
        super().__init__(expected)
        self.expected = expected
        self.value = value
        self.path = path


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _describe(hint: Any) -> str:
    """A type as a user reads it in an error message: ``List[Tuple[float, float]]``."""
    if hint is Any:
        return "Any"
    if isinstance(hint, type):
        return hint.__name__
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        inner = ", ".join(_describe(a) for a in members)
        if len(members) < len(args):
            return f"Optional[{inner}]" if len(members) == 1 else f"Optional[Union[{inner}]]"
        return f"Union[{inner}]"
    if origin is Literal:
        return f"Literal[{', '.join(repr(a) for a in args)}]"
    if origin is not None:
        name = {list: "List", tuple: "Tuple", dict: "Dict"}.get(origin, getattr(origin, "__name__", str(origin)))
        if args:
            inner = ", ".join("..." if a is Ellipsis else _describe(a) for a in args)
            return f"{name}[{inner}]"
        return name
    return str(hint)


# --- coercion of single values


def _to_float(value: Any) -> float:
    cls = value.__class__
    if cls is float:
        return value  # type: ignore[no-any-return]
    if cls is int or cls is bool or (isinstance(value, numbers.Real) and not isinstance(value, str)):
        return float(value)
    raise _Invalid("float", value)


def _to_int(value: Any) -> int:
    cls = value.__class__
    if cls is int:
        return value  # type: ignore[no-any-return]
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    raise _Invalid("int", value)


def _to_bool(value: Any) -> bool:
    if value is True or value is False:
        return bool(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise _Invalid("bool", value)


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value if value.__class__ is str else str(value)
    raise _Invalid("str", value)


def _to_none(value: Any) -> None:
    if value is not None:
        raise _Invalid("None", value)


def _identity(value: Any) -> Any:
    return value


def _as_sequence(value: Any, expected: str) -> Sequence[Any]:
    if isinstance(value, list | tuple):
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()  # type: ignore[no-any-return]
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    raise _Invalid(expected, value)


Coercer = Callable[[Any], Any]


def _exact_scalar(hint: Any) -> type | None:
    return hint if hint in _SCALARS else None


class _CoercerFactory:
    """Builds the function that checks and converts values of one type hint, cached per hint."""

    def __init__(self) -> None:
        self._cache: dict[Any, Coercer] = {}

    def __call__(self, hint: Any) -> Coercer:
        try:
            return self._cache[hint]
        except (KeyError, TypeError):
            pass
        coercer = self._build(hint)
        try:
            self._cache[hint] = coercer
        except TypeError:  # an unhashable hint (e.g. Literal of a list) is simply not cached
            pass
        return coercer

    def _build(self, hint: Any) -> Coercer:  # noqa: C901 - one branch per kind of type is the clearest form
        if hint is Any or hint is object or isinstance(hint, typing.TypeVar | typing.ForwardRef | str):
            return _identity
        if hint is float:
            return _to_float
        if hint is int:
            return _to_int
        if hint is bool:
            return _to_bool
        if hint is str:
            return _to_str
        if hint is None or hint is type(None):
            return _to_none
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is typing.Annotated:
            return self(args[0])
        if origin in (Union, types.UnionType):
            return self._union(hint, args)
        if origin is Literal:
            return self._literal(args)
        if origin is tuple:
            return self._tuple(hint, args)
        if origin in (list, Sequence, typing.Sequence, set, frozenset) or hint in (list, Sequence):
            return self._list(hint, args[0] if args else Any)
        if origin in (dict, Mapping, typing.Mapping) or hint is dict:
            return self._dict(hint, args)
        if isinstance(hint, type) and issubclass(hint, DataObject):
            return self._data_object(hint)
        if isinstance(hint, type):
            name = hint.__name__

            def instance_of(value: Any) -> Any:
                if isinstance(value, hint):
                    return value
                raise _Invalid(name, value)

            return instance_of
        return _identity

    def _union(self, hint: Any, args: tuple[Any, ...]) -> Coercer:
        members = [a for a in args if a is not type(None)]
        optional = len(members) < len(args)
        if len(members) == 1:
            inner = self(members[0])

            def optional_of(value: Any) -> Any:
                return None if value is None else inner(value)

            return optional_of
        coercers = [self(m) for m in members]
        exact = [_exact_class(m) for m in members]
        expected = _describe(hint)

        def union_of(value: Any) -> Any:
            if value is None and optional:
                return None
            cls = value.__class__
            # An exact match wins so that ``Union[int, float]`` keeps 1 an int and True stays a bool.
            for match, coerce in zip(exact, coercers, strict=True):
                if match is not None and (cls is match or (match not in _SCALARS and isinstance(value, match))):
                    return coerce(value)
            for coerce in coercers:
                try:
                    return coerce(value)
                except _Invalid:
                    continue
            raise _Invalid(expected, value)

        return union_of

    def _literal(self, args: tuple[Any, ...]) -> Coercer:
        allowed = list(args)
        expected = " or ".join(repr(a) for a in allowed)

        def literal_of(value: Any) -> Any:
            if any(value == a and type(value) is type(a) for a in allowed):
                return value
            raise _Invalid(expected, value)

        return literal_of

    def _tuple(self, hint: Any, args: tuple[Any, ...]) -> Coercer:
        expected = _describe(hint)
        if not args or (len(args) == 2 and args[1] is Ellipsis):
            inner = self(args[0] if args else Any)

            def variadic_tuple(value: Any) -> tuple[Any, ...]:
                items = _as_sequence(value, expected)
                return tuple(_coerce_item(inner, item, index) for index, item in enumerate(items))

            return variadic_tuple
        if len(args) == 2 and args[0] is float and args[1] is float:

            def float_pair(value: Any) -> tuple[float, float]:
                kind = value.__class__
                if (kind is list or kind is tuple) and len(value) == 2:
                    a, b = value
                    if a.__class__ is float and b.__class__ is float:
                        return (a, b)
                else:
                    value = _as_sequence(value, expected)
                    if len(value) != 2:
                        raise _Invalid(expected, value)
                    a, b = value
                try:
                    return (_to_float(a), _to_float(b))
                except _Invalid as error:
                    raise _Invalid(expected, value) from error

            return float_pair
        if all(a is float for a in args):
            size = len(args)

            def float_tuple(value: Any) -> tuple[float, ...]:
                if value.__class__ is not tuple:
                    value = _as_sequence(value, expected)
                if len(value) != size:
                    raise _Invalid(expected, value)
                try:
                    return tuple([v if v.__class__ is float else _to_float(v) for v in value])
                except _Invalid as error:
                    raise _Invalid(expected, value) from error

            return float_tuple
        coercers = [self(a) for a in args]

        def fixed_tuple(value: Any) -> tuple[Any, ...]:
            items = _as_sequence(value, expected)
            if len(items) != len(coercers):
                raise _Invalid(expected, value)
            return tuple(
                _coerce_item(coerce, item, index)
                for index, (coerce, item) in enumerate(zip(coercers, items, strict=True))
            )

        return fixed_tuple

    def _list(self, hint: Any, item_hint: Any) -> Coercer:
        expected = _describe(hint)
        scalar = _exact_scalar(item_hint)
        inner = self(item_hint)
        if scalar is not None:

            def scalar_list(value: Any) -> list[Any]:
                items = _as_sequence(value, expected)
                try:
                    return [v if v.__class__ is scalar else inner(v) for v in items]
                except _Invalid:
                    pass
                return [_coerce_item(inner, item, index) for index, item in enumerate(items)]

            return scalar_list
        if isinstance(item_hint, type) and issubclass(item_hint, DataObject):
            cls = item_hint

            def object_list(value: Any) -> list[Any]:
                items = value if value.__class__ is list else _as_sequence(value, expected)
                # Revival of a list of dicts is the bulk of reading stored ground truths: go straight to the
                # element class's generated reader when the dict carries its tag (or none) and no more keys.
                plan = cls.__dict__.get("__assay_plan__") or _prepare(cls)
                read, tag, most = plan.from_dict, plan.tag, plan.key_count
                try:
                    return [
                        item
                        if item.__class__ is cls
                        else read(item)
                        if item.__class__ is dict and item.get(DATA_TYPE_KEY, tag) == tag and len(item) <= most
                        else inner(item)
                        for item in items
                    ]
                except _Invalid:
                    pass
                return [_coerce_item(inner, item, index) for index, item in enumerate(items)]

            return object_list

        def any_list(value: Any) -> list[Any]:
            items = _as_sequence(value, expected)
            return [_coerce_item(inner, item, index) for index, item in enumerate(items)]

        return any_list

    def _dict(self, hint: Any, args: tuple[Any, ...]) -> Coercer:
        key_coerce = self(args[0]) if args else _identity
        value_coerce = self(args[1]) if len(args) > 1 else _identity
        expected = _describe(hint)
        int_keys = bool(args) and args[0] is int

        def dict_of(value: Any) -> dict[Any, Any]:
            if not isinstance(value, Mapping):
                raise _Invalid(expected, value)
            out = {}
            for key, item in value.items():
                # JSON turns integer keys into strings; take them back.
                if int_keys and isinstance(key, str) and key.lstrip("-").isdigit():
                    key = int(key)
                try:
                    out[key_coerce(key)] = value_coerce(item)
                except _Invalid as error:
                    raise _Invalid(error.expected, error.value, f"[{key!r}]{error.path}") from None
            return out

        return dict_of

    def _data_object(self, cls: type[DataObject]) -> Coercer:
        name = cls.__name__

        def data_object(value: Any) -> Any:
            kind = value.__class__
            if kind is cls:
                return value
            if kind is dict:
                # The common revival: a dict of this very class, tagged with its tag (or untagged).
                plan = cls.__dict__.get("__assay_plan__") or _prepare(cls)
                tag = value.get(DATA_TYPE_KEY)
                if (tag is None or tag == plan.tag) and len(value) <= plan.key_count:
                    return plan.from_dict(value)
                return _revive_as(value, cls)
            if isinstance(value, cls):
                return value
            if isinstance(value, Mapping):
                return _revive_as(value, cls)
            raise _Invalid(name, value)

        return data_object


def _exact_class(hint: Any) -> type | None:
    if isinstance(hint, type):
        return hint
    return None


def _coerce_item(coerce: Coercer, item: Any, index: int) -> Any:
    try:
        return coerce(item)
    except _Invalid as error:
        raise _Invalid(error.expected, error.value, f"[{index}]{error.path}") from None


_coercer_for = _CoercerFactory()


# --- serialisation


def to_plain(value: Any) -> Any:
    """Turn any value that a data object may hold into plain JSON-able Python values.

    Data objects become their ``_to_dict()``, tuples and arrays become lists, numpy scalars become Python
    numbers, mapping keys become strings. NaN and infinities stay floats.

    Args:
        value: The value to convert.

    Returns:
        The plain value.

    Raises:
        InputValidationError: A value of a type that cannot be stored (a set, a file handle, ...).
    """
    cls = value.__class__
    if value is None or cls is str or cls is float or cls is int or cls is bool:
        return value
    if isinstance(value, DataObject):
        return value._to_dict()
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k if k.__class__ is str else str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return to_plain(value.tolist())
    if isinstance(value, np.generic):
        return to_plain(value.item())
    for scalar in (bool, int, float, str):  # subclasses of the scalars, e.g. an IntEnum member
        if isinstance(value, scalar):
            return scalar(value)
    raise InputValidationError(f"cannot serialise a value of type {cls.__name__}: {_short_repr(value)}")


def revive(value: Any) -> Any:
    """Rebuild data objects inside a plain value: every mapping carrying a known ``data_type`` tag.

    Args:
        value: A value produced by :func:`to_plain` (or parsed from its JSON).

    Returns:
        The same value with tagged mappings turned back into data objects.
    """
    if isinstance(value, list):
        return [revive(v) for v in value]
    if isinstance(value, Mapping):
        tag = value.get(DATA_TYPE_KEY)
        if isinstance(tag, str):
            classes = classes_for_tag(tag)
            if classes:
                return _revive_as(value, classes[0])
        return {k: revive(v) for k, v in value.items()}
    return value


def classes_for_tag(tag: str) -> list[type[DataObject]]:
    """All live classes that carry a ``data_type`` tag, in the order they were defined (the base first).

    Args:
        tag: A tag such as ``"ANNOTATION/BOUNDING_BOX"``.

    Returns:
        The classes; empty when no class carries the tag.
    """
    refs = _TAG_REGISTRY.get(tag, [])
    return [cls for cls in (ref() for ref in refs) if cls is not None]


def _revive_as(data: Mapping[str, Any], declared: type[DataObject]) -> DataObject:
    """Rebuild ``data`` as ``declared`` or, when its keys say so, as the best-fitting subclass with its tag.

    A ``List[BoundingBox]`` field may hold ``LabeledBoundingBox`` objects; they share a tag, so the keys decide:
    the subclass whose declared fields are all present and that explains the most keys wins, the declared class
    on a tie.
    """
    plan = _prepare(declared)
    tag = data.get(DATA_TYPE_KEY)
    target: type[DataObject] = declared
    if isinstance(tag, str) and tag != plan.tag:
        tagged = [c for c in classes_for_tag(tag) if issubclass(c, declared)]
        if not tagged:
            raise _Invalid(declared.__name__, data)
        target = tagged[0]
    if len(data) > plan.key_count:
        target = _best_subclass(target, frozenset(data))
    revived: DataObject = _prepare(target).from_dict(data)
    return revived


_SUBCLASS_CHOICE: dict[tuple[type, frozenset[str]], type] = {}


def _best_subclass(declared: type[DataObject], keys: frozenset[str]) -> type[DataObject]:
    found = _SUBCLASS_CHOICE.get((declared, keys))
    if found is not None:
        return found
    best: type[DataObject] = declared
    best_score = len(_prepare(declared).all_names & keys)
    tag = _prepare(declared).tag
    for candidate in classes_for_tag(tag) if tag else []:
        if candidate is declared or not issubclass(candidate, declared):
            continue
        plan = _prepare(candidate)
        if not plan.required_names <= keys:
            continue
        score = len(plan.all_names & keys)
        if score > best_score:
            best, best_score = candidate, score
    _SUBCLASS_CHOICE[(declared, keys)] = best
    return best


# --- per-class plans


@dataclasses.dataclass(eq=False)
class _FieldPlan:
    name: str
    hint: Any
    init: bool
    kw_only: bool
    default: Any
    default_factory: Any
    coerce: Coercer


@dataclasses.dataclass(eq=False)
class _Plan:
    cls: type[DataObject]
    fields: list[_FieldPlan]
    tag: str | None
    init: Callable[..., None]
    to_dict: Callable[[Any], dict[str, Any]]
    from_dict: Callable[[Mapping[str, Any]], Any]
    all_names: frozenset[str]
    required_names: frozenset[str]
    key_count: int


def _field_error(cls: type, name: str, error: _Invalid) -> InputValidationError:
    return InputValidationError(
        f"{cls.__name__}.{name}{error.path}: expected {error.expected}, got {_short_repr(error.value)} "
        f"({type(error.value).__name__})",
        data_type=cls.__name__,
        field=name,
    )


def _serialiser_expression(hint: Any, var: str, namespace: dict[str, Any], depth: int = 0) -> str:
    """A Python expression turning the already-coerced value in ``var`` into its plain form."""
    if hint in _SCALARS:
        return var
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1 and len(members) < len(args):
            inner = _serialiser_expression(members[0], var, namespace, depth)
            return var if inner == var else f"(None if {var} is None else {inner})"
        return f"__plain({var})"
    if origin is tuple:
        if args and all(a in _SCALARS for a in args if a is not Ellipsis):
            return f"list({var})"
        return f"__plain({var})"
    if origin in (list, Sequence, typing.Sequence):
        item = args[0] if args else Any
        if item in _SCALARS:
            return f"list({var})"
        item_var = f"__i{depth}"
        inner = _serialiser_expression(item, item_var, namespace, depth + 1)
        if inner.startswith("__plain("):
            return f"__plain({var})"
        return f"[{inner} for {item_var} in {var}]"
    if isinstance(hint, type) and issubclass(hint, DataObject):
        return f"{var}._to_dict()"
    return f"__plain({var})"


def _own_post_init(cls: type) -> Callable[[Any], None] | None:
    post_init = getattr(cls, "__post_init__", None)
    if post_init is None:
        return None
    # pydantic.v1 wraps __post_init__ in its validation; ours replaces that validation, so call the original.
    while hasattr(post_init, "__wrapped__"):
        post_init = post_init.__wrapped__
    return post_init  # type: ignore[no-any-return]


def _resolve_hints(cls: type) -> dict[str, Any]:
    try:
        # The class itself, and the classes in scope where it was declared, for string annotations.
        localns = {**getattr(cls, "__assay_localns__", {}), cls.__name__: cls}
        return typing.get_type_hints(cls, localns=localns)
    except NameError as error:
        raise InputValidationError(
            f"{cls.__name__}: cannot resolve the type of a field ({error}); define the types it uses at module level",
            data_type=cls.__name__,
        ) from None


def _field_defaults(f: dataclasses.Field[Any]) -> tuple[Any, Any]:
    """A field's default and default factory, looking inside a pydantic ``Field(...)`` used as the default."""
    default, factory = f.default, f.default_factory
    if type(default).__name__ == "FieldInfo":
        inner = getattr(default, "default", _MISSING)
        inner_factory = getattr(default, "default_factory", None)
        default = _MISSING if type(inner).__name__ in ("PydanticUndefinedType", "UndefinedType") else inner
        factory = inner_factory if inner_factory is not None else factory
    return default, factory


def _make_dataclass(cls: type) -> None:
    """Give an undecorated subclass its own frozen dataclass machinery, in place."""
    dataclasses.dataclass(frozen=True)(cls)


def _prepare(cls: type[DataObject]) -> _Plan:  # noqa: C901 - the steps read best in one place
    plan: _Plan | None = cls.__dict__.get("__assay_plan__")
    if plan is not None:
        return plan
    if "__dataclass_fields__" not in cls.__dict__:
        _make_dataclass(cls)
    params = cls.__dict__.get("__dataclass_params__")
    if params is not None and not params.frozen:
        raise TypeError(f"{cls.__name__} must be a frozen dataclass: declare it with @dataclass(frozen=True)")
    if "__slots__" in cls.__dict__:
        # Fields live in the instance dict next to the extras; slot descriptors would hide them.
        raise TypeError(f"{cls.__name__}: data types cannot use __slots__ (declare it without slots=True)")
    hints = _resolve_hints(cls)
    validate = getattr(cls, "__assay_validate__", None)
    if validate is not None:
        validate()
    role = getattr(cls, "__assay_role__", None)
    tag: str | None = getattr(cls, "__assay_data_type__", None)
    namespace: dict[str, Any] = {
        "__cls": cls,
        "__new": object.__new__,
        "__plain": to_plain,
        "__float": float,
        "__tuple": tuple,
        "__list": list,
        "__int": int,
        "__str": str,
        "__MISSING": _MISSING,
        "__set_extras": _set_extras,
        "__extras_into": _extras_into,
        "__Invalid": _Invalid,
        "__field_error": _field_error,
    }
    field_plans: list[_FieldPlan] = []
    for f in dataclasses.fields(cls):
        if f.name == DATA_TYPE_KEY:
            raise InputValidationError(
                f"{cls.__name__}: a field may not be named {DATA_TYPE_KEY!r}; the name is reserved for the type tag",
                data_type=cls.__name__,
                field=f.name,
            )
        hint = hints.get(f.name, Any)
        coerce = _coercer_for(hint)
        default, default_factory = _field_defaults(f)
        field_plans.append(
            _FieldPlan(
                name=f.name,
                hint=hint,
                init=f.init,
                kw_only=bool(f.kw_only),
                default=default,
                default_factory=default_factory,
                coerce=coerce,
            )
        )
    excluded = {"metadata"} if role == "test_sample" else set[str]()
    post_init = _own_post_init(cls)
    namespace["__post"] = post_init
    init = _compile_init(cls, field_plans, namespace, post_init is not None)
    to_dict = _compile_to_dict(cls, field_plans, namespace, tag, excluded)
    names = frozenset(f.name for f in field_plans)
    required = frozenset(
        f.name for f in field_plans if f.init and f.default is _MISSING and f.default_factory is _MISSING
    )
    serialised = [f.name for f in field_plans if f.name not in excluded]
    from_dict = _compile_from_dict(
        cls,
        field_plans,
        namespace,
        len(serialised) + (1 if tag else 0),
        excluded,
        tag is not None,
        inline_init=_is_ours(cls.__dict__.get("__init__")),
        has_post_init=post_init is not None,
    )
    plan = _Plan(
        cls=cls,
        fields=field_plans,
        tag=tag,
        init=init,
        to_dict=to_dict,
        from_dict=from_dict,
        all_names=names | ({DATA_TYPE_KEY} if tag else set()),
        required_names=required,
        key_count=len(serialised) + (1 if tag else 0),
    )
    type.__setattr__(cls, "__assay_plan__", plan)
    if getattr(cls.__dict__.get("__init__"), "__assay_lazy__", False):
        type.__setattr__(cls, "__init__", init)
    type.__setattr__(cls, "_to_dict", to_dict)
    type.__setattr__(cls, "_from_dict", staticmethod(from_dict))
    return plan


def _compile(source: str, namespace: dict[str, Any], name: str) -> Callable[..., Any]:
    local: dict[str, Any] = {}
    exec(compile(source, f"<assay generated {name}>", "exec"), namespace, local)  # noqa: S102
    return local[name]  # type: ignore[no-any-return]


def _value_expression(field: _FieldPlan) -> str:
    var = field.name
    hint = field.hint
    if typing.get_origin(hint) is tuple and typing.get_args(hint) in ((float, float), (float, float, float)):
        # Points and boxes are the bulk of the data: accept a tuple of floats without a call.
        size = len(typing.get_args(hint))
        checks = " and ".join(f"{var}[{i}].__class__ is __float" for i in range(size))
        items = ", ".join(f"{var}[{i}]" for i in range(size))
        return (
            f"({var} if {var}.__class__ is __tuple and len({var}) == {size} and {checks} "
            f"else ({items}) if {var}.__class__ is __list and len({var}) == {size} and {checks} "
            f"else __c_{var}({var}))"
        )
    check = {float: "__float", int: "__int", str: "__str"}.get(field.hint)
    if check is not None:
        return f"({var} if {var}.__class__ is {check} else __c_{var}({var}))"
    if field.hint is bool:
        return f"({var} if {var} is True or {var} is False else __c_{var}({var}))"
    return f"__c_{var}({var})"


def _init_statements(fields: list[_FieldPlan], namespace: dict[str, Any], has_post_init: bool) -> list[str]:
    """The body shared by the generated ``__init__`` and ``_from_dict``: check, coerce and store every field.

    Expects the instance in ``__self``, each init field's value in a local of the field's name, and the extras
    in ``__extras``.
    """
    body: list[str] = ["    __d = __self.__dict__", "    __f = None", "    try:"]
    for f in fields:
        namespace[f"__c_{f.name}"] = f.coerce
        namespace[f"__dv_{f.name}"] = f.default
        namespace[f"__df_{f.name}"] = f.default_factory
        if f.init:
            if f.default is _MISSING and f.default_factory is not _MISSING:
                body.append(f"        if {f.name} is __MISSING: {f.name} = __df_{f.name}()")
            body.append(f"        __f = {f.name!r}")
            body.append(f"        __d[{f.name!r}] = {_value_expression(f)}")
        elif f.default is not _MISSING:
            body.append(f"        __d[{f.name!r}] = __dv_{f.name}")
        elif f.default_factory is not _MISSING:
            body.append(f"        __d[{f.name!r}] = __df_{f.name}()")
    body.append("        pass")
    body.append("    except __Invalid as __e:")
    body.append("        raise __field_error(__cls, __f, __e) from None")
    body.append("    if __extras: __set_extras(__cls, __d, __extras)")
    if has_post_init:
        body.append("    __post(__self)")
    return body


def _compile_init(
    cls: type, fields: list[_FieldPlan], namespace: dict[str, Any], has_post_init: bool
) -> Callable[..., None]:
    # Parameters are the field names themselves; every helper in the namespace starts with "__", which no
    # dataclass field can (such names are mangled), so nothing is shadowed.
    positional: list[str] = []
    keyword: list[str] = []
    for f in fields:
        if not f.init:
            continue
        if f.default is not _MISSING:
            param = f"{f.name}=__dv_{f.name}"
        elif f.default_factory is not _MISSING:
            param = f"{f.name}=__MISSING"
        else:
            param = f.name
        (keyword if f.kw_only else positional).append(param)
    body = _init_statements(fields, namespace, has_post_init)
    # ``self`` is positional-only under a name no field can take, so an extra named "self" is just an extra.
    params = ", ".join(["__self", "/", *positional, *(["*", *keyword] if keyword else []), "**__extras"])
    source = f"def __init__({params}):\n" + "\n".join(body) + "\n"
    init = _compile(source, namespace, "__init__")
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__assay_generated__ = True  # type: ignore[attr-defined]
    return init


def _set_extras(cls: type, target: dict[str, Any], extras: dict[str, Any]) -> None:
    for name, value in extras.items():
        if name == DATA_TYPE_KEY:
            continue
        if not name.isidentifier() or name.startswith("__"):
            raise InputValidationError(f"{cls.__name__}: {name!r} is not a valid field name", data_type=cls.__name__)
        target[name] = value


def _extras_into(state: dict[str, Any], out: dict[str, Any], declared: frozenset[str]) -> None:
    for key, value in state.items():
        if key not in declared and not key.startswith("__"):
            out[key] = to_plain(value)


def _compile_to_dict(
    cls: type,
    fields: list[_FieldPlan],
    namespace: dict[str, Any],
    tag: str | None,
    excluded: set[str],
) -> Callable[[Any], dict[str, Any]]:
    items = [
        f"{f.name!r}: {_serialiser_expression(f.hint, f'__d[{f.name!r}]', namespace)}"
        for f in fields
        if f.name not in excluded
    ]
    namespace["__declared"] = frozenset(f.name for f in fields)
    lines = [
        "def _to_dict(self):",
        "    __d = self.__dict__",
        "    __r = {" + ", ".join(items) + "}",
        f"    if len(__d) > {len(fields)}: __extras_into(__d, __r, __declared)",
    ]
    if tag is not None:
        lines.append(f"    __r[{DATA_TYPE_KEY!r}] = {tag!r}")
    lines.append("    return __r")
    to_dict = _compile("\n".join(lines) + "\n", namespace, "_to_dict")
    to_dict.__doc__ = DataObject._to_dict.__doc__
    to_dict.__qualname__ = f"{cls.__qualname__}._to_dict"
    return to_dict


def _compile_from_dict(
    cls: type,
    fields: list[_FieldPlan],
    namespace: dict[str, Any],
    key_count: int,
    excluded: set[str],
    has_tag: bool,
    inline_init: bool,
    has_post_init: bool,
) -> Callable[[Mapping[str, Any]], Any]:
    init_fields = [f for f in fields if f.init]
    derived = frozenset(f.name for f in fields if not f.init)
    init_names = frozenset(f.name for f in init_fields)
    required = [f.name for f in init_fields if f.default is _MISSING and f.default_factory is _MISSING]
    cls_name = cls.__name__

    def slow(data: Mapping[str, Any]) -> Any:
        if not isinstance(data, Mapping):
            raise InputValidationError(
                f"{cls_name}: expected a mapping of field values, got {type(data).__name__}",
                data_type=cls_name,
            )
        missing = [name for name in required if name not in data]
        if missing:
            raise InputValidationError(
                f"{cls_name}: missing required field(s) {', '.join(missing)}",
                data_type=cls_name,
                field=missing[0],
            )
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in init_names:
                kwargs[key] = value
            elif key == DATA_TYPE_KEY or key in derived:
                continue
            else:
                kwargs[key] = revive(value)
        return cls(**kwargs)

    namespace["__slow"] = slow
    namespace["__dict_cls"] = dict
    # Keys the fast path does not read must still be the expected ones, or an extra would be dropped.
    unread = sorted(derived) + ([DATA_TYPE_KEY] if has_tag else [])
    checks = "".join(f" or {key!r} not in __data" for key in unread)
    lines = [
        "def __from_dict(__data):",
        f"    if __data.__class__ is not __dict_cls or len(__data) != {key_count}{checks}:",
        "        return __slow(__data)",
        "    try:",
        "        pass",
    ]
    for f in init_fields:
        if f.name not in excluded:
            lines.append(f"        {f.name} = __data[{f.name!r}]")
        elif f.default is not _MISSING:
            lines.append(f"        {f.name} = __dv_{f.name}")
        else:
            lines.append(f"        {f.name} = __MISSING")
    lines += ["    except KeyError:", "        return __slow(__data)"]
    if inline_init:
        # The common case, "every serialised field and nothing else", builds the object in place: one call.
        lines += ["    __self = __new(__cls)", "    __extras = None"]
        lines += _init_statements(fields, namespace, has_post_init)
        lines.append("    return __self")
    else:
        lines.append(f"    return __cls({', '.join(f'{f.name}={f.name}' for f in init_fields)})")
    source = "\n".join(lines) + "\n"
    return _compile(source, namespace, "__from_dict")


# --- the public base classes


class _DataObjectMeta(ABCMeta):
    """Gives every data class lazily generated ``__init__``, ``_to_dict``, ``_from_dict``; registers tags."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> _DataObjectMeta:
        # An ``__init__`` already in the class body stops the dataclass decorator from writing its own; ours
        # is replaced by the generated constructor on first use.
        if "__init__" not in namespace:
            namespace["__init__"] = _make_lazy_init()
        for base in bases:
            # A base still without its own dataclass fields was declared without a decorator (one would have run
            # by now): make it a dataclass before a decorated subclass collects the fields of its bases.
            if isinstance(base, _DataObjectMeta) and "__dataclass_fields__" not in base.__dict__:
                _make_dataclass(base)
        caller = sys._getframe(1)
        if caller.f_code.co_flags & inspect.CO_OPTIMIZED:
            # Declared inside a function: remember the classes in scope there, so that string annotations
            # (``from __future__ import annotations``) naming other local classes still resolve later.
            namespace["__assay_localns__"] = {k: v for k, v in caller.f_locals.items() if isinstance(v, type)}
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        # Each class gets its own entry points, so that a subclass never runs its parent's generated code.
        if "_to_dict" not in namespace:
            type.__setattr__(cls, "_to_dict", _lazy_to_dict)
        if "_from_dict" not in namespace:
            type.__setattr__(cls, "_from_dict", classmethod(_lazy_from_dict))
        tag = namespace.get("__assay_data_type__", getattr(cls, "__assay_data_type__", None))
        if isinstance(tag, str):
            _TAG_REGISTRY.setdefault(tag, []).append(weakref.ref(typing.cast("type[DataObject]", cls)))
        return cls

    def __setattr__(cls, name: str, value: Any) -> None:
        # pydantic's dataclass decorators install their own validating ``__init__``; the generated one applies
        # the same coercion rules to every declaration style, so it is kept.
        # pydantic.v1 also converts dataclasses it meets as field types, so this holds after preparation too.
        if name == "__init__" and _is_ours(cls.__dict__.get("__init__")):
            return
        super().__setattr__(name, value)


def _is_ours(init: Any) -> bool:
    return bool(getattr(init, "__assay_lazy__", False) or getattr(init, "__assay_generated__", False))


def _make_lazy_init() -> Callable[..., None]:
    def __init__(self: DataObject, /, *args: Any, **kwargs: Any) -> None:
        _prepare(type(self)).init(self, *args, **kwargs)

    __init__.__assay_lazy__ = True  # type: ignore[attr-defined]
    return __init__


def _lazy_to_dict(self: DataObject) -> dict[str, Any]:
    return _prepare(type(self)).to_dict(self)


def _lazy_from_dict(cls: type[DataObject], data: Mapping[str, Any]) -> Any:
    return _prepare(cls).from_dict(data)


@dataclasses.dataclass(frozen=True)
class DataObject(metaclass=_DataObjectMeta):
    """The base of every data type: a frozen dataclass, validated and coerced on construction.

    Subclass it (usually through ``TestSample``, ``GroundTruth``, ``Inference`` or a metrics class) and declare
    fields with type annotations. ``@dataclass(frozen=True)``, pydantic dataclasses and no decorator at all are
    all accepted. Keyword arguments that match no field are kept as extra attributes: they are serialised with
    the object and ignored by equality.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Point(DataObject):
        ...     x: float
        ...     y: float
        >>> p = Point(1, 2, note="corner")
        >>> p.x, p.note, p._to_dict()
        (1.0, 'corner', {'x': 1.0, 'y': 2.0, 'note': 'corner'})
    """

    __assay_role__: ClassVar[str] = "data_object"

    def _to_dict(self) -> dict[str, Any]:
        """This object as a plain dict: declared fields in order, then extras, then its ``data_type`` tag."""
        return _prepare(type(self)).to_dict(self)

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any]) -> Any:
        """Rebuild an object of this class from the dict :meth:`_to_dict` made.

        Raises:
            InputValidationError: a missing required field or a value of the wrong type.
        """
        return _prepare(cls).from_dict(data)

    def toDict(self) -> dict[str, Any]:  # noqa: N802 - the name pandas looks for when writing JSON
        """Alias of :meth:`_to_dict`, the name that pandas' JSON writer calls."""
        return self._to_dict()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """How pydantic 2 validates this type where it meets it (a model field, a ``TypeAdapter``).

        Assay's own rules apply: an instance passes as is, a dict is revived, anything else is refused. Having
        this also keeps pydantic 2 from falling back to the ``__get_validators__`` that ``pydantic.v1`` adds to
        dataclasses it meets as field types.
        """
        from pydantic_core import core_schema

        coerce = _coercer_for(cls)

        def validate(value: Any) -> Any:
            try:
                return coerce(value)
            except _Invalid as error:
                raise ValueError(f"expected {error.expected}, got {_short_repr(error.value)}") from None

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda value: value._to_dict()),
        )

    @classmethod
    def __assay_prepare__(cls) -> None:
        """Finish the class for use: make an undecorated subclass a dataclass and generate its fast paths."""
        _prepare(cls)

    def __str__(self) -> str:
        state = self.__dict__
        declared = {f.name for f in dataclasses.fields(self)}
        parts = [f"{f.name}={state[f.name]!r}" for f in dataclasses.fields(self) if f.name in state]
        parts += [f"{k}={v!r}" for k, v in state.items() if k not in declared and not k.startswith("__")]
        return f"{type(self).__name__}({', '.join(parts)})"


class TypedDataObject(DataObject):
    """A data object whose serialised form carries a ``data_type`` tag such as ``ANNOTATION/BOUNDING_BOX``.

    The tag is the class attribute ``__assay_data_type__``; subclasses inherit it, so a user's ``Image``
    subclass is still a ``TEST_SAMPLE/IMAGE``.
    """

    __assay_data_type__: ClassVar[str | None] = None

    @classmethod
    def _data_type(cls) -> str:
        """The tag this class writes under ``data_type``."""
        tag = cls.__assay_data_type__
        if tag is None:  # pragma: no cover - every concrete typed family sets one
            raise TypeError(f"{cls.__name__} has no data_type tag")
        return tag
