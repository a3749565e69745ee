import { describe, expect, it } from "vitest";

import { annotationsAt, describeHit } from "./hitTest";
import { buildLayers } from "./layers";
import { KEYPOINT_RADIUS } from "./renderers/keypoints";

const OPTIONS = { minConfidence: 0, matchColouring: true };
const VIEW = { scale: 2, offsetX: 10, offsetY: 0 };

const layers = buildLayers({
  groundTruth: {
    big: { top_left: [0, 0], bottom_right: [100, 100], label: "room", data_type: "ANNOTATION/BOUNDING_BOX" },
    small: { top_left: [10, 10], bottom_right: [20, 20], label: "cup", data_type: "ANNOTATION/BOUNDING_BOX" },
    road: { points: [[0, 50], [100, 50]], data_type: "ANNOTATION/POLYLINE" },
    tri: { points: [[60, 60], [90, 60], [60, 90]], data_type: "ANNOTATION/POLYGON" },
  },
  models: [
    {
      id: 1,
      name: "m",
      inference: { face: { points: [[30, 30], [40, 30]], names: ["l", "r"], data_type: "ANNOTATION/KEYPOINTS" }, confidence: 0.4 },
    },
  ],
});

const at = (x: number, y: number, options = OPTIONS) =>
  annotationsAt(layers, VIEW, options, x, y).map((h) => `${h.layerId} ${h.annotation.path}`);

describe("annotationsAt", () => {
  it("prefers the smaller of two boxes the point is in", () => {
    expect(at(10 + 2 * 15, 2 * 15)).toEqual(["gt small", "gt big"]);
  });

  it("picks a line within a few pixels, not further", () => {
    expect(at(10 + 2 * 5, 2 * 50 + 3)).toEqual(["gt road", "gt big"]);
    expect(at(10 + 2 * 5, 2 * 50 + 6)).toEqual(["gt big"]);
    expect(at(10 + 2 * 101, 2 * 50)).toEqual(["gt road", "gt big"]);
    expect(at(10 + 2 * 104, 2 * 50)).toEqual([]);
  });

  it("picks inside a polygon but not inside its bounding box's empty corner", () => {
    expect(at(10 + 2 * 65, 2 * 65)).toEqual(["gt tri", "gt big"]);
    expect(at(10 + 2 * 88, 2 * 88)).toEqual(["gt big"]);
  });

  it("picks a keypoint by its disc and names the point", () => {
    const hits = annotationsAt(layers, VIEW, OPTIONS, 10 + 2 * 40 + KEYPOINT_RADIUS + 2, 2 * 30);
    expect(hits[0]).toMatchObject({ layerId: "model:1", pointIndex: 1 });
    expect(describeHit(hits[0])).toBe("2 keypoints 0.40 · point 1 (r)");
  });

  it("skips what the slider hides", () => {
    expect(at(10 + 2 * 30, 2 * 30, { ...OPTIONS, minConfidence: 0.5 })).toEqual(["gt big"]);
  });
});
