import { describe, expect, it } from "vitest";

import { decodeFloats, parseWireJson } from "./wire";

describe("wire floats", () => {
  it("parses tags back into non-finite numbers at any depth", () => {
    const value = parseWireJson(
      '{"a": {"$assay:float": "NaN"}, "b": [1.5, {"$assay:float": "Infinity"}], "c": {"d": {"$assay:float": "-Infinity"}}}',
    ) as { a: number; b: number[]; c: { d: number } };
    expect(value.a).toBeNaN();
    expect(value.b).toEqual([1.5, Number.POSITIVE_INFINITY]);
    expect(value.c.d).toBe(Number.NEGATIVE_INFINITY);
  });

  it("decodes a tag that is the whole body, and tags in nested arrays", () => {
    expect(parseWireJson('{"$assay:float": "NaN"}')).toBeNaN();
    expect(parseWireJson('[[{"$assay:float": "Infinity"}, 2], {"k": [{"$assay:float": "NaN"}]}]')).toEqual([
      [Number.POSITIVE_INFINITY, 2],
      { k: [Number.NaN] },
    ]);
  });

  it("leaves objects that only look like tags alone", () => {
    const text = '{"x": {"$assay:float": "NaN", "other": 1}, "y": {"$assay:float": "nan"}}';
    expect(parseWireJson(text)).toEqual({ x: { "$assay:float": "NaN", other: 1 }, y: { "$assay:float": "nan" } });
  });

  it("decodes an already-parsed value the same way", () => {
    expect(decodeFloats([{ "$assay:float": "-Infinity" }, { k: null }])).toEqual([Number.NEGATIVE_INFINITY, { k: null }]);
  });
});
