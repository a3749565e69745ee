/**
 * The results page's records, as the server sends them (src/assay/service/views.py).
 *
 * Floats may arrive as the tag object of a non-finite value ({"$assay:float": "NaN"}); `wire.ts` reads them.
 */

export type WireFloat = number | { "$assay:float": string } | null | undefined;

export interface ModelRef {
  id: number;
  name: string;
}

export interface SuiteRef {
  id: number;
  name: string;
  version: number;
}

export interface TestCaseRef {
  id: number;
  name: string;
  version: number;
  n_samples: number;
}

export interface RunOption {
  model: ModelRef;
  test_run_id: number;
  evaluator: string | null;
  configurations: (string | null)[];
  completed: (string | null)[];
}

export interface ResultsOptions {
  test_suite: SuiteRef;
  evaluators: (string | null)[];
  runs: RunOption[];
}

export type DirectionSource = "declared" | "name" | "none";

export interface MetricColumn {
  key: string;
  label: string;
  group: string | null;
  higher_is_better: boolean | null;
  direction_source: DirectionSource;
  sample_field: string | null;
}

export interface ResultColumn {
  configuration: string | null;
  metric: string;
  model_id: number;
}

export interface CellStats {
  value: WireFloat;
  n?: number | null;
  delta?: WireFloat;
  ci_low?: WireFloat;
  ci_high?: WireFloat;
  p_value?: WireFloat;
  q_value?: WireFloat;
  significant?: boolean | null;
  test?: "paired" | "unpaired" | null;
}

export interface ResultsRow {
  test_case: TestCaseRef;
  cells: (CellStats | null)[];
  nested_fields: string[];
}

export interface ResultsTable {
  test_suite: SuiteRef;
  models: ModelRef[];
  baseline_id: number;
  evaluator: string | null;
  configurations: (string | null)[];
  metrics: MetricColumn[];
  columns: ResultColumn[];
  rows: ResultsRow[];
  suite_metrics: MetricColumn[];
  suite_columns: ResultColumn[];
  suite_cells: (CellStats | null)[];
  total: number;
  offset: number;
  limit: number;
  alpha: number;
  confidence: number;
  n_tests: number;
  common_samples: boolean;
}

export interface NestedRow {
  label: string;
  cells: (CellStats | null)[];
}

export interface NestedResults {
  test_case: TestCaseRef;
  field: string;
  metrics: MetricColumn[];
  columns: ResultColumn[];
  rows: NestedRow[];
}

export interface PlotsOfModel {
  model_id: number;
  configuration: string | null;
  plots: Record<string, unknown>[];
}

export interface TestCasePlots {
  test_case: TestCaseRef;
  plots: PlotsOfModel[];
}

export type SortBy = "value" | "delta" | "significance";
