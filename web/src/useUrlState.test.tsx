import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";

import {
  urlBoolean,
  urlIntList,
  urlNumber,
  urlOptionalInt,
  urlSorting,
  urlString,
  useUrlState,
  useUrlUpdate,
} from "./useUrlState";

describe("codecs", () => {
  it("leave defaults out of the URL", () => {
    expect(urlString("").format("")).toEqual([]);
    expect(urlNumber(0.05).format(0.05)).toEqual([]);
    expect(urlBoolean(false).format(false)).toEqual([]);
    expect(urlBoolean(false).format(true)).toEqual(["1"]);
  });

  it("read malformed values as the default", () => {
    expect(urlNumber(0.05).parse(["abc"])).toBe(0.05);
    expect(urlOptionalInt.parse(["1.5"])).toBeNull();
    expect(urlIntList.parse(["1,x,3"])).toEqual([1, 3]);
  });

  it("read lists repeated or comma-separated", () => {
    expect(urlIntList.parse(["1", "2,3"])).toEqual([1, 2, 3]);
    expect(urlIntList.format([4, 5])).toEqual(["4,5"]);
  });

  it("write a sort as a column with a minus for descending", () => {
    expect(urlSorting.format([{ id: "n_samples", desc: true }])).toEqual(["-n_samples"]);
    expect(urlSorting.parse(["name"])).toEqual([{ id: "name", desc: false }]);
    expect(urlSorting.parse([])).toEqual([]);
  });
});

function harness(url: string) {
  let router: ReturnType<typeof createMemoryRouter> | undefined;
  const wrapper = ({ children }: { children: ReactNode }) => {
    router ??= createMemoryRouter([{ path: "*", element: children }], { initialEntries: [url] });
    return <RouterProvider router={router} />;
  };
  return { wrapper, router: () => router as ReturnType<typeof createMemoryRouter> };
}

describe("useUrlState", () => {
  it("reads a param and writes it back, keeping the others", () => {
    const { wrapper, router } = harness("/x?models=1,2&alpha=0.1");
    const { result } = renderHook(() => useUrlState("models", urlIntList), { wrapper });
    expect(result.current[0]).toEqual([1, 2]);
    act(() => result.current[1]((models) => [...models, 3]));
    expect(result.current[0]).toEqual([1, 2, 3]);
    expect(router().state.location.search).toBe("?models=1%2C2%2C3&alpha=0.1");
  });

  it("keeps a list's identity while its param is unchanged", () => {
    const { wrapper } = harness("/x?models=1,2");
    const { result, rerender } = renderHook(() => useUrlState("models", urlIntList), { wrapper });
    const first = result.current[0];
    rerender();
    expect(result.current[0]).toBe(first);
  });

  it("pushes a history entry unless asked to replace", () => {
    const { wrapper, router } = harness("/x");
    const { result } = renderHook(() => useUrlState("search", urlString("")), { wrapper });
    act(() => result.current[1]("a"));
    act(() => result.current[1]("ab", { replace: true }));
    expect(router().state.location.search).toBe("?search=ab");
    act(() => void router().navigate(-1));
    expect(router().state.location.search).toBe("");
  });

  it("useUrlUpdate sets and removes several params at once", () => {
    const { wrapper, router } = harness("/x?a=1&b=2");
    const { result } = renderHook(() => useUrlUpdate(), { wrapper });
    act(() => result.current({ a: null, c: [1, 2], d: true }));
    expect(router().state.location.search).toBe("?b=2&c=1&c=2&d=true");
  });
});
