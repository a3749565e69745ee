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

function revive(_key: string, value: unknown): unknown {
  const number = tagged(value);
  return number === undefined ? value : number;
}

/** Parses wire JSON, restoring non-finite floats. */
export function parseWireJson(text: string): unknown {
  // The reviver costs a callback per value; most bodies hold no tag, and a plain parse of a large results
  // table is several times faster.
  return text.includes(`"${FLOAT_TAG}"`) ? JSON.parse(text, revive) : JSON.parse(text);
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
