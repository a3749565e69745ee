/**
 * What the page compares: the URL's choices checked against the suite version's runs, with the defaults
 * filled in (the first evaluator, every model with a run of it, the first model as baseline, every
 * configuration). Choices the runs cannot satisfy (a model without a run, say) fall back to the default.
 */

import type { ModelRef, ResultsOptions, RunOption } from "./types";
import type { ResultsUrlState } from "./urlState";

export interface Selection {
  suiteId: number;
  evaluator: string | null;
  /** The runs of the evaluator, one per model, in the options' order. */
  runs: RunOption[];
  /** The models compared, in the order the table shows them. */
  models: ModelRef[];
  baselineId: number;
  /** Every configuration the chosen models' runs have. */
  available: (string | null)[];
  /** The configurations shown (all of `available` unless the URL picks some). */
  configurations: (string | null)[];
  /** Whether `configurations` is everything (the API is then sent none, meaning all). */
  allConfigurations: boolean;
}

/** The selection, or null when the suite version has no runs at all. */
export function resolveSelection(state: ResultsUrlState, options: ResultsOptions): Selection | null {
  if (options.evaluators.length === 0) return null;
  const evaluator =
    state.evaluator !== undefined && options.evaluators.includes(state.evaluator) ? state.evaluator : options.evaluators[0];
  const runs = options.runs.filter((run) => run.evaluator === evaluator);
  if (runs.length === 0) return null;
  const byId = new Map(runs.map((run) => [run.model.id, run.model]));
  let models = (state.models ?? []).filter((id) => byId.has(id)).map((id) => byId.get(id) as ModelRef);
  if (models.length === 0) models = runs.map((run) => run.model);
  const baselineId = state.baseline !== null && models.some((m) => m.id === state.baseline) ? state.baseline : models[0].id;
  const chosen = new Set(models.map((m) => m.id));
  const available: (string | null)[] = [];
  for (const run of runs) {
    if (!chosen.has(run.model.id)) continue;
    for (const configuration of run.configurations) if (!available.includes(configuration)) available.push(configuration);
  }
  const picked = (state.configurations ?? []).filter((c) => available.includes(c));
  const configurations = picked.length > 0 ? available.filter((c) => picked.includes(c)) : available;
  return {
    suiteId: options.test_suite.id,
    evaluator,
    runs,
    models,
    baselineId,
    available,
    configurations,
    allConfigurations: configurations.length === available.length,
  };
}

/** The evaluator's name as shown: the unnamed evaluator reads "default". */
export function evaluatorName(evaluator: string | null): string {
  return evaluator ?? "default";
}
