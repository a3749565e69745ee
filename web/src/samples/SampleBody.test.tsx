import { act, fireEvent, render, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { type BodySample, SampleBody } from "./SampleBody";
import { installPointerEvents, stubCanvas } from "./testSupport";
import { DEFAULT_LAYERS, type LayerState } from "./types";

function sample(overrides: Partial<BodySample>): BodySample {
  return {
    key: "s1",
    data_type: null,
    locator: null,
    data: {},
    ground_truth: null,
    inferences: {},
    metrics: {},
    ...overrides,
  };
}

const MODELS = [{ id: 1, name: "model A" }];

function renderBody(body: BodySample, layers: LayerState = DEFAULT_LAYERS) {
  return render(<SampleBody sample={body} layers={layers} models={MODELS} schema={null} />);
}

const layersOf = (canvas: HTMLElement) => JSON.parse(canvas.dataset.layers ?? "[]") as { id: string; visible: boolean }[];
const viewOf = (canvas: HTMLElement) => JSON.parse(canvas.dataset.view ?? "{}") as { scale: number; offsetX: number; offsetY: number };

beforeEach(() => {
  stubCanvas();
  installPointerEvents();
  // The viewer's box is 800 × 600 (jsdom lays nothing out).
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockImplementation(function (this: HTMLElement) {
    return this.classList.contains("sd-viewer") ? 800 : 0;
  });
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
    return this.classList.contains("sd-viewer") ? 600 : 0;
  });
});

describe("a sample's body, by data type", () => {
  const image = sample({
    key: "face.png",
    data_type: "TEST_SAMPLE/IMAGE",
    locator: "/data/face.png",
    width: 1600,
    height: 1200,
    data: { locator: "/data/face.png", data_type: "TEST_SAMPLE/IMAGE" },
    ground_truth: { keypoints: { points: [[100, 200]], data_type: "ANNOTATION/KEYPOINTS" } },
    inferences: { "1": { keypoints: { points: [[110, 190]], data_type: "ANNOTATION/KEYPOINTS" } } },
  });

  it("shows an image at full resolution with every layer on its canvas", () => {
    renderBody(image);
    const img = screen.getByTestId("sample-image");
    expect(img).toHaveAttribute("src", "/api/v1/app/assets/file?locator=%2Fdata%2Fface.png");
    const canvas = screen.getByTestId("sample-canvas");
    expect(layersOf(canvas)).toEqual([
      expect.objectContaining({ id: "gt", visible: true }),
      expect.objectContaining({ id: "model:1", visible: true }),
    ]);
    expect(canvas).toHaveAttribute("data-annotations", "2");
    // Fitted: 1600 × 1200 in 800 × 600 is half size.
    expect(viewOf(canvas)).toMatchObject({ scale: 0.5, offsetX: 0, offsetY: 0 });
    expect(screen.getByRole("status", { name: "Zoom level" })).toHaveTextContent("50%");
  });

  it("switches layers off as the layer state says", () => {
    renderBody(image, { ...DEFAULT_LAYERS, hiddenModels: [1] });
    expect(layersOf(screen.getByTestId("sample-canvas"))).toEqual([
      expect.objectContaining({ id: "gt", visible: true }),
      expect.objectContaining({ id: "model:1", visible: false }),
    ]);
    expect(screen.getByTestId("sample-canvas")).toHaveAttribute("data-annotations", "1");
  });

  it("zooms with the buttons and the wheel, and pans by dragging, image and layers together", () => {
    renderBody(image);
    const canvas = () => screen.getByTestId("sample-canvas");
    const zoom = () => screen.getByRole("status", { name: "Zoom level" });
    fireEvent.click(screen.getByRole("button", { name: "Zoom in" }));
    expect(zoom()).toHaveTextContent("63%");
    // About the box's centre: the centre's image point stays put.
    expect(viewOf(canvas())).toMatchObject({ scale: 0.625, offsetX: 400 - 400 * 1.25, offsetY: 300 - 300 * 1.25 });
    fireEvent.click(screen.getByRole("button", { name: "1:1" }));
    expect(zoom()).toHaveTextContent("100%");
    fireEvent.click(screen.getByRole("button", { name: "Fit" }));
    expect(viewOf(canvas())).toMatchObject({ scale: 0.5, offsetX: 0, offsetY: 0 });

    const viewer = screen.getByTestId("sample-viewer");
    viewer.getBoundingClientRect = () => ({ left: 0, top: 0, width: 800, height: 600, right: 800, bottom: 600, x: 0, y: 0, toJSON: () => ({}) });
    act(() => {
      viewer.dispatchEvent(new WheelEvent("wheel", { deltaY: -200, clientX: 0, clientY: 0, bubbles: true, cancelable: true }));
    });
    const zoomed = viewOf(canvas());
    expect(zoomed.scale).toBeGreaterThan(0.5);
    // About the pointer at the top-left corner, which stays where it is.
    expect(zoomed.offsetX).toBeCloseTo(0);

    fireEvent.pointerDown(viewer, { button: 0, clientX: 100, clientY: 100, pointerId: 1 });
    fireEvent.pointerMove(viewer, { clientX: 130, clientY: 90, pointerId: 1 });
    fireEvent.pointerUp(viewer, { pointerId: 1 });
    expect(viewOf(canvas())).toMatchObject({ scale: zoomed.scale, offsetX: zoomed.offsetX + 30, offsetY: zoomed.offsetY - 10 });
    const img = screen.getByTestId("sample-image");
    expect(img.style.transform).toBe(`translate(${zoomed.offsetX + 30}px, ${zoomed.offsetY - 10}px) scale(${zoomed.scale})`);
  });

  it("shows a text as text with its segments highlighted", () => {
    renderBody(
      sample({
        data_type: "TEST_SAMPLE/TEXT",
        data: { text: "Ship it to Paris today", data_type: "TEST_SAMPLE/TEXT" },
        ground_truth: { spans: [{ text_field: "text", start: 11, end: 16, label: "city", data_type: "ANNOTATION/TEXT_SEGMENT" }] },
        inferences: {
          "1": { spans: [{ text_field: "text", start: 11, end: 22, label: "city", score: 0.4, data_type: "ANNOTATION/TEXT_SEGMENT" }] },
        },
      }),
    );
    const text = screen.getByTestId("sample-text");
    expect(text).toHaveTextContent("Ship it to Paris today");
    const marks = text.querySelectorAll("mark");
    expect([...marks].map((mark) => [mark.textContent, mark.title])).toEqual([
      ["Paris", "Ground truth · city\nmodel A · city · 0.40"],
      [" today", "model A · city · 0.40"],
    ]);
    expect(screen.queryByTestId("sample-canvas")).toBeNull();
  });

  it("drops highlights below the confidence floor", () => {
    renderBody(
      sample({
        data: { text: "Ship it to Paris", data_type: "TEST_SAMPLE/TEXT" },
        inferences: { "1": { spans: [{ text_field: "text", start: 11, end: 16, score: 0.4, data_type: "ANNOTATION/TEXT_SEGMENT" }] } },
      }),
      { ...DEFAULT_LAYERS, minConfidence: 0.5 },
    );
    expect(screen.getByTestId("sample-text").querySelectorAll("mark")).toHaveLength(0);
  });

  it("shows an image pair side by side, each with its own layers", () => {
    renderBody(
      sample({
        data_type: "TEST_SAMPLE/COMPOSITE",
        data: {
          left: { locator: "/d/l.png", data_type: "TEST_SAMPLE/IMAGE" },
          right: { locator: "/d/r.png", data_type: "TEST_SAMPLE/IMAGE" },
          data_type: "TEST_SAMPLE/COMPOSITE",
        },
        ground_truth: {
          left: { box: { top_left: [0, 0], bottom_right: [5, 5], data_type: "ANNOTATION/BOUNDING_BOX" } },
          right: { boxes: [] },
        },
      }),
    );
    const left = screen.getByRole("region", { name: "left" });
    const right = screen.getByRole("region", { name: "right" });
    expect(within(left).getByRole("heading", { name: "left" })).toBeInTheDocument();
    const leftImage = within(left).getByTestId("sample-image");
    const rightImage = within(right).getByTestId("sample-image-right");
    expect(leftImage).toHaveAttribute("src", "/api/v1/app/assets/file?locator=%2Fd%2Fl.png");
    expect(rightImage).toHaveAttribute("src", "/api/v1/app/assets/file?locator=%2Fd%2Fr.png");
    // Sizes come from the files themselves here.
    for (const [img, size] of [
      [leftImage, [40, 30]],
      [rightImage, [20, 10]],
    ] as const) {
      Object.defineProperty(img, "naturalWidth", { value: size[0] });
      Object.defineProperty(img, "naturalHeight", { value: size[1] });
      fireEvent.load(img);
    }
    expect(within(left).getByTestId("sample-canvas")).toHaveAttribute("data-annotations", "1");
    expect(within(right).getByTestId("sample-canvas-right")).toHaveAttribute("data-annotations", "0");
  });

  it("plays audio and video, and links other files", () => {
    const { unmount } = renderBody(sample({ data_type: "TEST_SAMPLE/AUDIO", locator: "/a/x.wav", data: { locator: "/a/x.wav" } }));
    expect(screen.getByTestId("sample-audio")).toHaveAttribute("src", "/api/v1/app/assets/file?locator=%2Fa%2Fx.wav");
    unmount();
    const video = renderBody(
      sample({
        data_type: "TEST_SAMPLE/VIDEO",
        locator: "/v/c.mp4",
        data: { locator: "/v/c.mp4", thumbnail: { locator: "/v/c.jpg", data_type: "ASSET/IMAGE" }, data_type: "TEST_SAMPLE/VIDEO" },
      }),
    );
    expect(screen.getByTestId("sample-video")).toHaveAttribute("poster", "/api/v1/app/assets/file?locator=%2Fv%2Fc.jpg");
    video.unmount();
    renderBody(
      sample({
        data_type: "TEST_SAMPLE/DOCUMENT",
        locator: "/docs/report.pdf",
        data: {
          locator: "/docs/report.pdf",
          data_type: "TEST_SAMPLE/DOCUMENT",
          cloud: { locator: "/p/scan.pcd", data_type: "ASSET/POINT_CLOUD" },
        },
      }),
    );
    expect(screen.getByRole("link", { name: "report.pdf" })).toHaveAttribute("href", "/api/v1/app/assets/file?locator=%2Fdocs%2Freport.pdf");
    const attached = screen.getByRole("region", { name: "Attached files" });
    expect(within(attached).getByRole("link", { name: "scan.pcd" })).toHaveAttribute("href", "/api/v1/app/assets/file?locator=%2Fp%2Fscan.pcd");
    expect(within(attached).getByText("Point cloud:")).toBeInTheDocument();
  });
});
