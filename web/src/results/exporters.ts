/**
 * The table as files: CSV and JSON with every number the page has (values, deltas, intervals, p- and
 * q-values, states), and a Markdown summary of the significant changes fit for a pull request.
 *
 * CSV and JSON keep full precision; the Markdown rounds as the page does. States follow the directions the
 * reader sees (after flips), and each record says which direction it used.
 */

import { type CellState, type CellView, type GridColumn, STATE_WORDS, arrowOf, configurationName, gridColumns, resolveCell } from "./cells";
import type { DirectionOverrides } from "./direction";
import { formatDelta, formatNumber, formatPValue } from "../format";
import { formatInterval } from "./describe";
import type { CellStats, ResultsRow, ResultsTable } from "./types";
import { toWire } from "./wire";

/** The table's description and cells, every row of it (the page loads all pages before exporting). */
export type ExportTable = Omit<ResultsTable, "rows" | "total" | "offset" | "limit">;

export interface ExportInput {
  table: ExportTable;
  rows: readonly ResultsRow[];
  overrides: DirectionOverrides;
}

/** One cell, flat: the unit of the CSV and of the Markdown's lists. */
export interface ExportRecord {
  scope: "suite" | "test_case";
  testCase: string;
  testCaseId: number | null;
  configuration: string | null;
  metric: string;
  metricLabel: string;
  model: string;
  modelId: number;
  isBaseline: boolean;
  higherIsBetter: boolean | null;
  view: CellView;
}

function recordsOf(
  scope: ExportRecord["scope"],
  testCase: string,
  testCaseId: number | null,
  cells: readonly (CellStats | null)[],
  columns: readonly GridColumn[],
): ExportRecord[] {
  return columns.map((column) => ({
    scope,
    testCase,
    testCaseId,
    configuration: column.configuration,
    metric: column.metric.key,
    metricLabel: column.metric.label,
    model: column.model.name,
    modelId: column.model.id,
    isBaseline: column.isBaseline,
    higherIsBetter: column.direction.higherIsBetter,
    view: resolveCell(cells, column),
  }));
}

/** Every cell of the table, suite metrics first, then test case by test case in the rows' order. */
export function exportRecords({ table, rows, overrides }: ExportInput): ExportRecord[] {
  const suiteColumns = gridColumns(table.suite_columns, table.suite_metrics, table.models, table.baseline_id, overrides);
  const columns = gridColumns(table.columns, table.metrics, table.models, table.baseline_id, overrides);
  const out = recordsOf("suite", table.test_suite.name, null, table.suite_cells, suiteColumns);
  for (const row of rows) out.push(...recordsOf("test_case", row.test_case.name, row.test_case.id, row.cells, columns));
  return out;
}

// -- CSV --------------------------------------------------------------------------------------------------
export const CSV_COLUMNS = [
  "scope",
  "test_case",
  "test_case_id",
  "configuration",
  "metric",
  "model",
  "model_id",
  "baseline",
  "higher_is_better",
  "value",
  "n",
  "delta",
  "ci_low",
  "ci_high",
  "p_value",
  "q_value",
  "significant",
  "test",
  "state",
] as const;

function csvNumber(x: number | null): string {
  if (x === null) return "";
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return String(x);
}

/**
 * A text field of the CSV: quoted when it must be (RFC 4180), and kept from reading as a formula in a
 * spreadsheet when a user-chosen name starts with one of = + - @.
 */
export function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const csvBool = (x: boolean | null): string => (x === null ? "" : String(x));

/** The table as CSV, one line per cell (long form, which every tool reads); lines end in CRLF. */
export function toCsv(input: ExportInput): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of exportRecords(input)) {
    const v = r.view;
    lines.push(
      [
        r.scope,
        csvText(r.testCase),
        r.testCaseId === null ? "" : String(r.testCaseId),
        r.configuration === null ? "" : csvText(r.configuration),
        csvText(r.metric),
        csvText(r.model),
        String(r.modelId),
        String(r.isBaseline),
        csvBool(r.higherIsBetter),
        csvNumber(v.value),
        v.n === null ? "" : String(v.n),
        csvNumber(v.delta),
        csvNumber(v.ciLow),
        csvNumber(v.ciHigh),
        csvNumber(v.pValue),
        csvNumber(v.qValue),
        csvBool(v.significant),
        v.test ?? "",
        v.state,
      ].join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

// -- JSON -------------------------------------------------------------------------------------------------
function jsonCell(r: ExportRecord) {
  const v = r.view;
  return {
    configuration: r.configuration,
    metric: r.metric,
    model_id: r.modelId,
    value: toWire(v.value),
    n: v.n,
    delta: toWire(v.delta),
    ci_low: toWire(v.ciLow),
    ci_high: toWire(v.ciHigh),
    p_value: toWire(v.pValue),
    q_value: toWire(v.qValue),
    significant: v.significant,
    test: v.test,
    state: v.state,
  };
}

/**
 * The table as a JSON document: what was compared, the metrics with the directions used, and every cell.
 * Non-finite numbers are written as Assay's tag objects ({"$assay:float": "NaN"}), as the API does.
 */
export function toJson(input: ExportInput): string {
  const { table, rows, overrides } = input;
  const records = exportRecords(input);
  const suiteRecords = records.filter((r) => r.scope === "suite");
  const byCase = new Map<number, ReturnType<typeof jsonCell>[]>();
  for (const r of records) {
    if (r.scope !== "test_case" || r.testCaseId === null) continue;
    const list = byCase.get(r.testCaseId) ?? [];
    list.push(jsonCell(r));
    byCase.set(r.testCaseId, list);
  }
  const columns = gridColumns(table.columns, table.metrics, table.models, table.baseline_id, overrides);
  const suiteColumns = gridColumns(table.suite_columns, table.suite_metrics, table.models, table.baseline_id, overrides);
  const metricsOf = (cols: GridColumn[]) => {
    const seen = new Map<string, GridColumn>();
    for (const c of cols) if (!seen.has(c.metric.key)) seen.set(c.metric.key, c);
    return [...seen.values()].map((c) => ({
      key: c.metric.key,
      label: c.metric.label,
      group: c.metric.group,
      higher_is_better: c.direction.higherIsBetter,
      direction_source: c.direction.source,
      sample_field: c.metric.sample_field,
    }));
  };
  const document = {
    test_suite: table.test_suite,
    evaluator: table.evaluator,
    configurations: table.configurations,
    models: table.models,
    baseline_id: table.baseline_id,
    alpha: table.alpha,
    confidence: table.confidence,
    n_tests: table.n_tests,
    common_samples: table.common_samples,
    metrics: metricsOf(columns),
    suite_metrics: metricsOf(suiteColumns),
    suite: suiteRecords.map(jsonCell),
    test_cases: rows.map((row) => ({ ...row.test_case, cells: byCase.get(row.test_case.id) ?? [] })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

// -- Markdown ---------------------------------------------------------------------------------------------
/** Rows per section of the Markdown summary; pull-request comments have a size limit. */
export const MARKDOWN_ROWS = 50;

function md(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/([\\|`*_[\]<>])/g, "\\$1");
}

function section(title: string, records: ExportRecord[], baselineValue: (r: ExportRecord) => number | null, confidence: number): string[] {
  if (records.length === 0) return [];
  const ci = `${Math.round(confidence * 100)}% CI`;
  const lines = [
    `#### ${title} (${records.length})`,
    "",
    `| Test case | Metric | Configuration | Model | Baseline | Value | Δ | ${ci} | q |`,
    "|---|---|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const r of records.slice(0, MARKDOWN_ROWS)) {
    const v = r.view;
    const arrow = r.higherIsBetter === null ? "" : r.higherIsBetter ? " ↑" : " ↓";
    lines.push(
      `| ${md(r.testCase)} | ${md(r.metricLabel)}${arrow} | ${md(configurationName(r.configuration))} | ${md(r.model)} | ${formatNumber(
        baselineValue(r),
      )} | ${formatNumber(v.value)} | ${arrowOf(v.delta)} ${formatDelta(v.delta)} | ${formatInterval(v.ciLow, v.ciHigh)} | ${formatPValue(
        v.qValue,
      )} |`,
    );
  }
  if (records.length > MARKDOWN_ROWS) lines.push("", `…and ${records.length - MARKDOWN_ROWS} more (see the CSV export).`);
  lines.push("");
  return lines;
}

/**
 * A summary for a pull request: the suite, the models, the baseline, and the significant regressions and
 * improvements test case by test case, with deltas, intervals and q-values.
 */
export function toMarkdown(input: ExportInput): string {
  const { table } = input;
  const records = exportRecords(input);
  const baselineName = table.models.find((m) => m.id === table.baseline_id)?.name ?? String(table.baseline_id);
  const others = table.models.filter((m) => m.id !== table.baseline_id).map((m) => `**${md(m.name)}**`);
  const baselineOf = new Map<string, number | null>();
  for (const r of records) {
    if (r.isBaseline) baselineOf.set(`${r.scope}\u241f${r.testCaseId}\u241f${r.configuration}\u241f${r.metric}`, r.view.value);
  }
  const baselineValue = (r: ExportRecord) => baselineOf.get(`${r.scope}\u241f${r.testCaseId}\u241f${r.configuration}\u241f${r.metric}`) ?? null;
  const pick = (state: CellState) => records.filter((r) => r.view.state === state);
  const worse = pick("worse");
  const better = pick("better");
  const changed = pick("changed");
  const cases = new Set(records.filter((r) => r.scope === "test_case").map((r) => r.testCaseId)).size;
  const configurations = table.configurations.map((c) => `\`${md(configurationName(c))}\``).join(", ");
  const lines = [
    `### Assay results: ${md(table.test_suite.name)} (version ${table.test_suite.version})`,
    "",
    `- Baseline: **${md(baselineName)}**; compared: ${others.length > 0 ? others.join(", ") : "no other model"}`,
    `- Evaluator: \`${md(table.evaluator ?? "default")}\`; configurations: ${configurations || "none"}`,
    `- Significance: Benjamini–Hochberg over ${table.n_tests} tests, q ≤ ${table.alpha}${
      table.common_samples ? "; only samples every model ran on" : ""
    }`,
    "",
    `**${worse.length} significant regression${worse.length === 1 ? "" : "s"}, ${better.length} significant improvement${
      better.length === 1 ? "" : "s"
    }** over ${cases} test case${cases === 1 ? "" : "s"}.`,
    "",
  ];
  if (worse.length + better.length + changed.length === 0) {
    lines.push(`No significant change at q ≤ ${table.alpha}.`, "");
  }
  lines.push(...section("Regressions", worse, baselineValue, table.confidence));
  lines.push(...section("Improvements", better, baselineValue, table.confidence));
  lines.push(...section("Significant changes of metrics without a direction", changed, baselineValue, table.confidence));
  const flipped = [...new Set(records.filter((r) => input.overrides.flip.includes(r.metric) || r.metric in input.overrides.set).map((r) => r.metric))];
  if (flipped.length > 0) {
    const words = flipped.map((key) => {
      const r = records.find((x) => x.metric === key) as ExportRecord;
      return `${md(r.metricLabel)}: ${r.higherIsBetter === null ? "direction unknown" : r.higherIsBetter ? "higher is better" : "lower is better"}`;
    });
    lines.push(`_Directions set by the reader: ${words.join("; ")}._`, "");
  }
  return lines.join("\n");
}

/** The words of a state, exported for components that describe cells the same way. */
export function stateWords(state: CellState): string {
  return STATE_WORDS[state];
}
