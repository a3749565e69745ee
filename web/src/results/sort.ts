/**
 * Sorting the table's rows by one column: by value, by delta to the baseline, or by significance.
 *
 * The page sorts on the client when every row is loaded and asks the server otherwise; both follow the same
 * rules: rows without the key go last whatever the order, ties keep the server's order (the suite's order of
 * test cases), and "by significance" ranks by q-value, most significant first, larger changes first on ties.
 */

import { type GridColumn, resolveCell } from "./cells";
import type { CellStats, SortBy } from "./types";

export interface SortSpec {
  configuration: string | null;
  metric: string;
  modelId: number;
  by: SortBy;
  descending: boolean;
}

/** The column a sort names, if the grid has it. */
export function sortColumn(columns: readonly GridColumn[], sort: SortSpec | null): GridColumn | undefined {
  if (!sort) return undefined;
  return columns.find(
    (c) => c.configuration === sort.configuration && c.metric.key === sort.metric && c.model.id === sort.modelId,
  );
}

interface Keyed<R> {
  row: R;
  position: number;
  primary: number;
  secondary: number;
}

function keyOf(cells: readonly (CellStats | null)[], column: GridColumn, by: SortBy): [number, number] | null {
  const view = resolveCell(cells, column);
  const usable = (x: number | null): x is number => x !== null && !Number.isNaN(x);
  if (by === "value") return usable(view.value) ? [view.value, 0] : null;
  if (by === "delta") return usable(view.delta) ? [view.delta, 0] : null;
  const q = view.qValue ?? view.pValue;
  if (!usable(q)) return null;
  return [q, usable(view.delta) ? -Math.abs(view.delta) : 0];
}

/**
 * The rows in the order a sort asks for (a new array; the input is left as it is).
 *
 * `descending` reverses the order of rows that have the key; for significance, ascending means most
 * significant (smallest q) first.
 */
export function sortRows<R>(
  rows: readonly R[],
  cellsOf: (row: R) => readonly (CellStats | null)[],
  column: GridColumn | undefined,
  by: SortBy,
  descending: boolean,
): R[] {
  if (!column) return rows.slice();
  const keyed: Keyed<R>[] = [];
  const missing: R[] = [];
  rows.forEach((row, position) => {
    const key = keyOf(cellsOf(row), column, by);
    if (key === null) missing.push(row);
    else keyed.push({ row, position, primary: key[0], secondary: key[1] });
  });
  const sign = descending ? -1 : 1;
  keyed.sort((a, b) => {
    if (a.primary !== b.primary) return a.primary < b.primary ? -sign : sign;
    if (a.secondary !== b.secondary) return a.secondary < b.secondary ? -1 : 1;
    return a.position - b.position;
  });
  return [...keyed.map((k) => k.row), ...missing];
}

/** The sort after a click on a column's sort control: same column and key toggles the order. */
export function nextSort(
  current: SortSpec | null,
  column: Pick<GridColumn, "configuration" | "metric" | "model">,
  by: SortBy,
): SortSpec | null {
  const same =
    current !== null &&
    current.configuration === column.configuration &&
    current.metric === column.metric.key &&
    current.modelId === column.model.id &&
    current.by === by;
  if (same) {
    // Third click goes back to the suite's order.
    if (current.descending !== defaultDescending(by)) return null;
    return { ...current, descending: !current.descending };
  }
  return { configuration: column.configuration, metric: column.metric.key, modelId: column.model.id, by, descending: defaultDescending(by) };
}

/** Significance starts most-significant-first; values and deltas start largest first. */
export function defaultDescending(by: SortBy): boolean {
  return by !== "significance";
}
