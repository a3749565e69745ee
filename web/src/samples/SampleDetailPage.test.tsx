import { QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createQueryClient } from "../App";
import { installShortcuts } from "../shortcuts";
import { json, mockApi } from "../test/render";
import SampleDetailPage from "./SampleDetailPage";
import { installPointerEvents, stubCanvas } from "./testSupport";
import type { SampleDetail, SampleFields, SampleItem } from "./types";

const SUITE = { id: 7, name: "faces", version: 2 };

function detail(id: number): SampleDetail {
  const locator = `/data/face-${id}.png`;
  return {
    id,
    key: `face-${id}.png`,
    locator,
    data_type: "TEST_SAMPLE/IMAGE",
    width: 640,
    height: 480,
    data: { locator, data_type: "TEST_SAMPLE/IMAGE" },
    metadata: { pose: "profile", blur: 0.4 },
    ground_truth: { face: { points: [[100, 120]], data_type: "ANNOTATION/KEYPOINTS" }, normalization_factor: 55.5 },
    test_cases: [{ id: 31, name: "faces :: profile", version: 1, n_samples: 120 }],
    results: [
      {
        model: { id: 1, name: "model A" },
        inference: { face: { points: [[101, 119]], data_type: "ANNOTATION/KEYPOINTS" }, confidence: 0.9 },
        metrics: { "t-0.05": { nme: 0.031, failed: false }, "t-0.1": { nme: 0.031, failed: false } },
      },
      {
        model: { id: 2, name: "model B" },
        inference: { face: { points: [[140, 90]], data_type: "ANNOTATION/KEYPOINTS" }, confidence: 0.4 },
        metrics: { "t-0.05": { nme: 0.084, failed: true }, "t-0.1": { nme: 0.084, failed: false } },
      },
    ],
  };
}

const FIELDS: SampleFields = {
  suite: SUITE,
  workflow: "Keypoints",
  data_type: "TEST_SAMPLE/IMAGE",
  n_samples: 300,
  test_cases: [],
  models: [
    { id: 1, name: "model A" },
    { id: 2, name: "model B" },
  ],
  configurations: ["t-0.05", "t-0.1"],
  fields: [{ name: "metric.nme", label: "nme", group: "metric", kind: "number", per_model: true, higher_is_better: false }],
  workflow_schema: null,
};

function item(id: number): SampleItem {
  const sample = detail(id);
  return { ...sample, thumbnail: null, inferences: {}, metrics: {} };
}

/** The Studio's list: samples 10, 11, 12... at positions 0, 1, 2... */
function serve() {
  return mockApi({
    "GET /api/v1/app/samples/fields": () => json(FIELDS),
    "POST /api/v1/app/samples/query": (request) => {
      const query = new URL(request.url).searchParams;
      const offset = Number(query.get("offset"));
      const limit = Number(query.get("limit"));
      const items = Array.from({ length: limit }, (_, i) => item(10 + offset + i)).filter((sample) => sample.id < 10 + 50);
      return json({ items, total: 50, offset, limit, n_samples: 300 });
    },
    "GET /api/v1/app/results/samples": (request) => {
      const query = new URL(request.url).searchParams;
      const offset = Number(query.get("offset"));
      const limit = Number(query.get("limit"));
      const items = Array.from({ length: limit }, (_, i) => ({
        item: item(100 + offset + i),
        baseline_value: false,
        value: true,
        change: "right_to_wrong",
        contribution: 0.01,
      }));
      return json({
        metric: "failure_rate",
        basis: "failed",
        method: "per_sample",
        baseline_value: 0.1,
        value: 0.2,
        total: 8,
        offset,
        limit,
        n_flipped: { right_to_wrong: 8, wrong_to_right: 0 },
        items,
      });
    },
    ...Object.fromEntries(
      Array.from({ length: 120 }, (_, id) => [`GET /api/v1/app/samples/${id}`, () => json(detail(id))]),
    ),
  });
}

function renderPage(url: string) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(
    [
      { path: "/samples/:sampleId", element: <SampleDetailPage /> },
      { path: "/studio", element: <p>Studio</p> },
    ],
    { initialEntries: [url] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, queryClient };
}

const pathOf = (request: Request) => new URL(request.url).pathname;
const paramsOf = (request: Request) => new URL(request.url).searchParams;

let uninstall: () => void = () => {};
beforeEach(() => {
  uninstall = installShortcuts(window);
  stubCanvas();
  installPointerEvents();
});
afterEach(() => uninstall());

describe("the sample detail page", () => {
  it("shows the sample, every layer, and each model's metrics side by side per configuration", async () => {
    const { requests } = serve();
    renderPage("/samples/12?suite=7&models=2,1&configuration=t-0.05");
    expect(await screen.findByRole("heading", { name: "face-12.png" })).toBeInTheDocument();
    const detailRequest = requests.find((request) => pathOf(request) === "/api/v1/app/samples/12")!;
    expect(paramsOf(detailRequest).get("test_suite_id")).toBe("7");
    expect(paramsOf(detailRequest).getAll("model_ids")).toEqual(["2", "1"]);

    expect(screen.getByTestId("sample-image")).toHaveAttribute("src", "/api/v1/app/assets/file?locator=%2Fdata%2Fface-12.png");
    const canvas = screen.getByTestId("sample-canvas");
    // The URL's model order picks the colours: model B is the first model.
    expect(JSON.parse(canvas.dataset.layers ?? "")).toEqual([
      { id: "gt", colour: expect.any(String), visible: true },
      { id: "model:2", colour: "#ea580c", visible: true },
      { id: "model:1", colour: "#8b5cf6", visible: true },
    ]);

    const metrics = within(screen.getByRole("region", { name: "Per-sample metrics" })).getByRole("table");
    const headers = within(metrics)
      .getAllByRole("columnheader")
      .map((header) => header.textContent);
    expect(headers).toEqual(["", "t-0.05", "t-0.1", "Field", "model B", "model A", "model B", "model A"]);
    const nme = within(metrics).getByRole("rowheader", { name: "nme" }).closest("tr")!;
    const cells = within(nme).getAllByRole("cell");
    expect(cells.map((cell) => cell.textContent)).toEqual(["0.08400", "0.03100", "0.08400", "0.03100"]);
    // Lower NME is better (the field says so): model A's is marked in each configuration.
    expect(cells.map((cell) => cell.classList.contains("best"))).toEqual([false, true, false, true]);
    const failed = within(metrics).getByRole("rowheader", { name: "failed" }).closest("tr")!;
    expect(within(failed).getAllByRole("cell").map((cell) => cell.textContent)).toEqual(["true", "false", "false", "false"]);

    const testCases = screen.getByRole("region", { name: "Test cases" });
    expect(within(testCases).getByRole("link", { name: "faces :: profile" })).toHaveAttribute("href", "/studio?suite=7&case=31");
    expect(within(screen.getByRole("region", { name: "Metadata" })).getByText("profile")).toBeInTheDocument();
    expect(within(screen.getByRole("region", { name: "Ground truth" })).getByText("55.50")).toBeInTheDocument();
    // Nothing to step through without a position in a list.
    expect(screen.queryByRole("button", { name: /Next/ })).toBeNull();
  });

  it("hides a model's layer from the controls, in the URL", async () => {
    serve();
    const { router } = renderPage("/samples/12?suite=7&models=1,2");
    await screen.findByTestId("sample-canvas");
    fireEvent.click(screen.getByRole("checkbox", { name: "model B" }));
    await waitFor(() => expect(router.state.location.search).toContain("layers=-m2"));
    const layers = JSON.parse(screen.getByTestId("sample-canvas").dataset.layers ?? "") as { id: string; visible: boolean }[];
    expect(layers.find((layer) => layer.id === "model:2")?.visible).toBe(false);
  });

  it("steps through the Studio's list with the buttons and the arrow keys, the neighbours fetched ahead", async () => {
    const { requests } = serve();
    const preloaded: string[] = [];
    vi.stubGlobal(
      "Image",
      class {
        decoding = "";
        #src = "";
        get src() {
          return this.#src;
        }
        set src(url: string) {
          this.#src = url;
          preloaded.push(url);
        }
      },
    );
    const { router } = renderPage("/samples/14?suite=7&models=1,2&case=31&q=meta.pose:in:profile&i=4");
    await screen.findByRole("heading", { name: "face-14.png" });
    const position = screen.getByRole("status", { name: "Position in the list" });
    await waitFor(() => expect(position).toHaveTextContent("5 of 50"));
    const query = requests.find((request) => pathOf(request) === "/api/v1/app/samples/query")!;
    expect(paramsOf(query).get("offset")).toBe("3");
    expect(paramsOf(query).get("limit")).toBe("3");
    expect(await query.json()).toMatchObject({
      test_suite_id: 7,
      test_case_id: 31,
      model_ids: [],
      predicates: [{ field: "meta.pose", op: "in", values: ["profile"] }],
    });
    // Both neighbours' details are asked for before any step.
    await waitFor(() => {
      const asked = requests.map(pathOf);
      expect(asked).toContain("/api/v1/app/samples/13");
      expect(asked).toContain("/api/v1/app/samples/15");
    });
    // And their full-resolution images.
    expect(preloaded).toEqual(expect.arrayContaining(["/api/v1/app/assets/file?locator=%2Fdata%2Fface-13.png", "/api/v1/app/assets/file?locator=%2Fdata%2Fface-15.png"]));

    fireEvent.click(screen.getByRole("button", { name: "Next →" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/samples/15"));
    expect(new URLSearchParams(router.state.location.search).get("i")).toBe("5");
    expect(new URLSearchParams(router.state.location.search).get("q")).toBe("meta.pose:in:profile");
    expect(await screen.findByRole("heading", { name: "face-15.png" })).toBeInTheDocument();

    fireEvent.keyDown(document.body, { key: "ArrowLeft" });
    await waitFor(() => expect(router.state.location.pathname).toBe("/samples/14"));
    fireEvent.keyDown(document.body, { key: "ArrowLeft" });
    await waitFor(() => expect(router.state.location.pathname).toBe("/samples/13"));
    expect(new URLSearchParams(router.state.location.search).get("i")).toBe("3");
  });

  it("stops at the ends of the list", async () => {
    serve();
    renderPage("/samples/10?suite=7&i=0");
    await screen.findByRole("heading", { name: "face-10.png" });
    await waitFor(() => expect(screen.getByRole("button", { name: "Next →" })).toBeEnabled());
    expect(screen.getByRole("button", { name: "← Previous" })).toBeDisabled();
  });

  it("steps through the samples behind a results delta", async () => {
    const { requests } = serve();
    const { router } = renderPage("/samples/102?suite=7&case=31&delta=2,1,t-0.05,failure_rate&i=2");
    await screen.findByRole("heading", { name: "face-102.png" });
    await waitFor(() => expect(screen.getByRole("button", { name: "Next →" })).toBeEnabled());
    const asked = requests.find((request) => pathOf(request) === "/api/v1/app/results/samples")!;
    expect(Object.fromEntries(paramsOf(asked))).toMatchObject({
      test_suite_id: "7",
      test_case_id: "31",
      model_id: "2",
      baseline_id: "1",
      metric: "failure_rate",
      configuration: "t-0.05",
      offset: "1",
      limit: "3",
    });
    fireEvent.click(screen.getByRole("button", { name: "Next →" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/samples/103"));
  });

  it("says what is missing from a link without its suite", async () => {
    serve();
    renderPage("/samples/12");
    expect(await screen.findByRole("alert")).toHaveTextContent("the link needs its suite version");
  });

  it("shows the server's error for an unknown sample", async () => {
    mockApi({ "GET /api/v1/app/samples/fields": () => json(FIELDS) });
    renderPage("/samples/999?suite=7");
    expect(await screen.findByRole("alert")).toHaveTextContent("no handler for GET /api/v1/app/samples/999");
  });
});
