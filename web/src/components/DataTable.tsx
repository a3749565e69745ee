// Every table of the app: a TanStack Table instance rendered as a real <table> (headers, sort buttons,
// aria-sort, so tests and screen readers find them), with its rows virtualised by TanStack Virtual so a
// table of thousands of rows keeps a few dozen in the DOM. The header sticks to the top of the scroll area
// and header groups (metric groups, models) become column groups with colSpan.
//
// `VirtualTable` renders a table instance its caller built (for options of its own: expansion, grouping,
// pinning); `DataTable` builds one from data and columns for the simple cases.
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type OnChangeFn,
  type Row,
  type RowData,
  type SortingState,
  type Table,
  useReactTable,
  type VisibilityState,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type CSSProperties, type ReactNode, useEffect, useMemo, useRef, useState } from "react";

declare module "@tanstack/react-table" {
  // Augments TanStack's own interface, so its type parameters must stay as declared there.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligned tabular figures. */
    numeric?: boolean;
    /** Class names for the column's cells and header. */
    className?: string;
    /** The header cell's title (a tooltip: the full metric name, its direction, ...). */
    headerTitle?: string;
  }
}

export interface VirtualTableProps<T> {
  table: Table<T>;
  /** The table's accessible name, as a caption (visually hidden unless `showCaption`). */
  caption: string;
  showCaption?: boolean;
  /** Estimated row height in px; rows are measured as they render, so this only guides the scrollbar. */
  rowHeight?: number;
  /** The scroll area's height (CSS); the table scrolls inside it. */
  maxHeight?: CSSProperties["maxHeight"];
  /** Shown in place of rows when there are none. */
  empty?: ReactNode;
  /** A row under an expanded row (nested tables). */
  renderExpanded?: (row: Row<T>) => ReactNode;
  /** Props for a row's <tr> (selection, data attributes). */
  rowProps?: (row: Row<T>) => React.HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  /** Called when the last rows come into view (to fetch the next page). */
  onEndReached?: () => void;
  overscan?: number;
  className?: string;
}

function ariaSort(direction: false | "asc" | "desc"): "ascending" | "descending" | "none" {
  return direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none";
}

function sortMark(direction: false | "asc" | "desc"): string {
  return direction === "asc" ? "▲" : direction === "desc" ? "▼" : "";
}

type Entry<T> = { kind: "row" | "expanded"; row: Row<T>; position: number };

export function VirtualTable<T>({
  table,
  caption,
  showCaption = false,
  rowHeight = 33,
  maxHeight = "70vh",
  empty = "Nothing to show.",
  renderExpanded,
  rowProps,
  onEndReached,
  overscan = 12,
  className,
}: VirtualTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  // An expanded row's sub-table is a virtual item of its own (a <tr> after the row's), measured as it
  // renders, so expansion works inside the virtual list without nesting bodies.
  const entries = useMemo<Entry<T>[]>(() => {
    if (!renderExpanded) return rows.map((row, position) => ({ kind: "row", row, position }));
    const list: Entry<T>[] = [];
    rows.forEach((row, position) => {
      list.push({ kind: "row", row, position });
      if (row.getIsExpanded()) list.push({ kind: "expanded", row, position });
    });
    return list;
  }, [rows, renderExpanded]);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (entries[index]?.kind === "expanded" ? rowHeight * 6 : rowHeight),
    getItemKey: (index) => {
      const entry = entries[index];
      return entry ? `${entry.kind}:${entry.row.id}` : index;
    },
    // A row laid out at 0 px (inside a closed <details>, or in a test's DOM) keeps its estimate: taken at
    // 0, the virtualiser would keep rendering rows to fill the viewport, up to all of them.
    measureElement: (element) => (element as HTMLElement).offsetHeight || rowHeight,
    overscan,
  });
  const items = virtualizer.getVirtualItems();
  const headerGroups = table.getHeaderGroups();
  const leafCount = table.getVisibleLeafColumns().length;

  const lastIndex = items.length ? items[items.length - 1].index : -1;
  const endReached = useRef(onEndReached);
  endReached.current = onEndReached;
  useEffect(() => {
    if (entries.length > 0 && lastIndex >= entries.length - 1 - overscan) endReached.current?.();
  }, [lastIndex, entries.length, overscan]);

  const paddingTop = items.length ? items[0].start - virtualizer.options.scrollMargin : 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;

  return (
    <div className={`table-scroll ${className ?? ""}`} ref={scrollRef} style={{ maxHeight }} data-virtual-scroll="">
      <table className="data" aria-rowcount={rows.length + headerGroups.length}>
        <caption className={showCaption ? undefined : "visually-hidden"}>{caption}</caption>
        <thead>
          {headerGroups.map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta;
                const isGroup = header.subHeaders.length > 0 || header.isPlaceholder;
                const direction = header.column.getIsSorted();
                const canSort = !isGroup && header.column.getCanSort();
                const classes = [meta?.numeric && !isGroup ? "num" : "", isGroup ? "group" : "", meta?.className ?? ""]
                  .filter(Boolean)
                  .join(" ");
                return (
                  <th
                    key={header.id}
                    colSpan={header.colSpan}
                    scope={isGroup ? "colgroup" : "col"}
                    className={classes || undefined}
                    title={meta?.headerTitle}
                    aria-sort={canSort ? ariaSort(direction) : undefined}
                  >
                    {header.isPlaceholder ? null : canSort ? (
                      <button type="button" className="sort" onClick={header.column.getToggleSortingHandler()}>
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span aria-hidden="true">{sortMark(direction)}</span>
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={leafCount} className="muted">
                {empty}
              </td>
            </tr>
          ) : null}
          {paddingTop > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={leafCount} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const entry = entries[item.index];
            const row = entry.row;
            if (entry.kind === "expanded") {
              return (
                <tr key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="expanded">
                  <td colSpan={leafCount}>{renderExpanded?.(row)}</td>
                </tr>
              );
            }
            return (
              <tr
                key={item.key}
                {...rowProps?.(row)}
                data-index={item.index}
                ref={virtualizer.measureElement}
                aria-rowindex={entry.position + 1 + headerGroups.length}
              >
                {row.getVisibleCells().map((cell) => {
                  const meta = cell.column.columnDef.meta;
                  const classes = [meta?.numeric ? "num" : "", meta?.className ?? ""].filter(Boolean).join(" ");
                  return (
                    <td key={cell.id} className={classes || undefined}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {paddingBottom > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={leafCount} style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

export interface DataTableProps<T> extends Omit<VirtualTableProps<T>, "table"> {
  data: T[];
  // Columns of one table hold values of different types; TanStack's column helpers type each column by its
  // value, and a list of them only fits a ColumnDef<T, any>[].
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  getRowId?: (row: T, index: number) => string;
  /** Controlled sorting (kept in the URL by the page); uncontrolled when omitted. */
  sorting?: SortingState;
  onSortingChange?: (sorting: SortingState) => void;
  /** The server sorts: the table only shows the sort state. */
  manualSorting?: boolean;
  /** Columns to leave out, by id: `{ model: false }`. */
  columnVisibility?: VisibilityState;
}

/** A table over data and column definitions, sortable client-side unless `manualSorting`. */
export function DataTable<T>({
  data,
  columns,
  getRowId,
  sorting,
  onSortingChange,
  manualSorting = false,
  columnVisibility,
  ...props
}: DataTableProps<T>) {
  const [localSorting, setLocalSorting] = useState<SortingState>([]);
  const controlled = sorting !== undefined;
  const handleSorting: OnChangeFn<SortingState> = (updater) => {
    const current = controlled ? sorting : localSorting;
    const next = typeof updater === "function" ? updater(current) : updater;
    if (controlled) onSortingChange?.(next);
    else setLocalSorting(next);
  };
  const table = useReactTable({
    data,
    columns,
    getRowId,
    state: { sorting: controlled ? sorting : localSorting, ...(columnVisibility ? { columnVisibility } : {}) },
    onSortingChange: handleSorting,
    manualSorting,
    enableSortingRemoval: true,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: manualSorting ? undefined : getSortedRowModel(),
  });
  return <VirtualTable table={table} {...props} />;
}
