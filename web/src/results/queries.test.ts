// @vitest-environment node
import { describe, expect, it } from "vitest";

import { OPTIONS } from "./fixture";
import { AUTO_LOAD_CELLS, AUTO_LOAD_ROWS, CELLS_PER_PAGE, MAX_PAGE, hasRunningRuns, needsServerOrder, pageLimit } from "./queries";
import { shortName } from "./ResultsPage";

describe("paging", () => {
  it("sizes pages by cells, within the server's limits", () => {
    expect(pageLimit(240)).toBe(Math.floor(CELLS_PER_PAGE / 240));
    expect(pageLimit(6)).toBe(MAX_PAGE);
    expect(pageLimit(100_000)).toBe(25);
    expect(pageLimit(0)).toBe(MAX_PAGE);
  });

  it("loads tables whole up to a size, and leaves larger ones to the server's sorting", () => {
    expect(needsServerOrder(500, 240)).toBe(false); // the stress set: 120,000 cells
    expect(needsServerOrder(AUTO_LOAD_ROWS + 1, 1)).toBe(true);
    expect(needsServerOrder(1000, Math.ceil(AUTO_LOAD_CELLS / 1000) + 1)).toBe(true);
  });
});

describe("hasRunningRuns", () => {
  it("is true while a run has configurations to complete", () => {
    expect(hasRunningRuns(OPTIONS)).toBe(false);
    expect(hasRunningRuns({ ...OPTIONS, runs: [{ ...OPTIONS.runs[0], completed: [] }] })).toBe(true);
    expect(hasRunningRuns(undefined)).toBe(false);
  });
});

describe("shortName", () => {
  it("drops the suite's name from its test cases' names", () => {
    expect(shortName("faces :: pose: profile", "faces")).toBe("pose: profile");
    expect(shortName("faces / night", "faces")).toBe("night");
    expect(shortName("other :: x", "faces")).toBe("other :: x");
    expect(shortName("faces :: ", "faces")).toBe("faces :: ");
    expect(shortName("faces", "faces")).toBe("faces");
  });
});
