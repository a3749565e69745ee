/**
 * What each layer holds, for layer toggles and legends: counts by kind, by match status, how many the
 * confidence slider leaves, and the entries that are listed rather than drawn (text / time segments, 3-D).
 * Counts do not depend on the layer's own switch, so a toggle can say what switching it on would show.
 */

import type { DrawOptions } from "./draw";
import { aboveThreshold } from "./draw";
import type { Layer, LayerId } from "./layers";
import { rendererOf } from "./renderers";
import type { AnnotationKind } from "./renderers/types";
import type { AnnotationSource, MatchStatus } from "./types";

export interface ListedEntry {
  kind: AnnotationKind;
  path: string;
  source?: AnnotationSource;
  text: string;
  hidden: boolean;
}

export interface LayerSummary {
  layerId: LayerId;
  label: string;
  colour: string;
  visible: boolean;
  /** Annotations in the layer (missed ground truth only when colouring by match). */
  total: number;
  /** Of those, how many pass the confidence slider. */
  shown: number;
  byKind: Partial<Record<AnnotationKind, number>>;
  byMatch: Partial<Record<MatchStatus, number>>;
  listed: ListedEntry[];
}

const KIND_NAMES: Readonly<Record<AnnotationKind, readonly [string, string]>> = {
  bounding_box: ["box", "boxes"],
  polygon: ["polygon", "polygons"],
  keypoints: ["keypoint set", "keypoint sets"],
  polyline: ["polyline", "polylines"],
  label: ["label", "labels"],
  segmentation_mask: ["segmentation mask", "segmentation masks"],
  bitmap_mask: ["bitmap mask", "bitmap masks"],
  text_segment: ["text segment", "text segments"],
  time_segment: ["time segment", "time segments"],
  bounding_box_3d: ["3-D box", "3-D boxes"],
  keypoints_3d: ["3-D keypoint set", "3-D keypoint sets"],
  polyline_3d: ["3-D polyline", "3-D polylines"],
  unknown: ["other annotation", "other annotations"],
};

/** `3 boxes`, `1 label`. */
export function kindCount(kind: AnnotationKind, count: number): string {
  const [one, many] = KIND_NAMES[kind];
  return `${count} ${count === 1 ? one : many}`;
}

/** `3 boxes, 1 label` in the order kinds were first met; empty when there is nothing. */
export function countsText(byKind: Partial<Record<AnnotationKind, number>>): string {
  return Object.entries(byKind)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([kind, count]) => kindCount(kind as AnnotationKind, count ?? 0))
    .join(", ");
}

/** One summary per layer, in the layers' order. */
export function summariseLayers(layers: readonly Layer[], options: DrawOptions): LayerSummary[] {
  return layers.map((layer) => {
    const summary: LayerSummary = {
      layerId: layer.id,
      label: layer.label,
      colour: layer.colour,
      visible: layer.visible,
      total: 0,
      shown: 0,
      byKind: {},
      byMatch: {},
      listed: [],
    };
    for (const annotation of layer.annotations) {
      if (annotation.match === "FN" && !options.matchColouring) continue;
      const renderer = rendererOf(annotation.dataType);
      const passes = aboveThreshold(annotation, layer, options);
      summary.total++;
      if (passes) summary.shown++;
      summary.byKind[renderer.kind] = (summary.byKind[renderer.kind] ?? 0) + 1;
      if (annotation.match !== undefined) {
        summary.byMatch[annotation.match] = (summary.byMatch[annotation.match] ?? 0) + 1;
      }
      if (!renderer.drawn) {
        summary.listed.push({
          kind: renderer.kind,
          path: annotation.path,
          source: annotation.source,
          text: renderer.describe(annotation),
          hidden: !passes,
        });
      }
    }
    return summary;
  });
}
