import { describe, expect, it } from "vitest";

import { alignTo, confusionDifference, maxAbs, readMatrix, unionLabels } from "./confusion";

describe("confusion matrices", () => {
  const baseline = { labels: ["cat", "dog"], matrix: [[8, 2], [1, 9]] };
  const model = { labels: ["dog", "cat", "bird"], matrix: [[7, 3, 0], [1, 9, 0], [0, 2, 4]] };

  it("reads a stored plot, refusing shapes that do not fit", () => {
    expect(readMatrix({ labels: ["a", "b"], matrix: [[1, { "$assay:float": "NaN" }], [3, 4]] })).toEqual({ labels: ["a", "b"], matrix: [[1, 0], [3, 4]] });
    expect(readMatrix({ labels: ["a", "b"], matrix: [[1, 2]] })).toBeNull();
    expect(readMatrix({ labels: ["a", "b"], matrix: [[1, 2], [3]] })).toBeNull();
    expect(readMatrix({ labels: "ab", matrix: [] })).toBeNull();
  });

  it("lays a matrix on another label order, zero where it has no class", () => {
    expect(alignTo(model, ["cat", "dog", "fish"])).toEqual([[9, 1, 0], [3, 7, 0], [0, 0, 0]]);
  });

  it("unions labels in the first list's order", () => {
    expect(unionLabels(["cat", "dog"], ["dog", "bird", "cat"])).toEqual(["cat", "dog", "bird"]);
  });

  it("subtracts the baseline cell by cell over the union of labels", () => {
    const d = confusionDifference(model, baseline);
    expect(d.labels).toEqual(["cat", "dog", "bird"]);
    expect(d.matrix).toEqual([[1, -1, 0], [2, -2, 0], [2, 0, 4]]);
    expect(maxAbs(d)).toBe(4);
  });

  it("is zero against itself", () => {
    expect(confusionDifference(baseline, baseline).matrix).toEqual([[0, 0], [0, 0]]);
  });
});
