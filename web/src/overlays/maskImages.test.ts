import { describe, expect, it, vi } from "vitest";

import { MaskImageStore, assetFileUrl } from "./maskImages";
import type { LoadedImage } from "./renderers/types";

function deferredLoader() {
  const pending = new Map<string, { resolve: (image: LoadedImage) => void; reject: (error: Error) => void }>();
  const load = vi.fn(
    (url: string, classMap: boolean) =>
      new Promise<LoadedImage>((resolve, reject) => pending.set(`${classMap}:${url}`, { resolve, reject })),
  );
  return { load, pending };
}

const image = (width: number): LoadedImage => ({ source: {} as CanvasImageSource, width, height: width });

describe("MaskImageStore", () => {
  it("loads each locator once per mode, tells listeners when it arrives, then returns it", async () => {
    const { load, pending } = deferredLoader();
    const store = new MaskImageStore(load);
    const listener = vi.fn();
    store.subscribe(listener);
    expect(store.get("s3://b/m.png", true)).toBeUndefined();
    expect(store.get("s3://b/m.png", true)).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith("/api/v1/app/assets/file?locator=s3%3A%2F%2Fb%2Fm.png", true);
    store.get("s3://b/m.png", false);
    expect(load).toHaveBeenCalledTimes(2);
    const loaded = image(8);
    pending.get(`true:${assetFileUrl("s3://b/m.png")}`)?.resolve(loaded);
    await vi.waitFor(() => expect(listener).toHaveBeenCalledTimes(1));
    expect(store.get("s3://b/m.png", true)).toBe(loaded);
  });

  it("remembers a failure without retrying or notifying", async () => {
    const { load, pending } = deferredLoader();
    const store = new MaskImageStore(load);
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.get("a", false);
    pending.get(`false:${assetFileUrl("a")}`)?.reject(new Error("404"));
    await vi.waitFor(() => expect(store.failed("a", false)).toBe(true));
    expect(store.get("a", false)).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    expect(listener).not.toHaveBeenCalled();
    unsubscribe();
  });

  it("keeps the most recently used images within its limit", async () => {
    const load = vi.fn(async (url: string) => image(url.length));
    const store = new MaskImageStore(load, (locator) => locator, 2);
    store.get("a", false);
    store.get("b", false);
    await vi.waitFor(() => expect(store.get("b", false)).toBeDefined());
    store.get("a", false);
    store.get("c", false);
    // "b" was used least recently: evicted, and loaded again when asked for.
    store.get("b", false);
    expect(load.mock.calls.map(([url]) => url)).toEqual(["a", "b", "c", "b"]);
  });
});
