/**
 * Test data shaped as the server sends it: the keypoint example's schema and one of its samples (copied from
 * a store the example loaded), and an object-detection sample whose metrics carry TP / FP / FN lists.
 */

import type { WorkflowSchema } from "../schema";

const point = { kind: "tuple", items: [{ kind: "scalar", type: "float" }, { kind: "scalar", type: "float" }] } as const;

export const KEYPOINT_SCHEMA: WorkflowSchema = {
  schema_version: 1,
  test_sample: "TestSample",
  ground_truth: "GroundTruth",
  inference: "Inference",
  types: {
    TestSample: {
      name: "TestSample",
      module: "examples.keypoint_detection.workflow",
      role: "test_sample",
      data_type: "TEST_SAMPLE/IMAGE",
      fields: [
        { name: "metadata", kind: { kind: "metadata" } },
        { name: "locator", kind: { kind: "scalar", type: "str" } },
        {
          name: "bbox",
          kind: {
            kind: "optional",
            inner: { kind: "annotation", type: "BoundingBox", data_type: "ANNOTATION/BOUNDING_BOX" },
          },
        },
      ],
    },
    BoundingBox: {
      name: "BoundingBox",
      module: "assay.workflow.annotation",
      role: "annotation",
      data_type: "ANNOTATION/BOUNDING_BOX",
      fields: [
        { name: "top_left", kind: point },
        { name: "bottom_right", kind: point },
        { name: "width", kind: { kind: "scalar", type: "float" } },
      ],
    },
    GroundTruth: {
      name: "GroundTruth",
      module: "examples.keypoint_detection.workflow",
      role: "ground_truth",
      data_type: null,
      fields: [
        { name: "keypoints", kind: { kind: "annotation", type: "Keypoints", data_type: "ANNOTATION/KEYPOINTS" } },
        { name: "normalization_factor", kind: { kind: "scalar", type: "float" } },
      ],
    },
    Keypoints: {
      name: "Keypoints",
      module: "assay.workflow.annotation",
      role: "annotation",
      data_type: "ANNOTATION/KEYPOINTS",
      fields: [{ name: "points", kind: { kind: "list", items: point } }],
    },
    Inference: {
      name: "Inference",
      module: "examples.keypoint_detection.workflow",
      role: "inference",
      data_type: null,
      fields: [
        { name: "keypoints", kind: { kind: "annotation", type: "Keypoints", data_type: "ANNOTATION/KEYPOINTS" } },
        { name: "confidence", kind: { kind: "scalar", type: "float" } },
      ],
    },
    TestSampleMetrics: {
      name: "TestSampleMetrics",
      module: "examples.keypoint_detection.workflow",
      role: "metrics_test_sample",
      data_type: null,
      fields: [
        { name: "normalized_mean_error", kind: { kind: "scalar", type: "float" }, higher_is_better: false },
        { name: "alignment_failure", kind: { kind: "scalar", type: "bool" }, higher_is_better: false },
      ],
    },
  },
};

export const KEYPOINT_SAMPLE = {
  locator: "file:///tmp/ex/examples/keypoints/seed-2024/face-0000.png",
  bbox: {
    top_left: [20.65, 14.63],
    bottom_right: [100.6, 113.54],
    width: 79.95,
    height: 98.91,
    area: 7907.27,
    aspect_ratio: 0.81,
    data_type: "ANNOTATION/BOUNDING_BOX",
  },
  data_type: "TEST_SAMPLE/IMAGE",
};

export const KEYPOINT_GROUND_TRUTH = {
  keypoints: {
    points: [
      [35.81, 52.13],
      [84.17, 52.13],
      [59.73, 70.44],
      [47.77, 84.87],
      [72.0, 84.87],
    ],
    data_type: "ANNOTATION/KEYPOINTS",
  },
  normalization_factor: 48.36,
};

export const KEYPOINT_INFERENCE = {
  keypoints: {
    points: [
      [35.97, 52.62],
      [85.98, 52.62],
      [61.12, 72.04],
      [49.38, 86.81],
      [72.71, 86.81],
    ],
    data_type: "ANNOTATION/KEYPOINTS",
  },
  confidence: 0.5,
};

export const KEYPOINT_METRICS = {
  normalized_mean_error: 0.0376,
  alignment_failure: true,
  _type: "examples.keypoint_detection.workflow:TestSampleMetrics",
};

function box(x1: number, y1: number, x2: number, y2: number, label: string, score?: number) {
  return {
    top_left: [x1, y1],
    bottom_right: [x2, y2],
    label,
    ...(score === undefined ? {} : { score }),
    data_type: "ANNOTATION/BOUNDING_BOX",
  };
}

/** Two true boxes; the model finds one (TP), adds a wrong one (FP) and misses the other (FN). */
export const DETECTION_GROUND_TRUTH = {
  bboxes: [box(10, 10, 50, 50, "car"), box(60, 60, 90, 90, "person")],
};

export const DETECTION_INFERENCE = {
  bboxes: [box(11, 11, 51, 49, "car", 0.9), box(100, 5, 120, 30, "car", 0.3), box(0, 0, 5, 5, "car", 0.05)],
};

export const DETECTION_METRICS = {
  TP: [box(11, 11, 51, 49, "car", 0.9)],
  FP: [box(100, 5, 120, 30, "car", 0.3)],
  FN: [box(60, 60, 90, 90, "person")],
  Confused: [box(60, 60, 90, 90, "person")],
  count_TP: 1,
  count_FP: 1,
  count_FN: 1,
  _type: "assay.workflow.evaluators.object_detection:ObjectDetectionSampleMetrics",
};
