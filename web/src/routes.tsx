// The app's routes. Every page keeps its state in the URL's search params. Later parts of the app (the
// samples gallery, the Studio) add a route here and an entry in layout/nav.ts.
import { lazy, Suspense } from "react";
import type { RouteObject } from "react-router";

import { Loading } from "./components/States";
import { Layout, type RouteHandle } from "./layout/Layout";
import { HomePage } from "./pages/HomePage";
import { ModelPage } from "./pages/ModelPage";
import { ModelsPage } from "./pages/ModelsPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { RunsPage } from "./pages/RunsPage";
import { SignInRoute } from "./pages/SignInPage";
import { SuiteDiffPage } from "./pages/SuiteDiffPage";
import { SuitePage } from "./pages/SuitePage";
import { SuitesPage } from "./pages/SuitesPage";

// The results page is a chunk of its own, fetched when first opened, so the other pages load without it.
const ResultsPage = lazy(() => import("./results/ResultsPage"));

function ResultsRoute() {
  return (
    <Suspense fallback={<Loading label="Loading the results page…" />}>
      <ResultsPage />
    </Suspense>
  );
}

const wide: RouteHandle = { wide: true };

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { path: "/", element: <HomePage /> },
      { path: "/sign-in", element: <SignInRoute /> },
      { path: "/test-suites", element: <SuitesPage /> },
      { path: "/test-suites/:name/diff", element: <SuiteDiffPage /> },
      { path: "/test-suites/:name", element: <SuitePage /> },
      { path: "/results", element: <ResultsRoute />, handle: wide },
      { path: "/models", element: <ModelsPage /> },
      { path: "/models/:id", element: <ModelPage /> },
      { path: "/runs", element: <RunsPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
