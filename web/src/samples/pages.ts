// The gallery's pages of samples: fetched with TanStack Query, keyed by (source key, page size, page), only
// for the rows drawn, and only once the view has settled (a fling through a million samples asks for the
// pages it stops on, not for every page it passes). Pages no longer drawn stay cached up to a bound, oldest
// dropped first, so memory does not grow with the distance scrolled.
import { type QueryClient, queryOptions, useQueries, useQueryClient } from "@tanstack/react-query";
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";

import type { GalleryItem, GalleryPage, GallerySource } from "./types";

/** Samples per request. */
export const PAGE_SIZE = 100;
/** Pages kept in the cache per source beyond those drawn. */
export const MAX_CACHED_PAGES = 30;
/** How long the drawn pages must stay the same before they are asked for, while the view moves. */
export const SETTLE_MS = 120;
/** ...but at most this long: a slow, steady scroll still loads what it shows. */
export const MAX_SETTLE_MS = 400;

/** The most samples a shift-click range takes (beyond, "select all" with exceptions is the way). */
export const MAX_RANGE = 20_000;

const ROOT = "gallery-page";

export function pageKey(source: GallerySource, pageSize: number, page: number) {
  return [ROOT, source.key, pageSize, page] as const;
}

export function pageQuery(source: GallerySource, pageSize: number, page: number) {
  return queryOptions({
    queryKey: pageKey(source, pageSize, page),
    queryFn: ({ signal }): Promise<GalleryPage> => source.fetchPage(page * pageSize, pageSize, signal),
    staleTime: 5 * 60_000,
    gcTime: 60_000,
  });
}

/**
 * Drops the oldest pages of a source that nothing draws, so that at most `max` of its pages stay cached
 * (drawn pages are never dropped).
 */
export function evictPages(client: QueryClient, sourceKey: readonly unknown[], max: number): number {
  const cache = client.getQueryCache();
  const queries = cache.findAll({ queryKey: [ROOT, sourceKey] });
  if (queries.length <= max) return 0;
  const idle = queries
    .filter((query) => query.getObserversCount() === 0)
    .sort((a, b) => a.state.dataUpdatedAt - b.state.dataUpdatedAt);
  const drop = idle.slice(0, queries.length - max);
  for (const query of drop) cache.remove(query);
  return drop.length;
}

/** `value` once it has stayed the same (by `key`) for `settleMs`, or at most `maxMs` after it first changed. */
export function useSettled<T>(value: T, key: string, settleMs: number, maxMs: number): T {
  const [settled, setSettled] = useState<{ key: string; value: T }>({ key, value });
  const latest = useRef(value);
  latest.current = value;
  const pendingSince = useRef<number | null>(null);
  useEffect(() => {
    if (key === settled.key) {
      pendingSince.current = null;
      return;
    }
    const now = performance.now();
    pendingSince.current ??= now;
    const wait = Math.max(0, Math.min(settleMs, pendingSince.current + maxMs - now));
    const timer = setTimeout(() => {
      pendingSince.current = null;
      setSettled({ key, value: latest.current });
    }, wait);
    return () => clearTimeout(timer);
  }, [key, settled.key, settleMs, maxMs]);
  return settled.value;
}

export interface GalleryPages {
  /** The sample at an index, when its page is loaded. */
  itemAt: (index: number) => GalleryItem | undefined;
  /** The first failed page's error, if any. */
  error: Error | null;
  retry: () => void;
  /** Loads the pages holding `[from, to]` (shift-click ranges) and gives their ids; see MAX_RANGE. */
  idsBetween: (from: number, to: number) => Promise<number[]>;
}

/** The pages of `source` that hold the samples `[start, end)`, fetched once the view settles. */
export function useGalleryPages(source: GallerySource, start: number, end: number, pageSize = PAGE_SIZE): GalleryPages {
  const client = useQueryClient();
  const first = Math.floor(start / pageSize);
  const last = end > start ? Math.floor((end - 1) / pageSize) : first - 1;
  const wantedKey = `${first}:${last}`;
  const wanted = useMemo(() => {
    const pages: number[] = [];
    for (let page = Math.max(first, 0); page <= last; page += 1) pages.push(page);
    return pages;
  }, [first, last]);
  // Pages already cached are shown at once without waiting; only requests wait for the view to settle.
  const settled = useSettled(wanted, wantedKey, SETTLE_MS, MAX_SETTLE_MS);
  // The same array while the pages do not change: useQueries then does not hash every page's key again.
  const queries = useMemo(() => settled.map((page) => pageQuery(source, pageSize, page)), [settled, source, pageSize]);
  const results = useQueries({ queries });
  const version = results.map((result) => result.dataUpdatedAt).join(",");
  const failed = results.find((result) => result.isError);

  useEffect(() => {
    evictPages(client, source.key, MAX_CACHED_PAGES + settled.length);
  }, [client, source.key, settled.length, version]);

  // A page's arrival fills up to a screen of cells at once: rendered as a transition, in slices React can
  // interrupt for the next scroll, rather than as one long task.
  const shownVersion = useDeferredValue(version);
  const itemAt = useMemo(() => {
    // Each page looked up in the cache once (a lookup hashes the key, which holds the source's whole query),
    // not once per cell; the version changes when a page arrives, which makes a new lookup.
    const found = new Map<number, GalleryPage | undefined>();
    void shownVersion;
    return (index: number) => {
      const page = Math.floor(index / pageSize);
      if (!found.has(page)) found.set(page, client.getQueryData<GalleryPage>(pageKey(source, pageSize, page)));
      return found.get(page)?.items[index % pageSize];
    };
  }, [client, source, pageSize, shownVersion]);

  const idsBetween = useCallback(
    async (from: number, to: number) => {
      if (to - from + 1 > MAX_RANGE) {
        throw new RangeError(`A range holds at most ${MAX_RANGE.toLocaleString("en-US")} samples; select all and untick the rest.`);
      }
      const pages: number[] = [];
      for (let page = Math.floor(from / pageSize); page <= Math.floor(to / pageSize); page += 1) pages.push(page);
      const loaded = await Promise.all(pages.map((page) => client.ensureQueryData(pageQuery(source, pageSize, page))));
      const ids: number[] = [];
      loaded.forEach((page, position) => {
        const offset = pages[position] * pageSize;
        page.items.forEach((item, i) => {
          if (offset + i >= from && offset + i <= to) ids.push(item.id);
        });
      });
      return ids;
    },
    [client, source, pageSize],
  );

  const refetch = failed?.refetch;
  const retry = useCallback(() => void refetch?.(), [refetch]);
  return { itemAt, error: failed?.error ?? null, retry, idsBetween };
}
