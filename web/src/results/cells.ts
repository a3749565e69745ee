/**
 * From the server's cells to what a reader sees: each delta in one of three states (significantly better,
 * significantly worse, insufficient evidence), with the metric's direction after the user's overrides.
 */

import { type Direction, type DirectionOverrides, directionOf } from "./direction";
import type { CellStats, MetricColumn, ModelRef, ResultColumn } from "./types";
import { num } from "./wire";

/**
 * - better / worse: the test found a difference (q <= alpha) and the metric's direction says which it is;
 * - changed: a significant difference on a metric whose direction is unknown (shown without colour);
 * - insufficient: no significant difference, or no test at all (a metric without a per-sample basis);
 * - baseline: the baseline model's own cell; missing: nothing stored.
 */
export type CellState = "better" | "worse" | "changed" | "insufficient" | "baseline" | "missing";

/** The words a state reads as, in a cell's accessible name and in exports. */
export const STATE_WORDS: Record<CellState, string> = {
  better: "significantly better",
  worse: "significantly worse",
  changed: "significant change, direction unknown",
  insufficient: "insufficient evidence",
  baseline: "baseline",
  missing: "no result",
};

/** The state of a delta from the test's verdict, the delta's sign and the metric's direction. */
export function deltaState(
  significant: boolean | null | undefined,
  delta: number | null,
  higherIsBetter: boolean | null,
): "better" | "worse" | "changed" | "insufficient" {
  if (!significant || delta === null || Number.isNaN(delta) || delta === 0) return "insufficient";
  if (higherIsBetter === null) return "changed";
  return delta > 0 === higherIsBetter ? "better" : "worse";
}

/** A column of the grid: a metric of one model under one configuration, with what its cells need. */
export interface GridColumn {
  /** Position in the server's `columns` (and so in every row's `cells`). */
  index: number;
  id: string;
  configuration: string | null;
  metric: MetricColumn;
  model: ModelRef;
  isBaseline: boolean;
  /** Where the baseline's cell of the same configuration and metric is, for deltas the server did not test. */
  baselineIndex: number | null;
  direction: Direction;
}

/** A cell as the page shows and exports it. */
export interface CellView {
  value: number | null;
  /** The server's delta, or value minus the baseline's when the metric has no test (then `tested` is false). */
  delta: number | null;
  tested: boolean;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  qValue: number | null;
  significant: boolean | null;
  test: "paired" | "unpaired" | null;
  n: number | null;
  state: CellState;
}

/** A stable id of a column (used in the DOM and for j/k focus). */
export function columnId(column: ResultColumn): string {
  return `${column.configuration ?? ""}\u241f${column.metric}\u241f${column.model_id}`;
}

/** The configuration's name as shown: the unnamed configuration reads "default". */
export function configurationName(configuration: string | null): string {
  return configuration ?? "default";
}

/**
 * The grid's columns, in the server's order, with their metric, model, direction and baseline column.
 *
 * Columns naming a metric or model the table does not describe are dropped rather than shown half-labelled.
 */
export function gridColumns(
  columns: readonly ResultColumn[],
  metrics: readonly MetricColumn[],
  models: readonly ModelRef[],
  baselineId: number,
  overrides: DirectionOverrides,
): GridColumn[] {
  const metricByKey = new Map(metrics.map((m) => [m.key, m]));
  const modelById = new Map(models.map((m) => [m.id, m]));
  const directions = new Map(metrics.map((m) => [m.key, directionOf(m, overrides)]));
  const baselineAt = new Map<string, number>();
  columns.forEach((column, index) => {
    if (column.model_id === baselineId) baselineAt.set(`${column.configuration ?? ""}\u241f${column.metric}`, index);
  });
  const out: GridColumn[] = [];
  columns.forEach((column, index) => {
    const metric = metricByKey.get(column.metric);
    const model = modelById.get(column.model_id);
    if (!metric || !model) return;
    const isBaseline = column.model_id === baselineId;
    out.push({
      index,
      id: columnId(column),
      configuration: column.configuration,
      metric,
      model,
      isBaseline,
      baselineIndex: isBaseline ? null : (baselineAt.get(`${column.configuration ?? ""}\u241f${column.metric}`) ?? null),
      direction: directions.get(metric.key) as Direction,
    });
  });
  return out;
}

/** One cell of a row, resolved against its column. */
export function resolveCell(cells: readonly (CellStats | null)[], column: GridColumn): CellView {
  const cell = cells[column.index] ?? null;
  const value = cell ? num(cell.value) : null;
  const blank: CellView = {
    value,
    delta: null,
    tested: false,
    ciLow: null,
    ciHigh: null,
    pValue: null,
    qValue: null,
    significant: null,
    test: null,
    n: cell?.n ?? null,
    state: "missing",
  };
  if (!cell || value === null) return blank;
  if (column.isBaseline) return { ...blank, state: "baseline" };
  let delta = num(cell.delta);
  const tested = cell.significant !== null && cell.significant !== undefined;
  if (delta === null && column.baselineIndex !== null) {
    // Metrics without a per-sample basis (AP, F1) come without a delta; the difference is still worth showing.
    const base = cells[column.baselineIndex];
    const baseValue = base ? num(base.value) : null;
    if (baseValue !== null) delta = value - baseValue;
  }
  return {
    value,
    delta,
    tested,
    ciLow: num(cell.ci_low),
    ciHigh: num(cell.ci_high),
    pValue: num(cell.p_value),
    qValue: num(cell.q_value),
    significant: cell.significant ?? null,
    test: cell.test ?? null,
    n: cell.n ?? null,
    state: deltaState(cell.significant, delta, column.direction.higherIsBetter),
  };
}

/** Whether a row has at least one significant delta among the columns (the "only significant" filter). */
export function rowIsSignificant(cells: readonly (CellStats | null)[], columns: readonly GridColumn[]): boolean {
  for (const column of columns) {
    if (column.isBaseline) continue;
    const cell = cells[column.index];
    if (cell?.significant) return true;
  }
  return false;
}

/** Up ▲ or down ▼ by the delta's sign (the colour says better or worse; the arrow says which way it moved). */
export function arrowOf(delta: number | null): string {
  if (delta === null || Number.isNaN(delta) || delta === 0) return "";
  return delta > 0 ? "\u25b2" : "\u25bc";
}
