/** Axis-aligned boxes (plain, labelled, scored): an outline with a `label score` chip on its top edge. */

import type { Annotation, BoundingBoxWire } from "../types";
import { toCanvasPoint } from "../view";
import { point2, strokeWithHalo } from "./geometry";
import { CHIP_HEIGHT, drawChip, labelText } from "./text";
import type { DrawEnv, Renderer } from "./types";

/** The box's corners in image pixels, ordered (top-left first), or undefined when they are not numbers. */
export function boxCorners(value: BoundingBoxWire): [number, number, number, number] | undefined {
  const a = point2(value.top_left);
  const b = point2(value.bottom_right);
  if (a === undefined || b === undefined) return undefined;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
}

export const boundingBoxRenderer: Renderer = {
  kind: "bounding_box",
  drawn: true,
  draw(annotation: Annotation, env: DrawEnv): boolean {
    const corners = boxCorners(annotation.value as BoundingBoxWire);
    if (corners === undefined) return false;
    const [x1, y1] = toCanvasPoint(corners[0], corners[1], env.view);
    const [x2, y2] = toCanvasPoint(corners[2], corners[3], env.view);
    const { ctx, style } = env;
    strokeWithHalo(env, () => ctx.rect(x1, y1, x2 - x1, y2 - y1));
    const text = style.text ? labelText(annotation) : "";
    if (text !== "") {
      // Above the box when there is room, else just inside its top edge.
      drawChip(ctx, text, x1, y1 >= CHIP_HEIGHT ? y1 - CHIP_HEIGHT : y1, style.stroke);
    }
    return true;
  },
  describe(annotation: Annotation): string {
    const corners = boxCorners(annotation.value as BoundingBoxWire);
    const size = corners === undefined ? "" : ` ${round(corners[2] - corners[0])}×${round(corners[3] - corners[1])}`;
    return `${labelText(annotation) || "box"}${size}`;
  },
};

function round(value: number): string {
  return String(Math.round(value));
}
