/**
 * The drawing pass: every visible layer's annotations through their renderers in three passes, each over
 * the layers in order (ground truth first, models over it): masks (under everything), shapes, and last the
 * classification tags in the corner (over everything, so that boxes near the corner never hide them).
 *
 * Options: the confidence slider hides a model's annotations whose confidence (own `score`, else the
 * inference's top-level `confidence`) is below `minConfidence` (ground truth and annotations without a
 * confidence always show); `matchColouring` outlines TP / FP / FN in the match colours and adds the ground
 * truth each model missed (FN, dashed) to its layer; `highlight` picks one annotation out and dims the rest.
 */

import type { Canvas2DLike } from "./canvas";
import type { Layer, LayerId } from "./layers";
import { GROUND_TRUTH_LAYER } from "./layers";
import { MATCH_COLOURS } from "./palette";
import { rendererOf } from "./renderers";
import { CHIP_HEIGHT, drawChip } from "./renderers/text";
import type { Corner, MaskImages, Style } from "./renderers/types";
import type { Annotation, AnnotationSource } from "./types";
import { ANNOTATION } from "./types";
import type { View } from "./view";

/** One annotation of one layer: its layer, its path, and (paths repeat between sample and ground truth) its source. */
export interface AnnotationRef {
  layerId: LayerId;
  path: string;
  source?: AnnotationSource;
}

export interface DrawOptions {
  /** 0 shows everything. */
  minConfidence: number;
  matchColouring: boolean;
  highlight?: AnnotationRef;
  /** Label, score and point-name text (default true; small gallery cells turn it off). */
  showText?: boolean;
  /** Mask images by locator, loaded by the caller. */
  images?: MaskImages;
}

export const DEFAULT_DRAW_OPTIONS: DrawOptions = { minConfidence: 0, matchColouring: true };

export interface DrawStats {
  /** Annotations drawn on the canvas. */
  drawn: number;
  /** Annotations hidden by the confidence slider. */
  hidden: number;
  /** Annotations of visible layers that are only listed (text / time segments, 3-D). */
  listed: number;
  /** Annotations that could not be drawn: a mask image not loaded yet, or no valid geometry. */
  pending: number;
}

export const LINE_WIDTH = 2;
export const HIGHLIGHT_LINE_WIDTH = 3.5;
export const DIMMED_ALPHA = 0.35;
/** Dash of missed ground truth (FN) in a model's layer. */
export const FN_DASH: readonly number[] = [6, 4];
/** Where classification tags start, inside the image's top-left corner. */
const CORNER_INSET = 6;
/** Classification tags drawn per layer, the most confident first. */
export const MAX_TAGS = 5;

/**
 * The `count` most confident annotations, most confident first (unscored ones first, in their order); all of
 * them, in their order, when there are no more than `count`.
 */
function mostConfident(annotations: readonly Annotation[], count: number): Annotation[] {
  if (annotations.length <= count) return [...annotations];
  return annotations
    .map((annotation, index) => ({ annotation, index, confidence: annotation.confidence ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => b.confidence - a.confidence || a.index - b.index)
    .slice(0, count)
    .map(({ annotation }) => annotation);
}

/** Whether an annotation belongs to the drawing at all: missed ground truth (FN) only when colouring by match. */
function inDrawing(annotation: Annotation, options: DrawOptions): boolean {
  return annotation.match !== "FN" || options.matchColouring;
}

/** Whether the confidence slider lets an annotation of `layer` show: the ground truth and unscored always do. */
export function aboveThreshold(annotation: Annotation, layer: Layer, options: DrawOptions): boolean {
  if (layer.id === GROUND_TRUTH_LAYER || annotation.confidence === undefined) return true;
  return annotation.confidence >= options.minConfidence;
}

/** A visible layer's annotations that show under the options, in drawing order within the layer. */
export function shownAnnotations(layer: Layer, options: DrawOptions): Annotation[] {
  if (!layer.visible) return [];
  return layer.annotations.filter((a) => inDrawing(a, options) && aboveThreshold(a, layer, options));
}

function sameRef(ref: AnnotationRef | undefined, layer: Layer, annotation: Annotation): boolean {
  return (
    ref !== undefined &&
    ref.layerId === layer.id &&
    ref.path === annotation.path &&
    (ref.source === undefined || ref.source === annotation.source)
  );
}

/** How an annotation of a layer is drawn under the options. */
export function styleOf(annotation: Annotation, layer: Layer, options: DrawOptions): Style {
  const match = options.matchColouring ? annotation.match : undefined;
  const highlighted = sameRef(options.highlight, layer, annotation);
  return {
    stroke: match === undefined ? layer.colour : MATCH_COLOURS[match],
    fill: layer.colour,
    dash: match === "FN" ? FN_DASH : [],
    alpha: options.highlight === undefined || highlighted ? 1 : DIMMED_ALPHA,
    lineWidth: highlighted ? HIGHLIGHT_LINE_WIDTH : LINE_WIDTH,
    text: options.showText ?? true,
  };
}

function isMask(annotation: Annotation): boolean {
  return annotation.dataType === ANNOTATION.SEGMENTATION_MASK || annotation.dataType === ANNOTATION.BITMAP_MASK;
}

type Pass = "masks" | "shapes" | "tags";
const PASSES: readonly Pass[] = ["masks", "shapes", "tags"];

function passOf(annotation: Annotation): Pass {
  if (isMask(annotation)) return "masks";
  return annotation.dataType === ANNOTATION.LABEL ? "tags" : "shapes";
}

/**
 * Draws the layers over an image placed by `view` (CSS pixels; the caller has scaled the context for the
 * device pixel ratio and cleared it). Returns what it drew.
 */
export function drawLayers(
  ctx: Canvas2DLike,
  layers: readonly Layer[],
  view: View,
  options: DrawOptions,
): DrawStats {
  if (!(view.scale > 0 && Number.isFinite(view.offsetX) && Number.isFinite(view.offsetY))) {
    // No image area yet (a box not laid out, an image of unknown size): drawing would pile everything in a corner.
    const counted = countShown(layers, options);
    return { ...counted, drawn: 0, pending: counted.drawn + counted.pending };
  }
  const stats: DrawStats = { drawn: 0, hidden: 0, listed: 0, pending: 0 };
  const corner: Corner = {
    x: Math.max(view.offsetX, 0) + CORNER_INSET,
    y: Math.max(view.offsetY, 0) + CORNER_INSET,
  };
  for (const pass of PASSES) {
    for (const layer of layers) {
      if (!layer.visible) continue;
      const annotations = layer.annotations.filter((a) => passOf(a) === pass && inDrawing(a, options));
      const shown = annotations.filter((a) => aboveThreshold(a, layer, options));
      stats.hidden += annotations.length - shown.length;
      const drawn = pass === "tags" ? mostConfident(shown, MAX_TAGS) : shown;
      for (const annotation of drawn) {
        const renderer = rendererOf(annotation.dataType);
        if (!renderer.drawn) {
          stats.listed++;
          continue;
        }
        ctx.save();
        const env = { ctx, view, style: styleOf(annotation, layer, options), corner, images: options.images };
        if (renderer.draw(annotation, env)) stats.drawn++;
        else stats.pending++;
        ctx.restore();
      }
      if (drawn.length < shown.length) {
        // The rest of a long list of scored labels (a classifier's every class) is summed up in one tag.
        const more = shown.length - drawn.length;
        stats.listed += more;
        ctx.save();
        drawChip(ctx, `+${more} more`, corner.x, corner.y, layer.colour);
        corner.y += CHIP_HEIGHT + 2;
        ctx.restore();
      }
    }
  }
  return stats;
}

/** What {@link drawLayers} would report, without drawing (masks count as pending: their images are not drawn). */
export function countShown(layers: readonly Layer[], options: DrawOptions): DrawStats {
  const stats: DrawStats = { drawn: 0, hidden: 0, listed: 0, pending: 0 };
  for (const layer of layers) {
    if (!layer.visible) continue;
    let tags = 0;
    for (const annotation of layer.annotations) {
      if (!inDrawing(annotation, options)) continue;
      if (!aboveThreshold(annotation, layer, options)) stats.hidden++;
      else if (!rendererOf(annotation.dataType).drawn) stats.listed++;
      else if (isMask(annotation)) stats.pending++;
      else if (passOf(annotation) === "tags" && ++tags > MAX_TAGS) stats.listed++;
      else stats.drawn++;
    }
  }
  return stats;
}
