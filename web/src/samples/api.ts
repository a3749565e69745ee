// The samples endpoints over the generated client: one sample's detail, the fields of a suite version, pages of
// a query, and the samples behind a results delta (the detail page steps through either).
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import type { GallerySource, SampleDetail, SampleFields, SamplePage, SampleQuery } from "./types";

/** How long a sample's detail and a query's pages stay fresh: they read immutable suite versions and runs. */
const FRESH_MS = 5 * 60_000;

export const sampleKeys = {
  detail: (id: number, suite: number, models: readonly number[]) => ["sample", id, suite, [...models]] as const,
  fields: (suite: number) => ["sample-fields", suite] as const,
  page: (query: SampleQuery, offset: number, limit: number) => ["sample-query", query, offset, limit] as const,
};

export async function fetchSampleDetail(
  id: number,
  suite: number,
  models: readonly number[],
  signal?: AbortSignal,
): Promise<SampleDetail> {
  return unwrap(
    api.GET("/api/v1/app/samples/{sample_id}", {
      params: { path: { sample_id: id }, query: { test_suite_id: suite, model_ids: models.length ? [...models] : undefined } },
      signal,
    }),
  );
}

export function sampleDetailQuery(id: number, suite: number, models: readonly number[]) {
  return queryOptions({
    queryKey: sampleKeys.detail(id, suite, models),
    queryFn: ({ signal }) => fetchSampleDetail(id, suite, models, signal),
    staleTime: FRESH_MS,
  });
}

export function useSampleDetail(id: number | null, suite: number | null, models: readonly number[]) {
  return useQuery({
    ...sampleDetailQuery(id ?? -1, suite ?? -1, models),
    enabled: id !== null && suite !== null,
  });
}

export function sampleFieldsQuery(suite: number) {
  return queryOptions({
    queryKey: sampleKeys.fields(suite),
    queryFn: async ({ signal }): Promise<SampleFields> =>
      unwrap(api.GET("/api/v1/app/samples/fields", { params: { query: { test_suite_id: suite } }, signal })),
    staleTime: FRESH_MS,
  });
}

export function useSampleFields(suite: number | null) {
  return useQuery({ ...sampleFieldsQuery(suite ?? -1), enabled: suite !== null });
}

/** One page of the samples a query matches (`POST /app/samples/query`). */
export async function querySamples(query: SampleQuery, offset: number, limit: number, signal?: AbortSignal): Promise<SamplePage> {
  const call = api.POST("/api/v1/app/samples/query", {
    body: query,
    params: { query: { offset, limit } },
    signal,
  });
  // The route also answers Arrow (format=arrow), so its success type is a union; JSON was asked for here.
  return (await unwrap(call)) as SamplePage;
}

export function samplePageQuery(query: SampleQuery, offset: number, limit: number) {
  return queryOptions({
    queryKey: sampleKeys.page(query, offset, limit),
    queryFn: ({ signal }) => querySamples(query, offset, limit, signal),
    staleTime: FRESH_MS,
  });
}

/** A gallery source over a Studio query: its pages are the query's, and the query is its key. */
export function querySource(query: SampleQuery): GallerySource {
  return {
    key: ["query", query],
    fetchPage: async (offset, limit, signal) => {
      const page = await querySamples(query, offset, limit, signal);
      return { items: page.items, total: page.total };
    },
  };
}

// -- the query a detail page steps through -------------------------------------------------------------------
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A query written as JSON in a detail page's `q` (an object with the query's conditions, or a list of predicates)
 * with the page's suite and configuration (models need not be asked for: predicates and sort keys name theirs); null without `q` or when it is not JSON.
 */
export function queryFromUrl(q: string | null, suite: number, configuration: string | null): SampleQuery | null {
  if (q === null || q === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(q);
  } catch {
    return null;
  }
  const conditions: Record<string, unknown> = Array.isArray(parsed) ? { predicates: parsed } : isRecord(parsed) ? parsed : {};
  const query: SampleQuery = { test_suite_id: suite, model_ids: [], configuration: configuration ?? undefined };
  if (typeof conditions.test_case_id === "number") query.test_case_id = conditions.test_case_id;
  if (Array.isArray(conditions.predicates)) query.predicates = conditions.predicates as SampleQuery["predicates"];
  if (Array.isArray(conditions.differences)) query.differences = conditions.differences as SampleQuery["differences"];
  if (isRecord(conditions.sort)) query.sort = conditions.sort as SampleQuery["sort"];
  return query;
}

export type DeltaSamples = components["schemas"]["DeltaSamples"];

export interface DeltaContext {
  suite: number;
  testCase: number;
  modelId: number;
  baselineId: number;
  metric: string;
  /** null: the unnamed configuration. */
  configuration: string | null;
  /** undefined: the server's choice; null: the unnamed evaluator. */
  evaluator?: string | null;
}

/** A page of the samples behind a results delta (`GET /app/results/samples`). */
export async function fetchDeltaSamples(delta: DeltaContext, offset: number, limit: number, signal?: AbortSignal): Promise<DeltaSamples> {
  return unwrap(
    api.GET("/api/v1/app/results/samples", {
      params: {
        query: {
          test_suite_id: delta.suite,
          test_case_id: delta.testCase,
          model_id: delta.modelId,
          baseline_id: delta.baselineId,
          metric: delta.metric,
          configuration: delta.configuration ?? "",
          ...(delta.evaluator === undefined ? {} : { evaluator: delta.evaluator ?? "" }),
          offset,
          limit,
        },
      },
      signal,
    }),
  );
}
