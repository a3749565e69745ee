import { describe, expect, it } from "vitest";

import { arrowOf, deltaState, gridColumns, resolveCell, rowIsSignificant } from "./cells";
import { NO_OVERRIDES } from "./direction";
import { COLUMNS, METRICS, MODELS, ROWS } from "./fixture";
import type { CellStats } from "./types";

const columns = gridColumns(COLUMNS, METRICS, MODELS, 1, NO_OVERRIDES);
const column = (configuration: string | null, metric: string, model: number) =>
  columns.find((c) => c.configuration === configuration && c.metric.key === metric && c.model.id === model)!;

describe("deltaState", () => {
  it.each([
    // significant, delta, higher is better, state
    [true, 0.1, true, "better"],
    [true, -0.1, true, "worse"],
    [true, 0.1, false, "worse"],
    [true, -0.1, false, "better"],
    [true, 0.1, null, "changed"],
    [false, 0.1, true, "insufficient"],
    [null, 0.1, true, "insufficient"],
    [true, 0, true, "insufficient"],
    [true, null, true, "insufficient"],
    [true, Number.NaN, true, "insufficient"],
  ] as const)("significant=%s delta=%s higher=%s is %s", (significant, delta, higher, state) => {
    expect(deltaState(significant, delta, higher)).toBe(state);
  });
});

describe("gridColumns", () => {
  it("keeps the server's order and points every column at the baseline's column of its metric", () => {
    expect(columns).toHaveLength(COLUMNS.length);
    const b = column(null, "accuracy", 2);
    expect(b.baselineIndex).toBe(COLUMNS.findIndex((c) => c.configuration === null && c.metric === "accuracy" && c.model_id === 1));
    expect(column(null, "accuracy", 1).isBaseline).toBe(true);
    expect(column(null, "accuracy", 1).baselineIndex).toBeNull();
  });

  it("drops columns of metrics or models the table does not describe", () => {
    const cols = gridColumns([...COLUMNS, { configuration: null, metric: "nope", model_id: 1 }, { configuration: null, metric: "ap", model_id: 99 }], METRICS, MODELS, 1, NO_OVERRIDES);
    expect(cols).toHaveLength(COLUMNS.length);
  });

  it("applies the reader's flips", () => {
    const flipped = gridColumns(COLUMNS, METRICS, MODELS, 1, { flip: ["mean_nme"], set: {} });
    expect(flipped.find((c) => c.metric.key === "mean_nme")!.direction.higherIsBetter).toBe(true);
  });
});

describe("resolveCell", () => {
  const profile = ROWS[1].cells;

  it("reads a significant rise of a lower-is-better metric as worse", () => {
    const view = resolveCell(profile, column("t-0.05", "mean_nme", 2));
    expect(view).toMatchObject({ value: 0.081, delta: 0.023, qValue: 0.003, significant: true, tested: true, test: "paired", state: "worse" });
  });

  it("reads a significant drop of a lower-is-better metric as better", () => {
    expect(resolveCell(profile, column("t-0.05", "mean_nme", 3)).state).toBe("better");
  });

  it("turns with a flip", () => {
    const flipped = gridColumns(COLUMNS, METRICS, MODELS, 1, { flip: ["mean_nme"], set: {} });
    const c = flipped.find((x) => x.configuration === "t-0.05" && x.metric.key === "mean_nme" && x.model.id === 2)!;
    expect(resolveCell(profile, c).state).toBe("better");
  });

  it("marks the baseline's own cells and missing cells", () => {
    expect(resolveCell(profile, column("t-0.05", "mean_nme", 1)).state).toBe("baseline");
    expect(resolveCell(ROWS[2].cells, column("t-0.05", "mean_nme", 3)).state).toBe("missing");
    expect(resolveCell(ROWS[2].cells, column("t-0.05", "accuracy", 3)).state).toBe("missing");
  });

  it("computes the delta of an untested metric from the baseline's value, without a verdict", () => {
    const view = resolveCell(profile, column("t-0.05", "ap", 2));
    expect(view.delta).toBeCloseTo(-0.1, 10);
    expect(view.tested).toBe(false);
    expect(view.state).toBe("insufficient");
  });

  it("reads non-finite values, decoded or still tagged as on the wire", () => {
    // The API client decodes tags; a body that reached the page some other way must not break it.
    const tagged = { value: { "$assay:float": "NaN" }, delta: { "$assay:float": "NaN" } } as unknown as CellStats;
    const cells: CellStats[] = [{ value: 0.5 }, tagged];
    const cols = gridColumns(
      [
        { configuration: null, metric: "ap", model_id: 1 },
        { configuration: null, metric: "ap", model_id: 2 },
      ],
      METRICS,
      MODELS,
      1,
      NO_OVERRIDES,
    );
    const view = resolveCell(cells, cols[1]);
    expect(view.value).toBeNaN();
    expect(view.state).toBe("insufficient");
    expect(resolveCell([{ value: 0.5 }, { value: Number.POSITIVE_INFINITY, delta: Number.POSITIVE_INFINITY, significant: true }], cols[1]).state).toBe("changed");
  });
});

describe("rowIsSignificant", () => {
  it("finds rows with a significant cell", () => {
    expect(ROWS.map((row) => rowIsSignificant(row.cells, columns))).toEqual([true, true, false]);
  });
});

describe("arrowOf", () => {
  it("points the way the value moved", () => {
    expect(arrowOf(0.2)).toBe("▲");
    expect(arrowOf(-0.2)).toBe("▼");
    expect(arrowOf(0)).toBe("");
    expect(arrowOf(null)).toBe("");
  });
});
