import { describe, expect, it } from "vitest";

import { containView, panView, toCanvasPoint, toImagePoint, zoomView } from "./view";

describe("containView", () => {
  it("fits a wide image to the box's width and centres it vertically", () => {
    expect(containView(400, 200, 200, 200)).toEqual({ scale: 0.5, offsetX: 0, offsetY: 50 });
  });

  it("fits a tall image to the box's height and centres it horizontally", () => {
    expect(containView(100, 400, 300, 200)).toEqual({ scale: 0.5, offsetX: 125, offsetY: 0 });
  });

  it("scales a small image up to fill the box", () => {
    expect(containView(50, 50, 200, 100)).toEqual({ scale: 2, offsetX: 50, offsetY: 0 });
  });

  it("gives scale 0 to an image or box without area", () => {
    expect(containView(0, 100, 200, 200).scale).toBe(0);
    expect(containView(100, 100, 0, 200).scale).toBe(0);
    expect(containView(Number.NaN, 100, 200, 200).scale).toBe(0);
  });
});

describe("toCanvasPoint", () => {
  it("scales then offsets, and toImagePoint undoes it", () => {
    const view = { scale: 2, offsetX: 10, offsetY: -5 };
    expect(toCanvasPoint(3, 4, view)).toEqual([16, 3]);
    expect(toImagePoint(16, 3, view)).toEqual([3, 4]);
  });

  it("puts an image's corners on the contained image's edges", () => {
    const view = containView(128, 128, 256, 200);
    expect(toCanvasPoint(0, 0, view)).toEqual([28, 0]);
    expect(toCanvasPoint(128, 128, view)).toEqual([228, 200]);
  });
});

describe("zoomView and panView", () => {
  it("keeps the point under the cursor fixed while zooming", () => {
    const view = { scale: 1, offsetX: 20, offsetY: 30 };
    const zoomed = zoomView(view, 2, 120, 80);
    const before = toImagePoint(120, 80, view);
    expect(toCanvasPoint(before[0], before[1], zoomed)).toEqual([120, 80]);
    expect(zoomed.scale).toBe(2);
  });

  it("moves the offsets only", () => {
    expect(panView({ scale: 3, offsetX: 1, offsetY: 2 }, 10, -4)).toEqual({ scale: 3, offsetX: 11, offsetY: -2 });
  });
});
