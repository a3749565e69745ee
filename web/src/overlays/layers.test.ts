import { describe, expect, it } from "vitest";

import { buildLayers, layersOfDetail, layersOfItem, modelIdOf, modelLayerId, withVisibility } from "./layers";
import { GROUND_TRUTH_COLOUR, modelColour } from "./palette";
import {
  DETECTION_GROUND_TRUTH,
  DETECTION_INFERENCE,
  DETECTION_METRICS,
  KEYPOINT_GROUND_TRUTH,
  KEYPOINT_INFERENCE,
  KEYPOINT_METRICS,
  KEYPOINT_SAMPLE,
  KEYPOINT_SCHEMA,
} from "./testing/fixtures";

describe("buildLayers", () => {
  it("makes the truth layer of the sample's and ground truth's annotations, then a layer per model", () => {
    const layers = buildLayers({
      schema: KEYPOINT_SCHEMA,
      sample: KEYPOINT_SAMPLE,
      groundTruth: KEYPOINT_GROUND_TRUTH,
      models: [
        { id: 4, name: "b", inference: KEYPOINT_INFERENCE, metrics: KEYPOINT_METRICS },
        { id: 2, name: "a", inference: null },
      ],
      hidden: ["model:2"],
    });
    expect(layers.map(({ id, label, colour, visible }) => ({ id, label, colour, visible }))).toEqual([
      { id: "gt", label: "Ground truth", colour: GROUND_TRUTH_COLOUR, visible: true },
      { id: "model:4", label: "b", colour: modelColour(0), visible: true },
      { id: "model:2", label: "a", colour: modelColour(1), visible: false },
    ]);
    expect(layers[0].annotations.map((a) => `${a.source} ${a.path}`)).toEqual(["sample bbox", "ground_truth keypoints"]);
    expect(layers[1].annotations).toMatchObject([{ source: "inference", path: "keypoints", confidence: 0.5 }]);
    expect(layers[1].hasMatches).toBe(false);
    expect(layers[2].annotations).toEqual([]);
  });

  it("colours a detector's layer by the matches its metrics carry", () => {
    const [, model] = buildLayers({
      groundTruth: DETECTION_GROUND_TRUTH,
      models: [{ id: 1, name: "d", inference: DETECTION_INFERENCE, metrics: DETECTION_METRICS }],
    });
    expect(model.hasMatches).toBe(true);
    expect(model.annotations.map((a) => a.match)).toEqual(["TP", "FP", undefined, "FN"]);
  });
});

describe("layersOfItem and layersOfDetail", () => {
  it("reads a gallery item's inferences and metrics by model id", () => {
    const item = {
      data: KEYPOINT_SAMPLE,
      ground_truth: KEYPOINT_GROUND_TRUTH,
      inferences: { "3": KEYPOINT_INFERENCE },
      metrics: { "3": KEYPOINT_METRICS },
    };
    const layers = layersOfItem(item, [{ id: 3, name: "m" }], KEYPOINT_SCHEMA);
    expect(layers.map((l) => [l.id, l.annotations.length])).toEqual([
      ["gt", 2],
      ["model:3", 1],
    ]);
  });

  it("takes a detail's metrics of the configuration asked for, or its only one", () => {
    const detail = {
      data: {},
      ground_truth: null,
      results: [
        {
          model: { id: 1, name: "one" },
          inference: DETECTION_INFERENCE,
          metrics: { "IoU 0.5": DETECTION_METRICS, "IoU 0.9": { FN: DETECTION_METRICS.FN } },
        },
        { model: { id: 2, name: "two" }, inference: DETECTION_INFERENCE, metrics: { "": DETECTION_METRICS } },
      ],
    };
    const [, one, two] = layersOfDetail(detail, "IoU 0.9");
    expect(one.annotations.map((a) => a.match)).toEqual([undefined, undefined, undefined, "FN"]);
    expect(two.annotations.map((a) => a.match)).toEqual(["TP", "FP", undefined, "FN"]);
    const [, none] = layersOfDetail(detail, "IoU 0.7");
    expect(none.hasMatches).toBe(false);
  });
});

describe("layer ids", () => {
  it("round-trips model ids and switches one layer", () => {
    expect(modelLayerId(12)).toBe("model:12");
    expect(modelIdOf("model:12")).toBe(12);
    expect(modelIdOf("gt")).toBeUndefined();
    const layers = buildLayers({ models: [{ id: 1, name: "a" }] });
    expect(withVisibility(layers, "model:1", false).map((l) => l.visible)).toEqual([true, false]);
  });
});
