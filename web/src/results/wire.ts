/**
 * Numbers as the server writes them: JSON has no NaN or infinity, so Assay sends those as a tag object
 * ({"$assay:float": "NaN" | "Infinity" | "-Infinity"}, see src/assay/_wire.py). The API client decodes the
 * tags of every response; plot dicts and exports still meet them, so both directions live here.
 */

import { FLOAT_TAG } from "../api/wire";

const NAMED: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY };

/** The number a wire value stands for; null when there is none (null, absent, or not a number at all). */
export function num(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (value !== null && typeof value === "object") {
    const tag = (value as Record<string, unknown>)[FLOAT_TAG];
    if (typeof tag === "string" && tag in NAMED) return NAMED[tag];
  }
  return null;
}

/** A number as the wire writes it, for a JSON export that reads back into Assay unchanged. */
export function toWire(value: number | null): number | { [FLOAT_TAG]: string } | null {
  if (value === null) return null;
  if (Number.isNaN(value)) return { [FLOAT_TAG]: "NaN" };
  if (value === Number.POSITIVE_INFINITY) return { [FLOAT_TAG]: "Infinity" };
  if (value === Number.NEGATIVE_INFINITY) return { [FLOAT_TAG]: "-Infinity" };
  return value;
}
