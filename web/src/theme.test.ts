// The theme's text colours against its backgrounds, in both schemes: WCAG AA needs 4.5:1 for normal text.
// Read from theme.css itself so an edit cannot drop a pair below it unnoticed.
// @vitest-environment node
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { describe, expect, it } from "vitest";

const css = readFileSync(resolve(__dirname, "theme.css"), "utf8");

function block(source: string): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const match of source.matchAll(/--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)) tokens[match[1]] = match[2];
  return tokens;
}

const rootStart = css.indexOf(":root {");
const light = block(css.slice(rootStart, css.indexOf("}", rootStart)));
const darkStart = css.indexOf(":root {", css.indexOf("prefers-color-scheme: dark"));
const dark = { ...light, ...block(css.slice(darkStart, css.indexOf("}", darkStart))) };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((index) => {
    const channel = Number.parseInt(hex.slice(index, index + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

const TEXT = ["fg", "muted", "link", "improvement", "regression", "neutral", "status-running", "status-completed", "status-crashed"];
const BACKGROUNDS = [
  "bg",
  "surface",
  "surface-raised",
  "row-hover",
  "row-selected",
  "improvement-bg",
  "regression-bg",
  "neutral-bg",
];

describe.each([
  ["light", light],
  ["dark", dark],
])("%s theme", (_name, tokens) => {
  it("defines every token", () => {
    for (const token of [...TEXT, ...BACKGROUNDS, "accent", "accent-fg"]) expect(tokens[token], token).toBeDefined();
  });

  it.each(TEXT.flatMap((text) => BACKGROUNDS.map((background) => [text, background])))(
    "--%s on --%s meets 4.5:1",
    (text, background) => {
      expect(contrast(tokens[text], tokens[background])).toBeGreaterThanOrEqual(4.5);
    },
  );

  it("--accent-fg on --accent meets 4.5:1", () => {
    expect(contrast(tokens["accent-fg"], tokens.accent)).toBeGreaterThanOrEqual(4.5);
  });

  it("tells improvement from regression apart from the sign, too: they differ in hue", () => {
    expect(tokens.improvement).not.toBe(tokens.regression);
  });
});

describe("contrast", () => {
  it("is 21 for black on white and 1 for a colour on itself", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#57606a", "#57606a")).toBe(1);
  });
});
