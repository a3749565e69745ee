import { describe, expect, it } from "vitest";

import { OPTIONS } from "./fixture";
import { resolveSelection } from "./selection";
import { parseResultsState } from "./urlState";

const select = (query: string) => resolveSelection(parseResultsState(new URLSearchParams(query)), OPTIONS);

describe("resolveSelection", () => {
  it("defaults to the first evaluator, every model with a run, the first as baseline, all configurations", () => {
    const s = select("")!;
    expect(s.evaluator).toBe("keypoints");
    expect(s.models.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(s.baselineId).toBe(1);
    expect(s.configurations).toEqual(["t-0.05", null]);
    expect(s.allConfigurations).toBe(true);
  });

  it("keeps the URL's models in its order and its baseline", () => {
    const s = select("models=3,2&baseline=2")!;
    expect(s.models.map((m) => m.id)).toEqual([3, 2]);
    expect(s.baselineId).toBe(2);
  });

  it("falls back when the URL names what the runs do not have", () => {
    const s = select("models=9,3&baseline=1&config=nope")!;
    expect(s.models.map((m) => m.id)).toEqual([3]);
    expect(s.baselineId).toBe(3);
    expect(s.configurations).toEqual(["t-0.05", null]);
  });

  it("picks configurations, in the runs' order", () => {
    const s = select("config=&config=t-0.05")!;
    expect(s.configurations).toEqual(["t-0.05", null]);
    const one = select("config=")!;
    expect(one.configurations).toEqual([null]);
    expect(one.allConfigurations).toBe(false);
  });

  it("takes the unnamed evaluator and only its runs", () => {
    const s = select("evaluator=")!;
    expect(s.evaluator).toBeNull();
    expect(s.models.map((m) => m.id)).toEqual([1]);
    expect(s.configurations).toEqual([null]);
  });

  it("has nothing to select without runs", () => {
    expect(resolveSelection(parseResultsState(new URLSearchParams()), { ...OPTIONS, evaluators: [], runs: [] })).toBeNull();
  });
});
