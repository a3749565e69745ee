/**
 * Where things are drawn, for tests that read the canvas back: the end-to-end test takes the stored keypoints,
 * works out their device pixels with these helpers (or from the canvas's `data-view`), and checks that the
 * canvas holds the layer's colour there. A disc drawn later (another layer's keypoint close by) covers an
 * earlier one: such points are marked `covered`, and a test reads them with one layer shown at a time.
 * Lines and tags of later layers may cross a disc too; with one layer shown, only its own skeleton lies under
 * its discs.
 */

import type { DrawOptions } from "./draw";
import { shownAnnotations } from "./draw";
import type { Layer, LayerId } from "./layers";
import { rgbOf } from "./palette";
import { point2 } from "./renderers/geometry";
import { KEYPOINT_RADIUS } from "./renderers/keypoints";
import type { KeypointsWire } from "./types";
import { ANNOTATION } from "./types";
import type { View } from "./view";
import { toCanvasPoint } from "./view";

export interface KeypointPixel {
  layerId: LayerId;
  /** The keypoints annotation's path and the point's index in it. */
  path: string;
  index: number;
  /** Image pixel coordinates, as stored. */
  imageX: number;
  imageY: number;
  /** CSS pixels from the canvas's top-left corner. */
  x: number;
  y: number;
  /** The canvas backing store's pixel (what `getImageData` indexes), at the device pixel ratio. */
  deviceX: number;
  deviceY: number;
  /** The disc's colour there: the layer's. */
  colour: string;
  rgb: [number, number, number];
  /** A disc drawn later lies over this one's centre (read it with the other layers switched off). */
  covered: boolean;
}

/** How near (CSS px) a later disc's centre must be to reach over an earlier disc's centre (ring and edge). */
const COVER_DISTANCE = KEYPOINT_RADIUS + 1.5 + 1;

/** Every keypoint the layers draw under the options, with where its disc's centre lands on the canvas. */
export function keypointPixels(
  layers: readonly Layer[],
  view: View,
  options: DrawOptions,
  devicePixelRatio = 1,
): KeypointPixel[] {
  const out: KeypointPixel[] = [];
  for (const layer of layers) {
    for (const annotation of shownAnnotations(layer, options)) {
      if (annotation.dataType !== ANNOTATION.KEYPOINTS) continue;
      const points = (annotation.value as KeypointsWire).points ?? [];
      points.forEach((raw, index) => {
        const p = point2(raw);
        if (p === undefined) return;
        const [x, y] = toCanvasPoint(p[0], p[1], view);
        out.push({
          layerId: layer.id,
          path: annotation.path,
          index,
          imageX: p[0],
          imageY: p[1],
          x,
          y,
          deviceX: Math.floor(x * devicePixelRatio),
          deviceY: Math.floor(y * devicePixelRatio),
          colour: layer.colour,
          rgb: rgbOf(layer.colour),
          covered: false,
        });
      });
    }
  }
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length && !out[i].covered; j++) {
      out[i].covered = Math.hypot(out[j].x - out[i].x, out[j].y - out[i].y) < COVER_DISTANCE;
    }
  }
  return out;
}
