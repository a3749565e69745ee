// TanStack Query hooks for the app's read views (/api/v1/app/...) and the session, over the generated client.
// Response types are the generated schema's components (the records of assay.service.views).
import {
  type InfiniteData,
  infiniteQueryOptions,
  keepPreviousData,
  type QueryClient,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";

import { authStore } from "./auth";
import { api, unwrap } from "./client";
import type { components } from "./schema";

type Schemas = components["schemas"];
export type Overview = Schemas["Overview"];
export type WorkflowOverview = Schemas["WorkflowOverview"];
export type SuiteSummary = Schemas["SuiteSummary"];
export type ModelSummary = Schemas["ModelSummary"];
export type RunSummary = Schemas["RunSummary"];
export type SuiteDetail = Schemas["SuiteDetail"];
export type SuiteDiff = Schemas["SuiteDiff"];
export type SuiteVersionSummary = Schemas["SuiteVersionSummary"];
export type TestCaseRef = Schemas["TestCaseRef"];
export type TestCaseChange = Schemas["TestCaseChange"];
export type ModelDetail = Schemas["ModelDetail"];
export type ModelRef = Schemas["ModelRef"];
export type SuiteRef = Schemas["SuiteRef"];
export type TestCaseRecord = Schemas["TestCaseRecord"];
export type SessionInfo = Schemas["SessionInfo"];
export type PagedSuites = Schemas["Paged_SuiteSummary_"];
export type PagedModels = Schemas["Paged_ModelSummary_"];
export type PagedRuns = Schemas["Paged_RunSummary_"];

/** Rows a list asks for at once (the server caps a page at 500); more load as the table scrolls. */
export const LIST_PAGE = 200;

/** How often the runs list refreshes while a run is in progress. */
export const RUNNING_POLL_MS = 2000;

/** How often the runs page looks for new runs otherwise (a revalidation: a 304 while nothing changed). */
export const IDLE_POLL_MS = 10_000;

export const queryKeys = {
  session: ["session"] as const,
  overview: ["overview"] as const,
  suites: (search: string, workflow: string | null) => ["suites", { search, workflow }] as const,
  suite: (name: string, version: number | null) => ["suite", name, version] as const,
  diff: (name: string, base: number, head: number) => ["suite-diff", name, base, head] as const,
  models: (search: string, workflow: string | null) => ["models", { search, workflow }] as const,
  model: (id: number) => ["model", id] as const,
  runs: (filters: RunFilters) => ["runs", filters] as const,
};

interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

/** The offset of the page after `last`, or undefined when every row is loaded. */
export function nextOffset(last: Page<unknown>): number | undefined {
  const next = last.offset + last.items.length;
  return last.items.length > 0 && next < last.total ? next : undefined;
}

/** Every row of the pages loaded so far. */
export function loadedRows<T>(data: InfiniteData<Page<T>> | undefined): T[] {
  return data ? data.pages.flatMap((page) => page.items) : [];
}

/** Whether any run of a list is still going: the list then refreshes itself. */
export function anyRunning(runs: readonly RunSummary[] | undefined): boolean {
  return runs?.some((run) => run.status === "running") ?? false;
}

export interface RunFilters {
  workflow?: string | null;
  model_id?: number | null;
  test_suite_name?: string | null;
  status?: RunSummary["status"] | null;
}

// Each view's query is defined once: the page's hook uses it, and the route's loader starts it before the
// page renders (routes.tsx), so the request and the rendering overlap.
export const viewQueries = {
  session: () =>
    queryOptions({
      queryKey: queryKeys.session,
      queryFn: () => unwrap(api.GET("/api/v1/session")),
      staleTime: 5 * 60_000,
    }),

  overview: () =>
    queryOptions({
      queryKey: queryKeys.overview,
      queryFn: () => unwrap(api.GET("/api/v1/app/overview")),
      refetchInterval: (query) =>
        query.state.data?.workflows.some((workflow) => anyRunning(workflow.latest_runs)) ? RUNNING_POLL_MS : false,
    }),

  suites: (search: string, workflow: string | null) =>
    infiniteQueryOptions({
      queryKey: queryKeys.suites(search, workflow),
      queryFn: ({ pageParam }) =>
        unwrap(
          api.GET("/api/v1/app/test-suites", {
            params: {
              query: { search: search || undefined, workflow: workflow ?? undefined, offset: pageParam, limit: LIST_PAGE },
            },
          }),
        ),
      initialPageParam: 0,
      getNextPageParam: nextOffset,
      placeholderData: keepPreviousData,
    }),

  suite: (name: string, version: number | null) =>
    queryOptions({
      queryKey: queryKeys.suite(name, version),
      queryFn: () =>
        unwrap(
          api.GET("/api/v1/app/test-suites/{name}", {
            params: { path: { name }, query: version === null ? {} : { version } },
          }),
        ),
    }),

  diff: (name: string, base: number | null, head: number | null) =>
    queryOptions({
      queryKey: queryKeys.diff(name, base ?? -1, head ?? -1),
      queryFn: () =>
        unwrap(
          api.GET("/api/v1/app/test-suites/{name}/diff", {
            params: { path: { name }, query: { base: base ?? 0, head: head ?? 0 } },
          }),
        ),
      enabled: base !== null && head !== null,
      // A diff of two versions never changes.
      staleTime: Number.POSITIVE_INFINITY,
    }),

  models: (search: string, workflow: string | null) =>
    infiniteQueryOptions({
      queryKey: queryKeys.models(search, workflow),
      queryFn: ({ pageParam }) =>
        unwrap(
          api.GET("/api/v1/app/models", {
            params: {
              query: { search: search || undefined, workflow: workflow ?? undefined, offset: pageParam, limit: LIST_PAGE },
            },
          }),
        ),
      initialPageParam: 0,
      getNextPageParam: nextOffset,
      placeholderData: keepPreviousData,
    }),

  model: (id: number) =>
    queryOptions({
      queryKey: queryKeys.model(id),
      queryFn: () =>
        unwrap(api.GET("/api/v1/app/models/{model_id}", { params: { path: { model_id: id } } })),
      enabled: Number.isInteger(id),
      refetchInterval: (query) => (anyRunning(query.state.data?.runs) ? RUNNING_POLL_MS : false),
    }),

  runs: (filters: RunFilters, poll = true) =>
    infiniteQueryOptions({
      queryKey: queryKeys.runs(filters),
      queryFn: ({ pageParam }) =>
        unwrap(
          api.GET("/api/v1/app/test-runs", {
            params: {
              query: {
                workflow: filters.workflow ?? undefined,
                model_id: filters.model_id ?? undefined,
                test_suite_name: filters.test_suite_name ?? undefined,
                status: filters.status ?? undefined,
                offset: pageParam,
                limit: LIST_PAGE,
              },
            },
          }),
        ),
      initialPageParam: 0,
      getNextPageParam: nextOffset,
      placeholderData: keepPreviousData,
      // A `test()` in progress shows up live: while any loaded run is running, the list refreshes every two
      // seconds, and otherwise now and then so that a run started since shows up.
      refetchInterval: (query) => {
        if (!poll) return false;
        return anyRunning(loadedRows(query.state.data)) ? RUNNING_POLL_MS : IDLE_POLL_MS;
      },
      refetchOnWindowFocus: true,
    }),
};

export const useSession = () => useQuery(viewQueries.session());
export const useOverview = () => useQuery(viewQueries.overview());
export const useSuiteSummaries = (search: string, workflow: string | null = null) =>
  useInfiniteQuery(viewQueries.suites(search, workflow));
export const useSuiteDetail = (name: string, version: number | null) => useQuery(viewQueries.suite(name, version));
export const useSuiteDiff = (name: string, base: number | null, head: number | null) =>
  useQuery(viewQueries.diff(name, base, head));
export const useModelSummaries = (search: string, workflow: string | null = null) =>
  useInfiniteQuery(viewQueries.models(search, workflow));
export const useModelDetail = (id: number) => useQuery(viewQueries.model(id));
export const useRunSummaries = (filters: RunFilters, poll = true) => useInfiniteQuery(viewQueries.runs(filters, poll));

async function afterSignIn(queryClient: QueryClient, session: SessionInfo): Promise<void> {
  authStore.signedIn();
  queryClient.setQueryData(queryKeys.session, session);
  // Everything fetched while signed out failed with 401; fetch it again with the new session.
  await queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== "session" });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) =>
      unwrap(api.POST("/api/v1/session", { body: { token } })),
    onSuccess: (session) => afterSignIn(queryClient, session),
  });
}

export function useRedeemCode() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      unwrap(api.POST("/api/v1/session/one-time", { body: { code } })),
    onSuccess: (session) => afterSignIn(queryClient, session),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/session")),
    onSettled: () => {
      queryClient.clear();
      authStore.signedOut();
    },
  });
}
