import type { QueryClient } from "@tanstack/react-query";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { SuiteDiff } from "../api/views";
import {
  diff,
  model,
  models,
  overview,
  resultsOptions,
  runningRun,
  runs,
  session,
  suite,
  suites,
} from "../test/fixtures";
import { json, mockApi, renderApp } from "../test/render";

const SUITE = "synthetic faces :: 5-point";
const SUITE_PATH = `/api/v1/app/test-suites/${encodeURIComponent(SUITE)}`;

function queryOf(request: Request): URLSearchParams {
  return new URL(request.url).searchParams;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("home", () => {
  it("lists each workflow's suites with links to the suite and its results, its models and latest runs", async () => {
    mockApi({ "GET /api/v1/session": () => json(session), "GET /api/v1/app/overview": () => json(overview) });
    renderApp("/");
    const section = await screen.findByRole("region", { name: "Keypoint Detection" });
    const suitesTable = within(section).getByRole("table", { name: "Test suites of Keypoint Detection" });
    expect(within(suitesTable).getByRole("link", { name: SUITE })).toHaveAttribute(
      "href",
      `/test-suites/${encodeURIComponent(SUITE)}`,
    );
    expect(within(suitesTable).getByRole("link", { name: `Results of ${SUITE}` })).toHaveAttribute(
      "href",
      "/results?suite=2",
    );
    const modelsTable = within(section).getByRole("table", { name: "Models of Keypoint Detection" });
    expect(within(modelsTable).getByRole("link", { name: "mean-shape-regressor" })).toHaveAttribute(
      "href",
      "/models/1",
    );
    const runsTable = within(section).getByRole("table", { name: "Latest runs of Keypoint Detection" });
    expect(within(runsTable).getAllByText("completed")).toHaveLength(2);
  });
});

describe("test suites", () => {
  it("asks the server for the URL's search, and puts what is typed into the URL", async () => {
    const { requests } = mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/test-suites": (request) =>
        queryOf(request).get("search") === "nothing" ? json({ ...suites, items: [], total: 0 }) : json(suites),
    });
    const { router } = renderApp("/test-suites?search=faces");
    const table = await screen.findByRole("table", { name: "Test suites" });
    expect(within(table).getByRole("link", { name: SUITE })).toBeInTheDocument();
    expect(queryOf(requests.at(-1) as Request).get("search")).toBe("faces");

    const box = screen.getByRole("searchbox", { name: "Search test suites" });
    expect(box).toHaveValue("faces");
    await userEvent.clear(box);
    await userEvent.type(box, "nothing");
    await waitFor(() => expect(router.state.location.search).toBe("?search=nothing"));
    expect(await screen.findByText("No test suite matches “nothing”.")).toBeInTheDocument();
  });

  it("focuses the search box on /", async () => {
    mockApi({ "GET /api/v1/session": () => json(session), "GET /api/v1/app/test-suites": () => json(suites) });
    renderApp("/test-suites");
    await screen.findByRole("table", { name: "Test suites" });
    await userEvent.keyboard("/");
    const box = screen.getByRole("searchbox", { name: "Search test suites" });
    expect(box).toHaveFocus();
    expect(box).toHaveValue("");
  });

  it("keeps the sort in the URL", async () => {
    mockApi({ "GET /api/v1/session": () => json(session), "GET /api/v1/app/test-suites": () => json(suites) });
    const { router } = renderApp("/test-suites");
    const table = await screen.findByRole("table", { name: "Test suites" });
    const header = within(table).getByRole("columnheader", { name: /Samples/ });
    expect(header).toHaveAttribute("aria-sort", "none");
    await userEvent.click(within(header).getByRole("button"));
    await waitFor(() => expect(router.state.location.search).toMatch(/sort=-?n_samples/));
    await waitFor(() =>
      expect(
        within(screen.getByRole("table", { name: "Test suites" })).getByRole("columnheader", { name: /Samples/ }),
      ).not.toHaveAttribute("aria-sort", "none"),
    );
  });
});

describe("a test suite", () => {
  it("shows its test cases with sample counts, its versions, and a Results link with every tested model", async () => {
    mockApi({ "GET /api/v1/session": () => json(session), [`GET ${SUITE_PATH}`]: () => json(suite) });
    renderApp(`/test-suites/${encodeURIComponent(SUITE)}`);
    expect(await screen.findByRole("heading", { name: SUITE, level: 1 })).toBeInTheDocument();
    expect(document.title).toBe(`${SUITE} · Assay`);
    const cases = screen.getByRole("table", { name: `Test cases of ${SUITE} v1` });
    const profile = within(cases).getByRole("cell", { name: `${SUITE} :: pose: profile` }).closest("tr");
    expect(profile).not.toBeNull();
    expect(within(profile as HTMLElement).getByRole("cell", { name: "62" })).toBeInTheDocument();
    expect(within(cases).getAllByRole("row")).toHaveLength(1 + suite.suite.test_cases.length);

    const results = screen.getByRole("link", { name: /Results of 2 models on v1/ });
    const target = new URL(results.getAttribute("href") as string, "http://x");
    expect(target.pathname).toBe("/results");
    expect(target.searchParams.get("suite")).toBe(String(suite.suite.id));
    expect(target.searchParams.get("models")?.split(",").sort()).toEqual(
      suite.models.map((ref) => String(ref.id)).sort(),
    );
    expect(screen.getByRole("link", { name: /Compare versions \(v0 → v1\)/ })).toHaveAttribute(
      "href",
      `/test-suites/${encodeURIComponent(SUITE)}/diff?base=0&head=1`,
    );
  });

  it("opens a suite whose name holds a slash or a percent sign", async () => {
    const name = "faces/hard 100%";
    const { requests } = mockApi({
      "GET /api/v1/session": () => json(session),
      [`GET /api/v1/app/test-suites/${encodeURIComponent(name)}`]: () =>
        json({ ...suite, suite: { ...suite.suite, name } }),
    });
    renderApp(`/test-suites/${encodeURIComponent(name)}`);
    expect(await screen.findByRole("heading", { name, level: 1 })).toBeInTheDocument();
    const asked = requests.find((request) => request.url.includes("/app/test-suites/")) as Request;
    expect(new URL(asked.url).pathname).toBe(`/api/v1/app/test-suites/${encodeURIComponent(name)}`);
  });

  it("asks for the URL's version, and the picker changes it", async () => {
    const { requests } = mockApi({
      "GET /api/v1/session": () => json(session),
      [`GET ${SUITE_PATH}`]: (request) => {
        const version = queryOf(request).get("version");
        if (version === "0") {
          return json({ ...suite, suite: { ...suite.suite, id: 1, version: 0, test_cases: [] }, models: [] });
        }
        return json(suite);
      },
    });
    const { router } = renderApp(`/test-suites/${encodeURIComponent(SUITE)}`);
    const picker = await screen.findByRole("combobox", { name: "Version" });
    expect(picker).toHaveValue("1");
    await userEvent.selectOptions(picker, "0");
    await waitFor(() => expect(router.state.location.search).toBe("?version=0"));
    expect(await screen.findByText("No model has been tested on v0 yet.")).toBeInTheDocument();
    expect(requests.some((request) => queryOf(request).get("version") === "0")).toBe(true);
  });

  it("compares two versions: test cases added, removed, changed with their samples", async () => {
    const [kept, removed, ...rest] = diff.added;
    const changes: SuiteDiff = {
      ...diff,
      added: rest,
      removed: [removed],
      changed: [
        {
          name: kept.name,
          base: { ...kept, version: 1, n_samples: 280 },
          head: { ...kept, version: 2 },
          samples_added: 30,
          samples_removed: 10,
          ground_truths_changed: 4,
        },
      ],
    };
    const { requests } = mockApi({
      "GET /api/v1/session": () => json(session),
      [`GET ${SUITE_PATH}`]: () => json(suite),
      [`GET ${SUITE_PATH}/diff`]: () => json(changes),
    });
    renderApp(`/test-suites/${encodeURIComponent(SUITE)}/diff?base=0&head=1`);
    const changed = await screen.findByRole("table", { name: "Changed test cases" });
    const row = within(changed).getByRole("cell", { name: kept.name }).closest("tr") as HTMLElement;
    expect(within(row).getByText("+30")).toBeInTheDocument();
    expect(within(row).getByText("\u221210")).toBeInTheDocument();
    expect(within(row).getByRole("cell", { name: "4" })).toBeInTheDocument();
    expect(within(screen.getByRole("table", { name: "Removed test cases" })).getByText(removed.name)).toBeVisible();
    expect(within(screen.getByRole("table", { name: "Added test cases" })).getAllByRole("row")).toHaveLength(
      1 + rest.length,
    );
    const asked = requests.find((request) => new URL(request.url).pathname.endsWith("/diff")) as Request;
    expect([queryOf(asked).get("base"), queryOf(asked).get("head")]).toEqual(["0", "1"]);
    expect(screen.getByRole("combobox", { name: "Base" })).toHaveValue("0");
    expect(screen.getByRole("combobox", { name: "Head" })).toHaveValue("1");
  });
});

describe("route loaders", () => {
  it("start a page's request once, and the page uses it", async () => {
    const { requests } = mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/models/1": () => json(model),
    });
    renderApp("/models/1");
    expect(await screen.findByRole("heading", { name: "mean-shape-regressor", level: 1 })).toBeInTheDocument();
    const paths = requests.map((request) => new URL(request.url).pathname);
    expect(paths.filter((path) => path === "/api/v1/app/models/1")).toHaveLength(1);
    expect(paths.filter((path) => path === "/api/v1/session")).toHaveLength(1);
  });
});

describe("the results route", () => {
  it("asks for the suite's runs before the results page has mounted, and only once", async () => {
    const app: { client?: QueryClient } = {};
    const watchersWhenAsked: number[] = [];
    const { requests } = mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/results/options": () => {
        const query = app.client?.getQueryCache().find({ queryKey: ["results", "options", 2] });
        watchersWhenAsked.push(query?.getObserversCount() ?? -1);
        return json(resultsOptions);
      },
    });
    const { queryClient } = renderApp("/results?suite=2&models=1,2");
    app.client = queryClient;
    // Once the page has mounted, its hook watches the very query the loader started.
    await waitFor(() =>
      expect(queryClient.getQueryCache().find({ queryKey: ["results", "options", 2] })?.getObserversCount()).toBe(1),
    );
    expect(watchersWhenAsked).toEqual([0]);
    const asked = requests.filter((request) => new URL(request.url).pathname === "/api/v1/app/results/options");
    expect(queryOf(asked[0]).get("test_suite_id")).toBe("2");
  });
});

describe("models", () => {
  it("lists models with search", async () => {
    const { requests } = mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/models": () => json(models),
    });
    renderApp("/models?search=mean");
    const table = await screen.findByRole("table", { name: "Models" });
    expect(within(table).getByRole("link", { name: "mean-shape-regressor" })).toHaveAttribute("href", "/models/1");
    expect(queryOf(requests.at(-1) as Request).get("search")).toBe("mean");
  });

  it("shows a model's metadata, the suites it was tested on with links to results, and its runs", async () => {
    mockApi({ "GET /api/v1/session": () => json(session), "GET /api/v1/app/models/1": () => json(model) });
    renderApp("/models/1");
    expect(await screen.findByRole("heading", { name: "mean-shape-regressor", level: 1 })).toBeInTheDocument();
    const metadata = screen.getByRole("table", { name: "Metadata of mean-shape-regressor" });
    const row = within(metadata).getByRole("cell", { name: "reads_pixels" }).closest("tr") as HTMLElement;
    expect(within(row).getByRole("cell", { name: "false" })).toBeInTheDocument();
    const tested = screen.getByRole("table", { name: "Test suites mean-shape-regressor was tested on" });
    expect(within(tested).getByRole("link", { name: `Results on ${SUITE} v1` })).toHaveAttribute(
      "href",
      "/results?suite=2&baseline=1",
    );
    const runsTable = screen.getByRole("table", { name: "Runs of mean-shape-regressor" });
    expect(within(runsTable).queryByRole("columnheader", { name: "Model" })).not.toBeInTheDocument();
    expect(within(runsTable).getByRole("link", { name: `${SUITE} v1` })).toBeInTheDocument();
  });
});

describe("runs", () => {
  it("polls every 2 s while a run is running, then only every 10 s for new runs", async () => {
    // Only intervals are faked (TanStack Query polls with setInterval): rendering and waitFor run as usual.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const [first] = runs.items;
    const answers = [
      { ...runs, items: [runningRun(first, 100)], total: 1 },
      { ...runs, items: [runningRun(first, 250)], total: 1 },
      { ...runs, items: [first], total: 1 },
    ];
    let calls = 0;
    mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/test-runs": () => json(answers[Math.min(calls++, answers.length - 1)]),
    });
    renderApp("/runs");
    const table = await screen.findByRole("table", { name: "Test runs" });
    expect(await within(table).findByText("running")).toBeInTheDocument();
    expect(within(table).getByRole("progressbar")).toHaveAttribute(
      "aria-label",
      expect.stringContaining("100 of 300 samples"),
    );
    expect(screen.getByText(/1 running; refreshing every 2 s/)).toBeInTheDocument();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(2100);
    });
    await waitFor(() =>
      expect(within(table).getByRole("progressbar")).toHaveAttribute(
        "aria-label",
        expect.stringContaining("250 of 300 samples"),
      ),
    );
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2100);
    });
    expect(await within(table).findByText("completed")).toBeInTheDocument();
    expect(calls).toBe(3);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(9000);
    });
    expect(calls).toBe(3);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1500);
    });
    await waitFor(() => expect(calls).toBe(4));
  });

  it("filters by status through the URL", async () => {
    const { requests } = mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/test-runs": () => json(runs),
    });
    const { router } = renderApp("/runs?model=1");
    await screen.findByRole("table", { name: "Test runs" });
    expect(queryOf(requests.at(-1) as Request).get("model_id")).toBe("1");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Status" }), "crashed");
    await waitFor(() => expect(router.state.location.search).toBe("?model=1&status=crashed"));
    await waitFor(() => expect(queryOf(requests.at(-1) as Request).get("status")).toBe("crashed"));
  });
});
