// The results grid: a real <table> of rows × (configuration → metric → model) columns, virtualised in both
// directions so that 500 test cases × hundreds of columns render only what is on screen.
//
// TanStack Table holds the column groups (configuration, then metric, then model); TanStack Virtual picks
// the rows and leaf columns in view. The header's group cells span only the leaves drawn, so they are built
// from each drawn leaf's parents rather than from the table's full header groups. The first column (the
// row's name) and the three header rows stick while the grid scrolls.

import { type Column, type ColumnDef, type ColumnMeta, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type ReactNode, memo, useEffect, useMemo, useRef } from "react";
import { Link } from "react-router";

import { formatCount, formatDelta, formatNumber } from "../format";
import { type GridColumn, arrowOf, configurationName, resolveCell } from "./cells";
import { type DescribeContext, cellLabel, cellTooltip } from "./describe";
import { directionWords, sourceWords } from "./direction";
import type { SortSpec } from "./sort";
import type { CellStats, MetricColumn, SortBy } from "./types";

/** A row of the grid: a test case, the suite, or a class of a nested table. */
export interface GridRow {
  key: string;
  label: string;
  /** The whole name, when `label` is shortened (shown on hover). */
  fullLabel?: string;
  /** e.g. "300 samples", shown under the label. */
  detail?: string;
  cells: readonly (CellStats | null)[];
  testCaseId?: number;
  nestedFields?: readonly string[];
}

export interface GridFocus {
  rowKey: string;
  columnId: string;
}

export interface ResultsGridProps {
  /** The table's accessible name. */
  caption: string;
  /** What the first column holds ("Test case", "Class"). */
  rowHeader: string;
  columns: readonly GridColumn[];
  rows: readonly GridRow[];
  context: DescribeContext;
  colors: ReadonlyMap<number, string>;
  /** The most the grid may take (a CSS length): it is as tall as its rows, up to this, then scrolls. */
  maxHeight: number | string;
  sort?: SortSpec | null;
  onSort?: (column: GridColumn, by: SortBy) => void;
  onFlip?: (metric: MetricColumn) => void;
  onSetDirection?: (metric: MetricColumn, higherIsBetter: boolean | null) => void;
  /** Rows that can expand (nested tables): whether one is open, its toggle, and what it shows when open. */
  isOpen?: (row: GridRow) => boolean;
  onToggle?: (row: GridRow) => void;
  renderDetail?: (row: GridRow) => ReactNode;
  onPlots?: (row: GridRow) => void;
  plotsFor?: number | null;
  /** The cell j/k moved to: scrolled into view and focused. */
  focus?: GridFocus | null;
  /** Called when the last rows come into view (to load the next page). */
  onEndReached?: () => void;
  /** All rows, loaded or not (aria-rowcount). */
  totalRows?: number;
  /** Where a cell's delta links to (the samples behind it in the Studio); null: no link. */
  deltaHref?: (row: GridRow, column: GridColumn) => string | null;
}

export const LABEL_WIDTH = 264;
export const CELL_WIDTH = 128;
const ROW_HEIGHT = 44;
const DETAIL_ESTIMATE = 360;
/** Row slots that drawn rows recycle (more than any window draws at once). */
const ROW_POOL = 256;
/** Heights of the configuration, metric and model header rows. */
const HEADER_ROWS = [28, 50, 66] as const;
const HEADER_HEIGHT = HEADER_ROWS[0] + HEADER_ROWS[1] + HEADER_ROWS[2];
const SCROLLBAR_ROOM = 18;

interface Meta {
  column: GridColumn;
}

// TanStack's ColumnMeta is an empty interface meant for global augmentation; a cast keeps ours local.
const metaOf = (column: GridColumn) => ({ column }) satisfies Meta as unknown as ColumnMeta<GridRow, unknown>;

type Item = { kind: "row"; row: GridRow; index: number } | { kind: "detail"; row: GridRow; index: number };

/** TanStack column groups: configuration → metric → model, in the server's column order. */
function columnDefs(columns: readonly GridColumn[]): ColumnDef<GridRow>[] {
  const configs: ColumnDef<GridRow>[] = [];
  let config: { id: string; columns: ColumnDef<GridRow>[] } | null = null;
  let metric: { id: string; columns: ColumnDef<GridRow>[] } | null = null;
  for (const column of columns) {
    const configId = `c\u241f${column.configuration ?? ""}`;
    if (!config || config.id !== configId) {
      config = { id: configId, columns: [] };
      metric = null;
      configs.push({ id: configId, header: configurationName(column.configuration), columns: config.columns });
    }
    const metricId = `${configId}\u241f${column.metric.key}`;
    if (!metric || metric.id !== metricId) {
      metric = { id: metricId, columns: [] };
      config.columns.push({ id: metricId, header: column.metric.label, columns: metric.columns, meta: metaOf(column) });
    }
    metric.columns.push({ id: column.id, header: column.model.name, meta: metaOf(column) });
  }
  return configs;
}

interface Span {
  id: string;
  span: number;
  first: GridColumn;
}

/** Consecutive drawn leaves under the same parent column, merged into one header cell. */
function spans(leaves: readonly Column<GridRow, unknown>[], depth: 0 | 1): Span[] {
  const out: Span[] = [];
  for (const leaf of leaves) {
    const parent = depth === 1 ? leaf.parent : leaf.parent?.parent;
    const id = parent?.id ?? leaf.id;
    const last = out.at(-1);
    if (last && last.id === id) last.span += 1;
    else out.push({ id, span: 1, first: (leaf.columnDef.meta as Meta).column });
  }
  return out;
}

function sortState(sort: SortSpec | null | undefined, column: GridColumn): SortSpec | null {
  if (!sort) return null;
  return sort.configuration === column.configuration && sort.metric === column.metric.key && sort.modelId === column.model.id ? sort : null;
}

const SORT_KEYS: { by: SortBy; text: string; words: string }[] = [
  { by: "value", text: "val", words: "value" },
  { by: "delta", text: "Δ", words: "delta to the baseline" },
  { by: "significance", text: "q", words: "significance (q-value)" },
];

function MetricHeader({
  column,
  span,
  onFlip,
  onSetDirection,
}: {
  column: GridColumn;
  span: number;
  onFlip?: (metric: MetricColumn) => void;
  onSetDirection?: (metric: MetricColumn, higherIsBetter: boolean | null) => void;
}) {
  const { metric, direction } = column;
  const words = directionWords(direction);
  const source = sourceWords(direction);
  const arrow = direction.higherIsBetter === null ? "?" : direction.higherIsBetter ? "↑" : "↓";
  const unknownByDefault = direction.defaultHigherIsBetter === null;
  return (
    <th scope="colgroup" colSpan={span} className="rg-metric" data-metric={metric.key} data-direction={direction.higherIsBetter === null ? "unknown" : direction.higherIsBetter ? "higher" : "lower"}>
      <div className="rg-metric-inner">
        <span className="rg-metric-name" title={metric.group ? `${metric.group} · ${metric.label}` : metric.label}>
          {metric.label}
        </span>
        <span className="rg-direction" title={`${words}: ${source}`}>
          {unknownByDefault && onSetDirection ? (
            <select
              aria-label={`Direction of ${metric.label}`}
              value={direction.higherIsBetter === null ? "unknown" : direction.higherIsBetter ? "higher" : "lower"}
              onChange={(event) => {
                const value = event.target.value;
                onSetDirection(metric, value === "unknown" ? null : value === "higher");
              }}
            >
              <option value="unknown">? unknown</option>
              <option value="higher">↑ higher is better</option>
              <option value="lower">↓ lower is better</option>
            </select>
          ) : onFlip ? (
            <button
              type="button"
              className="rg-flip"
              aria-pressed={direction.source === "flipped"}
              aria-label={`Flip direction of ${metric.label} (now ${words}, ${source})`}
              onClick={() => onFlip(metric)}
            >
              {arrow} {direction.higherIsBetter ? "higher" : "lower"}
            </button>
          ) : (
            <span>
              {arrow} {words}
            </span>
          )}
          <span className="rg-source">{direction.source === "name" ? "by name" : direction.source === "none" ? "no direction" : direction.source}</span>
        </span>
      </div>
    </th>
  );
}

function ModelHeader({
  column,
  color,
  sort,
  onSort,
}: {
  column: GridColumn;
  color: string | undefined;
  sort: SortSpec | null;
  onSort?: (column: GridColumn, by: SortBy) => void;
}) {
  const ariaSort = sort ? (sort.descending ? "descending" : "ascending") : undefined;
  const keys = column.isBaseline ? SORT_KEYS.slice(0, 1) : SORT_KEYS;
  const label = `${column.metric.label} ${configurationName(column.configuration)} ${column.model.name}`;
  return (
    <th scope="col" className="rg-model" aria-sort={ariaSort} data-column={column.id}>
      <div className="rg-model-name" title={column.model.name}>
        <span className="rg-swatch" style={{ background: color }} aria-hidden="true" />
        <span className="rg-ellipsis">{column.model.name}</span>
      </div>
      <div className="rg-model-meta">
        {column.isBaseline ? <span className="rg-baseline">baseline</span> : null}
        {onSort
          ? keys.map((key) => {
              const active = sort?.by === key.by;
              return (
                <button
                  key={key.by}
                  type="button"
                  className={`rg-sort${active ? " active" : ""}`}
                  aria-label={`Sort by ${key.words} of ${label}${active ? (sort?.descending ? ", now descending" : ", now ascending") : ""}`}
                  aria-pressed={active}
                  onClick={() => onSort(column, key.by)}
                >
                  {key.text}
                  {active ? (sort?.descending ? "▾" : "▴") : ""}
                </button>
              );
            })
          : null}
      </div>
    </th>
  );
}

const Cell = memo(function Cell({
  row,
  column,
  context,
  colIndex,
  href,
}: {
  row: GridRow;
  column: GridColumn;
  context: DescribeContext;
  colIndex: number;
  href: string | null;
}) {
  const view = resolveCell(row.cells, column);
  const arrow = arrowOf(view.delta);
  const focusable = view.state === "worse" || view.state === "better" || view.state === "changed";
  return (
    <td
      className={`rg-cell s-${view.state}`}
      aria-colindex={colIndex}
      aria-label={cellLabel(view, column, context)}
      title={cellTooltip(view, column, context)}
      data-state={view.state}
      data-row={row.key}
      data-column={column.id}
      data-value={view.value ?? undefined}
      data-delta={view.delta ?? undefined}
      data-q={view.qValue ?? undefined}
      tabIndex={focusable ? -1 : undefined}
    >
      <span className="rg-value">{formatNumber(view.value)}</span>
      {view.delta !== null && view.state !== "baseline" ? (
        href ? (
          // The delta itself opens the samples behind it: one click from a regression to its examples.
          <Link className="rg-delta rg-delta-link" to={href} aria-label="Samples behind this change" title="Samples behind this change">
            {arrow ? <span aria-hidden="true">{arrow} </span> : null}
            {formatDelta(view.delta)}
          </Link>
        ) : (
          <span className="rg-delta">
            {arrow ? <span aria-hidden="true">{arrow} </span> : null}
            {formatDelta(view.delta)}
          </span>
        )
      ) : null}
    </td>
  );
});

/** The grid. */
export function ResultsGrid(props: ResultsGridProps) {
  const { columns, rows, context, colors, maxHeight, sort, focus, isOpen, renderDetail } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const defs = useMemo(() => columnDefs(columns), [columns]);
  const table = useReactTable({
    data: rows as GridRow[],
    columns: defs,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.key,
  });
  const leaves = table.getVisibleLeafColumns();

  const items = useMemo(() => {
    const out: Item[] = [];
    rows.forEach((row, index) => {
      out.push({ kind: "row", row, index });
      if (isOpen?.(row) && renderDetail) out.push({ kind: "detail", row, index });
    });
    return out;
  }, [rows, isOpen, renderDetail]);

  const rowVirtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (items[i]?.kind === "detail" ? DETAIL_ESTIMATE : ROW_HEIGHT),
    getItemKey: (i) => (items[i] ? `${items[i].kind}:${items[i].row.key}` : i),
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    overscan: 8,
  });
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: leaves.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CELL_WIDTH,
    getItemKey: (i) => leaves[i]?.id ?? i,
    paddingStart: LABEL_WIDTH,
    scrollPaddingStart: LABEL_WIDTH,
    overscan: 3,
  });

  const virtualRows = rowVirtualizer.getVirtualItems();
  // Drawn rows are keyed by slot (index modulo a pool larger than the window), not by test case: a new sort
  // then updates the rows in place instead of unmounting every drawn row and mounting others (on the 50 × 5
  // set that churn was most of a sort's time), and a scroll by one row still recycles just one slot.
  const pool = Math.max(ROW_POOL, virtualRows.length);
  const slotOf = (index: number) => index % pool;
  const virtualColumns = columnVirtualizer.getVirtualItems();
  const drawn = virtualColumns.map((v) => leaves[v.index]);
  const padLeft = virtualColumns.length > 0 ? virtualColumns[0].start - LABEL_WIDTH : 0;
  const padRight = virtualColumns.length > 0 ? columnVirtualizer.getTotalSize() - virtualColumns[virtualColumns.length - 1].end : 0;
  const padTop = virtualRows.length > 0 ? virtualRows[0].start - HEADER_HEIGHT : 0;
  const padBottom = virtualRows.length > 0 ? rowVirtualizer.getTotalSize() - virtualRows[virtualRows.length - 1].end : 0;
  const width = LABEL_WIDTH + leaves.length * CELL_WIDTH;
  const span = 1 + (padLeft > 0 ? 1 : 0) + drawn.length + (padRight > 0 ? 1 : 0);

  // Load the next page when its rows come near.
  const lastIndex = virtualRows.at(-1)?.index ?? -1;
  const { onEndReached } = props;
  useEffect(() => {
    if (onEndReached && items.length > 0 && lastIndex >= items.length - 10) onEndReached();
  }, [lastIndex, items.length, onEndReached]);

  // j/k: bring the cell into view, then focus it once the virtualisers have drawn it.
  useEffect(() => {
    if (!focus) return;
    const rowIndex = items.findIndex((item) => item.kind === "row" && item.row.key === focus.rowKey);
    const columnIndex = leaves.findIndex((leaf) => leaf.id === focus.columnId);
    if (rowIndex < 0 || columnIndex < 0) return;
    rowVirtualizer.scrollToIndex(rowIndex, { align: "auto" });
    columnVirtualizer.scrollToIndex(columnIndex, { align: "auto" });
    let frames = 0;
    let handle = 0;
    const tryFocus = () => {
      // Compared through dataset rather than a selector: keys hold arbitrary names.
      const cells = scroller.current?.querySelectorAll<HTMLElement>("td[data-row]") ?? [];
      const cell = [...cells].find((td) => td.dataset.row === focus.rowKey && td.dataset.column === focus.columnId);
      if (cell) cell.focus({ preventScroll: true });
      else if (frames++ < 10) handle = requestAnimationFrame(tryFocus);
    };
    handle = requestAnimationFrame(tryFocus);
    return () => cancelAnimationFrame(handle);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);

  // As tall as the rows (with room for a horizontal scrollbar), up to maxHeight.
  const style = { height: rowVirtualizer.getTotalSize() + SCROLLBAR_ROOM, maxHeight };

  return (
    <div
      ref={scroller}
      className="rg-scroll"
      style={style}
      data-virtual-scroll=""
      // The scrolling region is reachable by keyboard so it can be scrolled with the arrow keys.
      tabIndex={0}
      role="region"
      aria-label={`${props.caption} (scrollable)`}
    >
      <table className="rg-table" style={{ width }} aria-label={props.caption} aria-rowcount={(props.totalRows ?? rows.length) + 3} aria-colcount={leaves.length + 1}>
        <colgroup>
          <col style={{ width: LABEL_WIDTH }} />
          {padLeft > 0 ? <col style={{ width: padLeft }} /> : null}
          {drawn.map((leaf) => (
            <col key={leaf.id} style={{ width: CELL_WIDTH }} />
          ))}
          {padRight > 0 ? <col style={{ width: padRight }} /> : null}
        </colgroup>
        <thead>
          <tr className="rg-h0" aria-rowindex={1}>
            <th scope="col" rowSpan={3} className="rg-corner">
              {props.rowHeader}
            </th>
            {padLeft > 0 ? <th aria-hidden="true" className="rg-pad" /> : null}
            {spans(drawn, 0).map((s) => (
              <th key={s.id} scope="colgroup" colSpan={s.span} className="rg-config">
                <span className="rg-sticky-label">{configurationName(s.first.configuration)}</span>
              </th>
            ))}
            {padRight > 0 ? <th aria-hidden="true" className="rg-pad" /> : null}
          </tr>
          <tr className="rg-h1" aria-rowindex={2}>
            {padLeft > 0 ? <th aria-hidden="true" className="rg-pad" /> : null}
            {spans(drawn, 1).map((s) => (
              <MetricHeader key={s.id} column={s.first} span={s.span} onFlip={props.onFlip} onSetDirection={props.onSetDirection} />
            ))}
            {padRight > 0 ? <th aria-hidden="true" className="rg-pad" /> : null}
          </tr>
          <tr className="rg-h2" aria-rowindex={3}>
            {padLeft > 0 ? <th aria-hidden="true" className="rg-pad" /> : null}
            {drawn.map((leaf) => {
              const column = (leaf.columnDef.meta as Meta).column;
              return <ModelHeader key={leaf.id} column={column} color={colors.get(column.model.id)} sort={sortState(sort, column)} onSort={props.onSort} />;
            })}
            {padRight > 0 ? <th aria-hidden="true" className="rg-pad" /> : null}
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true" className="rg-spacer">
              <td colSpan={span} style={{ height: padTop }} />
            </tr>
          ) : null}
          {virtualRows.map((virtual) => {
            const item = items[virtual.index];
            if (!item) return null;
            const { row } = item;
            if (item.kind === "detail") {
              return (
                <tr key={slotOf(virtual.index)} ref={rowVirtualizer.measureElement} data-index={virtual.index} className="rg-detail">
                  <td colSpan={span}>
                    <div className="rg-detail-inner" id={`detail-${row.key}`}>
                      {props.renderDetail?.(row)}
                    </div>
                  </td>
                </tr>
              );
            }
            const open = props.isOpen?.(row) ?? false;
            const expandable = (row.nestedFields?.length ?? 0) > 0 && props.onToggle;
            return (
              <tr key={slotOf(virtual.index)} className="rg-row" style={{ height: ROW_HEIGHT }} aria-rowindex={item.index + 4} data-row={row.key}>
                <th scope="row" className="rg-label">
                  <div className="rg-label-inner">
                    {expandable ? (
                      <button
                        type="button"
                        className="rg-expand"
                        aria-expanded={open}
                        aria-controls={open ? `detail-${row.key}` : undefined}
                        aria-label={`${open ? "Hide" : "Show"} nested results of ${row.label} (${row.nestedFields?.join(", ")})`}
                        onClick={() => props.onToggle?.(row)}
                      >
                        {open ? "▾" : "▸"}
                      </button>
                    ) : (
                      <span className="rg-expand-space" />
                    )}
                    <span className="rg-label-text">
                      <span className="rg-ellipsis" title={row.fullLabel ?? row.label}>
                        {row.label}
                      </span>
                      {row.detail ? <span className="rg-label-detail">{row.detail}</span> : null}
                    </span>
                    {props.onPlots && row.testCaseId !== undefined ? (
                      <button
                        type="button"
                        className="rg-plots"
                        aria-pressed={props.plotsFor === row.testCaseId}
                        aria-label={`Plots of ${row.label}`}
                        onClick={() => props.onPlots?.(row)}
                      >
                        plots
                      </button>
                    ) : null}
                  </div>
                </th>
                {padLeft > 0 ? <td aria-hidden="true" className="rg-pad" /> : null}
                {virtualColumns.map((v) => {
                  const column = (leaves[v.index].columnDef.meta as Meta).column;
                  const href = props.deltaHref && !column.isBaseline ? props.deltaHref(row, column) : null;
                  return <Cell key={column.id} row={row} column={column} context={context} colIndex={v.index + 2} href={href} />;
                })}
                {padRight > 0 ? <td aria-hidden="true" className="rg-pad" /> : null}
              </tr>
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true" className="rg-spacer">
              <td colSpan={span} style={{ height: padBottom }} />
            </tr>
          ) : null}
        </tbody>
      </table>
      {rows.length === 0 ? <p className="rg-empty">No rows.</p> : null}
    </div>
  );
}

/** A count of samples as a row's detail line. */
export function samplesDetail(n: number): string {
  return `${formatCount(n)} sample${n === 1 ? "" : "s"}`;
}
