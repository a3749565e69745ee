/**
 * Finding the annotations (and assets) inside a test sample, ground truth, inference or per-sample metrics.
 *
 * With the workflow schema, the walk follows the declared fields and their kinds, so it only descends where an
 * annotation can be; fields the schema does not declare (a data object's extras) and `any` kinds are walked by
 * tag. Without a schema, every object whose `data_type` starts with `ANNOTATION/` is an annotation. Either way
 * an annotation's own fields are not searched further.
 *
 * Paths name where each one was found, relative to the value walked: `keypoints`, `bboxes[3]`,
 * `objects.car[0]` (a dict's entries are `.key`), `matched[2][1]`. In per-sample metrics the path is what
 * says whether an annotation was matched: lists named `TP` / `FP` / `FN`, `matched_inference`,
 * `unmatched_ground_truth`, `unmatched_inference`, `matched` (pairs) and the like; matches.ts documents the
 * whole convention and turns such lists into TP / FP / FN statuses of a model's layer.
 */

import type { FieldKind, WorkflowSchema } from "./schema";
import { metricsTypeOf, typeNameOf } from "./schema";
import type { Annotation, AnnotationSource, AnnotationWire, AssetWire, FoundAsset } from "./types";

const ANNOTATION_PREFIX = "ANNOTATION/";
const ASSET_PREFIX = "ASSET/";
/** Keys that hold bookkeeping rather than data: the tag, and the metrics' class (`_type`). */
const SKIPPED_KEYS = new Set(["data_type", "_type"]);

export interface CollectOptions {
  /** Recorded on every annotation found. */
  source?: AnnotationSource;
  /** A confidence for annotations without a `score` of their own (an inference's top-level `confidence`). */
  confidence?: number;
}

type Record_ = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Record_ {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function tagOf(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const tag = value.data_type;
  return typeof tag === "string" ? tag : undefined;
}

/** Whether a value is a serialised annotation (an object tagged `ANNOTATION/...`). */
export function isAnnotation(value: unknown): value is AnnotationWire {
  return tagOf(value)?.startsWith(ANNOTATION_PREFIX) ?? false;
}

/** Whether a value is a serialised asset (an object tagged `ASSET/...` with a locator). */
export function isAsset(value: unknown): value is AssetWire {
  return (tagOf(value)?.startsWith(ASSET_PREFIX) ?? false) && typeof (value as Record_).locator === "string";
}

function field(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/** Which kinds of object the walk is looking for. */
type Target = "annotation" | "asset";

class Walker {
  readonly found: { path: string; dataType: string; value: Record_ }[] = [];

  constructor(
    private readonly target: Target,
    private readonly schema: WorkflowSchema | undefined,
  ) {}

  private matches(tag: string | undefined): tag is string {
    return tag !== undefined && tag.startsWith(this.target === "annotation" ? ANNOTATION_PREFIX : ASSET_PREFIX);
  }

  /** By tag only: every object, array element and dict entry. */
  tagged(value: unknown, path: string): void {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item !== null && typeof item === "object") this.tagged(item, `${path}[${i}]`);
      }
      return;
    }
    const record = value as Record_;
    const tag = tagOf(record);
    if (this.matches(tag)) {
      this.found.push({ path, dataType: tag, value: record });
      return;
    }
    for (const key in record) {
      if (!SKIPPED_KEYS.has(key)) this.tagged(record[key], field(path, key));
    }
  }

  /** A data object of the schema's type `typeName`: its declared fields by kind, the rest by tag. */
  object(value: unknown, typeName: string, path: string): void {
    const entry = this.schema?.types[typeName];
    if (entry === undefined || !isRecord(value)) {
      this.tagged(value, path);
      return;
    }
    const tag = tagOf(value);
    if (this.matches(tag)) {
      this.found.push({ path, dataType: tag, value });
      return;
    }
    // A declared annotation or asset type whose object lost its tag is still one.
    if (tag === undefined && entry.data_type !== null && this.matches(entry.data_type)) {
      this.found.push({ path, dataType: entry.data_type, value });
      return;
    }
    const declared = new Set<string>();
    for (const f of entry.fields) {
      declared.add(f.name);
      if (f.name in value) this.kind(value[f.name], f.kind, field(path, f.name));
    }
    for (const key in value) {
      if (!declared.has(key) && !SKIPPED_KEYS.has(key)) this.tagged(value[key], field(path, key));
    }
  }

  kind(value: unknown, kind: FieldKind, path: string): void {
    if (value === null || value === undefined) return;
    switch (kind.kind) {
      case "scalar":
      case "none":
      case "literal":
      case "metadata":
        return;
      case "any":
      case "union":
        this.tagged(value, path);
        return;
      case "optional":
        this.kind(value, kind.inner, path);
        return;
      case "list":
        if (Array.isArray(value) && holds(kind.items)) {
          for (let i = 0; i < value.length; i++) this.kind(value[i], kind.items, `${path}[${i}]`);
        }
        return;
      case "tuple":
        if (Array.isArray(value)) {
          const items = kind.items;
          for (let i = 0; i < value.length && i < items.length; i++) {
            if (holds(items[i])) this.kind(value[i], items[i], `${path}[${i}]`);
          }
        }
        return;
      case "dict":
        if (isRecord(value) && holds(kind.values)) {
          for (const key in value) this.kind(value[key], kind.values, field(path, key));
        }
        return;
      case "plot":
        return;
      default:
        this.object(value, kind.type, path);
    }
  }
}

/** Whether a value of this kind may hold an annotation or asset (objects may, through their extras). */
function holds(kind: FieldKind): boolean {
  switch (kind.kind) {
    case "scalar":
    case "none":
    case "literal":
    case "metadata":
      return false;
    case "list":
      return holds(kind.items);
    case "tuple":
      return kind.items.some(holds);
    case "dict":
      return holds(kind.values);
    case "optional":
      return holds(kind.inner);
    default:
      return true;
  }
}

function walk(target: Target, value: unknown, schema: WorkflowSchema | undefined, typeName: string | undefined) {
  const walker = new Walker(target, schema);
  const resolved =
    schema === undefined
      ? undefined
      : ((typeName === undefined ? undefined : typeNameOf(schema, typeName)) ?? metricsTypeOf(schema, value));
  if (resolved === undefined) walker.tagged(value, "");
  else walker.object(value, resolved, "");
  return walker.found;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * The annotations inside a value, in the order they appear, with their paths.
 *
 * @param value A test sample, ground truth, inference or per-sample metrics object (or an annotation itself,
 *   whose path is then `""`).
 * @param schema The workflow's type schema; without it, annotations are found by their `data_type` tags.
 * @param typeName The value's type in the schema: a role (`test_sample`, `ground_truth`, `inference`) or a
 *   type name. Per-sample metrics are found by their `_type` when it is not given.
 * @param options The source to record, and a confidence inherited by annotations without a score.
 */
export function collectAnnotations(
  value: unknown,
  schema?: WorkflowSchema,
  typeName?: string,
  options: CollectOptions = {},
): Annotation[] {
  return walk("annotation", value, schema, typeName).map(({ path, dataType, value: found }) => {
    const annotation: Annotation = { path, dataType, value: found as AnnotationWire };
    if (options.source !== undefined) annotation.source = options.source;
    const confidence = numberOr(found.score) ?? options.confidence;
    if (confidence !== undefined) annotation.confidence = confidence;
    return annotation;
  });
}

/** The contract's name of {@link collectAnnotations}. */
export const collectLayers = collectAnnotations;

/** The assets inside a value (images of a composite, a video's thumbnail...), with their paths. */
export function collectAssets(value: unknown, schema?: WorkflowSchema, typeName?: string): FoundAsset[] {
  return walk("asset", value, schema, typeName).map(({ path, dataType, value: found }) => ({
    path,
    dataType,
    value: found as AssetWire,
  }));
}

/** An inference's top-level `confidence` (a finite number), which applies to all its annotations. */
export function inferenceConfidence(inference: unknown): number | undefined {
  return isRecord(inference) ? numberOr(inference.confidence) : undefined;
}
