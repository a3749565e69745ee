// Next / previous on the detail page: the list the sample was opened from (a Studio query, or the samples
// behind a results delta) is in the page's URL with the sample's position `i`; the neighbours are the items
// at i - 1 and i + 1 of that list, asked for in one request of at most three items.
import { queryOptions } from "@tanstack/react-query";

import { parseStudioState, sampleQueryOf } from "../studio/urlQuery";
import { type DeltaContext, fetchDeltaSamples, queryFromUrl, querySamples } from "./api";
import type { SampleItem, SampleQuery } from "./types";

export type StepContext = { kind: "query"; query: SampleQuery } | { kind: "delta"; delta: DeltaContext };

/**
 * The list a detail page steps through, from its URL: the Studio's parameters (`case`, `q`, `d`, `sort`,
 * `configuration`; see studio/urlQuery.ts), a query as JSON in `q`, or a results delta (`case` and `delta`).
 * Null without a position `i`.
 */
export function stepContextOf(search: URLSearchParams, suite: number): StepContext | null {
  if (!search.has("i")) return null;
  const configuration = search.has("configuration") ? (search.get("configuration") ?? "") : null;
  const q = search.getAll("q");
  if (q.length === 1 && /^\s*[[{]/.test(q[0])) {
    const query = queryFromUrl(q[0], suite, configuration);
    return query ? { kind: "query", query } : null;
  }
  const state = parseStudioState(search);
  if (state.delta && state.testCase !== null) {
    const { modelId, baselineId, metric, configuration: deltaConfiguration, evaluator } = state.delta;
    const delta: DeltaContext = { suite, testCase: state.testCase, modelId, baselineId, metric, configuration: deltaConfiguration };
    if (evaluator !== undefined) delta.evaluator = evaluator;
    return { kind: "delta", delta };
  }
  // The neighbours need no model results: only their ids and what to show while the next page loads.
  return { kind: "query", query: sampleQueryOf({ ...state, suite }, suite, []) };
}

/** The request around position `index`: the item before, the item itself and the one after. */
export function neighbourWindow(index: number): { offset: number; limit: number } {
  return index <= 0 ? { offset: 0, limit: 2 } : { offset: index - 1, limit: 3 };
}

export interface Neighbours {
  previous: SampleItem | null;
  next: SampleItem | null;
  total: number;
}

/** The neighbours of position `index` in the items of `neighbourWindow(index)`. */
export function neighboursIn(items: readonly SampleItem[], index: number, total: number): Neighbours {
  const { offset } = neighbourWindow(index);
  return {
    previous: index > 0 ? (items[index - 1 - offset] ?? null) : null,
    next: index + 1 < total ? (items[index + 1 - offset] ?? null) : null,
    total,
  };
}

export async function fetchNeighbours(context: StepContext, index: number, signal?: AbortSignal): Promise<Neighbours> {
  const { offset, limit } = neighbourWindow(index);
  if (context.kind === "query") {
    const page = await querySamples(context.query, offset, limit, signal);
    return neighboursIn(page.items, index, page.total);
  }
  const page = await fetchDeltaSamples(context.delta, offset, limit, signal);
  return neighboursIn(
    page.items.map((sample) => sample.item),
    index,
    page.total,
  );
}

export function neighboursQuery(context: StepContext, index: number) {
  return queryOptions({
    queryKey: ["sample-neighbours", context, index] as const,
    queryFn: ({ signal }) => fetchNeighbours(context, index, signal),
    staleTime: 5 * 60_000,
  });
}
