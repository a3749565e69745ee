/**
 * Which drawn annotations lie under a canvas point, for hover and click in the detail view: boxes and polygons
 * by their area, polylines by their line, keypoints by their discs, within a few pixels. Masks and corner tags
 * are not picked (a mask covers the whole image).
 */

import type { DrawOptions } from "./draw";
import { shownAnnotations } from "./draw";
import type { Layer, LayerId } from "./layers";
import { boxCorners } from "./renderers/boundingBox";
import { points2 } from "./renderers/geometry";
import { KEYPOINT_RADIUS } from "./renderers/keypoints";
import { rendererOf } from "./renderers";
import type { Annotation, BoundingBoxWire, Point2 } from "./types";
import { ANNOTATION } from "./types";
import type { View } from "./view";
import { toCanvasPoint } from "./view";

export interface Hit {
  layerId: LayerId;
  annotation: Annotation;
  /** CSS pixels from the point to the annotation (0 inside an area). */
  distance: number;
  /** The keypoint hit, for keypoints. */
  pointIndex?: number;
  /** The area in CSS pixels² of a box or polygon (smaller ones win ties: a box inside a box). */
  area: number;
}

/** How far (CSS px) from a line or point still hits it. */
export const HIT_TOLERANCE = 4;

function segmentDistance(p: Point2, a: Point2, b: Point2): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

function pathDistance(p: Point2, points: readonly Point2[], closed: boolean): number {
  let best = Number.POSITIVE_INFINITY;
  const n = points.length;
  for (let i = 0; i + 1 < n; i++) best = Math.min(best, segmentDistance(p, points[i], points[i + 1]));
  if (closed && n > 2) best = Math.min(best, segmentDistance(p, points[n - 1], points[0]));
  return best;
}

/** Even-odd rule. */
function inside(p: Point2, polygon: readonly Point2[]): boolean {
  let result = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [a, b] = [polygon[i], polygon[j]];
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) result = !result;
  }
  return result;
}

function shoelace(polygon: readonly Point2[]): number {
  let sum = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    sum += polygon[j][0] * polygon[i][1] - polygon[i][0] * polygon[j][1];
  }
  return Math.abs(sum) / 2;
}

function canvasPoints(annotation: Annotation, view: View): Point2[] {
  return points2((annotation.value as { points?: unknown }).points)
    .filter((p): p is Point2 => p !== undefined)
    .map((p) => toCanvasPoint(p[0], p[1], view));
}

function hitOf(annotation: Annotation, view: View, p: Point2): Omit<Hit, "layerId" | "annotation"> | undefined {
  switch (annotation.dataType) {
    case ANNOTATION.BOUNDING_BOX: {
      const corners = boxCorners(annotation.value as BoundingBoxWire);
      if (corners === undefined) return undefined;
      const [x1, y1] = toCanvasPoint(corners[0], corners[1], view);
      const [x2, y2] = toCanvasPoint(corners[2], corners[3], view);
      const dx = Math.max(x1 - p[0], 0, p[0] - x2);
      const dy = Math.max(y1 - p[1], 0, p[1] - y2);
      return { distance: Math.hypot(dx, dy), area: (x2 - x1) * (y2 - y1) };
    }
    case ANNOTATION.POLYGON: {
      const points = canvasPoints(annotation, view);
      if (points.length < 3) return undefined;
      return { distance: inside(p, points) ? 0 : pathDistance(p, points, true), area: shoelace(points) };
    }
    case ANNOTATION.POLYLINE: {
      const points = canvasPoints(annotation, view);
      if (points.length < 2) return undefined;
      return { distance: pathDistance(p, points, false), area: 0 };
    }
    case ANNOTATION.KEYPOINTS: {
      const points = points2((annotation.value as { points?: unknown }).points);
      let best: { distance: number; pointIndex: number } | undefined;
      points.forEach((point, index) => {
        if (point === undefined) return;
        const [x, y] = toCanvasPoint(point[0], point[1], view);
        const distance = Math.max(0, Math.hypot(p[0] - x, p[1] - y) - KEYPOINT_RADIUS);
        if (best === undefined || distance < best.distance) best = { distance, pointIndex: index };
      });
      return best === undefined ? undefined : { ...best, area: 0 };
    }
    default:
      return undefined;
  }
}

/**
 * The shown annotations under canvas point (x, y), best first: points and lines near it before the areas it
 * is in (a keypoint inside a face box is what the pointer aims at), then nearest, then smallest area (a box
 * inside a box), then drawn last (on top).
 */
export function annotationsAt(
  layers: readonly Layer[],
  view: View,
  options: DrawOptions,
  x: number,
  y: number,
  tolerance = HIT_TOLERANCE,
): Hit[] {
  const hits: (Hit & { order: number })[] = [];
  let order = 0;
  for (const layer of layers) {
    for (const annotation of shownAnnotations(layer, options)) {
      order++;
      const hit = hitOf(annotation, view, [x, y]);
      if (hit !== undefined && hit.distance <= tolerance) hits.push({ layerId: layer.id, annotation, ...hit, order });
    }
  }
  const precise = (hit: Hit) => (hit.area === 0 ? 0 : 1);
  hits.sort((a, b) => precise(a) - precise(b) || a.distance - b.distance || a.area - b.area || b.order - a.order);
  return hits.map(({ order: _order, ...hit }) => hit);
}

/** What a hover tooltip says of a hit: the renderer's description, the point's name or index, the match. */
export function describeHit(hit: Hit): string {
  const parts = [rendererOf(hit.annotation.dataType).describe(hit.annotation)];
  if (hit.pointIndex !== undefined) {
    const names = (hit.annotation.value as { names?: unknown }).names;
    const name = Array.isArray(names) ? names[hit.pointIndex] : undefined;
    parts.push(typeof name === "string" ? `point ${hit.pointIndex} (${name})` : `point ${hit.pointIndex}`);
  }
  if (hit.annotation.match !== undefined) parts.push(hit.annotation.match);
  return parts.join(" · ");
}
