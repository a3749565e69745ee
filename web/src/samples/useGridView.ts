// The gallery's virtualiser: fixed-height rows in a scroll area that holds a window of them (grid.ts says
// why), re-rendering only when the first visible row changes, never on the scroll events in between.
// The rows are laid out in the scroll area's own coordinates, so the browser moves them as it scrolls; a
// re-render happens once per row crossed, after the scroll event (the overscan rows are already there), except
// when the window moves, which re-renders inside the event (flushSync) since the offset jumps with it.
import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";

import { rebase, viewAtRow } from "./grid";

export interface GridViewState {
  /** The scroll window's first row. */
  base: number;
  /** The first row at least partly visible (absolute). */
  first: number;
}

export interface GridView extends GridViewState {
  /** Scrolls so that `row` is the first visible row (clamped to the list). */
  jumpToRow: (row: number) => void;
}

export function useGridView(
  ref: RefObject<HTMLElement | null>,
  totalRows: number,
  rowHeight: number,
  windowRows: number,
  /** The scroll area's height (measured by its owner: reading it in the scroll event would force a layout). */
  viewport: number,
  /** Called when the first visible row changes, before the rows are drawn. */
  onMove?: () => void,
): GridView {
  const [state, setState] = useState<GridViewState>({ base: 0, first: 0 });
  const current = useRef(state);
  current.current = state;
  const geometry = useRef({ totalRows, rowHeight, windowRows, viewport });
  geometry.current = { totalRows, rowHeight, windowRows, viewport };
  const pendingScroll = useRef<number | null>(null);
  const moved = useRef(onMove);
  moved.current = onMove;

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const onScroll = () => {
      const { totalRows: rows, rowHeight: height, windowRows: window, viewport: visible } = geometry.current;
      const previous = current.current;
      let view = { base: previous.base, scrollTop: element.scrollTop };
      const shifted = rebase(view, rows, window, height, visible);
      if (shifted) {
        element.scrollTop = shifted.scrollTop;
        view = shifted;
      }
      const first = view.base + Math.floor(view.scrollTop / height);
      if (shifted) {
        // The scroll offset jumped with the window: the rows must move in this same frame.
        moved.current?.();
        flushSync(() => setState({ base: view.base, first }));
      } else if (first !== previous.first) {
        // A row crossed the top: drawn rows beyond the screen (overscan) cover the frame or two until React
        // renders, so the scroll event itself stays short.
        moved.current?.();
        setState({ base: view.base, first });
      }
    };
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => element.removeEventListener("scroll", onScroll);
  }, [ref]);

  const jumpToRow = useCallback((row: number) => {
    const { totalRows: rows, rowHeight: height, windowRows: window } = geometry.current;
    const view = viewAtRow(row, rows, window, height);
    const first = view.base + Math.floor(view.scrollTop / height);
    if (first !== current.current.first) moved.current?.();
    pendingScroll.current = view.scrollTop;
    // A new object even when nothing moved, so the layout effect below runs and sets the offset.
    setState({ base: view.base, first });
  }, []);

  // The scroll offset is set once the rows of the new window are laid out (the area may have grown).
  useLayoutEffect(() => {
    const element = ref.current;
    if (element && pendingScroll.current !== null) {
      element.scrollTop = pendingScroll.current;
      pendingScroll.current = null;
    }
  });

  return { ...state, jumpToRow };
}

/** An element's inner size, kept up to date (ResizeObserver where there is one). */
export function useElementSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () =>
      setSize((previous) =>
        previous.width === element.clientWidth && previous.height === element.clientHeight
          ? previous
          : { width: element.clientWidth, height: element.clientHeight },
      );
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
