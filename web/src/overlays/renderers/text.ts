/** Small text chips (labels, scores, point names) drawn next to annotations, readable on any image. */

import type { Canvas2DLike } from "../canvas";
import { textOn } from "../palette";
import type { Annotation } from "../types";

export const FONT = "12px system-ui, -apple-system, sans-serif";
export const CHIP_HEIGHT = 16;
const PADDING = 4;

/** `car 0.87`: an annotation's label and score (its own, or its inference's confidence), whichever it has. */
export function labelText(annotation: Annotation): string {
  const value = annotation.value as { label?: unknown };
  const parts: string[] = [];
  if (typeof value.label === "string" && value.label !== "") parts.push(value.label);
  if (annotation.confidence !== undefined) parts.push(formatScore(annotation.confidence));
  return parts.join(" ");
}

/** Scores to two decimals, as people read them at a glance. */
export function formatScore(score: number): string {
  return score.toFixed(2);
}

/**
 * A chip of `text` on a `background` rectangle with its top-left at (x, y); returns its width.
 * The text is black or white, whichever reads better on the background.
 */
export function drawChip(ctx: Canvas2DLike, text: string, x: number, y: number, background: string): number {
  ctx.font = FONT;
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  const width = ctx.measureText(text).width + 2 * PADDING;
  ctx.fillStyle = background;
  ctx.fillRect(x, y, width, CHIP_HEIGHT);
  ctx.fillStyle = textOn(background);
  ctx.fillText(text, x + PADDING, y + CHIP_HEIGHT / 2);
  return width;
}
