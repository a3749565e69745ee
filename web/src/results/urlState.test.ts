import { describe, expect, it } from "vitest";

import { DEFAULT_ALPHA, type ResultsUrlState, parseResultsState, writeResultsState } from "./urlState";

const full: ResultsUrlState = {
  suite: 7,
  models: [3, 1, 2],
  baseline: 1,
  evaluator: null,
  configurations: ["t-0.05", null],
  sort: { configuration: null, metric: "mean_nme", modelId: 3, by: "significance", descending: true },
  onlySignificant: true,
  commonSamples: true,
  alpha: 0.01,
  directions: { flip: ["mean_nme"], set: { "ap:50": false } },
  open: [11, 12],
  plots: 12,
};

describe("results URL state", () => {
  it("round-trips every field", () => {
    expect(parseResultsState(writeResultsState(full))).toEqual(full);
  });

  it("reads an empty URL as the defaults", () => {
    expect(parseResultsState(new URLSearchParams())).toEqual({
      suite: null,
      models: null,
      baseline: null,
      evaluator: undefined,
      configurations: null,
      sort: null,
      onlySignificant: false,
      commonSamples: false,
      alpha: DEFAULT_ALPHA,
      directions: { flip: [], set: {} },
      open: [],
      plots: null,
    });
  });

  it("writes the defaults as nothing", () => {
    expect(writeResultsState(parseResultsState(new URLSearchParams())).toString()).toBe("");
  });

  it("reads the forms a person types", () => {
    const state = parseResultsState(new URLSearchParams("suite=4&models=1,2,3&baseline=2&flip=mean_nme&only_significant=1"));
    expect(state).toMatchObject({ suite: 4, models: [1, 2, 3], baseline: 2, onlySignificant: true, directions: { flip: ["mean_nme"], set: {} } });
  });

  it("reads the empty evaluator and configuration as the unnamed ones", () => {
    const state = parseResultsState(new URLSearchParams("evaluator=&config=&config=x"));
    expect(state.evaluator).toBeNull();
    expect(state.configurations).toEqual([null, "x"]);
  });

  it("ignores what is malformed", () => {
    const state = parseResultsState(new URLSearchParams("suite=x&models=a,,2,2&alpha=7&sort_metric=m&sort_by=bogus&sort_model=2&dir=ap:maybe&dir=:higher"));
    expect(state.suite).toBeNull();
    expect(state.models).toEqual([2]);
    expect(state.alpha).toBe(DEFAULT_ALPHA);
    expect(state.sort).toMatchObject({ metric: "m", modelId: 2, by: "value", configuration: null });
    expect(state.directions.set).toEqual({});
  });
});
