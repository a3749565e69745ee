// Selection of gallery samples, as values: samples picked by hand, or every sample of the source but those
// unticked. Every change returns a new Selection (new Set), so React sees it change.
import type { Selection } from "./types";

export const noSelection = (): Selection => ({ mode: "ids", ids: new Set() });

export const allSelected = (): Selection => ({ mode: "all", excluded: new Set() });

export function isSelected(selection: Selection | undefined, id: number): boolean {
  if (!selection) return false;
  return selection.mode === "ids" ? selection.ids.has(id) : !selection.excluded.has(id);
}

/** Ticks (or unticks) `ids`. */
export function setSelected(selection: Selection, ids: Iterable<number>, selected: boolean): Selection {
  if (selection.mode === "ids") {
    const next = new Set(selection.ids);
    for (const id of ids) {
      if (selected) next.add(id);
      else next.delete(id);
    }
    return { mode: "ids", ids: next };
  }
  const excluded = new Set(selection.excluded);
  for (const id of ids) {
    if (selected) excluded.delete(id);
    else excluded.add(id);
  }
  return { mode: "all", excluded };
}

/** How many samples are selected out of `total`. */
export function selectedCount(selection: Selection | undefined, total: number): number {
  if (!selection) return 0;
  return selection.mode === "ids" ? selection.ids.size : Math.max(0, total - selection.excluded.size);
}

/** The indices from the last ticked one to this one, both included, in either order. */
export function rangeBetween(anchor: number, index: number): [number, number] {
  return anchor <= index ? [anchor, index] : [index, anchor];
}

/**
 * The selection after a click on a sample's checkbox: a plain click toggles it; a shift-click gives every
 * sample between the previous click (`anchor`) and this one the state the clicked sample takes.
 * `idsBetween` gives the ids of the samples at indices `[from, to]`.
 */
export function clickSelection(
  selection: Selection,
  click: { id: number; index: number; shift: boolean; anchor: number | null },
  idsBetween: (from: number, to: number) => number[],
): Selection {
  const selected = !isSelected(selection, click.id);
  if (!click.shift || click.anchor === null || click.anchor === click.index) {
    return setSelected(selection, [click.id], selected);
  }
  const [from, to] = rangeBetween(click.anchor, click.index);
  return setSelected(selection, [...idsBetween(from, to), click.id], selected);
}
