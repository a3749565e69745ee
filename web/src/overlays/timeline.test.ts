import { describe, expect, it } from "vitest";

import { buildLayers } from "./layers";
import { timelineRows } from "./timeline";

const segment = (start: number, end: number, extra: Record<string, unknown> = {}) => ({
  start,
  end,
  ...extra,
  data_type: "ANNOTATION/TIME_SEGMENT",
});

const layers = buildLayers({
  groundTruth: { speech: [segment(0, 5, { label: "speech" }), segment(15, 20, { group: "music" })] },
  models: [
    { id: 1, name: "vad", inference: { speech: [segment(1, 6, { score: 0.9 }), segment(18, 30, { score: 0.2 })] } },
    { id: 2, name: "none", inference: {} },
  ],
});
const OPTIONS = { minConfidence: 0, matchColouring: true };

describe("timelineRows", () => {
  it("places each layer's segments as fractions of the duration, clipped to it", () => {
    const rows = timelineRows(layers, OPTIONS, 20);
    expect(rows.map((r) => r.layerId)).toEqual(["gt", "model:1"]);
    expect(rows[0].bars.map(({ left, width, group }) => ({ left, width, group }))).toEqual([
      { left: 0, width: 0.25, group: undefined },
      { left: 0.75, width: 0.25, group: "music" },
    ]);
    expect(rows[1].bars[1]).toMatchObject({ left: 0.9, title: "[18.00 s, 30.00 s) 0.20" });
    expect(rows[1].bars[1].width).toBeCloseTo(0.1, 12);
  });

  it("takes the longest end as the duration when none is given, and follows the slider", () => {
    const rows = timelineRows(layers, { ...OPTIONS, minConfidence: 0.5 });
    expect(rows[1].bars).toHaveLength(1);
    expect(rows[0].bars[1].left).toBeCloseTo(15 / 20);
    expect(timelineRows(layers, OPTIONS)[0].bars[1].left).toBeCloseTo(15 / 30);
  });
});
