// The overlays of one gallery row, drawn with the overlays' renderers (drawLayers) on one canvas across the
// row rather than one canvas per cell: every canvas is a layer the compositor commits each frame, and a screen
// of 40 cells with a canvas each doubled the commit cost of a fling in Chromium. Each cell's layers are drawn
// in a view that places its image as the cell's thumbnail sits (contained in the square), clipped to the cell.
import { memo, useEffect, useLayoutEffect, useReducer, useRef } from "react";

import { asCanvas2D } from "../overlays/canvas";
import { countShown, drawLayers } from "../overlays/draw";
import { sharedMaskImages } from "../overlays/maskImages";
import { backingSize, useDevicePixelRatio } from "../overlays/OverlayCanvas";
import { containRect } from "./grid";
import { type Motion, useWhenStill } from "./motion";
import { type LayerSource, cachedLayers, visibleLayers, workflowSchemaOf } from "./sampleLayers";
import type { LayerState, ModelRef } from "./types";

/** One image of the row: its sample, which part of it, where its cell starts, and its size in pixels. */
export interface OverlayCell {
  source: LayerSource;
  path: string;
  left: number;
  naturalWidth: number;
  naturalHeight: number;
}

export interface RowOverlayProps {
  cells: readonly OverlayCell[];
  top: number;
  width: number;
  /** The cells' square side. */
  size: number;
  layers: LayerState;
  models: readonly ModelRef[];
  schema: Record<string, unknown> | null;
  motion?: Motion;
}

/** Where a cell's image pixels land on the row's canvas. */
export function cellView(cell: OverlayCell, size: number) {
  const rect = containRect(cell.naturalWidth, cell.naturalHeight, size, size);
  return { scale: rect.width / cell.naturalWidth, offsetX: cell.left + rect.left, offsetY: rect.top };
}

function RowCanvas({ cells, top, width, size, layers, models, schema }: Omit<RowOverlayProps, "motion">) {
  const ref = useRef<HTMLCanvasElement>(null);
  const ratio = useDevicePixelRatio();
  const masks = sharedMaskImages();
  const [maskVersion, maskArrived] = useReducer((n: number) => n + 1, 0);
  useEffect(() => masks.subscribe(maskArrived), [masks]);
  const backing = backingSize(width, size, ratio);

  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    if (canvas.width !== backing.width) canvas.width = backing.width;
    if (canvas.height !== backing.height) canvas.height = backing.height;
    const context = canvas.getContext("2d");
    const workflow = workflowSchemaOf(schema);
    const options = { minConfidence: layers.minConfidence, matchColouring: layers.matchColouring, showText: false, images: masks.get };
    let drawn = 0;
    if (context) {
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, backing.width, backing.height);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
    }
    for (const cell of cells) {
      const shown = visibleLayers(cachedLayers(cell.source, cell.path, models, workflow), layers);
      if (!context) {
        drawn += countShown(shown, options).drawn;
        continue;
      }
      context.save();
      context.beginPath();
      context.rect(cell.left, 0, size, size);
      context.clip();
      drawn += drawLayers(asCanvas2D(context), shown, cellView(cell, size), options).drawn;
      context.restore();
    }
    canvas.dataset.annotations = String(drawn);
  }, [cells, layers, models, schema, size, ratio, backing.width, backing.height, masks, maskVersion]);

  return (
    <canvas
      ref={ref}
      className="sg-row-overlay"
      width={backing.width}
      height={backing.height}
      style={{ top, width, height: size }}
      data-testid="gallery-overlay"
      data-cells={cells.map((cell) => `${cell.left}`).join(",")}
      aria-hidden="true"
    />
  );
}

function sameCells(a: readonly OverlayCell[], b: readonly OverlayCell[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (cell, i) =>
      cell.source === b[i].source &&
      cell.path === b[i].path &&
      cell.left === b[i].left &&
      cell.naturalWidth === b[i].naturalWidth &&
      cell.naturalHeight === b[i].naturalHeight,
  );
}

/** A row's overlays, once the view is still (a row that flies past during a fling never makes a canvas). */
export const RowOverlay = memo(
  function RowOverlay({ motion, ...props }: RowOverlayProps) {
    const still = useWhenStill(motion);
    if (!still || props.cells.length === 0) return null;
    return <RowCanvas {...props} />;
  },
  (a, b) =>
    a.top === b.top &&
    a.width === b.width &&
    a.size === b.size &&
    a.layers === b.layers &&
    a.models === b.models &&
    a.schema === b.schema &&
    a.motion === b.motion &&
    sameCells(a.cells, b.cells),
);
