/** The renderer of each annotation tag. */

import { ANNOTATION } from "../types";
import { boundingBoxRenderer } from "./boundingBox";
import { keypointsRenderer } from "./keypoints";
import { labelRenderer } from "./label";
import {
  boundingBox3DRenderer,
  keypoints3DRenderer,
  polyline3DRenderer,
  textSegmentRenderer,
  timeSegmentRenderer,
  unknownRenderer,
} from "./listed";
import { bitmapMaskRenderer, segmentationMaskRenderer } from "./masks";
import { polygonRenderer, polylineRenderer } from "./polyline";
import type { Renderer } from "./types";

export const RENDERERS: ReadonlyMap<string, Renderer> = new Map<string, Renderer>([
  [ANNOTATION.BOUNDING_BOX, boundingBoxRenderer],
  [ANNOTATION.POLYGON, polygonRenderer],
  [ANNOTATION.KEYPOINTS, keypointsRenderer],
  [ANNOTATION.POLYLINE, polylineRenderer],
  [ANNOTATION.LABEL, labelRenderer],
  [ANNOTATION.SEGMENTATION_MASK, segmentationMaskRenderer],
  [ANNOTATION.BITMAP_MASK, bitmapMaskRenderer],
  [ANNOTATION.TEXT_SEGMENT, textSegmentRenderer],
  [ANNOTATION.TIME_SEGMENT, timeSegmentRenderer],
  [ANNOTATION.BOUNDING_BOX_3D, boundingBox3DRenderer],
  [ANNOTATION.KEYPOINTS_3D, keypoints3DRenderer],
  [ANNOTATION.POLYLINE_3D, polyline3DRenderer],
]);

/** The renderer of a tag; unknown tags get one that lists them by tag. */
export function rendererOf(dataType: string): Renderer {
  return RENDERERS.get(dataType) ?? unknownRenderer;
}

export type { AnnotationKind, DrawEnv, LoadedImage, MaskImages, Renderer, Style } from "./types";
