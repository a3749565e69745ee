/**
 * Mask images for the overlays, loaded once per locator and shared by every canvas: a gallery of samples
 * with the same mask, or the grid and the detail view, fetch it once. The store calls its listeners when an
 * image arrives, and canvases redraw.
 */

import { colourClassMap } from "./classMap";
import type { LoadedImage, MaskImages } from "./renderers/types";

/** Fetches and decodes one image; segmentation masks come back recoloured by class. */
export type ImageLoader = (url: string, classMap: boolean) => Promise<LoadedImage>;

/** The server's full-resolution asset route: masks are drawn at the sample's size, never from thumbnails. */
export function assetFileUrl(locator: string): string {
  return `/api/v1/app/assets/file?locator=${encodeURIComponent(locator)}`;
}

type Entry = { state: "loading" } | { state: "loaded"; image: LoadedImage } | { state: "failed" };

export class MaskImageStore {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

  /**
   * @param load Fetches and decodes (the browser's by default).
   * @param url The URL of a locator.
   * @param limit How many images to keep; the least recently used go first.
   */
  constructor(
    private readonly load: ImageLoader = loadInBrowser,
    private readonly url: (locator: string) => string = assetFileUrl,
    private readonly limit = 64,
  ) {}

  /** The image if loaded; otherwise starts loading it (once) and returns undefined. */
  readonly get: MaskImages = (locator, classMap) => {
    const key = `${classMap ? "class" : "image"}:${locator}`;
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // Re-inserted: a Map keeps insertion order, which makes it the eviction order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.state === "loaded" ? entry.image : undefined;
    }
    this.entries.set(key, { state: "loading" });
    this.evict();
    this.load(this.url(locator), classMap).then(
      (image) => this.settle(key, { state: "loaded", image }),
      () => this.settle(key, { state: "failed" }),
    );
    return undefined;
  };

  /** Calls `listener` whenever an image arrives; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether the image of a locator failed to load (the legend may say so). */
  failed(locator: string, classMap: boolean): boolean {
    return this.entries.get(`${classMap ? "class" : "image"}:${locator}`)?.state === "failed";
  }

  private settle(key: string, entry: Entry): void {
    if (!this.entries.has(key)) return;
    this.entries.set(key, entry);
    if (entry.state === "loaded") for (const listener of [...this.listeners]) listener();
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(key);
    }
  }
}

async function loadInBrowser(url: string, classMap: boolean): Promise<LoadedImage> {
  const image = new Image();
  image.decoding = "async";
  // A class map's pixels are read back to colour them, which a cross-origin image (an S3 original the server
  // redirects to) allows only when fetched with CORS; a bitmap is only drawn, so it needs no CORS.
  if (classMap) image.crossOrigin = "anonymous";
  image.src = url;
  await image.decode();
  const { naturalWidth: width, naturalHeight: height } = image;
  if (!classMap) return { source: image, width, height };
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (context === null) throw new Error("no 2-D canvas context to colour the mask");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, width, height);
  colourClassMap(pixels.data);
  context.putImageData(pixels, 0, 0);
  return { source: canvas, width, height };
}

let shared: MaskImageStore | undefined;

/** The store canvases use unless given one. */
export function sharedMaskImages(): MaskImageStore {
  shared ??= new MaskImageStore();
  return shared;
}
