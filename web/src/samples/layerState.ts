// The overlays' state (LayerState) as one URL param, so pages that own it keep it in the URL:
// `?layers=-gt,-m3,c0.5,tpfp` hides the ground truth and model 3, draws scores from 0.5 up, colours matches.
// The default (everything shown, no floor, plain colours) is no param at all.
import type { UrlCodec } from "../useUrlState";
import { DEFAULT_LAYERS, type LayerState } from "./types";

function tokens(state: LayerState): string[] {
  const out: string[] = [];
  if (!state.groundTruth) out.push("-gt");
  for (const id of [...state.hiddenModels].sort((a, b) => a - b)) out.push(`-m${id}`);
  if (state.minConfidence > 0) out.push(`c${Number(state.minConfidence.toFixed(3))}`);
  if (state.matchColouring) out.push("tpfp");
  return out;
}

export function parseLayers(raw: string | undefined | null): LayerState {
  if (!raw) return DEFAULT_LAYERS;
  let groundTruth = true;
  const hidden = new Set<number>();
  let minConfidence = 0;
  let matchColouring = false;
  for (const token of raw.split(",")) {
    const part = token.trim();
    if (part === "-gt") groundTruth = false;
    else if (part === "tpfp") matchColouring = true;
    else if (/^-m\d+$/.test(part)) hidden.add(Number(part.slice(2)));
    else if (/^c\d*\.?\d+$/.test(part)) minConfidence = Math.max(0, Math.min(1, Number(part.slice(1))));
  }
  return { groundTruth, hiddenModels: [...hidden].sort((a, b) => a - b), minConfidence, matchColouring };
}

export function formatLayers(state: LayerState): string {
  return tokens(state).join(",");
}

/** For `useUrlState("layers", urlLayers)`. */
export const urlLayers: UrlCodec<LayerState> = {
  parse: (values) => parseLayers(values[0]),
  format: (value) => {
    const text = formatLayers(value);
    return text ? [text] : [];
  },
};

export function isModelShown(state: LayerState, modelId: number): boolean {
  return !state.hiddenModels.includes(modelId);
}

/** The state with one model shown or hidden. */
export function withModel(state: LayerState, modelId: number, shown: boolean): LayerState {
  const hidden = state.hiddenModels.filter((id) => id !== modelId);
  return { ...state, hiddenModels: shown ? hidden : [...hidden, modelId].sort((a, b) => a - b) };
}
