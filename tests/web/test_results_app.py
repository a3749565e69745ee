"""The web app in headless Chromium on the keypoint example, checked as its users would.

The example's two models: mean-shape-regressor is better on the complete set but worse on the profile faces,
where dark-blob-detector wins by a wide margin. A user opening the app must get from the root URL to that
regression, shown as significant, in a few clicks; the numbers must be the stored ones; a URL must reopen to
the same view; and without a session nothing is served.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.web.conftest import THEMES, ExampleServer, new_context

from assay.service.models import TestSuiteRecord

SUITE = "synthetic faces :: 5-point"
BETTER = "mean-shape-regressor"
OTHER = "dark-blob-detector"
SHOWN = "nme-threshold-0.05"
METRICS = ("mean_nme", "alignment_failure_rate", "n_samples")
SEP = "\u241f"


@dataclass(frozen=True)
class Example:
    suite: TestSuiteRecord
    better_id: int
    other_id: int
    # (test case id, configuration, model id) -> stored test-case metrics
    stored: dict[tuple[int, str | None, int], dict[str, object]]

    def case_id(self, slice_name: str) -> int:
        return next(tc.id for tc in self.suite.test_cases if tc.name == f"{SUITE} :: {slice_name}")

    def results_url(self, *, baseline: int, configuration: str | None = SHOWN, extra: str = "") -> str:
        url = f"/results?suite={self.suite.id}&models={self.better_id},{self.other_id}&baseline={baseline}"
        if configuration is not None:
            url += f"&config={configuration}"
        return url + extra


@pytest.fixture(scope="module")
def example(example_server: ExampleServer) -> Example:
    service = example_server.service
    suite = service.load_test_suite(SUITE)
    models = {m.name: m.id for m in service.list_models()}
    stored: dict[tuple[int, str | None, int], dict[str, object]] = {}
    for model_id in models.values():
        for results in service.load_results(model_id, suite.id):
            for row in results.test_case_metrics:
                stored[(row.test_case_id, results.configuration, model_id)] = dict(row.metrics or {})
    return Example(suite=suite, better_id=models[BETTER], other_id=models[OTHER], stored=stored)


def cell(page: Page, case_id: int, configuration: str, metric: str, model_id: int):  # type: ignore[no-untyped-def]
    return page.locator(f'td[data-row="{case_id}"][data-column="{configuration}{SEP}{metric}{SEP}{model_id}"]')


def table_snapshot(page: Page) -> dict[tuple[str, str], tuple[str | None, str | None, str]]:
    """Every rendered cell of the test-case table: (row, column) -> (value, state, text)."""
    page.locator("td.rg-cell").first.wait_for()
    return {
        (c["row"], c["column"]): (c["value"], c["state"], c["text"])
        for c in page.eval_on_selector_all(
            "section[aria-label='Test cases'] td.rg-cell",
            "cells => cells.map(c => ({row: c.dataset.row, column: c.dataset.column, value: c.dataset.value ?? null,"
            " state: c.dataset.state ?? null, text: c.innerText}))",
        )
    }


def test_better_models_regression_is_found_from_the_root_url_in_four_clicks(page: Page, example: Example) -> None:
    clicks = 0
    page.goto("/")
    page.get_by_role("link", name=f"Results of {SUITE}").click()
    clicks += 1
    # The radio follows the URL, which the click changes: its state settles a render later, so it is awaited
    # (Playwright's check() wants it changed the instant the click returns, which a loaded machine misses).
    baseline = page.get_by_role("radio", name=f"Use {OTHER} as the baseline")
    baseline.click()
    clicks += 1
    expect(baseline).to_be_checked()
    expect(page.locator("td.rg-cell[data-state='worse']").first).to_be_visible()
    # j steps through the significant regressions (a key, not a click); the profile slice must be among them.
    profile = str(example.case_id("pose: profile"))
    seen = []
    for _ in range(12):
        page.keyboard.press("j")
        focused = page.evaluate(
            "() => { const c = document.activeElement; return c && c.dataset ? "
            "{row: c.dataset.row, column: c.dataset.column, label: c.getAttribute('aria-label')} : null }"
        )
        if focused and focused["row"]:
            seen.append(focused)
        if focused and focused["row"] == profile and f"{SEP}mean_nme{SEP}{example.better_id}" in focused["column"]:
            break
    hit = seen[-1] if seen else {}
    assert hit.get("row") == profile, f"j never reached the profile slice's regression; visited {seen}"
    assert BETTER in hit["label"] and "significantly worse" in hit["label"] and "q=" in hit["label"]
    assert clicks <= 4


def test_figures_shown_are_the_stored_metrics(page: Page, example: Example) -> None:
    page.goto(example.results_url(baseline=example.other_id))
    page.locator("td.rg-cell").first.wait_for()
    for tc in example.suite.test_cases:
        for model_id in (example.better_id, example.other_id):
            stored = example.stored[(tc.id, SHOWN, model_id)]
            for metric in METRICS:
                element = cell(page, tc.id, SHOWN, metric, model_id)
                element.scroll_into_view_if_needed()
                value = float(element.get_attribute("data-value") or "nan")
                assert value == pytest.approx(float(stored[metric]), rel=1e-12), (tc.name, metric, model_id)
                shown = element.locator(".rg-value").inner_text()
                assert float(shown.replace("\u2212", "-")) == pytest.approx(float(stored[metric]), rel=5e-3)
                if model_id == example.better_id:
                    baseline = float(example.stored[(tc.id, SHOWN, example.other_id)][metric])
                    delta = float(element.get_attribute("data-delta") or "nan")
                    assert delta == pytest.approx(float(stored[metric]) - baseline, rel=1e-9, abs=1e-12)
    # Lower NME is better: the better model's profile cell is a significant regression, its frontal one a
    # significant improvement (both differences are large on ~60 and ~240 faces).
    profile = cell(page, example.case_id("pose: profile"), SHOWN, "mean_nme", example.better_id)
    frontal = cell(page, example.case_id("pose: frontal"), SHOWN, "mean_nme", example.better_id)
    expect(profile).to_have_attribute("data-state", "worse")
    expect(frontal).to_have_attribute("data-state", "better")
    assert "\u25b2" in profile.inner_text() and "\u25bc" in frontal.inner_text()


def test_a_url_reopened_in_a_fresh_browser_shows_the_same_numbers(
    browser: Browser, example_server: ExampleServer, example: Example
) -> None:
    first = new_context(browser, example_server)
    page = first.new_page()
    page.goto(example.results_url(baseline=example.other_id))
    only_significant = page.get_by_role("checkbox", name="Show only significant changes")
    only_significant.click()
    expect(only_significant).to_be_checked()
    page.get_by_role("button", name=f"Sort by delta to the baseline of mean nme {SHOWN} {BETTER}").click()
    expect(page).to_have_url(re.compile(r"sort_by=delta"))
    page.wait_for_load_state("networkidle")
    url = page.url
    before = table_snapshot(page)
    order_before = page.eval_on_selector_all(
        "section[aria-label='Test cases'] tbody tr[data-row]", "rows => rows.map(r => r.dataset.row)"
    )
    first.close()

    second = new_context(browser, example_server)
    again = second.new_page()
    again.goto(url)
    expect(again.get_by_role("checkbox", name="Show only significant changes")).to_be_checked()
    after = table_snapshot(again)
    order_after = again.eval_on_selector_all(
        "section[aria-label='Test cases'] tbody tr[data-row]", "rows => rows.map(r => r.dataset.row)"
    )
    second.close()
    assert after == before
    assert order_after == order_before


def test_without_a_session_the_api_refuses_and_the_app_asks_to_sign_in(
    browser: Browser, example_server: ExampleServer, example: Example
) -> None:
    context = new_context(browser, example_server, signed_in=False)
    for path in (
        "/api/v1/app/overview",
        f"/api/v1/app/results?test_suite_id={example.suite.id}&model_ids={example.better_id}",
        "/api/v1/test-suites",
        "/api/v1/models",
    ):
        response = context.request.get(path)
        assert response.status == 401, path
        assert response.json()["code"] == "unauthenticated"
    page = context.new_page()
    page.goto(example.results_url(baseline=example.other_id))
    expect(page.get_by_role("heading", name="Sign in to Assay")).to_be_visible()
    expect(page.locator("td.rg-cell")).to_have_count(0)
    # Signing in with a token on that page opens the app.
    page.get_by_label("API token").fill(example_server.token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in to Assay")).to_have_count(0)
    page.goto(example.results_url(baseline=example.other_id))
    expect(page.locator("td.rg-cell").first).to_be_visible()
    context.close()


def test_exported_csv_holds_every_cell_with_its_statistics(page: Page, example: Example) -> None:
    page.goto(example.results_url(baseline=example.other_id))
    page.locator("td.rg-cell").first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert {"q_value", "ci_low", "ci_high", "delta"} <= set(rows[0])
    profile = [
        r
        for r in rows
        if r.get("test_case", "").endswith("pose: profile")
        and r.get("metric") == "mean_nme"
        and r.get("model") == BETTER
    ]
    assert len(profile) == 1
    stored = example.stored[(example.case_id("pose: profile"), SHOWN, example.better_id)]["mean_nme"]
    assert math.isclose(float(profile[0]["value"]), float(stored), rel_tol=1e-9)
    assert float(profile[0]["q_value"]) <= 0.05


def test_plots_of_a_test_case_overlay_both_models(page: Page, example: Example) -> None:
    page.goto(example.results_url(baseline=example.other_id))
    page.get_by_role("button", name="Plots of pose: profile").click()
    figures = page.locator("figure.rp-figure")
    expect(figures.first).to_be_visible()
    figures.first.locator("svg, canvas").first.wait_for()
    assert figures.count() >= 2
    legend = figures.first.inner_text()
    assert BETTER in legend and OTHER in legend


def test_shortcut_overlay_lists_the_keys(page: Page, example: Example) -> None:
    page.goto(example.results_url(baseline=example.other_id))
    page.locator("td.rg-cell").first.wait_for()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("j")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


@pytest.fixture(params=THEMES)
def theme(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


def test_every_page_renders_in_both_themes(
    browser: Browser,
    example_server: ExampleServer,
    example: Example,
    screenshot_dir,
    theme: str,  # type: ignore[no-untyped-def]
) -> None:
    context = new_context(browser, example_server, theme=theme)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    suite = example.suite
    pages = {
        "home": ("/", "Workflows"),
        "test-suites": ("/test-suites", "Test suites"),
        "suite": (f"/test-suites/{SUITE}?version={suite.version}", SUITE),
        "suite-diff": (f"/test-suites/{SUITE}/diff?base=0&head={suite.version}", SUITE),
        "results": (example.results_url(baseline=example.other_id, configuration=None), SUITE),
        "models": ("/models", "Models"),
        "model": (f"/models/{example.better_id}", BETTER),
        "runs": ("/runs", "Runs"),
    }
    for name, (path, heading) in pages.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1).first).to_contain_text(heading)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(screenshot_dir / f"{name}-{theme}.png"), full_page=True)
    page.goto(example.results_url(baseline=example.other_id))
    page.get_by_role("button", name="Plots of pose: profile").click()
    page.locator("figure.rp-figure svg, figure.rp-figure canvas").first.wait_for()
    page.screenshot(path=str(screenshot_dir / f"results-plots-{theme}.png"), full_page=True)
    context.close()
    signed_out = new_context(browser, example_server, theme=theme, signed_in=False).new_page()
    signed_out.goto("/")
    expect(signed_out.get_by_role("heading", name="Sign in to Assay")).to_be_visible()
    signed_out.screenshot(path=str(screenshot_dir / f"sign-in-{theme}.png"))
    signed_out.context.close()
    assert not errors, errors
