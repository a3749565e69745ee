import { describe, expect, it } from "vitest";

import { asWorkflowSchema, metricsTypeOf, typeNameOf } from "./schema";
import { KEYPOINT_METRICS, KEYPOINT_SCHEMA } from "./testing/fixtures";

describe("typeNameOf", () => {
  it("resolves a role to its type, and takes a type name as it is", () => {
    expect(typeNameOf(KEYPOINT_SCHEMA, "ground_truth")).toBe("GroundTruth");
    expect(typeNameOf(KEYPOINT_SCHEMA, "inference")).toBe("Inference");
    expect(typeNameOf(KEYPOINT_SCHEMA, "Keypoints")).toBe("Keypoints");
    expect(typeNameOf(KEYPOINT_SCHEMA, "Nothing")).toBeUndefined();
    expect(typeNameOf({ types: {} }, "inference")).toBeUndefined();
  });
});

describe("metricsTypeOf", () => {
  it("finds stored metrics' class by its _type", () => {
    expect(metricsTypeOf(KEYPOINT_SCHEMA, KEYPOINT_METRICS)).toBe("TestSampleMetrics");
  });

  it("refuses a class of the same name from another module, and values without _type", () => {
    expect(metricsTypeOf(KEYPOINT_SCHEMA, { _type: "other.module:TestSampleMetrics" })).toBeUndefined();
    expect(metricsTypeOf(KEYPOINT_SCHEMA, { a: 1 })).toBeUndefined();
    expect(metricsTypeOf(KEYPOINT_SCHEMA, null)).toBeUndefined();
  });

  it("takes a qualified key when the document qualified the name", () => {
    const schema = { types: { "pkg.mod.Outer.Metrics": { name: "Metrics", role: "metrics_test_sample", data_type: null, fields: [] } } };
    expect(metricsTypeOf(schema, { _type: "pkg.mod:Outer.Metrics" })).toBe("pkg.mod.Outer.Metrics");
  });
});

describe("asWorkflowSchema", () => {
  it("accepts a document with types and nothing else", () => {
    expect(asWorkflowSchema(KEYPOINT_SCHEMA)).toBe(KEYPOINT_SCHEMA);
    expect(asWorkflowSchema({ types: [] })).toBeUndefined();
    expect(asWorkflowSchema({})).toBeUndefined();
    expect(asWorkflowSchema(null)).toBeUndefined();
  });
});
