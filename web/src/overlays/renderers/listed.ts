/**
 * Annotations that are listed rather than drawn on the image: text and time segments (not spatial) and 3-D
 * objects (the app has no 3-D view). Their renderers only describe them.
 */

import type {
  Annotation,
  BoundingBox3DWire,
  Keypoints3DWire,
  Polyline3DWire,
  TextSegmentWire,
  TimeSegmentWire,
} from "../types";
import { labelText } from "./text";
import type { AnnotationKind, Renderer } from "./types";

function listed(kind: AnnotationKind, describe: (annotation: Annotation) => string): Renderer {
  return { kind, drawn: false, draw: () => false, describe };
}

function suffix(annotation: Annotation): string {
  const text = labelText(annotation);
  return text === "" ? "" : ` ${text}`;
}

function number(value: unknown, digits: number): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "?";
}

function triple(value: unknown): string {
  return Array.isArray(value) ? `(${value.map((v) => number(v, 2)).join(", ")})` : "(?)";
}

function points(value: unknown): string {
  const count = Array.isArray(value) ? value.length : 0;
  return `${count} point${count === 1 ? "" : "s"}`;
}

export const timeSegmentRenderer = listed("time_segment", (annotation) => {
  const value = annotation.value as TimeSegmentWire;
  const group = typeof value.group === "string" ? ` (${value.group})` : "";
  return `[${number(value.start, 2)} s, ${number(value.end, 2)} s)${suffix(annotation)}${group}`;
});

export const textSegmentRenderer = listed("text_segment", (annotation) => {
  const value = annotation.value as TextSegmentWire;
  return `${value.text_field}[${number(value.start, 0)}, ${number(value.end, 0)})${suffix(annotation)}`;
});

export const boundingBox3DRenderer = listed("bounding_box_3d", (annotation) => {
  const value = annotation.value as BoundingBox3DWire;
  return `3-D box${suffix(annotation)} at ${triple(value.center)} size ${triple(value.dimensions)}`;
});

export const keypoints3DRenderer = listed(
  "keypoints_3d",
  (annotation) => `3-D keypoints of ${points((annotation.value as Keypoints3DWire).points)}${suffix(annotation)}`,
);

export const polyline3DRenderer = listed(
  "polyline_3d",
  (annotation) => `3-D polyline of ${points((annotation.value as Polyline3DWire).points)}${suffix(annotation)}`,
);

/** Any tag the app does not know: listed by its tag. */
export const unknownRenderer = listed("unknown", (annotation) => `${annotation.dataType}${suffix(annotation)}`);
