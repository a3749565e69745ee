import { describe, expect, it } from "vitest";

import { collectAnnotations, collectAssets, inferenceConfidence } from "./collect";
import type { WorkflowSchema } from "./schema";
import {
  DETECTION_METRICS,
  KEYPOINT_GROUND_TRUTH,
  KEYPOINT_INFERENCE,
  KEYPOINT_METRICS,
  KEYPOINT_SAMPLE,
  KEYPOINT_SCHEMA,
} from "./testing/fixtures";

const paths = (found: { path: string; dataType: string }[]) => found.map((a) => `${a.path} ${a.dataType}`);

describe("collectAnnotations with the keypoint example's schema", () => {
  it("finds the test sample's box and the ground truth's keypoints by their declared fields", () => {
    expect(paths(collectAnnotations(KEYPOINT_SAMPLE, KEYPOINT_SCHEMA, "test_sample"))).toEqual([
      "bbox ANNOTATION/BOUNDING_BOX",
    ]);
    const truth = collectAnnotations(KEYPOINT_GROUND_TRUTH, KEYPOINT_SCHEMA, "ground_truth", { source: "ground_truth" });
    expect(truth).toHaveLength(1);
    expect(truth[0]).toMatchObject({ path: "keypoints", dataType: "ANNOTATION/KEYPOINTS", source: "ground_truth" });
    expect(truth[0].value).toBe(KEYPOINT_GROUND_TRUTH.keypoints);
    expect(truth[0].confidence).toBeUndefined();
  });

  it("gives an inference's annotations its top-level confidence", () => {
    const found = collectAnnotations(KEYPOINT_INFERENCE, KEYPOINT_SCHEMA, "inference", {
      confidence: inferenceConfidence(KEYPOINT_INFERENCE),
    });
    expect(found.map((a) => [a.path, a.confidence])).toEqual([["keypoints", 0.5]]);
  });

  it("finds the metrics' type by _type and nothing to draw in scalar metrics", () => {
    expect(collectAnnotations(KEYPOINT_METRICS, KEYPOINT_SCHEMA)).toEqual([]);
  });

  it("skips a null optional annotation", () => {
    expect(collectAnnotations({ ...KEYPOINT_SAMPLE, bbox: null }, KEYPOINT_SCHEMA, "test_sample")).toEqual([]);
  });
});

const BOX_KIND = { kind: "annotation", type: "BB", data_type: "ANNOTATION/BOUNDING_BOX" } as const;

const NESTED_SCHEMA: WorkflowSchema = {
  ground_truth: "GT",
  types: {
    GT: {
      name: "GT",
      role: "ground_truth",
      data_type: null,
      fields: [
        { name: "bboxes", kind: { kind: "list", items: BOX_KIND } },
        {
          name: "by_class",
          kind: { kind: "dict", keys: { kind: "scalar", type: "str" }, values: { kind: "list", items: BOX_KIND } },
        },
        { name: "scores", kind: { kind: "list", items: { kind: "scalar", type: "float" } } },
        { name: "extra", kind: { kind: "any" } },
        { name: "part", kind: { kind: "object", type: "Part", data_type: null } },
        {
          name: "pair",
          kind: {
            kind: "tuple",
            items: [{ kind: "scalar", type: "str" }, { kind: "annotation", type: "LB", data_type: "ANNOTATION/LABEL" }],
          },
        },
      ],
    },
    BB: { name: "BB", role: "annotation", data_type: "ANNOTATION/BOUNDING_BOX", fields: [] },
    LB: { name: "LB", role: "annotation", data_type: "ANNOTATION/LABEL", fields: [] },
    Part: {
      name: "Part",
      role: "data_object",
      data_type: null,
      fields: [{ name: "outline", kind: { kind: "annotation", type: "PG", data_type: "ANNOTATION/POLYGON" } }],
    },
    PG: { name: "PG", role: "annotation", data_type: "ANNOTATION/POLYGON", fields: [] },
  },
};

const box = (label: string) => ({ top_left: [0, 0], bottom_right: [1, 1], label, data_type: "ANNOTATION/BOUNDING_BOX" });

const NESTED = {
  bboxes: [box("a"), box("b")],
  by_class: { car: [box("c")], person: [] },
  scores: [0.1, 0.2],
  extra: { deep: [{ x: 1 }, { data_type: "ANNOTATION/LABEL", label: "tag" }] },
  // A declared annotation whose tag the producer left out is still one.
  part: { outline: { points: [[0, 0], [1, 0], [1, 1]] } },
  pair: ["name", { label: "l", data_type: "ANNOTATION/LABEL" }],
  undeclared: { data_type: "ANNOTATION/POLYLINE", points: [[0, 0], [1, 1]] },
};

describe("collectAnnotations paths", () => {
  it("names list items, dict entries, tuple members, nested objects and extras", () => {
    expect(paths(collectAnnotations(NESTED, NESTED_SCHEMA, "ground_truth"))).toEqual([
      "bboxes[0] ANNOTATION/BOUNDING_BOX",
      "bboxes[1] ANNOTATION/BOUNDING_BOX",
      "by_class.car[0] ANNOTATION/BOUNDING_BOX",
      "extra.deep[1] ANNOTATION/LABEL",
      "part.outline ANNOTATION/POLYGON",
      "pair[1] ANNOTATION/LABEL",
      "undeclared ANNOTATION/POLYLINE",
    ]);
  });

  it("finds the same tagged annotations without a schema", () => {
    const withoutSchema = paths(collectAnnotations(NESTED));
    expect(withoutSchema).toEqual([
      "bboxes[0] ANNOTATION/BOUNDING_BOX",
      "bboxes[1] ANNOTATION/BOUNDING_BOX",
      "by_class.car[0] ANNOTATION/BOUNDING_BOX",
      "extra.deep[1] ANNOTATION/LABEL",
      "pair[1] ANNOTATION/LABEL",
      "undeclared ANNOTATION/POLYLINE",
    ]);
  });

  it("takes an annotation's own score over the inherited confidence", () => {
    const found = collectAnnotations({ a: { ...box("x"), score: 0.25 }, b: box("y") }, undefined, undefined, {
      confidence: 0.8,
    });
    expect(found.map((a) => a.confidence)).toEqual([0.25, 0.8]);
  });

  it("walks per-sample metrics by tag and records their lists' paths", () => {
    expect(paths(collectAnnotations(DETECTION_METRICS))).toEqual([
      "TP[0] ANNOTATION/BOUNDING_BOX",
      "FP[0] ANNOTATION/BOUNDING_BOX",
      "FN[0] ANNOTATION/BOUNDING_BOX",
      "Confused[0] ANNOTATION/BOUNDING_BOX",
    ]);
  });

  it("returns an annotation passed itself with an empty path, and nothing for scalars", () => {
    expect(paths(collectAnnotations(box("z")))).toEqual([" ANNOTATION/BOUNDING_BOX"]);
    expect(collectAnnotations(null)).toEqual([]);
    expect(collectAnnotations(3)).toEqual([]);
  });

  it("falls back to tags for a type the schema does not have", () => {
    expect(paths(collectAnnotations({ b: box("q") }, NESTED_SCHEMA, "Missing"))).toEqual(["b ANNOTATION/BOUNDING_BOX"]);
  });
});

describe("collectAssets", () => {
  it("finds the images of a composite and a video's thumbnail", () => {
    const sample = {
      a: { locator: "s3://b/a.png", data_type: "TEST_SAMPLE/IMAGE" },
      clip: {
        locator: "s3://b/v.mp4",
        thumbnail: { locator: "s3://b/t.png", data_type: "ASSET/IMAGE" },
        data_type: "ASSET/VIDEO",
      },
      docs: [{ locator: "s3://b/x.txt", data_type: "ASSET/PLAIN_TEXT" }],
    };
    expect(collectAssets(sample).map((a) => `${a.path} ${a.dataType}`)).toEqual([
      "clip ASSET/VIDEO",
      "docs[0] ASSET/PLAIN_TEXT",
    ]);
  });
});

describe("inferenceConfidence", () => {
  it("reads a finite top-level confidence only", () => {
    expect(inferenceConfidence({ confidence: 0.7 })).toBe(0.7);
    expect(inferenceConfidence({ confidence: Number.NaN })).toBeUndefined();
    expect(inferenceConfidence({ confidence: "high" })).toBeUndefined();
    expect(inferenceConfidence(null)).toBeUndefined();
  });
});
