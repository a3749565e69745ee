// What a sample shows, by its data type: the one dispatch both the gallery's cells and the detail page use.
// Stored test samples and assets carry their type tag (`data_type`), so a sample's data alone says what it
// is; composites are walked one level down (a composite holds test samples, never a composite).

/** The URL the server serves an asset from (files inside the asset roots, http(s) proxied, s3 presigned). */
export function assetUrl(locator: string): string {
  return `/api/v1/app/assets/file?locator=${encodeURIComponent(locator)}`;
}

/** A thumbnail of an image asset, made by the server (at most 256 px, its default). */
export function thumbnailUrl(locator: string, size?: number): string {
  const url = `/api/v1/app/assets/thumbnail?locator=${encodeURIComponent(locator)}`;
  return size === undefined ? url : `${url}&size=${size}`;
}

/**
 * What a sample is called on screen: its file's name when it has a locator (what people recognise), else its
 * key (a digest of its identity, unique but opaque).
 */
export function sampleName(sample: { key: string; locator?: string | null }): string {
  if (!sample.locator) return sample.key;
  const path = sample.locator.split(/[?#]/, 1)[0].replace(/\/+$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last) || sample.key;
  } catch {
    return last || sample.key;
  }
}

export type MediaKind = "image" | "text" | "audio" | "video" | "link";

/** One thing to show: an image, a text, a player, or a link to a file the app cannot show. */
export interface Media {
  kind: MediaKind;
  /** The data type it came from (TEST_SAMPLE/IMAGE, ASSET/AUDIO...). */
  dataType: string | null;
  /** Where it sits in the sample: "" for the sample itself, a member's name in a composite, a field's path. */
  path: string;
  locator?: string;
  text?: string;
  /** For a video: its thumbnail, when the sample names one. */
  poster?: string;
}

/** A sample as a list of things to show: one for most types, one per member for composites. */
export interface SampleMedia {
  /** The main things (one, or a composite's members side by side). */
  parts: Media[];
  /** Other assets the sample carries (attached files), shown as links or players. */
  attachments: Media[];
}

type Data = Record<string, unknown>;

const isObject = (value: unknown): value is Data => typeof value === "object" && value !== null && !Array.isArray(value);

const LINK_TYPES = new Set(["DOCUMENT", "POINT_CLOUD", "MESH", "BINARY", "PLAIN_TEXT"]);

/** The media of one tagged object (a test sample or an asset), or null when it is neither. */
export function mediaOf(value: Data, dataType: string | null, path: string): Media | null {
  const [family, kind] = (dataType ?? "").split("/");
  if (family !== "TEST_SAMPLE" && family !== "ASSET") return null;
  const locator = typeof value.locator === "string" ? value.locator : undefined;
  if (kind === "TEXT") return { kind: "text", dataType, path, text: typeof value.text === "string" ? value.text : "" };
  if (!locator) return null;
  if (kind === "IMAGE") return { kind: "image", dataType, path, locator };
  if (kind === "AUDIO") return { kind: "audio", dataType, path, locator };
  if (kind === "VIDEO") {
    const thumb = isObject(value.thumbnail) && typeof value.thumbnail.locator === "string" ? value.thumbnail.locator : undefined;
    return { kind: "video", dataType, path, locator, poster: thumb };
  }
  if (LINK_TYPES.has(kind ?? "") || family === "ASSET" || family === "TEST_SAMPLE") return { kind: "link", dataType, path, locator };
  return null;
}

function tagOf(value: Data): string | null {
  return typeof value.data_type === "string" ? value.data_type : null;
}

/** Assets among a data object's fields (one level, lists included), by field path. */
function attachmentsOf(data: Data, prefix: string): Media[] {
  const found: Media[] = [];
  for (const [name, value] of Object.entries(data)) {
    const values = Array.isArray(value) ? value : [value];
    values.forEach((entry, position) => {
      if (!isObject(entry)) return;
      const tag = tagOf(entry);
      if (!tag?.startsWith("ASSET/")) return;
      const path = `${prefix}${name}${Array.isArray(value) ? `[${position}]` : ""}`;
      const media = mediaOf(entry, tag, path);
      if (media) found.push(media);
    });
  }
  return found;
}

/**
 * What a sample shows. `dataType` is the sample's type as the server gives it (the data's own tag wins when
 * present), `locator` its locator; a custom type with a locator shows as an image when it has a thumbnail.
 */
export function sampleMedia(data: Data, dataType: string | null, locator: string | null, hasThumbnail = false): SampleMedia {
  const type = tagOf(data) ?? dataType;
  const withLocator = locator !== null && typeof data.locator !== "string" ? { ...data, locator } : data;
  if (type === "TEST_SAMPLE/COMPOSITE") {
    const parts: Media[] = [];
    const attachments: Media[] = [];
    for (const [name, value] of Object.entries(data)) {
      if (!isObject(value)) continue;
      const tag = tagOf(value);
      if (tag?.startsWith("TEST_SAMPLE/")) {
        const media = mediaOf(value, tag, name);
        if (media) parts.push(media);
        attachments.push(...attachmentsOf(value, `${name}.`));
      } else if (tag?.startsWith("ASSET/")) {
        const media = mediaOf(value, tag, name);
        if (media) attachments.push(media);
      }
    }
    return { parts, attachments };
  }
  let main = mediaOf(withLocator, type, "");
  if (main?.kind === "link" && hasThumbnail && main.locator) main = { ...main, kind: "image" };
  if (!main && locator) main = { kind: hasThumbnail ? "image" : "link", dataType: type, path: "", locator };
  return { parts: main ? [main] : [], attachments: attachmentsOf(data, "") };
}

/** The first lines of a text, for a gallery cell. */
export function firstLines(text: string, lines = 6, characters = 320): string {
  const head = text.split(/\r?\n/).slice(0, lines).join("\n");
  return head.length > characters ? `${head.slice(0, characters - 1)}…` : head;
}
