"""The HTTP transport: the workflow API against an Assay server's ``/api/v1``.

:class:`HttpTransport` implements :class:`assay.client.base.Transport` with httpx. It returns the same records
and raises the same :mod:`assay.errors` classes as the in-process transport: the server sends an error as
``{"code", "message", "details"}`` and this transport raises that class again.

Bodies are JSON in which a non-finite float travels as ``{"$assay:float": "NaN"}`` (``"Infinity"``,
``"-Infinity"``), encoded and decoded by :mod:`assay._wire` as on the server.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import orjson
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pydantic_core
from pydantic import BaseModel, TypeAdapter, ValidationError

from assay._bulk import gc_paused
from assay._wire import decode, encode
from assay.errors import (
    AssayError,
    InputValidationError,
    InvalidClientStateError,
    TransportError,
    error_from_payload,
)
from assay.service.models import (
    ConfigurationIn,
    InferenceRow,
    InitManyItem,
    InitManyResult,
    ModelRecord,
    Results,
    SampleMetricsRow,
    SampleRow,
    TestCaseMetricsRow,
    TestCaseRecord,
    TestRunRecord,
    TestSuiteRecord,
    WorkflowRecord,
)

__all__ = [
    "CONNECT_TIMEOUT",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_TIMEOUT",
    "PAGE_LIMIT_HEADER",
    "HttpTransport",
    "decode_body",
    "encode_body",
]

#: Seconds to wait for the server, per request (bulk uploads of 100,000 rows included).
DEFAULT_TIMEOUT = 300.0

#: Seconds to wait for a connection to the server.
CONNECT_TIMEOUT = 10.0

#: Rows asked for per request when reading a long list.
DEFAULT_PAGE_SIZE = 10_000

#: The response header in which the server says how many rows it allowed in a page.
PAGE_LIMIT_HEADER = "X-Assay-Page-Limit"

_API_PREFIX = "/api/v1"
RecordT = TypeVar("RecordT", bound=BaseModel)
T = TypeVar("T")


def encode_body(value: dict[str, Any]) -> bytes:
    """Encode a request body (a dict of records and JSON-able data), non-finite floats tagged."""
    return encode(value)


def decode_body(body: bytes) -> Any:
    """Decode a response body, turning tagged objects back into non-finite floats."""
    return decode(body)


class _BearerToken(httpx.Auth):
    """Sends the API token with every request; its ``repr`` never shows it."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "_BearerToken(***)"


def _normalise_host(host: str) -> str:
    if not isinstance(host, str) or not host.strip():
        raise InvalidClientStateError(f"the Assay host must be a URL such as http://127.0.0.1:8000, got {host!r}")
    url = host.strip().rstrip("/")
    if "://" not in url:
        url = f"http://{url}"
    if url.endswith(_API_PREFIX):
        url = url[: -len(_API_PREFIX)]
    return url


class HttpTransport:
    """The :class:`~assay.client.base.Transport` of an Assay server, over HTTP.

    Args:
        host: The server's base URL, e.g. ``http://127.0.0.1:8000`` (``http://`` is assumed when no scheme is
            given; a trailing ``/api/v1`` is accepted).
        api_token: An API token of that server (``assay token create`` makes one). It is sent with every
            request and never logged or shown.
        timeout: Seconds to wait for each request.
        page_size: Rows asked for per request when reading long lists.
        transport: An httpx transport to send requests through instead of the network, for example
            ``httpx.MockTransport`` in tests.

    Raises:
        InvalidClientStateError: ``host`` or ``api_token`` is empty.

    Example:
        >>> transport = HttpTransport("http://127.0.0.1:8000", "assay_...")  # doctest: +SKIP
        >>> [workflow.name for workflow in transport.list_workflows()]  # doctest: +SKIP
        ['keypoint_detection']
    """

    def __init__(
        self,
        host: str,
        api_token: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        page_size: int = DEFAULT_PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not isinstance(api_token, str) or not api_token:
            raise InvalidClientStateError("an API token is needed to talk to an Assay server")
        if page_size < 1:
            raise InvalidClientStateError(f"page_size must be at least 1, got {page_size}")
        self.host = _normalise_host(host)
        self.timeout = timeout
        self.page_size = page_size
        self._closed = False
        self._client = httpx.Client(
            base_url=f"{self.host}{_API_PREFIX}",
            auth=_BearerToken(api_token),
            # A host that does not answer at all should fail fast; a large upload may take minutes.
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            transport=transport,
            headers={"Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"HttpTransport(host={self.host!r})"

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release connections; the transport must not be used afterwards."""
        self._closed = True
        self._client.close()

    # -- plumbing ------------------------------------------------------------------------------------------
    def _send(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> httpx.Response:
        if self._closed:
            raise InvalidClientStateError(f"this connection to {self.host} was closed; call assay.initialize again")
        query = {key: value for key, value in (params or {}).items() if value is not None}
        try:
            content = None if body is None else encode_body(body)
        except (pydantic_core.PydanticSerializationError, TypeError) as exc:
            raise InputValidationError(f"cannot send {method} {path}: the data is not JSON-able ({exc})") from exc
        headers = None if content is None else {"Content-Type": "application/json"}
        try:
            response = self._client.request(method, path, params=query, content=content, headers=headers)
        except httpx.TimeoutException as exc:
            raise TransportError(
                f"the Assay server at {self.host} did not answer {method} {path} within {self.timeout:g} s",
                host=self.host,
            ) from exc
        except httpx.HTTPError as exc:
            raise TransportError(
                f"cannot reach the Assay server at {self.host}: {exc}; is `assay server` running there?",
                host=self.host,
            ) from exc
        if response.status_code >= 400:
            raise self._error(response)
        return response

    def _error(self, response: httpx.Response) -> AssayError:
        try:
            payload = decode_body(response.content)
        except orjson.JSONDecodeError:
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("code"), str):
            return error_from_payload(payload, response.status_code)
        return TransportError(
            f"{self.host} answered {response.request.method} {response.request.url.path} with HTTP "
            f"{response.status_code} and a body that is not an Assay error; is it an Assay server?",
            host=self.host,
            status_code=response.status_code,
        )

    def _json(self, response: httpx.Response) -> Any:
        try:
            return decode_body(response.content)
        except orjson.JSONDecodeError as exc:
            raise TransportError(
                f"{self.host} answered {response.request.url.path} with something that is not JSON; "
                "is it an Assay server?",
                host=self.host,
            ) from exc

    def _parse(self, validate: Callable[[Any], T], data: Any) -> T:
        try:
            with gc_paused():
                return validate(data)
        except ValidationError as exc:
            raise TransportError(
                f"{self.host} answered with data this client cannot read ({exc.error_count()} problems); "
                "are the server and the client the same version of Assay?",
                host=self.host,
            ) from exc

    def _call(
        self,
        record: type[RecordT],
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> RecordT:
        return self._parse(record.model_validate, self._json(self._send(method, path, params=params, body=body)))

    def _list(
        self,
        record: type[RecordT],
        path: str,
        *,
        params: dict[str, Any] | None = None,
        method: str = "GET",
        body: Any = None,
    ) -> list[RecordT]:
        data = self._json(self._send(method, path, params=params, body=body))
        return self._parse(_list_adapter(record).validate_python, data)

    def _paged(
        self, record: type[RecordT], path: str, params: dict[str, Any], offset: int, limit: int | None
    ) -> list[RecordT]:
        validate = _list_adapter(record).validate_python
        rows: list[RecordT] = []
        while True:
            want = self.page_size if limit is None else min(self.page_size, limit - len(rows))
            if want <= 0:
                return rows
            response = self._send("GET", path, params={**params, "offset": offset + len(rows), "limit": want})
            page = self._parse(validate, self._json(response))
            rows.extend(page)
            # The server may allow fewer rows per page than asked; only a page shorter than what it allowed
            # is the last one.
            allowed = int(response.headers.get(PAGE_LIMIT_HEADER, want))
            if len(page) < min(want, allowed) or not page:
                return rows

    # -- workflows -----------------------------------------------------------------------------------------
    def register_workflow(self, name: str, schema: dict[str, Any]) -> WorkflowRecord:
        """Create the workflow if it is new, else store this schema as its latest; returns it."""
        return self._call(WorkflowRecord, "POST", "/workflows", body={"name": name, "schema": schema})

    def list_workflows(self) -> list[WorkflowRecord]:
        """All workflows, by name."""
        return self._list(WorkflowRecord, "/workflows")

    def register_metrics_types(self, workflow: str, types: dict[str, Any]) -> None:
        """Merge the type entries of metrics classes into the workflow's schema document."""
        self._send("POST", f"/workflows/{quote(workflow, safe='')}/metrics-types", body={"types": types})

    # -- test cases ----------------------------------------------------------------------------------------
    def create_test_case(self, workflow: str, name: str, description: str = "") -> TestCaseRecord:
        """Create an empty test case (version 0)."""
        body = {"workflow": workflow, "name": name, "description": description}
        return self._call(TestCaseRecord, "POST", "/test-cases", body=body)

    def load_test_case(self, name: str, version: int | None = None, workflow: str | None = None) -> TestCaseRecord:
        """Load a version of a test case (the latest when ``version`` is None)."""
        params = {"name": name, "version": version, "workflow": workflow}
        return self._call(TestCaseRecord, "GET", "/test-cases/by-name", params=params)

    def edit_test_case(
        self,
        test_case_id: int,
        *,
        description: str | None = None,
        reset: bool = False,
        add: list[SampleRow] | None = None,
        remove: list[dict[str, Any]] | None = None,
    ) -> TestCaseRecord:
        """Commit one edit on top of the version ``test_case_id`` and return the new version."""
        body = {"description": description, "reset": reset, "add": add, "remove": remove}
        return self._call(TestCaseRecord, "PATCH", f"/test-cases/{test_case_id}", body=body)

    def load_test_case_samples(
        self, test_case_id: int, *, offset: int = 0, limit: int | None = None
    ) -> list[SampleRow]:
        """The samples of a test-case version with their ground truths, in insertion order."""
        return self._paged(SampleRow, f"/test-cases/{test_case_id}/samples", {}, offset, limit)

    def init_many_test_cases(
        self, workflow: str, items: list[InitManyItem], *, reset: bool = False
    ) -> list[InitManyResult]:
        """Create or load many test cases in one transaction (see ``TestCase.init_many``)."""
        body = {"workflow": workflow, "items": items, "reset": reset}
        return self._list(InitManyResult, "/test-cases/init-many", method="POST", body=body)

    def list_test_cases(self, workflow: str | None = None) -> list[TestCaseRecord]:
        """The latest version of every test case, of one workflow or all."""
        return self._list(TestCaseRecord, "/test-cases", params={"workflow": workflow})

    def list_test_case_versions(self, name: str) -> list[TestCaseRecord]:
        """Every version of a test case, oldest first."""
        return self._list(TestCaseRecord, "/test-cases/versions", params={"name": name})

    # -- test suites ---------------------------------------------------------------------------------------
    def create_test_suite(
        self,
        workflow: str,
        name: str,
        description: str = "",
        test_case_ids: list[int] | None = None,
        tags: list[str] | None = None,
    ) -> TestSuiteRecord:
        """Create a test suite: version 0 when empty, version 1 with test cases."""
        body = {
            "workflow": workflow,
            "name": name,
            "description": description,
            "test_case_ids": test_case_ids,
            "tags": tags,
        }
        return self._call(TestSuiteRecord, "POST", "/test-suites", body=body)

    def load_test_suite(self, name: str, version: int | None = None, workflow: str | None = None) -> TestSuiteRecord:
        """Load a version of a test suite (the latest when ``version`` is None)."""
        params = {"name": name, "version": version, "workflow": workflow}
        return self._call(TestSuiteRecord, "GET", "/test-suites/by-name", params=params)

    def edit_test_suite(
        self,
        test_suite_id: int,
        *,
        description: str | None = None,
        test_case_ids: list[int] | None = None,
        tags: list[str] | None = None,
    ) -> TestSuiteRecord:
        """Edit on top of version ``test_suite_id``; a changed test-case list makes a new version."""
        body = {"description": description, "test_case_ids": test_case_ids, "tags": tags}
        return self._call(TestSuiteRecord, "PATCH", f"/test-suites/{test_suite_id}", body=body)

    def list_test_suites(self, workflow: str | None = None, tags: list[str] | None = None) -> list[TestSuiteRecord]:
        """The latest version of every suite (of a workflow; carrying all ``tags``), by creation."""
        return self._list(TestSuiteRecord, "/test-suites", params={"workflow": workflow, "tags": tags})

    def list_test_suite_versions(self, name: str) -> list[TestSuiteRecord]:
        """Every version of a test suite, oldest first."""
        return self._list(TestSuiteRecord, "/test-suites/versions", params={"name": name})

    # -- models --------------------------------------------------------------------------------------------
    def create_model(
        self,
        workflow: str,
        name: str,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
    ) -> ModelRecord:
        """Create a model."""
        body = {"workflow": workflow, "name": name, "metadata": metadata, "tags": tags}
        return self._call(ModelRecord, "POST", "/models", body=body)

    def load_model(self, name: str, workflow: str | None = None) -> ModelRecord:
        """Load a model by name."""
        return self._call(ModelRecord, "GET", "/models/by-name", params={"name": name, "workflow": workflow})

    def list_models(self, workflow: str | None = None, tags: list[str] | None = None) -> list[ModelRecord]:
        """Models of a workflow (carrying all ``tags``), by creation."""
        return self._list(ModelRecord, "/models", params={"workflow": workflow, "tags": tags})

    def load_inferences(
        self, model_id: int, test_case_id: int, *, offset: int = 0, limit: int | None = None
    ) -> list[InferenceRow]:
        """Samples of a test-case version that have an inference of the model, with both, in case order."""
        params = {"test_case_id": test_case_id}
        return self._paged(InferenceRow, f"/models/{model_id}/inferences", params, offset, limit)

    # -- test runs -----------------------------------------------------------------------------------------
    def create_or_retrieve_test_run(
        self,
        model_id: int,
        test_suite_id: int,
        evaluator: str | None,
        configurations: list[ConfigurationIn] | None = None,
    ) -> TestRunRecord:
        """The run of (model, suite version, evaluator name); created if new, configurations appended."""
        body = {
            "model_id": model_id,
            "test_suite_id": test_suite_id,
            "evaluator": evaluator,
            "configurations": configurations,
        }
        return self._call(TestRunRecord, "POST", "/test-runs", body=body)

    def load_remaining_test_samples(
        self, test_run_id: int, *, load_all: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[SampleRow]:
        """Samples of the run's suite version with no inference of its model (all with ``load_all``)."""
        path = f"/test-runs/{test_run_id}/remaining-samples"
        return self._paged(SampleRow, path, {"load_all": load_all}, offset, limit)

    def upload_inferences(
        self, model_id: int, rows: list[tuple[dict[str, Any], dict[str, Any]]], *, reset: bool = False
    ) -> int:
        """Store ``(test_sample, inference)`` pairs for a model, in one transaction; returns the count."""
        body = {"rows": rows, "reset": reset}
        return self._count(self._send("POST", f"/models/{model_id}/inferences", body=body))

    def upload_test_sample_metrics(
        self, test_run_id: int, configuration: str | None, rows: list[SampleMetricsRow]
    ) -> int:
        """Store per-sample metrics, replacing those held for the same (configuration, case, sample)."""
        body = {"configuration": configuration, "rows": rows}
        return self._count(self._send("POST", f"/test-runs/{test_run_id}/sample-metrics", body=body))

    def upload_test_case_metrics(
        self, test_run_id: int, configuration: str | None, rows: list[TestCaseMetricsRow]
    ) -> int:
        """Store test-case metrics and plots, replacing those of the same (configuration, case)."""
        body = {"configuration": configuration, "rows": rows}
        return self._count(self._send("POST", f"/test-runs/{test_run_id}/test-case-metrics", body=body))

    def upload_test_suite_metrics(
        self, test_run_id: int, configuration: str | None, metrics: dict[str, Any] | None
    ) -> None:
        """Store the suite metrics (or none) of a configuration; this marks the configuration complete."""
        body = {"configuration": configuration, "metrics": metrics}
        self._send("PUT", f"/test-runs/{test_run_id}/test-suite-metrics", body=body)

    def mark_test_run_crashed(self, test_run_id: int, message: str) -> None:
        """Record that the client failed during the run; what was uploaded stays."""
        self._send("POST", f"/test-runs/{test_run_id}/crash", body={"message": message})

    def load_results(
        self,
        model_id: int,
        test_suite_id: int,
        evaluator: str | None = None,
        configuration: str | None = None,
    ) -> list[Results]:
        """Stored results of the latest run of the model on the suite version, one entry per configuration."""
        params = {
            "model_id": model_id,
            "test_suite_id": test_suite_id,
            "evaluator": evaluator,
            "configuration": configuration,
        }
        return self._list(Results, "/results", params=params)

    # -- samples -------------------------------------------------------------------------------------------
    def query_samples(self, query: dict[str, Any]) -> pa.Table:
        """Every sample a Studio query matches, read from the server as an Arrow stream."""
        response = self._send("POST", "/app/samples/query", params={"format": "arrow"}, body=query)
        try:
            with pa.ipc.open_stream(response.content) as reader:
                return reader.read_all()
        except pa.ArrowInvalid as exc:
            raise TransportError(
                f"{self.host} answered a samples query with something that is not an Arrow stream; "
                "is it an Assay server of this version?",
                host=self.host,
            ) from exc

    def _count(self, response: httpx.Response) -> int:
        data = self._json(response)
        if not isinstance(data, dict) or not isinstance(data.get("count"), int):
            raise TransportError(f"{self.host} answered an upload without a count; is it an Assay server?")
        return int(data["count"])


_ADAPTERS: dict[type[BaseModel], TypeAdapter[Any]] = {}


def _list_adapter(record: type[RecordT]) -> TypeAdapter[list[RecordT]]:
    adapter = _ADAPTERS.get(record)
    if adapter is None:
        adapter = _ADAPTERS[record] = TypeAdapter(list[record])  # type: ignore[valid-type]
    return adapter
