import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { error, json, mockApi, renderApp } from "./test/render";
import { overview, session } from "./test/fixtures";

const unauthenticated = () => error(401, "unauthenticated", "not signed in");

describe("signing in", () => {
  it("shows the sign-in page in place of any page without a session, then that page once signed in", async () => {
    let signedIn = false;
    const { requests } = mockApi({
      "GET /api/v1/session": () => (signedIn ? json(session) : unauthenticated()),
      "GET /api/v1/app/overview": () => (signedIn ? json(overview) : unauthenticated()),
      "POST /api/v1/session": async (request) => {
        const body = (await request.json()) as { token: string };
        if (body.token !== "good-token") return error(401, "unauthenticated", "invalid API token");
        signedIn = true;
        return json(session);
      },
    });
    const { router } = renderApp("/");
    const token = await screen.findByLabelText("API token");
    expect(screen.queryByRole("heading", { name: "Workflows" })).not.toBeInTheDocument();

    await userEvent.type(token, "bad-token");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("invalid API token");

    await userEvent.clear(token);
    await userEvent.type(token, "good-token");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Keypoint Detection" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
    expect(screen.getByRole("button", { name: "Sign out" })).toBeInTheDocument();
    const posts = requests.filter((request) => request.method === "POST");
    expect(posts).toHaveLength(2);
  });

  it("redeems the one-time code of the server's URL once, then drops it from the URL", async () => {
    const codes: string[] = [];
    let signedIn = false;
    const { requests } = mockApi({
      "POST /api/v1/session/one-time": async (request) => {
        codes.push(((await request.json()) as { code: string }).code);
        signedIn = true;
        return json(session);
      },
      "GET /api/v1/session": () => (signedIn ? json(session) : unauthenticated()),
      "GET /api/v1/app/overview": () => (signedIn ? json(overview) : unauthenticated()),
    });
    const { router } = renderApp("/?code=one-time-abc&workflow=x");
    expect(await screen.findByRole("heading", { name: "Keypoint Detection" })).toBeInTheDocument();
    expect(codes).toEqual(["one-time-abc"]);
    expect(router.state.location.search).toBe("?workflow=x");
    // Nothing was asked before the code was redeemed: it would have been refused.
    expect(requests[0].method).toBe("POST");
  });

  it("says so when the one-time code was already used, and offers the token form", async () => {
    mockApi({
      "POST /api/v1/session/one-time": () => error(401, "unauthenticated", "this sign-in code was already used"),
      "GET /api/v1/session": unauthenticated,
      "GET /api/v1/app/overview": unauthenticated,
    });
    const { router } = renderApp("/?code=stale");
    expect(await screen.findByLabelText("API token")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("already used");
    expect(router.state.location.search).toBe("");
  });

  it("at /sign-in, moves on to ?next= once signed in", async () => {
    let signedIn = false;
    mockApi({
      "GET /api/v1/session": () => (signedIn ? json(session) : unauthenticated()),
      "POST /api/v1/session": () => {
        signedIn = true;
        return json(session);
      },
      "GET /api/v1/app/test-runs": () => json({ items: [], total: 0, offset: 0, limit: 200 }),
    });
    const { router } = renderApp("/sign-in?next=/runs");
    await userEvent.type(await screen.findByLabelText("API token"), "t");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/runs"));
    expect(await screen.findByRole("heading", { name: "Runs" })).toBeInTheDocument();
  });

  it("signs out with the CSRF header and shows the sign-in page", async () => {
    document.cookie = `assay_csrf=${session.csrf_token}; path=/`;
    let signedIn = true;
    const { requests } = mockApi({
      "GET /api/v1/session": () => (signedIn ? json(session) : unauthenticated()),
      "GET /api/v1/app/overview": () => (signedIn ? json(overview) : unauthenticated()),
      "DELETE /api/v1/session": () => {
        signedIn = false;
        return new Response(null, { status: 204 });
      },
    });
    renderApp("/");
    await userEvent.click(await screen.findByRole("button", { name: "Sign out" }));
    expect(await screen.findByLabelText("API token")).toBeInTheDocument();
    const deletion = requests.find((request) => request.method === "DELETE");
    expect(deletion?.headers.get("X-CSRF-Token")).toBe(session.csrf_token);
  });
});

describe("the shell", () => {
  it("has the main navigation, marking the current section", async () => {
    mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/overview": () => json(overview),
    });
    renderApp("/");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    const links = within(nav).getAllByRole("link");
    expect(links.map((link) => link.textContent)).toEqual(["Home", "Test suites", "Models", "Runs", "Studio"]);
    expect(within(nav).getByRole("link", { name: "Home" })).toHaveAttribute("aria-current", "page");
  });

  it("opens the shortcut overlay with ? and navigates with g then r", async () => {
    mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/overview": () => json(overview),
      "GET /api/v1/app/test-runs": () => json({ items: [], total: 0, offset: 0, limit: 200 }),
    });
    const { router } = renderApp("/");
    await screen.findByRole("heading", { name: "Keypoint Detection" });
    await userEvent.keyboard("?");
    const dialog = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    expect(within(dialog).getByText("Go to Runs")).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    await userEvent.keyboard("gr");
    await waitFor(() => expect(router.state.location.pathname).toBe("/runs"));
  });

  it("shows the server's message when what a page shows does not exist", async () => {
    mockApi({
      "GET /api/v1/session": () => json(session),
      "GET /api/v1/app/models/99": () => error(404, "not_found", "no model with id 99"),
    });
    renderApp("/models/99");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Not found");
    expect(alert).toHaveTextContent("no model with id 99");
    expect(within(alert).queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });

  it("shows the sign-in page when a session expires on any page, keeping its URL", async () => {
    let expired = false;
    mockApi({
      "GET /api/v1/session": () => (expired ? unauthenticated() : json(session)),
      "GET /api/v1/app/models": () =>
        expired ? unauthenticated() : json({ items: [], total: 0, offset: 0, limit: 200 }),
    });
    const { router, queryClient } = renderApp("/models?search=x");
    expect(await screen.findByRole("heading", { name: "Models" })).toBeInTheDocument();
    expired = true;
    await queryClient.refetchQueries();
    expect(await screen.findByRole("heading", { name: "Sign in to Assay" })).toBeInTheDocument();
    expect(router.state.location.pathname + router.state.location.search).toBe("/models?search=x");
  });

  it("shows a page that does not exist as such", async () => {
    mockApi({ "GET /api/v1/session": () => json(session) });
    renderApp("/nowhere");
    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeInTheDocument();
  });
});
