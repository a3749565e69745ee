import { describe, expect, it } from "vitest";

import { allSelected, clickSelection, isSelected, noSelection, rangeBetween, selectedCount, setSelected } from "./selection";
import type { Selection } from "./types";

const ids = (selection: Selection) => (selection.mode === "ids" ? [...selection.ids].sort((a, b) => a - b) : null);
const excluded = (selection: Selection) => (selection.mode === "all" ? [...selection.excluded].sort((a, b) => a - b) : null);
/** Sample ids are ten times their index in these tests. */
const between = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => (from + i) * 10);

describe("selection", () => {
  it("ticks and unticks samples by hand, each change a new value", () => {
    const empty = noSelection();
    const one = setSelected(empty, [3], true);
    expect(ids(one)).toEqual([3]);
    expect(ids(empty)).toEqual([]);
    expect(isSelected(one, 3)).toBe(true);
    expect(isSelected(one, 4)).toBe(false);
    expect(ids(setSelected(one, [3], false))).toEqual([]);
    expect(selectedCount(one, 100)).toBe(1);
    expect(isSelected(undefined, 3)).toBe(false);
  });

  it("selects all but the samples unticked", () => {
    const all = setSelected(allSelected(), [5, 6], false);
    expect(excluded(all)).toEqual([5, 6]);
    expect(isSelected(all, 5)).toBe(false);
    expect(isSelected(all, 7)).toBe(true);
    expect(selectedCount(all, 1_000_000)).toBe(999_998);
    expect(excluded(setSelected(all, [5], true))).toEqual([6]);
  });

  it("orders a range either way", () => {
    expect(rangeBetween(2, 9)).toEqual([2, 9]);
    expect(rangeBetween(9, 2)).toEqual([2, 9]);
  });

  it("toggles one sample on a plain click", () => {
    const picked = clickSelection(noSelection(), { id: 30, index: 3, shift: false, anchor: 1 }, between);
    expect(ids(picked)).toEqual([30]);
    expect(ids(clickSelection(picked, { id: 30, index: 3, shift: false, anchor: 3 }, between))).toEqual([]);
  });

  it("gives a shift-click's range the state the clicked sample takes", () => {
    const start = setSelected(noSelection(), [20], true);
    const range = clickSelection(start, { id: 60, index: 6, shift: true, anchor: 2 }, between);
    expect(ids(range)).toEqual([20, 30, 40, 50, 60]);
    // Backwards, and unticking: the clicked sample is ticked, so the range is unticked.
    const untick = clickSelection(range, { id: 30, index: 3, shift: true, anchor: 5 }, between);
    expect(ids(untick)).toEqual([20, 60]);
    // Without an anchor a shift-click is a plain click.
    expect(ids(clickSelection(noSelection(), { id: 40, index: 4, shift: true, anchor: null }, between))).toEqual([40]);
  });

  it("unticks a shift range out of 'all' as exclusions", () => {
    const range = clickSelection(allSelected(), { id: 40, index: 4, shift: true, anchor: 1 }, between);
    expect(excluded(range)).toEqual([10, 20, 30, 40]);
    expect(selectedCount(range, 50)).toBe(46);
    const back = clickSelection(range, { id: 20, index: 2, shift: true, anchor: 3 }, between);
    expect(excluded(back)).toEqual([10, 40]);
  });
});
