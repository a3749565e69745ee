import { describe, expect, it } from "vitest";

import { gridColumns } from "./cells";
import { NO_OVERRIDES } from "./direction";
import { COLUMNS, METRICS, MODELS, ROWS } from "./fixture";
import { defaultDescending, nextSort, sortColumn, sortRows } from "./sort";
import type { SortBy } from "./types";

const columns = gridColumns(COLUMNS, METRICS, MODELS, 1, NO_OVERRIDES);
const ids = (rows: typeof ROWS) => rows.map((r) => r.test_case.id);
const sorted = (metric: string, model: number, by: SortBy, descending: boolean) =>
  ids(sortRows(ROWS, (r) => r.cells, sortColumn(columns, { configuration: "t-0.05", metric, modelId: model, by, descending }), by, descending));

describe("sortRows", () => {
  it("sorts by value either way", () => {
    expect(sorted("mean_nme", 2, "value", false)).toEqual([11, 13, 12]);
    expect(sorted("mean_nme", 2, "value", true)).toEqual([12, 13, 11]);
  });

  it("sorts by delta, rows without one last whatever the order", () => {
    // model C's mean_nme: +0.01 (11), -0.008 (12), none (13)
    expect(sorted("mean_nme", 3, "delta", true)).toEqual([11, 12, 13]);
    expect(sorted("mean_nme", 3, "delta", false)).toEqual([12, 11, 13]);
  });

  it("sorts by significance, smallest q first", () => {
    // model B's accuracy: q 0.5 (11), 0.001 (12), 0.7 (13)
    expect(sorted("accuracy", 2, "significance", false)).toEqual([12, 11, 13]);
    expect(sorted("accuracy", 2, "significance", true)).toEqual([13, 11, 12]);
  });

  it("keeps the suite's order for ties and for a column without the key", () => {
    expect(sorted("mean_nme", 1, "delta", true)).toEqual([11, 12, 13]);
    expect(ids(sortRows(ROWS, (r) => r.cells, undefined, "value", true))).toEqual([11, 12, 13]);
  });

  it("leaves its input alone", () => {
    const before = ids(ROWS);
    sorted("mean_nme", 2, "value", true);
    expect(ids(ROWS)).toEqual(before);
  });

  it("sorts 500 rows of 20 models in well under 100 ms", () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ ...ROWS[i % 3], test_case: { ...ROWS[i % 3].test_case, id: i } }));
    const start = performance.now();
    sortRows(many, (r) => r.cells, columns[4], "significance", false);
    expect(performance.now() - start).toBeLessThan(100);
  });
});

describe("nextSort", () => {
  const column = columns[4];
  it("starts a new column in the key's default order, toggles it, then clears", () => {
    const first = nextSort(null, column, "delta");
    expect(first).toMatchObject({ metric: column.metric.key, modelId: column.model.id, by: "delta", descending: defaultDescending("delta") });
    const second = nextSort(first, column, "delta");
    expect(second?.descending).toBe(!first!.descending);
    expect(nextSort(second, column, "delta")).toBeNull();
  });

  it("switches key without toggling", () => {
    const byValue = nextSort(null, column, "value");
    expect(nextSort(byValue, column, "significance")).toMatchObject({ by: "significance", descending: false });
  });
});
