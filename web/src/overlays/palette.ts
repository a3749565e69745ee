/**
 * The overlay colours. Every colour is drawn on photos and shown as a swatch on the page, so each keeps at least
 * 3:1 contrast (WCAG 2.1 for graphics) against the page's backgrounds in both themes (palette.test.ts checks it
 * against theme.css). Colours are plain `#rrggbb`: a keypoint disc filled with one reads back from the canvas as
 * exactly that colour, which the end-to-end test relies on.
 */

import type { MatchStatus } from "./types";

/** The ground-truth layer's colour (cyan). */
export const GROUND_TRUTH_COLOUR = "#0891b2";

/** Model layers' colours, in the order the models are chosen; cycles after the sixth. */
export const MODEL_COLOURS: readonly string[] = ["#ea580c", "#8b5cf6", "#db2777", "#2563eb", "#a16207", "#4d7c0f"];

/** Matched (TP), unmatched inference (FP) and unmatched ground truth (FN) colours. */
export const MATCH_COLOURS: Readonly<Record<MatchStatus, string>> = {
  TP: "#16a34a",
  FP: "#dc2626",
  FN: "#c77700",
};

/** The colour of the `index`-th chosen model. */
export function modelColour(index: number): string {
  const size = MODEL_COLOURS.length;
  return MODEL_COLOURS[((index % size) + size) % size];
}

/** The `[r, g, b]` bytes of a `#rrggbb` colour. */
export function rgbOf(hex: string): [number, number, number] {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (match === null) throw new Error(`not a #rrggbb colour: ${hex}`);
  const value = Number.parseInt(match[1], 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** WCAG relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const [r, g, b] = rgbOf(hex).map((byte) => {
    const channel = byte / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

const textColours = new Map<string, "#000000" | "#ffffff">();

/** Black or white, whichever reads better on `background` (text of label chips); remembered per colour. */
export function textOn(background: string): "#000000" | "#ffffff" {
  let colour = textColours.get(background);
  if (colour === undefined) {
    colour = contrast(background, "#000000") >= contrast(background, "#ffffff") ? "#000000" : "#ffffff";
    textColours.set(background, colour);
  }
  return colour;
}

/** A `#rrggbb` colour with an alpha, as a CSS colour string. */
export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = rgbOf(hex);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * The `[r, g, b]` colour of class `value` of a segmentation mask: hues a golden angle apart, so neighbouring
 * class values never look alike however many classes there are.
 */
export function classRgb(value: number): [number, number, number] {
  const hue = (value * 137.508) % 360;
  return hslToRgb(hue, 0.75, 0.5);
}

/** `#rrggbb` of class `value` (legend swatches). */
export function classColour(value: number): string {
  return `#${classRgb(value)
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("")}`;
}

function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const sector = hue / 60;
  const second = chroma * (1 - Math.abs((sector % 2) - 1));
  const [r, g, b] =
    sector < 1
      ? [chroma, second, 0]
      : sector < 2
        ? [second, chroma, 0]
        : sector < 3
          ? [0, chroma, second]
          : sector < 4
            ? [0, second, chroma]
            : sector < 5
              ? [second, 0, chroma]
              : [chroma, 0, second];
  const base = lightness - chroma / 2;
  return [r, g, b].map((channel) => Math.round((channel + base) * 255)) as [number, number, number];
}
