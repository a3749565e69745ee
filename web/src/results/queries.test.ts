// @vitest-environment node
import { describe, expect, it } from "vitest";

import { OPTIONS } from "./fixture";
import {
  AUTO_LOAD_CELLS,
  AUTO_LOAD_ROWS,
  CELLS_PER_PAGE,
  MAX_PAGE,
  hasRunningRuns,
  needsServerOrder,
  pageLimit,
  paramsFromUrl,
  prefetchResultsTable,
  tableParamsOf,
  takeEarlyPage,
} from "./queries";
import { createApiClient } from "../api/client";
import { type Selection, resolveSelection } from "./selection";
import { type ResultsUrlState, parseResultsState } from "./urlState";
import { shortName } from "./ResultsPage";

describe("paging", () => {
  it("sizes pages by cells, within the server's limits", () => {
    expect(pageLimit(240)).toBe(Math.floor(CELLS_PER_PAGE / 240));
    expect(pageLimit(6)).toBe(MAX_PAGE);
    expect(pageLimit(100_000)).toBe(25);
    expect(pageLimit(0)).toBe(MAX_PAGE);
  });

  it("loads tables whole up to a size, and leaves larger ones to the server's sorting", () => {
    expect(needsServerOrder(500, 240)).toBe(false); // the stress set: 120,000 cells
    expect(needsServerOrder(AUTO_LOAD_ROWS + 1, 1)).toBe(true);
    expect(needsServerOrder(1000, Math.ceil(AUTO_LOAD_CELLS / 1000) + 1)).toBe(true);
  });
});

describe("hasRunningRuns", () => {
  it("is true while a run has configurations to complete", () => {
    expect(hasRunningRuns(OPTIONS)).toBe(false);
    expect(hasRunningRuns({ ...OPTIONS, runs: [{ ...OPTIONS.runs[0], completed: [] }] })).toBe(true);
    expect(hasRunningRuns(undefined)).toBe(false);
  });
});

describe("shortName", () => {
  it("drops the suite's name from its test cases' names", () => {
    expect(shortName("faces :: pose: profile", "faces")).toBe("pose: profile");
    expect(shortName("faces / night", "faces")).toBe("night");
    expect(shortName("other :: x", "faces")).toBe("other :: x");
    expect(shortName("faces :: ", "faces")).toBe("faces :: ");
    expect(shortName("faces", "faces")).toBe("faces");
  });
});

describe("the table's request from the URL alone", () => {
  const state = (changes: Partial<ResultsUrlState>): ResultsUrlState => ({ ...parseResultsState(new URLSearchParams()), ...changes });

  it("has the key the page asks with, when the URL names suite, models, baseline and evaluator", () => {
    const url = state({ suite: 7, models: [3, 1], baseline: 1, evaluator: "keypoints", alpha: 0.01, commonSamples: true });
    const selection = resolveSelection(url, OPTIONS);
    expect(selection).not.toBeNull();
    expect(paramsFromUrl(url)).toEqual(tableParamsOf(selection as Selection, url));
  });

  it("starts nothing when the URL leaves models or baseline to the options", () => {
    expect(paramsFromUrl(state({ suite: 7, models: null, baseline: 1 }))).toBeNull();
    expect(paramsFromUrl(state({ suite: 7, models: [1, 2], baseline: null }))).toBeNull();
    expect(paramsFromUrl(state({ suite: 7, models: [1, 2], baseline: 3 }))).toBeNull();
  });

  it("leaves an evaluator the URL does not name to the server", () => {
    expect(paramsFromUrl(state({ suite: 7, models: [1, 2], baseline: 1 }))?.evaluator).toBeUndefined();
  });

  it("gives the early page to the page's request only when the server chose the evaluator the options did", async () => {
    const urls: string[] = [];
    const client = createApiClient({
      baseUrl: "http://assay.test",
      fetch: async (request) => {
        urls.push(request.url);
        return new Response(JSON.stringify({ evaluator: "keypoints", offset: 0, rows: [] }), {
          status: 200,
          headers: { "Content-Type": "application/json" },
        });
      },
    });
    const url = state({ suite: 7, models: [1, 2], baseline: 1 });
    const wanted = tableParamsOf(resolveSelection(url, OPTIONS) as Selection, url);
    prefetchResultsTable(client, url);
    expect((await takeEarlyPage(wanted))?.evaluator).toBe("keypoints");
    expect(urls).toHaveLength(1);
    expect(new URL(urls[0]).searchParams.has("evaluator")).toBe(false);
    // Taken once.
    expect(await takeEarlyPage(wanted)).toBeNull();

    prefetchResultsTable(client, url);
    expect(await takeEarlyPage({ ...wanted, evaluator: null })).toBeNull();
    prefetchResultsTable(client, url);
    expect(await takeEarlyPage({ ...wanted, alpha: 0.01 })).toBeNull();
  });
});
