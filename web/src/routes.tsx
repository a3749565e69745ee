// The app's routes. Every page keeps its state in the URL's search params. Later parts of the app (the
// samples gallery, the Studio) add a route here and an entry in layout/nav.ts.
//
// Each route's loader starts the page's query from the URL before the page renders, without waiting for
// it, so fetching overlaps rendering; the page's hook then finds the request in flight (same query key).
import type { QueryClient } from "@tanstack/react-query";
import type { LoaderFunctionArgs, RouteObject } from "react-router";

import { api } from "./api/client";
import { type RunFilters, viewQueries } from "./api/views";
import { Loading } from "./components/States";
import { Layout, type RouteHandle } from "./layout/Layout";
import { CODE_PARAM } from "./layout/SignInCodeGate";
import { HomePage } from "./pages/HomePage";
import { ModelPage } from "./pages/ModelPage";
import { ModelsPage } from "./pages/ModelsPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { RunsPage, runFiltersOf } from "./pages/RunsPage";
import { SignInRoute } from "./pages/SignInPage";
import { SuiteDiffPage } from "./pages/SuiteDiffPage";
import { SuitePage } from "./pages/SuitePage";
import { SuitesPage } from "./pages/SuitesPage";
import { fetchOptions, prefetchResultsTable } from "./results/queries";
import { parseResultsState } from "./results/urlState";
import { sampleDetailQuery } from "./samples/api";
import { urlIntList, urlOptionalInt, urlOptionalString, urlString } from "./useUrlState";

const wide: RouteHandle = { wide: true };

export function createRoutes(queryClient: QueryClient): RouteObject[] {
  /** A loader that starts `start`'s queries, unless a sign-in code is to be redeemed first. */
  const prefetch =
    (start: (search: URLSearchParams, params: LoaderFunctionArgs["params"]) => void) =>
    ({ request, params }: LoaderFunctionArgs) => {
      const search = new URL(request.url).searchParams;
      // Requests sent before the code is redeemed would be refused, and their 401s would race the sign-in.
      if (!search.has(CODE_PARAM)) start(search, params);
      return null;
    };
  const text = (search: URLSearchParams, key: string) => urlString("").parse(search.getAll(key));
  const optional = (search: URLSearchParams, key: string) => urlOptionalString.parse(search.getAll(key));

  return [
    {
      element: <Layout />,
      HydrateFallback: () => <Loading />,
      loader: prefetch(() => void queryClient.prefetchQuery(viewQueries.session())),
      children: [
        {
          path: "/",
          element: <HomePage />,
          loader: prefetch(() => void queryClient.prefetchQuery(viewQueries.overview())),
        },
        { path: "/sign-in", element: <SignInRoute /> },
        {
          path: "/test-suites",
          element: <SuitesPage />,
          loader: prefetch(
            (search) =>
              void queryClient.prefetchInfiniteQuery(viewQueries.suites(text(search, "search"), optional(search, "workflow"))),
          ),
        },
        {
          path: "/test-suites/:name/diff",
          element: <SuiteDiffPage />,
          loader: prefetch((search, params) => {
            const name = params.name ?? "";
            void queryClient.prefetchQuery(viewQueries.suite(name, null));
            const base = urlOptionalInt.parse(search.getAll("base"));
            const head = urlOptionalInt.parse(search.getAll("head"));
            if (base !== null && head !== null) void queryClient.prefetchQuery(viewQueries.diff(name, base, head));
          }),
        },
        {
          path: "/test-suites/:name",
          element: <SuitePage />,
          loader: prefetch(
            (search, params) =>
              void queryClient.prefetchQuery(
                viewQueries.suite(params.name ?? "", urlOptionalInt.parse(search.getAll("version"))),
              ),
          ),
        },
        {
          path: "/results",
          handle: wide,
          // The results page is a chunk of its own (with its plots' code); the router fetches it while the
          // loader asks for the suite's runs, which the page needs first (same key as useResultsOptions).
          lazy: async () => ({ Component: (await import("./results/ResultsPage")).default }),
          // The table's first page starts at the same time when the URL names its models and baseline
          // (prefetchResultsTable): the session check, the options and the table are one round trip.
          loader: prefetch((search) => {
            const state = parseResultsState(search);
            const suite = state.suite;
            if (suite !== null) {
              void queryClient.prefetchQuery({
                queryKey: ["results", "options", suite],
                queryFn: () => fetchOptions(api, suite),
              });
              // Only before the page has its options: after that, every URL change (a sort, a toggle) runs this
              // loader again, and the page knows the table's exact parameters itself.
              if (queryClient.getQueryData(["results", "options", suite]) === undefined) prefetchResultsTable(api, state);
            }
          }),
        },
        { path: "/studio", handle: wide, lazy: async () => ({ Component: (await import("./studio/StudioPage")).default }) },
        {
          path: "/samples/:sampleId",
          handle: wide,
          // A chunk of its own, like the results page; its sample's detail is asked for while the chunk loads.
          lazy: async () => ({ Component: (await import("./samples/SampleDetailPage")).default }),
          loader: prefetch((search, params) => {
            const id = Number(params.sampleId);
            const suite = urlOptionalInt.parse(search.getAll("suite"));
            if (Number.isInteger(id) && suite !== null) {
              void queryClient.prefetchQuery(sampleDetailQuery(id, suite, urlIntList.parse(search.getAll("models"))));
            }
          }),
        },
        {
          path: "/models",
          element: <ModelsPage />,
          loader: prefetch(
            (search) =>
              void queryClient.prefetchInfiniteQuery(viewQueries.models(text(search, "search"), optional(search, "workflow"))),
          ),
        },
        {
          path: "/models/:id",
          element: <ModelPage />,
          loader: prefetch((_search, params) => {
            const id = Number(params.id);
            if (Number.isInteger(id)) void queryClient.prefetchQuery(viewQueries.model(id));
          }),
        },
        {
          path: "/runs",
          element: <RunsPage />,
          loader: prefetch((search) => {
            const filters: RunFilters = runFiltersOf(search);
            void queryClient.prefetchInfiniteQuery(viewQueries.runs(filters));
          }),
        },
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ];
}
