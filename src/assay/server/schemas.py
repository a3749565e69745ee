"""Request bodies of ``/api/v1`` and the few responses that are not service records.

Data objects (samples, ground truths, inferences, metrics) are untyped dicts here: the service checks them,
and validating each of 100,000 rows twice would only cost time.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay.service.models import (
    ConfigurationIn,
    InitManyItem,
    SampleMetricsRow,
    SampleRow,
    TestCaseMetricsRow,
)

__all__ = [
    "Count",
    "CrashIn",
    "CreateModelIn",
    "CreateTestCaseIn",
    "CreateTestRunIn",
    "CreateTestSuiteIn",
    "EditTestCaseIn",
    "EditTestSuiteIn",
    "Health",
    "InitManyIn",
    "RegisterWorkflowIn",
    "SampleMetricsIn",
    "TestCaseMetricsIn",
    "TestSuiteMetricsIn",
    "UploadInferencesIn",
]

JsonDict = dict[str, Any]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(BaseModel):
    """The server is up."""

    status: str = "ok"
    version: str


class Count(BaseModel):
    """How many rows a bulk upload stored."""

    count: int


class RegisterWorkflowIn(_Body):
    """A workflow's name and the type schema of its data."""

    name: str
    schema_: JsonDict = Field(alias="schema")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CreateTestCaseIn(_Body):
    """A new, empty test case."""

    workflow: str
    name: str
    description: str = ""


class EditTestCaseIn(_Body):
    """One edit of a test case, applied on top of the version in the path."""

    description: str | None = None
    reset: bool = False
    add: list[SampleRow] | None = None
    remove: list[JsonDict] | None = None


class InitManyIn(_Body):
    """Test cases to create or load together."""

    workflow: str
    items: list[InitManyItem]
    reset: bool = False


class CreateTestSuiteIn(_Body):
    """A new test suite."""

    workflow: str
    name: str
    description: str = ""
    test_case_ids: list[int] | None = None
    tags: list[str] | None = None


class EditTestSuiteIn(_Body):
    """One edit of a test suite, applied on top of the version in the path; ``None`` leaves a part as is."""

    description: str | None = None
    test_case_ids: list[int] | None = None
    tags: list[str] | None = None


class CreateModelIn(_Body):
    """A new model."""

    workflow: str
    name: str
    metadata: JsonDict | None = None
    tags: list[str] | None = None


class UploadInferencesIn(_Body):
    """``[test_sample, inference]`` pairs of one model."""

    rows: list[tuple[JsonDict, JsonDict]]
    reset: bool = False


class CreateTestRunIn(_Body):
    """The (model, suite version, evaluator) of a test run, and configurations to add to it."""

    model_id: int
    test_suite_id: int
    evaluator: str | None = None
    configurations: list[ConfigurationIn] | None = None


class SampleMetricsIn(_Body):
    """Per-sample metrics of one configuration (``null``: the evaluator has no configuration)."""

    configuration: str | None = None
    rows: list[SampleMetricsRow]


class TestCaseMetricsIn(_Body):
    """Test-case metrics and plots of one configuration."""

    configuration: str | None = None
    rows: list[TestCaseMetricsRow]


class TestSuiteMetricsIn(_Body):
    """The suite metrics of one configuration; storing them marks the configuration complete."""

    configuration: str | None = None
    metrics: JsonDict | None = None


class CrashIn(_Body):
    """Why the client gave up on a test run."""

    message: str
