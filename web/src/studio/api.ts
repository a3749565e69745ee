// The Studio's requests: the suite's fields, the count and histograms of a query (kept on screen while the
// next ones load), pages for the gallery, the samples behind a results cell, and the two curation calls.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { api, unwrap } from "../api/client";
import type {
  CreatedTestCases,
  CreateTestCase,
  DeltaSamples,
  HistogramRequest,
  SamplePage,
  SampleQuery,
  SplitTestCases,
} from "./types";
import type { DeltaCell } from "./urlQuery";

/** How long the filters must stay still before the count and histograms are asked for again. */
export const DEBOUNCE_MS = 150;

/** A value that follows `value` once it has not changed for `ms` (compared by its JSON). */
export function useDebounced<T>(value: T, ms = DEBOUNCE_MS): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const handle = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(handle);
    // The key stands for the value: a new object with the same content must not restart the timer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, ms]);
  return settled;
}

export const studioKeys = {
  fields: (suiteId: number) => ["studio", "fields", suiteId] as const,
  count: (query: SampleQuery) => ["studio", "count", query] as const,
  histograms: (request: HistogramRequest) => ["studio", "histograms", request] as const,
  page: (query: SampleQuery, offset: number, limit: number) => ["studio", "page", query, offset, limit] as const,
  delta: (suiteId: number, testCaseId: number, delta: DeltaCell) => ["studio", "delta", suiteId, testCaseId, delta] as const,
};

export function useSampleFields(suiteId: number | null) {
  return useQuery({
    queryKey: studioKeys.fields(suiteId ?? -1),
    queryFn: () => unwrap(api.GET("/api/v1/app/samples/fields", { params: { query: { test_suite_id: suiteId as number } } })),
    enabled: suiteId !== null,
    // A suite version's fields never change; its models may gain results, which a reload picks up.
    staleTime: 60_000,
  });
}

/** The query a test-case version was made from in the Studio (null: it was not made here). */
export function useStoredQuery(testCaseId: number | null) {
  return useQuery({
    queryKey: ["studio", "stored-query", testCaseId ?? -1],
    queryFn: () =>
      unwrap(api.GET("/api/v1/app/studio/test-cases/{test_case_id}/query", { params: { path: { test_case_id: testCaseId as number } } })),
    enabled: testCaseId !== null,
    // A version's query never changes.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function fetchSamplePage(query: SampleQuery, offset: number, limit: number): Promise<SamplePage> {
  // The route also answers Arrow (format=arrow), so the client types its body as unknown; JSON is a SamplePage.
  return unwrap(api.POST("/api/v1/app/samples/query", { params: { query: { offset, limit } }, body: query })) as Promise<SamplePage>;
}

/** How many samples match (a page of none): fast, and kept on screen while the next count loads. */
export function useSampleCount(query: SampleQuery | null) {
  return useQuery({
    queryKey: studioKeys.count(query ?? { test_suite_id: -1 }),
    queryFn: () => fetchSamplePage(query as SampleQuery, 0, 0),
    enabled: query !== null,
    placeholderData: keepPreviousData,
  });
}

export function useHistograms(request: HistogramRequest | null) {
  return useQuery({
    queryKey: studioKeys.histograms(request ?? { query: { test_suite_id: -1 }, model_ids: [], bins: 0 }),
    queryFn: () => unwrap(api.POST("/api/v1/app/samples/histograms", { body: request as HistogramRequest })),
    enabled: request !== null,
    placeholderData: keepPreviousData,
  });
}

export function fetchDeltaPage(suiteId: number, testCaseId: number, delta: DeltaCell, offset: number, limit: number): Promise<DeltaSamples> {
  return unwrap(
    api.GET("/api/v1/app/results/samples", {
      params: {
        query: {
          test_suite_id: suiteId,
          test_case_id: testCaseId,
          model_id: delta.modelId,
          baseline_id: delta.baselineId,
          metric: delta.metric,
          // The empty string is how the API's query strings name the unnamed configuration and evaluator.
          configuration: delta.configuration ?? "",
          ...(delta.evaluator === undefined ? {} : { evaluator: delta.evaluator ?? "" }),
          offset,
          limit,
        },
      },
    }),
  );
}

/** The first page of a delta's samples: its header's numbers (shared with the gallery's first page). */
export function useDeltaSummary(suiteId: number | null, testCaseId: number | null, delta: DeltaCell | null) {
  return useQuery({
    queryKey: studioKeys.delta(suiteId ?? -1, testCaseId ?? -1, delta ?? { modelId: -1, baselineId: -1, configuration: null, metric: "" }),
    queryFn: () => fetchDeltaPage(suiteId as number, testCaseId as number, delta as DeltaCell, 0, 0),
    enabled: suiteId !== null && testCaseId !== null && delta !== null,
  });
}

/** Every sample id behind a delta (pages of the most the server gives), for "all of them" selections. */
export async function allDeltaIds(suiteId: number, testCaseId: number, delta: DeltaCell): Promise<number[]> {
  const ids: number[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await fetchDeltaPage(suiteId, testCaseId, delta, offset, limit);
    for (const entry of page.items) ids.push(entry.item.id);
    if (page.items.length === 0 || offset + page.items.length >= page.total) return ids;
  }
}

export function useCreateTestCase() {
  const queryClient = useQueryClient();
  return useMutation<CreatedTestCases, Error, CreateTestCase>({
    mutationFn: (body) => unwrap(api.POST("/api/v1/app/studio/test-cases", { body })),
    onSuccess: () => invalidateAfterCuration(queryClient),
  });
}

export function useSplitTestCases() {
  const queryClient = useQueryClient();
  return useMutation<CreatedTestCases, Error, SplitTestCases>({
    mutationFn: (body) => unwrap(api.POST("/api/v1/app/studio/split", { body })),
    onSuccess: () => invalidateAfterCuration(queryClient),
  });
}

/** A new suite version and runs exist now: lists and the suite's pages are out of date. */
function invalidateAfterCuration(queryClient: ReturnType<typeof useQueryClient>): Promise<void> {
  return queryClient.invalidateQueries({
    predicate: (query) => ["suite", "suites", "overview", "runs", "results"].includes(String(query.queryKey[0])),
  });
}
