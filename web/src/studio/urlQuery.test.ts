import { describe, expect, it } from "vitest";

import type { Difference, Predicate, SortKey } from "./types";
import {
  type StudioState,
  EMPTY_STATE,
  decodeDelta,
  decodeDifference,
  decodePredicate,
  decodeSort,
  deltaUrl,
  encodeDelta,
  encodeDifference,
  encodePredicate,
  encodeSort,
  parseStudioState,
  sampleQueryOf,
  sampleUrl,
  studioUrl,
  writeStudioState,
} from "./urlQuery";

// -- a small seeded generator: the round trip is checked over many random states, the same ones every run ----
function generator(seed: number) {
  let seedState = seed >>> 0;
  const next = () => {
    // mulberry32
    seedState = (seedState + 0x6d2b79f5) >>> 0;
    let t = seedState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)];
  // Names and values with every character the grammar uses, plus spaces, unicode and percent signs.
  const ALPHABET = ["a", "b", "z", ".", "_", " ", ":", ",", "@", "~", "#", "%", "%2C", "-", "..", "é", "漢", "/", "&", "=", "+", "?"];
  const text = (min = 0) => Array.from({ length: min + int(8) }, () => pick(ALPHABET)).join("");
  const number = () => pick([0, 1, -1, 0.5, -2.25, 1e-7, 12345.678, 3e21, -0.001, int(1000) / 7]);
  const maybe = <T,>(make: () => T): T | undefined => (next() < 0.5 ? make() : undefined);
  const omitUndefined = <T extends object>(value: T): T =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

  const predicate = (): Predicate => {
    const op = pick(["range", "in", "contains", "null", "not_null"] as const);
    const base = omitUndefined({ field: text(1), op, model_id: maybe(() => int(50)), configuration: maybe(() => text()) });
    if (op === "range") return omitUndefined({ ...base, min: maybe(number), max: maybe(number) });
    if (op === "in") return { ...base, values: Array.from({ length: int(4) }, () => pick<string | number | boolean>([text(), number(), true, false])) };
    if (op === "contains") return { ...base, text: text() };
    return base;
  };
  const difference = (): Difference =>
    omitUndefined({
      field: text(1),
      model_id: int(20),
      minus_model_id: int(20),
      configuration: maybe(() => text()),
      min: maybe(number),
      max: maybe(number),
    });
  const sort = (): SortKey =>
    omitUndefined({ field: pick(["-", "--x", ""]) + text(1), model_id: maybe(() => int(9)), configuration: maybe(() => text()), descending: next() < 0.5 });
  const state = (): StudioState => {
    const delta = next() < 0.3;
    return {
      suite: maybe(() => int(1000)) ?? null,
      testCase: maybe(() => int(1000)) ?? null,
      models: maybe(() => [...new Set(Array.from({ length: 1 + int(4) }, () => int(30)))]) ?? null,
      configuration: maybe(() => text()) ?? null,
      metric: maybe(() => text(1)) ?? null,
      predicates: Array.from({ length: int(4) }, predicate),
      differences: Array.from({ length: int(3) }, difference),
      sort: maybe(sort) ?? null,
      delta: delta
        ? omitUndefined({
            modelId: int(9),
            baselineId: int(9),
            configuration: maybe(() => text(1)) ?? null,
            metric: text(1),
            evaluator: pick([undefined, null, "keypoints", "a,b:c"]),
          })
        : null,
    };
  };
  return { predicate, difference, sort, state };
}

describe("the Studio's URL", () => {
  it("reads back every state it writes, through a real URL string (400 random states)", () => {
    const gen = generator(7);
    for (let i = 0; i < 400; i++) {
      const state = gen.state();
      const url = `/studio?${writeStudioState(state).toString()}`;
      const back = parseStudioState(new URL(url, "http://x").searchParams);
      expect(back).toEqual(state);
    }
  });

  it("round-trips predicates, differences and sorts one by one", () => {
    const gen = generator(11);
    for (let i = 0; i < 300; i++) {
      const p = gen.predicate();
      expect(decodePredicate(encodePredicate(p))).toEqual(p);
      const d = gen.difference();
      expect(decodeDifference(encodeDifference(d))).toEqual(d);
      const s = gen.sort();
      expect(decodeSort(encodeSort(s))).toEqual(s);
    }
  });

  it("writes compact, readable parameters", () => {
    expect(encodePredicate({ field: "meta.pose", op: "in", values: ["frontal", "profile"] })).toBe("meta.pose:in:frontal,profile");
    expect(encodePredicate({ field: "metric.nme", op: "range", model_id: 2, min: 0.02 })).toBe("metric.nme@2:range:0.02..");
    expect(encodePredicate({ field: "meta.blurred", op: "in", values: [true] })).toBe("meta.blurred:in:#true");
    expect(encodePredicate({ field: "meta.name", op: "contains", text: "a:b" })).toBe("meta.name:contains:a%3Ab");
    expect(encodePredicate({ field: "gt.box", op: "null" })).toBe("gt.box:null");
    expect(encodeDifference({ field: "metric.nme", model_id: 2, minus_model_id: 1, min: 0.02 })).toBe("metric.nme@2-1:0.02..");
    expect(encodeSort({ field: "metric.nme", model_id: 2, descending: true })).toBe("-metric.nme@2");
    expect(encodeDelta({ modelId: 3, baselineId: 1, configuration: null, metric: "mean_nme" })).toBe("3,1,,mean_nme");
    expect(studioUrl({ suite: 7, testCase: 12, models: [1, 2], predicates: [{ field: "meta.pose", op: "in", values: ["profile"] }] })).toBe(
      "/studio?suite=7&case=12&models=1%2C2&q=meta.pose%3Ain%3Aprofile",
    );
  });

  it("reads a text value that looks typed as text, and a typed one as its type", () => {
    expect(decodePredicate(encodePredicate({ field: "f", op: "in", values: ["#true", "3", true, 3] }))?.values).toEqual(["#true", "3", true, 3]);
  });

  it("drops malformed parameters rather than failing", () => {
    const params = new URLSearchParams(
      "suite=x&case=1.5&models=a,,3&q=meta.pose:between:1&q=:in:a&q=meta.x:range:a..b&q=meta.y:null:extra&q=meta.ok:not_null&d=metric.nme@2:0..1&d=metric.nme@2-1:0..&sort=&delta=1,2,c",
    );
    const state = parseStudioState(params);
    expect(state.suite).toBeNull();
    expect(state.testCase).toBeNull();
    expect(state.models).toEqual([3]);
    expect(state.predicates).toEqual([{ field: "meta.ok", op: "not_null" }]);
    expect(state.differences).toEqual([{ field: "metric.nme", model_id: 2, minus_model_id: 1, min: 0 }]);
    expect(state.sort).toBeNull();
    expect(state.delta).toBeNull();
  });

  it("tells the unnamed configuration (present, empty) from the default one (absent)", () => {
    expect(parseStudioState(new URLSearchParams("suite=1")).configuration).toBeNull();
    expect(parseStudioState(new URLSearchParams("suite=1&configuration=")).configuration).toBe("");
    expect(decodeDelta("3,1,,m")?.configuration).toBeNull();
    expect(decodeDelta("3,1,t-0.05,m")?.configuration).toBe("t-0.05");
    expect(parseStudioState(new URLSearchParams("suite=1&case=2&delta=3,1,,m&evaluator=")).delta?.evaluator).toBeNull();
    expect(parseStudioState(new URLSearchParams("suite=1&case=2&delta=3,1,,m")).delta).not.toHaveProperty("evaluator");
  });

  it("gives delta mode's URL for a results cell", () => {
    expect(deltaUrl(7, 12, { modelId: 3, baselineId: 1, configuration: "t-0.05", metric: "mean_nme", evaluator: "keypoints" })).toBe(
      "/studio?suite=7&case=12&delta=3%2C1%2Ct-0.05%2Cmean_nme&evaluator=keypoints",
    );
  });
});

describe("the query a state asks for", () => {
  const state: StudioState = {
    ...EMPTY_STATE,
    suite: 7,
    testCase: 12,
    configuration: "t-0.1",
    predicates: [
      { field: "meta.pose", op: "in", values: ["profile"] },
      { field: "metric.nme", op: "range", model_id: 2, min: 0.02 },
      { field: "metric.nme", op: "range", model_id: 1, configuration: "t-0.05", max: 0.5 },
    ],
    differences: [{ field: "metric.nme", model_id: 2, minus_model_id: 1, min: 0.01 }],
    sort: { field: "metric.nme", model_id: 2, descending: true },
  };

  it("scopes per-model conditions to the page's configuration unless they name theirs", () => {
    const query = sampleQueryOf(state, 7, [1, 2]);
    expect(query).toEqual({
      test_suite_id: 7,
      test_case_id: 12,
      configuration: "t-0.1",
      model_ids: [1, 2],
      predicates: [
        { field: "meta.pose", op: "in", values: ["profile"] },
        { field: "metric.nme", op: "range", model_id: 2, min: 0.02, configuration: "t-0.1" },
        { field: "metric.nme", op: "range", model_id: 1, configuration: "t-0.05", max: 0.5 },
      ],
      differences: [{ field: "metric.nme", model_id: 2, minus_model_id: 1, min: 0.01, configuration: "t-0.1" }],
      sort: { field: "metric.nme", model_id: 2, descending: true, configuration: "t-0.1" },
    });
  });

  it("leaves the configuration to the server when the page has none", () => {
    const query = sampleQueryOf({ ...state, configuration: null, testCase: null }, 7, []);
    expect(query).not.toHaveProperty("configuration");
    expect(query).not.toHaveProperty("test_case_id");
    expect(query.predicates?.[1]).toEqual({ field: "metric.nme", op: "range", model_id: 2, min: 0.02 });
  });

  it("opens a sample with the query it came from and its position", () => {
    const url = new URL(sampleUrl(42, state, [1, 2], 17), "http://x");
    expect(url.pathname).toBe("/samples/42");
    expect(url.searchParams.get("suite")).toBe("7");
    expect(url.searchParams.get("models")).toBe("1,2");
    expect(url.searchParams.get("i")).toBe("17");
    expect(parseStudioState(url.searchParams).predicates).toEqual(state.predicates);
  });

  it("opens a sample from delta mode with the delta, so that stepping follows its ranking", () => {
    const delta = { modelId: 2, baselineId: 1, configuration: "c", metric: "mean_nme" };
    const url = new URL(sampleUrl(42, { ...state, testCase: 12, delta }, [1, 2], 3), "http://x");
    const reopened = parseStudioState(url.searchParams);
    expect(reopened.delta).toMatchObject(delta);
    expect(reopened.testCase).toBe(12);
  });
});
