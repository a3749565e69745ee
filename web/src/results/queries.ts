// The results page's data: TanStack Query over the generated API client (never hand-written fetches).
//
// The table comes in pages of up to 500 rows (the server's most). When the first page holds every row, the
// page sorts and filters on the client, so a new sort or the "only significant" toggle costs no request;
// otherwise both go to the server, which sorts and filters before paging. Every query keeps showing the
// previous data while the next loads, so toggles never blank the table.

import {
  type InfiniteData,
  type QueryClient,
  keepPreviousData,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { type ApiClient, api, unwrap } from "../api/client";
import type { SortSpec } from "./sort";
import type { NestedResults, ResultsOptions, ResultsTable, TestCasePlots } from "./types";

/** The client the page calls (a hook, so that a page could be pointed at another server). */
export function useResultsApi(): ApiClient {
  return api;
}

/** Rows per request: the server's most, so tables of up to 500 test cases arrive in one response. */
export const PAGE_SIZE = 500;

/** What decides the table's numbers (everything but sorting, filtering and paging). */
export interface TableParams {
  suiteId: number;
  modelIds: number[];
  baselineId: number;
  evaluator: string | null;
  /** null: every configuration the runs have. */
  configurations: (string | null)[] | null;
  commonSamples: boolean;
  alpha: number;
}

/** What the server is asked to do besides: only when the table is larger than one page. */
export interface ServerOrder {
  sort: SortSpec | null;
  onlySignificant: boolean;
}

// The empty string is how the query string names the unnamed evaluator and configuration.
const unnamed = (name: string | null): string => name ?? "";

function tableQuery(params: TableParams, order: ServerOrder | null, offset: number, limit: number) {
  const sort = order?.sort;
  return {
    test_suite_id: params.suiteId,
    model_ids: params.modelIds,
    baseline_id: params.baselineId,
    evaluator: unnamed(params.evaluator),
    configurations: params.configurations?.map(unnamed),
    common_samples: params.commonSamples,
    alpha: params.alpha,
    ...(sort
      ? {
          sort_metric: sort.metric,
          sort_configuration: unnamed(sort.configuration),
          sort_model_id: sort.modelId,
          sort_by: sort.by,
          descending: sort.descending,
        }
      : {}),
    only_significant: order?.onlySignificant ?? false,
    offset,
    limit,
  };
}

export function fetchOptions(client: ApiClient, suiteId: number): Promise<ResultsOptions> {
  return unwrap(client.GET("/api/v1/app/results/options", { params: { query: { test_suite_id: suiteId } } }));
}

export function fetchTablePage(
  client: ApiClient,
  params: TableParams,
  order: ServerOrder | null,
  offset: number,
  limit = PAGE_SIZE,
): Promise<ResultsTable> {
  return unwrap(client.GET("/api/v1/app/results", { params: { query: tableQuery(params, order, offset, limit) } }));
}

/** Every row of the table in the server's order (pages fetched one after another), for exports. */
export async function fetchAllRows(client: ApiClient, params: TableParams, order: ServerOrder | null): Promise<ResultsTable> {
  const first = await fetchTablePage(client, params, order, 0);
  const rows = [...first.rows];
  while (rows.length < first.total) {
    const page = await fetchTablePage(client, params, order, rows.length);
    if (page.rows.length === 0) break;
    rows.push(...page.rows);
  }
  return { ...first, rows, offset: 0, limit: rows.length };
}

export function useResultsOptions(suiteId: number | null) {
  const client = useResultsApi();
  return useQuery({
    queryKey: ["results", "options", suiteId],
    queryFn: () => fetchOptions(client, suiteId as number),
    enabled: suiteId !== null,
  });
}

const tableKey = (params: TableParams, order: ServerOrder | null) => ["results", "table", params, order] as const;

/** Whether the table is larger than one page (known once its first unsorted page has come). */
export function isPaged(queryClient: QueryClient, params: TableParams): boolean {
  const data = queryClient.getQueryData<InfiniteData<ResultsTable, number>>(tableKey(params, null));
  const first = data?.pages[0];
  return first !== undefined && first.total > first.rows.length;
}

/**
 * The table's pages. `order` is sent to the server only when the table is larger than one page; the
 * caller sorts and filters itself otherwise (`serverOrdered` says which happened).
 */
export function useResultsTable(params: TableParams | null, order: ServerOrder) {
  const client = useResultsApi();
  const queryClient = useQueryClient();
  const paged = params !== null && isPaged(queryClient, params);
  const sent = paged && (order.sort !== null || order.onlySignificant) ? order : null;
  const query = useInfiniteQuery({
    queryKey: params ? tableKey(params, sent) : ["results", "table", null],
    queryFn: ({ pageParam }) => fetchTablePage(client, params as TableParams, sent, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.rows.length < last.total && last.rows.length > 0 ? last.offset + last.rows.length : undefined),
    enabled: params !== null,
    placeholderData: keepPreviousData,
  });
  return { ...query, serverOrdered: sent !== null, paged };
}

export function useNestedResults(params: TableParams, testCaseId: number, field: string) {
  const client = useResultsApi();
  return useQuery({
    queryKey: ["results", "nested", params, testCaseId, field],
    queryFn: (): Promise<NestedResults> =>
      unwrap(
        client.GET("/api/v1/app/results/nested", {
          params: {
            query: {
              test_suite_id: params.suiteId,
              test_case_id: testCaseId,
              field,
              model_ids: params.modelIds,
              baseline_id: params.baselineId,
              evaluator: unnamed(params.evaluator),
              configurations: params.configurations?.map(unnamed),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useTestCasePlots(params: TableParams, testCaseId: number) {
  const client = useResultsApi();
  return useQuery({
    queryKey: ["results", "plots", params.suiteId, params.modelIds, params.evaluator, params.configurations, testCaseId],
    queryFn: (): Promise<TestCasePlots> =>
      unwrap(
        client.GET("/api/v1/app/results/plots", {
          params: {
            query: {
              test_suite_id: params.suiteId,
              test_case_id: testCaseId,
              model_ids: params.modelIds,
              evaluator: unnamed(params.evaluator),
              configurations: params.configurations?.map(unnamed),
            },
          },
        }),
      ),
  });
}

/** A suite as the picker lists it (the fields of SuiteSummary the page uses). */
export interface SuiteChoice {
  id: number;
  name: string;
  version: number;
  workflow: string;
  description: string;
  n_test_cases: number;
  n_models: number;
}

/** A version in a suite's history (the fields of SuiteVersionSummary the page uses). */
export interface SuiteVersionChoice {
  id: number;
  version: number;
  created: string;
  n_test_cases: number;
}

export function useSuiteChoices(search: string) {
  const client = useResultsApi();
  return useQuery({
    queryKey: ["results", "suites", search],
    queryFn: async () =>
      (await unwrap(
        client.GET("/api/v1/app/test-suites", { params: { query: { search: search || undefined, limit: 100 } } }),
      )) as unknown as { items: SuiteChoice[]; total: number },
    placeholderData: keepPreviousData,
  });
}

export function useSuiteVersions(name: string | null) {
  const client = useResultsApi();
  return useQuery({
    queryKey: ["results", "suite-versions", name],
    queryFn: async () =>
      (await unwrap(client.GET("/api/v1/app/test-suites/{name}", { params: { path: { name: name as string } } }))) as unknown as {
        versions: SuiteVersionChoice[];
      },
    enabled: name !== null,
  });
}
