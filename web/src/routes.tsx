import type { RouteObject } from "react-router";

function Home() {
  return <h1>Assay</h1>;
}

export const routes: RouteObject[] = [{ path: "/", element: <Home /> }];
