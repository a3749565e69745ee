"""The HTTP transport against a live server: same records, same errors as the service in-process."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tests.server.support import LiveServer, free_port, mock_transport

from assay.client.base import Transport
from assay.client.http import HttpTransport
from assay.errors import (
    InputValidationError,
    InvalidClientStateError,
    InvalidTokenError,
    NameConflictError,
    NotFoundError,
    RemoteError,
    TransportError,
    WorkflowMismatchError,
)
from assay.server import Settings, create_app
from assay.server.wire import encode
from assay.service import Service
from assay.service import models as records
from assay.service.models import ConfigurationIn, InitManyItem, SampleMetricsRow, SampleRow

WORKFLOW = "Keypoints"
CONFIG = "threshold=0.05"


def sample(i: int) -> dict[str, Any]:
    return {"locator": f"s3://faces/{i:04d}.png", "data_type": "TEST_SAMPLE/IMAGE"}


def truth(i: int) -> dict[str, Any]:
    return {"points": [[float(i), 2.0], [3.0, float(i)]], "normalization_factor": 1.5}


def inference(i: int) -> dict[str, Any]:
    return {"points": [[float(i) + 0.1, 2.0], [3.0, float(i)]], "confidence": math.nan if i % 3 == 0 else 0.9}


def rows(ids: range | list[int]) -> list[SampleRow]:
    return [
        SampleRow(test_sample=sample(i), metadata={"pose": "frontal" if i % 2 else "profile"}, ground_truth=truth(i))
        for i in ids
    ]


def same(a: Any, b: Any) -> bool:
    """Equal records, counting NaN equal to NaN (the wire encoding is canonical for that)."""
    return encode(a) == encode(b)


@pytest.fixture
def stored(service: Service) -> dict[str, Any]:
    """A benchmark with a test run and its results, written in-process."""
    service.register_workflow(WORKFLOW, {"test_sample": "Image", "version": 1})
    frontal = service.create_test_case(WORKFLOW, "frontal", "front-facing")
    frontal = service.edit_test_case(frontal.id, add=rows(range(0, 10)))
    profile = service.create_test_case(WORKFLOW, "profile")
    profile = service.edit_test_case(profile.id, add=rows(range(10, 14)))
    suite = service.create_test_suite(WORKFLOW, "faces", "all faces", [frontal.id, profile.id], ["nightly"])
    model = service.create_model(WORKFLOW, "mobile-net", {"params": 3.5e6, "loss": math.inf}, ["v1"])
    service.upload_inferences(model.id, [(sample(i), inference(i)) for i in range(14)])
    run = service.create_or_retrieve_test_run(
        model.id, suite.id, "NmeEvaluator", [ConfigurationIn(display_name=CONFIG, configuration={"t": 0.05})]
    )
    service.upload_test_sample_metrics(
        run.id,
        CONFIG,
        [SampleMetricsRow(test_sample=sample(i), metrics={"nme": math.nan if i == 2 else i / 10}) for i in range(14)],
    )
    service.upload_test_case_metrics(
        run.id,
        CONFIG,
        [
            records.TestCaseMetricsRow(
                test_case_id=frontal.id,
                metrics={"mean_nme": math.nan},
                plots=[{"title": "cdf", "x": [0.0, 1.0]}],
            ),
            records.TestCaseMetricsRow(test_case_id=profile.id, metrics={"mean_nme": 0.2}),
        ],
    )
    service.upload_test_suite_metrics(run.id, CONFIG, {"variance": -math.inf})
    return {"frontal": frontal, "profile": profile, "suite": suite, "model": model, "run": run}


READS: dict[str, Callable[[Transport, dict[str, Any]], Any]] = {
    "list_workflows": lambda t, s: t.list_workflows(),
    "load_test_case": lambda t, s: t.load_test_case("frontal"),
    "load_test_case_version": lambda t, s: t.load_test_case("frontal", 0, WORKFLOW),
    "load_test_case_samples": lambda t, s: t.load_test_case_samples(s["frontal"].id),
    "load_test_case_samples_page": lambda t, s: t.load_test_case_samples(s["frontal"].id, offset=3, limit=4),
    "list_test_cases": lambda t, s: t.list_test_cases(WORKFLOW),
    "list_test_case_versions": lambda t, s: t.list_test_case_versions("frontal"),
    "load_test_suite": lambda t, s: t.load_test_suite("faces", None, WORKFLOW),
    "list_test_suites": lambda t, s: t.list_test_suites(WORKFLOW, ["nightly"]),
    "list_test_suites_other_tag": lambda t, s: t.list_test_suites(None, ["weekly"]),
    "list_test_suite_versions": lambda t, s: t.list_test_suite_versions("faces"),
    "load_model": lambda t, s: t.load_model("mobile-net", WORKFLOW),
    "list_models": lambda t, s: t.list_models(WORKFLOW, ["v1"]),
    "load_inferences": lambda t, s: t.load_inferences(s["model"].id, s["profile"].id),
    "load_remaining_all": lambda t, s: t.load_remaining_test_samples(s["run"].id, load_all=True, limit=5),
    "load_remaining": lambda t, s: t.load_remaining_test_samples(s["run"].id),
    "create_or_retrieve_test_run": lambda t, s: t.create_or_retrieve_test_run(
        s["model"].id, s["suite"].id, "NmeEvaluator", None
    ),
    "load_results": lambda t, s: t.load_results(s["model"].id, s["suite"].id),
    "load_results_narrowed": lambda t, s: t.load_results(s["model"].id, s["suite"].id, "NmeEvaluator", CONFIG),
}


@pytest.mark.parametrize("read", sorted(READS))
def test_reads_answer_what_the_service_answers(
    read: str, http: HttpTransport, service: Service, stored: dict[str, Any]
) -> None:
    assert same(READS[read](http, stored), READS[read](service, stored))


def test_results_keep_non_finite_metrics(http: HttpTransport, stored: dict[str, Any]) -> None:
    [results] = http.load_results(stored["model"].id, stored["suite"].id)
    assert results.configuration == CONFIG
    assert results.test_suite_metrics == {"variance": -math.inf}
    by_case = {row.test_case_id: row.metrics for row in results.test_case_metrics}
    assert by_case[stored["frontal"].id] is not None and math.isnan(by_case[stored["frontal"].id]["mean_nme"])
    nme = {row.test_sample["locator"]: row.metrics["nme"] for row in results.test_sample_metrics}
    assert math.isnan(nme[sample(2)["locator"]])
    assert nme[sample(5)["locator"]] == 0.5


def test_writes_through_http_are_stored(http: HttpTransport, service: Service) -> None:
    workflow = http.register_workflow(WORKFLOW, {"test_sample": "Image"})
    assert workflow.name == WORKFLOW
    case = http.create_test_case(WORKFLOW, "blurry", "motion blur")
    case = http.edit_test_case(case.id, add=rows(range(5)))
    case = http.edit_test_case(case.id, remove=[sample(0)], description="blurred faces")
    assert [row.test_sample for row in service.load_test_case_samples(case.id)] == [sample(i) for i in range(1, 5)]
    assert service.load_test_case("blurry").description == "blurred faces"
    [created, loaded] = http.init_many_test_cases(
        WORKFLOW, [InitManyItem(name="dark", samples=rows([7, 8])), InitManyItem(name="blurry", samples=[])]
    )
    assert (created.status, created.test_case.n_samples, loaded.status) == ("created", 2, "loaded")
    suite = http.create_test_suite(WORKFLOW, "faces", test_case_ids=[case.id], tags=["nightly"])
    suite = http.edit_test_suite(suite.id, test_case_ids=[case.id, created.test_case.id], tags=["weekly"])
    assert suite.version == 2
    assert service.load_test_suite("faces").tags == ["weekly"]
    model = http.create_model(WORKFLOW, "resnet", {"threshold": math.nan}, ["v2"])
    assert math.isnan(service.load_model("resnet").metadata["threshold"])
    assert http.upload_inferences(model.id, [(sample(i), inference(i)) for i in range(1, 5)]) == 4
    run = http.create_or_retrieve_test_run(model.id, suite.id, None, [ConfigurationIn(display_name=CONFIG)])
    assert [row.test_sample for row in http.load_remaining_test_samples(run.id)] == [sample(7), sample(8)]
    assert (
        http.upload_test_sample_metrics(run.id, CONFIG, [SampleMetricsRow(test_sample=sample(1), metrics={"nme": 0.1})])
        == 1
    )
    assert (
        http.upload_test_case_metrics(
            run.id, CONFIG, [records.TestCaseMetricsRow(test_case_id=case.id, metrics={"n": 1})]
        )
        == 1
    )
    http.upload_test_suite_metrics(run.id, CONFIG, {"variance": math.nan})
    http.mark_test_run_crashed(run.id, "the model ran out of memory")
    [results] = service.load_results(model.id, suite.id)
    assert results.test_suite_metrics is not None and math.isnan(results.test_suite_metrics["variance"])
    assert CONFIG in http.create_or_retrieve_test_run(model.id, suite.id, None).completed


def test_a_large_upload_round_trips(http: HttpTransport, service: Service) -> None:
    case = http.create_test_case(WORKFLOW, "many")
    case = http.edit_test_case(case.id, add=rows(range(3000)))
    model = http.create_model(WORKFLOW, "m")
    assert http.upload_inferences(model.id, [(sample(i), inference(i)) for i in range(3000)]) == 3000
    assert same(http.load_inferences(model.id, case.id), service.load_inferences(model.id, case.id))


# -- errors ----------------------------------------------------------------------------------------------
ERRORS: dict[str, tuple[type[Exception], Callable[[HttpTransport, dict[str, Any]], Any]]] = {
    "missing test case": (NotFoundError, lambda t, s: t.load_test_case("nope")),
    "missing version": (NotFoundError, lambda t, s: t.load_test_suite("faces", 9)),
    "missing model id": (NotFoundError, lambda t, s: t.load_inferences(999, s["frontal"].id)),
    "name taken": (NameConflictError, lambda t, s: t.create_model(WORKFLOW, "mobile-net")),
    "other workflow": (WorkflowMismatchError, lambda t, s: t.load_model("mobile-net", "Detection")),
    "inferences twice": (
        RemoteError,
        lambda t, s: t.upload_inferences(s["model"].id, [(sample(1), inference(1))]),
    ),
    "stale version": (RemoteError, lambda t, s: t.edit_test_case(s["frontal"].id - 1, add=rows([99]))),
    "empty name": (InputValidationError, lambda t, s: t.create_test_case(WORKFLOW, "")),
    "not a sample": (InputValidationError, lambda t, s: t.upload_inferences(s["model"].id, [({"x": 1}, {})])),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_are_raised_as_the_same_class(
    case: str, http: HttpTransport, service: Service, stored: dict[str, Any]
) -> None:
    error_class, call = ERRORS[case]
    with pytest.raises(error_class) as over_http:
        call(http, stored)
    with pytest.raises(error_class) as in_process:
        call(service, stored)  # type: ignore[arg-type]
    assert type(over_http.value) is type(in_process.value)
    assert str(over_http.value) == str(in_process.value)


def test_a_wrong_token_is_an_invalid_token_error(live_server: LiveServer) -> None:
    with HttpTransport(live_server.url, "assay_wrong") as transport, pytest.raises(InvalidTokenError):
        transport.list_workflows()


def test_an_unreachable_server_is_a_transport_error_naming_the_host() -> None:
    host = f"http://127.0.0.1:{free_port()}"
    with (
        HttpTransport(host, "assay_token", timeout=5) as transport,
        pytest.raises(TransportError, match=host),
    ):
        transport.list_workflows()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (502, b"<html>Bad Gateway</html>"),
        (200, b"<html>a login page</html>"),
        (404, b'{"detail": "Not Found"}'),
    ],
    ids=["proxy error", "not json", "json of another api"],
)
def test_an_answer_that_is_not_assays_is_a_transport_error(status: int, body: bytes) -> None:
    transport = HttpTransport("http://proxy.internal", "assay_token", transport=mock_transport(status, body))
    with transport, pytest.raises(TransportError, match="proxy.internal"):
        transport.list_workflows()


def test_a_closed_transport_refuses_to_be_used(http: HttpTransport) -> None:
    http.close()
    with pytest.raises(InvalidClientStateError):
        http.list_workflows()


# -- the token -------------------------------------------------------------------------------------------
def test_the_token_is_sent_with_every_request_and_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization"))
        return httpx.Response(200, json=[])

    caplog.set_level(logging.DEBUG)
    with HttpTransport("assay.internal:8000", "assay_s3cret", transport=httpx.MockTransport(answer)) as transport:
        transport.list_workflows()
        transport.list_models()
        assert "s3cret" not in repr(transport)
        assert "s3cret" not in repr(vars(transport))
    assert seen == ["Bearer assay_s3cret", "Bearer assay_s3cret"]
    assert "s3cret" not in caplog.text


# -- construction and paging -----------------------------------------------------------------------------
def test_it_is_a_transport(http: HttpTransport) -> None:
    assert isinstance(http, Transport)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("http://assay.internal:8000", "http://assay.internal:8000"),
        ("assay.internal:8000", "http://assay.internal:8000"),
        ("https://assay.example.com/api/v1/", "https://assay.example.com"),
    ],
)
def test_the_host_may_be_written_several_ways(host: str, expected: str) -> None:
    with HttpTransport(host, "assay_token") as transport:
        assert transport.host == expected


@pytest.mark.parametrize("token", ["", None])
def test_a_token_is_required(token: Any) -> None:
    with pytest.raises(InvalidClientStateError, match="token"):
        HttpTransport("http://127.0.0.1:8000", token)


@pytest.mark.parametrize(("offset", "limit"), [(0, None), (0, 5), (2, None), (3, 4), (9, 10), (13, 0), (20, None)])
def test_paging_returns_exactly_the_requested_rows_whatever_the_page_sizes(
    service: Service, stored: dict[str, Any], token: str, offset: int, limit: int | None
) -> None:
    big = service.edit_test_case(stored["frontal"].id, add=rows(range(100, 110)))  # 20 samples
    with LiveServer(create_app(service, Settings(page_size=3))) as server:
        with HttpTransport(server.url, token, page_size=4) as transport:
            got = transport.load_test_case_samples(big.id, offset=offset, limit=limit)
    assert same(got, service.load_test_case_samples(big.id, offset=offset, limit=limit))


def test_data_that_is_not_json_is_refused_before_sending() -> None:
    sent: list[httpx.Request] = []
    answer = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(201, json={}))
    with HttpTransport("http://assay.internal", "assay_token", transport=answer) as transport:
        with pytest.raises(InputValidationError, match="not JSON-able"):
            transport.create_model(WORKFLOW, "m", {"weights": object()})
    assert sent == []
