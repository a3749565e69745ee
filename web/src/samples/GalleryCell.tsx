// One gallery cell: the sample in small (a thumbnail, the first lines of a text, a composite's first image, a
// player's or a file's name), a checkbox, its key and a badge. Cells are memoised and take only stable props,
// so scrolling renders only the cells that come into view. Overlays are drawn per row (RowOverlay.tsx).
import { memo, useCallback, useMemo } from "react";

import { type Media, firstLines, sampleMedia, sampleName, thumbnailUrl } from "./media";
import type { GalleryItem } from "./types";

/** What the gallery hands every cell; one object for all of them, stable across renders. */
export interface CellActions {
  open: (item: GalleryItem, index: number) => void;
  check: (item: GalleryItem, index: number, shift: boolean) => void;
  /** A thumbnail loaded with this natural size (for samples whose size the server did not give). */
  sized: (item: GalleryItem, path: string, width: number, height: number) => void;
}

export interface GalleryCellProps {
  item: GalleryItem | undefined;
  index: number;
  top: number;
  left: number;
  size: number;
  selected: boolean;
  selectable: boolean;
  actions: CellActions;
}

const mediaCache = new WeakMap<GalleryItem, Media | null>();

/** The one thing a cell shows of a sample (media.ts's dispatch in small: a composite's first image). */
export function cellMedia(item: GalleryItem): Media | null {
  const cached = mediaCache.get(item);
  if (cached !== undefined) return cached;
  const { parts } = sampleMedia(item.data, item.data_type, item.locator, item.thumbnail !== null);
  const media = parts.find((part) => part.kind === "image") ?? parts[0] ?? null;
  mediaCache.set(item, media);
  return media;
}

/** The thumbnail sizes asked for: the server's largest, and half of it for small cells (a quarter of the pixels). */
const SMALL_THUMBNAIL = 128;

/**
 * The thumbnail of a cell's image (the server's, or one of a composite's member), at 128 px when the cell
 * shows no more device pixels than that, else at the server's default (256).
 */
export function cellThumbnail(item: GalleryItem, media: Media, cellPixels = Number.POSITIVE_INFINITY): string {
  const small = cellPixels <= SMALL_THUMBNAIL;
  if (media.path !== "" || !item.thumbnail) return thumbnailUrl(media.locator ?? "", small ? SMALL_THUMBNAIL : undefined);
  if (!small) return item.thumbnail;
  const [path, query = ""] = item.thumbnail.split("?");
  const params = new URLSearchParams(query);
  params.set("size", String(SMALL_THUMBNAIL));
  return `${path}?${params.toString()}`;
}

function CellImage({ item, media, size, actions }: { item: GalleryItem; media: Media; size: number; actions: CellActions }) {
  const known = media.path === "" && Boolean(item.width && item.height);
  const onLoad = useCallback(
    (event: React.SyntheticEvent<HTMLImageElement>) => {
      if (known) return;
      const image = event.currentTarget;
      actions.sized(item, media.path, image.naturalWidth, image.naturalHeight);
    },
    [actions, item, media.path, known],
  );
  return (
    <img
      className="sg-thumb"
      src={cellThumbnail(item, media, size * (typeof window === "undefined" ? 1 : window.devicePixelRatio || 1))}
      alt=""
      loading="lazy"
      decoding="async"
      draggable={false}
      width={size}
      height={size}
      onLoad={onLoad}
    />
  );
}

const KIND_LABEL: Record<string, string> = { audio: "Audio", video: "Video", link: "File" };

function fileName(locator: string | undefined): string {
  return locator ? sampleName({ key: locator, locator }) : "";
}

function CellBody({ item, size, actions }: { item: GalleryItem; size: number; actions: CellActions }) {
  const media = cellMedia(item);
  const text = useMemo(() => (media?.kind === "text" ? firstLines(media.text ?? "") : ""), [media]);
  if (!media) return <span className="sg-none muted">{item.data_type ?? "No preview"}</span>;
  if (media.kind === "image") return <CellImage item={item} media={media} size={size} actions={actions} />;
  if (media.kind === "text") return <pre className="sg-text">{text}</pre>;
  return (
    <span className="sg-file">
      <strong>{KIND_LABEL[media.kind] ?? "File"}</strong>
      <span className="muted">{fileName(media.locator)}</span>
    </span>
  );
}

export const GalleryCell = memo(function GalleryCell({ item, index, top, left, size, selected, selectable, actions }: GalleryCellProps) {
  const style = { top, left, width: size };
  if (!item) {
    return (
      <div className="sg-cell sg-pending" style={style} data-index={index} aria-busy="true">
        <div className="sg-media" style={{ height: size }} />
        <div className="sg-caption muted">#{(index + 1).toLocaleString("en-US")}</div>
      </div>
    );
  }
  const name = sampleName(item);
  return (
    <div className={`sg-cell${selected ? " selected" : ""}`} style={style} data-sample-id={item.id} data-index={index} data-tone={item.tone}>
      <button
        type="button"
        className="sg-media"
        style={{ height: size }}
        onClick={() => actions.open(item, index)}
        aria-label={`Open ${name}`}
        title={name}
      >
        <CellBody item={item} size={size} actions={actions} />
      </button>
      <div className="sg-caption">
        {selectable ? (
          <input
            type="checkbox"
            checked={selected}
            aria-label={`Select ${name}`}
            onChange={(event) => actions.check(item, index, (event.nativeEvent as MouseEvent).shiftKey === true)}
          />
        ) : null}
        <span className="sg-key" title={item.key}>
          {name}
        </span>
        {item.badge ? <span className={`sg-badge tone-${item.tone ?? "neutral"}`}>{item.badge}</span> : null}
      </div>
    </div>
  );
});
