// JSON as Assay's server writes it. JSON has no NaN or infinity, yet metrics may hold them, so the server
// sends a non-finite float as {"$assay:float": "NaN" | "Infinity" | "-Infinity"} (assay._wire); this module
// turns those objects back into numbers.

export const FLOAT_TAG = "$assay:float";

const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

function tagged(value: unknown): number | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== FLOAT_TAG) return undefined;
  const name = (value as Record<string, unknown>)[FLOAT_TAG];
  return typeof name === "string" && name in NON_FINITE ? NON_FINITE[name] : undefined;
}

/** The number a freshly parsed value stands for, if it is a tag object; cheap for everything else. */
function taggedFast(value: object): number | undefined {
  // Most objects lack the tag key: one property lookup settles them before the full check.
  return (value as Record<string, unknown>)[FLOAT_TAG] === undefined ? undefined : tagged(value);
}

/** Replaces every tag object inside a freshly parsed value by its number, in place. */
function decodeInPlace(value: object): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== "object") continue;
      const number = taggedFast(item);
      if (number === undefined) decodeInPlace(item);
      else value[i] = number;
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (item === null || typeof item !== "object") continue;
    const number = taggedFast(item);
    if (number === undefined) decodeInPlace(item);
    else record[key] = number;
  }
}

/** Parses wire JSON, restoring non-finite floats. */
export function parseWireJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // Most bodies hold no tag. Those that do are decoded by a walk over the parsed value rather than with a
  // JSON.parse reviver, whose callback per value made a 2 MB results page take 4-5 times as long to parse.
  if (value !== null && typeof value === "object" && text.includes(`"${FLOAT_TAG}"`)) {
    const number = tagged(value);
    if (number !== undefined) return number;
    decodeInPlace(value);
  }
  return value;
}

/** A copy of an already-parsed JSON value with every tag object replaced by its number. */
export function decodeFloats(value: unknown): unknown {
  const number = tagged(value);
  if (number !== undefined) return number;
  if (Array.isArray(value)) return value.map(decodeFloats);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeFloats(item)]));
  }
  return value;
}
