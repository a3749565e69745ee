"""The error codes, their documentation in docs/errors.md, and their trip through the wire."""

from __future__ import annotations

import builtins
import re
from pathlib import Path

import orjson
import pytest

import assay.errors
from assay.errors import (
    ERROR_CLASSES,
    AssayError,
    NotFoundError,
    PermissionDeniedError,
    RemoteError,
    UnauthenticatedError,
    error_from_payload,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "errors.md"
CLASSES = sorted(ERROR_CLASSES.values(), key=lambda cls: cls.code)


def sections() -> dict[str, str]:
    """Each ``## `code` `` section of docs/errors.md, by code."""
    parts = re.split(r"^## `([a-z_]+)`\s*$", DOCS.read_text(), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_code_has_a_section_and_every_section_a_code() -> None:
    assert sorted(sections()) == sorted(ERROR_CLASSES)


def test_codes_are_unique_across_classes() -> None:
    public = [getattr(assay.errors, name) for name in assay.errors.__all__]
    codes = [cls.code for cls in public if isinstance(cls, type) and issubclass(cls, AssayError)]
    assert len(codes) == len(set(codes)) == len(ERROR_CLASSES)


@pytest.mark.parametrize("error_class", CLASSES, ids=lambda cls: cls.code)
def test_the_section_names_the_class_its_status_and_its_builtins(error_class: type[AssayError]) -> None:
    text = sections()[error_class.code]
    header = text.strip().split(". ", 1)[0]
    assert f"**`{error_class.__name__}`**" in header
    assert f"HTTP {error_class.status_code}" in header
    documented = set(re.findall(r"also `(\w+)`", header))
    inherited = {
        base.__name__
        for cls in error_class.__mro__
        if issubclass(cls, AssayError)
        for base in cls.__bases__
        if base is not Exception and vars(builtins).get(base.__name__) is base
    }
    assert documented == inherited


@pytest.mark.parametrize("error_class", CLASSES, ids=lambda cls: cls.code)
def test_the_section_has_an_example(error_class: type[AssayError]) -> None:
    assert re.search(r"```(python|shell)\n.+?```", sections()[error_class.code], flags=re.DOTALL)


@pytest.mark.parametrize("error_class", CLASSES, ids=lambda cls: cls.code)
def test_an_error_survives_the_wire_as_the_same_class(error_class: type[AssayError]) -> None:
    error = error_class("test case 'cars' has no version 3", name="cars", version=3)
    payload = orjson.loads(orjson.dumps(error.to_payload()))
    rebuilt = error_from_payload(payload, error_class.status_code)
    assert type(rebuilt) is error_class
    assert str(rebuilt) == str(error)
    assert rebuilt.details == {"name": "cars", "version": 3}


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, UnauthenticatedError), (403, PermissionDeniedError), (404, NotFoundError), (409, RemoteError)],
)
def test_an_unknown_code_falls_back_on_the_status(status: int, expected: type[AssayError]) -> None:
    error = error_from_payload({"code": "from_a_newer_server", "message": "m"}, status)
    assert type(error) is expected
    assert str(error) == "m"
