/**
 * Annotation overlays: finding annotations in samples and results, turning them into layers, and drawing
 * them on a canvas. Everything but OverlayCanvas is plain TypeScript with no DOM.
 */

export {
  collectAnnotations,
  collectAssets,
  collectLayers,
  inferenceConfidence,
  isAnnotation,
  isAsset,
} from "./collect";
export type { CollectOptions } from "./collect";
export type { Canvas2DLike } from "./canvas";
export {
  DEFAULT_DRAW_OPTIONS,
  aboveThreshold,
  countShown,
  drawLayers,
  shownAnnotations,
  styleOf,
} from "./draw";
export type { AnnotationRef, DrawOptions, DrawStats } from "./draw";
export {
  GROUND_TRUTH_LAYER,
  buildLayers,
  layersOfDetail,
  layersOfItem,
  modelIdOf,
  modelLayerId,
  withVisibility,
} from "./layers";
export type { Layer, LayerId, LayerInput, ModelResult } from "./layers";
export { HIT_TOLERANCE, annotationsAt, describeHit } from "./hitTest";
export type { Hit } from "./hitTest";
export { countsText, kindCount, summariseLayers } from "./legend";
export type { LayerSummary, ListedEntry } from "./legend";
export { MaskImageStore, assetFileUrl, sharedMaskImages } from "./maskImages";
export { applyMatches, matchOfPath } from "./matches";
export { OverlayCanvas, backingSize, useDevicePixelRatio } from "./OverlayCanvas";
export type { OverlayCanvasProps } from "./OverlayCanvas";
export { GROUND_TRUTH_COLOUR, MATCH_COLOURS, MODEL_COLOURS, classColour, modelColour, rgbOf } from "./palette";
export { maskClasses } from "./renderers/masks";
export { keypointPixels } from "./probes";
export type { KeypointPixel } from "./probes";
export { KEYPOINT_RADIUS } from "./renderers/keypoints";
export { RENDERERS, rendererOf } from "./renderers";
export type { AnnotationKind, Renderer } from "./renderers";
export { asWorkflowSchema, typeNameOf } from "./schema";
export type { WorkflowSchema } from "./schema";
export { textPieces } from "./textSpans";
export type { TextCover, TextPiece } from "./textSpans";
export { timelineRows } from "./timeline";
export type { TimeBar, TimelineRow } from "./timeline";
export * from "./types";
export { IDENTITY_VIEW, containView, panView, toCanvasPoint, toImagePoint, zoomView } from "./view";
export type { View } from "./view";
