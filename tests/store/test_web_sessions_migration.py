"""Migration 0003: sessions and sign-in codes, and the sample counts of suite versions that already exist."""

from __future__ import annotations

from alembic import command
from tests.service.builders import WORKFLOW, make_case

from assay.service import Service
from assay.store import upgrade
from assay.store.engine import create_store_engine
from assay.store.migrate import _config, current_revision


def test_upgrading_counts_the_distinct_samples_of_existing_suite_versions(database_url: str) -> None:
    service = Service.from_url(database_url)
    service.register_workflow(WORKFLOW, {})
    first = make_case(service, "first", list(range(10)))
    second = make_case(service, "second", list(range(5, 15)))
    service.create_test_suite(WORKFLOW, "both", test_case_ids=[first.id, second.id])
    service.close()
    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            command.downgrade(_config(connection), "0002_api_tokens")
        assert current_revision(engine) == "0002_api_tokens"
    finally:
        engine.dispose()
    upgrade(database_url)
    service = Service.from_url(database_url)
    try:
        history = service.read_suite_detail("both").versions
        assert [(v.version, v.n_samples) for v in history] == [(0, 0), (1, 15)]
        _, secret = service.create_token("after upgrade")
        session, _ = service.create_session(secret)
        assert session.token_name == "after upgrade"
    finally:
        service.close()
