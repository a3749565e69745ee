import { describe, expect, it } from "vitest";

import { buildLayers } from "./layers";
import { countsText, kindCount, summariseLayers } from "./legend";
import { DETECTION_GROUND_TRUTH, DETECTION_INFERENCE, DETECTION_METRICS } from "./testing/fixtures";

const layers = buildLayers({
  sample: { text: "Ada Lovelace wrote", spans: [{ text_field: "text", start: 0, end: 12, label: "PER", data_type: "ANNOTATION/TEXT_SEGMENT" }] },
  groundTruth: { ...DETECTION_GROUND_TRUTH, tags: [{ label: "street", data_type: "ANNOTATION/LABEL" }] },
  models: [{ id: 5, name: "det", inference: DETECTION_INFERENCE, metrics: DETECTION_METRICS }],
});

describe("summariseLayers", () => {
  it("counts each layer's annotations by kind and lists the ones not drawn", () => {
    const [truth] = summariseLayers(layers, { minConfidence: 0, matchColouring: true });
    expect(truth).toMatchObject({ layerId: "gt", total: 4, shown: 4, byKind: { text_segment: 1, bounding_box: 2, label: 1 } });
    expect(truth.listed).toEqual([
      { kind: "text_segment", path: "spans[0]", source: "sample", text: "text[0, 12) PER", hidden: false },
    ]);
    expect(countsText(truth.byKind)).toBe("1 text segment, 2 boxes, 1 label");
  });

  it("counts matches, and what the confidence slider leaves", () => {
    const [, model] = summariseLayers(layers, { minConfidence: 0.5, matchColouring: true });
    expect(model).toMatchObject({ total: 4, shown: 2, byMatch: { TP: 1, FP: 1, FN: 1 } });
    const [, plain] = summariseLayers(layers, { minConfidence: 0, matchColouring: false });
    expect(plain).toMatchObject({ total: 3, shown: 3, byMatch: { TP: 1, FP: 1 } });
  });

  it("counts a switched-off layer all the same", () => {
    const hidden = layers.map((layer) => ({ ...layer, visible: false }));
    const [truth] = summariseLayers(hidden, { minConfidence: 0, matchColouring: true });
    expect(truth).toMatchObject({ visible: false, total: 4 });
  });
});

describe("kindCount", () => {
  it("says one or many", () => {
    expect(kindCount("bounding_box", 1)).toBe("1 box");
    expect(kindCount("keypoints", 3)).toBe("3 keypoint sets");
    expect(countsText({})).toBe("");
  });
});
