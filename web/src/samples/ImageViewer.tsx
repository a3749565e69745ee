// A full-resolution image with its layers, zoomed with the wheel or the buttons (fit, 1:1, +, −) and panned by
// dragging. The image and the overlay canvas share one view (image pixel (x, y) at offset + (x, y) × scale),
// so the layers stay on the pixels they annotate at every zoom.
import { type PointerEvent, useCallback, useEffect, useRef, useState } from "react";

import { OverlayCanvas } from "../overlays/OverlayCanvas";
import { type View, containView, panView, zoomView } from "../overlays/view";
import { type LayerSource, useDrawOptions, useSampleLayers } from "./sampleLayers";
import type { LayerState, ModelRef } from "./types";
import { useElementSize } from "./useGridView";

export interface ImageViewerProps {
  src: string;
  alt: string;
  /** The image's size in pixels when the server knows it (else read from the image once loaded). */
  width?: number | null;
  height?: number | null;
  source: LayerSource;
  /** Which part of the sample the image is ("" itself, a composite's member). */
  path: string;
  layers: LayerState;
  models: readonly ModelRef[];
  schema: Record<string, unknown> | null;
  /** Test id of the overlay canvas (the detail page's main image: "sample-canvas"). */
  canvasTestId?: string;
  imageTestId?: string;
}

const ZOOM_STEP = 1.25;
const MIN_SCALE = 0.02;
const MAX_SCALE = 32;

/** `view` zoomed by `factor` about (cx, cy), within the scale bounds. */
export function boundedZoom(view: View, factor: number, cx: number, cy: number): View {
  const scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, view.scale * factor));
  return zoomView(view, scale / view.scale, cx, cy);
}

/** The view at 1:1 (one image pixel per CSS pixel), keeping the image point at the box's centre in place. */
export function actualSize(view: View, width: number, height: number): View {
  return boundedZoom(view, 1 / view.scale, width / 2, height / 2);
}

export function ImageViewer({
  src,
  alt,
  width,
  height,
  source,
  path,
  layers,
  models,
  schema,
  canvasTestId = "overlay-canvas",
  imageTestId,
}: ImageViewerProps) {
  const box = useRef<HTMLDivElement>(null);
  const size = useElementSize(box);
  const [loaded, setLoaded] = useState<{ width: number; height: number } | null>(null);
  const natural = width && height ? { width, height } : loaded;
  // null: fitted to the box (and kept fitted as it resizes) until the user zooms or pans.
  const [custom, setCustom] = useState<View | null>(null);
  const fitted = natural ? containView(natural.width, natural.height, size.width, size.height) : null;
  const view = custom ?? fitted;
  const viewRef = useRef(view);
  viewRef.current = view;
  const [failed, setFailed] = useState(false);
  const [dragging, setDragging] = useState(false);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const shown = useSampleLayers(source, path, models, schema, layers);
  const options = useDrawOptions(layers, true);

  // A new image starts fitted.
  useEffect(() => {
    setCustom(null);
    setLoaded(null);
    setFailed(false);
  }, [src]);

  // The wheel zooms about the pointer; a passive listener could not keep the page from scrolling.
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      const current = viewRef.current;
      if (!current || current.scale <= 0) return;
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015));
      setCustom(boundedZoom(current, factor, event.clientX - rect.left, event.clientY - rect.top));
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, []);

  const zoomBy = useCallback(
    (factor: number) => {
      if (view && view.scale > 0) setCustom(boundedZoom(view, factor, size.width / 2, size.height / 2));
    },
    [view, size.width, size.height],
  );

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || !view) return;
    drag.current = { x: event.clientX, y: event.clientY };
    event.currentTarget.setPointerCapture?.(event.pointerId);
    setDragging(true);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    const current = viewRef.current;
    if (!start || !current) return;
    drag.current = { x: event.clientX, y: event.clientY };
    setCustom(panView(current, event.clientX - start.x, event.clientY - start.y));
  };
  const onPointerUp = () => {
    drag.current = null;
    setDragging(false);
  };

  const transform = view ? `translate(${view.offsetX}px, ${view.offsetY}px) scale(${view.scale})` : undefined;
  return (
    <div className="sd-image">
      <div className="sd-zoom" role="group" aria-label="Zoom">
        <button type="button" onClick={() => zoomBy(1 / ZOOM_STEP)} aria-label="Zoom out" disabled={!view}>
          −
        </button>
        <button type="button" onClick={() => zoomBy(ZOOM_STEP)} aria-label="Zoom in" disabled={!view}>
          +
        </button>
        <button type="button" onClick={() => setCustom(null)} disabled={!view}>
          Fit
        </button>
        <button type="button" onClick={() => view && setCustom(actualSize(view, size.width, size.height))} disabled={!view}>
          1:1
        </button>
        <output className="num muted" aria-label="Zoom level">
          {view && view.scale > 0 ? `${Math.round(view.scale * 100)}%` : ""}
        </output>
      </div>
      <div
        ref={box}
        className={`sd-viewer${dragging ? " dragging" : ""}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        data-testid="sample-viewer"
      >
        <img
          src={src}
          alt={alt}
          // Zoomed far in by hand, pixels show as squares: what a keypoint sits on can be checked to the pixel.
          className={custom && custom.scale >= 4 ? "pixelated" : undefined}
          data-testid={imageTestId}
          decoding="async"
          draggable={false}
          onLoad={(event) => setLoaded({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })}
          onError={() => setFailed(true)}
          style={{
            width: natural?.width,
            height: natural?.height,
            transform,
            // Until its size is known the image is laid out but not shown, so it never flashes unscaled.
            visibility: natural ? "visible" : "hidden",
          }}
        />
        {natural && view ? (
          <OverlayCanvas
            className="sd-canvas"
            width={size.width}
            height={size.height}
            naturalWidth={natural.width}
            naturalHeight={natural.height}
            layers={shown}
            options={options}
            view={view}
            data-testid={canvasTestId}
          />
        ) : null}
        {failed ? (
          <p className="state error" role="alert">
            The image could not be loaded.
          </p>
        ) : null}
      </div>
    </div>
  );
}
