// One click from a results cell to the samples behind its delta (the Studio's delta mode), and from the page
// to the Studio for its suite version.
import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it, vi } from "vitest";

import { createQueryClient } from "../App";
import { parseStudioState } from "../studio/urlQuery";
import { json, mockApi } from "../test/render";
import { NESTED, OPTIONS, PLOTS, fixtureTable } from "./fixture";
import ResultsPage from "./ResultsPage";
import type { ResultsTable } from "./types";

vi.mock("vega-embed", () => ({ default: vi.fn() }));

/** The fixture's table with the columns of one configuration only (all of them fit jsdom's viewport). */
function oneConfiguration(configuration: string | null): ResultsTable {
  const table = fixtureTable();
  const keep = table.columns.map((c, i) => (c.configuration === configuration ? i : -1)).filter((i) => i >= 0);
  return {
    ...table,
    configurations: [configuration],
    columns: keep.map((i) => table.columns[i]),
    rows: table.rows.map((row) => ({ ...row, cells: keep.map((i) => row.cells[i]) })),
  };
}

function renderPage(url: string, table: ResultsTable = fixtureTable()) {
  mockApi({
    "GET /api/v1/app/results/options": () => json(OPTIONS),
    "GET /api/v1/app/results": () => json(table),
    "GET /api/v1/app/results/nested": () => json(NESTED),
    "GET /api/v1/app/results/plots": () => json(PLOTS),
  });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(
    [
      { path: "/results", element: <ResultsPage /> },
      { path: "/studio", element: <p>studio</p> },
    ],
    { initialEntries: [url] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const grid = () => screen.findByRole("table", { name: "Results of faces version 2 by test case" });

describe("links from the results page to the Studio", () => {
  it("links each delta to the samples behind it: its test case, model, baseline, configuration, metric and evaluator", async () => {
    const router = renderPage("/results?suite=7&models=1,2,3&baseline=1");
    await grid();
    const worse = screen.getByRole("cell", { name: /^mean_nme \(t-0\.05\) model B 0\.0810, ▲ \+0\.023 vs baseline, significantly worse/ });
    expect(worse).toHaveAttribute("data-row", "12");
    const link = within(worse).getByRole("link", { name: "Samples behind this change" });
    expect(link).toHaveAttribute("href", "/studio?suite=7&case=12&delta=2%2C1%2Ct-0.05%2Cmean_nme&evaluator=keypoints");
    expect(link).toHaveTextContent("▲ +0.023");

    // The baseline's own cells have no delta, so no link; neither do the suite's metrics (no test case).
    expect(within(screen.getByRole("cell", { name: "mean_nme (t-0.05) model A 0.0580, baseline" })).queryByRole("link")).toBeNull();
    expect(within(screen.getByRole("table", { name: "Suite metrics" })).queryByRole("link")).toBeNull();

    await userEvent.click(link);
    expect(await screen.findByText("studio")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/studio");
  });

  it("names the unnamed configuration by an empty part", async () => {
    renderPage("/results?suite=7&models=1,2,3&baseline=1", oneConfiguration(null));
    await grid();
    const cell = screen.getByRole("cell", { name: /^ap model C 0\.651, ▲ \+0\.050 vs baseline/ });
    const href = within(cell).getByRole("link", { name: "Samples behind this change" }).getAttribute("href") ?? "";
    expect(href).toBe("/studio?suite=7&case=12&delta=3%2C1%2C%2Cap&evaluator=keypoints");
    expect(parseStudioState(new URL(href, "http://x").searchParams)).toMatchObject({
      suite: 7,
      testCase: 12,
      delta: { modelId: 3, baselineId: 1, configuration: null, metric: "ap", evaluator: "keypoints" },
    });
  });

  it("links the page's header to the Studio for the suite version and models compared", async () => {
    renderPage("/results?suite=7&models=1,2&baseline=1");
    await grid();
    expect(screen.getByRole("link", { name: "Studio" })).toHaveAttribute("href", "/studio?suite=7&models=1%2C2");
  });
});
