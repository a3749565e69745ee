/**
 * Masks: images the size of the sample, drawn over it half transparent. A segmentation mask is an 8-bit class
 * map that the caller's loader colours by class (see classMap.ts); a bitmap mask is drawn as it is. The images
 * come from `DrawEnv.images`: until one is loaded nothing is drawn, and the caller redraws when it arrives.
 */

import type { Annotation, BitmapMaskWire, SegmentationMaskWire } from "../types";
import type { DrawEnv, Renderer } from "./types";

export const MASK_OPACITY = 0.5;

function drawMask(annotation: Annotation, env: DrawEnv, classMap: boolean): boolean {
  const locator = (annotation.value as { locator?: unknown }).locator;
  if (typeof locator !== "string" || env.images === undefined) return false;
  const image = env.images(locator, classMap);
  if (image === undefined) return false;
  const { ctx, view, style } = env;
  ctx.globalAlpha = MASK_OPACITY * style.alpha;
  // Classes are discrete: scaled up, a class map keeps hard edges instead of blending classes into others.
  ctx.imageSmoothingEnabled = !classMap;
  ctx.drawImage(image.source, view.offsetX, view.offsetY, image.width * view.scale, image.height * view.scale);
  return true;
}

/** The class names of a segmentation mask by pixel value, in value order (the legend's entries). */
export function maskClasses(value: SegmentationMaskWire): { value: number; name: string }[] {
  const labels = value.labels ?? {};
  return Object.entries(labels)
    .map(([key, name]) => ({ value: Number(key), name: String(name) }))
    .filter((entry) => Number.isInteger(entry.value))
    .sort((a, b) => a.value - b.value);
}

export const segmentationMaskRenderer: Renderer = {
  kind: "segmentation_mask",
  drawn: true,
  draw: (annotation, env) => drawMask(annotation, env, true),
  describe(annotation) {
    const names = maskClasses(annotation.value as SegmentationMaskWire).map((c) => c.name);
    return names.length === 0 ? "segmentation mask" : `segmentation mask: ${names.join(", ")}`;
  },
};

export const bitmapMaskRenderer: Renderer = {
  kind: "bitmap_mask",
  drawn: true,
  draw: (annotation, env) => drawMask(annotation, env, false),
  describe: (annotation) => {
    const label = (annotation.value as BitmapMaskWire).label;
    return typeof label === "string" && label !== "" ? `bitmap mask: ${label}` : "bitmap mask";
  },
};
