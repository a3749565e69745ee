import { describe, expect, it } from "vitest";

import type { DrawOptions } from "./draw";
import { DIMMED_ALPHA, FN_DASH, countShown, drawLayers, styleOf } from "./draw";
import { buildLayers } from "./layers";
import { GROUND_TRUTH_COLOUR, MATCH_COLOURS, modelColour } from "./palette";
import { KEYPOINT_RADIUS } from "./renderers/keypoints";
import {
  DETECTION_GROUND_TRUTH,
  DETECTION_INFERENCE,
  DETECTION_METRICS,
  KEYPOINT_GROUND_TRUTH,
  KEYPOINT_INFERENCE,
  KEYPOINT_METRICS,
  KEYPOINT_SAMPLE,
  KEYPOINT_SCHEMA,
} from "./testing/fixtures";
import { RecordingContext } from "./testing/recordingContext";
import type { View } from "./view";

const OPTIONS: DrawOptions = { minConfidence: 0, matchColouring: true };
const VIEW: View = { scale: 2, offsetX: 10, offsetY: 20 };

function keypointLayers(hidden: ("gt" | `model:${number}`)[] = []) {
  return buildLayers({
    schema: KEYPOINT_SCHEMA,
    sample: KEYPOINT_SAMPLE,
    groundTruth: KEYPOINT_GROUND_TRUTH,
    models: [{ id: 7, name: "model a", inference: KEYPOINT_INFERENCE, metrics: KEYPOINT_METRICS }],
    hidden,
  });
}

function detectionLayers() {
  return buildLayers({
    groundTruth: DETECTION_GROUND_TRUTH,
    models: [{ id: 3, name: "detector", inference: DETECTION_INFERENCE, metrics: DETECTION_METRICS }],
  });
}

describe("drawLayers: keypoints", () => {
  it("fills an opaque disc of the layer's colour at each keypoint's scaled position", () => {
    const ctx = new RecordingContext();
    drawLayers(ctx, keypointLayers(["gt"]), VIEW, OPTIONS);
    const discs = ctx.filledArcs().filter((d) => d.radius === KEYPOINT_RADIUS);
    expect(discs.map((d) => [d.x, d.y])).toEqual(
      KEYPOINT_INFERENCE.keypoints.points.map(([x, y]) => [10 + 2 * x, 20 + 2 * y]),
    );
    for (const disc of discs) {
      expect(disc.fillStyle).toBe(modelColour(0));
      expect(disc.globalAlpha).toBe(1);
    }
  });

  it("draws the ring under the disc, so the disc's centre is the layer's colour alone", () => {
    const ctx = new RecordingContext();
    drawLayers(ctx, keypointLayers(["model:7"]), VIEW, OPTIONS);
    const arcs = ctx.filledArcs();
    const [x, y] = KEYPOINT_GROUND_TRUTH.keypoints.points[0];
    const atFirst = arcs.filter((a) => a.x === 10 + 2 * x && a.y === 20 + 2 * y);
    expect(atFirst.map((a) => a.radius)).toEqual([KEYPOINT_RADIUS + 1.5, KEYPOINT_RADIUS]);
    expect(atFirst[1].fillStyle).toBe(GROUND_TRUTH_COLOUR);
  });

  it("draws the ground truth first and models over it, and the test sample's box in the truth layer", () => {
    const ctx = new RecordingContext();
    const stats = drawLayers(ctx, keypointLayers(), VIEW, OPTIONS);
    expect(stats).toEqual({ drawn: 3, hidden: 0, listed: 0, pending: 0 });
    const discColours = ctx
      .filledArcs()
      .filter((d) => d.radius === KEYPOINT_RADIUS)
      .map((d) => d.fillStyle);
    expect(discColours).toEqual([...Array(5).fill(GROUND_TRUTH_COLOUR), ...Array(5).fill(modelColour(0))]);
    const [x, y, width, height] = ctx.ops("rect")[0].args as number[];
    expect([x, y]).toEqual([10 + 2 * 20.65, 20 + 2 * 14.63]);
    expect(width).toBeCloseTo(2 * (100.6 - 20.65), 9);
    expect(height).toBeCloseTo(2 * (113.54 - 14.63), 9);
  });

  it("hides an inference under the confidence threshold (its top-level confidence) but never the truth", () => {
    const ctx = new RecordingContext();
    const stats = drawLayers(ctx, keypointLayers(), VIEW, { ...OPTIONS, minConfidence: 0.6 });
    expect(stats).toMatchObject({ drawn: 2, hidden: 1 });
    expect(ctx.filledArcs().filter((d) => d.radius === KEYPOINT_RADIUS)).toHaveLength(5);
  });

  it("draws nothing while the image has no area on the canvas", () => {
    const ctx = new RecordingContext();
    const stats = drawLayers(ctx, keypointLayers(), { scale: 0, offsetX: 0, offsetY: 0 }, OPTIONS);
    expect(stats).toEqual({ drawn: 0, hidden: 0, listed: 0, pending: 3 });
    expect(ctx.calls).toHaveLength(0);
  });

  it("draws nothing of a layer switched off", () => {
    const ctx = new RecordingContext();
    const stats = drawLayers(ctx, keypointLayers(["gt", "model:7"]), VIEW, OPTIONS);
    expect(stats.drawn).toBe(0);
    expect(ctx.ops("arc")).toHaveLength(0);
  });
});

describe("drawLayers: boxes and match colouring", () => {
  it("outlines TP, FP and missed truth in the match colours, FN dashed, and the rest in the layer's", () => {
    const ctx = new RecordingContext();
    const layers = detectionLayers();
    const stats = drawLayers(ctx, [{ ...layers[0], visible: false }, layers[1]], { scale: 1, offsetX: 0, offsetY: 0 }, OPTIONS);
    // TP, FP, the unlisted low-score box, and the missed person (Confused repeats it: drawn once).
    expect(stats.drawn).toBe(4);
    const strokes = ctx.ops("stroke").filter((s) => s.strokeStyle.startsWith("#"));
    expect(strokes.map((s) => s.strokeStyle)).toEqual([MATCH_COLOURS.TP, MATCH_COLOURS.FP, modelColour(0), MATCH_COLOURS.FN]);
    expect(strokes[3].lineDash).toEqual([...FN_DASH]);
    expect(strokes[0].lineDash).toEqual([]);
  });

  it("uses the layer's colour and leaves missed truth out without match colouring", () => {
    const ctx = new RecordingContext();
    const layers = detectionLayers();
    const stats = drawLayers(ctx, [layers[1]], { scale: 1, offsetX: 0, offsetY: 0 }, { ...OPTIONS, matchColouring: false });
    expect(stats.drawn).toBe(3);
    const strokes = ctx.ops("stroke").filter((s) => s.strokeStyle.startsWith("#"));
    expect(new Set(strokes.map((s) => s.strokeStyle))).toEqual(new Set([modelColour(0)]));
  });

  it("writes each box's label and score on a chip of its outline's colour", () => {
    const ctx = new RecordingContext();
    drawLayers(ctx, [detectionLayers()[1]], { scale: 1, offsetX: 0, offsetY: 0 }, OPTIONS);
    expect(ctx.ops("fillText").map((c) => c.args[0])).toEqual(["car 0.90", "car 0.30", "car 0.05", "person"]);
    const chips = ctx.ops("fillRect");
    expect(chips[0].fillStyle).toBe(MATCH_COLOURS.TP);
    // The TP box's top is at y=11, below a chip's height: the chip sits inside the box's top edge.
    expect(chips[0].args.slice(0, 2)).toEqual([11, 11]);
  });

  it("writes no text when asked not to", () => {
    const ctx = new RecordingContext();
    drawLayers(ctx, detectionLayers(), { scale: 1, offsetX: 0, offsetY: 0 }, { ...OPTIONS, showText: false });
    expect(ctx.ops("fillText")).toHaveLength(0);
  });

  it("hides boxes below the threshold by their own score", () => {
    const ctx = new RecordingContext();
    const stats = drawLayers(ctx, detectionLayers(), { scale: 1, offsetX: 0, offsetY: 0 }, { ...OPTIONS, minConfidence: 0.5 });
    // Truth: 2 boxes; model: the TP and the missed person (no score); the FP (0.3) and the 0.05 box hidden.
    expect(stats).toMatchObject({ drawn: 4, hidden: 2 });
    expect(countShown(detectionLayers(), { ...OPTIONS, minConfidence: 0.5 })).toEqual(stats);
  });

  it("dims everything but the highlighted annotation, which gets a wider line", () => {
    const layers = detectionLayers();
    const options = { ...OPTIONS, highlight: { layerId: "model:3" as const, path: "bboxes[1]" } };
    const [tp, fp] = layers[1].annotations;
    expect(styleOf(fp, layers[1], options)).toMatchObject({ alpha: 1, lineWidth: 3.5 });
    expect(styleOf(tp, layers[1], options)).toMatchObject({ alpha: DIMMED_ALPHA, lineWidth: 2 });
    expect(styleOf(layers[0].annotations[0], layers[0], options).alpha).toBe(DIMMED_ALPHA);
  });

  it("draws masks under every layer's shapes and corner tags over them", () => {
    const ctx = new RecordingContext();
    const layers = buildLayers({
      groundTruth: { tag: { label: "street", data_type: "ANNOTATION/LABEL" }, box: DETECTION_GROUND_TRUTH.bboxes[0] },
      models: [{ id: 1, name: "m", inference: { heat: { locator: "h.png", data_type: "ANNOTATION/BITMAP_MASK" } } }],
    });
    const image = { source: {} as CanvasImageSource, width: 10, height: 10 };
    drawLayers(ctx, layers, { scale: 1, offsetX: 0, offsetY: 0 }, { ...OPTIONS, images: () => image });
    const order = ctx.calls.map((c) => c.op).filter((op) => ["drawImage", "rect", "fillText"].includes(op));
    expect(order).toEqual(["drawImage", "rect", "rect", "fillText", "fillText"]);
    expect(ctx.ops("fillText").map((c) => c.args[0])).toEqual(["car", "street"]);
  });

  it("draws a layer's five most confident tags and sums up the rest", () => {
    const ctx = new RecordingContext();
    const scores = [0.1, 0.9, 0.3, 0.8, 0.05, 0.7, 0.6, 0.2];
    const labels = scores.map((score, i) => ({ label: `c${i}`, score, data_type: "ANNOTATION/LABEL" }));
    const layers = buildLayers({ models: [{ id: 1, name: "cls", inference: { labels } }] });
    const stats = drawLayers(ctx, layers, { scale: 1, offsetX: 0, offsetY: 0 }, { ...OPTIONS, minConfidence: 0.08 });
    expect(ctx.ops("fillText").map((c) => c.args[0])).toEqual([
      "c1 0.90",
      "c3 0.80",
      "c5 0.70",
      "c6 0.60",
      "c2 0.30",
      "+2 more",
    ]);
    expect(stats).toMatchObject({ drawn: 5, listed: 2, hidden: 1 });
    expect(countShown(layers, { ...OPTIONS, minConfidence: 0.08 })).toEqual(stats);
  });

  it("brackets each annotation in save/restore", () => {
    const ctx = new RecordingContext();
    drawLayers(ctx, detectionLayers(), { scale: 1, offsetX: 0, offsetY: 0 }, OPTIONS);
    expect(ctx.ops("save")).toHaveLength(ctx.ops("restore").length);
    expect(ctx.ops("save")).toHaveLength(6);
  });
});
