/**
 * The results page's whole state, read from and written to the URL's search parameters, so that a reopened
 * or shared URL shows the same numbers.
 *
 * suite=<suite version id>  models=1,2,3  baseline=2  evaluator=<name>  config=<name> (repeated)
 * sort_metric=<key> sort_config=<name> sort_model=<id> sort_by=value|delta|significance desc=1
 * only_significant=1  common_samples=1  alpha=0.05  flip=<metric key> (repeated)  dir=<key>:higher|lower
 * open=<test case ids>  plots=<test case id>
 *
 * The empty string stands for the unnamed (None) evaluator or configuration, as in the API's query strings;
 * an absent parameter means "the default" (see `selection.ts`).
 */

import type { DirectionOverrides } from "./direction";
import type { SortSpec } from "./sort";
import type { SortBy } from "./types";

export const DEFAULT_ALPHA = 0.05;
export const ALPHAS = [0.01, 0.05, 0.1] as const;

export interface ResultsUrlState {
  suite: number | null;
  /** null: every model with a run. */
  models: number[] | null;
  baseline: number | null;
  /** undefined: the first evaluator; null: the unnamed one. */
  evaluator: string | null | undefined;
  /** null: every configuration the runs have. */
  configurations: (string | null)[] | null;
  sort: SortSpec | null;
  onlySignificant: boolean;
  commonSamples: boolean;
  alpha: number;
  directions: DirectionOverrides;
  /** Test cases whose rows are expanded (nested tables). */
  open: number[];
  /** The test case whose plots the side panel shows. */
  plots: number | null;
}

const SORT_BYS: readonly SortBy[] = ["value", "delta", "significance"];

function int(text: string | null): number | null {
  if (text === null || !/^-?\d+$/.test(text.trim())) return null;
  return Number(text);
}

function ints(text: string | null): number[] | null {
  if (text === null) return null;
  const out: number[] = [];
  for (const part of text.split(",")) {
    const value = int(part);
    if (value !== null && !out.includes(value)) out.push(value);
  }
  return out;
}

const named = (text: string): string | null => (text === "" ? null : text);
const unnamed = (name: string | null): string => name ?? "";

/** The state a URL's search parameters describe; anything malformed reads as its default. */
export function parseResultsState(params: URLSearchParams): ResultsUrlState {
  const models = ints(params.get("models"));
  const configs = params.getAll("config");
  let sort: SortSpec | null = null;
  const sortMetric = params.get("sort_metric");
  const sortModel = int(params.get("sort_model"));
  const sortBy = params.get("sort_by") as SortBy | null;
  if (sortMetric && sortModel !== null) {
    sort = {
      metric: sortMetric,
      modelId: sortModel,
      configuration: named(params.get("sort_config") ?? ""),
      by: sortBy && SORT_BYS.includes(sortBy) ? sortBy : "value",
      descending: params.get("desc") === "1",
    };
  }
  const alphaText = params.get("alpha");
  const alpha = alphaText === null ? Number.NaN : Number(alphaText);
  const set: Record<string, boolean> = {};
  for (const entry of params.getAll("dir")) {
    const at = entry.lastIndexOf(":");
    const word = entry.slice(at + 1);
    if (at > 0 && (word === "higher" || word === "lower")) set[entry.slice(0, at)] = word === "higher";
  }
  const flip = [...new Set(params.getAll("flip").filter((key) => key !== ""))];
  return {
    suite: int(params.get("suite")),
    models: models && models.length > 0 ? models : null,
    baseline: int(params.get("baseline")),
    evaluator: params.has("evaluator") ? named(params.get("evaluator") ?? "") : undefined,
    configurations: configs.length > 0 ? [...new Set(configs)].map(named) : null,
    sort,
    onlySignificant: params.get("only_significant") === "1",
    commonSamples: params.get("common_samples") === "1",
    alpha: alpha > 0 && alpha < 1 ? alpha : DEFAULT_ALPHA,
    directions: { flip, set },
    open: ints(params.get("open")) ?? [],
    plots: int(params.get("plots")),
  };
}

/** The search parameters of a state: defaults are left out, so URLs stay short. */
export function writeResultsState(state: ResultsUrlState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.suite !== null) params.set("suite", String(state.suite));
  if (state.models !== null && state.models.length > 0) params.set("models", state.models.join(","));
  if (state.baseline !== null) params.set("baseline", String(state.baseline));
  if (state.evaluator !== undefined) params.set("evaluator", unnamed(state.evaluator));
  for (const configuration of state.configurations ?? []) params.append("config", unnamed(configuration));
  if (state.sort) {
    params.set("sort_metric", state.sort.metric);
    params.set("sort_config", unnamed(state.sort.configuration));
    params.set("sort_model", String(state.sort.modelId));
    params.set("sort_by", state.sort.by);
    if (state.sort.descending) params.set("desc", "1");
  }
  if (state.onlySignificant) params.set("only_significant", "1");
  if (state.commonSamples) params.set("common_samples", "1");
  if (state.alpha !== DEFAULT_ALPHA) params.set("alpha", String(state.alpha));
  for (const key of state.directions.flip) params.append("flip", key);
  for (const [key, higher] of Object.entries(state.directions.set)) params.append("dir", `${key}:${higher ? "higher" : "lower"}`);
  if (state.open.length > 0) params.set("open", state.open.join(","));
  if (state.plots !== null) params.set("plots", String(state.plots));
  return params;
}

/** A state with some fields changed (a convenience for event handlers). */
export function withChanges(state: ResultsUrlState, changes: Partial<ResultsUrlState>): ResultsUrlState {
  return { ...state, ...changes };
}
