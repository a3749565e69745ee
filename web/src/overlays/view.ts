/**
 * Where the image sits on the canvas: image pixel (x, y) is drawn at (offsetX + x * scale, offsetY + y * scale)
 * CSS pixels from the canvas's top-left corner. Zoom and pan are views too.
 */

export interface View {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export const IDENTITY_VIEW: View = { scale: 1, offsetX: 0, offsetY: 0 };

/** Image pixel coordinates to canvas (CSS pixel) coordinates. */
export function toCanvasPoint(x: number, y: number, view: View): [number, number] {
  return [view.offsetX + x * view.scale, view.offsetY + y * view.scale];
}

/** Canvas (CSS pixel) coordinates back to image pixel coordinates. */
export function toImagePoint(x: number, y: number, view: View): [number, number] {
  return [(x - view.offsetX) / view.scale, (y - view.offsetY) / view.scale];
}

/**
 * The view of an image of natural size `naturalWidth` x `naturalHeight` shown in a `width` x `height` box with
 * `object-fit: contain`: scaled to fit whole, centred, never cropped. A box or image without area gets scale 0.
 */
export function containView(naturalWidth: number, naturalHeight: number, width: number, height: number): View {
  if (!(naturalWidth > 0 && naturalHeight > 0 && width > 0 && height > 0)) return { scale: 0, offsetX: 0, offsetY: 0 };
  const scale = Math.min(width / naturalWidth, height / naturalHeight);
  return {
    scale,
    offsetX: (width - naturalWidth * scale) / 2,
    offsetY: (height - naturalHeight * scale) / 2,
  };
}

/** A view zoomed by `factor` about the canvas point (cx, cy), which stays where it is (wheel zoom). */
export function zoomView(view: View, factor: number, cx: number, cy: number): View {
  return {
    scale: view.scale * factor,
    offsetX: cx - (cx - view.offsetX) * factor,
    offsetY: cy - (cy - view.offsetY) * factor,
  };
}

/** A view moved by (dx, dy) canvas pixels (drag to pan). */
export function panView(view: View, dx: number, dy: number): View {
  return { ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy };
}
