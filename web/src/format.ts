// How the app writes numbers, counts and dates. Metrics show a fixed number of significant digits so columns
// of values of different magnitudes stay comparable; non-finite values (metrics may be NaN) show as such.

const MINUS = "\u2212";

/** A number to `digits` significant digits; "—" for no value, "NaN", "∞", "−∞" for non-finite ones. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return "—";
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "∞";
  if (value === Number.NEGATIVE_INFINITY) return `${MINUS}∞`;
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  let text: string;
  if (magnitude >= 1e6 || magnitude < 1e-4) {
    text = value.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, "e");
  } else if (magnitude >= 10 ** (digits - 1)) {
    // Values with at least `digits` integer digits are shown whole: 1235 reads better than 1.23e+3.
    text = value.toFixed(0);
  } else {
    text = value.toPrecision(digits);
  }
  return text.startsWith("-") ? MINUS + text.slice(1) : text;
}

/** A difference with its sign always written ("+0.012", "−0.3"), so it reads without colour. */
export function formatDelta(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return "—";
  const text = formatNumber(value, digits);
  if (value > 0 || value === Number.POSITIVE_INFINITY) return `+${text}`;
  if (value === 0) return "±0";
  return text;
}

/** A fraction as a percentage ("12.5%"). */
export function formatPercent(fraction: number | null | undefined, digits = 3): string {
  if (fraction === null || fraction === undefined) return "—";
  return `${formatNumber(fraction * 100, digits)}%`;
}

/** A p- or q-value: "< 0.001" below what three decimals can show. */
export function formatPValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (Number.isNaN(value)) return "NaN";
  if (value < 0.001) return "< 0.001";
  return value.toFixed(3);
}

const COUNT = new Intl.NumberFormat("en-US");

/** A count with thousands separators. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return COUNT.format(value);
}

/** "1 sample", "3 samples". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

const DATE_TIME = new Intl.DateTimeFormat("en-CA", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** A timestamp as local "YYYY-MM-DD, HH:MM". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_TIME.format(date);
}

const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** A timestamp relative to `now` ("3 minutes ago"). */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "—";
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((time - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return iso;
}

/** A configuration name; the None configuration (an evaluator without configurations) has none. */
export function formatConfiguration(name: string | null | undefined): string {
  return name === null || name === undefined ? "(default)" : name;
}
