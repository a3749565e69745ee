import { describe, expect, it } from "vitest";

import { binLabel, histogramGeometry, meanRange } from "./histogram";
import {
  addPredicate,
  applyBin,
  binPredicate,
  categoryPredicate,
  compactNumber,
  countText,
  describeDifference,
  describePredicate,
  differenceOf,
  filterKindsOf,
  groupFields,
  namesOf,
  nullPredicate,
  parseBound,
  rangePredicate,
  resolveMetric,
  resolveModels,
  suggestName,
  textPredicate,
} from "./predicates";
import type { FieldInfo, Histogram, SampleFields } from "./types";

const yaw: FieldInfo = { name: "meta.yaw", label: "yaw", group: "metadata", kind: "number", per_model: false, min: -90, max: 90 };
const pose: FieldInfo = { name: "meta.pose", label: "pose", group: "metadata", kind: "category", per_model: false, categories: ["frontal", "profile"] };
const blurred: FieldInfo = { name: "meta.blurred", label: "blurred", group: "metadata", kind: "bool", per_model: false };
const name: FieldInfo = { name: "meta.name", label: "name", group: "metadata", kind: "text", per_model: false };
const nme: FieldInfo = { name: "metric.nme", label: "NME", group: "metric", kind: "number", per_model: true, higher_is_better: false };
const failed: FieldInfo = { name: "metric.failed", label: "failed", group: "metric", kind: "bool", per_model: true };
const label: FieldInfo = { name: "inference.label", label: "label", group: "inference", kind: "category", per_model: true };
const boxes: FieldInfo = { name: "gt.boxes.count", label: "boxes", group: "ground_truth", kind: "number", per_model: false };

const FIELDS: SampleFields = {
  suite: { id: 7, name: "faces", version: 2 },
  workflow: "Keypoints",
  data_type: "TEST_SAMPLE/IMAGE",
  n_samples: 300,
  test_cases: [],
  models: [
    { id: 1, name: "A" },
    { id: 2, name: "B" },
  ],
  configurations: [""],
  fields: [nme, yaw, label, pose, boxes, blurred, name, failed],
};
const names = namesOf(FIELDS);

describe("predicates by field kind", () => {
  it("offers the natural filter of each kind first", () => {
    expect(filterKindsOf(yaw)[0]).toBe("range");
    expect(filterKindsOf(pose)[0]).toBe("in");
    expect(filterKindsOf(blurred)[0]).toBe("in");
    expect(filterKindsOf(name)[0]).toBe("contains");
    expect(filterKindsOf(yaw)).toContain("null");
  });

  it("builds numeric ranges with open bounds, and refuses inverted ones and non-numeric fields", () => {
    expect(rangePredicate(yaw, null, -10, 30)).toEqual({ field: "meta.yaw", op: "range", min: -10, max: 30 });
    expect(rangePredicate(yaw, null, null, 30)).toEqual({ field: "meta.yaw", op: "range", max: 30 });
    expect(() => rangePredicate(yaw, null, 30, -10)).toThrow("above the maximum");
    expect(() => rangePredicate(pose, null, 0, 1)).toThrow("not numeric");
  });

  it("needs a model for per-model fields and carries it", () => {
    expect(rangePredicate(nme, 2, 0.02, null)).toEqual({ field: "metric.nme", op: "range", model_id: 2, min: 0.02 });
    expect(() => rangePredicate(nme, null, 0.02, null)).toThrow("pick a model");
    // A model given for a field that is not per model is not sent (the server would refuse it).
    expect(rangePredicate(yaw, 2, 0, 1)).not.toHaveProperty("model_id");
  });

  it("types category values by the field's kind", () => {
    expect(categoryPredicate(pose, null, ["profile", "frontal"])).toEqual({ field: "meta.pose", op: "in", values: ["profile", "frontal"] });
    expect(categoryPredicate(blurred, null, ["true"])).toEqual({ field: "meta.blurred", op: "in", values: [true] });
    expect(categoryPredicate(failed, 1, ["false"])).toEqual({ field: "metric.failed", op: "in", model_id: 1, values: [false] });
    expect(categoryPredicate(label, 2, ["cat"])).toEqual({ field: "inference.label", op: "in", model_id: 2, values: ["cat"] });
    expect(() => categoryPredicate(pose, null, [])).toThrow("at least one");
  });

  it("builds text searches and null tests", () => {
    expect(textPredicate(name, null, "smith")).toEqual({ field: "meta.name", op: "contains", text: "smith" });
    expect(() => textPredicate(name, null, "  ")).toThrow();
    expect(nullPredicate(boxes, null, true)).toEqual({ field: "gt.boxes.count", op: "null" });
    expect(nullPredicate(nme, 1, false)).toEqual({ field: "metric.nme", op: "not_null", model_id: 1 });
  });

  it("builds model-versus-model differences of numeric per-model fields only", () => {
    expect(differenceOf(nme, 2, 1, 0.02, null)).toEqual({ field: "metric.nme", model_id: 2, minus_model_id: 1, min: 0.02 });
    expect(() => differenceOf(yaw, 2, 1, 0, null)).toThrow("per-model");
    expect(() => differenceOf(nme, 2, 2, 0, null)).toThrow("two different");
    expect(() => differenceOf(nme, 2, 1, null, null)).toThrow("minimum or a maximum");
  });

  it("reads bounds typed in a box", () => {
    expect(parseBound("")).toBeNull();
    expect(parseBound(" 0.5 ")).toBe(0.5);
    expect(parseBound("-3e-2")).toBe(-0.03);
    expect(parseBound("abc")).toBeUndefined();
  });

  it("replaces a filter on the same field and model rather than stacking a second one", () => {
    const first = rangePredicate(nme, 2, 0.02, null);
    const other = rangePredicate(nme, 1, 0.02, null);
    const list = addPredicate([first, other], rangePredicate(nme, 2, 0.05, 0.1));
    expect(list).toEqual([{ field: "metric.nme", op: "range", model_id: 2, min: 0.05, max: 0.1 }, other]);
    expect(addPredicate(list, categoryPredicate(pose, null, ["profile"]))).toHaveLength(3);
  });
});

describe("histogram bins as predicates", () => {
  const numeric: Histogram = { field: "meta.yaw", kind: "number", edges: [-90, -30, 30, 90], counts: [10, 50, 12], n_missing: 0, means: {} };
  const categorical: Histogram = { field: "meta.pose", kind: "category", categories: ["frontal", "profile"], counts: [200, 100], n_missing: 3, means: {} };
  const boolean: Histogram = { field: "meta.blurred", kind: "bool", categories: ["false", "true"], counts: [250, 50], n_missing: 0, means: {} };

  it("gives a numeric bin's edges as a range", () => {
    expect(binPredicate(numeric, 1, yaw)).toEqual({ field: "meta.yaw", op: "range", min: -30, max: 30 });
    expect(binPredicate(numeric, 3, yaw)).toBeNull();
  });

  it("gives a category's bar as that category, typed by the field", () => {
    expect(binPredicate(categorical, 1, pose)).toEqual({ field: "meta.pose", op: "in", values: ["profile"] });
    expect(binPredicate(boolean, 1, blurred)).toEqual({ field: "meta.blurred", op: "in", values: [true] });
  });

  it("adds a second category to the field's filter, and takes a picked one out again", () => {
    let predicates = applyBin([], categorical, 0, pose);
    expect(predicates).toEqual([{ field: "meta.pose", op: "in", values: ["frontal"] }]);
    predicates = applyBin(predicates, categorical, 1, pose);
    expect(predicates).toEqual([{ field: "meta.pose", op: "in", values: ["frontal", "profile"] }]);
    predicates = applyBin(predicates, categorical, 0, pose);
    expect(predicates).toEqual([{ field: "meta.pose", op: "in", values: ["profile"] }]);
    expect(applyBin(predicates, categorical, 1, pose)).toEqual([]);
  });

  it("replaces a range with the clicked bin's", () => {
    const predicates = applyBin([rangePredicate(yaw, null, 0, 90)], numeric, 0, yaw);
    expect(predicates).toEqual([{ field: "meta.yaw", op: "range", min: -90, max: -30 }]);
  });

  it("labels bins half-open but for the last", () => {
    expect(binLabel(numeric, 0)).toBe("[−90, −30)");
    expect(binLabel(numeric, 2)).toBe("[30, 90]");
    expect(binLabel(categorical, 1)).toBe("profile");
  });
});

describe("histogram geometry", () => {
  const histogram: Histogram = {
    field: "meta.yaw",
    kind: "number",
    edges: [0, 1, 2, 3, 4],
    counts: [5, 10, 0, 2],
    n_missing: 0,
    means: { "1": [0.1, 0.2, null, 0.4], "2": [0.3, 0.3, null, 0.05] },
  };

  it("scales bars to the largest count and puts means on one shared axis", () => {
    const geometry = histogramGeometry(histogram, { width: 200, height: 100, bottom: 0 }, ["2", "1"]);
    expect(geometry.maxCount).toBe(10);
    expect(geometry.bars.map((b) => b.height)).toEqual([50, 100, 0, 20]);
    expect(geometry.bars.map((b) => b.x)).toEqual([0, 50, 100, 150]);
    expect(geometry.meanRange).toEqual([0.05, 0.4]);
    expect(geometry.lines.map((l) => l.modelId)).toEqual(["2", "1"]);
    // A bin with no sample breaks the line in two.
    const one = geometry.lines[1];
    expect(one.segments.map((s) => s.map((p) => p.index))).toEqual([[0, 1], [3]]);
    // Higher means sit higher (smaller y); the highest at the top of the box, the lowest at the bottom.
    const [a, b] = one.segments[0];
    expect(b.y).toBeLessThan(a.y);
    expect(one.segments[1][0].y).toBeCloseTo(2);
    expect(geometry.lines[0].segments[1][0].y).toBeCloseTo(98);
  });

  it("has no lines without means and copes with no bins", () => {
    expect(meanRange({ ...histogram, means: {} })).toBeNull();
    expect(histogramGeometry({ ...histogram, means: {} }, { width: 100, height: 50, bottom: 0 }).lines).toEqual([]);
    expect(histogramGeometry({ ...histogram, counts: [], edges: [] }, { width: 100, height: 50, bottom: 0 }).bars).toEqual([]);
  });
});

describe("scope and words", () => {
  it("groups fields metadata first and metrics last", () => {
    expect(groupFields(FIELDS.fields).map((g) => g.label)).toEqual(["Metadata", "Ground truth", "Inference", "Metric"]);
  });

  it("defaults the sidebar metric to the first metric field and the models to all", () => {
    expect(resolveMetric(FIELDS, null)).toBe("metric.nme");
    expect(resolveMetric(FIELDS, "metric.failed")).toBe("metric.failed");
    expect(resolveMetric(FIELDS, "metric.gone")).toBe("metric.nme");
    expect(resolveModels(FIELDS, null).map((m) => m.id)).toEqual([1, 2]);
    expect(resolveModels(FIELDS, [2, 9]).map((m) => m.id)).toEqual([2]);
    expect(resolveModels(FIELDS, [9]).map((m) => m.id)).toEqual([1, 2]);
  });

  it("describes filters as chips read", () => {
    expect(describePredicate(rangePredicate(nme, 2, 0.02, null), names)).toBe("NME of B ≥ 0.02");
    expect(describePredicate(rangePredicate(yaw, null, -10, 30), names)).toBe("yaw in [−10, 30]");
    expect(describePredicate(categoryPredicate(pose, null, ["frontal", "profile"]), names)).toBe("pose is frontal or profile");
    expect(describePredicate(textPredicate(name, null, "smith"), names)).toBe('name contains "smith"');
    expect(describePredicate(nullPredicate(boxes, null, true), names)).toBe("boxes is missing");
    expect(describeDifference(differenceOf(nme, 2, 1, 0.02, null), names)).toBe("NME of B − A ≥ 0.02");
  });

  it("suggests a test case's name from the filters", () => {
    expect(suggestName([categoryPredicate(pose, null, ["profile"])], [differenceOf(nme, 2, 1, 0.02, null)], names)).toBe(
      "pose is profile, NME of B − A ≥ 0.02",
    );
    const long = suggestName(Array.from({ length: 20 }, (_, i) => rangePredicate(yaw, null, i, null)), [], names);
    expect(long.length).toBe(120);
    expect(long.endsWith("…")).toBe(true);
  });

  it("writes bounds compactly", () => {
    expect(compactNumber(0.02)).toBe("0.02");
    expect(compactNumber(-90)).toBe("−90");
    expect(compactNumber(1234.5)).toBe("1235");
    expect(compactNumber(12.3456)).toBe("12.35");
    expect(compactNumber(1.5e-7)).toBe("1.5e-7");
  });

  it("counts matches out of the scope", () => {
    expect(countText(1234, 3000)).toBe("1,234 of 3,000 samples");
  });
});
