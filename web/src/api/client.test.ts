import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { authStore } from "./auth";
import { createApiClient, CSRF_HEADER, readCookie, unwrap } from "./client";
import { ApiError, UnauthenticatedError } from "./errors";

function respond(body: unknown, status = 200): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

describe("API client middleware", () => {
  let seen: Request[];
  let answer: () => Response;
  const client = () =>
    createApiClient({
      baseUrl: "http://assay.test",
      fetch: async (request) => {
        seen.push(request);
        return answer();
      },
    });

  beforeEach(() => {
    seen = [];
    answer = () => respond({ token_name: "ci", csrf_token: "x", expires: "2030-01-01T00:00:00Z" });
    authStore.reset();
  });

  afterEach(() => {
    document.cookie = "assay_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/";
  });

  it("sends the CSRF cookie's token on unsafe methods", async () => {
    document.cookie = "assay_csrf=tok%2Ben; path=/";
    await client().POST("/api/v1/session", { body: { token: "secret" } });
    await client().DELETE("/api/v1/session");
    expect(seen.map((request) => request.headers.get(CSRF_HEADER))).toEqual(["tok+en", "tok+en"]);
  });

  it("does not send it on safe methods", async () => {
    document.cookie = "assay_csrf=abc; path=/";
    await client().GET("/api/v1/session");
    expect(seen[0].headers.get(CSRF_HEADER)).toBeNull();
  });

  it("sends no header when there is no CSRF cookie", async () => {
    await client().POST("/api/v1/session", { body: { token: "secret" } });
    expect(seen[0].headers.has(CSRF_HEADER)).toBe(false);
  });

  it("uses the session cookie, not a token, to authenticate", async () => {
    await client().GET("/api/v1/session");
    expect(seen[0].credentials).toBe("same-origin");
    expect(seen[0].headers.has("Authorization")).toBe(false);
  });

  it("decodes non-finite floats in JSON bodies", async () => {
    answer = () =>
      respond('{"value": {"$assay:float": "NaN"}, "cells": [{"delta": {"$assay:float": "-Infinity"}}, null]}');
    const { data } = await client().GET("/api/v1/session");
    const body = data as unknown as { value: number; cells: ({ delta: number } | null)[] };
    expect(body.value).toBeNaN();
    expect(body.cells[0]?.delta).toBe(Number.NEGATIVE_INFINITY);
    expect(body.cells[1]).toBeNull();
  });

  it("decodes bodies that carry no Content-Length (chunked)", async () => {
    answer = () => {
      const response = respond('{"x": {"$assay:float": "Infinity"}}');
      response.headers.delete("Content-Length");
      return response;
    };
    const { data } = await client().GET("/api/v1/session");
    expect((data as unknown as { x: number }).x).toBe(Number.POSITIVE_INFINITY);
  });

  it("turns a 401 into an UnauthenticatedError and signs the app out", async () => {
    answer = () => respond({ code: "unauthenticated", message: "no session", details: null }, 401);
    authStore.signedIn();
    const call = client().GET("/api/v1/session");
    await expect(call).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(client().GET("/api/v1/session")).rejects.toThrow("no session");
    expect(authStore.get()).toBe("signed-out");
  });

  it("unwrap throws other errors as ApiError with the server's code and message", async () => {
    answer = () => respond({ code: "not_found", message: "no suite 'x'", details: { name: "x" } }, 404);
    const failure = await unwrap(client().GET("/api/v1/session")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).not.toBeInstanceOf(UnauthenticatedError);
    expect(failure).toMatchObject({ status: 404, code: "not_found", message: "no suite 'x'", details: { name: "x" } });
    expect(authStore.get()).toBe("unknown");
  });

  it("unwrap gives the data and marks the app signed in", async () => {
    const session = await unwrap(client().GET("/api/v1/session"));
    expect(session.token_name).toBe("ci");
    expect(authStore.get()).toBe("signed-in");
  });

  it("reads a cookie among several", () => {
    expect(readCookie("assay_csrf", "a=1; assay_csrf=xyz; b=2")).toBe("xyz");
    expect(readCookie("assay_csrf", "a=1")).toBeUndefined();
  });

  it("leaves 204 responses without a body", async () => {
    answer = () => new Response(null, { status: 204 });
    const result = await client().DELETE("/api/v1/session");
    expect(result.response.status).toBe(204);
    expect(result.data).toBeUndefined();
  });
});

describe("the shared client", () => {
  it("calls the current global fetch, on the page's origin", async () => {
    const { api } = await import("./client");
    const fetchMock = vi.fn(async () => respond({ token_name: "t", csrf_token: "c", expires: "x" }));
    vi.stubGlobal("fetch", fetchMock);
    await api.GET("/api/v1/session");
    const request = fetchMock.mock.calls[0] as unknown as [Request];
    expect(new URL(request[0].url).origin).toBe(location.origin);
    vi.unstubAllGlobals();
  });
});
