// A sample's fields as rows of a table: nested objects flattened into dotted paths, annotations and assets
// summarised (they are drawn, not tabulated), several models' values side by side on one row per field.
import { formatNumber } from "../format";

type Values = Record<string, unknown>;

const isRecord = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);

/** Keys that are bookkeeping, not data. */
const SKIPPED = new Set(["data_type", "_type"]);
const MAX_DEPTH = 4;

function tagOf(value: unknown): string | null {
  return isRecord(value) && typeof value.data_type === "string" ? value.data_type : null;
}

/** `Keypoints` for `ANNOTATION/KEYPOINTS`. */
function typeName(tag: string): string {
  const name = tag.split("/")[1] ?? tag;
  return name.charAt(0) + name.slice(1).toLowerCase().replace(/_/g, " ");
}

const point = (value: unknown) =>
  Array.isArray(value) ? `[${value.map((n) => formatValue(n)).join(", ")}]` : "";

/** An annotation or asset in a few words: its type, label and score, and how many points or where its box is. */
export function describeTagged(tag: string, value: Values): string {
  const parts = [typeName(tag)];
  if (typeof value.label === "string") parts.push(`"${value.label}"`);
  if (Array.isArray(value.points)) parts.push(`${value.points.length} point${value.points.length === 1 ? "" : "s"}`);
  if (Array.isArray(value.top_left) && Array.isArray(value.bottom_right)) parts.push(`${point(value.top_left)}–${point(value.bottom_right)}`);
  if (typeof value.start === "number" && typeof value.end === "number") parts.push(`${value.start}–${value.end}`);
  if (typeof value.score === "number") parts.push(`score ${formatNumber(value.score, 3)}`);
  if (typeof value.locator === "string") parts.push(value.locator);
  return parts.join(" · ");
}

function plural(noun: string): string {
  if (noun.endsWith("s")) return noun;
  return noun.endsWith("x") ? `${noun}es` : `${noun}s`;
}

/** A value that stands for an annotation, an asset or a long list in a table cell. */
export interface Summary {
  summary: string;
}

export const isSummary = (value: unknown): value is Summary => isRecord(value) && typeof value.summary === "string" && Object.keys(value).length === 1;

/** Every leaf of `value` as `[path, value]`, in order; objects deeper than a few levels, lists of objects and tagged objects summarised. */
export function flattenFields(value: unknown, prefix = "", depth = 0): [string, unknown][] {
  if (value === undefined) return [];
  const tag = tagOf(value);
  if (tag && prefix !== "") return [[prefix, { summary: describeTagged(tag, value as Values) } satisfies Summary]];
  if (Array.isArray(value)) {
    if (value.every((entry) => entry === null || ["string", "number", "boolean"].includes(typeof entry)) && value.length <= 8) {
      return [[prefix, value]];
    }
    const tags = new Set(value.map(tagOf));
    const what = tags.size === 1 && !tags.has(null) ? typeName([...tags][0] as string).toLowerCase() : "item";
    return [[prefix, { summary: `${value.length} ${value.length === 1 ? what : plural(what)}` } satisfies Summary]];
  }
  if (isRecord(value)) {
    if (depth >= MAX_DEPTH) return [[prefix, { summary: `${Object.keys(value).length} fields` } satisfies Summary]];
    const rows: [string, unknown][] = [];
    for (const [key, entry] of Object.entries(value)) {
      if (SKIPPED.has(key)) continue;
      rows.push(...flattenFields(entry, prefix === "" ? key : `${prefix}.${key}`, depth + 1));
    }
    return rows;
  }
  return [[prefix, value]];
}

export interface SideBySideRow {
  path: string;
  /** One per column; undefined where that column has no such field. */
  values: unknown[];
}

/** Rows of fields over several values (one column each), in the order fields are first met. */
export function sideBySide(columns: readonly (Values | null | undefined)[]): SideBySideRow[] {
  const rows = new Map<string, unknown[]>();
  columns.forEach((column, position) => {
    for (const [path, value] of flattenFields(column ?? {})) {
      let row = rows.get(path);
      if (!row) {
        row = new Array<unknown>(columns.length).fill(undefined);
        rows.set(path, row);
      }
      row[position] = value;
    }
  });
  return [...rows.entries()].map(([path, values]) => ({ path, values }));
}

/** A cell's text. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "";
  if (value === null) return "—";
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString("en-US") : formatNumber(value, 4);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (isSummary(value)) return value.summary;
  if (Array.isArray(value)) return value.map(formatValue).join(", ");
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * The position of a row's best value when the field has a direction: the highest (or lowest) of its numbers,
 * if exactly one column holds it and they are not all equal; null otherwise.
 */
export function bestOf(values: readonly unknown[], higherIsBetter: boolean | null | undefined): number | null {
  if (higherIsBetter === null || higherIsBetter === undefined) return null;
  const numbers = values.map((value) => (typeof value === "number" && Number.isFinite(value) ? value : null));
  const present = numbers.filter((value): value is number => value !== null);
  if (present.length < 2) return null;
  const best = higherIsBetter ? Math.max(...present) : Math.min(...present);
  const at = numbers.flatMap((value, index) => (value === best ? [index] : []));
  return at.length === 1 ? at[0] : null;
}
