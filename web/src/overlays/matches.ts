/**
 * TP / FP / FN from per-sample metrics: evaluators that match inferences to ground truth store the outcome as
 * lists of annotations, and the app colours a model's layer by them.
 *
 * The convention, by the name of the field holding the list (at any depth, case-insensitive, singular or
 * plural, `-` and spaces read as `_`):
 *
 * - TP, inference side: `TP`, `true_positives`, `matched_inference(s)`, `matched_prediction(s)`,
 *   `matched_detection(s)`;
 * - FP, inference side: `FP`, `false_positives`, `unmatched_inference(s)`, `unmatched_prediction(s)`,
 *   `unmatched_detection(s)`;
 * - FN, ground-truth side: `FN`, `false_negatives`, `unmatched_ground_truth(s)`, `missed`;
 * - TP, ground-truth side: `matched_ground_truth(s)`;
 * - `matched`: pairs `[ground truth, inference]` (index 0 / 1), or objects `{ground_truth, inference}`; an
 *   annotation directly in the list is an inference.
 *
 * Other annotation lists of the metrics (e.g. the detection evaluator's `Confused`) are drawn as found, not
 * coloured. In a model's layer, its inference annotations that equal a TP or FP entry (same type, label and
 * geometry) take that status; entries with no equal inference annotation are drawn themselves; FN entries are
 * drawn in the model's layer (dashed), as the ground truth that model missed.
 */

import type { Annotation, MatchStatus } from "./types";

export type MatchSide = "ground_truth" | "inference";

export interface MatchInfo {
  status: MatchStatus;
  side: MatchSide;
}

const LISTS: Readonly<Record<string, MatchInfo>> = (() => {
  const table: Record<string, MatchInfo> = {};
  const add = (names: string[], status: MatchStatus, side: MatchSide) => {
    for (const name of names) table[name] = { status, side };
  };
  add(
    ["tp", "true_positive", "matched_inference", "matched_prediction", "matched_detection", "matched"],
    "TP",
    "inference",
  );
  add(
    ["fp", "false_positive", "unmatched_inference", "unmatched_prediction", "unmatched_detection"],
    "FP",
    "inference",
  );
  add(["fn", "false_negative", "unmatched_ground_truth", "missed"], "FN", "ground_truth");
  add(["matched_ground_truth"], "TP", "ground_truth");
  return table;
})();

const GROUND_TRUTH_KEYS = new Set(["ground_truth", "gt", "truth"]);
const INFERENCE_KEYS = new Set(["inference", "prediction", "detection", "pred", "dt"]);

/** `Matched-Inferences` -> `matched_inference`. */
function normalise(name: string): string {
  const snake = name.trim().toLowerCase().replace(/[\s-]+/g, "_");
  return snake.length > 2 && snake.endsWith("s") && !snake.endsWith("ss") ? snake.slice(0, -1) : snake;
}

type Segment = { name: string } | { index: number };

/** `a.b[3][1].c` -> name a, name b, index 3, index 1, name c. */
export function pathSegments(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const match of path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) {
    if (match[1] !== undefined) segments.push({ index: Number(match[1]) });
    else segments.push({ name: match[2] });
  }
  return segments;
}

/** What the list an annotation was found in says about it, by the convention above; undefined: nothing. */
export function matchOfPath(path: string): MatchInfo | undefined {
  const segments = pathSegments(path);
  let found = -1;
  for (let i = segments.length - 1; i >= 0 && found < 0; i--) {
    const segment = segments[i];
    if ("name" in segment && normalise(segment.name) in LISTS) found = i;
  }
  if (found < 0) return undefined;
  const list = normalise((segments[found] as { name: string }).name);
  const info = LISTS[list];
  if (list !== "matched") return info;
  // `matched[i][0]` is the ground truth of a pair and `[1]` its inference; or `matched[i].ground_truth`.
  const rest = segments.slice(found + 1);
  const side = rest[1];
  if (side !== undefined && "index" in side && rest[0] !== undefined && "index" in rest[0]) {
    return { status: "TP", side: side.index === 0 ? "ground_truth" : "inference" };
  }
  for (const segment of rest) {
    if (!("name" in segment)) continue;
    const key = normalise(segment.name);
    if (GROUND_TRUTH_KEYS.has(key)) return { status: "TP", side: "ground_truth" };
    if (INFERENCE_KEYS.has(key)) return { status: "TP", side: "inference" };
  }
  return info;
}

/** Numbers to 1e-3 and nested lists flattened with separators, appended to `out`. */
function appendRounded(value: unknown, out: string[]): void {
  if (typeof value === "number") out.push(String(Math.round(value * 1000) / 1000));
  else if (Array.isArray(value)) {
    out.push("[");
    for (const item of value) appendRounded(item, out);
    out.push("]");
  } else out.push(JSON.stringify(value ?? null));
}

const GEOMETRY = ["top_left", "bottom_right", "points", "center", "dimensions", "rotations", "locator", "start", "end"];

/** Two annotations with one key are the same object: same type, label, text field and geometry (to 1e-3). */
export function geometryKey(annotation: Annotation): string {
  const value = annotation.value as Readonly<Record<string, unknown>>;
  const out = [annotation.dataType, JSON.stringify(value.label ?? null), JSON.stringify(value.text_field ?? null)];
  for (const name of GEOMETRY) {
    if (!(name in value)) continue;
    out.push(name);
    appendRounded(value[name], out);
  }
  return out.join(" ");
}

export interface MatchedLayer {
  annotations: Annotation[];
  /** Whether the metrics held any matched / unmatched list (the layer can be coloured by match). */
  hasMatches: boolean;
}

/**
 * A model layer's annotations: its inference's, with the statuses the metrics' lists give them, plus the
 * metrics' own annotations that are not already drawn (FN entries, entries no inference annotation equals, and
 * annotation fields outside the convention).
 */
export function applyMatches(inference: readonly Annotation[], metrics: readonly Annotation[]): MatchedLayer {
  const byKey = new Map<string, Annotation[]>();
  const annotations = inference.map((annotation) => ({ ...annotation }));
  for (const annotation of annotations) {
    const key = geometryKey(annotation);
    const same = byKey.get(key);
    if (same === undefined) byKey.set(key, [annotation]);
    else same.push(annotation);
  }
  const drawn = new Set(byKey.keys());
  const listed = metrics.map((entry) => ({ entry, info: matchOfPath(entry.path), key: geometryKey(entry) }));
  for (const { entry, info, key } of listed) {
    if (info === undefined) continue;
    drawn.add(key);
    if (info.side === "ground_truth") {
      // Matched ground truth is shown by its matched inference; only the missed ones join the model's layer.
      if (info.status === "FN") annotations.push({ ...entry, match: "FN" });
      continue;
    }
    const unclaimed = byKey.get(key)?.find((annotation) => annotation.match === undefined);
    if (unclaimed !== undefined) unclaimed.match = info.status;
    else annotations.push({ ...entry, match: info.status });
  }
  // After the lists, so that an annotation both listed and elsewhere in the metrics is drawn once.
  for (const { entry, info, key } of listed) {
    if (info !== undefined || drawn.has(key)) continue;
    annotations.push(entry);
    drawn.add(key);
  }
  const hasMatches = listed.some(({ info }) => info !== undefined);
  return { annotations, hasMatches };
}
