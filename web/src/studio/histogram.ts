/**
 * The sidebar's small charts as plain geometry: one bar per bin scaled to the largest count, and for each
 * model a polyline of the metric's mean per bin on a second axis shared by the models (so their lines
 * compare). Computed here, drawn as SVG by the component: twenty charts cost a few hundred elements.
 */

import { compactNumber } from "./predicates";
import type { Histogram } from "./types";

export interface ChartBox {
  width: number;
  height: number;
  /** Room at the bottom for the axis labels. */
  bottom: number;
}

export interface Bar {
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
  count: number;
  /** What the bin is: "[0.1, 0.2)" or the category. */
  label: string;
}

export interface MeanLine {
  modelId: string;
  /** Runs of consecutive bins with a mean, each a list of points (a bin without samples breaks the line). */
  segments: { x: number; y: number; mean: number; index: number }[][];
}

export interface HistogramGeometry {
  bars: Bar[];
  lines: MeanLine[];
  maxCount: number;
  meanRange: [number, number] | null;
}

/** The label of bin `index`: numeric bins are half-open but for the last, which holds its upper edge. */
export function binLabel(histogram: Histogram, index: number): string {
  if (histogram.edges && histogram.edges.length >= 2) {
    const last = index === histogram.edges.length - 2;
    return `[${compactNumber(histogram.edges[index])}, ${compactNumber(histogram.edges[index + 1])}${last ? "]" : ")"}`;
  }
  return histogram.categories?.[index] ?? String(index);
}

/** The means' common range over every model and bin (null when no bin has a mean). */
export function meanRange(histogram: Histogram): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const means of Object.values(histogram.means ?? {})) {
    for (const mean of means) {
      if (mean === null || !Number.isFinite(mean)) continue;
      lo = Math.min(lo, mean);
      hi = Math.max(hi, mean);
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

export function histogramGeometry(histogram: Histogram, box: ChartBox, modelOrder: readonly string[] = []): HistogramGeometry {
  const n = histogram.counts.length;
  const plotHeight = Math.max(1, box.height - box.bottom);
  const maxCount = Math.max(0, ...histogram.counts);
  const step = n > 0 ? box.width / n : box.width;
  const gap = step > 4 ? 1 : 0;
  const bars: Bar[] = histogram.counts.map((count, index) => {
    const height = maxCount > 0 ? (count / maxCount) * plotHeight : 0;
    return { index, x: index * step, y: plotHeight - height, width: Math.max(0.5, step - gap), height, count, label: binLabel(histogram, index) };
  });
  const range = meanRange(histogram);
  const lines: MeanLine[] = [];
  if (range) {
    const [lo, hi] = range;
    // A flat line sits in the middle rather than on an edge; a little headroom keeps dots inside the box.
    const span = hi - lo;
    const toY = (mean: number) => (span > 0 ? plotHeight - 2 - ((mean - lo) / span) * (plotHeight - 4) : plotHeight / 2);
    const means = histogram.means ?? {};
    const ids = [...modelOrder.filter((id) => id in means), ...Object.keys(means).filter((id) => !modelOrder.includes(id))];
    for (const modelId of ids) {
      const segments: MeanLine["segments"] = [];
      let current: MeanLine["segments"][number] = [];
      (means[modelId] ?? []).forEach((mean, index) => {
        if (mean === null || !Number.isFinite(mean)) {
          if (current.length > 0) segments.push(current);
          current = [];
          return;
        }
        current.push({ x: index * step + step / 2, y: toY(mean), mean, index });
      });
      if (current.length > 0) segments.push(current);
      lines.push({ modelId, segments });
    }
  }
  return { bars, lines, maxCount, meanRange: range };
}
