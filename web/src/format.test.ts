import { describe, expect, it } from "vitest";

import { formatCount, formatDelta, formatNumber, formatPValue, formatRelative } from "./format";

describe("formatNumber", () => {
  it.each([
    [0.123456, "0.123"],
    [12.3456, "12.3"],
    [1234.5, "1235"],
    [999.96, "1000"],
    [1234, "1234"],
    [0.000012345, "1.23e-5"],
    [-0.5, "\u22120.500"],
    [0, "0"],
    [2_500_000, "2.5e+6"],
  ])("%s to 3 significant digits is %s", (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it("shows missing and non-finite values as such", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(undefined)).toBe("—");
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe("\u2212∞");
  });

  it("takes the number of significant digits", () => {
    expect(formatNumber(Math.PI, 5)).toBe("3.1416");
  });
});

describe("formatDelta", () => {
  it("always writes the sign", () => {
    expect(formatDelta(0.0123)).toBe("+0.012");
    expect(formatDelta(-0.0123)).toBe("\u22120.012");
    expect(formatDelta(0)).toBe("±0");
    expect(formatDelta(null)).toBe("—");
  });
});

describe("other formats", () => {
  it("p-values below what three decimals show", () => {
    expect(formatPValue(0.0004)).toBe("< 0.001");
    expect(formatPValue(0.0312)).toBe("0.031");
  });

  it("counts with separators", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("relative times", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(formatRelative("2026-01-01T11:57:00Z", now)).toBe("3 minutes ago");
    expect(formatRelative("2025-12-31T12:00:00Z", now)).toBe("yesterday");
  });
});
