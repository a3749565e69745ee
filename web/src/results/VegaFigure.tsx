// One figure drawn by vega-embed, loaded on first use (a dynamic import) so the table never waits for Vega,
// with PNG and SVG downloads from the view's own renderer.

import { useEffect, useRef, useState } from "react";

import { type PlotFigure, figureFileName } from "./plotSpecs";

interface ImageView {
  toImageURL(type: "png" | "svg", scaleFactor?: number): Promise<string>;
}

let embedModule: Promise<typeof import("vega-embed")> | null = null;

/** vega-embed, imported once on first use: a chunk of its own that the table never waits for. */
function loadEmbed(): Promise<typeof import("vega-embed")> {
  embedModule ??= import("vega-embed");
  return embedModule;
}

/** Downloads a URL (data: or blob:) under a file name. */
export function download(url: string, fileName: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export function VegaFigure({ figure, testCase }: { figure: PlotFigure; testCase: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<ImageView | null>(null);
  const [status, setStatus] = useState<"loading" | "ready" | "error">("loading");
  const [error, setError] = useState("");

  useEffect(() => {
    let cancelled = false;
    let finalize: (() => void) | null = null;
    setStatus("loading");
    loadEmbed()
      .then(({ default: embed }) => {
        if (cancelled || !host.current) return undefined;
        // The spec is JSON built by plotSpecs.ts and checked there against Vega-Lite's compiler.
        return embed(host.current, figure.spec as Parameters<typeof embed>[1], { actions: false, renderer: "svg" });
      })
      .then((result) => {
        if (!result) return;
        if (cancelled) {
          result.finalize();
          return;
        }
        finalize = () => result.finalize();
        view.current = result.view;
        setStatus("ready");
      })
      .catch((reason: unknown) => {
        if (cancelled) return;
        setError(reason instanceof Error ? reason.message : String(reason));
        setStatus("error");
      });
    return () => {
      cancelled = true;
      view.current = null;
      finalize?.();
    };
  }, [figure.spec]);

  const save = async (type: "png" | "svg") => {
    if (!view.current) return;
    const url = await view.current.toImageURL(type, type === "png" ? 2 : 1);
    download(url, figureFileName(figure, testCase, type));
  };

  const where = figure.configurations.map((c) => c ?? "default").join(", ");
  const name = `${figure.title} (${where})`;
  return (
    <figure className="rp-figure" data-kind={figure.kind} aria-label={name}>
      <div ref={host} className="rp-figure-plot" aria-busy={status === "loading"} />
      {status === "error" ? <p className="state error">This plot could not be drawn: {error}</p> : null}
      <figcaption className="rp-figure-caption">
        <span className="muted">{where}</span>
        <span className="rp-figure-actions">
          <button type="button" disabled={status !== "ready"} onClick={() => void save("png")} aria-label={`Download ${name} as PNG`}>
            PNG
          </button>
          <button type="button" disabled={status !== "ready"} onClick={() => void save("svg")} aria-label={`Download ${name} as SVG`}>
            SVG
          </button>
        </span>
      </figcaption>
    </figure>
  );
}
