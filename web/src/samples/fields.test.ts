import { describe, expect, it } from "vitest";

import { bestOf, flattenFields, formatValue, sideBySide } from "./fields";
import { textPieces } from "./textPieces";

describe("fields as table rows", () => {
  it("flattens nested objects into paths and summarises annotations, assets and long lists", () => {
    const rows = flattenFields({
      nme: 0.041,
      is_failure: false,
      per_point: { eye: 0.02, mouth: null },
      keypoints: { points: [[1, 2]], data_type: "ANNOTATION/KEYPOINTS" },
      bboxes: [
        { top_left: [0, 0], bottom_right: [1, 1], data_type: "ANNOTATION/BOUNDING_BOX" },
        { top_left: [0, 0], bottom_right: [2, 2], data_type: "ANNOTATION/BOUNDING_BOX" },
      ],
      tags: ["a", "b"],
      data_type: "TEST_SAMPLE/IMAGE",
      _type: "KeypointsMetrics",
    });
    expect(rows.map(([path, value]) => [path, formatValue(value)])).toEqual([
      ["nme", "0.04100"],
      ["is_failure", "false"],
      ["per_point.eye", "0.02000"],
      ["per_point.mouth", "—"],
      ["keypoints", "Keypoints · 1 point"],
      ["bboxes", "2 bounding boxes"],
      ["tags", "a, b"],
    ]);
  });

  it("describes annotations and assets in a few words", () => {
    const rows = flattenFields({
      box: { top_left: [1, 2.5], bottom_right: [10, 20], label: "cat", score: 0.875, data_type: "ANNOTATION/BOUNDING_BOX" },
      span: { text_field: "text", start: 3, end: 9, data_type: "ANNOTATION/TEXT_SEGMENT" },
      mask: { locator: "/m/1.png", data_type: "ASSET/IMAGE" },
    });
    expect(rows.map(([, value]) => formatValue(value))).toEqual([
      'Bounding box · "cat" · [1, 2.500]–[10, 20] · score 0.875',
      "Text segment · 3–9",
      "Image · /m/1.png",
    ]);
  });

  it("puts several models' values on one row per field, in the order fields are met", () => {
    const rows = sideBySide([{ nme: 0.05, extra: 1 }, null, { nme: 0.03, other: true }]);
    expect(rows).toEqual([
      { path: "nme", values: [0.05, undefined, 0.03] },
      { path: "extra", values: [1, undefined, undefined] },
      { path: "other", values: [undefined, undefined, true] },
    ]);
  });

  it("marks the one best value of a field with a direction", () => {
    expect(bestOf([0.05, 0.03, 0.04], false)).toBe(1);
    expect(bestOf([0.05, 0.03, 0.04], true)).toBe(0);
    expect(bestOf([0.05, 0.05], true)).toBeNull();
    expect(bestOf([0.05, 0.03], null)).toBeNull();
    expect(bestOf([0.05, "x", undefined], true)).toBeNull();
  });
});

describe("text pieces", () => {
  const red = { colour: "#ff0000", title: "gt" };
  const blue = { colour: "#0000ff", title: "model" };

  it("cuts a text at its segments' bounds, overlaps included", () => {
    const pieces = textPieces("the quick brown fox", [
      { start: 4, end: 15, ...red },
      { start: 10, end: 19, ...blue },
    ]);
    expect(pieces.map((piece) => [piece.text, piece.segments.map((s) => s.title)])).toEqual([
      ["the ", []],
      ["quick ", ["gt"]],
      ["brown", ["gt", "model"]],
      [" fox", ["model"]],
    ]);
  });

  it("clips segments to the text and drops empty ones", () => {
    const pieces = textPieces("abc", [
      { start: -3, end: 1, ...red },
      { start: 2, end: 99, ...blue },
      { start: 2, end: 2, ...red },
    ]);
    expect(pieces.map((piece) => [piece.text, piece.segments.length])).toEqual([
      ["a", 1],
      ["b", 0],
      ["c", 1],
    ]);
    expect(textPieces("", [])).toEqual([]);
  });
});
