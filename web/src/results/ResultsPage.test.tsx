import { QueryClientProvider } from "@tanstack/react-query";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createQueryClient } from "../App";
import { installShortcuts } from "../shortcuts";
import { json, mockApi } from "../test/render";
import { NESTED, OPTIONS, PLOTS, fixtureTable } from "./fixture";
import ResultsPage from "./ResultsPage";
import type { ResultsTable } from "./types";

const embed = vi.hoisted(() => vi.fn());
vi.mock("vega-embed", () => ({ default: embed }));

const queryOf = (request: Request) => new URL(request.url).searchParams;

/** The fixture's table with its first configuration only (every column fits jsdom's 1200 px viewport). */
function oneConfiguration(): ResultsTable {
  const table = fixtureTable();
  const keep = table.columns.map((c, i) => (c.configuration === "t-0.05" ? i : -1)).filter((i) => i >= 0);
  return {
    ...table,
    configurations: ["t-0.05"],
    columns: keep.map((i) => table.columns[i]),
    rows: table.rows.map((row) => ({ ...row, cells: keep.map((i) => row.cells[i]) })),
    suite_columns: table.suite_columns.slice(0, 3),
    suite_cells: table.suite_cells.slice(0, 3),
  };
}

function serve(table: (query: URLSearchParams) => ResultsTable = () => fixtureTable()) {
  return mockApi({
    "GET /api/v1/app/results/options": () => json(OPTIONS),
    "GET /api/v1/app/results": (request) => json(table(queryOf(request))),
    "GET /api/v1/app/results/nested": () => json(NESTED),
    "GET /api/v1/app/results/plots": () => json(PLOTS),
    "GET /api/v1/app/test-suites/faces": () => json({ versions: [{ id: 7, version: 2, created: "2026-01-01T00:00:00Z", n_test_cases: 3 }] }),
    "GET /api/v1/app/test-suites": () =>
      json({ items: [{ id: 7, name: "faces", version: 2, workflow: "Keypoints", description: "", n_test_cases: 3, n_models: 3 }], total: 1 }),
  });
}

/** jsdom's Blob has no text(). */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

function renderPage(url: string) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter([{ path: "/results", element: <ResultsPage /> }], { initialEntries: [url] });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, queryClient };
}

const tableRequests = (requests: Request[]) => requests.filter((r) => new URL(r.url).pathname === "/api/v1/app/results");
const grid = () => screen.findByRole("table", { name: "Results of faces version 2 by test case" });
const cell = (name: RegExp | string) => screen.getByRole("cell", { name });
const rowNames = (table: HTMLElement) =>
  within(table)
    .getAllByRole("rowheader")
    .map((th) => th.querySelector(".rg-ellipsis")?.textContent);

let uninstall: () => void = () => {};
beforeEach(() => {
  uninstall = installShortcuts(window);
  embed.mockReset();
  embed.mockImplementation(async () => ({
    view: { toImageURL: async (type: string) => `data:image/${type};base64,AAAA` },
    finalize: () => {},
  }));
});
afterEach(() => uninstall());

describe("the results page", () => {
  it("asks for the URL's comparison and shows the table with configuration, metric and model headers", async () => {
    const { requests } = serve();
    renderPage("/results?suite=7&models=1,2,3&baseline=1");
    const table = await grid();
    const query = queryOf(tableRequests(requests)[0]);
    expect(query.getAll("model_ids")).toEqual(["1", "2", "3"]);
    expect(query.get("baseline_id")).toBe("1");
    expect(query.get("evaluator")).toBe("keypoints");
    expect(query.getAll("configurations")).toEqual([]);
    expect(query.get("common_samples")).toBe("false");

    expect(within(table).getByRole("columnheader", { name: "t-0.05" })).toBeInTheDocument();
    expect(within(table).getAllByRole("columnheader", { name: /^mean_nme/ }).length).toBeGreaterThan(0);
    expect(within(table).getAllByRole("columnheader", { name: /^model B/ }).length).toBeGreaterThan(0);
    expect(rowNames(table)).toEqual(["complete", "pose: profile", "blur: high"]);
    expect(screen.getByRole("table", { name: "Suite metrics" })).toBeInTheDocument();
  });

  it("gives every delta a sign, an arrow, a state and its q-value", async () => {
    serve();
    renderPage("/results?suite=7");
    await grid();
    const worse = cell("mean_nme (t-0.05) model B 0.0810, ▲ +0.023 vs baseline, significantly worse, q=0.003");
    expect(worse).toHaveAttribute("data-state", "worse");
    expect(worse).toHaveAttribute("data-value", "0.081");
    expect(worse).toHaveAttribute("data-delta", "0.023");
    expect(worse.title).toContain("95% interval [+0.013, +0.033]");
    expect(worse.title).toContain("p = 0.002, q = 0.003 (Benjamini–Hochberg over 24 tests)");
    expect(worse).toHaveTextContent("▲ +0.023");
    const better = cell(/^mean_nme \(t-0\.05\) model C 0\.0500, ▼ −0\.0080 vs baseline, significantly better/);
    expect(better).toHaveAttribute("data-state", "better");
    expect(cell("mean_nme (t-0.05) model A 0.0580, baseline")).toHaveAttribute("data-state", "baseline");
    expect(cell(/^ap \(t-0\.05\) model B 0\.500, ▼ −0\.10 vs baseline, insufficient evidence \(not tested\)$/)).toHaveAttribute(
      "data-state",
      "insufficient",
    );
  });

  it("flips a metric's direction, keeping the flip in the URL", async () => {
    serve();
    const { router } = renderPage("/results?suite=7");
    await grid();
    const [flip] = screen.getAllByRole("button", { name: "Flip direction of mean_nme (now lower is better, declared on the metric)" });
    await userEvent.click(flip);
    await waitFor(() => expect(router.state.location.search).toContain("flip=mean_nme"));
    expect(cell(/^mean_nme \(t-0\.05\) model B 0\.0810/)).toHaveAttribute("data-state", "better");
    expect(screen.getAllByRole("button", { name: /^Flip direction of mean_nme \(now higher is better, flipped by you/ }).length).toBeGreaterThan(0);
  });

  it("gives a metric without a direction one when asked", async () => {
    serve();
    renderPage("/results?suite=7");
    await grid();
    const [select] = screen.getAllByRole("combobox", { name: "Direction of ap" });
    await userEvent.selectOptions(select, "lower");
    // ap has no test, so its deltas stay "insufficient evidence", but the header now says which way is better.
    await waitFor(() => expect(screen.getAllByRole("combobox", { name: "Direction of ap" })[0]).toHaveValue("lower"));
  });

  it("sorts and filters on the client when every row is loaded, without asking the server again", async () => {
    const { requests } = serve();
    const { router } = renderPage("/results?suite=7");
    const table = await grid();
    const before = tableRequests(requests).length;

    await userEvent.click(screen.getByRole("button", { name: "Sort by delta to the baseline of mean_nme t-0.05 model B" }));
    // model B's deltas: complete -0.005, profile +0.023, blur -0.004; largest first.
    await waitFor(() => expect(rowNames(table)).toEqual(["pose: profile", "blur: high", "complete"]));
    expect(router.state.location.search).toContain("sort_by=delta");
    expect(router.state.location.search).toContain("desc=1");

    await userEvent.click(screen.getByRole("checkbox", { name: "Show only significant changes" }));
    await waitFor(() => expect(rowNames(table)).toEqual(["pose: profile", "complete"]));
    expect(router.state.location.search).toContain("only_significant=1");
    expect(tableRequests(requests)).toHaveLength(before);
  });

  it("sends the sort and the filter to the server when the table is larger than what it loads", async () => {
    const { requests } = serve((query) => fixtureTable({ total: 5000, ...(query.get("offset") !== "0" ? { rows: [] } : {}) }));
    renderPage("/results?suite=7&sort_metric=mean_nme&sort_config=t-0.05&sort_model=2&sort_by=significance&only_significant=1");
    await grid();
    await waitFor(() => expect(tableRequests(requests).some((r) => queryOf(r).get("sort_metric") === "mean_nme")).toBe(true));
    const sorted = queryOf(tableRequests(requests).find((r) => queryOf(r).get("sort_metric") === "mean_nme") as Request);
    expect(sorted.get("sort_configuration")).toBe("t-0.05");
    expect(sorted.get("sort_model_id")).toBe("2");
    expect(sorted.get("sort_by")).toBe("significance");
    expect(sorted.get("descending")).toBe("false");
    expect(sorted.get("only_significant")).toBe("true");
  });

  it("asks the server again for common samples, keeping the table on screen meanwhile", async () => {
    const { requests } = serve((query) => fixtureTable({ common_samples: query.get("common_samples") === "true" }));
    renderPage("/results?suite=7");
    await grid();
    await userEvent.click(screen.getByRole("checkbox", { name: "Only samples every model ran on" }));
    expect(screen.getByRole("table", { name: "Results of faces version 2 by test case" })).toBeInTheDocument();
    await waitFor(() => expect(queryOf(tableRequests(requests).at(-1) as Request).get("common_samples")).toBe("true"));
    await screen.findByText(/only samples every model ran on$/);
  });

  it("changes the baseline and the models through the URL", async () => {
    const { requests } = serve();
    const { router } = renderPage("/results?suite=7");
    await grid();
    await userEvent.click(screen.getByRole("radio", { name: "Use model C as the baseline" }));
    await waitFor(() => expect(router.state.location.search).toContain("baseline=3"));
    await waitFor(() => expect(queryOf(tableRequests(requests).at(-1) as Request).get("baseline_id")).toBe("3"));
    await userEvent.click(screen.getByRole("checkbox", { name: "model B" }));
    await waitFor(() => expect(router.state.location.search).toContain("models=1%2C3"));
    await waitFor(() => expect(queryOf(tableRequests(requests).at(-1) as Request).getAll("model_ids")).toEqual(["1", "3"]));
  });

  it("steps through the regressions with j and k", async () => {
    serve(oneConfiguration);
    renderPage("/results?suite=7");
    await grid();
    expect(screen.getByText(/3 significant regressions/)).toBeInTheDocument();
    const press = (key: string) => act(() => void fireEvent.keyDown(window, { key }));
    press("j");
    await waitFor(() => expect(document.activeElement).toHaveAttribute("data-state", "worse"));
    const first = document.activeElement as HTMLElement;
    expect(first.dataset.row).toBe("11");
    expect(first.getAttribute("aria-label")).toMatch(/^mean_nme model C/);
    press("j");
    await waitFor(() => expect(document.activeElement).not.toBe(first));
    expect((document.activeElement as HTMLElement).dataset.row).toBe("12");
    expect(document.activeElement?.getAttribute("aria-label")).toMatch(/^mean_nme model B 0\.0810, ▲ \+0\.023 vs baseline, significantly worse, q=0\.003$/);
    press("k");
    await waitFor(() => expect(document.activeElement).toBe(first));
    expect(screen.getByText(/^Regression 1 of 3: complete: mean_nme model C/)).toBeInTheDocument();

    await userEvent.click(screen.getByText("List the significant regressions"));
    const list = screen.getByRole("list");
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "complete mean_nme (t-0.05), model C: ▲ +0.010, q = 0.040",
      "pose: profile mean_nme (t-0.05), model B: ▲ +0.023, q = 0.003",
      "pose: profile accuracy (t-0.05), model B: ▼ −0.10, q = 0.001",
    ]);
    await userEvent.click(within(list).getAllByRole("button", { name: "pose: profile" })[1]);
    await waitFor(() => expect(document.activeElement?.getAttribute("aria-label")).toMatch(/^accuracy model B 0\.700, ▼ −0\.10/));
  });

  it("expands a row into its nested table", async () => {
    const { requests } = serve();
    const { router } = renderPage("/results?suite=7");
    await grid();
    await userEvent.click(screen.getByRole("button", { name: "Show nested results of complete (per_class)" }));
    const nested = await screen.findByRole("table", { name: "per_class of complete" });
    expect(within(nested).getByRole("rowheader", { name: /cat/ })).toBeInTheDocument();
    expect(within(nested).getByRole("cell", { name: /^accuracy \(t-0\.05\) model B 0\.800, ▼ −0\.10 vs baseline, significantly worse/ })).toBeInTheDocument();
    const asked = queryOf(requests.find((r) => new URL(r.url).pathname.endsWith("/nested")) as Request);
    expect(asked.get("test_case_id")).toBe("11");
    expect(asked.get("field")).toBe("per_class");
    expect(router.state.location.search).toContain("open=11");
  });

  it("shows a test case's plots with the models overlaid, and saves them as images", async () => {
    serve();
    const { router } = renderPage("/results?suite=7");
    await grid();
    await userEvent.click(screen.getByRole("button", { name: "Plots of complete" }));
    const panel = await screen.findByRole("complementary", { name: "Plots: faces :: complete" });
    await waitFor(() => expect(embed).toHaveBeenCalledTimes(8));
    const specs = embed.mock.calls.map((call) => call[1] as { title: string; encoding?: { color?: { scale: { domain: string[] } } } });
    const curve = specs.find((s) => s.title === "Cumulative error distribution");
    expect(curve?.encoding?.color?.scale.domain).toEqual(["model A", "model B", "model C"]);
    expect(router.state.location.search).toContain("plots=11");

    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    const save = within(panel).getByRole("button", { name: "Download Cumulative error distribution (t-0.05) as SVG" });
    await waitFor(() => expect(save).toBeEnabled());
    await userEvent.click(save);
    await waitFor(() => expect(click).toHaveBeenCalled());
    const link = click.mock.contexts[0] as HTMLAnchorElement;
    expect(link.download).toBe("complete_t-0-05_cumulative-error-distribution.svg");
    expect(link.href).toBe("data:image/svg;base64,AAAA");
  });

  it("exports the table as CSV and copies a Markdown summary", async () => {
    serve();
    renderPage("/results?suite=7");
    await grid();
    const blobs: Blob[] = [];
    // jsdom has no object URLs.
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      blobs.push(blob as Blob);
      return "blob:results";
    };
    URL.revokeObjectURL = () => {};
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    await userEvent.click(screen.getByRole("button", { name: "Export CSV" }));
    await waitFor(() => expect(blobs).toHaveLength(1));
    const csv = await readBlob(blobs[0]);
    expect(csv.split("\r\n")[0]).toContain("test_case,test_case_id,configuration,metric,model");
    expect(csv).toContain("test_case,faces :: pose: profile,12,t-0.05,mean_nme,model B,2,false,false,0.081,100,0.023");

    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await userEvent.click(screen.getByRole("button", { name: "Copy Markdown summary" }));
    await waitFor(() => expect(writeText).toHaveBeenCalled());
    expect(writeText.mock.calls[0]).toBeDefined();
    const markdown = (writeText.mock.calls[0] as unknown as [string])[0];
    expect(markdown).toContain("### Assay results: faces (version 2)");
    expect(markdown).toContain("#### Regressions (6)");
    expect(await screen.findByText("Markdown summary copied to the clipboard.")).toBeInTheDocument();
  });

  it("shows the same table when the URL is opened again", async () => {
    serve();
    const url = "/results?suite=7&baseline=1&flip=mean_nme&sort_metric=accuracy&sort_config=t-0.05&sort_model=2&sort_by=value&only_significant=1";
    renderPage(url);
    const table = await grid();
    // model B's accuracy, ascending: profile 0.7, complete 0.91; blur has no significant change.
    expect(rowNames(table)).toEqual(["pose: profile", "complete"]);
    expect(cell(/^mean_nme \(t-0\.05\) model B 0\.0810/)).toHaveAttribute("data-state", "better");
    expect(screen.getByRole("checkbox", { name: "Show only significant changes" })).toBeChecked();
  });

  it("says which runs are still storing results", async () => {
    const running = { ...OPTIONS, runs: OPTIONS.runs.map((run) => (run.model.id === 2 && run.evaluator ? { ...run, completed: ["t-0.05"] } : run)) };
    mockApi({
      "GET /api/v1/app/results/options": () => json(running),
      "GET /api/v1/app/results": () => json(fixtureTable()),
      "GET /api/v1/app/test-suites/faces": () => json({ versions: [] }),
    });
    renderPage("/results?suite=7");
    await grid();
    expect(screen.getByRole("checkbox", { name: "model B (running: 1 of 2 configurations done)" })).toBeChecked();
  });

  it("offers the suites when the URL names none", async () => {
    serve();
    const { router } = renderPage("/results");
    await userEvent.click(await screen.findByRole("button", { name: /faces/ }));
    await waitFor(() => expect(router.state.location.search).toBe("?suite=7"));
    await grid();
  });
});
