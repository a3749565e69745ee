"""The ``assay`` command: run the server, migrate its database, manage API tokens, look at what is stored.

Every command but ``server`` works on the database directly (the one ``--database-url`` or
``ASSAY_DATABASE_URL`` names, else the embedded store in ``$ASSAY_HOME``), so run them where the server's
database is reachable. An Assay error ends a command with one red line on standard error and exit code 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from assay.errors import AssayError
from assay.service import Service

__all__ = ["app"]

app = typer.Typer(
    name="assay",
    help=(
        "Assay: test machine-learning models test case by test case.\n\n"
        "Python code needs no server: it stores results in $ASSAY_HOME (~/.assay) by default. To share them, "
        "serve the same store:\n\n"
        "1. `assay token create --name me` prints an API token.\n\n"
        "2. `assay server` serves the API and the web app at http://127.0.0.1:8000.\n\n"
        '3. In Python: `assay.initialize(api_token=TOKEN, host="http://127.0.0.1:8000")`.\n\n'
        "Every command reads the database from --database-url or ASSAY_DATABASE_URL "
        "(PostgreSQL for a team: postgresql+psycopg://user:pass@host/assay)."
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    # Locals in a traceback could show a database password or a token.
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
token_app = typer.Typer(help="Create, list and revoke the API tokens clients authenticate with.", no_args_is_help=True)
workflow_app = typer.Typer(help="Look at the workflows in the database.", no_args_is_help=True)
test_suite_app = typer.Typer(help="Look at test suites, their test cases and their versions.", no_args_is_help=True)
model_app = typer.Typer(help="Look at the models in the database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(workflow_app, name="workflow")
app.add_typer(test_suite_app, name="test-suite")
app.add_typer(model_app, name="model")

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="ASSAY_DATABASE_URL",
        help="SQLAlchemy URL of the database, e.g. postgresql+psycopg://user:pass@host/assay "
        "(default: the SQLite file assay.db in $ASSAY_HOME, which is ~/.assay unless set).",
        show_default=False,
    ),
]
WorkflowFilter = Annotated[
    str | None, typer.Option("--workflow", "-w", help="Only those of this workflow.", show_default=False)
]


def _package_version() -> str:
    try:
        return version("assay")
    except PackageNotFoundError:
        return "0+unknown"


def _fail(error: AssayError | str) -> typer.Exit:
    message = " ".join(str(error).split()) or type(error).__name__
    stderr.print(Text.assemble(("error: ", "bold red"), (message, "red")), soft_wrap=True)
    return typer.Exit(code=1)


def _open(database_url: str | None) -> Service:
    from assay.store import default_database_url, redact_url

    url = database_url or default_database_url()
    try:
        return Service.from_url(url)
    except AssayError:
        raise
    except Exception as error:
        # The database driver's own errors (server down, wrong password, missing database) are the user's
        # environment, not a bug: say which database and why, in one line, without the password.
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        password = urlsplit(url).password
        if password:
            reason = reason.replace(password, "***")
        raise _fail(f"cannot open the database {redact_url(url)}: {reason}") from None


@contextmanager
def _errors_as_one_line() -> Iterator[None]:
    try:
        yield
    except AssayError as error:
        raise _fail(error) from None


@contextmanager
def _service(database_url: str | None) -> Iterator[Service]:
    with _errors_as_one_line():
        service = _open(database_url)
        try:
            yield service
        finally:
            service.close()


def _when(value: Any) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def _version_callback(value: bool) -> None:
    if value:
        stdout.print(f"assay {_package_version()}")
        raise typer.Exit()


@app.callback()
def main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version of Assay and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Assay: test machine-learning models test case by test case."""


# -- server ----------------------------------------------------------------------------------------------
@app.command()
def server(
    host: Annotated[
        str,
        typer.Option(envvar="ASSAY_SERVER_HOST", help="Address to listen on; 0.0.0.0 for every interface."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="ASSAY_SERVER_PORT", help="Port to listen on.", min=0, max=65535)] = 8000,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the web app on the database.

    It prints the web app's address with a one-time sign-in code, as Jupyter does: opening that link signs
    the browser in (once, within ASSAY_SIGN_IN_CODE_MINUTES, 10 by default). Later sign-ins, and Python
    clients, use an API token from `assay token create`.

    The database is created on first use; one made by an older Assay must first be migrated with
    `assay db upgrade`: the server refuses to start on it.
    """
    import uvicorn
    from pydantic import SecretStr

    from assay.server import Settings, create_app
    from assay.store import redact_url

    with _service(database_url) as service:
        secret_url = None if database_url is None else SecretStr(database_url)
        settings = Settings(server_host=host, server_port=port, database_url=secret_url)
        application = create_app(service, settings)
        code = service.create_sign_in_code(settings.sign_in_code_lifetime)
        address = f"http://{host}:{port}"
        stdout.print(
            f"Assay serves {redact_url(service.url)} at {address}: API at {address}/api/v1 (docs at "
            f"{address}/docs), for clients with a token from `assay token create`."
        )
        # The link a user opens, last and alone on its line so that terminals make it clickable.
        stdout.print(f"Assay is running at {_browser_address(host, port)}/?code={code}")
        uvicorn.run(application, host=host, port=port, log_level="info")


def _browser_address(host: str, port: int) -> str:
    # A server listening on every interface is reached from this machine through the loopback address.
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


# -- db --------------------------------------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Migrate the database to the schema of this version of Assay (a fresh one is created)."""
    from assay.store import default_database_url, head_revision, redact_url, upgrade

    url = database_url or default_database_url()
    with _errors_as_one_line():
        upgrade(url)
    stdout.print(f"{redact_url(url)} is at schema revision {head_revision()}")


# -- token -----------------------------------------------------------------------------------------------
@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", "-n", help="What the token is for, shown by `assay token list`.")] = (
        "default"
    ),
    database_url: DatabaseUrl = None,
) -> None:
    """Create an API token and print it, alone, on standard output.

    The token is shown this once (only its hash is stored). Clients use it as
    `assay.initialize(api_token=..., host=...)` or through the ASSAY_API_TOKEN variable, e.g.
    `export ASSAY_API_TOKEN=$(assay token create --name ci)`.
    """
    with _service(database_url) as service:
        record, secret = service.create_token(name)
    # Standard output carries the secret alone, so that $(assay token create) captures exactly it.
    typer.echo(secret)
    stderr.print(f"Created API token {record.id} ({record.name!r}); it is not shown again.", soft_wrap=True)


@token_app.command("list")
def token_list(database_url: DatabaseUrl = None) -> None:
    """List the API tokens: id, name, the start of the secret, and when each was created or revoked."""
    with _service(database_url) as service:
        tokens = service.list_tokens()
    from assay.store import TOKEN_PREFIX

    table = Table("id", "name", "starts with", "created (UTC)", "revoked (UTC)", title="API tokens")
    for token in tokens:
        table.add_row(
            str(token.id),
            token.name,
            f"{TOKEN_PREFIX}{token.prefix}…",
            _when(token.created),
            _when(token.revoked),
        )
    _print_table(table, len(tokens), "no API tokens yet: `assay token create` makes one")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The id that `assay token list` shows.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke an API token: requests that carry it are refused from now on."""
    with _service(database_url) as service:
        record = service.revoke_token(token_id)
    stdout.print(f"Revoked API token {record.id} ({record.name!r}).")


# -- workflow --------------------------------------------------------------------------------------------
@workflow_app.command("list")
def workflow_list(database_url: DatabaseUrl = None) -> None:
    """List the workflows, with how many test cases, test suites and models each has."""
    with _service(database_url) as service:
        workflows = service.list_workflows()
        counts = {
            workflow.name: (
                len(service.list_test_cases(workflow.name)),
                len(service.list_test_suites(workflow.name)),
                len(service.list_models(workflow.name)),
            )
            for workflow in workflows
        }
    table = Table("name", "test cases", "test suites", "models", "created (UTC)", title="Workflows")
    for workflow in workflows:
        cases, suites, models = counts[workflow.name]
        table.add_row(workflow.name, str(cases), str(suites), str(models), _when(workflow.created))
    _print_table(table, len(workflows), "no workflows yet: define one with assay.workflow.define_workflow")


# -- test-suite ------------------------------------------------------------------------------------------
@test_suite_app.command("list")
def test_suite_list(workflow: WorkflowFilter = None, database_url: DatabaseUrl = None) -> None:
    """List the test suites (their latest versions), oldest first."""
    with _service(database_url) as service:
        suites = service.list_test_suites(workflow)
    table = Table("name", "version", "workflow", "test cases", "samples", "tags", "created (UTC)", title="Test suites")
    for suite in suites:
        table.add_row(
            suite.name,
            str(suite.version),
            suite.workflow,
            str(len(suite.test_cases)),
            str(sum(case.n_samples for case in suite.test_cases)),
            ", ".join(suite.tags),
            _when(suite.created),
        )
    _print_table(table, len(suites), "no test suites" + (f" in workflow {workflow!r}" if workflow else ""))


@test_suite_app.command("show")
def test_suite_show(
    name: Annotated[str, typer.Argument(help="The test suite's name.")],
    suite_version: Annotated[
        int | None,
        typer.Option("--version", help="Show this version (default: the latest).", show_default=False),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Show a test suite: its test cases with their sample counts, and its version history."""
    with _service(database_url) as service:
        suite = service.load_test_suite(name, suite_version)
        history = service.list_test_suite_versions(name)
    stdout.print(Text.assemble(("Test suite ", "bold"), (suite.name, "bold cyan"), f" version {suite.version}"))
    stdout.print(f"workflow: {suite.workflow}")
    if suite.description:
        stdout.print(f"description: {suite.description}")
    if suite.tags:
        stdout.print(f"tags: {', '.join(suite.tags)}")
    cases = Table("test case", "version", "samples", title="Test cases")
    for case in suite.test_cases:
        cases.add_row(case.name, str(case.version), str(case.n_samples))
    _print_table(cases, len(suite.test_cases), "this version holds no test cases")
    versions = Table("version", "test cases", "samples", "created (UTC)", title="Versions")
    for entry in history:
        versions.add_row(
            str(entry.version) + (" (shown)" if entry.version == suite.version else ""),
            str(len(entry.test_cases)),
            str(sum(case.n_samples for case in entry.test_cases)),
            _when(entry.created),
        )
    stdout.print(versions)


# -- model -----------------------------------------------------------------------------------------------
@model_app.command("list")
def model_list(workflow: WorkflowFilter = None, database_url: DatabaseUrl = None) -> None:
    """List the models, oldest first."""
    with _service(database_url) as service:
        models = service.list_models(workflow)
    table = Table("name", "workflow", "tags", "metadata", "created (UTC)", title="Models")
    for model in models:
        metadata = ", ".join(f"{key}={value}" for key, value in model.metadata.items())
        table.add_row(model.name, model.workflow, ", ".join(model.tags), metadata, _when(model.created))
    _print_table(table, len(models), "no models" + (f" in workflow {workflow!r}" if workflow else ""))


def _print_table(table: Table, rows: int, empty: str) -> None:
    if rows:
        stdout.print(table)
    else:
        stdout.print(empty)


if __name__ == "__main__":
    app()
