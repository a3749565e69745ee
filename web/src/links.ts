// The app's URLs in one place, so every page links to the same shape (the results page reads these params:
// see results/urlState.ts).

export function suiteUrl(name: string, version?: number | null): string {
  const path = `/test-suites/${encodeURIComponent(name)}`;
  return version === null || version === undefined ? path : `${path}?version=${version}`;
}

export function suiteDiffUrl(name: string, base: number, head: number): string {
  return `/test-suites/${encodeURIComponent(name)}/diff?base=${base}&head=${head}`;
}

/** The results of a suite version; `models` empty means every model with a run on it. */
export function resultsUrl(suiteId: number, options: { models?: readonly number[]; baseline?: number } = {}): string {
  const params = new URLSearchParams({ suite: String(suiteId) });
  if (options.models && options.models.length > 0) params.set("models", options.models.join(","));
  if (options.baseline !== undefined) params.set("baseline", String(options.baseline));
  return `/results?${params.toString()}`;
}

export function modelUrl(id: number): string {
  return `/models/${id}`;
}

export function runsUrl(filters: { model?: number; suite?: string; status?: string } = {}): string {
  const params = new URLSearchParams();
  if (filters.model !== undefined) params.set("model", String(filters.model));
  if (filters.suite !== undefined) params.set("suite", filters.suite);
  if (filters.status !== undefined) params.set("status", filters.status);
  const query = params.toString();
  return query ? `/runs?${query}` : "/runs";
}
