// The API client: openapi-fetch over the types generated from the server's OpenAPI document (schema.ts, made
// by `npm run gen:api`), with the three things every call needs: the CSRF header, wire floats, and 401s.
import createClient, { type Client, type Middleware } from "openapi-fetch";

import { authStore } from "./auth";
import { errorFromResponse } from "./errors";
import type { paths } from "./schema";
import { parseWireJson } from "./wire";

export type ApiClient = Client<paths>;

/** The non-HttpOnly cookie holding the session's CSRF token, which mutations echo in a header. */
export const CSRF_COOKIE = "assay_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function readCookie(name: string, cookies: string = typeof document === "undefined" ? "" : document.cookie) {
  for (const part of cookies.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/** Adds the CSRF token to unsafe methods: the server refuses cookie-authenticated mutations without it. */
export const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
    const token = readCookie(CSRF_COOKIE);
    if (token) request.headers.set(CSRF_HEADER, token);
    return request;
  },
};

/** Turns a 401 into an UnauthenticatedError and tells the app it is signed out. */
export const authMiddleware: Middleware = {
  async onResponse({ response }) {
    if (response.status !== 401) return undefined;
    const text = await response.clone().text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's page): the text is the message.
    }
    authStore.signedOut();
    throw errorFromResponse(401, body);
  },
};

/** A response whose json() gives the body with wire floats decoded. */
class WireResponse extends Response {
  readonly #text: string;
  readonly #value: unknown;

  constructor(text: string, value: unknown, source: Response) {
    const headers = new Headers(source.headers);
    // openapi-fetch calls json() only when a Content-Length is present (else it parses text() itself, which
    // would lose the decoding). The body is kept as the string rather than re-encoded into a new stream: for
    // a results page of several MB, encoding it twice cost more than parsing it.
    if (!headers.get("Content-Length")) headers.set("Content-Length", String(text.length));
    super(null, { status: source.status, statusText: source.statusText, headers });
    this.#text = text;
    this.#value = value;
  }

  override async json(): Promise<unknown> {
    return this.#value;
  }

  override async text(): Promise<string> {
    return this.#text;
  }
}

function isJson(response: Response): boolean {
  const type = response.headers.get("Content-Type") ?? "";
  return type.includes("application/json") || type.includes("+json");
}

/** Decodes {"$assay:float": ...} tags in every JSON body (see wire.ts). */
export const wireFloatsMiddleware: Middleware = {
  async onResponse({ response }) {
    if (!response.ok || response.status === 204 || !isJson(response)) return undefined;
    const text = await response.text();
    if (!text) return new Response(null, { status: 204, headers: response.headers });
    return new WireResponse(text, parseWireJson(text), response);
  },
};

export interface ClientOptions {
  baseUrl?: string;
  fetch?: (input: Request) => Promise<Response>;
}

export function createApiClient(options: ClientOptions = {}): ApiClient {
  const client = createClient<paths>({
    // Absolute, since Request needs one outside a browser (tests); the same origin that served the app.
    baseUrl: options.baseUrl ?? (typeof location === "undefined" ? "" : location.origin),
    credentials: "same-origin",
    // Looked up per call rather than captured once, so a fetch installed later (tests, polyfills) is used.
    fetch: (request: Request) => (options.fetch ?? globalThis.fetch)(request),
  });
  // onResponse runs last-registered first: floats are decoded before the 401 check, which reads errors only.
  client.use(csrfMiddleware, authMiddleware, wireFloatsMiddleware);
  return client;
}

/** The app's client (same origin: the server serves both the app and /api/v1). */
export const api: ApiClient = createApiClient();

/** What openapi-fetch resolves to: the body typed by the schema on success, the error body otherwise. */
type FetchResult = { data?: unknown; error?: unknown; response: Response };

/** The success branch's body type of a call's result (the schema's record for its 2xx response). */
export type SuccessData<R> = R extends { data: infer T; error?: never } ? T : never;

/** The typed data of a call, or a thrown ApiError; what TanStack Query's queryFn wants. */
export async function unwrap<R extends FetchResult>(call: Promise<R>): Promise<SuccessData<R>> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw errorFromResponse(response.status, error);
  if (response.status < 300) authStore.signedIn();
  // openapi-fetch's union says so already: no error, so `data` is the success branch's body.
  return data as SuccessData<R>;
}
