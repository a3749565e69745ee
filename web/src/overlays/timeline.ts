/**
 * Time segments of a video or audio sample as bars on a timeline: one row per layer, each bar placed as a
 * fraction of the duration, in the layer's colour (or its `group`'s, when segments name groups).
 */

import type { DrawOptions } from "./draw";
import { shownAnnotations } from "./draw";
import type { Layer, LayerId } from "./layers";
import { rendererOf } from "./renderers";
import type { Annotation, TimeSegmentWire } from "./types";
import { ANNOTATION } from "./types";

export interface TimeBar {
  annotation: Annotation;
  /** Start and width as fractions of the duration, clipped to [0, 1]. */
  left: number;
  width: number;
  /** The segment's `group` extra, when it has one (a view may colour groups apart). */
  group?: string;
  title: string;
}

export interface TimelineRow {
  layerId: LayerId;
  label: string;
  colour: string;
  bars: TimeBar[];
}

/** The rows of the layers' shown time segments over `duration` seconds (the longest end when not given). */
export function timelineRows(layers: readonly Layer[], options: DrawOptions, duration?: number): TimelineRow[] {
  const segments = layers.map((layer) => ({
    layer,
    annotations: shownAnnotations(layer, options).filter((a) => a.dataType === ANNOTATION.TIME_SEGMENT),
  }));
  const ends = segments.flatMap(({ annotations }) => annotations.map((a) => (a.value as TimeSegmentWire).end));
  const total = duration ?? Math.max(0, ...ends.filter(Number.isFinite));
  return segments
    .filter(({ annotations }) => annotations.length > 0)
    .map(({ layer, annotations }) => ({
      layerId: layer.id,
      label: layer.label,
      colour: layer.colour,
      bars: annotations.flatMap((annotation): TimeBar[] => {
        const { start, end, group } = annotation.value as TimeSegmentWire;
        if (!(total > 0) || !Number.isFinite(start) || !Number.isFinite(end)) return [];
        const left = Math.min(1, Math.max(0, start / total));
        const right = Math.min(1, Math.max(0, end / total));
        const title = rendererOf(annotation.dataType).describe(annotation);
        const bar: TimeBar = { annotation, left, width: right - left, title };
        if (typeof group === "string") bar.group = group;
        return [bar];
      }),
    }));
}
