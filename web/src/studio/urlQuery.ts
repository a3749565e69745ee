/**
 * The Studio's whole state in the URL's search parameters, compact enough to read and share:
 *
 *   suite=<suite version id>  case=<test-case version id>  models=1,2  configuration=<name>  metric=<field>
 *   q=<predicate> (repeated)  d=<difference> (repeated)  sort=[-]<field>[@<model>][~<configuration>]
 *   delta=<model>,<baseline>,<configuration>,<metric>  evaluator=<name>
 *
 * A predicate reads `<field>[@<model>][~<configuration>]:<op>[:<argument>]`:
 *
 *   meta.pose:in:frontal,profile     metric.nme@2:range:0.02..    meta.name:contains:smith    gt.box:null
 *
 * and a difference `<field>@<model>-<minus model>[~<configuration>]:<min>..<max>` ("NME of 2 minus NME of 1
 * above 0.02" is `metric.nme@2-1:0.02..`). Values of `in` are text unless written `#<json>` (`#true`, `#3`).
 * The characters the grammar uses (`% : , @ ~ #`) are escaped as `%XX` inside names and values, so any field
 * name or value survives the trip. Anything malformed reads as absent rather than failing the page.
 *
 * `configuration=` (present and empty) is the unnamed configuration; absent, the server's first one. The same
 * holds for the delta's configuration (empty: the unnamed one) and `evaluator` (absent: the server's choice).
 */

import type { Difference, Predicate, PredicateOp, SampleQuery, SortKey } from "./types";

/** The cell of a results page whose samples delta mode shows. */
export interface DeltaCell {
  modelId: number;
  baselineId: number;
  /** null: the unnamed configuration. */
  configuration: string | null;
  metric: string;
  /** undefined: left to the server; null: the unnamed evaluator. */
  evaluator?: string | null;
}

export interface StudioState {
  suite: number | null;
  testCase: number | null;
  /** null: every model with results. */
  models: number[] | null;
  /** null: the first configuration; "": the unnamed one. */
  configuration: string | null;
  /** The metric field the sidebar averages per bin (null: the first metric field). */
  metric: string | null;
  predicates: Predicate[];
  differences: Difference[];
  sort: SortKey | null;
  delta: DeltaCell | null;
}

export const EMPTY_STATE: StudioState = {
  suite: null,
  testCase: null,
  models: null,
  configuration: null,
  metric: null,
  predicates: [],
  differences: [],
  sort: null,
  delta: null,
};

const OPS: readonly PredicateOp[] = ["range", "in", "contains", "null", "not_null"];
const SPECIAL = /[%:,@~#]/g;

/** A name or value with the grammar's characters escaped. */
export function escapePart(text: string): string {
  return text.replace(SPECIAL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** The inverse of escapePart (only `%XX` escapes are read: `%` itself is always escaped). */
export function unescapePart(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function int(text: string | undefined | null): number | null {
  if (text === undefined || text === null || !/^-?\d+$/.test(text.trim())) return null;
  return Number(text);
}

function finite(text: string): number | null | undefined {
  // undefined: malformed; null: no bound.
  if (text === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function ints(text: string | null): number[] | null {
  if (text === null) return null;
  const out: number[] = [];
  for (const part of text.split(",")) {
    const value = int(part);
    if (value !== null && !out.includes(value)) out.push(value);
  }
  return out.length > 0 ? out : null;
}

function formatRange(min: number | null | undefined, max: number | null | undefined): string {
  return `${min === null || min === undefined ? "" : String(min)}..${max === null || max === undefined ? "" : String(max)}`;
}

function parseRange(text: string): { min: number | null; max: number | null } | null {
  const at = text.indexOf("..");
  if (at < 0) return null;
  const min = finite(text.slice(0, at));
  const max = finite(text.slice(at + 2));
  if (min === undefined || max === undefined) return null;
  return { min, max };
}

interface Target {
  field: string;
  model_id?: number;
  configuration?: string;
}

function formatTarget(field: string, modelId: number | null | undefined, configuration: string | null | undefined): string {
  let out = escapePart(field);
  if (modelId !== null && modelId !== undefined) out += `@${modelId}`;
  if (configuration !== null && configuration !== undefined) out += `~${escapePart(configuration)}`;
  return out;
}

function parseTarget(text: string): Target | null {
  const tilde = text.indexOf("~");
  const configuration = tilde >= 0 ? unescapePart(text.slice(tilde + 1)) : undefined;
  const head = tilde >= 0 ? text.slice(0, tilde) : text;
  const at = head.indexOf("@");
  const field = unescapePart(at >= 0 ? head.slice(0, at) : head);
  if (field === "") return null;
  const target: Target = { field };
  if (at >= 0) {
    const model = int(head.slice(at + 1));
    if (model === null) return null;
    target.model_id = model;
  }
  if (configuration !== undefined) target.configuration = configuration;
  return target;
}

function formatValue(value: string | number | boolean): string {
  return typeof value === "string" ? escapePart(value) : `#${JSON.stringify(value)}`;
}

function parseValue(text: string): string | number | boolean | undefined {
  if (!text.startsWith("#")) return unescapePart(text);
  const body = text.slice(1);
  if (body === "true") return true;
  if (body === "false") return false;
  const number = Number(body);
  return body !== "" && Number.isFinite(number) ? number : undefined;
}

/** One predicate as a `q` parameter. */
export function encodePredicate(predicate: Predicate): string {
  const head = `${formatTarget(predicate.field, predicate.model_id, predicate.configuration)}:${predicate.op}`;
  switch (predicate.op) {
    case "range":
      return `${head}:${formatRange(predicate.min, predicate.max)}`;
    case "in":
      return predicate.values && predicate.values.length > 0 ? `${head}:${predicate.values.map(formatValue).join(",")}` : head;
    case "contains":
      return `${head}:${escapePart(predicate.text ?? "")}`;
    default:
      return head;
  }
}

/** A `q` parameter's predicate, or null when it is malformed. */
export function decodePredicate(text: string): Predicate | null {
  const parts = text.split(":");
  if (parts.length < 2 || parts.length > 3) return null;
  const target = parseTarget(parts[0]);
  const op = parts[1] as PredicateOp;
  if (!target || !OPS.includes(op)) return null;
  const argument = parts[2];
  const predicate: Predicate = { ...target, op };
  switch (op) {
    case "range": {
      const range = parseRange(argument ?? "");
      if (!range) return null;
      if (range.min !== null) predicate.min = range.min;
      if (range.max !== null) predicate.max = range.max;
      return predicate;
    }
    case "in": {
      const values = argument === undefined ? [] : argument.split(",").map(parseValue);
      if (values.some((value) => value === undefined)) return null;
      predicate.values = values as (string | number | boolean)[];
      return predicate;
    }
    case "contains":
      predicate.text = unescapePart(argument ?? "");
      return predicate;
    default:
      return argument === undefined ? predicate : null;
  }
}

/** One difference as a `d` parameter. */
export function encodeDifference(difference: Difference): string {
  let target = `${escapePart(difference.field)}@${difference.model_id}-${difference.minus_model_id}`;
  if (difference.configuration !== null && difference.configuration !== undefined) {
    target += `~${escapePart(difference.configuration)}`;
  }
  return `${target}:${formatRange(difference.min, difference.max)}`;
}

/** A `d` parameter's difference, or null when it is malformed. */
export function decodeDifference(text: string): Difference | null {
  const parts = text.split(":");
  if (parts.length !== 2) return null;
  const tilde = parts[0].indexOf("~");
  const head = tilde >= 0 ? parts[0].slice(0, tilde) : parts[0];
  const at = head.indexOf("@");
  if (at < 0) return null;
  const match = /^(\d+)-(\d+)$/.exec(head.slice(at + 1));
  const field = unescapePart(head.slice(0, at));
  const range = parseRange(parts[1]);
  if (!match || field === "" || !range) return null;
  const difference: Difference = { field, model_id: Number(match[1]), minus_model_id: Number(match[2]) };
  if (tilde >= 0) difference.configuration = unescapePart(parts[0].slice(tilde + 1));
  if (range.min !== null) difference.min = range.min;
  if (range.max !== null) difference.max = range.max;
  return difference;
}

/** A sort as the `sort` parameter: `-` first for descending. */
export function encodeSort(sort: SortKey): string {
  // A field starting with "-" keeps its dash escaped, so it does not read as descending.
  const target = formatTarget(sort.field, sort.model_id, sort.configuration).replace(/^-/, "%2D");
  return `${sort.descending ? "-" : ""}${target}`;
}

export function decodeSort(text: string): SortKey | null {
  const descending = text.startsWith("-");
  const target = parseTarget(descending ? text.slice(1) : text);
  if (!target) return null;
  return { ...target, descending };
}

/** The delta parameter: model, baseline, configuration (empty: the unnamed one), metric. */
export function encodeDelta(delta: DeltaCell): string {
  return [String(delta.modelId), String(delta.baselineId), escapePart(delta.configuration ?? ""), escapePart(delta.metric)].join(",");
}

export function decodeDelta(text: string, evaluator?: string | null): DeltaCell | null {
  const parts = text.split(",");
  if (parts.length !== 4) return null;
  const modelId = int(parts[0]);
  const baselineId = int(parts[1]);
  const metric = unescapePart(parts[3]);
  if (modelId === null || baselineId === null || metric === "") return null;
  const configuration = unescapePart(parts[2]);
  const delta: DeltaCell = { modelId, baselineId, configuration: configuration === "" ? null : configuration, metric };
  if (evaluator !== undefined) delta.evaluator = evaluator;
  return delta;
}

function defined<T>(values: (T | null)[]): T[] {
  return values.filter((value): value is T => value !== null);
}

/** The state a URL's search parameters describe. */
export function parseStudioState(params: URLSearchParams): StudioState {
  const deltaText = params.get("delta");
  const evaluator = params.has("evaluator") ? params.get("evaluator") || null : undefined;
  const sortText = params.get("sort");
  return {
    suite: int(params.get("suite")),
    testCase: int(params.get("case")),
    models: ints(params.getAll("models").join(",") || null),
    configuration: params.has("configuration") ? (params.get("configuration") ?? "") : null,
    metric: params.get("metric") || null,
    predicates: defined(params.getAll("q").map(decodePredicate)),
    differences: defined(params.getAll("d").map(decodeDifference)),
    sort: sortText ? decodeSort(sortText) : null,
    delta: deltaText ? decodeDelta(deltaText, evaluator) : null,
  };
}

/** The search parameters of a state; what is at its default is left out. */
export function writeStudioState(state: StudioState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.suite !== null) params.set("suite", String(state.suite));
  if (state.testCase !== null) params.set("case", String(state.testCase));
  if (state.models !== null && state.models.length > 0) params.set("models", state.models.join(","));
  if (state.configuration !== null) params.set("configuration", state.configuration);
  if (state.metric !== null) params.set("metric", state.metric);
  for (const predicate of state.predicates) params.append("q", encodePredicate(predicate));
  for (const difference of state.differences) params.append("d", encodeDifference(difference));
  if (state.sort) params.set("sort", encodeSort(state.sort));
  if (state.delta) {
    params.set("delta", encodeDelta(state.delta));
    if (state.delta.evaluator !== undefined) params.set("evaluator", state.delta.evaluator ?? "");
  }
  return params;
}

/** The Studio's URL for a state (defaults filled in for what is not given). */
export function studioUrl(state: Partial<StudioState>): string {
  const query = writeStudioState({ ...EMPTY_STATE, ...state }).toString();
  return query ? `/studio?${query}` : "/studio";
}

/** The Studio in delta mode: the samples behind one results cell. */
export function deltaUrl(suiteId: number, testCaseId: number, delta: DeltaCell): string {
  return studioUrl({ suite: suiteId, testCase: testCaseId, delta });
}

/**
 * The query the server runs for a state. Per-model predicates, differences and the sort take the scope's
 * configuration unless they name their own, so that filtering on a metric means the metric the page shows.
 */
export function sampleQueryOf(state: StudioState, suiteId: number, modelIds: readonly number[]): SampleQuery {
  const configuration = state.configuration;
  const scoped = <T extends { configuration?: string | null }>(item: T, perModel: boolean): T =>
    perModel && (item.configuration === undefined || item.configuration === null) && configuration !== null
      ? { ...item, configuration }
      : item;
  const query: SampleQuery = {
    test_suite_id: suiteId,
    predicates: state.predicates.map((p) => scoped(p, p.model_id !== undefined && p.model_id !== null)),
    differences: state.differences.map((d) => scoped(d, true)),
    model_ids: [...modelIds],
  };
  if (state.testCase !== null) query.test_case_id = state.testCase;
  if (state.sort) query.sort = scoped(state.sort, state.sort.model_id !== undefined && state.sort.model_id !== null);
  if (configuration !== null) query.configuration = configuration;
  return query;
}

/** The sample detail page's URL, with the query it was opened from so that it can step through it. */
export function sampleUrl(sampleId: number, state: StudioState, modelIds: readonly number[], index: number): string {
  // The delta stays: from delta mode, next and previous step through the samples behind the delta, in its ranking.
  const params = writeStudioState({ ...state, metric: null });
  params.delete("models");
  if (modelIds.length > 0) params.set("models", modelIds.join(","));
  params.set("i", String(index));
  return `/samples/${sampleId}?${params.toString()}`;
}
