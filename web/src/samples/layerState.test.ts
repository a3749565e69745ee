import { describe, expect, it } from "vitest";

import { formatLayers, isModelShown, parseLayers, urlLayers, withModel } from "./layerState";
import { DEFAULT_LAYERS, type LayerState } from "./types";

describe("layer state in the URL", () => {
  it("leaves the default out", () => {
    expect(urlLayers.format(DEFAULT_LAYERS)).toEqual([]);
    expect(urlLayers.parse([])).toEqual(DEFAULT_LAYERS);
  });

  it("round-trips every switch", () => {
    const state: LayerState = { groundTruth: false, hiddenModels: [7, 3], minConfidence: 0.45, matchColouring: true };
    const text = formatLayers(state);
    expect(text).toBe("-gt,-m3,-m7,c0.45,tpfp");
    expect(parseLayers(text)).toEqual({ ...state, hiddenModels: [3, 7] });
  });

  it("ignores what it does not know and clamps the confidence", () => {
    expect(parseLayers("junk,-mx,c7,tpfp")).toEqual({ ...DEFAULT_LAYERS, minConfidence: 1, matchColouring: true });
  });

  it("shows and hides models", () => {
    const hidden = withModel(DEFAULT_LAYERS, 4, false);
    expect(isModelShown(hidden, 4)).toBe(false);
    expect(isModelShown(hidden, 5)).toBe(true);
    expect(withModel(hidden, 4, true).hiddenModels).toEqual([]);
  });
});
