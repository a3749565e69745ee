"""The Studio, the gallery and the sample detail page in headless Chromium on the keypoint example.

The example's mean-shape-regressor fails on the profile faces: its normalised mean error is at least 0.1 on
exactly those samples. A user who has never seen the app goes from the root URL to the Studio, filters the suite
to that failure slice by the model's per-sample metric, saves it as a test case in a new suite version, and
finds it on the results page with metrics for both models, equal to the stored per-sample errors' means. A
sample opened from the gallery draws its keypoints where the stored ones are, read back from the canvas.

The module works on its own copy of the example's store, since it adds suite versions.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect
from tests.server.support import LiveServer
from tests.web.conftest import STATIC, THEMES, ExampleServer, new_context

from assay.server import create_app
from assay.server.settings import Settings
from assay.service import Service

SUITE = "synthetic faces :: 5-point"
FAILING = "mean-shape-regressor"
OTHER = "dark-blob-detector"
CONFIGURATION = "nme-threshold-0.05"
THRESHOLD = 0.1
NEW_CASE = "mean-shape failures"
SEP = "\u241f"


@pytest.fixture(scope="module")
def studio_server(example_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExampleServer]:
    """A server on a copy of the example's database; its images stay where the example drew them."""
    if not (STATIC / "index.html").is_file():
        pytest.fail("the web app is not built: ./scripts/test builds it (cd web && npm run build)", pytrace=False)
    home = tmp_path_factory.mktemp("studio-home")
    shutil.copy2(example_home / "assay.db", home / "assay.db")
    service = Service.from_url(f"sqlite:///{home / 'assay.db'}")
    _, token = service.create_token("studio end-to-end tests")
    settings = Settings(asset_roots=[example_home], thumbnail_cache=home / "thumbnails")
    try:
        with LiveServer(create_app(service, settings)) as server:
            yield ExampleServer(url=server.url, token=token, service=service)
    finally:
        service.close()


@pytest.fixture
def studio_page(browser: Browser, studio_server: ExampleServer) -> Iterator[Page]:
    context = new_context(browser, studio_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"the app logged errors: {errors}"


def _model_ids(service: Service) -> dict[str, int]:
    """The example's two models (other tests of the session may have added models of their own)."""
    return {model.name: model.id for model in service.list_models() if model.name in (FAILING, OTHER)}


def _database(server: ExampleServer) -> Path:
    return Path(server.service.url.removeprefix("sqlite:///"))


def _stored_errors(server: ExampleServer, model_id: int) -> dict[int, float]:
    """Each sample's stored normalised mean error of a model, read from the database itself, by sample id.

    The example's evaluator computes it per test case; a face's error is the same in every test case holding it.
    """
    with sqlite3.connect(_database(server)) as db:
        rows = db.execute(
            "SELECT m.test_sample_id, m.data FROM sample_metrics m"
            " JOIN run_configuration c ON c.id = m.configuration_id JOIN test_run r ON r.id = m.test_run_id"
            " WHERE r.model_id = ? AND c.display_name = ?",
            (model_id, CONFIGURATION),
        ).fetchall()
    return {int(sample): float(json.loads(data)["normalized_mean_error"]) for sample, data in rows}


def _members(server: ExampleServer, test_case_id: int) -> dict[int, dict[str, object]]:
    """The samples of a test-case version with their ground truths, read from the database, by sample id."""
    with sqlite3.connect(_database(server)) as db:
        (case, version) = db.execute(
            "SELECT test_case_id, version FROM test_case_version WHERE id = ?", (test_case_id,)
        ).fetchone()
        rows = db.execute(
            "SELECT test_sample_id, ground_truth FROM test_case_sample WHERE test_case_id = ?"
            " AND added_in <= ? AND (removed_in IS NULL OR removed_in > ?)",
            (case, version, version),
        ).fetchall()
    return {int(sample): json.loads(truth) for sample, truth in rows}


def _add_failure_filter(page: Page) -> None:
    filters = page.get_by_role("form", name="Add a filter")
    filters.get_by_label("Filter field").select_option(label="normalized mean error")
    filters.get_by_label("Filter model").select_option(label=FAILING)
    filters.get_by_label("Condition").select_option(label="between")
    filters.get_by_label("Minimum").fill(str(THRESHOLD))
    filters.get_by_role("button", name="Add filter").click()


def test_a_failure_slice_filtered_in_the_studio_becomes_an_evaluated_test_case(
    studio_page: Page, studio_server: ExampleServer
) -> None:
    page, service = studio_page, studio_server.service
    models = _model_ids(service)
    v1 = service.load_test_suite(SUITE)
    assert set(models) == {FAILING, OTHER}
    errors = {name: _stored_errors(studio_server, model_id) for name, model_id in models.items()}
    slice_ids = sorted(i for i, e in errors[FAILING].items() if e >= THRESHOLD)
    assert 0 < len(slice_ids) < 300

    # From the root URL, as a new user: the nav's Studio, then the suite.
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Studio").click()
    page.get_by_text(SUITE).first.click()
    expect(page.get_by_test_id("studio-count")).to_contain_text("300")
    page.get_by_label("Configuration").select_option(CONFIGURATION)

    _add_failure_filter(page)
    expect(page.get_by_test_id("studio-count")).to_contain_text(f"{len(slice_ids)} of 300")
    shown = page.locator("[data-sample-id]")
    expect(shown.first).to_be_visible()
    assert {int(v) for v in shown.evaluate_all("cells => cells.map(c => c.dataset.sampleId)")} <= set(slice_ids)

    # Nothing ticked: the button offers what the filter matches.
    create = page.get_by_test_id("studio-create")
    expect(create).to_have_text(f"Create test case of {len(slice_ids)} samples")
    create.click()
    dialog = page.get_by_test_id("create-dialog")
    dialog.get_by_label("Name").fill(NEW_CASE)
    expect(dialog.get_by_label("Add to suite (new version)")).to_be_checked()
    expect(dialog.get_by_label("Compute metrics for existing models")).to_be_checked()
    dialog.get_by_role("button", name="Create").click()
    created = page.get_by_test_id("studio-created")
    expect(created).to_contain_text(NEW_CASE)
    expect(created).to_contain_text(f"{len(slice_ids)} samples")

    v2 = service.load_test_suite(SUITE)
    assert v2.version == v1.version + 1
    assert [tc.name for tc in v2.test_cases][:-1] == [tc.name for tc in v1.test_cases]
    new_case = v2.test_cases[-1]
    assert new_case.name == NEW_CASE
    assert sorted(_members(studio_server, new_case.id)) == slice_ids

    # The results of the new version, one click away: the new test case with metrics for both models.
    created.get_by_role("link", name=f"Results of version {v2.version}").click()
    page.locator("td.rg-cell").first.wait_for()
    for name, model_id in models.items():
        expected = float(np.mean([errors[name][i] for i in slice_ids]))
        cell = page.locator(f'td[data-row="{new_case.id}"][data-column="{CONFIGURATION}{SEP}mean_nme{SEP}{model_id}"]')
        expect(cell).to_be_visible()
        assert float(cell.get_attribute("data-value") or "nan") == pytest.approx(expected, rel=1e-9), name
    # The slice is where the failing model loses: its error there is the larger one.
    assert np.mean([errors[FAILING][i] for i in slice_ids]) > np.mean([errors[OTHER][i] for i in slice_ids])

    # The filter is kept with the test case, to be shown and re-run.
    stored = service.curation.stored_query(new_case.id)
    assert stored is not None
    (predicate,) = stored.query.predicates
    assert (predicate.field, predicate.model_id, predicate.min) == (
        "metric.normalized_mean_error",
        models[FAILING],
        THRESHOLD,
    )


def _canvas_pixel(page: Page, test_id: str, x: int, y: int) -> list[int]:
    return page.get_by_test_id(test_id).evaluate(
        "(canvas, [x, y]) => Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data)", [x, y]
    )


def test_a_sample_opened_from_the_gallery_draws_its_stored_keypoints_where_they_are(
    studio_page: Page, studio_server: ExampleServer
) -> None:
    page, service = studio_page, studio_server.service
    suite = service.load_test_suite(SUITE)
    page.goto(f"/studio?suite={suite.id}")
    first = page.locator("[data-sample-id]").first
    first.wait_for()
    sample_id = int(first.get_attribute("data-sample-id") or "0")
    first.get_by_role("button", name=re.compile("^Open ")).click()
    expect(page).to_have_url(re.compile(f"/samples/{sample_id}\\b"))

    canvas = page.get_by_test_id("sample-canvas")
    expect(canvas).to_be_visible()
    # Only the ground truth, so that no model's disc covers it.
    for name in (FAILING, OTHER):
        box = page.get_by_role("checkbox", name=name)
        if box.is_checked():
            box.uncheck()
    layers = json.loads(canvas.get_attribute("data-layers") or "[]")
    truth = next(layer for layer in layers if layer["id"] == "gt")
    colour = [int(truth["colour"][i : i + 2], 16) for i in (1, 3, 5)]

    ground_truth = next(
        members[sample_id] for tc in suite.test_cases if sample_id in (members := _members(studio_server, tc.id))
    )
    # Where the image really is on screen, independent of the app's own view arithmetic.
    geometry = page.evaluate(
        """() => {
            const img = document.querySelector('[data-testid="sample-image"]');
            const canvas = document.querySelector('[data-testid="sample-canvas"]');
            const a = img.getBoundingClientRect(), c = canvas.getBoundingClientRect();
            return {left: a.left - c.left, top: a.top - c.top, scale: a.width / img.naturalWidth,
                    dpr: canvas.width / c.width};
        }"""
    )
    points = ground_truth["keypoints"]["points"]  # type: ignore[index]
    for x, y in points:
        cx = (geometry["left"] + x * geometry["scale"]) * geometry["dpr"]
        cy = (geometry["top"] + y * geometry["scale"]) * geometry["dpr"]
        r, g, b, a = _canvas_pixel(page, "sample-canvas", int(cx), int(cy))
        assert a > 200 and max(abs(r - colour[0]), abs(g - colour[1]), abs(b - colour[2])) <= 24, (x, y, r, g, b, a)


@pytest.mark.parametrize("theme", THEMES)
def test_screenshots_of_the_studio_gallery_and_detail(
    browser: Browser, studio_server: ExampleServer, screenshot_dir: Path, theme: str
) -> None:
    context = new_context(browser, studio_server, theme=theme)
    page = context.new_page()
    suite = studio_server.service.load_test_suite(SUITE)
    page.goto(f"/studio?suite={suite.id}")
    expect(page.get_by_test_id("studio-count")).to_be_visible()
    page.locator("[data-sample-id] img").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshot_dir / f"studio-{theme}.png")
    page.get_by_test_id("gallery-scroll").screenshot(path=screenshot_dir / f"gallery-{theme}.png")
    sample_id = page.locator("[data-sample-id]").first.get_attribute("data-sample-id")
    page.goto(f"/samples/{sample_id}?suite={suite.id}")
    expect(page.get_by_test_id("sample-canvas")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshot_dir / f"sample-{theme}.png")
    context.close()
