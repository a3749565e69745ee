import { describe, expect, it } from "vitest";

import { MATCH_COLOURS } from "../palette";
import { RecordingContext } from "../testing/recordingContext";
import type { Annotation } from "../types";
import { ANNOTATION } from "../types";
import { RENDERERS, rendererOf } from "./index";
import { KEYPOINT_RADIUS, pointNamesOf, skeletonOf } from "./keypoints";
import { maskClasses } from "./masks";
import { CHIP_HEIGHT } from "./text";
import type { DrawEnv, LoadedImage, Style } from "./types";

const STYLE: Style = { stroke: "#ea580c", fill: "#ea580c", dash: [], alpha: 1, lineWidth: 2, text: true };

function env(overrides: Partial<DrawEnv> = {}): DrawEnv & { ctx: RecordingContext } {
  return {
    ctx: new RecordingContext(),
    view: { scale: 2, offsetX: 5, offsetY: 7 },
    style: STYLE,
    corner: { x: 6, y: 6 },
    ...overrides,
  } as DrawEnv & { ctx: RecordingContext };
}

function ann(value: Record<string, unknown>, extra: Partial<Annotation> = {}): Annotation {
  return { path: "x", dataType: String(value.data_type), value: value as Annotation["value"], ...extra };
}

const coloured = (e: { ctx: RecordingContext }) => e.ctx.ops("stroke").filter((s) => s.strokeStyle === STYLE.stroke);

describe("the registry", () => {
  it("has a renderer for every annotation tag of assay.workflow.annotation", () => {
    expect(new Set(RENDERERS.keys())).toEqual(new Set(Object.values(ANNOTATION)));
  });

  it("draws the spatial kinds and lists text, time and 3-D ones", () => {
    const listed = [...RENDERERS.entries()].filter(([, r]) => !r.drawn).map(([tag]) => tag);
    expect(listed.sort()).toEqual(
      [
        ANNOTATION.TEXT_SEGMENT,
        ANNOTATION.TIME_SEGMENT,
        ANNOTATION.BOUNDING_BOX_3D,
        ANNOTATION.KEYPOINTS_3D,
        ANNOTATION.POLYLINE_3D,
      ].sort(),
    );
  });

  it("lists an unknown tag by name", () => {
    const renderer = rendererOf("ANNOTATION/CUBOID");
    expect(renderer.drawn).toBe(false);
    expect(renderer.describe(ann({ data_type: "ANNOTATION/CUBOID", label: "crate" }))).toBe("ANNOTATION/CUBOID crate");
  });
});

describe("bounding boxes", () => {
  const box = { top_left: [30, 20], bottom_right: [10, 40], data_type: ANNOTATION.BOUNDING_BOX };

  it("outlines the box at scaled, ordered corners over a dark halo", () => {
    const e = env();
    expect(rendererOf(box.data_type).draw(ann(box), e)).toBe(true);
    const rects = e.ctx.ops("rect").map((r) => r.args);
    expect(rects).toEqual([
      [25, 47, 40, 40],
      [25, 47, 40, 40],
    ]);
    const strokes = e.ctx.ops("stroke");
    expect(strokes[0]).toMatchObject({ strokeStyle: "rgba(0, 0, 0, 0.6)", lineWidth: 4 });
    expect(strokes[1]).toMatchObject({ strokeStyle: STYLE.stroke, lineWidth: 2 });
    expect(e.ctx.ops("fillText")).toHaveLength(0);
  });

  it("puts a label and score chip above the box when there is room", () => {
    const e = env();
    rendererOf(box.data_type).draw(ann({ ...box, label: "car" }, { confidence: 0.876 }), e);
    expect(e.ctx.ops("fillText")[0].args[0]).toBe("car 0.88");
    expect(e.ctx.ops("fillRect")[0].args.slice(0, 2)).toEqual([25, 47 - CHIP_HEIGHT]);
  });

  it("skips a box without numeric corners", () => {
    const e = env();
    expect(rendererOf(box.data_type).draw(ann({ ...box, top_left: [Number.NaN, 1] }), e)).toBe(false);
    expect(e.ctx.calls).toHaveLength(0);
  });

  it("describes label, score and size", () => {
    expect(rendererOf(box.data_type).describe(ann({ ...box, label: "car" }, { confidence: 0.5 }))).toBe("car 0.50 20×20");
    expect(rendererOf(box.data_type).describe(ann(box))).toBe("box 20×20");
  });
});

describe("polygons and polylines", () => {
  const points = [
    [0, 0],
    [10, 0],
    [10, 10],
  ];

  it("closes and lightly fills a polygon", () => {
    const e = env();
    expect(rendererOf(ANNOTATION.POLYGON).draw(ann({ points, data_type: ANNOTATION.POLYGON }), e)).toBe(true);
    expect(e.ctx.ops("moveTo")[0].args).toEqual([5, 7]);
    expect(e.ctx.ops("lineTo").slice(0, 2).map((c) => c.args)).toEqual([
      [25, 7],
      [25, 27],
    ]);
    expect(e.ctx.ops("closePath").length).toBeGreaterThan(0);
    expect(e.ctx.ops("fill")[0].fillStyle).toBe("rgba(234, 88, 12, 0.15)");
    expect(coloured(e)).toHaveLength(1);
  });

  it("leaves a polyline open and unfilled", () => {
    const e = env();
    expect(rendererOf(ANNOTATION.POLYLINE).draw(ann({ points, data_type: ANNOTATION.POLYLINE }), e)).toBe(true);
    expect(e.ctx.ops("closePath")).toHaveLength(0);
    expect(e.ctx.ops("fill")).toHaveLength(0);
  });

  it("needs three valid points for a polygon and two for a polyline", () => {
    const two = [
      [0, 0],
      [1, Number.NaN],
      [2, 2],
    ];
    expect(rendererOf(ANNOTATION.POLYGON).draw(ann({ points: two, data_type: ANNOTATION.POLYGON }), env())).toBe(false);
    expect(rendererOf(ANNOTATION.POLYLINE).draw(ann({ points: two, data_type: ANNOTATION.POLYLINE }), env())).toBe(true);
  });

  it("labels a polygon at its topmost point", () => {
    const e = env();
    const shape = [
      [0, 30],
      [10, 20],
      [20, 30],
    ];
    rendererOf(ANNOTATION.POLYGON).draw(ann({ points: shape, label: "roof", data_type: ANNOTATION.POLYGON }), e);
    expect(e.ctx.ops("fillRect")[0].args.slice(0, 2)).toEqual([25, 47 - CHIP_HEIGHT]);
    expect(rendererOf(ANNOTATION.POLYGON).describe(ann({ points: shape, label: "roof", data_type: ANNOTATION.POLYGON }))).toBe(
      "roof (3 points)",
    );
  });
});

describe("keypoints", () => {
  const face = {
    points: [
      [10, 10],
      [20, 10],
      [Number.NaN, Number.NaN],
      [15, 20],
    ],
    skeleton: [
      [0, 1],
      [1, 3],
      [1, 2],
      [0, 9],
    ],
    names: ["left eye", "right eye", "nose", "mouth"],
    data_type: ANNOTATION.KEYPOINTS,
  };

  it("joins the skeleton's valid edges under the discs and skips missing points", () => {
    const e = env();
    rendererOf(ANNOTATION.KEYPOINTS).draw(ann(face), e);
    const discs = e.ctx.filledArcs().filter((d) => d.radius === KEYPOINT_RADIUS);
    expect(discs.map((d) => [d.x, d.y])).toEqual([
      [25, 27],
      [45, 27],
      [35, 47],
    ]);
    // Two edges survive (0-1, 1-3): one move and one line each, in the halo pass and the colour pass.
    expect(e.ctx.ops("moveTo")).toHaveLength(4);
    const lastLine = e.ctx.calls.findLastIndex((c) => c.op === "stroke");
    const firstDisc = e.ctx.calls.findIndex((c) => c.op === "arc");
    expect(lastLine).toBeLessThan(firstDisc);
  });

  it("names each point beside its disc", () => {
    const e = env();
    rendererOf(ANNOTATION.KEYPOINTS).draw(ann(face), e);
    expect(e.ctx.ops("fillText").map((c) => c.args)).toEqual([
      ["left eye", 25 + KEYPOINT_RADIUS + 3.5, 27],
      ["right eye", 45 + KEYPOINT_RADIUS + 3.5, 27],
      ["mouth", 35 + KEYPOINT_RADIUS + 3.5, 47],
    ]);
  });

  it("rings each disc in the match colour when it has one", () => {
    const e = env({ style: { ...STYLE, stroke: MATCH_COLOURS.FP } });
    rendererOf(ANNOTATION.KEYPOINTS).draw(ann({ points: [[1, 1]], data_type: ANNOTATION.KEYPOINTS }), e);
    expect(e.ctx.filledArcs().map((d) => d.fillStyle)).toEqual([MATCH_COLOURS.FP, STYLE.fill]);
  });

  it("reads skeletons and names from their other spellings, and drops ones that do not fit", () => {
    expect(skeletonOf({ ...face, skeleton: undefined, connections: [[0, 3]] } as never, 4)).toEqual([[0, 3]]);
    expect(skeletonOf({ ...face, skeleton: [[0, 1.5], "a"] } as never, 4)).toEqual([]);
    expect(pointNamesOf({ ...face, names: undefined, keypoint_names: ["a", "b", "c", "d"] } as never, 4)).toEqual(["a", "b", "c", "d"]);
    expect(pointNamesOf({ ...face, names: ["a"] } as never, 4)).toBeUndefined();
  });

  it("draws nothing without a valid point", () => {
    expect(rendererOf(ANNOTATION.KEYPOINTS).draw(ann({ points: [], data_type: ANNOTATION.KEYPOINTS }), env())).toBe(false);
    expect(rendererOf(ANNOTATION.KEYPOINTS).describe(ann(face))).toBe("3 keypoints");
  });
});

describe("classification labels", () => {
  it("stacks tags down the corner, each on its layer's colour", () => {
    const e = env();
    const renderer = rendererOf(ANNOTATION.LABEL);
    renderer.draw(ann({ label: "cat", data_type: ANNOTATION.LABEL }, { confidence: 0.9 }), e);
    renderer.draw(ann({ label: "indoor", data_type: ANNOTATION.LABEL }), e);
    const texts = e.ctx.ops("fillText");
    expect(texts.map((t) => t.args)).toEqual([
      ["cat 0.90", 10, 6 + CHIP_HEIGHT / 2],
      ["indoor", 10, 6 + CHIP_HEIGHT + 2 + CHIP_HEIGHT / 2],
    ]);
    expect(e.ctx.ops("fillRect")[0].fillStyle).toBe(STYLE.fill);
    expect(e.corner.y).toBe(6 + 2 * (CHIP_HEIGHT + 2));
  });

  it("marks a matched tag's edge in the match colour", () => {
    const e = env({ style: { ...STYLE, stroke: MATCH_COLOURS.TP } });
    rendererOf(ANNOTATION.LABEL).draw(ann({ label: "cat", data_type: ANNOTATION.LABEL }), e);
    expect(e.ctx.ops("fillRect").map((r) => r.fillStyle)).toEqual([STYLE.fill, MATCH_COLOURS.TP]);
  });

  it("writes black on light tags and white on dark ones", () => {
    const light = env({ style: { ...STYLE, fill: "#ffe119" } });
    rendererOf(ANNOTATION.LABEL).draw(ann({ label: "a", data_type: ANNOTATION.LABEL }), light);
    expect(light.ctx.ops("fillText")[0].fillStyle).toBe("#000000");
    const dark = env({ style: { ...STYLE, fill: "#1b1f24" } });
    rendererOf(ANNOTATION.LABEL).draw(ann({ label: "a", data_type: ANNOTATION.LABEL }), dark);
    expect(dark.ctx.ops("fillText")[0].fillStyle).toBe("#ffffff");
  });
});

describe("masks", () => {
  const image: LoadedImage = { source: {} as CanvasImageSource, width: 50, height: 40 };

  it("draws a loaded mask over the whole image, half transparent", () => {
    const asked: [string, boolean][] = [];
    const e = env({
      images: (locator, classMap) => {
        asked.push([locator, classMap]);
        return image;
      },
    });
    const seg = ann({ locator: "s3://m.png", labels: { "1": "cat" }, data_type: ANNOTATION.SEGMENTATION_MASK });
    expect(rendererOf(ANNOTATION.SEGMENTATION_MASK).draw(seg, e)).toBe(true);
    rendererOf(ANNOTATION.BITMAP_MASK).draw(ann({ locator: "s3://a.png", data_type: ANNOTATION.BITMAP_MASK }), e);
    expect(asked).toEqual([
      ["s3://m.png", true],
      ["s3://a.png", false],
    ]);
    const [first, second] = e.ctx.ops("drawImage");
    expect(first.args.slice(1)).toEqual([5, 7, 100, 80, { smoothing: false }]);
    expect(first.globalAlpha).toBe(0.5);
    expect(second.args[5]).toEqual({ smoothing: true });
  });

  it("draws nothing until the image is there", () => {
    const e = env({ images: () => undefined });
    expect(rendererOf(ANNOTATION.BITMAP_MASK).draw(ann({ locator: "a", data_type: ANNOTATION.BITMAP_MASK }), e)).toBe(false);
    expect(rendererOf(ANNOTATION.BITMAP_MASK).draw(ann({ locator: "a", data_type: ANNOTATION.BITMAP_MASK }), env())).toBe(false);
  });

  it("lists a segmentation mask's classes in value order", () => {
    const value = { locator: "m", labels: { "10": "road", "2": "car", x: "bad" }, data_type: ANNOTATION.SEGMENTATION_MASK };
    expect(maskClasses(value as never)).toEqual([
      { value: 2, name: "car" },
      { value: 10, name: "road" },
    ]);
    expect(rendererOf(ANNOTATION.SEGMENTATION_MASK).describe(ann(value))).toBe("segmentation mask: car, road");
  });
});

describe("listed annotations", () => {
  it.each([
    [{ start: 1.5, end: 3, label: "speech", group: "a", data_type: ANNOTATION.TIME_SEGMENT }, 0.8, "[1.50 s, 3.00 s) speech 0.80 (a)"],
    [{ text_field: "text", start: 3, end: 10, label: "PER", data_type: ANNOTATION.TEXT_SEGMENT }, undefined, "text[3, 10) PER"],
    [
      { center: [1, 2, 3], dimensions: [4, 5, 6], rotations: [0, 0, 0], label: "car", data_type: ANNOTATION.BOUNDING_BOX_3D },
      undefined,
      "3-D box car at (1.00, 2.00, 3.00) size (4.00, 5.00, 6.00)",
    ],
    [{ points: [[0, 0, 0], [1, 1, 1]], data_type: ANNOTATION.KEYPOINTS_3D }, undefined, "3-D keypoints of 2 points"],
    [{ points: [[0, 0, 0]], data_type: ANNOTATION.POLYLINE_3D }, undefined, "3-D polyline of 1 point"],
  ])("describes %o", (value, confidence, text) => {
    const renderer = rendererOf(String(value.data_type));
    const a = ann(value, confidence === undefined ? {} : { confidence });
    expect(renderer.describe(a)).toBe(text);
    const e = env();
    expect(renderer.draw(a, e)).toBe(false);
    expect(e.ctx.calls).toHaveLength(0);
  });
});
