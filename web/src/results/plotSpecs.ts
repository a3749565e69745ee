/**
 * Vega-Lite specs from the plots the evaluator stored (src/assay/workflow/plot.py, their `_to_dict` form).
 *
 * Plots of the same kind and title under the same configuration are one figure with the models overlaid,
 * and configurations whose plots are identical (a histogram that does not depend on a threshold) share one
 * figure. Models are coloured (the same colour as the model's swatch in the table). Confusion matrices cannot be
 * overlaid: each model gets its own heatmap, and each non-baseline model a diverging heatmap of its
 * difference to the baseline. Axes are logarithmic where the stored plot asks for it; values a log axis
 * cannot show (zero and below) are left out rather than breaking the figure.
 */

import { type Matrix, confusionDifference, maxAbs, readMatrix } from "./confusion";
import type { ModelRef, PlotsOfModel } from "./types";
import { num } from "./wire";

/** A Vega-Lite specification (kept as plain JSON: this module must not load vega-lite). */
export type VegaLiteSpec = Record<string, unknown>;

export type PlotKind = "curve" | "histogram" | "bar" | "confusion" | "confusion-difference";

export interface PlotFigure {
  id: string;
  kind: PlotKind;
  title: string;
  /** The configurations the figure stands for (several when their stored plots are identical). */
  configurations: (string | null)[];
  /** The models drawn in it. */
  models: ModelRef[];
  spec: VegaLiteSpec;
}

export interface PlotTheme {
  text: string;
  mutedText: string;
  grid: string;
  background: string;
  font: string;
}

export const LIGHT_PLOT_THEME: PlotTheme = {
  text: "#1f2328",
  mutedText: "#57606a",
  grid: "#d0d7de",
  background: "#ffffff",
  font: "system-ui, sans-serif",
};

const TAGS: Record<string, PlotKind> = {
  "PLOT/CURVE": "curve",
  "PLOT/HISTOGRAM": "histogram",
  "PLOT/BAR": "bar",
  "PLOT/CONFUSION_MATRIX": "confusion",
};

// Tableau's categorical palettes: distinguishable in both themes, and for the common colour-vision deficiencies
// at ten colours; beyond ten models the paired palette trades some of that for enough colours.
const PALETTE_10 = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const PALETTE_20 = [
  "#4e79a7", "#a0cbe8", "#f28e2b", "#ffbe7d", "#59a14f", "#8cd17d", "#b6992d", "#f1ce63", "#499894", "#86bcb6",
  "#e15759", "#ff9d9a", "#79706e", "#bab0ac", "#d37295", "#fabfd2", "#b07aa1", "#d4a6c8", "#9d7660", "#d7b5a6",
];

/** Each model's colour, by position in the page's model list (so the table's swatches match the plots). */
export function modelColors(models: readonly ModelRef[]): Map<number, string> {
  const palette = models.length <= PALETTE_10.length ? PALETTE_10 : PALETTE_20;
  return new Map(models.map((m, i) => [m.id, palette[i % palette.length]]));
}

/** Model names as legends show them; two models of one name are told apart by id. */
export function modelNames(models: readonly ModelRef[]): Map<number, string> {
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m.name, (counts.get(m.name) ?? 0) + 1);
  return new Map(models.map((m) => [m.id, (counts.get(m.name) ?? 0) > 1 ? `${m.name} (#${m.id})` : m.name]));
}

function text(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function isLog(config: unknown): boolean {
  return config !== null && typeof config === "object" && (config as Record<string, unknown>).type === "log";
}

function numbers(value: unknown): (number | null)[] {
  return Array.isArray(value) ? value.map(num) : [];
}

const usable = (x: number | null, log: boolean): x is number => x !== null && Number.isFinite(x) && (!log || x > 0);

/** The Vega config of a theme: colours of text, axes and grid, and a transparent background. */
export function themeConfig(theme: PlotTheme): Record<string, unknown> {
  return {
    background: theme.background,
    font: theme.font,
    title: { color: theme.text, fontSize: 13, fontWeight: 600, anchor: "start" },
    axis: {
      labelColor: theme.mutedText,
      titleColor: theme.text,
      gridColor: theme.grid,
      domainColor: theme.mutedText,
      tickColor: theme.mutedText,
    },
    legend: { labelColor: theme.text, titleColor: theme.text },
    view: { stroke: theme.grid },
  };
}

interface Context {
  theme: PlotTheme;
  colors: Map<number, string>;
  names: Map<number, string>;
}

function colorEncoding(models: readonly ModelRef[], ctx: Context) {
  return {
    field: "model",
    type: "nominal",
    title: "Model",
    scale: { domain: models.map((m) => ctx.names.get(m.id)), range: models.map((m) => ctx.colors.get(m.id)) },
    legend: { orient: "bottom" },
  };
}

function base(title: string, ctx: Context): VegaLiteSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: "container",
    height: 220,
    // Only the width follows the panel: fitting the height too squeezed titles and legends out of view.
    autosize: { type: "fit-x", contains: "padding" },
    config: themeConfig(ctx.theme),
  };
}

type Entry = { model: ModelRef; plot: Record<string, unknown> };

// -- curves -----------------------------------------------------------------------------------------------
/** Curves of every model on shared axes; a model with several curves draws them dashed by curve label. */
export function curveSpec(entries: readonly Entry[], ctx: Context): VegaLiteSpec {
  const first = entries[0].plot;
  const xLog = isLog(first.x_config);
  const yLog = isLog(first.y_config);
  const values: Record<string, unknown>[] = [];
  const extras: string[] = [];
  const labels = new Set<string>();
  for (const { model, plot } of entries) {
    const curves = Array.isArray(plot.curves) ? (plot.curves as Record<string, unknown>[]) : [];
    curves.forEach((curve, c) => {
      const xs = numbers(curve.x);
      const ys = numbers(curve.y);
      const label = text(curve.label, curves.length > 1 ? `curve ${c + 1}` : "");
      labels.add(label);
      const extra = curve.extra && typeof curve.extra === "object" ? (curve.extra as Record<string, unknown[]>) : {};
      for (const key of Object.keys(extra)) if (!extras.includes(key)) extras.push(key);
      xs.forEach((x, i) => {
        const y = ys[i] ?? null;
        if (!usable(x, xLog) || !usable(y, yLog)) return;
        const point: Record<string, unknown> = { model: ctx.names.get(model.id), curve: label, series: `${model.id}/${c}`, i, x, y };
        for (const key of Object.keys(extra)) point[`extra_${extras.indexOf(key)}`] = extra[key]?.[i] ?? null;
        values.push(point);
      });
    });
  }
  const models = entries.map((e) => e.model);
  const dashed = labels.size > 1;
  return {
    ...base(text(first.title, "Curve"), ctx),
    data: { values },
    mark: { type: "line", strokeWidth: 2, point: values.length <= 200 ? { size: 18, filled: true } : false },
    encoding: {
      x: { field: "x", type: "quantitative", title: text(first.x_label, "x"), scale: { type: xLog ? "log" : "linear", zero: false } },
      y: { field: "y", type: "quantitative", title: text(first.y_label, "y"), scale: { type: yLog ? "log" : "linear", zero: false } },
      color: colorEncoding(models, ctx),
      ...(dashed ? { strokeDash: { field: "curve", type: "nominal", title: "Curve" } } : {}),
      detail: { field: "series", type: "nominal" },
      // Curves such as precision-recall double back on x: draw points in their stored order.
      order: { field: "i", type: "quantitative" },
      tooltip: [
        { field: "model", title: "Model" },
        ...(dashed ? [{ field: "curve", title: "Curve" }] : []),
        { field: "x", title: text(first.x_label, "x"), format: ".4~g" },
        { field: "y", title: text(first.y_label, "y"), format: ".4~g" },
        ...extras.map((key, k) => ({ field: `extra_${k}`, title: key })),
      ],
    },
  };
}

// -- histograms -------------------------------------------------------------------------------------------
/**
 * Histograms of every model as step outlines over the same buckets (filled bars of several models would
 * hide each other), with each bucket's range and count on hover.
 */
export function histogramSpec(entries: readonly Entry[], ctx: Context): VegaLiteSpec {
  const first = entries[0].plot;
  const xLog = isLog(first.x_config);
  const yLog = isLog(first.y_config);
  const bars: Record<string, unknown>[] = [];
  const steps: Record<string, unknown>[] = [];
  const seriesNames = new Set<string>();
  for (const { model, plot } of entries) {
    const edges = numbers(plot.buckets);
    const frequency = Array.isArray(plot.frequency) ? plot.frequency : [];
    const twoD = frequency.length > 0 && Array.isArray(frequency[0]);
    const rows = (twoD ? frequency : [frequency]) as unknown[][];
    const rowLabels = Array.isArray(plot.labels) ? plot.labels.map(String) : [];
    rows.forEach((row, r) => {
      const series = twoD ? (rowLabels[r] ?? `series ${r + 1}`) : "";
      seriesNames.add(series);
      const counts = numbers(row);
      const name = ctx.names.get(model.id);
      const id = `${model.id}/${r}`;
      counts.forEach((count, i) => {
        const x0 = edges[i];
        const x1 = edges[i + 1];
        if (!usable(x0, xLog) || !usable(x1, xLog) || count === null || !Number.isFinite(count)) return;
        const shown = yLog && count <= 0 ? null : count;
        bars.push({ model: name, series, id, x0, x1, count });
        if (shown !== null) steps.push({ model: name, series, id, x: x0, count: shown, i: 2 * i });
        if (shown !== null) steps.push({ model: name, series, id, x: x1, count: shown, i: 2 * i + 1 });
      });
    });
  }
  const models = entries.map((e) => e.model);
  const several = seriesNames.size > 1;
  const xTitle = text(first.x_label, "x");
  const yTitle = text(first.y_label, "count");
  const xScale = { type: xLog ? "log" : "linear", zero: false };
  const yScale = { type: yLog ? "log" : "linear" };
  return {
    ...base(text(first.title, "Histogram"), ctx),
    layer: [
      {
        data: { values: bars.filter((b) => !yLog || (b.count as number) > 0) },
        mark: { type: "rect", fillOpacity: 0.12, strokeOpacity: 0 },
        encoding: {
          x: { field: "x0", type: "quantitative", title: xTitle, scale: xScale },
          x2: { field: "x1" },
          y: { field: "count", type: "quantitative", title: yTitle, scale: yScale },
          ...(yLog ? {} : { y2: { datum: 0 } }),
          color: colorEncoding(models, ctx),
          tooltip: [
            { field: "model", title: "Model" },
            ...(several ? [{ field: "series", title: "Series" }] : []),
            { field: "x0", title: `${xTitle} from`, format: ".4~g" },
            { field: "x1", title: "to", format: ".4~g" },
            { field: "count", title: yTitle, format: ",.4~g" },
          ],
        },
      },
      {
        data: { values: steps },
        mark: { type: "line", strokeWidth: 2, interpolate: "linear" },
        encoding: {
          x: { field: "x", type: "quantitative", title: xTitle, scale: xScale },
          y: { field: "count", type: "quantitative", title: yTitle, scale: yScale },
          color: colorEncoding(models, ctx),
          detail: { field: "id", type: "nominal" },
          order: { field: "i", type: "quantitative" },
          ...(several ? { strokeDash: { field: "series", type: "nominal", title: "Series" } } : {}),
        },
      },
    ],
  };
}

// -- bar plots --------------------------------------------------------------------------------------------
/** Bars grouped by label, one bar per model within each group. */
export function barSpec(entries: readonly Entry[], ctx: Context): VegaLiteSpec {
  const first = entries[0].plot;
  const log = isLog(first.config);
  const values: Record<string, unknown>[] = [];
  const order: string[] = [];
  for (const { model, plot } of entries) {
    const labels = Array.isArray(plot.labels) ? plot.labels.map(String) : [];
    const heights = numbers(plot.values);
    labels.forEach((label, i) => {
      if (!order.includes(label)) order.push(label);
      const value = heights[i] ?? null;
      if (usable(value, log)) values.push({ model: ctx.names.get(model.id), label, value });
    });
  }
  const models = entries.map((e) => e.model);
  return {
    ...base(text(first.title, "Bars"), ctx),
    data: { values },
    mark: { type: "bar" },
    encoding: {
      x: { field: "label", type: "nominal", title: text(first.x_label, ""), sort: order, axis: { labelAngle: order.length > 8 ? -45 : 0 } },
      xOffset: { field: "model", type: "nominal", sort: models.map((m) => ctx.names.get(m.id)) },
      y: { field: "value", type: "quantitative", title: text(first.y_label, "value"), scale: { type: log ? "log" : "linear" } },
      color: colorEncoding(models, ctx),
      tooltip: [
        { field: "model", title: "Model" },
        { field: "label", title: text(first.x_label, "label") },
        { field: "value", title: text(first.y_label, "value"), format: ",.4~g" },
      ],
    },
  };
}

// -- confusion matrices -----------------------------------------------------------------------------------
function heatmap(
  title: string,
  matrix: Matrix,
  xLabel: string,
  yLabel: string,
  color: Record<string, unknown>,
  valueTitle: string,
  signed: boolean,
  ctx: Context,
): VegaLiteSpec {
  const values: Record<string, unknown>[] = [];
  let most = 0;
  matrix.labels.forEach((actual, i) => {
    matrix.labels.forEach((predicted, j) => {
      const count = matrix.matrix[i][j];
      most = Math.max(most, Math.abs(count));
      values.push({ actual, predicted, count, text: signed && count > 0 ? `+${count}` : String(count) });
    });
  });
  const side = Math.min(420, Math.max(160, 28 * matrix.labels.length));
  const small = matrix.labels.length <= 20;
  return {
    ...base(title, ctx),
    width: side,
    height: side,
    autosize: { type: "pad" },
    data: { values },
    encoding: {
      x: { field: "predicted", type: "ordinal", title: xLabel, sort: matrix.labels },
      y: { field: "actual", type: "ordinal", title: yLabel, sort: matrix.labels },
    },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          color: { field: "count", type: "quantitative", title: valueTitle, ...color },
          tooltip: [
            { field: "actual", title: yLabel },
            { field: "predicted", title: xLabel },
            { field: "text", title: valueTitle },
          ],
        },
      },
      ...(small
        ? [
            {
              mark: { type: "text", fontSize: 11 },
              encoding: {
                text: { field: "text" },
                // Dark text on light cells, light text on dark ones, for contrast in either theme.
                color: {
                  condition: { test: `abs(datum.count) > ${most * 0.55}`, value: "#ffffff" },
                  value: "#1f2328",
                },
              },
            },
          ]
        : []),
    ],
  };
}

/** One model's confusion matrix as a heatmap of counts. */
export function confusionSpec(entry: Entry, ctx: Context): VegaLiteSpec | null {
  const matrix = readMatrix(entry.plot);
  if (!matrix) return null;
  const title = `${text(entry.plot.title, "Confusion matrix")} — ${ctx.names.get(entry.model.id)}`;
  return heatmap(
    title,
    matrix,
    text(entry.plot.x_label, "Predicted"),
    text(entry.plot.y_label, "Actual"),
    { scale: { scheme: "blues", domainMin: 0 } },
    "count",
    false,
    ctx,
  );
}

/** A model's confusion matrix minus the baseline's, on a diverging scale centred on zero. */
export function confusionDifferenceSpec(entry: Entry, baseline: Entry, ctx: Context): VegaLiteSpec | null {
  const model = readMatrix(entry.plot);
  const reference = readMatrix(baseline.plot);
  if (!model || !reference) return null;
  const difference = confusionDifference(model, reference);
  const half = Math.max(1, maxAbs(difference));
  const title = `${text(entry.plot.title, "Confusion matrix")} — ${ctx.names.get(entry.model.id)} − ${ctx.names.get(baseline.model.id)}`;
  return heatmap(
    title,
    difference,
    text(entry.plot.x_label, "Predicted"),
    text(entry.plot.y_label, "Actual"),
    { scale: { scheme: "blueorange", domain: [-half, half], domainMid: 0 } },
    "difference",
    true,
    ctx,
  );
}

// -- all figures of a test case ---------------------------------------------------------------------------
/**
 * Every figure of a test case: stored plots grouped by configuration, kind and title, models overlaid in
 * the page's model order; confusion matrices per model, then each model's difference to the baseline.
 */
export function buildFigures(
  plots: readonly PlotsOfModel[],
  models: readonly ModelRef[],
  baselineId: number,
  theme: PlotTheme,
): PlotFigure[] {
  const ctx: Context = { theme, colors: modelColors(models), names: modelNames(models) };
  const rank = new Map(models.map((m, i) => [m.id, i]));
  const modelById = new Map(models.map((m) => [m.id, m]));
  type Group = { kind: PlotKind; title: string; configurations: (string | null)[]; entries: Entry[] };
  const groups = new Map<string, Group>();
  for (const stored of plots) {
    const model = modelById.get(stored.model_id);
    if (!model) continue;
    for (const plot of stored.plots) {
      const kind = TAGS[text(plot.data_type)];
      if (!kind) continue;
      const title = text(plot.title, kind);
      const key = `${stored.configuration ?? ""}\u241f${kind}\u241f${title}`;
      const group = groups.get(key) ?? { kind, title, configurations: [stored.configuration], entries: [] };
      // Two plots of one kind and title from one model cannot be told apart in an overlay: keep the first.
      if (!group.entries.some((e) => e.model.id === model.id)) group.entries.push({ model, plot });
      groups.set(key, group);
    }
  }
  // Configurations whose plots are the same, model for model, are drawn once.
  const merged = new Map<string, Group>();
  for (const group of groups.values()) {
    group.entries.sort((a, b) => (rank.get(a.model.id) ?? 0) - (rank.get(b.model.id) ?? 0));
    const signature = JSON.stringify([group.kind, group.title, group.entries.map((e) => [e.model.id, e.plot])]);
    const same = merged.get(signature);
    if (same) same.configurations.push(...group.configurations);
    else merged.set(signature, group);
  }
  const figures: PlotFigure[] = [];
  for (const group of merged.values()) {
    const { kind, title, configurations, entries } = group;
    const id = `${configurations.map((c) => c ?? "").join("+")}\u241f${kind}\u241f${title}`;
    const drawn = entries.map((e) => e.model);
    if (kind === "curve") {
      figures.push({ id, kind, title, configurations, models: drawn, spec: curveSpec(entries, ctx) });
    } else if (kind === "histogram") {
      figures.push({ id, kind, title, configurations, models: drawn, spec: histogramSpec(entries, ctx) });
    } else if (kind === "bar") {
      figures.push({ id, kind, title, configurations, models: drawn, spec: barSpec(entries, ctx) });
    } else {
      const baseline = entries.find((e) => e.model.id === baselineId);
      for (const entry of entries) {
        const spec = confusionSpec(entry, ctx);
        if (spec) figures.push({ id: `${id}\u241f${entry.model.id}`, kind: "confusion", title, configurations, models: [entry.model], spec });
      }
      for (const entry of entries) {
        if (!baseline || entry === baseline) continue;
        const spec = confusionDifferenceSpec(entry, baseline, ctx);
        if (spec) {
          figures.push({
            id: `${id}\u241f${entry.model.id}\u241fdiff`,
            kind: "confusion-difference",
            title,
            configurations,
            models: [entry.model, baseline.model],
            spec,
          });
        }
      }
    }
  }
  return figures;
}

/** A file name for a figure's image: letters, digits and dashes only. */
export function figureFileName(figure: PlotFigure, testCase: string, extension: "png" | "svg"): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const configurations = figure.configurations.length === 1 ? (figure.configurations[0] ?? "") : "";
  const parts = [testCase, configurations, figure.title, figure.kind === "confusion-difference" ? "difference" : ""];
  if (figure.kind === "confusion" || figure.kind === "confusion-difference") parts.push(figure.models.map((m) => m.name).join("-vs-"));
  return `${parts.map(slug).filter(Boolean).join("_") || "plot"}.${extension}`;
}
