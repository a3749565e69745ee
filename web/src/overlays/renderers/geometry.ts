/** Reading points off wire objects defensively, and stroking outlines that stay visible on any image. */

import type { Point2 } from "../types";
import type { DrawEnv } from "./types";

/** A finite `[x, y]`, or undefined (NaN, missing, or not a pair). */
export function point2(value: unknown): Point2 | undefined {
  if (!Array.isArray(value) || value.length < 2) return undefined;
  const [x, y] = value as unknown[];
  return typeof x === "number" && typeof y === "number" && Number.isFinite(x) && Number.isFinite(y)
    ? [x, y]
    : undefined;
}

/** Every point of a list, undefined where it is not a finite `[x, y]` (so indices still match names and edges). */
export function points2(value: unknown): (Point2 | undefined)[] {
  return Array.isArray(value) ? value.map(point2) : [];
}

/** A dark halo under the line: light and dark images alike keep the line readable. */
export const HALO = "rgba(0, 0, 0, 0.6)";
export const HALO_WIDTH = 2;

/** Strokes the path `trace` draws, first as a halo, then in the style's colour, width and dash. */
export function strokeWithHalo(env: DrawEnv, trace: () => void): void {
  const { ctx, style } = env;
  ctx.globalAlpha = style.alpha;
  ctx.lineJoin = "round";
  ctx.setLineDash([]);
  ctx.strokeStyle = HALO;
  ctx.lineWidth = style.lineWidth + HALO_WIDTH;
  ctx.beginPath();
  trace();
  ctx.stroke();
  ctx.setLineDash([...style.dash]);
  ctx.strokeStyle = style.stroke;
  ctx.lineWidth = style.lineWidth;
  ctx.beginPath();
  trace();
  ctx.stroke();
  ctx.setLineDash([]);
}
