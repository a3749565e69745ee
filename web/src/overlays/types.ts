/**
 * Annotations and assets as the server sends them: each object is the `_to_dict()` form of its Python class in
 * `assay.workflow.annotation` / `assay.workflow.asset`, tagged with `data_type`. Labelled and scored variants
 * share their base's tag and add `label` / `score`; users may add any extra field (`occluded`, `skeleton`...),
 * which travels with the object. Points are `[x, y]` (or `[x, y, z]`) in the image's pixel coordinates.
 */

export type Point2 = readonly [number, number];
export type Point3 = readonly [number, number, number];

/** Every annotation tag the app knows, as `assay.workflow.annotation` declares them. */
export const ANNOTATION = {
  BOUNDING_BOX: "ANNOTATION/BOUNDING_BOX",
  POLYGON: "ANNOTATION/POLYGON",
  KEYPOINTS: "ANNOTATION/KEYPOINTS",
  POLYLINE: "ANNOTATION/POLYLINE",
  BOUNDING_BOX_3D: "ANNOTATION/BOUNDING_BOX_3D",
  KEYPOINTS_3D: "ANNOTATION/KEYPOINTS_3D",
  POLYLINE_3D: "ANNOTATION/POLYLINE_3D",
  SEGMENTATION_MASK: "ANNOTATION/SEGMENTATION_MASK",
  BITMAP_MASK: "ANNOTATION/BITMAP_MASK",
  LABEL: "ANNOTATION/LABEL",
  TIME_SEGMENT: "ANNOTATION/TIME_SEGMENT",
  TEXT_SEGMENT: "ANNOTATION/TEXT_SEGMENT",
} as const;

export type AnnotationDataType = (typeof ANNOTATION)[keyof typeof ANNOTATION];

/** Every asset tag of `assay.workflow.asset`. */
export const ASSET = {
  IMAGE: "ASSET/IMAGE",
  PLAIN_TEXT: "ASSET/PLAIN_TEXT",
  BINARY: "ASSET/BINARY",
  POINT_CLOUD: "ASSET/POINT_CLOUD",
  AUDIO: "ASSET/AUDIO",
  MESH: "ASSET/MESH",
  VIDEO: "ASSET/VIDEO",
} as const;

export type AssetDataType = (typeof ASSET)[keyof typeof ASSET];

/** Fields any annotation may carry besides its geometry: the labelled / scored variants' and free extras. */
export interface AnnotationExtras {
  label?: string;
  score?: number;
  [extra: string]: unknown;
}

export interface BoundingBoxWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.BOUNDING_BOX;
  top_left: Point2;
  bottom_right: Point2;
  width?: number;
  height?: number;
  area?: number;
  aspect_ratio?: number;
}

export interface PolygonWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.POLYGON;
  points: readonly Point2[];
}

/**
 * Keypoints may carry a `skeleton` extra (index pairs to join; `connections` and `edges` are read as well) and
 * point names (`names`, `labels` or `keypoint_names`, one per point) for per-point labels.
 */
export interface KeypointsWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.KEYPOINTS;
  points: readonly Point2[];
}

export interface PolylineWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.POLYLINE;
  points: readonly Point2[];
}

export interface BoundingBox3DWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.BOUNDING_BOX_3D;
  center: Point3;
  dimensions: Point3;
  rotations: Point3;
  volume?: number;
}

export interface Keypoints3DWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.KEYPOINTS_3D;
  points: readonly Point3[];
}

export interface Polyline3DWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.POLYLINE_3D;
  points: readonly Point3[];
}

/** A per-pixel class map: an 8-bit single-channel PNG; `labels` names pixel values (keys are the values as text). */
export interface SegmentationMaskWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.SEGMENTATION_MASK;
  labels: Readonly<Record<string, string>>;
  locator: string;
}

/** An image drawn over the sample as it is (an activation map, RGBA). */
export interface BitmapMaskWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.BITMAP_MASK;
  locator: string;
}

/** A class label of the whole sample (`Label`, `ClassificationLabel`, `ScoredLabel`...). */
export interface LabelWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.LABEL;
  label: string;
}

/** A span of a video or audio sample in seconds; a `group` extra picks its colour. */
export interface TimeSegmentWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.TIME_SEGMENT;
  start: number;
  end: number;
}

/** The characters `[start, end)` of the test sample's text field `text_field`. */
export interface TextSegmentWire extends AnnotationExtras {
  data_type: typeof ANNOTATION.TEXT_SEGMENT;
  text_field: string;
  start: number;
  end: number;
}

export type AnnotationWire =
  | BoundingBoxWire
  | PolygonWire
  | KeypointsWire
  | PolylineWire
  | BoundingBox3DWire
  | Keypoints3DWire
  | Polyline3DWire
  | SegmentationMaskWire
  | BitmapMaskWire
  | LabelWire
  | TimeSegmentWire
  | TextSegmentWire;

/** An annotation whose tag this app does not know (a newer server, a user's own tag): listed, never drawn. */
export interface UnknownAnnotationWire extends AnnotationExtras {
  data_type: string;
}

/** A file the sample points at; videos may add a thumbnail and a span. */
export interface AssetWire {
  data_type: AssetDataType | string;
  locator: string;
  thumbnail?: AssetWire | null;
  start?: number | null;
  end?: number | null;
  frame_rate?: number | null;
  [extra: string]: unknown;
}

/** Where an annotation was found: the test sample, its ground truth, an inference, or per-sample metrics. */
export type AnnotationSource = "sample" | "ground_truth" | "inference" | "metrics";

/** How an evaluator classified an annotation, from the matched / unmatched lists of per-sample metrics. */
export type MatchStatus = "TP" | "FP" | "FN";

/** One annotation found in a value, with where it was found. */
export interface Annotation {
  /** Its path inside the value it was collected from: `keypoints`, `bboxes[3]`, `objects.cars[0]`. */
  path: string;
  dataType: string;
  value: AnnotationWire | UnknownAnnotationWire;
  source?: AnnotationSource;
  /** Its own `score`, else the inference's top-level `confidence` (which applies to all its annotations). */
  confidence?: number;
  match?: MatchStatus;
}

/** One asset found in a value, with its path. */
export interface FoundAsset {
  path: string;
  dataType: string;
  value: AssetWire;
}
