// The side panel with one test case's plots: every stored plot with the models overlaid, confusion matrices
// per model and their differences to the baseline.

import { useEffect, useMemo, useRef, useSyncExternalStore } from "react";

import { type PlotTheme, LIGHT_PLOT_THEME, buildFigures } from "./plotSpecs";
import { type TableParams, useTestCasePlots } from "./queries";
import type { ModelRef } from "./types";
import { VegaFigure } from "./VegaFigure";

const DARK = "(prefers-color-scheme: dark)";

function subscribeScheme(listener: () => void): () => void {
  if (typeof window === "undefined" || !window.matchMedia) return () => {};
  const query = window.matchMedia(DARK);
  query.addEventListener("change", listener);
  return () => query.removeEventListener("change", listener);
}

const isDark = () => (typeof window !== "undefined" && window.matchMedia ? window.matchMedia(DARK).matches : false);

/** The plots' colours from the theme's CSS variables, redrawn when the system switches theme. */
export function usePlotTheme(): PlotTheme {
  const dark = useSyncExternalStore(subscribeScheme, isDark, () => false);
  return useMemo(() => {
    if (typeof document === "undefined") return LIGHT_PLOT_THEME;
    const style = getComputedStyle(document.documentElement);
    const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    return {
      text: read("--fg", LIGHT_PLOT_THEME.text),
      mutedText: read("--muted", LIGHT_PLOT_THEME.mutedText),
      grid: read("--border", LIGHT_PLOT_THEME.grid),
      // Solid, not transparent: a PNG saved from a dark page must stay readable on a white one.
      background: read("--bg", LIGHT_PLOT_THEME.background),
      font: read("--font", LIGHT_PLOT_THEME.font),
    };
    // The variables change with the colour scheme; `dark` is what invalidates them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dark]);
}

export interface PlotsPanelProps {
  params: TableParams;
  testCaseId: number;
  testCaseName: string;
  models: readonly ModelRef[];
  baselineId: number;
  onClose: () => void;
}

export function PlotsPanel({ params, testCaseId, testCaseName, models, baselineId, onClose }: PlotsPanelProps) {
  const plots = useTestCasePlots(params, testCaseId);
  const theme = usePlotTheme();
  const figures = useMemo(
    () => (plots.data ? buildFigures(plots.data.plots, models, baselineId, theme) : []),
    [plots.data, models, baselineId, theme],
  );
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Opened from a row's button, the focus follows to the panel; opened by a URL, the page keeps it.
    if (document.activeElement && document.activeElement !== document.body) heading.current?.focus();
  }, [testCaseId]);

  return (
    <aside
      className="rp-panel"
      aria-labelledby="rp-panel-title"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      <div className="rp-panel-head">
        <h2 id="rp-panel-title" ref={heading} tabIndex={-1}>
          Plots: {plots.data?.test_case.name ?? testCaseName}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close plots">
          ✕
        </button>
      </div>
      {plots.isPending ? <p className="state">Loading plots…</p> : null}
      {plots.isError ? <p className="state error">The plots could not be loaded: {plots.error.message}</p> : null}
      {plots.data && figures.length === 0 ? <p className="state">The evaluator stored no plots for this test case.</p> : null}
      <div className="rp-figures">
        {figures.map((figure) => (
          <VegaFigure key={figure.id} figure={figure} testCase={testCaseName} />
        ))}
      </div>
    </aside>
  );
}
