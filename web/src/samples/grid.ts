// The gallery's geometry, as plain functions: square cells sized from the container's width, rows of them,
// which rows a scroll position shows, which pages of samples those rows need, and the scrubber's mapping
// between a position in the list and a fraction of its track.
//
// A million samples in rows of six, 230 px each, would be a 38 million px tall scroll area, past what browsers
// lay out (Chrome stops at 2^25 px, Firefox near 1.8e7). The scroll area therefore holds a window of rows
// (under WINDOW_PIXELS tall) starting at `base`; scrolling near either end of the window moves the window
// and the scroll position together, so that what is on screen does not move, and the scrubber reaches
// every row by moving the window.

/** Space between cells, in px. */
export const GAP = 8;
/** The caption under each image (checkbox, key, badge), in px. */
export const CAPTION_HEIGHT = 26;
/** The tallest scroll window, in px: well under every browser's limit on an element's height. */
export const WINDOW_PIXELS = 8_000_000;

export interface GridLayout {
  columns: number;
  /** The side of a cell's square image area, in px. */
  cell: number;
  /** A row's height: the cell, its caption and the gap under it. */
  rowHeight: number;
}

/**
 * Columns of cells as close to `target` px as fit in `width` (at least one), each as wide as the width
 * shared out evenly, so the grid fills its container.
 */
export function gridLayout(width: number, target: number, gap: number = GAP): GridLayout {
  const usable = Math.max(0, width);
  const columns = Math.max(1, Math.floor((usable + gap) / (target + gap)));
  const cell = Math.max(16, Math.floor((usable - gap * (columns - 1)) / columns));
  return { columns, cell, rowHeight: cell + CAPTION_HEIGHT + gap };
}

export function rowCount(total: number, columns: number): number {
  return total <= 0 ? 0 : Math.ceil(total / columns);
}

/** The row and column of the sample at `index`. */
export function cellOf(index: number, columns: number): { row: number; column: number } {
  return { row: Math.floor(index / columns), column: index % columns };
}

export function indexOf(row: number, column: number, columns: number): number {
  return row * columns + column;
}

/** The sample indices of a row, `[start, end)`, the last row being short when the total says so. */
export function rowIndices(row: number, columns: number, total: number): [number, number] {
  const start = row * columns;
  return [Math.min(start, total), Math.min(start + columns, total)];
}

/** The pages (of `pageSize` samples) that hold the samples `[start, end)`. */
export function pagesOf(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [];
  const pages: number[] = [];
  for (let page = Math.floor(start / pageSize); page * pageSize < end; page += 1) pages.push(page);
  return pages;
}

// -- the scroll window --------------------------------------------------------------------------------------
/** How many rows the scroll area holds at once. */
export function windowRowCount(totalRows: number, rowHeight: number, maxPixels: number = WINDOW_PIXELS): number {
  return Math.min(totalRows, Math.max(1, Math.floor(maxPixels / Math.max(1, rowHeight))));
}

/** The window's first row that puts `row` in its middle (or as near as the ends allow). */
export function windowBaseFor(row: number, totalRows: number, windowRows: number): number {
  const base = row - Math.floor(windowRows / 2);
  return Math.max(0, Math.min(base, totalRows - windowRows));
}

/** Rows from a window's end within which the window is moved on. */
export function windowMargin(windowRows: number, visibleRows: number): number {
  return Math.min(Math.floor(windowRows / 4), Math.max(visibleRows * 4, 64));
}

export interface GridView {
  /** The window's first row. */
  base: number;
  /** The scroll offset inside the window, in px. */
  scrollTop: number;
}

/**
 * The same view with its window moved when `view` comes within a margin of the window's ends and rows lie
 * beyond them; null when the window can stay. What is on screen does not change: the scroll offset moves by
 * exactly the rows the window moved.
 */
export function rebase(
  view: GridView,
  totalRows: number,
  windowRows: number,
  rowHeight: number,
  viewport: number,
): GridView | null {
  const visibleRows = Math.ceil(viewport / rowHeight);
  const margin = windowMargin(windowRows, visibleRows);
  const first = Math.floor(view.scrollTop / rowHeight);
  const nearTop = view.base > 0 && first < margin;
  const nearBottom = view.base + windowRows < totalRows && first + visibleRows > windowRows - margin;
  if (!nearTop && !nearBottom) return null;
  const base = windowBaseFor(view.base + first, totalRows, windowRows);
  if (base === view.base) return null;
  return { base, scrollTop: view.scrollTop - (base - view.base) * rowHeight };
}

/** The view whose first visible row is `row`. */
export function viewAtRow(row: number, totalRows: number, windowRows: number, rowHeight: number): GridView {
  const target = Math.max(0, Math.min(row, Math.max(0, totalRows - 1)));
  const base = windowBaseFor(target, totalRows, windowRows);
  return { base, scrollTop: (target - base) * rowHeight };
}

/** Absolute rows `[first, last]` a view draws: those on screen and `overscan` more on each side. */
export function drawnRows(
  view: GridView,
  totalRows: number,
  rowHeight: number,
  viewport: number,
  overscan: number,
): [number, number] {
  if (totalRows === 0) return [0, -1];
  const first = view.base + Math.floor(view.scrollTop / rowHeight);
  const last = view.base + Math.ceil((view.scrollTop + Math.max(viewport, 1)) / rowHeight) - 1;
  return [Math.max(0, first - overscan), Math.min(totalRows - 1, last + overscan)];
}

// -- the scrubber -------------------------------------------------------------------------------------------
/** Where the first visible row sits along the scrubber's track: 0 at the top, 1 when the last row shows. */
export function scrubFraction(firstRow: number, totalRows: number, visibleRows: number): number {
  const span = totalRows - visibleRows;
  if (span <= 0) return 0;
  return Math.max(0, Math.min(1, firstRow / span));
}

/** The first visible row for a point on the scrubber's track (`fraction` in [0, 1]). */
export function rowAtFraction(fraction: number, totalRows: number, visibleRows: number): number {
  const span = Math.max(0, totalRows - visibleRows);
  return Math.round(Math.max(0, Math.min(1, fraction)) * span);
}

const COUNT = new Intl.NumberFormat("en-US");

/** "12,345 / 1,000,000": the first visible sample (from 1) of the total. */
export function positionLabel(index: number, total: number): string {
  if (total <= 0) return "0 / 0";
  return `${COUNT.format(Math.min(index, total - 1) + 1)} / ${COUNT.format(total)}`;
}

/** Where an image of `naturalWidth × naturalHeight` sits when contained (centred, whole) in a box. */
export function containRect(
  naturalWidth: number,
  naturalHeight: number,
  boxWidth: number,
  boxHeight: number,
): { left: number; top: number; width: number; height: number } {
  if (naturalWidth <= 0 || naturalHeight <= 0) return { left: 0, top: 0, width: boxWidth, height: boxHeight };
  const scale = Math.min(boxWidth / naturalWidth, boxHeight / naturalHeight);
  const width = naturalWidth * scale;
  const height = naturalHeight * scale;
  return { left: (boxWidth - width) / 2, top: (boxHeight - height) / 2, width, height };
}
