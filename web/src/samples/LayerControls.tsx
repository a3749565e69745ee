// The overlays' switches: ground truth, each model's inferences (in their layer colours), the confidence
// floor, and TP / FP / FN colouring. Controlled: the page that owns the LayerState keeps it (in its URL).
import { memo, useId } from "react";

import { GROUND_TRUTH_COLOUR, modelColour } from "../overlays/palette";
import { isModelShown, withModel } from "./layerState";
import type { LayerState, ModelRef } from "./types";

export interface LayerControlsProps {
  value: LayerState;
  onChange: (next: LayerState) => void;
  /** The models asked for, in order (the order picks their colours). */
  models: readonly ModelRef[];
  /** One line (above a gallery) rather than a column (beside a sample). */
  compact?: boolean;
}

function Swatch({ colour }: { colour: string }) {
  return <span className="sg-swatch" style={{ background: colour }} aria-hidden="true" />;
}

// Memoised: the gallery re-renders as rows scroll into view, the controls only when their props change.
export const LayerControls = memo(function LayerControls({ value, onChange, models, compact = false }: LayerControlsProps) {
  const sliderId = useId();
  return (
    <fieldset className={`sg-layers${compact ? " compact" : ""}`}>
      <legend>Layers</legend>
      <label>
        <input type="checkbox" checked={value.groundTruth} onChange={(event) => onChange({ ...value, groundTruth: event.target.checked })} />
        <Swatch colour={GROUND_TRUTH_COLOUR} />
        Ground truth
      </label>
      {models.map((model, index) => (
        <label key={model.id}>
          <input
            type="checkbox"
            checked={isModelShown(value, model.id)}
            onChange={(event) => onChange(withModel(value, model.id, event.target.checked))}
          />
          <Swatch colour={modelColour(index)} />
          {model.name}
        </label>
      ))}
      <span className="sg-confidence">
        <label htmlFor={sliderId}>Min confidence</label>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={value.minConfidence}
          onChange={(event) => onChange({ ...value, minConfidence: Number(event.target.value) })}
        />
        <output htmlFor={sliderId} className="num">
          {value.minConfidence.toFixed(2)}
        </output>
      </span>
      <label title="Colour matched (TP) and unmatched (FP, FN) annotations where the evaluator stored matches">
        <input type="checkbox" checked={value.matchColouring} onChange={(event) => onChange({ ...value, matchColouring: event.target.checked })} />
        TP / FP / FN colours
      </label>
    </fieldset>
  );
});
