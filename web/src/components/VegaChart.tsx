// A Vega-Lite chart. vega, vega-lite and vega-embed are loaded on first use (a separate chunk), so pages
// without plots never download or parse them. The chart follows the app's theme (dark mode included).
import { useEffect, useRef, useState } from "react";
import type { View } from "vega";
import type { TopLevelSpec } from "vega-lite";

import { errorMessage } from "./States";

export interface VegaChartProps {
  spec: TopLevelSpec;
  /** The chart's accessible name. */
  label: string;
  /** Called with the Vega view once rendered (for PNG/SVG export: view.toImageURL("png")). */
  onView?: (view: View | null) => void;
  className?: string;
}

function cssVar(name: string, fallback: string): string {
  if (typeof window === "undefined") return fallback;
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** Vega config from the theme's CSS variables, so charts read well on both backgrounds. */
export function themeConfig() {
  const fg = cssVar("--fg", "#1b1f24");
  const muted = cssVar("--muted", "#57606a");
  const border = cssVar("--border", "#d0d7de");
  return {
    background: "transparent",
    font: cssVar("--font", "system-ui"),
    axis: { labelColor: muted, titleColor: fg, gridColor: border, domainColor: border, tickColor: border },
    legend: { labelColor: fg, titleColor: fg },
    title: { color: fg, subtitleColor: muted },
    view: { stroke: border },
  };
}

export function VegaChart({ spec, label, onView, className }: VegaChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>(null);
  const viewCallback = useRef(onView);
  viewCallback.current = onView;

  useEffect(() => {
    let cancelled = false;
    let finalize: (() => void) | undefined;
    setError(null);
    void import("vega-embed")
      .then(async ({ default: embed }) => {
        if (cancelled || !container.current) return;
        const result = await embed(container.current, spec, {
          actions: false,
          renderer: "svg",
          config: themeConfig(),
        });
        if (cancelled) {
          result.finalize();
          return;
        }
        finalize = result.finalize;
        viewCallback.current?.(result.view);
      })
      .catch((reason: unknown) => {
        if (!cancelled) setError(reason);
      });
    return () => {
      cancelled = true;
      viewCallback.current?.(null);
      finalize?.();
    };
  }, [spec]);

  return (
    <figure className={className} aria-label={label} style={{ margin: 0 }}>
      <div ref={container} />
      {error ? (
        <p role="alert" className="state error">
          The plot could not be drawn: {errorMessage(error)}
        </p>
      ) : null}
    </figure>
  );
}
