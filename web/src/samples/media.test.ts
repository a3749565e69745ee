import { describe, expect, it } from "vitest";

import { assetUrl, firstLines, sampleMedia, sampleName, thumbnailUrl } from "./media";

describe("what a sample shows, by data type", () => {
  it("shows an image by its locator", () => {
    const media = sampleMedia({ locator: "s3://b/cat.jpg", data_type: "TEST_SAMPLE/IMAGE" }, "TEST_SAMPLE/IMAGE", "s3://b/cat.jpg");
    expect(media.parts).toEqual([{ kind: "image", dataType: "TEST_SAMPLE/IMAGE", path: "", locator: "s3://b/cat.jpg" }]);
  });

  it("shows a text as text", () => {
    const media = sampleMedia({ text: "hello\nworld", data_type: "TEST_SAMPLE/TEXT" }, null, null);
    expect(media.parts).toEqual([{ kind: "text", dataType: "TEST_SAMPLE/TEXT", path: "", text: "hello\nworld" }]);
  });

  it("shows a composite's members side by side, and its assets as attachments", () => {
    const data = {
      a: { locator: "/d/a.png", data_type: "TEST_SAMPLE/IMAGE" },
      b: { locator: "/d/b.png", data_type: "TEST_SAMPLE/IMAGE" },
      caption: { text: "two cats", data_type: "TEST_SAMPLE/TEXT" },
      depth: { locator: "/d/depth.pcd", data_type: "ASSET/POINT_CLOUD" },
      data_type: "TEST_SAMPLE/COMPOSITE",
    };
    const media = sampleMedia(data, "TEST_SAMPLE/COMPOSITE", null);
    expect(media.parts.map((part) => [part.kind, part.path])).toEqual([
      ["image", "a"],
      ["image", "b"],
      ["text", "caption"],
    ]);
    expect(media.attachments).toEqual([{ kind: "link", dataType: "ASSET/POINT_CLOUD", path: "depth", locator: "/d/depth.pcd" }]);
  });

  it("plays audio and video, and links documents, point clouds and meshes", () => {
    expect(sampleMedia({ locator: "/a.wav" }, "TEST_SAMPLE/AUDIO", "/a.wav").parts[0].kind).toBe("audio");
    const video = sampleMedia(
      { locator: "/v.mp4", thumbnail: { locator: "/v.jpg", data_type: "ASSET/IMAGE" }, data_type: "TEST_SAMPLE/VIDEO" },
      null,
      "/v.mp4",
    );
    expect(video.parts[0]).toMatchObject({ kind: "video", locator: "/v.mp4", poster: "/v.jpg" });
    for (const type of ["TEST_SAMPLE/DOCUMENT", "TEST_SAMPLE/POINT_CLOUD"]) {
      expect(sampleMedia({ locator: "/f" }, type, "/f").parts[0].kind).toBe("link");
    }
    const attached = sampleMedia(
      {
        locator: "/i.png",
        data_type: "TEST_SAMPLE/IMAGE",
        clips: [
          { locator: "/c.mp3", data_type: "ASSET/AUDIO" },
          { locator: "/m.ply", data_type: "ASSET/MESH" },
        ],
      },
      null,
      "/i.png",
    );
    expect(attached.attachments.map((media) => [media.kind, media.path])).toEqual([
      ["audio", "clips[0]"],
      ["link", "clips[1]"],
    ]);
  });

  it("shows a custom sample with a thumbnail as an image, else as a link", () => {
    expect(sampleMedia({ locator: "/x.png" }, "TEST_SAMPLE/CUSTOM", "/x.png", true).parts[0].kind).toBe("image");
    expect(sampleMedia({ locator: "/x.bin" }, "TEST_SAMPLE/CUSTOM", "/x.bin", false).parts[0].kind).toBe("link");
    expect(sampleMedia({ score: 1 }, "TEST_SAMPLE/CUSTOM", null).parts).toEqual([]);
  });

  it("encodes locators into the asset URLs", () => {
    expect(assetUrl("file:///data/a b.png")).toBe("/api/v1/app/assets/file?locator=file%3A%2F%2F%2Fdata%2Fa%20b.png");
    expect(thumbnailUrl("s3://b/k?x=1", 128)).toBe("/api/v1/app/assets/thumbnail?locator=s3%3A%2F%2Fb%2Fk%3Fx%3D1&size=128");
    expect(thumbnailUrl("/a.png")).toBe("/api/v1/app/assets/thumbnail?locator=%2Fa.png");
  });

  it("cuts a text to its first lines", () => {
    expect(firstLines("a\nb\nc\nd", 2)).toBe("a\nb");
    expect(firstLines("x".repeat(500), 6, 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("sampleName", () => {
  it("is the locator's file name, decoded, without query or fragment", () => {
    expect(sampleName({ key: "d87b", locator: "file:///data/faces/face-0001.png" })).toBe("face-0001.png");
    expect(sampleName({ key: "d87b", locator: "https://h/x/a%20b.jpg?sig=1#f" })).toBe("a b.jpg");
    expect(sampleName({ key: "d87b", locator: "s3://bucket/dir/" })).toBe("dir");
  });

  it("falls back to the key without a locator or a name in it", () => {
    expect(sampleName({ key: "d87b", locator: null })).toBe("d87b");
    expect(sampleName({ key: "d87b" })).toBe("d87b");
    expect(sampleName({ key: "d87b", locator: "https://h/" })).toBe("h");
    expect(sampleName({ key: "d87b", locator: "bad%E0%A4%A.png" })).toBe("bad%E0%A4%A.png");
  });
});
