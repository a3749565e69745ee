import { describe, expect, it } from "vitest";

import { collectAnnotations } from "./collect";
import { applyMatches, geometryKey, matchOfPath, pathSegments } from "./matches";
import { DETECTION_INFERENCE, DETECTION_METRICS } from "./testing/fixtures";
import type { Annotation } from "./types";

describe("matchOfPath: the naming convention", () => {
  it.each([
    ["TP[0]", "TP", "inference"],
    ["tp[3]", "TP", "inference"],
    ["true_positives[1]", "TP", "inference"],
    ["matched_inference[0]", "TP", "inference"],
    ["matched_inferences[2]", "TP", "inference"],
    ["Matched-Predictions[0]", "TP", "inference"],
    ["FP[0]", "FP", "inference"],
    ["false_positives[0]", "FP", "inference"],
    ["unmatched_inference[1]", "FP", "inference"],
    ["unmatched_detections[1]", "FP", "inference"],
    ["FN[0]", "FN", "ground_truth"],
    ["false_negatives[0]", "FN", "ground_truth"],
    ["unmatched_ground_truth[4]", "FN", "ground_truth"],
    ["unmatched_ground_truths[4]", "FN", "ground_truth"],
    ["missed[0]", "FN", "ground_truth"],
    ["matched_ground_truth[0]", "TP", "ground_truth"],
    ["per_class.car.TP[0]", "TP", "inference"],
  ])("%s is %s on the %s side", (path, status, side) => {
    expect(matchOfPath(path)).toEqual({ status, side });
  });

  it("reads matched pairs as [ground truth, inference] and objects by key", () => {
    expect(matchOfPath("matched[3][0]")).toEqual({ status: "TP", side: "ground_truth" });
    expect(matchOfPath("matched[3][1]")).toEqual({ status: "TP", side: "inference" });
    expect(matchOfPath("matched[0].ground_truth")).toEqual({ status: "TP", side: "ground_truth" });
    expect(matchOfPath("matched[0].inference")).toEqual({ status: "TP", side: "inference" });
    expect(matchOfPath("matched[0]")).toEqual({ status: "TP", side: "inference" });
  });

  it("says nothing of other fields, nor of names that only contain a list's name", () => {
    expect(matchOfPath("Confused[0]")).toBeUndefined();
    expect(matchOfPath("bboxes[0]")).toBeUndefined();
    expect(matchOfPath("count_TP")).toBeUndefined();
    expect(matchOfPath("")).toBeUndefined();
  });

  it("splits paths into names and indices", () => {
    expect(pathSegments("a.b[3][1].c")).toEqual([{ name: "a" }, { name: "b" }, { index: 3 }, { index: 1 }, { name: "c" }]);
  });
});

function annotation(path: string, value: Record<string, unknown>): Annotation {
  return { path, dataType: String(value.data_type), value: value as Annotation["value"] };
}

describe("geometryKey", () => {
  const box = { top_left: [1, 2], bottom_right: [3, 4], label: "car", data_type: "ANNOTATION/BOUNDING_BOX" };

  it("ignores the score and rounding noise, but not the label or the geometry", () => {
    const key = geometryKey(annotation("a", box));
    expect(geometryKey(annotation("b", { ...box, score: 0.4 }))).toBe(key);
    expect(geometryKey(annotation("b", { ...box, top_left: [1.0000001, 2] }))).toBe(key);
    expect(geometryKey(annotation("b", { ...box, label: "bus" }))).not.toBe(key);
    expect(geometryKey(annotation("b", { ...box, top_left: [1.5, 2] }))).not.toBe(key);
  });
});

describe("applyMatches", () => {
  const inference = collectAnnotations(DETECTION_INFERENCE, undefined, undefined, { source: "inference" });
  const metrics = collectAnnotations(DETECTION_METRICS, undefined, undefined, { source: "metrics" });

  it("gives the inference's boxes the status of the list they are in and adds the missed truth", () => {
    const { annotations, hasMatches } = applyMatches(inference, metrics);
    expect(hasMatches).toBe(true);
    expect(annotations.map((a) => [a.source, a.path, a.match])).toEqual([
      ["inference", "bboxes[0]", "TP"],
      ["inference", "bboxes[1]", "FP"],
      ["inference", "bboxes[2]", undefined],
      ["metrics", "FN[0]", "FN"],
    ]);
  });

  it("leaves the inference's own objects untouched", () => {
    applyMatches(inference, metrics);
    expect(inference.every((a) => a.match === undefined)).toBe(true);
  });

  it("draws a listed box that equals no inference box itself", () => {
    const moved = collectAnnotations({ FP: [{ ...DETECTION_METRICS.FP[0], top_left: [101, 5] }] });
    const { annotations } = applyMatches(inference, moved);
    expect(annotations.at(-1)).toMatchObject({ path: "FP[0]", match: "FP" });
    expect(annotations.filter((a) => a.match === "FP")).toHaveLength(1);
  });

  it("gives two equal boxes in TP and FP one status each", () => {
    const twin = DETECTION_INFERENCE.bboxes[0];
    const doubled = collectAnnotations({ bboxes: [twin, twin] });
    const lists = collectAnnotations({ TP: [twin], FP: [twin] });
    expect(applyMatches(doubled, lists).annotations.map((a) => a.match)).toEqual(["TP", "FP"]);
  });

  it("adds other metrics annotations once, and has no matches without lists", () => {
    const extra = collectAnnotations({ worst: DETECTION_INFERENCE.bboxes[1], heat: { locator: "x.png", data_type: "ANNOTATION/BITMAP_MASK" } });
    const { annotations, hasMatches } = applyMatches(inference, extra);
    expect(hasMatches).toBe(false);
    expect(annotations.map((a) => a.path)).toEqual(["bboxes[0]", "bboxes[1]", "bboxes[2]", "heat"]);
  });

  it("does not add matched ground truth to the model's layer", () => {
    const truth = DETECTION_METRICS.FN[0];
    const pairs = collectAnnotations({ matched: [[truth, DETECTION_INFERENCE.bboxes[0]]] });
    const { annotations } = applyMatches(inference, pairs);
    expect(annotations.map((a) => [a.path, a.match])).toEqual([
      ["bboxes[0]", "TP"],
      ["bboxes[1]", undefined],
      ["bboxes[2]", undefined],
    ]);
  });
});
