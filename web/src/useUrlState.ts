// Page state in the URL's search params, so a URL reopened in a fresh browser shows the same page. A value
// equal to its default is left out of the URL, which keeps links short and canonical.
import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

/** How one search param maps to a value. */
export interface UrlCodec<T> {
  /** The value from every occurrence of the param (empty when absent). */
  parse(values: string[]): T;
  /** The param's occurrences for a value; an empty list removes it. */
  format(value: T): string[];
}

export interface UrlSetOptions {
  /** Replace the history entry instead of pushing one (typing in a search box, for one). */
  replace?: boolean;
}

export const urlString = (fallback = ""): UrlCodec<string> => ({
  parse: (values) => values[0] ?? fallback,
  format: (value) => (value === fallback ? [] : [value]),
});

export const urlOptionalString: UrlCodec<string | null> = {
  parse: (values) => values[0] ?? null,
  format: (value) => (value === null ? [] : [value]),
};

export const urlNumber = (fallback: number): UrlCodec<number> => ({
  parse: (values) => {
    const number = values[0] === undefined || values[0] === "" ? Number.NaN : Number(values[0]);
    return Number.isFinite(number) ? number : fallback;
  },
  format: (value) => (value === fallback ? [] : [String(value)]),
});

export const urlOptionalInt: UrlCodec<number | null> = {
  parse: (values) => {
    const number = values[0] === undefined || values[0] === "" ? Number.NaN : Number(values[0]);
    return Number.isInteger(number) ? number : null;
  },
  format: (value) => (value === null ? [] : [String(value)]),
};

export const urlBoolean = (fallback = false): UrlCodec<boolean> => ({
  parse: (values) => (values[0] === undefined ? fallback : values[0] === "1" || values[0] === "true"),
  format: (value) => (value === fallback ? [] : [value ? "1" : "0"]),
});

/** A list as repeated params (?models=1&models=2) or, read back, also comma-separated (?models=1,2). */
export const urlList: UrlCodec<string[]> = {
  parse: (values) => values.flatMap((value) => value.split(",")).filter((value) => value !== ""),
  format: (value) => (value.length ? [value.join(",")] : []),
};

export const urlIntList: UrlCodec<number[]> = {
  parse: (values) => urlList.parse(values).map(Number).filter(Number.isInteger),
  format: (value) => urlList.format(value.map(String)),
};

export type UrlUpdates = Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>;

function write(params: URLSearchParams, key: string, values: readonly string[]): void {
  // set() keeps a single param where it was, so URLs do not reshuffle as state changes.
  if (values.length === 1) {
    params.set(key, values[0]);
    return;
  }
  params.delete(key);
  for (const value of values) params.append(key, value);
}

/** Sets several params at once in one history entry; null/undefined/empty list removes a param. */
export function useUrlUpdate(): (updates: UrlUpdates, options?: UrlSetOptions) => void {
  const [, setSearchParams] = useSearchParams();
  return useCallback(
    (updates, options) => {
      setSearchParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(updates)) {
            if (value === null || value === undefined) next.delete(key);
            else if (Array.isArray(value)) write(next, key, value.map(String));
            else write(next, key, [String(value)]);
          }
          return next;
        },
        { replace: options?.replace ?? false },
      );
    },
    [setSearchParams],
  );
}

/** One search param as typed state: `[value, setValue]`, like useState but kept in the URL. */
export function useUrlState<T>(
  key: string,
  codec: UrlCodec<T>,
): [T, (next: T | ((previous: T) => T), options?: UrlSetOptions) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const raw = searchParams.getAll(key);
  const serialized = raw.join("\u0000");
  // The value is re-parsed only when the param changes, so lists and objects keep their identity.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const value = useMemo(() => codec.parse(raw), [serialized]);
  const setValue = useCallback(
    (next: T | ((previous: T) => T), options?: UrlSetOptions) => {
      setSearchParams(
        (previous) => {
          const params = new URLSearchParams(previous);
          const current = codec.parse(params.getAll(key));
          const resolved = typeof next === "function" ? (next as (previous: T) => T)(current) : next;
          write(params, key, codec.format(resolved));
          return params;
        },
        { replace: options?.replace ?? false },
      );
    },
    [codec, key, setSearchParams],
  );
  return [value, setValue];
}

/** A table's sort in the URL as ?sort=column or ?sort=-column (descending); one column at a time. */
export const urlSorting: UrlCodec<{ id: string; desc: boolean }[]> = {
  parse: (values) => {
    const raw = values[0];
    if (!raw) return [];
    return raw.startsWith("-") ? [{ id: raw.slice(1), desc: true }] : [{ id: raw, desc: false }];
  },
  format: (value) => (value.length ? [`${value[0].desc ? "-" : ""}${value[0].id}`] : []),
};
