import { describe, expect, it } from "vitest";

import {
  CAPTION_HEIGHT,
  GAP,
  cellOf,
  containRect,
  drawnRows,
  gridLayout,
  indexOf,
  pagesOf,
  positionLabel,
  rebase,
  rowAtFraction,
  rowCount,
  rowIndices,
  scrubFraction,
  viewAtRow,
  windowRowCount,
} from "./grid";

describe("grid layout", () => {
  it("fits as many target-sized columns as the width allows and shares the width out", () => {
    const layout = gridLayout(1000, 200);
    // 4 × 200 + 3 gaps = 824 fits, 5 × 200 + 4 gaps = 1032 does not.
    expect(layout.columns).toBe(4);
    expect(layout.cell).toBe(Math.floor((1000 - 3 * GAP) / 4));
    expect(layout.rowHeight).toBe(layout.cell + CAPTION_HEIGHT + GAP);
  });

  it("keeps one column in a narrow container", () => {
    expect(gridLayout(120, 200).columns).toBe(1);
    expect(gridLayout(0, 200).columns).toBe(1);
  });

  it("counts rows, the last one short", () => {
    expect(rowCount(0, 4)).toBe(0);
    expect(rowCount(8, 4)).toBe(2);
    expect(rowCount(9, 4)).toBe(3);
    expect(rowIndices(2, 4, 9)).toEqual([8, 9]);
    expect(rowIndices(1, 4, 9)).toEqual([4, 8]);
  });

  it("maps an index to its row and column and back", () => {
    expect(cellOf(0, 5)).toEqual({ row: 0, column: 0 });
    expect(cellOf(13, 5)).toEqual({ row: 2, column: 3 });
    expect(indexOf(2, 3, 5)).toBe(13);
    for (const index of [0, 4, 5, 999_999]) {
      const { row, column } = cellOf(index, 6);
      expect(indexOf(row, column, 6)).toBe(index);
    }
  });

  it("names the pages a range of samples needs", () => {
    expect(pagesOf(0, 0, 100)).toEqual([]);
    expect(pagesOf(0, 60, 100)).toEqual([0]);
    expect(pagesOf(90, 130, 100)).toEqual([0, 1]);
    expect(pagesOf(12_300, 12_400, 100)).toEqual([123]);
    expect(pagesOf(12_300, 12_401, 100)).toEqual([123, 124]);
  });

  it("contains an image in a square, centred", () => {
    expect(containRect(400, 200, 100, 100)).toEqual({ left: 0, top: 25, width: 100, height: 50 });
    expect(containRect(100, 300, 90, 90)).toEqual({ left: 30, top: 0, width: 30, height: 90 });
  });
});

describe("the scroll window", () => {
  const rowHeight = 234;
  const totalRows = 166_667; // a million samples in rows of six

  it("holds a window of rows under the browsers' height limit", () => {
    const windowRows = windowRowCount(totalRows, rowHeight);
    expect(windowRows * rowHeight).toBeLessThanOrEqual(8_000_000);
    expect(windowRows).toBeLessThan(totalRows);
    expect(windowRowCount(100, rowHeight)).toBe(100);
  });

  it("puts a jumped-to row at the top, in a window around it", () => {
    const windowRows = windowRowCount(totalRows, rowHeight);
    const view = viewAtRow(100_000, totalRows, windowRows, rowHeight);
    expect(view.base).toBeLessThanOrEqual(100_000);
    expect(view.base + windowRows).toBeGreaterThan(100_000);
    expect(view.base + view.scrollTop / rowHeight).toBe(100_000);
    expect(viewAtRow(0, totalRows, windowRows, rowHeight)).toEqual({ base: 0, scrollTop: 0 });
    const end = viewAtRow(totalRows + 10, totalRows, windowRows, rowHeight);
    expect(end.base + windowRows).toBe(totalRows);
    expect(end.base + end.scrollTop / rowHeight).toBe(totalRows - 1);
  });

  it("moves the window near its ends without moving what is on screen", () => {
    const windowRows = windowRowCount(totalRows, rowHeight);
    const nearEnd = { base: 0, scrollTop: (windowRows - 10) * rowHeight + 17 };
    const moved = rebase(nearEnd, totalRows, windowRows, rowHeight, 900);
    expect(moved).not.toBeNull();
    expect(moved!.base).toBeGreaterThan(0);
    // The same absolute pixel is at the top of the view.
    expect(moved!.base * rowHeight + moved!.scrollTop).toBe(nearEnd.base * rowHeight + nearEnd.scrollTop);
    // In the middle of a window, nothing moves.
    expect(rebase({ base: 0, scrollTop: (windowRows / 2) * rowHeight }, totalRows, windowRows, rowHeight, 900)).toBeNull();
    // At the list's ends there is nowhere to move.
    expect(rebase({ base: 0, scrollTop: 0 }, totalRows, windowRows, rowHeight, 900)).toBeNull();
    const last = totalRows - windowRows;
    expect(rebase({ base: last, scrollTop: (windowRows - 4) * rowHeight }, totalRows, windowRows, rowHeight, 900)).toBeNull();
    // A small list has one window.
    expect(rebase({ base: 0, scrollTop: 5000 }, 40, 40, rowHeight, 900)).toBeNull();
  });

  it("draws the visible rows and the overscan, clamped to the list", () => {
    expect(drawnRows({ base: 0, scrollTop: 0 }, 100, 200, 700, 2)).toEqual([0, 5]);
    expect(drawnRows({ base: 10, scrollTop: 450 }, 100, 200, 700, 2)).toEqual([10, 17]);
    expect(drawnRows({ base: 95, scrollTop: 800 }, 100, 200, 700, 2)).toEqual([97, 99]);
    expect(drawnRows({ base: 0, scrollTop: 0 }, 0, 200, 700, 2)).toEqual([0, -1]);
  });
});

describe("the scrubber", () => {
  it("maps the first visible row to a fraction of the track and back", () => {
    expect(scrubFraction(0, 1000, 4)).toBe(0);
    expect(scrubFraction(996, 1000, 4)).toBe(1);
    expect(scrubFraction(498, 1000, 4)).toBeCloseTo(0.5);
    expect(scrubFraction(10, 3, 4)).toBe(0);
    expect(rowAtFraction(0, 1000, 4)).toBe(0);
    expect(rowAtFraction(1, 1000, 4)).toBe(996);
    expect(rowAtFraction(0.5, 1000, 4)).toBe(498);
    expect(rowAtFraction(-1, 1000, 4)).toBe(0);
    expect(rowAtFraction(2, 1000, 4)).toBe(996);
    for (const row of [0, 1, 123, 995, 996]) expect(rowAtFraction(scrubFraction(row, 1000, 4), 1000, 4)).toBe(row);
  });

  it("labels the position with thousands separators", () => {
    expect(positionLabel(12_344, 1_000_000)).toBe("12,345 / 1,000,000");
    expect(positionLabel(0, 0)).toBe("0 / 0");
    expect(positionLabel(50, 10)).toBe("10 / 10");
  });
});
