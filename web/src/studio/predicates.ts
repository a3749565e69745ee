/**
 * Building, describing and combining the Studio's filters: one predicate kind per field kind (numeric range,
 * categories, text search, null tests), model-versus-model differences, and the predicate a histogram bin
 * stands for. Pure functions, so the filter bar and the sidebar share them and tests need no DOM.
 */

import { formatCount, formatNumber } from "../format";
import type { Difference, FieldGroup, FieldInfo, Histogram, ModelRef, Predicate, SampleFields } from "./types";

/** A bound or bin edge as typed: up to four significant digits, no trailing zeros ("0.02", "−90"). */
export function compactNumber(value: number): string {
  const text = formatNumber(value, 4);
  return text.includes("e") || !text.includes(".") ? text : text.replace(/0+$/, "").replace(/\.$/, "");
}

export const GROUP_LABELS: Record<FieldGroup, string> = {
  sample: "Sample",
  metadata: "Metadata",
  ground_truth: "Ground truth",
  inference: "Inference",
  metric: "Metric",
};

const GROUP_ORDER: readonly FieldGroup[] = ["metadata", "sample", "ground_truth", "inference", "metric"];

/** Fields grouped for a picker (metadata first, metrics last), each group in the server's order. */
export function groupFields(fields: readonly FieldInfo[]): { group: FieldGroup; label: string; fields: FieldInfo[] }[] {
  return GROUP_ORDER.map((group) => ({ group, label: GROUP_LABELS[group], fields: fields.filter((f) => f.group === group) })).filter(
    (entry) => entry.fields.length > 0,
  );
}

/** The metric fields (what the sidebar can average per bin). */
export function metricFields(fields: readonly FieldInfo[]): FieldInfo[] {
  return fields.filter((field) => field.group === "metric");
}

/** The sidebar's metric: the URL's when the suite has it, else the first metric field. */
export function resolveMetric(fields: SampleFields, wanted: string | null): string | null {
  const metrics = metricFields(fields.fields);
  if (wanted !== null && metrics.some((m) => m.name === wanted)) return wanted;
  return metrics[0]?.name ?? null;
}

/** The models in scope: the URL's that have results, in the server's order, else all of them. */
export function resolveModels(fields: SampleFields, wanted: readonly number[] | null): ModelRef[] {
  if (wanted === null) return fields.models;
  const chosen = fields.models.filter((m) => wanted.includes(m.id));
  return chosen.length > 0 ? chosen : fields.models;
}

export type FilterKind = "range" | "in" | "contains" | "null" | "not_null";

/** The filters a field offers, the natural one first. */
export function filterKindsOf(field: FieldInfo): FilterKind[] {
  switch (field.kind) {
    case "number":
      return ["range", "null", "not_null"];
    case "category":
    case "bool":
      return ["in", "null", "not_null"];
    case "text":
      return ["contains", "in", "null", "not_null"];
  }
}

function withModel(field: FieldInfo, modelId: number | null): Pick<Predicate, "field" | "model_id"> {
  if (field.per_model && modelId === null) throw new Error(`${field.label} is a per-model field: pick a model`);
  return field.per_model && modelId !== null ? { field: field.name, model_id: modelId } : { field: field.name };
}

/** A numeric range; an empty bound is open. Refuses a field that is not numeric and an inverted range. */
export function rangePredicate(field: FieldInfo, modelId: number | null, min: number | null, max: number | null): Predicate {
  if (field.kind !== "number") throw new Error(`${field.label} is not numeric`);
  if (min !== null && max !== null && min > max) throw new Error(`the minimum ${min} is above the maximum ${max}`);
  const predicate: Predicate = { ...withModel(field, modelId), op: "range" };
  if (min !== null) predicate.min = min;
  if (max !== null) predicate.max = max;
  return predicate;
}

/** Values of a field's categories in their JSON type: a boolean field's "true" is `true`. */
export function categoryValue(field: FieldInfo, category: string): string | boolean | number {
  if (field.kind === "bool") {
    if (category === "true" || category === "True") return true;
    if (category === "false" || category === "False") return false;
  }
  if (field.kind === "number") {
    const number = Number(category);
    if (category !== "" && Number.isFinite(number)) return number;
  }
  return category;
}

/** Samples whose value is one of `categories`. */
export function categoryPredicate(field: FieldInfo, modelId: number | null, categories: readonly string[]): Predicate {
  if (categories.length === 0) throw new Error("pick at least one value");
  return { ...withModel(field, modelId), op: "in", values: categories.map((c) => categoryValue(field, c)) };
}

/** A case-insensitive substring search. */
export function textPredicate(field: FieldInfo, modelId: number | null, text: string): Predicate {
  if (text.trim() === "") throw new Error("type the text to search for");
  return { ...withModel(field, modelId), op: "contains", text };
}

export function nullPredicate(field: FieldInfo, modelId: number | null, isNull: boolean): Predicate {
  return { ...withModel(field, modelId), op: isNull ? "null" : "not_null" };
}

/** "field of model minus the same of another in [min, max]": only numeric per-model fields qualify. */
export function differenceOf(
  field: FieldInfo,
  modelId: number,
  minusModelId: number,
  min: number | null,
  max: number | null,
): Difference {
  if (!field.per_model || field.kind !== "number") throw new Error(`${field.label} is not a numeric per-model field`);
  if (modelId === minusModelId) throw new Error("pick two different models");
  if (min === null && max === null) throw new Error("give a minimum or a maximum");
  if (min !== null && max !== null && min > max) throw new Error(`the minimum ${min} is above the maximum ${max}`);
  const difference: Difference = { field: field.name, model_id: modelId, minus_model_id: minusModelId };
  if (min !== null) difference.min = min;
  if (max !== null) difference.max = max;
  return difference;
}

/** A number typed in a bound's box: empty means no bound; anything else must be a finite number. */
export function parseBound(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

const sameTarget = (a: Predicate, b: Predicate) =>
  a.field === b.field && (a.model_id ?? null) === (b.model_id ?? null) && (a.configuration ?? null) === (b.configuration ?? null);

/**
 * The predicates with `next` added: a predicate on the same field (and model) is replaced, since two ranges
 * or two value lists on one field would AND into something nobody meant.
 */
export function addPredicate(predicates: readonly Predicate[], next: Predicate): Predicate[] {
  const at = predicates.findIndex((p) => sameTarget(p, next));
  if (at < 0) return [...predicates, next];
  return predicates.map((p, i) => (i === at ? next : p));
}

/**
 * The predicate a histogram's bar stands for: `[lo, hi]` of a numeric bin, or the bar's category. Clicking a
 * category of a field already filtered by categories adds it to that list (or takes it out when it is
 * there), so several bars can be picked one after another.
 */
export function binPredicate(
  histogram: Histogram,
  index: number,
  field: FieldInfo | undefined,
  existing: readonly Predicate[] = [],
): Predicate | null {
  if (histogram.edges && histogram.edges.length >= 2) {
    const lo = histogram.edges[index];
    const hi = histogram.edges[index + 1];
    if (lo === undefined || hi === undefined) return null;
    return { field: histogram.field, op: "range", min: lo, max: hi };
  }
  const category = histogram.categories?.[index];
  if (category === undefined) return null;
  const info: FieldInfo = field ?? { name: histogram.field, label: histogram.field, group: "metadata", kind: histogram.kind, per_model: false };
  const value = categoryValue(info, category);
  const current = existing.find((p) => p.op === "in" && p.field === histogram.field && (p.model_id ?? null) === null);
  if (current?.values) {
    const has = current.values.some((v) => v === value);
    const values = has ? current.values.filter((v) => v !== value) : [...current.values, value];
    return values.length > 0 ? { field: histogram.field, op: "in", values } : null;
  }
  return { field: histogram.field, op: "in", values: [value] };
}

/** The predicates after a bar is clicked: its predicate added, or the field's filter dropped when emptied. */
export function applyBin(predicates: readonly Predicate[], histogram: Histogram, index: number, field: FieldInfo | undefined): Predicate[] {
  const next = binPredicate(histogram, index, field, predicates);
  if (next) return addPredicate(predicates, next);
  return predicates.filter((p) => !(p.field === histogram.field && (p.model_id ?? null) === null && p.op === "in"));
}

// -- describing ---------------------------------------------------------------------------------------------
export interface Names {
  fields: ReadonlyMap<string, FieldInfo>;
  models: ReadonlyMap<number, string>;
}

export function namesOf(fields: SampleFields): Names {
  return {
    fields: new Map(fields.fields.map((f) => [f.name, f])),
    models: new Map(fields.models.map((m) => [m.id, m.name])),
  };
}

function fieldName(names: Names, field: string, modelId: number | null | undefined, configuration?: string | null): string {
  const label = names.fields.get(field)?.label ?? field;
  const model = modelId === null || modelId === undefined ? "" : ` of ${names.models.get(modelId) ?? `model ${modelId}`}`;
  const config = configuration === null || configuration === undefined ? "" : ` (${configuration || "default"})`;
  return `${label}${model}${config}`;
}

function valueText(value: string | number | boolean): string {
  return typeof value === "number" ? compactNumber(value) : String(value);
}

/** A predicate as its chip reads: "NME of B ≥ 0.02", "pose in frontal, profile". */
export function describePredicate(predicate: Predicate, names: Names): string {
  const name = fieldName(names, predicate.field, predicate.model_id, predicate.configuration);
  switch (predicate.op) {
    case "range": {
      const min = predicate.min ?? null;
      const max = predicate.max ?? null;
      if (min !== null && max !== null) return `${name} in [${compactNumber(min)}, ${compactNumber(max)}]`;
      if (min !== null) return `${name} ≥ ${compactNumber(min)}`;
      if (max !== null) return `${name} ≤ ${compactNumber(max)}`;
      return `${name}: any value`;
    }
    case "in":
      return `${name} is ${(predicate.values ?? []).map(valueText).join(" or ") || "nothing"}`;
    case "contains":
      return `${name} contains "${predicate.text ?? ""}"`;
    case "null":
      return `${name} is missing`;
    case "not_null":
      return `${name} is present`;
  }
}

/** A difference as its chip reads: "NME of B − A ≥ 0.02". */
export function describeDifference(difference: Difference, names: Names): string {
  const label = names.fields.get(difference.field)?.label ?? difference.field;
  const model = (id: number) => names.models.get(id) ?? `model ${id}`;
  const head = `${label} of ${model(difference.model_id)} − ${model(difference.minus_model_id)}`;
  const min = difference.min ?? null;
  const max = difference.max ?? null;
  if (min !== null && max !== null) return `${head} in [${compactNumber(min)}, ${compactNumber(max)}]`;
  if (min !== null) return `${head} ≥ ${compactNumber(min)}`;
  if (max !== null) return `${head} ≤ ${compactNumber(max)}`;
  return `${head}: any value`;
}

/** A test case's name suggested from the filters ("pose is profile, NME of B ≥ 0.02"), within 120 characters. */
export function suggestName(predicates: readonly Predicate[], differences: readonly Difference[], names: Names): string {
  const parts = [...predicates.map((p) => describePredicate(p, names)), ...differences.map((d) => describeDifference(d, names))];
  const text = parts.join(", ");
  if (text.length <= 120) return text;
  return `${text.slice(0, 119)}…`;
}

/** "1,234 of 3,000 samples". */
export function countText(matching: number, total: number): string {
  return `${formatCount(matching)} of ${formatCount(total)} sample${total === 1 ? "" : "s"}`;
}
