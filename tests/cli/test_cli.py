"""The ``assay`` command as a user types it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from click.testing import Result
from tests.server.support import TestClient, free_port
from typer.testing import CliRunner

from assay.cli import app
from assay.errors import InvalidTokenError
from assay.server import create_app
from assay.service import Service
from assay.service.models import SampleRow
from assay.store import head_revision, upgrade

WORKFLOW = "Keypoints"


def run(runner: CliRunner, env: dict[str, str], *args: str) -> Result:
    return runner.invoke(app, list(args), env=env)


def assert_one_line_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]


def table_rows(output: str) -> list[list[str]]:
    """The cells of every row of the tables in a command's output."""
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in output.splitlines() if line.startswith("│")]


def sample(i: int) -> dict[str, Any]:
    return {"locator": f"s3://faces/{i}.png", "data_type": "TEST_SAMPLE/IMAGE"}


@pytest.fixture
def benchmark(service: Service) -> None:
    """Two workflows; a suite with two versions; two models."""
    service.register_workflow(WORKFLOW, {})
    service.register_workflow("Detection", {})
    frontal = service.create_test_case(WORKFLOW, "frontal")
    frontal = service.edit_test_case(
        frontal.id, add=[SampleRow(test_sample=sample(i), ground_truth={}) for i in range(5)]
    )
    profile = service.create_test_case(WORKFLOW, "profile")
    profile = service.edit_test_case(
        profile.id, add=[SampleRow(test_sample=sample(i), ground_truth={}) for i in range(5, 8)]
    )
    suite = service.create_test_suite(WORKFLOW, "faces", "every face", [frontal.id], ["nightly"])
    service.edit_test_suite(suite.id, test_case_ids=[frontal.id, profile.id])
    service.create_test_suite("Detection", "cars")
    service.create_model(WORKFLOW, "mobile-net", {"params": 3})
    service.create_model("Detection", "yolo")


# -- global ----------------------------------------------------------------------------------------------
def test_version(runner: CliRunner, env: dict[str, str]) -> None:
    result = run(runner, env, "--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("assay ")


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["server"],
        ["db", "upgrade"],
        ["token", "create"],
        ["token", "list"],
        ["token", "revoke"],
        ["workflow", "list"],
        ["test-suite", "list"],
        ["test-suite", "show"],
        ["model", "list"],
    ],
    ids=lambda command: " ".join(command) or "assay",
)
def test_every_command_explains_itself(runner: CliRunner, env: dict[str, str], command: list[str]) -> None:
    result = run(runner, env, *command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    if command:
        assert "ASSAY_DATABASE_URL" in result.stdout or command == []


# -- tokens ----------------------------------------------------------------------------------------------
def test_token_create_prints_the_token_alone_and_it_authenticates(
    runner: CliRunner, env: dict[str, str], service: Service
) -> None:
    result = run(runner, env, "token", "create", "--name", "ci")
    assert result.exit_code == 0
    secret = result.stdout.removesuffix("\n")
    assert "\n" not in secret and " " not in secret
    assert secret.startswith("assay_")
    assert secret not in result.stderr
    assert service.verify_token(secret).name == "ci"
    with TestClient(create_app(service)) as client:
        response = client.get("/api/v1/workflows", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_token_list_shows_tokens_but_never_their_secret(runner: CliRunner, env: dict[str, str]) -> None:
    secret = run(runner, env, "token", "create", "--name", "nightly-ci").stdout.strip()
    result = run(runner, env, "token", "list")
    assert result.exit_code == 0
    assert "nightly-ci" in result.stdout
    assert secret[:14] in result.stdout
    assert secret not in result.stdout


def test_token_revoke_stops_a_token_from_authenticating(
    runner: CliRunner, env: dict[str, str], service: Service
) -> None:
    secret = run(runner, env, "token", "create").stdout.strip()
    token_id = service.verify_token(secret).id
    result = run(runner, env, "token", "revoke", str(token_id))
    assert result.exit_code == 0
    assert f"Revoked API token {token_id}" in result.stdout
    with pytest.raises(InvalidTokenError):
        service.verify_token(secret)


def test_revoking_an_unknown_token_is_one_line_and_exit_1(runner: CliRunner, env: dict[str, str]) -> None:
    assert_one_line_error(run(runner, env, "token", "revoke", "999"), "999")


# -- listings --------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("benchmark")
def test_workflow_list_counts_what_each_workflow_holds(runner: CliRunner, env: dict[str, str]) -> None:
    result = run(runner, env, "workflow", "list")
    assert result.exit_code == 0
    counts = {row[0]: row[1:4] for row in table_rows(result.stdout)}
    assert counts == {
        "Keypoints": ["2", "1", "1"],
        "Detection": ["0", "1", "1"],
    }  # test cases, suites, models


@pytest.mark.usefixtures("benchmark")
@pytest.mark.parametrize(
    ("args", "shown", "hidden"),
    [([], ["faces", "cars"], []), (["--workflow", "Detection"], ["cars"], ["faces"])],
    ids=["all", "one workflow"],
)
def test_test_suite_list(
    runner: CliRunner, env: dict[str, str], args: list[str], shown: list[str], hidden: list[str]
) -> None:
    result = run(runner, env, "test-suite", "list", *args)
    assert result.exit_code == 0
    for name in shown:
        assert name in result.stdout
    for name in hidden:
        assert name not in result.stdout


@pytest.mark.usefixtures("benchmark")
def test_test_suite_show_lists_test_cases_with_sample_counts_and_the_versions(
    runner: CliRunner, env: dict[str, str], service: Service
) -> None:
    result = run(runner, env, "test-suite", "show", "faces")
    assert result.exit_code == 0
    assert "faces" in result.stdout and "version 2" in result.stdout
    assert "every face" in result.stdout and "nightly" in result.stdout
    cells = table_rows(result.stdout)
    assert ["frontal", "1", "5"] in cells
    assert ["profile", "1", "3"] in cells
    versions = [row[0] for row in cells if row[0].split()[0].isdigit() and len(row) == 4]
    history = [str(record.version) for record in service.list_test_suite_versions("faces")]
    assert history[-2:] == ["1", "2"]
    assert versions == [*history[:-1], "2 (shown)"]


@pytest.mark.usefixtures("benchmark")
def test_test_suite_show_an_older_version(runner: CliRunner, env: dict[str, str]) -> None:
    result = run(runner, env, "test-suite", "show", "faces", "--version", "1")
    assert result.exit_code == 0
    assert "version 1" in result.stdout
    assert "profile" not in result.stdout


@pytest.mark.usefixtures("benchmark")
@pytest.mark.parametrize(
    "args",
    [["test-suite", "show", "nope"], ["test-suite", "show", "faces", "--version", "7"]],
    ids=["name", "version"],
)
def test_a_missing_suite_is_one_red_line_and_exit_1(runner: CliRunner, env: dict[str, str], args: list[str]) -> None:
    assert_one_line_error(run(runner, env, *args))


@pytest.mark.usefixtures("benchmark")
def test_model_list(runner: CliRunner, env: dict[str, str]) -> None:
    result = run(runner, env, "model", "list", "--workflow", WORKFLOW)
    assert result.exit_code == 0
    assert "mobile-net" in result.stdout and "params=3" in result.stdout
    assert "yolo" not in result.stdout


def test_empty_listings_say_so(runner: CliRunner, env: dict[str, str]) -> None:
    result = run(runner, env, "model", "list")
    assert result.exit_code == 0
    assert result.stdout.strip() == "no models"


# -- database and server ---------------------------------------------------------------------------------
def test_db_upgrade_migrates_an_outdated_database(
    runner: CliRunner, env: dict[str, str], empty_database_url: str
) -> None:
    upgrade(empty_database_url, "0001_initial")
    env = {**env, "ASSAY_DATABASE_URL": empty_database_url}
    result = run(runner, env, "db", "upgrade")
    assert result.exit_code == 0
    assert head_revision() in result.stdout
    Service.from_url(empty_database_url).close()


def test_server_refuses_an_outdated_database_naming_the_fix(
    runner: CliRunner, env: dict[str, str], empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(empty_database_url, "0001_initial")
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("the server started"))
    result = run(runner, {**env, "ASSAY_DATABASE_URL": empty_database_url}, "server")
    assert_one_line_error(result, "assay db upgrade")


def test_server_prints_its_address_and_serves_the_app(
    runner: CliRunner, env: dict[str, str], service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def fake_run(application: Any, **kwargs: Any) -> None:
        served.update(kwargs)
        with TestClient(application) as client:
            served["health"] = client.get("/api/v1/health").status_code

    monkeypatch.setattr("uvicorn.run", fake_run)
    result = run(runner, env, "server", "--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8123" in result.stdout
    assert (served["host"], served["port"], served["health"]) == ("0.0.0.0", 8123, 200)


SIGN_IN_LINE = re.compile(r"^Assay is running at (http://\S+)/\?code=([\w-]+)$", re.MULTILINE)


@pytest.mark.parametrize(
    ("host", "address"),
    [("127.0.0.1", "http://127.0.0.1:8123"), ("0.0.0.0", "http://127.0.0.1:8123"), ("::", "http://[::1]:8123")],
)
def test_server_prints_a_one_time_sign_in_link(
    runner: CliRunner,
    env: dict[str, str],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    host: str,
    address: str,
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda application, **kwargs: None)
    result = run(runner, env, "server", "--host", host, "--port", "8123")
    assert result.exit_code == 0, result.output
    [(printed, code)] = SIGN_IN_LINE.findall(result.stdout)
    assert printed == address
    assert result.stdout.rstrip().endswith(code), "the link is the last line, where a user looks"
    assert "/api/v1" in result.stdout and "assay token create" in result.stdout
    session, _ = service.redeem_sign_in_code(code)
    assert session.token_name == "sign-in link"
    with pytest.raises(InvalidTokenError, match="already used"):
        service.redeem_sign_in_code(code)


def test_each_server_start_prints_a_new_code(
    runner: CliRunner, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda application, **kwargs: None)
    codes = {SIGN_IN_LINE.findall(run(runner, env, "server").stdout)[0][1] for _ in range(2)}
    assert len(codes) == 2


def test_the_sign_in_link_signs_the_served_app_in(
    runner: CliRunner, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda application, **kwargs: served.update(app=application))
    result = run(runner, env, "server")
    [(_, code)] = SIGN_IN_LINE.findall(result.stdout)
    with TestClient(served["app"]) as client:
        assert client.get("/api/v1/app/overview").status_code == 401
        assert client.post("/api/v1/session/one-time", json={"code": code}).status_code == 200
        assert client.get("/api/v1/app/overview").status_code == 200


def test_server_reads_its_address_from_the_environment(
    runner: CliRunner, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda application, **kwargs: served.update(kwargs))
    result = run(runner, {**env, "ASSAY_SERVER_HOST": "127.0.0.2", "ASSAY_SERVER_PORT": "9009"}, "server")
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.2", 9009)


def test_a_bad_database_url_is_one_line(runner: CliRunner, env: dict[str, str]) -> None:
    assert_one_line_error(
        run(runner, {**env, "ASSAY_DATABASE_URL": "mysql://u:hunter2@db/x"}, "workflow", "list"), "mysql"
    )
    result = run(runner, {**env, "ASSAY_DATABASE_URL": "mysql://u:hunter2@db/x"}, "workflow", "list")
    assert "hunter2" not in result.output


def test_an_unreachable_database_is_one_line_without_its_password(runner: CliRunner, env: dict[str, str]) -> None:
    url = f"postgresql+psycopg://assay:hunter2@127.0.0.1:{free_port()}/assay"
    result = run(runner, {**env, "ASSAY_DATABASE_URL": url}, "token", "list")
    assert_one_line_error(result, "cannot open the database", "127.0.0.1")
    assert "hunter2" not in result.output
