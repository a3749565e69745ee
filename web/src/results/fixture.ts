// A small results table for the tests: three models (A is the baseline), two configurations, three metrics
// (lower-is-better declared, higher-is-better by name, and one of unknown direction without a test).
// Only the tests import it.

import type {
  CellStats,
  MetricColumn,
  NestedResults,
  ResultColumn,
  ResultsOptions,
  ResultsRow,
  ResultsTable,
  TestCasePlots,
} from "./types";

export const MODELS = [
  { id: 1, name: "model A" },
  { id: 2, name: "model B" },
  { id: 3, name: "model C" },
];

export const METRICS: MetricColumn[] = [
  { key: "mean_nme", label: "mean_nme", group: "error", higher_is_better: false, direction_source: "declared", sample_field: "nme" },
  { key: "accuracy", label: "accuracy", group: null, higher_is_better: true, direction_source: "name", sample_field: "correct" },
  { key: "ap", label: "ap", group: null, higher_is_better: null, direction_source: "none", sample_field: null },
];

export const CONFIGURATIONS = ["t-0.05", null];

/** Configuration-major, then metric, then model: the server's order. */
export const COLUMNS: ResultColumn[] = CONFIGURATIONS.flatMap((configuration) =>
  METRICS.flatMap((metric) => MODELS.map((model) => ({ configuration, metric: metric.key, model_id: model.id }))),
);

export const baseCell = (value: number): CellStats => ({ value, n: 100 });

export function tested(value: number, delta: number, q: number, alpha = 0.05, test: "paired" | "unpaired" = "paired"): CellStats {
  return {
    value,
    n: 100,
    delta,
    ci_low: delta - 0.01,
    ci_high: delta + 0.01,
    p_value: q / 2,
    q_value: q,
    significant: q <= alpha,
    test,
  };
}

const untested = (value: number): CellStats => ({ value, n: 100 });

/** One row's cells, in COLUMNS order, for the first configuration; the second repeats it shifted by 0.001. */
function cells(
  nme: [number, CellStats, CellStats | null],
  accuracy: [number, CellStats, CellStats | null],
  ap: [number, number, number],
): (CellStats | null)[] {
  const first: (CellStats | null)[] = [
    baseCell(nme[0]),
    nme[1],
    nme[2],
    baseCell(accuracy[0]),
    accuracy[1],
    accuracy[2],
    untested(ap[0]),
    untested(ap[1]),
    untested(ap[2]),
  ];
  const second = first.map((cell) => (cell && typeof cell.value === "number" ? { ...cell, value: cell.value + 0.001 } : cell));
  return [...first, ...second];
}

export const ROWS: ResultsRow[] = [
  {
    test_case: { id: 11, name: "faces :: complete", version: 1, n_samples: 300 },
    cells: cells([0.05, tested(0.045, -0.005, 0.2), tested(0.06, 0.01, 0.04)], [0.9, tested(0.91, 0.01, 0.5), tested(0.88, -0.02, 0.3)], [0.7, 0.72, 0.69]),
    nested_fields: ["per_class"],
  },
  {
    test_case: { id: 12, name: "faces :: pose: profile", version: 1, n_samples: 80 },
    cells: cells([0.058, tested(0.081, 0.023, 0.003), tested(0.05, -0.008, 0.01)], [0.8, tested(0.7, -0.1, 0.001), tested(0.85, 0.05, 0.02)], [0.6, 0.5, 0.65]),
    nested_fields: [],
  },
  {
    test_case: { id: 13, name: "faces :: blur: high", version: 1, n_samples: 40 },
    cells: cells([0.07, tested(0.066, -0.004, 0.6), { value: null }], [0.75, tested(0.76, 0.01, 0.7), null], [0.55, 0.56, 0.5]),
    nested_fields: [],
  },
];

export const SUITE_METRICS: MetricColumn[] = [
  { key: "variance_mean_nme", label: "variance_mean_nme", group: null, higher_is_better: false, direction_source: "declared", sample_field: null },
];

export const SUITE_COLUMNS: ResultColumn[] = CONFIGURATIONS.flatMap((configuration) =>
  MODELS.map((model) => ({ configuration, metric: "variance_mean_nme", model_id: model.id })),
);

export function fixtureTable(overrides: Partial<ResultsTable> = {}): ResultsTable {
  return {
    test_suite: { id: 7, name: "faces", version: 2 },
    models: MODELS,
    baseline_id: 1,
    evaluator: "keypoints",
    configurations: CONFIGURATIONS,
    metrics: METRICS,
    columns: COLUMNS,
    rows: ROWS,
    suite_metrics: SUITE_METRICS,
    suite_columns: SUITE_COLUMNS,
    suite_cells: [baseCell(0.0001), baseCell(0.0003), baseCell(0.00005), baseCell(0.0001), baseCell(0.0003), baseCell(0.00005)],
    total: ROWS.length,
    offset: 0,
    limit: 500,
    alpha: 0.05,
    confidence: 0.95,
    n_tests: 24,
    common_samples: false,
    ...overrides,
  };
}

export const OPTIONS: ResultsOptions = {
  test_suite: { id: 7, name: "faces", version: 2 },
  evaluators: ["keypoints", null],
  runs: [
    ...MODELS.map((model, i) => ({
      model,
      test_run_id: 100 + i,
      evaluator: "keypoints",
      configurations: CONFIGURATIONS,
      completed: CONFIGURATIONS,
    })),
    { model: MODELS[0], test_run_id: 200, evaluator: null, configurations: [null], completed: [null] },
  ],
};

export const NESTED: NestedResults = {
  test_case: ROWS[0].test_case,
  field: "per_class",
  metrics: [METRICS[1]],
  columns: MODELS.map((model) => ({ configuration: "t-0.05", metric: "accuracy", model_id: model.id })),
  rows: [
    { label: "cat", cells: [baseCell(0.9), tested(0.8, -0.1, 0.01), tested(0.92, 0.02, 0.4)] },
    { label: "dog", cells: [baseCell(0.7), tested(0.75, 0.05, 0.03), tested(0.71, 0.01, 0.8)] },
  ],
};

export const PLOTS: TestCasePlots = {
  test_case: ROWS[0].test_case,
  plots: MODELS.map((model, m) => ({
    model_id: model.id,
    configuration: "t-0.05",
    plots: [
      {
        data_type: "PLOT/CURVE",
        title: "Cumulative error distribution",
        x_label: "nme",
        y_label: "share",
        curves: [{ x: [0, 0.1, 0.2], y: [0, 0.5 + 0.1 * m, 1], label: null, extra: { threshold: [0.9, 0.5, 0.1] } }],
        x_config: null,
        y_config: null,
      },
      {
        data_type: "PLOT/HISTOGRAM",
        title: "NME distribution",
        x_label: "nme",
        y_label: "faces",
        buckets: [0, 0.1, 0.2, 0.3],
        frequency: [5 + m, 3, 1],
        labels: null,
        x_config: null,
        y_config: { type: "log" },
      },
      {
        data_type: "PLOT/BAR",
        title: "Errors by class",
        x_label: "class",
        y_label: "errors",
        labels: ["cat", "dog"],
        values: [3 + m, null],
        config: null,
      },
      {
        data_type: "PLOT/CONFUSION_MATRIX",
        title: "Confusion",
        labels: m === 2 ? ["cat", "dog", "bird"] : ["cat", "dog"],
        matrix: m === 2 ? [[8, 2, 0], [1, 9, 0], [0, 1, 4]] : [[8 - m, 2 + m], [1, 9]],
        x_label: "Predicted",
        y_label: "Actual",
      },
    ],
  })),
};
