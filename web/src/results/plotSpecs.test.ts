// @vitest-environment node
// Node, not jsdom: vega renders SVG without a DOM, and jsdom's canvas stub would only add noise.
import * as vega from "vega";
import { type TopLevelSpec, compile } from "vega-lite";
import { describe, expect, it } from "vitest";

import { MODELS, PLOTS } from "./fixture";
import { LIGHT_PLOT_THEME, buildFigures, figureFileName, modelColors, modelNames } from "./plotSpecs";

const figures = buildFigures(PLOTS.plots, MODELS, 1, LIGHT_PLOT_THEME);
const byKind = (kind: string) => figures.filter((f) => f.kind === kind);
/** The member of a spec at `path` (keys and indices; negative indices count from the end); undefined if none. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let here = value;
  for (const key of path) {
    if (here === null || typeof here !== "object") return undefined;
    here = Array.isArray(here) && typeof key === "number" ? here.at(key) : (here as Record<string | number, unknown>)[key];
  }
  return here;
}

async function render(s: Record<string, unknown>): Promise<string> {
  // The specs are built as plain records (plotSpecs.ts); vega-lite's own compile checks them at run time.
  const compiled = compile(s as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

describe("buildFigures", () => {
  it("overlays the models in one figure per curve, histogram and bar plot", () => {
    expect(byKind("curve")).toHaveLength(1);
    expect(byKind("histogram")).toHaveLength(1);
    expect(byKind("bar")).toHaveLength(1);
    for (const f of [...byKind("curve"), ...byKind("histogram"), ...byKind("bar")]) expect(f.models.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it("draws a confusion matrix per model and a difference to the baseline per other model", () => {
    expect(byKind("confusion").map((f) => f.models[0].id)).toEqual([1, 2, 3]);
    expect(byKind("confusion-difference").map((f) => f.models.map((m) => m.id))).toEqual([
      [2, 1],
      [3, 1],
    ]);
  });

  it("colours by model with the table's colours", () => {
    const color = at(byKind("curve")[0].spec, "encoding", "color");
    expect(at(color, "scale", "domain")).toEqual(["model A", "model B", "model C"]);
    const colors = modelColors(MODELS);
    expect(at(color, "scale", "range")).toEqual(MODELS.map((m) => colors.get(m.id)));
  });

  it("puts every curve point in the data, with its extra series", () => {
    const values = at(byKind("curve")[0].spec, "data", "values");
    expect(values).toHaveLength(9);
    expect(at(values, 0)).toMatchObject({ model: "model A", x: 0, y: 0, extra_0: 0.9 });
    expect(at(byKind("curve")[0].spec, "encoding", "tooltip", -1)).toEqual({ field: "extra_0", title: "threshold" });
  });

  it("uses a log axis where the plot asks, leaving out what a log axis cannot show", () => {
    const layer = at(byKind("histogram")[0].spec, "layer", 0);
    expect(at(layer, "encoding", "y", "scale", "type")).toBe("log");
    expect(at(layer, "encoding", "x", "scale", "type")).toBe("linear");
    const counts = (at(layer, "data", "values") as { count: number }[]).map((v) => v.count);
    expect(counts.every((c: number) => c > 0)).toBe(true);
  });

  it("leaves out missing bars", () => {
    const values = at(byKind("bar")[0].spec, "data", "values") as { label: string }[];
    expect(values.map((v) => v.label)).toEqual(["cat", "cat", "cat"]);
  });

  it("centres the difference's diverging scale on zero, over the union of labels", () => {
    const diff = byKind("confusion-difference")[1].spec;
    const scale = at(diff, "layer", 0, "encoding", "color", "scale");
    expect(at(scale, "domainMid")).toBe(0);
    expect(at(scale, "domain", 0)).toBe(-(at(scale, "domain", 1) as number));
    expect(at(diff, "encoding", "x", "sort")).toEqual(["cat", "dog", "bird"]);
    const values = at(diff, "data", "values") as { actual: string; predicted: string }[];
    const bird = values.find((v) => v.actual === "bird" && v.predicted === "bird");
    expect(bird).toMatchObject({ count: 4, text: "+4" });
  });

  it("skips plots of models not compared and tags it does not know", () => {
    const extra = [...PLOTS.plots, { model_id: 99, configuration: "t-0.05", plots: [{ data_type: "PLOT/CURVE", title: "x", curves: [] }] }];
    const withUnknown = [{ ...PLOTS.plots[0], plots: [...PLOTS.plots[0].plots, { data_type: "PLOT/PIE", title: "pie" }] }];
    expect(buildFigures(extra, MODELS, 1, LIGHT_PLOT_THEME)).toHaveLength(figures.length);
    expect(buildFigures(withUnknown, MODELS, 1, LIGHT_PLOT_THEME).map((f) => f.kind)).toEqual(["curve", "histogram", "bar", "confusion"]);
  });

  it("draws configurations with identical plots once, and others apart", () => {
    const again = PLOTS.plots.map((p) => ({ ...p, configuration: null }));
    const same = buildFigures([...PLOTS.plots, ...again], MODELS, 1, LIGHT_PLOT_THEME);
    expect(same).toHaveLength(figures.length);
    expect(same[0].configurations).toEqual(["t-0.05", null]);
    const changed = again.map((p) => ({ ...p, plots: p.plots.map((plot) => (plot.data_type === "PLOT/BAR" ? { ...plot, values: [1, 1] } : plot)) }));
    const apart = buildFigures([...PLOTS.plots, ...changed], MODELS, 1, LIGHT_PLOT_THEME);
    expect(apart.filter((f) => f.kind === "bar").map((f) => f.configurations)).toEqual([["t-0.05"], [null]]);
    expect(apart.filter((f) => f.kind === "curve").map((f) => f.configurations)).toEqual([["t-0.05", null]]);
  });

  it("builds specs that Vega-Lite compiles and Vega renders", async () => {
    for (const figure of figures) {
      const svg = await render(figure.spec);
      expect(svg, figure.id).toContain("<svg");
      expect(svg).toContain(figure.kind.startsWith("confusion") ? "cat" : "model A");
    }
  });
});

describe("names and files", () => {
  it("tells apart models of one name", () => {
    expect(modelNames([{ id: 1, name: "m" }, { id: 2, name: "m" }, { id: 3, name: "n" }])).toEqual(
      new Map([
        [1, "m (#1)"],
        [2, "m (#2)"],
        [3, "n"],
      ]),
    );
  });

  it("names image files after the test case and the figure", () => {
    expect(figureFileName(byKind("curve")[0], "faces :: complete", "png")).toBe("faces-complete_t-0-05_cumulative-error-distribution.png");
    expect(figureFileName(byKind("confusion-difference")[0], "x", "svg")).toBe("x_t-0-05_confusion_difference_model-b-vs-model-a.svg");
  });
});
