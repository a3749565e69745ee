// The sidebar: one small chart per field over the matching samples, bars for counts and, for each model in
// scope, dots and a line for the metric's mean per bin. Plain SVG: twenty charts redraw within a frame.
// Clicking (or pressing Enter on) a bar filters to its bin.
import { type KeyboardEvent, memo, useState } from "react";

import { formatCount, formatNumber } from "../format";
import { histogramGeometry } from "./histogram";
import type { FieldInfo, Histogram, Histograms, ModelRef } from "./types";

const BOX = { width: 220, height: 72, bottom: 0 };
/** Categories named under their bars up to this many; beyond, the bars' tooltips name them. */
const MAX_CATEGORY_LABELS = 8;

interface ChartProps {
  histogram: Histogram;
  field: FieldInfo | undefined;
  models: readonly ModelRef[];
  colors: ReadonlyMap<number, string>;
  metricLabel: string | null;
  onBin: (histogram: Histogram, index: number) => void;
}

const Chart = memo(function Chart({ histogram, field, models, colors, metricLabel, onBin }: ChartProps) {
  const order = models.map((m) => String(m.id));
  const geometry = histogramGeometry(histogram, BOX, order);
  const label = field?.label ?? histogram.field;
  const names = new Map(models.map((m) => [String(m.id), m.name]));
  const first = histogram.edges?.[0];
  const last = histogram.edges?.at(-1);
  // One tab stop per chart (not one per bar): the arrow keys move between its bars.
  const [active, setActive] = useState(0);
  const press = (index: number) => (event: KeyboardEvent<SVGGElement>) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onBin(histogram, index);
      return;
    }
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = Math.min(geometry.bars.length - 1, Math.max(0, index + step));
    setActive(next);
    (event.currentTarget.parentElement?.querySelector(`[data-bin="${next}"]`) as SVGGElement | null)?.focus();
  };
  return (
    <figure className="st-histogram" data-testid={`histogram-${histogram.field}`} data-field={histogram.field}>
      <figcaption>
        <span className="st-histogram-name" title={histogram.field}>
          {label}
        </span>
        {histogram.n_missing > 0 ? <span className="muted"> · {formatCount(histogram.n_missing)} missing</span> : null}
      </figcaption>
      <svg
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        width="100%"
        height={BOX.height}
        preserveAspectRatio="none"
        role="group"
        aria-label={`Histogram of ${label}`}
      >
        {geometry.bars.map((bar) => {
          const means = order
            .filter((id) => histogram.means?.[id]?.[bar.index] !== undefined && histogram.means?.[id]?.[bar.index] !== null)
            .map((id) => `${names.get(id)}: ${formatNumber(histogram.means?.[id]?.[bar.index] as number)}`);
          const text = `${label} ${bar.label}: ${formatCount(bar.count)} samples${means.length && metricLabel ? `; mean ${metricLabel} ${means.join(", ")}` : ""}`;
          return (
            <g key={bar.index} className="st-bin" role="button" tabIndex={bar.index === Math.min(active, geometry.bars.length - 1) ? 0 : -1} onFocus={() => setActive(bar.index)} aria-label={`${text}. Filter to this bin`} onClick={() => onBin(histogram, bar.index)} onKeyDown={press(bar.index)} data-bin={bar.index}>
              <title>{text}</title>
              {/* The whole column takes the click, not just the bar, so that short bars are easy to hit. */}
              <rect className="st-bin-hit" x={bar.x} y={0} width={bar.width} height={BOX.height} />
              <rect className="st-bar" x={bar.x} y={bar.y} width={bar.width} height={bar.height} />
            </g>
          );
        })}
        {geometry.lines.map((line) => {
          const color = colors.get(Number(line.modelId)) ?? "currentColor";
          return (
            <g key={line.modelId} className="st-mean" data-model={line.modelId} pointerEvents="none">
              {line.segments.map((segment, i) => (
                <g key={i}>
                  {segment.length > 1 ? (
                    <polyline points={segment.map((p) => `${p.x},${p.y}`).join(" ")} fill="none" stroke={color} strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
                  ) : null}
                  {segment.map((p) => (
                    <circle key={p.index} cx={p.x} cy={p.y} r={2} fill={color} />
                  ))}
                </g>
              ))}
            </g>
          );
        })}
      </svg>
      {histogram.categories && histogram.categories.length <= MAX_CATEGORY_LABELS ? (
        <div className="st-categories muted" aria-hidden="true">
          {histogram.categories.map((category) => (
            <span key={category} title={category}>
              {category}
            </span>
          ))}
        </div>
      ) : null}
      {first !== undefined && last !== undefined ? (
        <div className="st-axis muted" aria-hidden="true">
          <span>{formatNumber(first)}</span>
          <span>{formatNumber(last)}</span>
        </div>
      ) : null}
      {geometry.meanRange && metricLabel ? (
        <div className="st-axis muted" aria-hidden="true">
          <span>
            mean {metricLabel} {formatNumber(geometry.meanRange[0])} – {formatNumber(geometry.meanRange[1])}
          </span>
        </div>
      ) : null}
    </figure>
  );
});

export interface HistogramSidebarProps {
  histograms: Histograms | undefined;
  fields: ReadonlyMap<string, FieldInfo>;
  models: readonly ModelRef[];
  colors: ReadonlyMap<number, string>;
  loading: boolean;
  error: Error | null;
  onBin: (histogram: Histogram, index: number) => void;
}

export function HistogramSidebar({ histograms, fields, models, colors, loading, error, onBin }: HistogramSidebarProps) {
  const metric = histograms?.metric ?? null;
  const metricLabel = metric ? (fields.get(metric)?.label ?? metric) : null;
  return (
    <aside className="st-sidebar" aria-label="Histograms" aria-busy={loading}>
      <div className="st-sidebar-head">
        <h2>Distributions</h2>
        {loading ? <span className="muted">updating…</span> : null}
      </div>
      {metricLabel && models.length > 0 ? (
        <ul className="st-legend plain" aria-label="Models">
          <li className="muted">Bars: samples · lines: mean {metricLabel} per bin</li>
          {models.map((model) => (
            <li key={model.id}>
              <span className="st-swatch" style={{ background: colors.get(model.id) }} aria-hidden="true" /> {model.name}
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p className="state error" role="alert">
          The histograms could not be loaded: {error.message}
        </p>
      ) : null}
      {histograms?.histograms.map((histogram) => (
        <Chart key={histogram.field} histogram={histogram} field={fields.get(histogram.field)} models={models} colors={colors} metricLabel={metricLabel} onBin={onBin} />
      ))}
      {histograms && histograms.histograms.length === 0 ? <p className="muted">No field to chart.</p> : null}
    </aside>
  );
}
