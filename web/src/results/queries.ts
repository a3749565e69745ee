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
import type { Selection } from "./selection";
import type { ResultsUrlState } from "./urlState";

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

/** Table parameters as a URL may leave them: an undefined evaluator is the server's default (the latest run's). */
export type UrlTableParams = Omit<TableParams, "evaluator"> & { evaluator: string | null | undefined };

/** What the server is asked to do besides: only when the table is larger than one page. */
export interface ServerOrder {
  sort: SortSpec | null;
  onlySignificant: boolean;
}

// The empty string is how the query string names the unnamed evaluator and configuration.
const unnamed = (name: string | null): string => name ?? "";

function tableQuery(params: UrlTableParams, order: ServerOrder | null, offset: number, limit: number) {
  const sort = order?.sort;
  return {
    test_suite_id: params.suiteId,
    model_ids: params.modelIds,
    baseline_id: params.baselineId,
    evaluator: params.evaluator === undefined ? undefined : unnamed(params.evaluator),
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
  params: UrlTableParams,
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

/** The table's parameters for what the page compares (the URL's choices checked against the options). */
export function tableParamsOf(selection: Selection, state: ResultsUrlState): TableParams {
  return {
    suiteId: selection.suiteId,
    modelIds: selection.models.map((m) => m.id),
    baselineId: selection.baselineId,
    evaluator: selection.evaluator,
    configurations: selection.allConfigurations ? null : selection.configurations,
    commonSamples: state.commonSamples,
    alpha: state.alpha,
  };
}

const firstPage: PageParam = { offset: 0, limit: FIRST_PAGE };

function nextPageParam(last: ResultsTable): PageParam | undefined {
  return last.offset + last.rows.length < last.total && last.rows.length > 0
    ? { offset: last.offset + last.rows.length, limit: pageLimit(last.columns.length) }
    : undefined;
}

/**
 * The table's parameters as far as the URL alone tells them, for asking for the table's first page alongside
 * the options (which the page needs to check the URL's choices) rather than after them. Null unless the URL
 * names the suite, the models and the baseline. An evaluator the URL leaves out is left to the server.
 */
export function paramsFromUrl(state: ResultsUrlState): UrlTableParams | null {
  if (state.suite === null || state.models === null || state.models.length === 0 || state.baseline === null) return null;
  if (!state.models.includes(state.baseline)) return null;
  return {
    suiteId: state.suite,
    modelIds: state.models,
    baselineId: state.baseline,
    evaluator: state.evaluator,
    configurations: state.configurations,
    commonSamples: state.commonSamples,
    alpha: state.alpha,
  };
}

/** How long an early first page may wait for the page to take it. */
const EARLY_TTL_MS = 20_000;

/** The first page asked for from the URL alone (one at a time: a new one replaces it). */
let early: { key: string; at: number; page: Promise<ResultsTable | null> } | null = null;

// Everything but the evaluator, which the early request may have left to the server.
const earlyKey = (p: UrlTableParams) => JSON.stringify([p.suiteId, p.modelIds, p.baselineId, p.configurations, p.commonSamples, p.alpha]);

/** Asks for the first page of the table the URL names (see paramsFromUrl), for useResultsTable to take. */
export function prefetchResultsTable(client: ApiClient, state: ResultsUrlState): void {
  const params = paramsFromUrl(state);
  if (params === null) return;
  // A failure is the page's own request's to report (a 401 has signed the app out already, in the client).
  const page = fetchTablePage(client, params, null, 0, FIRST_PAGE).catch(() => null);
  early = { key: earlyKey(params), at: Date.now(), page };
}

/**
 * The early first page, when it is the one `params` asks for: same parameters, and the evaluator the server
 * chose is the one the options resolved to. Taken once; any other request is sent as usual.
 */
export async function takeEarlyPage(params: TableParams): Promise<ResultsTable | null> {
  const taken = early;
  if (taken === null || taken.key !== earlyKey(params) || Date.now() - taken.at > EARLY_TTL_MS) return null;
  early = null;
  const page = await taken.page;
  return page !== null && page.evaluator === params.evaluator && page.offset === 0 ? page : null;
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
    queryFn: async ({ pageParam }) => {
      const wanted = params as TableParams;
      const first = pageParam.offset === 0 && sent === null ? await takeEarlyPage(wanted) : null;
      return first ?? fetchTablePage(client, wanted, sent, pageParam.offset, pageParam.limit);
    },
    initialPageParam: firstPage,
    getNextPageParam: nextPageParam,
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
