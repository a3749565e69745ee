/**
 * Confusion matrices of two models on one test case, and their difference (model minus baseline).
 *
 * The two may name different classes (a model that never predicted one, a label set that grew), so both
 * are first laid on the union of their labels, the baseline's order first; a missing class counts zero.
 */

import { num } from "./wire";

export interface Matrix {
  labels: string[];
  /** matrix[i][j]: samples of actual class labels[i] predicted as labels[j]. */
  matrix: number[][];
}

/** A stored confusion-matrix plot's labels and counts (non-finite and missing counts read as 0). */
export function readMatrix(plot: Record<string, unknown>): Matrix | null {
  const labels = plot.labels;
  const rows = plot.matrix;
  if (!Array.isArray(labels) || !Array.isArray(rows) || rows.length !== labels.length) return null;
  const matrix = rows.map((row) =>
    Array.isArray(row) && row.length === labels.length ? row.map((x) => {
      const value = num(x);
      return value === null || !Number.isFinite(value) ? 0 : value;
    }) : null,
  );
  if (matrix.some((row) => row === null)) return null;
  return { labels: labels.map(String), matrix: matrix as number[][] };
}

/** A matrix laid on a given label order: rows and columns of labels it does not have are zero. */
export function alignTo(m: Matrix, labels: readonly string[]): number[][] {
  const at = new Map(m.labels.map((label, i) => [label, i]));
  return labels.map((actual) => {
    const i = at.get(actual);
    return labels.map((predicted) => {
      const j = at.get(predicted);
      return i === undefined || j === undefined ? 0 : m.matrix[i][j];
    });
  });
}

/** The union of two label lists: the first's order, then the second's new labels in its order. */
export function unionLabels(first: readonly string[], second: readonly string[]): string[] {
  const out = [...first];
  for (const label of second) if (!out.includes(label)) out.push(label);
  return out;
}

/** model − baseline, cell by cell, over the union of their labels. */
export function confusionDifference(model: Matrix, baseline: Matrix): Matrix {
  const labels = unionLabels(baseline.labels, model.labels);
  const a = alignTo(model, labels);
  const b = alignTo(baseline, labels);
  return { labels, matrix: a.map((row, i) => row.map((x, j) => x - b[i][j])) };
}

/** The largest absolute entry (the half-width of a diverging colour scale centred on zero). */
export function maxAbs(m: Matrix): number {
  let most = 0;
  for (const row of m.matrix) for (const x of row) most = Math.max(most, Math.abs(x));
  return most;
}
