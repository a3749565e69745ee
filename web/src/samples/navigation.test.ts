import { describe, expect, it } from "vitest";

import { neighbourWindow, neighboursIn, stepContextOf } from "./navigation";
import type { SampleItem } from "./types";

const item = (id: number): SampleItem => ({
  id,
  key: `k${id}`,
  locator: null,
  thumbnail: null,
  data_type: null,
  data: {},
  metadata: {},
  ground_truth: null,
  inferences: {},
  metrics: {},
});

describe("stepping through a list", () => {
  it("asks for the item before, the item and the one after", () => {
    expect(neighbourWindow(0)).toEqual({ offset: 0, limit: 2 });
    expect(neighbourWindow(7)).toEqual({ offset: 6, limit: 3 });
  });

  it("finds the neighbours in that window, none past the ends", () => {
    expect(neighboursIn([item(1), item(2), item(3)], 7, 100)).toEqual({ previous: item(1), next: item(3), total: 100 });
    expect(neighboursIn([item(1), item(2)], 0, 100)).toEqual({ previous: null, next: item(2), total: 100 });
    expect(neighboursIn([item(1), item(2)], 9, 10)).toEqual({ previous: item(1), next: null, total: 10 });
  });

  it("reads the Studio's query from the URL, without models", () => {
    const search = new URLSearchParams("suite=7&case=3&models=1,2&configuration=t-0.05&q=meta.pose:in:frontal&sort=-metric.nme@2&i=4");
    const context = stepContextOf(search, 7);
    expect(context).toEqual({
      kind: "query",
      query: expect.objectContaining({
        test_suite_id: 7,
        test_case_id: 3,
        configuration: "t-0.05",
        model_ids: [],
        predicates: [{ field: "meta.pose", op: "in", values: ["frontal"] }],
        sort: expect.objectContaining({ field: "metric.nme", model_id: 2, descending: true }),
      }),
    });
  });

  it("reads a query written as JSON", () => {
    const q = JSON.stringify({ predicates: [{ field: "meta.blur", op: "range", min: 0.5 }] });
    const context = stepContextOf(new URLSearchParams({ suite: "7", q, i: "0" }), 7);
    expect(context).toEqual({
      kind: "query",
      query: { test_suite_id: 7, model_ids: [], predicates: [{ field: "meta.blur", op: "range", min: 0.5 }] },
    });
  });

  it("reads a results delta", () => {
    const context = stepContextOf(new URLSearchParams("suite=7&case=3&delta=2,1,,mean_nme&i=2"), 7);
    expect(context).toEqual({
      kind: "delta",
      delta: { suite: 7, testCase: 3, modelId: 2, baselineId: 1, metric: "mean_nme", configuration: null },
    });
  });

  it("has nothing to step through without a position", () => {
    expect(stepContextOf(new URLSearchParams("suite=7&q=meta.pose:in:frontal"), 7)).toBeNull();
  });
});
