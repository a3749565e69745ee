// The overlay colours against the page's backgrounds in both themes, read from theme.css itself: a swatch or
// an outline must keep 3:1 (WCAG 2.1 non-text contrast) wherever it is shown.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { describe, expect, it } from "vitest";

import {
  GROUND_TRUTH_COLOUR,
  MATCH_COLOURS,
  MODEL_COLOURS,
  classColour,
  classRgb,
  contrast,
  modelColour,
  rgbOf,
  textOn,
  withAlpha,
} from "./palette";

const css = readFileSync(resolve(__dirname, "../theme.css"), "utf8");

function token(block: string, name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})\\s*;`).exec(block);
  if (match === null) throw new Error(`--${name} not in theme.css`);
  return match[1];
}

const darkAt = css.indexOf("prefers-color-scheme: dark");
const light = css.slice(0, darkAt);
const dark = css.slice(darkAt);
const BACKGROUNDS = ["bg", "surface", "surface-raised"].flatMap((name) => [
  [`light --${name}`, token(light, name)],
  [`dark --${name}`, token(dark, name)],
]);
const COLOURS = [
  ["ground truth", GROUND_TRUTH_COLOUR],
  ...MODEL_COLOURS.map((colour, i) => [`model ${i}`, colour]),
  ...Object.entries(MATCH_COLOURS).map(([status, colour]) => [status, colour]),
];

describe("overlay colours", () => {
  it.each(COLOURS.flatMap(([name, colour]) => BACKGROUNDS.map(([bg, background]) => [name, colour, bg, background])))(
    "%s (%s) keeps 3:1 on %s",
    (_name, colour, _bg, background) => {
      expect(contrast(colour, background)).toBeGreaterThanOrEqual(3);
    },
  );

  it("gives every layer a different colour", () => {
    const all = COLOURS.map(([, colour]) => colour);
    expect(new Set(all).size).toBe(all.length);
  });

  it("cycles model colours", () => {
    expect(modelColour(0)).toBe(MODEL_COLOURS[0]);
    expect(modelColour(MODEL_COLOURS.length + 1)).toBe(MODEL_COLOURS[1]);
    expect(modelColour(-1)).toBe(MODEL_COLOURS[MODEL_COLOURS.length - 1]);
  });
});

describe("colour helpers", () => {
  it("parses #rrggbb and refuses anything else", () => {
    expect(rgbOf("#0891b2")).toEqual([8, 145, 178]);
    expect(() => rgbOf("red")).toThrow("not a #rrggbb colour");
    expect(withAlpha("#ff0000", 0.5)).toBe("rgba(255, 0, 0, 0.5)");
  });

  it("computes WCAG contrast", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#777777")).toBe(1);
    expect(textOn("#ffffff")).toBe("#000000");
    expect(textOn("#000000")).toBe("#ffffff");
  });

  it("gives neighbouring class values distinct colours", () => {
    const colours = Array.from({ length: 20 }, (_, i) => classColour(i + 1));
    expect(new Set(colours).size).toBe(20);
    for (let value = 1; value < 20; value++) {
      const [a, b] = [classRgb(value), classRgb(value + 1)];
      const distance = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      expect(distance).toBeGreaterThan(100);
    }
    expect(classColour(1)).toMatch(/^#[0-9a-f]{6}$/);
  });
});
