// What a cell says in words: its accessible name (value, delta with sign and arrow, state, q-value) and the
// hover text with the interval and the p- and q-values. Screen readers and the end-to-end tests read the
// first; the second is the cell's title.

import { formatDelta, formatNumber, formatPValue } from "../format";
import { type CellView, type GridColumn, STATE_WORDS, arrowOf, configurationName } from "./cells";
import { directionWords, sourceWords } from "./direction";

/** An interval: "[+0.01, +0.031]"; "—" without one. */
export function formatInterval(low: number | null, high: number | null): string {
  if (low === null || high === null) return "—";
  const end = (x: number) => (x === 0 ? "0" : formatDelta(x));
  return `[${end(low)}, ${end(high)}]`;
}

export interface DescribeContext {
  /** Whether the table shows several configurations (then each name says which). */
  manyConfigurations: boolean;
  baselineName: string;
  /** The confidence of the intervals, e.g. 0.95. */
  confidence: number;
  nTests: number;
}

function subject(column: GridColumn, context: DescribeContext): string {
  const configuration = context.manyConfigurations ? ` (${configurationName(column.configuration)})` : "";
  return `${column.metric.label}${configuration} ${column.model.name}`;
}

/**
 * The accessible name of a cell, e.g. "mean_nme model B 0.081, ▲ +0.023 vs baseline, significantly worse,
 * q=0.003".
 */
export function cellLabel(view: CellView, column: GridColumn, context: DescribeContext): string {
  const who = subject(column, context);
  if (view.state === "missing") return `${who}: no result`;
  const value = formatNumber(view.value);
  if (view.state === "baseline") return `${who} ${value}, baseline`;
  const parts = [`${who} ${value}`];
  if (view.delta !== null) parts.push(`${arrowOf(view.delta)} ${formatDelta(view.delta)} vs baseline`.trim());
  parts.push(view.tested ? STATE_WORDS[view.state] : `${STATE_WORDS[view.state]} (not tested)`);
  if (view.qValue !== null) parts.push(`q=${formatPValue(view.qValue)}`);
  return parts.join(", ");
}

const TESTS = { paired: "paired test on the same samples", unpaired: "unpaired test: the models ran on different samples" };

/** The hover text of a cell: every statistic the server sent, one per line. */
export function cellTooltip(view: CellView, column: GridColumn, context: DescribeContext): string {
  const lines = [`${column.metric.label} · ${configurationName(column.configuration)} · ${column.model.name}`];
  if (view.state === "missing") {
    lines.push("no result stored");
    return lines.join("\n");
  }
  lines.push(`value ${formatNumber(view.value, 4)}${view.n !== null ? ` (n = ${view.n})` : ""}`);
  if (view.state === "baseline") {
    lines.push("baseline: the other models' deltas are measured against this");
    return lines.join("\n");
  }
  if (view.delta !== null) lines.push(`Δ vs ${context.baselineName}: ${formatDelta(view.delta, 3)}`);
  if (view.tested) {
    const ci = Math.round(context.confidence * 100);
    lines.push(`${ci}% interval ${formatInterval(view.ciLow, view.ciHigh)}`);
    lines.push(`p = ${formatPValue(view.pValue)}, q = ${formatPValue(view.qValue)} (Benjamini–Hochberg over ${context.nTests} tests)`);
    if (view.test) lines.push(TESTS[view.test]);
  } else {
    lines.push("no significance test: the metric has no per-sample values to resample");
  }
  lines.push(`${STATE_WORDS[view.state]} (${directionWords(column.direction)}, ${sourceWords(column.direction)})`);
  return lines.join("\n");
}
