// The results page's data: TanStack Query over the generated API client (never hand-written fetches).
//
// The table comes in pages: a small first one, so the first rows show at once, then pages of about
// CELLS_PER_PAGE cells, so that no response takes long to parse (a 500 × 240 table is 27 MB of JSON, whose
// parse in one piece would block the page for several hundred milliseconds). Tables up to AUTO_LOAD_CELLS
// cells are loaded whole, then sorted and filtered on the client, so a new sort or the "only significant"
// toggle costs no request; larger ones send both to the server, which sorts and filters before paging, and
// load further pages as the reader scrolls. Every query keeps showing the previous data while the next loads,
// so toggles never blank the table.

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

/** Rows of the first request. */
export const FIRST_PAGE = 50;
/** Cells per later request (about 2.5 MB of JSON, some 50 ms to parse). */
export const CELLS_PER_PAGE = 12_000;
/** The server's most rows per request. */
export const MAX_PAGE = 500;
/** Tables up to this many cells (and rows) are loaded whole and sorted on the client. */
export const AUTO_LOAD_CELLS = 250_000;
export const AUTO_LOAD_ROWS = 2_000;

/** Rows per request after the first, for a table of `columns` columns. */
export function pageLimit(columns: number): number {
  return Math.max(25, Math.min(MAX_PAGE, Math.floor(CELLS_PER_PAGE / Math.max(1, columns))));
}

/** Whether a table is loaded page by page as the reader scrolls, with sorting and filtering on the server. */
export function needsServerOrder(total: number, columns: number): boolean {
  return total > AUTO_LOAD_ROWS || total * Math.max(1, columns) > AUTO_LOAD_CELLS;
}

interface PageParam {
  offset: number;
  limit: number;
}

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
  limit: number,
): Promise<ResultsTable> {
  return unwrap(client.GET("/api/v1/app/results", { params: { query: tableQuery(params, order, offset, limit) } }));
}

/** Every row of the table in the server's order (pages fetched one after another), for exports. */
export async function fetchAllRows(client: ApiClient, params: TableParams, order: ServerOrder | null): Promise<ResultsTable> {
  const first = await fetchTablePage(client, params, order, 0, FIRST_PAGE);
  const rows = [...first.rows];
  while (rows.length < first.total) {
    const page = await fetchTablePage(client, params, order, rows.length, pageLimit(first.columns.length));
    if (page.rows.length === 0) break;
    rows.push(...page.rows);
  }
  return { ...first, rows, offset: 0, limit: rows.length };
}

/** How often the page asks again while a compared run is still storing results. */
export const LIVE_INTERVAL_MS = 5_000;

/** Whether any run of the options is still storing results (then the page keeps asking). */
export function hasRunningRuns(options: ResultsOptions | undefined): boolean {
  return options?.runs.some((run) => run.completed.length < run.configurations.length) ?? false;
}

export function useResultsOptions(suiteId: number | null) {
  const client = useResultsApi();
  return useQuery({
    queryKey: ["results", "options", suiteId],
    queryFn: () => fetchOptions(client, suiteId as number),
    enabled: suiteId !== null,
    refetchInterval: (query) => (hasRunningRuns(query.state.data) ? LIVE_INTERVAL_MS : false),
  });
}

const tableKey = (params: TableParams, order: ServerOrder | null) => ["results", "table", params, order] as const;

/** Whether the table is too large to load whole (known once its first unsorted page has come). */
export function isPaged(queryClient: QueryClient, params: TableParams): boolean {
  const data = queryClient.getQueryData<InfiniteData<ResultsTable, PageParam>>(tableKey(params, null));
  const first = data?.pages[0];
  return first !== undefined && needsServerOrder(first.total, first.columns.length);
}

/**
 * The table's pages. `order` is sent to the server only when the table is larger than one page; the
 * caller sorts and filters itself otherwise (`serverOrdered` says which happened).
 */
export function useResultsTable(params: TableParams | null, order: ServerOrder, live = false) {
  const client = useResultsApi();
  const queryClient = useQueryClient();
  const paged = params !== null && isPaged(queryClient, params);
  const sent = paged && (order.sort !== null || order.onlySignificant) ? order : null;
  const query = useInfiniteQuery({
    queryKey: params ? tableKey(params, sent) : ["results", "table", null],
    queryFn: ({ pageParam }) => fetchTablePage(client, params as TableParams, sent, pageParam.offset, pageParam.limit),
    initialPageParam: { offset: 0, limit: FIRST_PAGE } as PageParam,
    getNextPageParam: (last): PageParam | undefined =>
      last.offset + last.rows.length < last.total && last.rows.length > 0
        ? { offset: last.offset + last.rows.length, limit: pageLimit(last.columns.length) }
        : undefined,
    enabled: params !== null,
    placeholderData: keepPreviousData,
    // Comparing a new page of 100,000 cells with the old one, field by field, costs more than it saves.
    structuralSharing: false,
    // While a run stores results the table grows; the server answers an unchanged page with a 304.
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
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

export function useSuiteChoices(search: string) {
  const client = useResultsApi();
  return useQuery({
    queryKey: ["results", "suites", search],
    queryFn: () =>
      unwrap(client.GET("/api/v1/app/test-suites", { params: { query: { search: search || undefined, limit: 100 } } })),
    placeholderData: keepPreviousData,
  });
}

export function useSuiteVersions(name: string | null) {
  const client = useResultsApi();
  return useQuery({
    queryKey: ["results", "suite-versions", name],
    queryFn: () => unwrap(client.GET("/api/v1/app/test-suites/{name}", { params: { path: { name: name as string } } })),
    enabled: name !== null,
  });
}
