/** Polygons (closed, lightly filled) and polylines (open), with their label chip at the topmost point. */

import { withAlpha } from "../palette";
import type { Annotation, Point2 } from "../types";
import { toCanvasPoint } from "../view";
import { points2, strokeWithHalo } from "./geometry";
import { CHIP_HEIGHT, drawChip, labelText } from "./text";
import type { DrawEnv, Renderer } from "./types";

function validPoints(annotation: Annotation): Point2[] {
  return points2((annotation.value as { points?: unknown }).points).filter((p): p is Point2 => p !== undefined);
}

function drawPath(annotation: Annotation, env: DrawEnv, closed: boolean): boolean {
  const points = validPoints(annotation).map(([x, y]) => toCanvasPoint(x, y, env.view));
  if (points.length < (closed ? 3 : 2)) return false;
  const { ctx, style } = env;
  const trace = () => {
    ctx.moveTo(points[0][0], points[0][1]);
    for (let i = 1; i < points.length; i++) ctx.lineTo(points[i][0], points[i][1]);
    if (closed) ctx.closePath();
  };
  if (closed) {
    ctx.globalAlpha = style.alpha;
    ctx.fillStyle = withAlpha(style.stroke, 0.15);
    ctx.beginPath();
    trace();
    ctx.fill();
  }
  strokeWithHalo(env, trace);
  const text = style.text ? labelText(annotation) : "";
  if (text !== "") {
    const top = points.reduce((best, p) => (p[1] < best[1] ? p : best));
    drawChip(ctx, text, top[0], Math.max(0, top[1] - CHIP_HEIGHT), style.stroke);
  }
  return true;
}

export const polygonRenderer: Renderer = {
  kind: "polygon",
  drawn: true,
  draw: (annotation, env) => drawPath(annotation, env, true),
  describe: (annotation) => `${labelText(annotation) || "polygon"} (${validPoints(annotation).length} points)`,
};

export const polylineRenderer: Renderer = {
  kind: "polyline",
  drawn: true,
  draw: (annotation, env) => drawPath(annotation, env, false),
  describe: (annotation) => `${labelText(annotation) || "polyline"} (${validPoints(annotation).length} points)`,
};
