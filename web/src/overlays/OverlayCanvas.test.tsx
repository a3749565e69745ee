import { act, render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { buildLayers } from "./layers";
import { MaskImageStore } from "./maskImages";
import { OverlayCanvas, backingSize } from "./OverlayCanvas";
import { modelColour } from "./palette";
import { keypointPixels } from "./probes";
import { KEYPOINT_RADIUS } from "./renderers/keypoints";
import type { LoadedImage } from "./renderers/types";
import { KEYPOINT_GROUND_TRUTH, KEYPOINT_INFERENCE, KEYPOINT_SCHEMA } from "./testing/fixtures";
import { RecordingContext } from "./testing/recordingContext";

const OPTIONS = { minConfidence: 0, matchColouring: true };
const layers = buildLayers({
  schema: KEYPOINT_SCHEMA,
  groundTruth: KEYPOINT_GROUND_TRUTH,
  models: [{ id: 1, name: "a", inference: KEYPOINT_INFERENCE }],
});

let contexts: RecordingContext[];

beforeEach(() => {
  contexts = [];
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(function (this: HTMLCanvasElement) {
    const context = new RecordingContext();
    contexts.push(context);
    return context as unknown as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext);
});

afterEach(() => {
  vi.unstubAllGlobals();
  Object.defineProperty(window, "devicePixelRatio", { configurable: true, value: 1 });
});

function canvasOf(container: HTMLElement): HTMLCanvasElement {
  const canvas = container.querySelector<HTMLCanvasElement>('[data-testid="overlay-canvas"]');
  if (canvas === null) throw new Error("no overlay canvas");
  return canvas;
}

describe("OverlayCanvas", () => {
  it("draws the layers contained in its box and says how many annotations it drew", () => {
    const { container } = render(
      <OverlayCanvas width={256} height={200} naturalWidth={128} naturalHeight={128} layers={layers} options={OPTIONS} />,
    );
    const canvas = canvasOf(container);
    expect(canvas.dataset.annotations).toBe("2");
    expect(JSON.parse(canvas.dataset.view ?? "")).toEqual({ scale: 200 / 128, offsetX: 28, offsetY: 0, dpr: 1 });
    expect(JSON.parse(canvas.dataset.layers ?? "")).toEqual([
      { id: "gt", colour: "#0891b2", visible: true },
      { id: "model:1", colour: modelColour(0), visible: true },
    ]);
    const ctx = contexts.at(-1) as RecordingContext;
    const discs = ctx.filledArcs().filter((d) => d.radius === KEYPOINT_RADIUS);
    const [x, y] = KEYPOINT_INFERENCE.keypoints.points[2];
    expect(discs).toContainEqual(expect.objectContaining({ x: 28 + x * (200 / 128), y: y * (200 / 128), fillStyle: modelColour(0) }));
  });

  it("sizes its backing store by the device pixel ratio and scales the context to match", () => {
    Object.defineProperty(window, "devicePixelRatio", { configurable: true, value: 2 });
    const { container } = render(
      <OverlayCanvas width={100} height={50} naturalWidth={100} naturalHeight={50} layers={layers} options={OPTIONS} />,
    );
    const canvas = canvasOf(container);
    expect([canvas.width, canvas.height]).toEqual([200, 100]);
    expect(canvas.style.width).toBe("100px");
    const ctx = contexts.at(-1) as RecordingContext;
    expect(ctx.ops("setTransform").map((c) => c.args)).toEqual([
      [1, 0, 0, 1, 0, 0],
      [2, 0, 0, 2, 0, 0],
    ]);
    expect(ctx.ops("clearRect")[0].args).toEqual([0, 0, 200, 100]);
  });

  it("follows the device pixel ratio when the window moves to another screen", () => {
    const listeners: (() => void)[] = [];
    const queries: string[] = [];
    vi.stubGlobal("matchMedia", (query: string) => {
      queries.push(query);
      return {
        addEventListener: (_: string, listener: () => void) => listeners.push(listener),
        removeEventListener: () => undefined,
      };
    });
    const { container } = render(
      <OverlayCanvas width={100} height={50} naturalWidth={100} naturalHeight={50} layers={layers} options={OPTIONS} />,
    );
    expect(canvasOf(container).width).toBe(100);
    expect(queries).toEqual(["(resolution: 1dppx)"]);
    Object.defineProperty(window, "devicePixelRatio", { configurable: true, value: 3 });
    act(() => listeners.forEach((listener) => listener()));
    expect([canvasOf(container).width, canvasOf(container).height]).toEqual([300, 150]);
    expect(JSON.parse(canvasOf(container).dataset.view ?? "").dpr).toBe(3);
  });

  it("redraws when the props change", () => {
    const { container, rerender } = render(
      <OverlayCanvas width={100} height={100} naturalWidth={100} naturalHeight={100} layers={layers} options={OPTIONS} />,
    );
    const hidden = layers.map((layer) => (layer.id === "gt" ? { ...layer, visible: false } : layer));
    rerender(
      <OverlayCanvas width={100} height={100} naturalWidth={100} naturalHeight={100} layers={hidden} options={OPTIONS} />,
    );
    expect(canvasOf(container).dataset.annotations).toBe("1");
    rerender(
      <OverlayCanvas
        width={100}
        height={100}
        naturalWidth={100}
        naturalHeight={100}
        layers={hidden}
        options={{ ...OPTIONS, minConfidence: 0.9 }}
      />,
    );
    expect(canvasOf(container).dataset.annotations).toBe("0");
    expect(canvasOf(container).dataset.hidden).toBe("1");
  });

  it("takes an explicit view for zoom and pan", () => {
    const view = { scale: 3, offsetX: -10, offsetY: 5 };
    render(<OverlayCanvas width={100} height={100} naturalWidth={100} naturalHeight={100} layers={layers} options={OPTIONS} view={view} />);
    const ctx = contexts.at(-1) as RecordingContext;
    const [x, y] = KEYPOINT_GROUND_TRUTH.keypoints.points[0];
    expect(ctx.filledArcs()).toContainEqual(expect.objectContaining({ x: -10 + 3 * x, y: 5 + 3 * y, radius: KEYPOINT_RADIUS }));
  });

  it("redraws with a mask once its image arrives", async () => {
    let resolve: (image: LoadedImage) => void = () => undefined;
    const store = new MaskImageStore(() => new Promise((r) => (resolve = r)));
    const masked = buildLayers({ groundTruth: { mask: { locator: "s3://b/m.png", data_type: "ANNOTATION/BITMAP_MASK" } }, models: [] });
    const { container } = render(
      <OverlayCanvas width={64} height={64} naturalWidth={32} naturalHeight={32} layers={masked} options={OPTIONS} masks={store} />,
    );
    expect(canvasOf(container).dataset.pending).toBe("1");
    const source = {} as CanvasImageSource;
    resolve({ source, width: 32, height: 32 });
    await vi.waitFor(() => expect(canvasOf(container).dataset.annotations).toBe("1"));
    const ctx = contexts.at(-1) as RecordingContext;
    expect(ctx.ops("drawImage")[0].args.slice(0, 5)).toEqual([source, 0, 0, 64, 64]);
  });
});

describe("keypointPixels", () => {
  it("gives each drawn keypoint's device pixel and its layer's colour", () => {
    const view = { scale: 1.5, offsetX: 4, offsetY: 0 };
    const pixels = keypointPixels(layers, view, OPTIONS, 2);
    expect(pixels).toHaveLength(10);
    const [x, y] = KEYPOINT_INFERENCE.keypoints.points[4];
    expect(pixels[9]).toMatchObject({
      layerId: "model:1",
      path: "keypoints",
      index: 4,
      deviceX: Math.floor((4 + 1.5 * x) * 2),
      deviceY: Math.floor(1.5 * y * 2),
      colour: modelColour(0),
      covered: false,
    });
    // The truth's points lie under the model's, a pixel or two away.
    expect(pixels.slice(0, 5).every((p) => p.covered)).toBe(true);
    expect(keypointPixels(layers, view, { ...OPTIONS, minConfidence: 0.9 })).toHaveLength(5);
  });
});

describe("backingSize", () => {
  it("rounds to whole device pixels and never goes below one", () => {
    expect(backingSize(100.4, 50, 1.5)).toEqual({ width: 151, height: 75 });
    expect(backingSize(0, 0, 2)).toEqual({ width: 1, height: 1 });
  });
});
