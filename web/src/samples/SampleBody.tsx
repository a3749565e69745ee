// A sample in full, by its data type (media.ts's dispatch, which the gallery's cells share in small form):
// an image with zoom, pan and every layer; a text as text with its TEXT_SEGMENT highlights; a composite's
// members (an image pair, an image and its caption) side by side, each with its layers; audio and video as
// players; documents, point clouds, meshes and other files as links to the file. Assets a sample carries
// besides (attachments) follow as players or links.
import { useMemo } from "react";

import type { Layer } from "../overlays/layers";
import { aboveThreshold } from "../overlays/draw";
import { ImageViewer } from "./ImageViewer";
import { type Media, assetUrl, sampleMedia } from "./media";
import { type LayerSource, useSampleLayers } from "./sampleLayers";
import { type Segment, textPieces } from "./textPieces";
import type { LayerState, ModelRef } from "./types";

/** A sample as the body shows it: what it is, and what its layers are made of. */
export interface BodySample extends LayerSource {
  key: string;
  data_type: string | null;
  locator: string | null;
  width?: number | null;
  height?: number | null;
}

export interface SampleBodyProps {
  sample: BodySample;
  layers: LayerState;
  models: readonly ModelRef[];
  schema: Record<string, unknown> | null;
}

interface PartProps extends SampleBodyProps {
  media: Media;
  /** The sample's first image: its canvas and image carry the page's test ids. */
  main: boolean;
}

export function fileName(locator: string | undefined): string {
  if (!locator) return "";
  const clean = locator.split(/[?#]/)[0];
  return clean.slice(clean.lastIndexOf("/") + 1) || clean;
}

const TEXT_SEGMENT = "ANNOTATION/TEXT_SEGMENT";

/** The TEXT_SEGMENT highlights of a text (whose field is named any of `fields`), from the layers shown. */
export function textSegments(layers: readonly Layer[], state: LayerState, fields: readonly string[]): Segment[] {
  const options = { minConfidence: state.minConfidence, matchColouring: state.matchColouring };
  const segments: Segment[] = [];
  for (const layer of layers) {
    if (!layer.visible) continue;
    for (const annotation of layer.annotations) {
      if (annotation.dataType !== TEXT_SEGMENT || !aboveThreshold(annotation, layer, options)) continue;
      const value = annotation.value as { text_field?: unknown; start?: unknown; end?: unknown; label?: unknown };
      if (typeof value.start !== "number" || typeof value.end !== "number") continue;
      if (typeof value.text_field === "string" && !fields.includes(value.text_field)) continue;
      const details = [typeof value.label === "string" ? value.label : "", annotation.confidence?.toFixed(2) ?? ""].filter(Boolean);
      segments.push({
        start: value.start,
        end: value.end,
        colour: layer.colour,
        title: [layer.label, ...details].join(" · "),
      });
    }
  }
  return segments;
}

function TextPart({ media, sample, layers, models, schema }: PartProps) {
  const shown = useSampleLayers(sample, media.path, models, schema, layers);
  const text = media.text ?? "";
  const path = media.path;
  const pieces = useMemo(() => {
    // A composite's text member is named by its field in the composite, or by its own field `text`.
    const fields = path === "" ? ["text"] : ["text", path, `${path}.text`];
    return textPieces(text, textSegments(shown, layers, fields));
  }, [text, shown, layers, path]);
  return (
    <pre className="sd-text" data-testid="sample-text">
      {pieces.map((piece) =>
        piece.segments.length ? (
          <mark
            key={piece.start}
            style={{ "--mark-colour": piece.segments[0].colour } as React.CSSProperties}
            title={piece.segments.map((segment) => segment.title).join("\n")}
          >
            {piece.text}
          </mark>
        ) : (
          <span key={piece.start}>{piece.text}</span>
        ),
      )}
    </pre>
  );
}

function Player({ media }: { media: Media }) {
  const src = assetUrl(media.locator ?? "");
  if (media.kind === "audio") return <audio className="sd-player" controls preload="metadata" src={src} data-testid="sample-audio" />;
  return (
    <video
      className="sd-player"
      controls
      preload="metadata"
      src={src}
      poster={media.poster ? assetUrl(media.poster) : undefined}
      data-testid="sample-video"
    />
  );
}

const TYPE_NAMES: Record<string, string> = {
  DOCUMENT: "Document",
  POINT_CLOUD: "Point cloud",
  MESH: "Mesh",
  BINARY: "File",
  PLAIN_TEXT: "Text file",
  IMAGE: "Image",
  AUDIO: "Audio",
  VIDEO: "Video",
};

function FileLink({ media }: { media: Media }) {
  const kind = (media.dataType ?? "").split("/")[1] ?? "";
  return (
    <p className="sd-link">
      <span className="muted">{TYPE_NAMES[kind] ?? "File"}: </span>
      <a href={assetUrl(media.locator ?? "")} target="_blank" rel="noreferrer" download={fileName(media.locator)}>
        {fileName(media.locator) || media.locator}
      </a>
    </p>
  );
}

function Part(props: PartProps) {
  const { media, sample, main } = props;
  if (media.kind === "image") {
    const own = media.path === "";
    return (
      <ImageViewer
        src={assetUrl(media.locator ?? "")}
        alt={own ? sample.key : `${sample.key}: ${media.path}`}
        width={own ? sample.width : null}
        height={own ? sample.height : null}
        source={sample}
        path={media.path}
        layers={props.layers}
        models={props.models}
        schema={props.schema}
        canvasTestId={main ? "sample-canvas" : `sample-canvas-${media.path}`}
        imageTestId={main ? "sample-image" : `sample-image-${media.path}`}
      />
    );
  }
  if (media.kind === "text") return <TextPart {...props} />;
  if (media.kind === "audio" || media.kind === "video") return <Player media={media} />;
  return <FileLink media={media} />;
}

export function SampleBody(props: SampleBodyProps) {
  const { sample } = props;
  const { parts, attachments } = useMemo(
    () => sampleMedia(sample.data, sample.data_type, sample.locator, Boolean(sample.width && sample.height)),
    [sample.data, sample.data_type, sample.locator, sample.width, sample.height],
  );
  const mainImage = parts.find((part) => part.kind === "image");
  return (
    <div className="sd-body" data-data-type={sample.data_type ?? ""}>
      {parts.length === 0 ? <p className="state empty">This sample has nothing to show but its fields (below).</p> : null}
      <div className="sd-parts">
        {parts.map((media) => (
          <section key={media.path} className="sd-part" aria-label={media.path || sample.key}>
            {parts.length > 1 ? <h3>{media.path}</h3> : null}
            <Part {...props} media={media} main={media === mainImage} />
          </section>
        ))}
      </div>
      {attachments.length ? (
        <section className="sd-attachments" aria-label="Attached files">
          <h3>Attached files</h3>
          {attachments.map((media) => (
            <div key={media.path}>
              <span className="muted">{media.path}</span>
              {media.kind === "audio" || media.kind === "video" ? <Player media={media} /> : <FileLink media={media} />}
            </div>
          ))}
        </section>
      ) : null}
    </div>
  );
}
