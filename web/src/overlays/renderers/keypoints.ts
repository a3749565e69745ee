/**
 * Keypoints: an opaque disc per point in the layer's colour (ringed in the match colour when colouring by match),
 * the skeleton's lines under them, and each point's name beside it when the annotation names its points.
 *
 * The discs are fully opaque and at least {@link KEYPOINT_RADIUS} CSS pixels wide, so the canvas pixel at a
 * point's drawn position is exactly the layer's colour: the end-to-end test reads keypoints back that way.
 */

import type { Annotation, KeypointsWire, Point2 } from "../types";
import { toCanvasPoint } from "../view";
import { HALO, points2, strokeWithHalo } from "./geometry";
import { FONT, labelText } from "./text";
import type { DrawEnv, Renderer } from "./types";

/** Disc radius in CSS pixels (at any zoom); 4 px is 4 device pixels at devicePixelRatio 1, more above. */
export const KEYPOINT_RADIUS = 4;
/** Width of the ring around each disc: the halo, or the match colour. */
const RING = 1.5;

const SKELETON_KEYS = ["skeleton", "connections", "edges"];
const NAME_KEYS = ["names", "keypoint_names", "labels", "point_names"];

/** The index pairs to join, from a `skeleton` (or `connections` / `edges`) extra; bad pairs are dropped. */
export function skeletonOf(value: KeypointsWire, count: number): [number, number][] {
  for (const key of SKELETON_KEYS) {
    const edges = value[key];
    if (!Array.isArray(edges)) continue;
    return edges.flatMap((edge: unknown): [number, number][] => {
      if (!Array.isArray(edge) || edge.length < 2) return [];
      const [a, b] = edge as unknown[];
      const ok = (i: unknown): i is number => Number.isInteger(i) && (i as number) >= 0 && (i as number) < count;
      return ok(a) && ok(b) ? [[a, b]] : [];
    });
  }
  return [];
}

/** One name per point, from a `names` (or `keypoint_names` / `labels` / `point_names`) extra, when it fits. */
export function pointNamesOf(value: KeypointsWire, count: number): string[] | undefined {
  for (const key of NAME_KEYS) {
    const names = value[key];
    if (Array.isArray(names) && names.length === count && names.every((n) => typeof n === "string")) {
      return names as string[];
    }
  }
  return undefined;
}

export const keypointsRenderer: Renderer = {
  kind: "keypoints",
  drawn: true,
  draw(annotation: Annotation, env: DrawEnv): boolean {
    const value = annotation.value as KeypointsWire;
    const points = points2(value.points).map((p) => p && toCanvasPoint(p[0], p[1], env.view));
    if (!points.some((p) => p !== undefined)) return false;
    const { ctx, style } = env;
    const edges = skeletonOf(value, points.length).filter(([a, b]) => points[a] && points[b]);
    if (edges.length > 0) {
      strokeWithHalo(env, () => {
        for (const [a, b] of edges) {
          const [pa, pb] = [points[a] as Point2, points[b] as Point2];
          ctx.moveTo(pa[0], pa[1]);
          ctx.lineTo(pb[0], pb[1]);
        }
      });
    }
    ctx.setLineDash([]);
    for (const p of points) {
      if (p === undefined) continue;
      // The ring first, the disc over it: the disc's pixels are the layer's colour alone.
      ctx.globalAlpha = style.alpha;
      ctx.fillStyle = style.stroke === style.fill ? HALO : style.stroke;
      ctx.beginPath();
      ctx.arc(p[0], p[1], KEYPOINT_RADIUS + RING, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = style.fill;
      ctx.beginPath();
      ctx.arc(p[0], p[1], KEYPOINT_RADIUS, 0, 2 * Math.PI);
      ctx.fill();
    }
    const names = style.text ? pointNamesOf(value, points.length) : undefined;
    if (names !== undefined) {
      ctx.font = FONT;
      ctx.textBaseline = "middle";
      ctx.textAlign = "left";
      points.forEach((p, i) => {
        if (p === undefined) return;
        const x = p[0] + KEYPOINT_RADIUS + RING + 2;
        // Dark outline under light text: readable on any image without covering the disc.
        ctx.strokeStyle = HALO;
        ctx.lineWidth = 3;
        ctx.strokeText(names[i], x, p[1]);
        ctx.fillStyle = "#ffffff";
        ctx.fillText(names[i], x, p[1]);
      });
    }
    return true;
  },
  describe(annotation: Annotation): string {
    const value = annotation.value as KeypointsWire;
    const count = points2(value.points).filter((p) => p !== undefined).length;
    const label = labelText(annotation);
    return `${count} keypoint${count === 1 ? "" : "s"}${label === "" ? "" : ` ${label}`}`;
  },
};
