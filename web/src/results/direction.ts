/**
 * Which way is better for each metric: the server's default (declared on the metric dataclass, guessed from
 * its name, or unknown), and the user's overrides kept in the URL.
 *
 * `flip` inverts a known direction; `set` gives a direction to a metric whose default is unknown (flipping
 * "unknown" has no meaning). Both are keyed by the metric's key, so one override holds in every configuration.
 */

import type { MetricColumn } from "./types";

export interface DirectionOverrides {
  /** Keys of metrics whose known direction the user inverted. */
  flip: readonly string[];
  /** Directions the user gave to metrics without a known one: key -> higher is better. */
  set: Readonly<Record<string, boolean>>;
}

export const NO_OVERRIDES: DirectionOverrides = { flip: [], set: {} };

export type EffectiveSource = "declared" | "name" | "none" | "flipped" | "set";

export interface Direction {
  /** true: higher is better; false: lower is better; null: unknown, deltas get no colour. */
  higherIsBetter: boolean | null;
  source: EffectiveSource;
  /** The server's default, before any override. */
  defaultHigherIsBetter: boolean | null;
  defaultSource: MetricColumn["direction_source"];
}

/** The direction of a metric after the user's overrides. */
export function directionOf(metric: MetricColumn, overrides: DirectionOverrides): Direction {
  const base = {
    defaultHigherIsBetter: metric.higher_is_better,
    defaultSource: metric.direction_source,
  };
  if (metric.higher_is_better === null) {
    const chosen = overrides.set[metric.key];
    if (chosen !== undefined) return { ...base, higherIsBetter: chosen, source: "set" };
    return { ...base, higherIsBetter: null, source: "none" };
  }
  if (overrides.flip.includes(metric.key)) {
    return { ...base, higherIsBetter: !metric.higher_is_better, source: "flipped" };
  }
  return { ...base, higherIsBetter: metric.higher_is_better, source: metric.direction_source };
}

/** The overrides with one metric's known direction inverted, or un-inverted when it already was. */
export function toggleFlip(overrides: DirectionOverrides, key: string): DirectionOverrides {
  const flip = overrides.flip.includes(key) ? overrides.flip.filter((k) => k !== key) : [...overrides.flip, key];
  return { ...overrides, flip };
}

/** The overrides with an unknown direction given (true/false) or given back to "unknown" (null). */
export function setDirection(overrides: DirectionOverrides, key: string, higherIsBetter: boolean | null): DirectionOverrides {
  const set = { ...overrides.set };
  if (higherIsBetter === null) delete set[key];
  else set[key] = higherIsBetter;
  return { ...overrides, set };
}

/** Every metric's direction, by key (metrics of several tables may share one map). */
export function directionsOf(metrics: readonly MetricColumn[], overrides: DirectionOverrides): Map<string, Direction> {
  const out = new Map<string, Direction>();
  for (const metric of metrics) out.set(metric.key, directionOf(metric, overrides));
  return out;
}

/** How a header says which way is better: "lower is better", "higher is better" or "direction unknown". */
export function directionWords(direction: Direction): string {
  if (direction.higherIsBetter === null) return "direction unknown";
  return direction.higherIsBetter ? "higher is better" : "lower is better";
}

/** Where the direction comes from, for the header's hover text. */
export function sourceWords(direction: Direction): string {
  switch (direction.source) {
    case "declared":
      return "declared on the metric";
    case "name":
      return "guessed from the metric's name";
    case "none":
      return "not declared, and the name does not tell";
    case "flipped":
      return `flipped by you (default: ${direction.defaultHigherIsBetter ? "higher" : "lower"} is better, ${
        direction.defaultSource === "declared" ? "declared" : "from the name"
      })`;
    case "set":
      return "set by you (the metric declares no direction)";
  }
}
