// Responses recorded from a real server on the keypoint-detection example (scripts/run's data), so page tests
// render what the API sends. Typed by the generated schema, so a change of the records breaks them loudly.
import type {
  ModelDetail,
  Overview,
  PagedModels,
  PagedRuns,
  PagedSuites,
  RunSummary,
  SessionInfo,
  SuiteDetail,
  SuiteDiff,
} from "../api/views";
import diffJson from "./fixtures/diff.json";
import modelJson from "./fixtures/model.json";
import modelsJson from "./fixtures/models.json";
import overviewJson from "./fixtures/overview.json";
import resultsOptionsJson from "./fixtures/results-options.json";
import runsJson from "./fixtures/runs.json";
import suiteJson from "./fixtures/suite.json";
import suitesJson from "./fixtures/suites.json";

export const overview = overviewJson as Overview;
export const suites = suitesJson as PagedSuites;
export const suite = suiteJson as SuiteDetail;
export const diff = diffJson as SuiteDiff;
export const models = modelsJson as PagedModels;
export const model = modelJson as ModelDetail;
export const runs = runsJson as PagedRuns;
/** What /app/results/options answers for the example suite (the results page's first request). */
export const resultsOptions: unknown = resultsOptionsJson;

export const session: SessionInfo = {
  token_name: "webdev",
  csrf_token: "csrf-123",
  expires: "2030-01-01T00:00:00Z",
};

/** A copy of a run, in progress. */
export function runningRun(run: RunSummary, inferred: number): RunSummary {
  return {
    ...run,
    status: "running",
    completed: [],
    progress: { ...run.progress, samples_inferred: inferred, configurations_completed: 0 },
  };
}
