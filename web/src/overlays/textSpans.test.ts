import { describe, expect, it } from "vitest";

import { buildLayers } from "./layers";
import { textPieces } from "./textSpans";

const TEXT = "Ada Lovelace met Babbage";
const segment = (start: number, end: number, label: string, field = "text") => ({
  text_field: field,
  start,
  end,
  label,
  data_type: "ANNOTATION/TEXT_SEGMENT",
});

const layers = buildLayers({
  groundTruth: { entities: [segment(0, 12, "PER"), segment(17, 24, "PER"), segment(0, 3, "X", "title")] },
  models: [{ id: 2, name: "ner", inference: { entities: [segment(4, 12, "PER"), segment(17, 99, "ORG")] } }],
});

describe("textPieces", () => {
  it("cuts the text at every boundary and lists what covers each piece", () => {
    const pieces = textPieces(TEXT, "text", layers, { minConfidence: 0, matchColouring: true });
    expect(pieces.map((p) => [p.text, p.covers.map((c) => `${c.layerId}:${(c.annotation.value as { label: string }).label}`)])).toEqual([
      ["Ada ", ["gt:PER"]],
      ["Lovelace", ["gt:PER", "model:2:PER"]],
      [" met ", []],
      ["Babbage", ["gt:PER", "model:2:ORG"]],
    ]);
    expect(pieces.map((p) => p.text).join("")).toBe(TEXT);
  });

  it("gives the whole text one bare piece without segments on the field", () => {
    expect(textPieces(TEXT, "body", layers, { minConfidence: 0, matchColouring: true })).toEqual([
      { start: 0, end: TEXT.length, text: TEXT, covers: [] },
    ]);
  });

  it("leaves out switched-off layers", () => {
    const hidden = layers.map((l) => ({ ...l, visible: l.id !== "gt" }));
    const pieces = textPieces(TEXT, "text", hidden, { minConfidence: 0, matchColouring: true });
    expect(pieces.filter((p) => p.covers.length > 0).map((p) => p.text)).toEqual(["Lovelace", "Babbage"]);
  });
});
