/**
 * Text segments on a text sample: the text cut at every boundary of the shown segments of one field, each
 * piece with the segments (and layers) that cover it, so a view can underline or tint it in layer colours.
 */

import type { DrawOptions } from "./draw";
import { shownAnnotations } from "./draw";
import type { Layer, LayerId } from "./layers";
import type { Annotation, TextSegmentWire } from "./types";
import { ANNOTATION } from "./types";

export interface TextCover {
  layerId: LayerId;
  colour: string;
  annotation: Annotation;
}

export interface TextPiece {
  start: number;
  end: number;
  text: string;
  covers: TextCover[];
}

/** `text` (the test sample's field `field`) in pieces, each covered by the same segments throughout. */
export function textPieces(text: string, field: string, layers: readonly Layer[], options: DrawOptions): TextPiece[] {
  const spans: (TextCover & { start: number; end: number })[] = [];
  for (const layer of layers) {
    for (const annotation of shownAnnotations(layer, options)) {
      if (annotation.dataType !== ANNOTATION.TEXT_SEGMENT) continue;
      const value = annotation.value as TextSegmentWire;
      if (value.text_field !== field) continue;
      const start = Math.max(0, Math.min(text.length, Math.floor(value.start)));
      const end = Math.max(0, Math.min(text.length, Math.ceil(value.end)));
      if (end > start) spans.push({ layerId: layer.id, colour: layer.colour, annotation, start, end });
    }
  }
  const cuts = [...new Set([0, text.length, ...spans.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
  const pieces: TextPiece[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [start, end] = [cuts[i], cuts[i + 1]];
    const covers = spans
      .filter((s) => s.start <= start && s.end >= end)
      .map(({ layerId, colour, annotation }) => ({ layerId, colour, annotation }));
    pieces.push({ start, end, text: text.slice(start, end), covers });
  }
  return pieces;
}
