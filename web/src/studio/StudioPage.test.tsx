// The Studio page against a mocked API: counts, filters and histogram clicks written to the URL, curation
// requests and their answers, and delta mode. The gallery is a light double (the samples part tests its own
// virtualised grid): it shows the source's first page with buttons that change the selection as the real
// one's checkboxes do.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useEffect, useState } from "react";
import { describe, expect, it, vi } from "vitest";

import type { GalleryItem, GallerySource, Selection } from "../samples/types";
import { session, suites } from "../test/fixtures";
import { type Handler, error, json, mockApi, renderApp } from "../test/render";
import type { CreatedTestCases, DeltaSamples, Histograms, SampleFields, SampleItem, SampleQuery } from "./types";

interface FakeGalleryProps {
  source: GallerySource;
  selection?: Selection;
  onSelectionChange?: (next: Selection) => void;
  onOpen?: (item: GalleryItem, index: number) => void;
}

function FakeGallery({ source, selection, onSelectionChange, onOpen }: FakeGalleryProps) {
  const [page, setPage] = useState<{ items: GalleryItem[]; total: number } | null>(null);
  useEffect(() => {
    let live = true;
    void source.fetchPage(0, 50).then((p) => live && setPage(p));
    return () => {
      live = false;
    };
  }, [source]);
  if (!page) return <p>loading gallery</p>;
  const chosen = (id: number) => (selection?.mode === "all" ? !selection.excluded.has(id) : (selection?.ids.has(id) ?? false));
  const toggle = (id: number) => {
    const current = selection ?? { mode: "ids", ids: new Set<number>() };
    const set = new Set(current.mode === "ids" ? current.ids : current.excluded);
    if (set.has(id)) set.delete(id);
    else set.add(id);
    onSelectionChange?.(current.mode === "ids" ? { mode: "ids", ids: set } : { mode: "all", excluded: set });
  };
  return (
    <section aria-label="Gallery">
      <button type="button" onClick={() => onSelectionChange?.({ mode: "all", excluded: new Set() })}>
        Select all {page.total}
      </button>
      <ul>
        {page.items.map((item, index) => (
          <li key={item.id} data-sample-id={item.id}>
            <label>
              <input type="checkbox" checked={chosen(item.id)} onChange={() => toggle(item.id)} /> {item.key}
            </label>
            {item.badge ? <span data-tone={item.tone}>{item.badge}</span> : null}
            <button type="button" onClick={() => onOpen?.(item, index)}>
              Open {item.key}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

vi.mock("./StudioGallery", () => ({ StudioGallery: FakeGallery }));

// -- fixtures ---------------------------------------------------------------------------------------------
const FIELDS: SampleFields = {
  suite: { id: 7, name: "faces", version: 2 },
  workflow: "Keypoints",
  data_type: "TEST_SAMPLE/IMAGE",
  n_samples: 300,
  test_cases: [
    { id: 12, name: "faces :: profile", version: 1, n_samples: 100 },
    { id: 13, name: "faces :: frontal", version: 1, n_samples: 200 },
  ],
  models: [
    { id: 1, name: "model A" },
    { id: 2, name: "model B" },
  ],
  configurations: [""],
  fields: [
    { name: "meta.pose", label: "pose", group: "metadata", kind: "category", per_model: false, categories: ["frontal", "profile"], n_distinct: 2 },
    { name: "meta.yaw", label: "yaw", group: "metadata", kind: "number", per_model: false, min: -90, max: 90 },
    { name: "meta.person", label: "person", group: "metadata", kind: "text", per_model: false, n_distinct: 280 },
    { name: "metric.nme", label: "NME", group: "metric", kind: "number", per_model: true, higher_is_better: false },
    { name: "metric.failed", label: "failed", group: "metric", kind: "bool", per_model: true },
  ],
  workflow_schema: null,
};

function item(id: number): SampleItem {
  return {
    id,
    key: `face-${id}`,
    locator: `s3://faces/${id}.png`,
    thumbnail: `/api/v1/app/assets/thumbnail?locator=s3%3A%2F%2Ffaces%2F${id}.png`,
    data_type: "TEST_SAMPLE/IMAGE",
    width: 64,
    height: 64,
    data: {},
    metadata: { pose: id % 3 === 0 ? "profile" : "frontal" },
    ground_truth: null,
    inferences: {},
    metrics: {},
  };
}

const ALL = Array.from({ length: 300 }, (_, i) => item(i + 1));

/** The fixture's samples that a query's `in` predicate on pose keeps (enough of a server for these tests). */
function matching(query: SampleQuery): SampleItem[] {
  let items = ALL;
  for (const predicate of query.predicates ?? []) {
    if (predicate.field === "meta.pose" && predicate.op === "in") items = items.filter((i) => predicate.values?.includes(i.metadata.pose as string));
    if (predicate.field === "meta.yaw" && predicate.op === "range") items = items.filter((i) => i.id % 2 === 0);
  }
  return items;
}

function histograms(query: SampleQuery): Histograms {
  const items = matching(query);
  const profile = items.filter((i) => i.metadata.pose === "profile").length;
  return {
    total: items.length,
    metric: "metric.nme",
    histograms: [
      { field: "meta.pose", kind: "category", categories: ["frontal", "profile"], counts: [items.length - profile, profile], n_missing: 0, means: { "1": [0.05, 0.09], "2": [0.04, 0.12] } },
      { field: "meta.yaw", kind: "number", edges: [-90, -30, 30, 90], counts: [10, 80, 10], n_missing: 0, means: { "1": [0.1, 0.05, 0.11], "2": [0.12, null, 0.1] } },
    ],
  };
}

const CREATED: CreatedTestCases = {
  test_cases: [{ id: 40, name: "hard profiles", version: 1, n_samples: 2 }],
  suite: { id: 70, name: "faces", version: 3 },
  derived_runs: 2,
  pending_metrics: ["ap"],
};

async function bodyOf(request: Request): Promise<Record<string, unknown>> {
  return (await request.clone().json()) as Record<string, unknown>;
}

function serve(extra: Record<string, Handler> = {}) {
  return mockApi({
    "GET /api/v1/session": () => json(session),
    "GET /api/v1/app/test-suites": () => json(suites),
    "GET /api/v1/app/samples/fields": () => json(FIELDS),
    "POST /api/v1/app/samples/query": async (request) => {
      const query = (await bodyOf(request)) as unknown as SampleQuery;
      const params = new URL(request.url).searchParams;
      const offset = Number(params.get("offset") ?? 0);
      const limit = Number(params.get("limit") ?? 100);
      const items = matching(query);
      return json({ items: items.slice(offset, offset + limit), total: items.length, offset, limit, n_samples: 300 });
    },
    "GET /api/v1/app/studio/test-cases/12/query": () => json(null),
    "GET /api/v1/app/studio/test-cases/13/query": () =>
      json({
        test_case: FIELDS.test_cases[1],
        query: { test_suite_id: 6, predicates: [{ field: "meta.pose", op: "in", values: ["frontal"] }], differences: [], model_ids: [1] },
        created_from: { id: 6, name: "faces", version: 1 },
      }),
    "POST /api/v1/app/samples/histograms": async (request) => json(histograms(((await bodyOf(request)) as { query: SampleQuery }).query)),
    ...extra,
  });
}

const count = () => screen.getByTestId("studio-count");
const posts = (requests: Request[], path: string) => requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === path);

describe("the Studio", () => {
  it("offers the suites when none is chosen, and opens one", async () => {
    serve();
    const { router } = renderApp("/studio");
    await userEvent.click(await screen.findByRole("button", { name: /synthetic faces :: 5-point/ }));
    await waitFor(() => expect(router.state.location.search).toBe(`?suite=${suites.items[0].id}`));
  });

  it("counts the matches, and a filter added in the bar goes to the URL and the server", async () => {
    const { requests } = serve();
    const { router } = renderApp("/studio?suite=7");
    await waitFor(() => expect(count()).toHaveTextContent("300 of 300 samples"));
    expect(await screen.findByTestId("histogram-meta.pose")).toBeInTheDocument();
    expect(screen.getByTestId("histogram-meta.yaw")).toBeInTheDocument();

    const bar = within(screen.getByRole("form", { name: "Add a filter" }));
    await userEvent.selectOptions(bar.getByLabelText("Filter field"), "meta.pose");
    // The categories come with their counts over the current matches (from the sidebar).
    expect(bar.getByRole("option", { name: "profile (100)" })).toBeInTheDocument();
    await userEvent.selectOptions(bar.getByLabelText("Values"), "profile");
    await userEvent.click(bar.getByRole("button", { name: "Add filter" }));

    await waitFor(() => expect(new URLSearchParams(router.state.location.search).getAll("q")).toEqual(["meta.pose:in:profile"]));
    await waitFor(() => expect(count()).toHaveTextContent("100 of 300 samples"));
    const last = posts(requests, "/api/v1/app/samples/query").at(-1) as Request;
    expect(await bodyOf(last)).toMatchObject({ test_suite_id: 7, model_ids: [1, 2], predicates: [{ field: "meta.pose", op: "in", values: ["profile"] }] });
    expect(await screen.findByRole("list", { name: "Active filters" })).toHaveTextContent("pose is profile");

    await userEvent.click(screen.getByRole("button", { name: "Remove filter: pose is profile" }));
    await waitFor(() => expect(count()).toHaveTextContent("300 of 300 samples"));
    expect(router.state.location.search).toBe("?suite=7");
  });

  it("adds a model-versus-model difference and a per-model range, each with its model", async () => {
    const { requests } = serve();
    const { router } = renderApp("/studio?suite=7");
    await waitFor(() => expect(count()).toHaveTextContent("300 of 300 samples"));
    await userEvent.click(screen.getByText("Model vs model"));
    const form = within(screen.getByRole("form", { name: "Add a model difference" }));
    await userEvent.selectOptions(form.getByLabelText("Model"), "2");
    await userEvent.selectOptions(form.getByLabelText("Minus model"), "1");
    await userEvent.type(form.getByLabelText("Difference minimum"), "0.02");
    await userEvent.click(form.getByRole("button", { name: "Add difference" }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).getAll("d")).toEqual(["metric.nme@2-1:0.02.."]));
    // Navigations are transitions: the URL changes first, the page a moment later.
    expect(await screen.findByText("NME of model B − model A ≥ 0.02")).toBeInTheDocument();

    const bar = within(screen.getByRole("form", { name: "Add a filter" }));
    await userEvent.selectOptions(bar.getByLabelText("Filter field"), "metric.nme");
    await userEvent.selectOptions(bar.getByLabelText("Filter model"), "2");
    await userEvent.type(bar.getByLabelText("Maximum"), "0.5");
    await userEvent.click(bar.getByRole("button", { name: "Add filter" }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).getAll("q")).toEqual(["metric.nme@2:range:..0.5"]));
    await waitFor(async () => {
      const body = await bodyOf(posts(requests, "/api/v1/app/samples/histograms").at(-1) as Request);
      expect(body).toMatchObject({
        metric: "metric.nme",
        model_ids: [1, 2],
        query: { differences: [{ field: "metric.nme", model_id: 2, minus_model_id: 1, min: 0.02 }], predicates: [{ field: "metric.nme", model_id: 2, max: 0.5 }] },
      });
    });

    // A bad bound is refused in the form, not sent.
    await userEvent.type(bar.getByLabelText("Minimum"), "abc");
    await userEvent.click(bar.getByRole("button", { name: "Add filter" }));
    expect(bar.getByRole("alert")).toHaveTextContent("bounds must be numbers");
  });

  it("shows the filters a test case was made with in the Studio, and applies them to the whole suite", async () => {
    serve();
    const { router } = renderApp("/studio?suite=7&case=13");
    const note = await screen.findByTestId("stored-query");
    expect(note).toHaveTextContent("Made in the Studio from version 1, with pose is frontal.");
    await userEvent.click(within(note).getByRole("button", { name: "Apply these filters to the whole suite" }));
    await waitFor(() => expect(router.state.location.search).toBe("?suite=7&q=meta.pose%3Ain%3Afrontal"));
    await waitFor(() => expect(count()).toHaveTextContent("200 of 300 samples"));
  });

  it("searches text fields, or takes typed values, and tests for missing values", async () => {
    serve();
    const { router } = renderApp("/studio?suite=7");
    await waitFor(() => expect(count()).toHaveTextContent("300 of 300 samples"));
    const bar = within(screen.getByRole("form", { name: "Add a filter" }));
    const q = () => new URLSearchParams(router.state.location.search).getAll("q");
    await userEvent.selectOptions(bar.getByLabelText("Filter field"), "meta.person");
    expect(bar.getByLabelText("Condition")).toHaveValue("contains");
    await userEvent.type(bar.getByLabelText("Text"), "Ada: Lovelace");
    await userEvent.click(bar.getByRole("button", { name: "Add filter" }));
    await waitFor(() => expect(q()).toEqual(["meta.person:contains:Ada%3A Lovelace"]));
    await userEvent.selectOptions(bar.getByLabelText("Condition"), "in");
    await userEvent.type(bar.getByLabelText("Values"), "ada, grace,");
    await userEvent.click(bar.getByRole("button", { name: "Add filter" }));
    // One filter per field: the list replaces the search.
    await waitFor(() => expect(q()).toEqual(["meta.person:in:ada,grace"]));
    await userEvent.selectOptions(bar.getByLabelText("Filter field"), "meta.yaw");
    await userEvent.selectOptions(bar.getByLabelText("Condition"), "null");
    await userEvent.click(bar.getByRole("button", { name: "Add filter" }));
    await waitFor(() => expect(q()).toEqual(["meta.person:in:ada,grace", "meta.yaw:null"]));
    expect(await screen.findByText("yaw is missing")).toBeInTheDocument();
    expect(screen.getByText("person is ada or grace")).toBeInTheDocument();
  });

  it("filters to a histogram bar's bin when it is clicked", async () => {
    serve();
    const { router } = renderApp("/studio?suite=7");
    const yaw = await screen.findByTestId("histogram-meta.yaw");
    await userEvent.click(within(yaw).getByRole("button", { name: /yaw \[−30, 30\): 80 samples; mean NME model A: 0.0500.*Filter to this bin/ }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).getAll("q")).toEqual(["meta.yaw:range:-30..30"]));
    await waitFor(() => expect(count()).toHaveTextContent("150 of 300 samples"));
    const pose = screen.getByTestId("histogram-meta.pose");
    // One line of means per model, drawn in the model's colour.
    expect(pose.querySelectorAll(".st-mean")).toHaveLength(2);
    await userEvent.click(within(pose).getByRole("button", { name: /^pose profile:/ }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).getAll("q")).toEqual(["meta.yaw:range:-30..30", "meta.pose:in:profile"]));
  });

  it("reaches a histogram's bars by keyboard, one tab stop per chart", async () => {
    serve();
    const { router } = renderApp("/studio?suite=7");
    const yaw = await screen.findByTestId("histogram-meta.yaw");
    const bars = within(yaw).getAllByRole("button");
    expect(bars.map((bar) => bar.getAttribute("tabindex"))).toEqual(["0", "-1", "-1"]);
    bars[0].focus();
    await userEvent.keyboard("{ArrowRight}{ArrowRight}");
    expect(bars[2]).toHaveFocus();
    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).getAll("q")).toEqual(["meta.yaw:range:30..90"]));
  });

  it("writes the scope and the sort to the URL and asks for them", async () => {
    const { requests } = serve();
    const { router } = renderApp("/studio?suite=7");
    await waitFor(() => expect(count()).toHaveTextContent("300 of 300 samples"));
    const search = () => new URLSearchParams(router.state.location.search);
    await userEvent.selectOptions(screen.getByLabelText("Test case"), "13");
    await waitFor(() => expect(search().get("case")).toBe("13"));
    await userEvent.click(await screen.findByRole("checkbox", { name: "model A" }));
    await waitFor(() => expect(search().get("models")).toBe("2"));
    await userEvent.selectOptions(screen.getByLabelText("Sidebar metric"), "metric.failed");
    await waitFor(() => expect(search().get("metric")).toBe("metric.failed"));
    const sort = within(screen.getByRole("group", { name: "Sort" }));
    await userEvent.selectOptions(sort.getByLabelText("Sort by"), "metric.nme");
    await waitFor(() => expect(search().get("sort")).toBe("metric.nme@2"));
    await userEvent.click(await sort.findByRole("checkbox", { name: "Descending" }));
    await waitFor(() => expect(search().get("sort")).toBe("-metric.nme@2"));
    await waitFor(async () => {
      const query = await bodyOf(posts(requests, "/api/v1/app/samples/query").at(-1) as Request);
      expect(query).toMatchObject({ test_case_id: 13, model_ids: [2], sort: { field: "metric.nme", model_id: 2, descending: true } });
      const histogram = await bodyOf(posts(requests, "/api/v1/app/samples/histograms").at(-1) as Request);
      expect(histogram).toMatchObject({ metric: "metric.failed", model_ids: [2], query: { test_case_id: 13 } });
    });
    // Unticking the last model is every model again (the default), not none.
    await userEvent.click(screen.getByRole("checkbox", { name: "model B" }));
    await waitFor(() => expect(search().has("models")).toBe(false));
  });

  it("makes a test case of the samples picked by hand, then links to the suite's new version and its results", async () => {
    const { requests } = serve({ "POST /api/v1/app/studio/test-cases": () => json(CREATED, 201) });
    renderApp("/studio?suite=7&case=12&models=2&q=meta.pose%3Ain%3Aprofile");
    await waitFor(() => expect(count()).toHaveTextContent("100 of 300 samples"));
    // Nothing ticked: the button offers every sample the filters match.
    expect(screen.getByTestId("studio-create")).toHaveTextContent("Create test case of 100 samples");
    await userEvent.click(await screen.findByRole("checkbox", { name: "face-3" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "face-9" }));
    expect(screen.getByTestId("studio-create")).toHaveTextContent("Create test case of 2 samples");
    await userEvent.click(screen.getByTestId("studio-create"));

    const dialog = within(screen.getByTestId("create-dialog"));
    const name = dialog.getByLabelText("Name");
    expect(name).toHaveValue("pose is profile");
    await userEvent.clear(name);
    await userEvent.type(name, "hard profiles");
    await userEvent.type(dialog.getByLabelText("Description"), "picked by hand");
    expect(dialog.getByRole("checkbox", { name: "Add to suite (new version)" })).toBeChecked();
    expect(dialog.getByRole("checkbox", { name: "Compute metrics for existing models" })).toBeChecked();
    await userEvent.click(dialog.getByRole("button", { name: "Create" }));

    expect(await dialog.findByRole("link", { name: "faces version 3" })).toHaveAttribute("href", "/test-suites/faces?version=3");
    expect(dialog.getByRole("link", { name: "Results of version 3" })).toHaveAttribute("href", "/results?suite=70");
    expect(dialog.getByText(/Metrics that need the evaluator to run again: ap/)).toBeInTheDocument();
    const body = await bodyOf(posts(requests, "/api/v1/app/studio/test-cases")[0]);
    expect(body).toEqual({
      name: "hard profiles",
      description: "picked by hand",
      query: {
        test_suite_id: 7,
        test_case_id: 12,
        model_ids: [2],
        predicates: [{ field: "meta.pose", op: "in", values: ["profile"] }],
        differences: [],
      },
      sample_ids: [3, 9],
      add_to_suite: true,
      compute_metrics: true,
    });
  });

  it("sends 'all that match' as the query minus the unticked samples, and shows a refusal in the dialog", async () => {
    const { requests } = serve({
      "POST /api/v1/app/studio/test-cases": () => error(409, "name_conflict", "a test case named 'hard profiles' already exists"),
    });
    renderApp("/studio?suite=7&q=meta.pose%3Ain%3Aprofile");
    await waitFor(() => expect(count()).toHaveTextContent("100 of 300 samples"));
    await userEvent.click(await screen.findByRole("button", { name: "Select all 100" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "face-6" }));
    await userEvent.click(screen.getByTestId("studio-create"));
    expect(screen.getByTestId("studio-create")).toHaveTextContent("Create test case of 99 samples");
    const dialog = within(screen.getByTestId("create-dialog"));
    await userEvent.clear(dialog.getByLabelText("Name"));
    await userEvent.type(dialog.getByLabelText("Name"), "hard profiles");
    await userEvent.click(dialog.getByRole("checkbox", { name: "Compute metrics for existing models" }));
    await userEvent.click(dialog.getByRole("button", { name: "Create" }));

    expect(await dialog.findByRole("alert")).toHaveTextContent("a test case named 'hard profiles' already exists");
    expect(screen.getByTestId("create-dialog")).toBeInTheDocument();
    expect(dialog.getByLabelText("Name")).toHaveValue("hard profiles");
    const body = await bodyOf(posts(requests, "/api/v1/app/studio/test-cases")[0]);
    expect(body).toMatchObject({ name: "hard profiles", exclude_ids: [6], add_to_suite: true, compute_metrics: false });
    expect(body).not.toHaveProperty("sample_ids");
  });

  it("splits the matches by a field in bins", async () => {
    const { requests } = serve({ "POST /api/v1/app/studio/split": () => json({ ...CREATED, test_cases: [{ id: 41, name: "faces :: yaw :: [-90, 0)", version: 1, n_samples: 150 }] }, 201) });
    renderApp("/studio?suite=7");
    await waitFor(() => expect(count()).toHaveTextContent("300 of 300 samples"));
    await userEvent.click(screen.getByTestId("studio-split"));
    const dialog = within(screen.getByTestId("split-dialog"));
    await userEvent.selectOptions(dialog.getByLabelText("Split field"), "meta.yaw");
    await userEvent.clear(dialog.getByLabelText("Bins"));
    await userEvent.type(dialog.getByLabelText("Bins"), "2");
    await userEvent.type(dialog.getByLabelText("Name prefix"), "yaw");
    await userEvent.click(dialog.getByRole("button", { name: "Split" }));
    expect(await dialog.findByText("faces :: yaw :: [-90, 0)")).toBeInTheDocument();
    expect(await bodyOf(posts(requests, "/api/v1/app/studio/split")[0])).toEqual({
      query: { test_suite_id: 7, model_ids: [1, 2], predicates: [], differences: [] },
      field: "meta.yaw",
      bins: 2,
      name_prefix: "yaw",
      add_to_suite: true,
      compute_metrics: true,
    });
  });

  it("opens a sample with the query it came from", async () => {
    serve({ "GET /api/v1/app/samples/3": () => json({}) });
    const { router } = renderApp("/studio?suite=7&q=meta.pose%3Ain%3Aprofile");
    await userEvent.click(await screen.findByRole("button", { name: "Open face-6" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/samples/6"));
    const params = new URLSearchParams(router.state.location.search);
    expect(params.get("suite")).toBe("7");
    expect(params.get("models")).toBe("1,2");
    expect(params.getAll("q")).toEqual(["meta.pose:in:profile"]);
    expect(params.get("i")).toBe("1");
  });
});

describe("delta mode", () => {
  const delta = (offset: number, limit: number): DeltaSamples => {
    const entries = [
      { item: item(5), baseline_value: true, value: false, change: "right_to_wrong" as const, contribution: 0.01 },
      { item: item(8), baseline_value: false, value: true, change: "wrong_to_right" as const, contribution: -0.01 },
      { item: item(9), baseline_value: 0.1, value: 0.12, change: "moved" as const, contribution: 0.002 },
    ];
    return {
      metric: "mean_nme",
      basis: "nme",
      method: "per_sample",
      baseline_value: 0.058,
      value: 0.081,
      total: entries.length,
      offset,
      limit,
      n_flipped: { right_to_wrong: 12, wrong_to_right: 3 },
      items: entries.slice(offset, offset + limit),
    };
  };
  const serveDelta = (extra: Record<string, Handler> = {}) =>
    serve({
      "GET /api/v1/app/results/samples": (request) => {
        const params = new URL(request.url).searchParams;
        return json(delta(Number(params.get("offset")), Number(params.get("limit"))));
      },
      ...extra,
    });

  it("summarises the cell and badges its samples by how they changed", async () => {
    const { requests } = serveDelta();
    renderApp("/studio?suite=7&case=12&delta=2,1,,mean_nme&evaluator=keypoints");
    const header = await screen.findByTestId("delta-header");
    expect(header).toHaveTextContent("mean_nme of model B vs model A");
    expect(header).toHaveTextContent("faces :: profile");
    await waitFor(() => expect(header).toHaveTextContent("model A: 0.0580 → model B: 0.0810 (+0.023)"));
    expect(header).toHaveTextContent("12 samples right → wrong");
    expect(header).toHaveTextContent("3 samples wrong → right");
    const asked = new URL(requests.find((r) => new URL(r.url).pathname === "/api/v1/app/results/samples")?.url ?? "").searchParams;
    expect(Object.fromEntries(asked)).toMatchObject({ test_suite_id: "7", test_case_id: "12", model_id: "2", baseline_id: "1", metric: "mean_nme", configuration: "", evaluator: "keypoints" });

    const gallery = within(await screen.findByRole("region", { name: "Gallery" }));
    expect(await gallery.findByText("right → wrong")).toHaveAttribute("data-tone", "worse");
    expect(gallery.getByText("wrong → right")).toHaveAttribute("data-tone", "better");
    expect(gallery.getByText("+0.0020")).toHaveAttribute("data-tone", "neutral");
    // No filters or histograms in delta mode: the samples are the cell's, ranked.
    expect(screen.queryByRole("form", { name: "Add a filter" })).not.toBeInTheDocument();
    expect(screen.queryByRole("complementary", { name: "Histograms" })).not.toBeInTheDocument();
    expect(posts(requests, "/api/v1/app/samples/query")).toHaveLength(0);
  });

  it("makes a test case of all of a cell's samples but the unticked, sent as ids", async () => {
    const { requests } = serveDelta({ "POST /api/v1/app/studio/test-cases": () => json(CREATED, 201) });
    renderApp("/studio?suite=7&case=12&delta=2,1,,mean_nme");
    await userEvent.click(await screen.findByRole("button", { name: "Select all 3" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "face-8" }));
    await userEvent.click(screen.getByTestId("studio-create"));
    const dialog = within(screen.getByTestId("create-dialog"));
    expect(dialog.getByLabelText("Name")).toHaveValue("mean_nme: model B vs model A");
    await userEvent.click(dialog.getByRole("button", { name: "Create" }));
    await dialog.findByRole("link", { name: "faces version 3" });
    const body = await bodyOf(posts(requests, "/api/v1/app/studio/test-cases")[0]);
    expect(body).toMatchObject({ sample_ids: [5, 9], query: { test_suite_id: 7, test_case_id: 12, model_ids: [1, 2] } });
    expect(body.exclude_ids).toBeUndefined();
  });
});
