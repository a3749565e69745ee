import { describe, expect, it } from "vitest";

import { colourClassMap } from "./classMap";
import { classRgb } from "./palette";

describe("colourClassMap", () => {
  it("colours each class value, clears the background and keeps clear pixels clear", () => {
    // Four grey pixels as a decoder returns them: values 0, 1, 7, and a transparent 3.
    const pixels = new Uint8ClampedArray([0, 0, 0, 255, 1, 1, 1, 255, 7, 7, 7, 255, 3, 3, 3, 0]);
    colourClassMap(pixels);
    expect(Array.from(pixels.slice(0, 4))[3]).toBe(0);
    expect(Array.from(pixels.slice(4, 8))).toEqual([...classRgb(1), 255]);
    expect(Array.from(pixels.slice(8, 12))).toEqual([...classRgb(7), 255]);
    expect(pixels[15]).toBe(0);
  });
});
