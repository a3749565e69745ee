/**
 * A canvas that draws annotation layers over an image. Put it in the same positioned box as the image: it
 * covers `width` x `height` CSS pixels from the box's top-left corner, and places the image's pixels as
 * `object-fit: contain` would (or as `view` says, for zoom and pan). Its backing store follows the device pixel
 * ratio, so lines stay sharp on high-density screens, and it redraws whenever a prop changes or a mask image
 * arrives. It lets pointer events through to what is under it.
 *
 * For tests it carries `data-testid="overlay-canvas"`, `data-annotations` (how many annotations it drew),
 * `data-hidden` (hidden by the confidence slider), `data-view` (`{"scale", "offsetX", "offsetY", "dpr"}`: image
 * pixel (x, y) is at device pixel ((offsetX + x * scale) * dpr, (offsetY + y * scale) * dpr)) and
 * `data-layers` (each layer's id, colour and visibility).
 */

import type { CSSProperties } from "react";
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from "react";

import { DEFAULT_DRAW_OPTIONS, drawLayers, type DrawOptions, type DrawStats, countShown } from "./draw";
import type { Layer } from "./layers";
import { type MaskImageStore, sharedMaskImages } from "./maskImages";
import { containView, type View } from "./view";

export interface OverlayCanvasProps {
  /** The box's size in CSS pixels. */
  width: number;
  height: number;
  /** The image's size in its own pixels. */
  naturalWidth: number;
  naturalHeight: number;
  layers: readonly Layer[];
  options?: DrawOptions;
  /** Where the image is drawn; default: contained in the box. */
  view?: View;
  /** Mask images; default: the store every canvas shares. */
  masks?: MaskImageStore;
  className?: string;
  style?: CSSProperties;
  "data-testid"?: string;
}

/** The device pixel ratio, kept current when the window moves to another screen or the page is zoomed. */
export function useDevicePixelRatio(): number {
  const [ratio, setRatio] = useState(() => (typeof window === "undefined" ? 1 : window.devicePixelRatio || 1));
  useEffect(() => {
    if (typeof window === "undefined" || typeof window.matchMedia !== "function") return;
    const query = window.matchMedia(`(resolution: ${ratio}dppx)`);
    const update = () => setRatio(window.devicePixelRatio || 1);
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, [ratio]);
  return ratio;
}

/** The backing store's size for a CSS size at a device pixel ratio (at least 1 x 1). */
export function backingSize(width: number, height: number, ratio: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * ratio)), height: Math.max(1, Math.round(height * ratio)) };
}

export function OverlayCanvas({
  width,
  height,
  naturalWidth,
  naturalHeight,
  layers,
  options = DEFAULT_DRAW_OPTIONS,
  view,
  masks,
  className,
  style,
  "data-testid": testId = "overlay-canvas",
}: OverlayCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const ratio = useDevicePixelRatio();
  const store = useMemo(() => masks ?? sharedMaskImages(), [masks]);
  // Bumped when a mask image arrives, to redraw with it.
  const [maskVersion, maskArrived] = useReducer((n: number) => n + 1, 0);
  useEffect(() => store.subscribe(maskArrived), [store]);

  const placed = useMemo(
    () => view ?? containView(naturalWidth, naturalHeight, width, height),
    [view, naturalWidth, naturalHeight, width, height],
  );
  const backing = backingSize(width, height, ratio);

  useLayoutEffect(() => {
    const canvas = ref.current;
    if (canvas === null) return;
    if (canvas.width !== backing.width) canvas.width = backing.width;
    if (canvas.height !== backing.height) canvas.height = backing.height;
    const context = canvas.getContext("2d");
    const drawOptions: DrawOptions = { ...options, images: options.images ?? store.get };
    let stats: DrawStats;
    if (context === null) {
      stats = countShown(layers, drawOptions);
    } else {
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, backing.width, backing.height);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      stats = drawLayers(context, layers, placed, drawOptions);
    }
    canvas.dataset.annotations = String(stats.drawn);
    canvas.dataset.hidden = String(stats.hidden);
    canvas.dataset.pending = String(stats.pending);
  }, [layers, options, placed, ratio, backing.width, backing.height, store, maskVersion]);

  const viewAttribute = JSON.stringify({ ...placed, dpr: ratio });
  const layersAttribute = JSON.stringify(layers.map(({ id, colour, visible }) => ({ id, colour, visible })));
  return (
    <canvas
      ref={ref}
      className={className}
      width={backing.width}
      height={backing.height}
      style={{ position: "absolute", left: 0, top: 0, width, height, pointerEvents: "none", ...style }}
      data-testid={testId}
      data-view={viewAttribute}
      data-layers={layersAttribute}
      aria-hidden="true"
    />
  );
}
