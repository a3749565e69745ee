/** The interface every annotation renderer implements, and what the drawing pass hands each one. */

import type { Canvas2DLike } from "../canvas";
import type { Annotation } from "../types";
import type { View } from "../view";

/** What kind of thing an annotation is, for legends and counts (one per renderer). */
export type AnnotationKind =
  | "bounding_box"
  | "polygon"
  | "keypoints"
  | "polyline"
  | "label"
  | "segmentation_mask"
  | "bitmap_mask"
  | "text_segment"
  | "time_segment"
  | "bounding_box_3d"
  | "keypoints_3d"
  | "polyline_3d"
  | "unknown";

/** How one annotation is drawn, worked out by the drawing pass from its layer, match and the options. */
export interface Style {
  /** Outlines and lines: the layer's colour, or the match colour (TP / FP / FN) when colouring by match. */
  stroke: string;
  /** The layer's colour: keypoint discs and label chips, so that a layer is recognisable whatever its matches. */
  fill: string;
  /** Line dash in CSS pixels (empty: solid); missed ground truth (FN) is dashed. */
  dash: readonly number[];
  /** 1, or less when another annotation is highlighted. */
  alpha: number;
  lineWidth: number;
  /** Draw label / score / point-name text. */
  text: boolean;
}

/** A decoded image for a mask, sized in image pixels. */
export interface LoadedImage {
  source: CanvasImageSource;
  width: number;
  height: number;
}

/**
 * Images of masks by locator, which the caller loads (the renderers never fetch). `classMap`: the image is an
 * 8-bit class map to colour by class (segmentation masks), else it is drawn as it is (bitmap masks).
 * Returns undefined while the image is not there yet; the caller redraws when it arrives.
 */
export type MaskImages = (locator: string, classMap: boolean) => LoadedImage | undefined;

/** Where the next classification tag goes: tags stack down from the image's top-left corner. */
export interface Corner {
  x: number;
  y: number;
}

export interface DrawEnv {
  ctx: Canvas2DLike;
  view: View;
  style: Style;
  corner: Corner;
  images?: MaskImages;
}

export interface Renderer {
  kind: AnnotationKind;
  /** Drawn on the canvas (or in its corner); false: only listed (text and time segments, 3-D objects). */
  drawn: boolean;
  /** Draws the annotation; false when nothing could be drawn (no valid geometry, mask image not loaded yet). */
  draw(annotation: Annotation, env: DrawEnv): boolean;
  /** One line that says what it is, for lists and tooltips: `car 0.87`, `[1.5 s, 3 s) speech`. */
  describe(annotation: Annotation): string;
}
