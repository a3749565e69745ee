// One gallery cell: the sample in small (a thumbnail with its overlays, the first lines of a text, a
// composite's first image, a player's or a file's name), a checkbox, its key and a badge. Cells are memoised
// and take only stable props, so scrolling re-renders only the cells that come into view.
import { memo, useCallback, useMemo, useState } from "react";

import { containRect } from "./grid";
import { type Media, firstLines, sampleMedia, thumbnailUrl } from "./media";
import type { GalleryItem } from "./types";

/** What the gallery hands every cell; one object for all of them, stable across renders. */
export interface CellActions {
  open: (item: GalleryItem, index: number) => void;
  check: (item: GalleryItem, index: number, shift: boolean) => void;
}

/** The overlays drawn over a cell's image (the gallery passes one that draws the sample's layers). */
export type CellOverlay = (props: {
  item: GalleryItem;
  /** The part of the sample the image is ("" itself, a composite's member). */
  path: string;
  width: number;
  height: number;
  naturalWidth: number;
  naturalHeight: number;
}) => React.ReactNode;

export interface GalleryCellProps {
  item: GalleryItem | undefined;
  index: number;
  top: number;
  left: number;
  size: number;
  selected: boolean;
  selectable: boolean;
  actions: CellActions;
  overlay?: CellOverlay;
}

const mediaCache = new WeakMap<GalleryItem, Media | null>();

/** The one thing a cell shows of a sample. */
export function cellMedia(item: GalleryItem): Media | null {
  const cached = mediaCache.get(item);
  if (cached !== undefined) return cached;
  const { parts } = sampleMedia(item.data, item.data_type, item.locator, item.thumbnail !== null);
  const media = parts.find((part) => part.kind === "image") ?? parts[0] ?? null;
  mediaCache.set(item, media);
  return media;
}

/** The thumbnail's longest side the server makes: a thumbnail smaller than this is the original itself. */
const THUMBNAIL_SIZE = 256;

function CellImage({ item, media, size, overlay }: { item: GalleryItem; media: Media; size: number; overlay?: CellOverlay }) {
  const [loaded, setLoaded] = useState<{ width: number; height: number } | null>(null);
  const src = media.path === "" && item.thumbnail ? item.thumbnail : thumbnailUrl(media.locator ?? "");
  // Overlays are in the original's pixels: its size from the server, else the thumbnail's when it was not
  // scaled down (then it is the original).
  const natural =
    media.path === "" && item.width && item.height
      ? { width: item.width, height: item.height }
      : loaded && Math.max(loaded.width, loaded.height) < THUMBNAIL_SIZE
        ? loaded
        : null;
  const shape = natural ?? loaded;
  const box = shape ? containRect(shape.width, shape.height, size, size) : null;
  const onLoad = useCallback((event: React.SyntheticEvent<HTMLImageElement>) => {
    const image = event.currentTarget;
    setLoaded({ width: image.naturalWidth, height: image.naturalHeight });
  }, []);
  return (
    <>
      <img
        className="sg-thumb"
        src={src}
        alt=""
        loading="lazy"
        decoding="async"
        draggable={false}
        width={size}
        height={size}
        onLoad={onLoad}
      />
      {overlay && natural && box ? (
        <div className="sg-overlay" style={{ left: box.left, top: box.top, width: box.width, height: box.height }}>
          {overlay({
            item,
            path: media.path,
            width: box.width,
            height: box.height,
            naturalWidth: natural.width,
            naturalHeight: natural.height,
          })}
        </div>
      ) : null}
    </>
  );
}

const KIND_LABEL: Record<string, string> = { audio: "Audio", video: "Video", link: "File" };

function fileName(locator: string | undefined): string {
  if (!locator) return "";
  const clean = locator.split(/[?#]/)[0];
  return clean.slice(clean.lastIndexOf("/") + 1) || clean;
}

function CellBody({ item, size, overlay }: { item: GalleryItem; size: number; overlay?: CellOverlay }) {
  const media = cellMedia(item);
  const text = useMemo(() => (media?.kind === "text" ? firstLines(media.text ?? "") : ""), [media]);
  if (!media) return <span className="sg-none muted">{item.data_type ?? "No preview"}</span>;
  if (media.kind === "image") return <CellImage item={item} media={media} size={size} overlay={overlay} />;
  if (media.kind === "text") return <pre className="sg-text">{text}</pre>;
  return (
    <span className="sg-file">
      <strong>{KIND_LABEL[media.kind] ?? "File"}</strong>
      <span className="muted">{fileName(media.locator)}</span>
    </span>
  );
}

export const GalleryCell = memo(function GalleryCell({
  item,
  index,
  top,
  left,
  size,
  selected,
  selectable,
  actions,
  overlay,
}: GalleryCellProps) {
  const style = { top, left, width: size };
  if (!item) {
    return (
      <div className="sg-cell sg-pending" style={style} data-index={index} aria-busy="true">
        <div className="sg-media" style={{ height: size }} />
        <div className="sg-caption muted">#{(index + 1).toLocaleString("en-US")}</div>
      </div>
    );
  }
  return (
    <div
      className={`sg-cell${selected ? " selected" : ""}`}
      style={style}
      data-sample-id={item.id}
      data-index={index}
      data-tone={item.tone}
    >
      <button
        type="button"
        className="sg-media"
        style={{ height: size }}
        onClick={() => actions.open(item, index)}
        aria-label={`Open ${item.key}`}
        title={item.key}
      >
        <CellBody item={item} size={size} overlay={overlay} />
      </button>
      <div className="sg-caption">
        {selectable ? (
          <input
            type="checkbox"
            checked={selected}
            aria-label={`Select ${item.key}`}
            onChange={(event) => actions.check(item, index, (event.nativeEvent as MouseEvent).shiftKey === true)}
          />
        ) : null}
        <span className="sg-key" title={item.key}>
          {item.key}
        </span>
        {item.badge ? <span className={`sg-badge tone-${item.tone ?? "neutral"}`}>{item.badge}</span> : null}
      </div>
    </div>
  );
});
