/**
 * Sorting the table's rows by one column: by value, by delta to the baseline, or by significance.
 *
 * The page sorts on the client when every row is loaded and asks the server otherwise; both follow the same
 * rules (assay.service.results_view.page_table): rows without the key (or with NaN) go last whatever the
 * order, ties keep the server's order (the suite's order of test cases), and "by significance" ranks by
 * q-value, ascending being most significant first.
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
  key: number;
}

function keyOf(cells: readonly (CellStats | null)[], column: GridColumn, by: SortBy): number | null {
  const view = resolveCell(cells, column);
  const key = by === "value" ? view.value : by === "delta" ? view.delta : view.qValue;
  return key === null || Number.isNaN(key) ? null : key;
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
    else keyed.push({ row, position, key });
  });
  const sign = descending ? -1 : 1;
  keyed.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -sign : sign) : a.position - b.position));
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
