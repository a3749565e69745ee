"""Typed records that the service returns and both transports carry.

These are plain pydantic models: no SQLAlchemy here. The server uses them as its response models, the HTTP
transport parses responses into them, and the local transport hands them over as they are, so user code
sees the same objects on both transports.

Data objects (test samples, ground truths, inferences, metrics, plots) travel as the JSON-able dicts that
``DataObject._to_dict()`` produces; the client turns them back into the user's classes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ConfigurationIn",
    "ConfigurationRecord",
    "InferenceRow",
    "InitManyItem",
    "InitManyResult",
    "ModelRecord",
    "PluralResults",
    "Results",
    "SampleMetricsRow",
    "SampleRow",
    "TestCaseMetricsRow",
    "TestCaseRecord",
    "TestRunRecord",
    "TestSuiteRecord",
    "TokenRecord",
    "WorkflowRecord",
]

JsonDict = dict[str, Any]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Records named Test* are not pytest test classes when a test module imports them.
    __test__: ClassVar[bool] = False


class WorkflowRecord(_Record):
    """A workflow: its name (its identity) and the type schema of its data (see ``assay.schema``)."""

    id: int
    name: str
    schema_: JsonDict | None = Field(default=None, alias="schema")
    created: datetime

    model_config = ConfigDict(frozen=True, populate_by_name=True)


class TestCaseRecord(_Record):
    """One version of a test case.

    ``id`` identifies this version; ``entity_id`` the test case across its versions.
    """

    id: int
    entity_id: int
    name: str
    version: int
    description: str
    workflow: str
    n_samples: int
    created: datetime


class TestSuiteRecord(_Record):
    """One version of a test suite, with the exact test-case versions it holds, in order."""

    id: int
    entity_id: int
    name: str
    version: int
    description: str
    workflow: str
    tags: list[str]
    test_cases: list[TestCaseRecord]
    created: datetime


class ModelRecord(_Record):
    """A model: a name, free-form metadata and tags. Models are black boxes; only inferences are stored."""

    id: int
    name: str
    workflow: str
    metadata: JsonDict
    tags: list[str]
    created: datetime


class ConfigurationIn(_Record):
    """An evaluator configuration as sent by the client; ``display_name`` is its identity within a run."""

    display_name: str
    configuration: JsonDict | None = None


class ConfigurationRecord(ConfigurationIn):
    """An evaluator configuration of a test run."""

    id: int


class TestRunRecord(_Record):
    """The test of one model on one test-suite version with one evaluator (by name).

    Running the same (model, suite version, evaluator) again returns the same run; new configurations are
    added to it. ``completed`` lists the display names of the configurations whose suite metrics were stored
    (``None`` stands for "no configuration"): their results are whole.
    """

    id: int
    model_id: int
    test_suite_id: int
    evaluator: str | None
    configurations: list[ConfigurationRecord]
    completed: list[str | None] = Field(default_factory=list)
    created: datetime


class SampleRow(_Record):
    """A test sample (``_to_dict()`` without metadata), its metadata, and its ground truth in a test case."""

    test_sample: JsonDict
    metadata: JsonDict | None = None
    ground_truth: JsonDict | None = None


class InferenceRow(SampleRow):
    """A sample of a test case with the stored inference of one model (``None`` when there is none)."""

    inference: JsonDict | None = None


class SampleMetricsRow(_Record):
    """Per-sample metrics of one sample, computed within one test case (``None``: suite-wide)."""

    test_sample: JsonDict
    metrics: JsonDict
    test_case_id: int | None = None


class TestCaseMetricsRow(_Record):
    """The metrics (and plots) of one test-case version."""

    test_case_id: int
    metrics: JsonDict | None = None
    plots: list[JsonDict] | None = None


class InitManyItem(_Record):
    """One entry of ``init_many_test_cases``: a name and its samples."""

    name: str
    samples: list[SampleRow]


class InitManyResult(_Record):
    """What ``init_many_test_cases`` did with one entry: ``created``, ``loaded`` or ``edited``."""

    test_case: TestCaseRecord
    status: str


class Results(_Record):
    """The stored results of the latest run of a model on a suite version, for one configuration."""

    test_run: TestRunRecord
    configuration: str | None
    test_suite_metrics: JsonDict | None
    test_case_metrics: list[TestCaseMetricsRow]
    test_sample_metrics: list[SampleMetricsRow]


class PluralResults(_Record):
    """Results of one run for each of its configurations."""

    results: list[Results]


class TokenRecord(_Record):
    """An API token as stored: never the secret itself."""

    id: int
    name: str
    prefix: str
    created: datetime
    revoked: datetime | None = None
