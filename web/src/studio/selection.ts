// What curation is sent for a gallery selection: samples picked by hand go by id; "all that match" goes as
// the query with the few samples taken out, so that a million matches need no list.
import type { Selection } from "../samples/types";
import type { CreateTestCase, SampleQuery } from "./types";

export interface CreateForm {
  name: string;
  description: string;
  addToSuite: boolean;
  computeMetrics: boolean;
}

/**
 * The body of POST /app/studio/test-cases for a selection. A source that is not a query (the samples behind
 * a delta) resolves "all" to ids itself first and passes an `ids` selection.
 */
export function createTestCaseBody(form: CreateForm, query: SampleQuery, selection: Selection): CreateTestCase {
  const body: CreateTestCase = {
    name: form.name.trim(),
    description: form.description.trim(),
    query,
    add_to_suite: form.addToSuite,
    compute_metrics: form.computeMetrics,
  };
  if (selection.mode === "ids") body.sample_ids = [...selection.ids].sort((a, b) => a - b);
  else body.exclude_ids = [...selection.excluded].sort((a, b) => a - b);
  return body;
}
