// The samples gallery: a virtualised grid of square cells over any source of samples (a Studio query, the
// samples behind a results delta...), pages fetched as rows come into view, a scrubber to jump anywhere in
// a million samples, selection by hand (shift-click for ranges) or of all, and the layers drawn over each
// thumbnail. Cells never change size once drawn, so nothing jumps when thumbnails or pages arrive.
import "./samples.css";

import { hashKey, useQuery } from "@tanstack/react-query";
import {
  type CSSProperties,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from "react";

import { type CellActions, GalleryCell, cellMedia } from "./GalleryCell";
import {
  GAP,
  drawnRows,
  gridLayout,
  positionLabel,
  rowAtFraction,
  rowCount,
  scrubFraction,
  windowRowCount,
} from "./grid";
import { LayerControls } from "./LayerControls";
import { Motion } from "./motion";
import { PAGE_SIZE, pageQuery, useGalleryPages } from "./pages";
import { SCRUB_KEYS, Scrubber, type ScrubStep } from "./Scrubber";
import { allSelected, clickSelection, isSelected, noSelection, selectedCount } from "./selection";
import { type OverlayCell, RowOverlay } from "./RowOverlay";
import type { GalleryItem, GallerySource, LayerState, ModelRef, Selection } from "./types";
import { useElementSize, useGridView } from "./useGridView";

export interface GalleryProps {
  source: GallerySource;
  layers: LayerState;
  /** Shows the layer controls above the grid when given. */
  onLayersChange?: (next: LayerState) => void;
  selection?: Selection;
  /** Shows checkboxes (and select all / clear) when given. */
  onSelectionChange?: (next: Selection) => void;
  onOpen?: (item: GalleryItem, index: number) => void;
  /** The models asked for, in order: their layers' names and colours (default: those the items carry). */
  models?: readonly ModelRef[];
  /** The workflow's type schema (`SampleFields.workflow_schema`), which annotations are found by. */
  schema?: Record<string, unknown> | null;
  /** The cells' first target size in px (the toolbar changes it); the grid fits as many columns as fit. */
  cellSize?: number;
  /** The grid's height (CSS). */
  height?: CSSProperties["height"];
  /** The gallery's accessible name. */
  label?: string;
}

/** The cell sizes the toolbar offers, in px. */
const CELL_SIZES: readonly (readonly [string, number])[] = [
  ["small", 120],
  ["medium", 200],
  ["large", 320],
];

function closestSize(px: number): number {
  return CELL_SIZES.reduce((best, [, size]) => (Math.abs(size - px) < Math.abs(best - px) ? size : best), CELL_SIZES[0][1]);
}

/** Rows drawn beyond the visible ones, above and below. */
const OVERSCAN = 2;
/** Thumbnail sizes remembered at most (the samples whose size the server did not give). */
const MAX_SIZES = 5000;
/** The longest side of the server's thumbnails: a thumbnail smaller than this is the original itself. */
const THUMBNAIL_SIZE = 256;

const sizeKey = (item: GalleryItem, path: string) => `${item.id}\u241f${path}`;

/**
 * The size of the image a cell's overlays are drawn in (the original's pixels): the server's, else the
 * thumbnail's when it was not scaled down (then it is the original); null when unknown.
 */
export function overlaySize(
  item: GalleryItem,
  path: string,
  loaded: ReadonlyMap<string, { width: number; height: number }>,
): { width: number; height: number } | null {
  if (path === "" && item.width && item.height) return { width: item.width, height: item.height };
  const thumbnail = loaded.get(sizeKey(item, path));
  return thumbnail && Math.max(thumbnail.width, thumbnail.height) < THUMBNAIL_SIZE ? thumbnail : null;
}

export function Gallery({
  source,
  layers,
  onLayersChange,
  selection,
  onSelectionChange,
  onOpen,
  models,
  schema,
  cellSize = 200,
  height = "70vh",
  label = "Samples",
}: GalleryProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridId = useId();
  const head = useQuery(pageQuery(source, PAGE_SIZE, 0));
  const total = head.data?.total ?? null;
  const knownTotal = total ?? 0;

  const size = useElementSize(scrollRef);
  const [target, setTarget] = useState(cellSize);
  const layout = useMemo(() => gridLayout(Math.max(0, size.width - GAP), target), [size.width, target]);
  const totalRows = rowCount(knownTotal, layout.columns);
  const windowRows = windowRowCount(totalRows, layout.rowHeight);
  const motion = useMemo(() => new Motion(), []);
  const view = useGridView(scrollRef, totalRows, layout.rowHeight, windowRows, size.height, () => motion.moved());
  const { jumpToRow } = view;

  // A new width: the sample at the top stays at the top.
  const shape = useRef({ columns: layout.columns, rowHeight: layout.rowHeight, first: view.first });
  useLayoutEffect(() => {
    const before = shape.current;
    if (before.columns !== layout.columns || before.rowHeight !== layout.rowHeight) {
      jumpToRow(Math.floor((before.first * before.columns) / layout.columns));
    }
    shape.current = { columns: layout.columns, rowHeight: layout.rowHeight, first: view.first };
  }, [layout.columns, layout.rowHeight, view.first, jumpToRow]);

  const visibleRows = Math.max(1, Math.ceil(size.height / layout.rowHeight));
  const [firstRow, lastRow] = drawnRows(
    { base: view.base, scrollTop: (view.first - view.base) * layout.rowHeight },
    totalRows,
    layout.rowHeight,
    size.height + layout.rowHeight,
    OVERSCAN,
  );
  const firstIndex = firstRow * layout.columns;
  const endIndex = Math.min(knownTotal, (lastRow + 1) * layout.columns);
  const pages = useGalleryPages(source, firstIndex, endIndex);
  const error = head.error ?? pages.error;
  const retry = head.isError ? () => void head.refetch() : pages.retry;

  // A new source starts at the top, with no range anchor.
  const sourceHash = useMemo(() => hashKey(source.key), [source.key]);
  const anchor = useRef<number | null>(null);
  useEffect(() => {
    anchor.current = null;
    jumpToRow(0);
  }, [sourceHash, jumpToRow]);

  // -- selection, opening and thumbnail sizes: one stable object for every cell ------------------------------
  const sizes = useRef(new Map<string, { width: number; height: number }>());
  const sizesFrame = useRef<number | null>(null);
  const [, sizesChanged] = useReducer((n: number) => n + 1, 0);
  useEffect(() => () => {
    if (sizesFrame.current !== null) cancelAnimationFrame(sizesFrame.current);
  }, []);
  const latest = useRef({ selection, onSelectionChange, onOpen, pages });
  latest.current = { selection, onSelectionChange, onOpen, pages };
  const [notice, setNotice] = useState<string | null>(null);
  const actions = useMemo<CellActions>(
    () => ({
      open: (item, index) => latest.current.onOpen?.(item, index),
      sized: (item, path, width, height) => {
        const key = sizeKey(item, path);
        if (sizes.current.has(key)) return;
        if (sizes.current.size > MAX_SIZES) sizes.current.clear();
        sizes.current.set(key, { width, height });
        // One re-render for all the thumbnails that load in a frame.
        sizesFrame.current ??= requestAnimationFrame(() => {
          sizesFrame.current = null;
          sizesChanged();
        });
      },
      check: (item, index, shift) => {
        const { onSelectionChange: change, selection: current, pages: loaded } = latest.current;
        if (!change) return;
        const from = anchor.current;
        anchor.current = index;
        const base = current ?? noSelection();
        const click = { id: item.id, index, shift, anchor: from };
        if (!shift || from === null || from === index) {
          change(clickSelection(base, click, () => []));
          return;
        }
        const [lo, hi] = from < index ? [from, index] : [index, from];
        loaded
          .idsBetween(lo, hi)
          .then((ids) => {
            setNotice(null);
            change(clickSelection(latest.current.selection ?? noSelection(), click, () => ids));
          })
          .catch((error: unknown) => setNotice(error instanceof Error ? error.message : String(error)));
      },
    }),
    [],
  );

  // -- overlays -------------------------------------------------------------------------------------------
  const itemModels = useMemo(() => models ?? [], [models]);

  // -- scrubber and keyboard ------------------------------------------------------------------------------
  const scrub = useCallback(
    (fraction: number) => jumpToRow(rowAtFraction(fraction, totalRows, visibleRows)),
    [jumpToRow, totalRows, visibleRows],
  );
  const step = useCallback(
    (move: ScrubStep) => {
      const page = Math.max(1, visibleRows - 1);
      const target = {
        up: view.first - 1,
        down: view.first + 1,
        pageUp: view.first - page,
        pageDown: view.first + page,
        home: 0,
        end: totalRows - visibleRows,
      }[move];
      jumpToRow(Math.max(0, Math.min(target, Math.max(0, totalRows - visibleRows))));
    },
    [jumpToRow, totalRows, visibleRows, view.first],
  );
  const onGridKey = (event: KeyboardEvent<HTMLDivElement>) => {
    // Arrows scroll the area natively; the others span the whole list, not just the scroll window.
    const move = SCRUB_KEYS[event.key];
    if (!move || move === "up" || move === "down" || event.target !== event.currentTarget) return;
    event.preventDefault();
    step(move);
  };

  // -- cells ----------------------------------------------------------------------------------------------
  const selectable = onSelectionChange !== undefined;
  const cells = [];
  const overlays = [];
  for (let row = firstRow; row <= lastRow; row += 1) {
    const top = (row - view.base) * layout.rowHeight;
    const drawn: OverlayCell[] = [];
    for (let column = 0; column < layout.columns; column += 1) {
      const index = row * layout.columns + column;
      if (index >= knownTotal) break;
      const item = pages.itemAt(index);
      const left = GAP / 2 + column * (layout.cell + GAP);
      const media = item ? cellMedia(item) : null;
      const natural = item && media?.kind === "image" ? overlaySize(item, media.path, sizes.current) : null;
      if (item && media && natural) drawn.push({ source: item, path: media.path, left, naturalWidth: natural.width, naturalHeight: natural.height });
      cells.push(
        <GalleryCell
          key={`${index}:${item?.id ?? ""}`}
          item={item}
          index={index}
          top={top}
          left={left}
          size={layout.cell}
          selected={item !== undefined && isSelected(selection, item.id)}
          selectable={selectable}
          actions={actions}
        />,
      );
    }
    overlays.push(
      <RowOverlay
        key={`overlay:${row}`}
        cells={drawn}
        top={top}
        width={layout.columns * (layout.cell + GAP)}
        size={layout.cell}
        layers={layers}
        models={itemModels}
        schema={schema ?? null}
        motion={motion}
      />,
    );
  }

  const count = selectedCount(selection, knownTotal);
  const position = Math.min(view.first * layout.columns, Math.max(0, knownTotal - 1));
  return (
    <section className="sg-gallery" aria-label={label}>
      <div className="sg-toolbar">
        <span className="sg-count" role="status">
          {total === null ? "Loading samples…" : `${knownTotal.toLocaleString("en-US")} samples`}
          {selectable && count > 0 ? ` · ${count.toLocaleString("en-US")} selected` : ""}
        </span>
        {totalRows > visibleRows ? (
          <span className="sg-position muted" aria-hidden="true">
            {positionLabel(position, knownTotal)}
          </span>
        ) : null}
        {selectable ? (
          <span className="sg-select">
            <button type="button" onClick={() => onSelectionChange(allSelected())} disabled={knownTotal === 0}>
              Select all {knownTotal.toLocaleString("en-US")}
            </button>
            <button type="button" onClick={() => onSelectionChange(noSelection())} disabled={count === 0}>
              Clear selection
            </button>
          </span>
        ) : null}
        <label className="sg-size">
          Size{" "}
          <select value={String(closestSize(target))} onChange={(event) => setTarget(Number(event.target.value))}>
            {CELL_SIZES.map(([name, px]) => (
              <option key={px} value={px}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {onLayersChange ? <LayerControls value={layers} onChange={onLayersChange} models={itemModels} compact /> : null}
      </div>
      {notice ? (
        <p className="sg-notice" role="alert">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p className="sg-notice" role="alert">
          Samples failed to load: {error.message}{" "}
          <button type="button" onClick={retry}>
            Try again
          </button>
        </p>
      ) : null}
      <div className="sg-body" style={{ height }}>
        <div
          ref={scrollRef}
          id={gridId}
          className="sg-scroll"
          data-virtual-scroll=""
          data-testid="gallery-scroll"
          tabIndex={0}
          aria-label={`${label}: ${knownTotal.toLocaleString("en-US")}`}
          onKeyDown={onGridKey}
        >
          <div className="sg-spacer" style={{ height: windowRows * layout.rowHeight }}>
            {cells}
            {overlays}
          </div>
          {total === 0 ? <p className="state empty sg-empty">No samples match.</p> : null}
        </div>
        {totalRows > visibleRows ? (
          <Scrubber
            index={position}
            total={knownTotal}
            fraction={scrubFraction(view.first, totalRows, visibleRows)}
            onScrub={scrub}
            onStep={step}
            controls={gridId}
          />
        ) : null}
      </div>
    </section>
  );
}
