import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { Gallery, overlaySize } from "./Gallery";
import { cellThumbnail } from "./GalleryCell";
import { MAX_CACHED_PAGES, PAGE_SIZE, evictPages, pageQuery } from "./pages";
import { cellView } from "./RowOverlay";
import { noSelection } from "./selection";
import { installPointerEvents, stubCanvas } from "./testSupport";
import { DEFAULT_LAYERS, type GalleryItem, type GallerySource, type Selection } from "./types";

/** Sample `index` of a synthetic source: id = index + 1000. */
function itemAt(index: number): GalleryItem {
  const locator = `/data/img-${index}.png`;
  return {
    id: index + 1000,
    key: `img-${index}.png`,
    locator,
    thumbnail: `/api/v1/app/assets/thumbnail?locator=${encodeURIComponent(locator)}`,
    data_type: "TEST_SAMPLE/IMAGE",
    width: 640,
    height: 480,
    data: { locator, data_type: "TEST_SAMPLE/IMAGE" },
    metadata: {},
    ground_truth: { keypoints: { points: [[10, 20]], data_type: "ANNOTATION/KEYPOINTS" } },
    inferences: {},
    metrics: {},
    ...(index % 7 === 3 ? { badge: "right → wrong", tone: "worse" as const } : {}),
  };
}

function syntheticSource(total: number, key: unknown = "synthetic") {
  const calls: [number, number][] = [];
  const source: GallerySource = {
    key: [key, total],
    fetchPage: vi.fn(async (offset: number, limit: number) => {
      calls.push([offset, limit]);
      const items = [];
      for (let index = offset; index < Math.min(total, offset + limit); index += 1) items.push(itemAt(index));
      return { items, total };
    }),
  };
  return { source, calls };
}

function newClient() {
  return new QueryClient({ defaultOptions: { queries: { retry: false } } });
}

function Harness({
  source,
  onOpen,
  initial = noSelection(),
  onSelection,
}: {
  source: GallerySource;
  onOpen?: (item: GalleryItem, index: number) => void;
  initial?: Selection;
  onSelection?: (selection: Selection) => void;
}) {
  const [selection, setSelection] = useState<Selection>(initial);
  return (
    <Gallery
      source={source}
      layers={DEFAULT_LAYERS}
      selection={selection}
      onSelectionChange={(next) => {
        setSelection(next);
        onSelection?.(next);
      }}
      onOpen={onOpen}
    />
  );
}

function renderGallery(element: React.ReactElement, client = newClient()) {
  return { client, ...render(<QueryClientProvider client={client}>{element}</QueryClientProvider>) };
}

beforeEach(() => {
  stubCanvas();
  installPointerEvents();
});

const cells = () => [...document.querySelectorAll<HTMLElement>("[data-sample-id]")];
const indices = () => cells().map((cell) => Number(cell.dataset.index));
const scrubber = () => screen.getByRole("scrollbar", { name: "Position in the samples" });

describe("the gallery", () => {
  it("draws the first rows' cells from the first page only, each with its id, index, key, badge and thumbnail", async () => {
    const { source, calls } = syntheticSource(1_000_000);
    renderGallery(<Harness source={source} />);
    await waitFor(() => expect(cells().length).toBeGreaterThan(0));
    // 1200 px wide: five columns; 800 px tall: four rows on screen and two drawn below.
    expect(indices()).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(calls).toEqual([[0, PAGE_SIZE]]);
    const third = cells()[3];
    expect(third.dataset.sampleId).toBe("1003");
    expect(within(third).getByText("img-3.png")).toBeInTheDocument();
    expect(within(third).getByText("right → wrong")).toHaveClass("tone-worse");
    const image = third.querySelector("img")!;
    expect(image.getAttribute("src")).toBe(itemAt(3).thumbnail);
    expect(image.getAttribute("loading")).toBe("lazy");
    expect(image.getAttribute("decoding")).toBe("async");
    // Overlays: one canvas per row, each cell's image placed as its thumbnail sits (640 × 480 contained in
    // the square, centred), every ground-truth keypoint set drawn.
    const overlays = await screen.findAllByTestId("gallery-overlay");
    expect(overlays).toHaveLength(7);
    expect(overlays[0]).toHaveAttribute("data-annotations", "5");
    expect(overlays[0].style.top).toBe(third.style.top);
    expect(overlays[0].dataset.cells?.split(",").map(Number)).toEqual(cells().slice(0, 5).map((cell) => Number.parseFloat(cell.style.left)));
    expect(screen.getByRole("status")).toHaveTextContent("1,000,000 samples");
    expect(scrubber()).toHaveAttribute("aria-valuetext", "1 / 1,000,000");
  });

  it("jumps to the end from the scrubber and asks only for the pages it shows", async () => {
    const { source, calls } = syntheticSource(1_000_000);
    renderGallery(<Harness source={source} />);
    await waitFor(() => expect(cells().length).toBeGreaterThan(0));
    fireEvent.keyDown(scrubber(), { key: "End" });
    // 200,000 rows of five; the last four fill the screen.
    expect(scrubber()).toHaveAttribute("aria-valuetext", "999,981 / 1,000,000");
    await waitFor(() => expect(indices()).toContain(999_999));
    expect(Math.min(...indices())).toBeGreaterThanOrEqual(999_970);
    expect(calls).toEqual([
      [0, PAGE_SIZE],
      [999_900, PAGE_SIZE],
    ]);
    fireEvent.keyDown(scrubber(), { key: "Home" });
    await waitFor(() => expect(indices()[0]).toBe(0));
    // Page 0 was cached: no new request.
    expect(calls).toHaveLength(2);
  });

  it("jumps to a point of the track on a click", async () => {
    const { source, calls } = syntheticSource(1_000_000);
    renderGallery(<Harness source={source} />);
    await waitFor(() => expect(cells().length).toBeGreaterThan(0));
    const track = scrubber();
    track.getBoundingClientRect = () => ({ top: 0, height: 1000, left: 0, width: 14, right: 14, bottom: 1000, x: 0, y: 0, toJSON: () => ({}) });
    fireEvent.pointerDown(track, { button: 0, clientY: 500, pointerId: 1 });
    fireEvent.pointerUp(track, { pointerId: 1 });
    // Half way: row (200,000 - 4) / 2 = 99,998, sample 499,990.
    expect(track).toHaveAttribute("aria-valuetext", "499,991 / 1,000,000");
    await waitFor(() => expect(indices()).toContain(499_990));
    // Rows 99,996 to 100,004 drawn: samples 499,980 to 500,024, on two pages.
    expect(calls.map(([offset]) => offset)).toEqual([0, 499_900, 500_000]);
  });

  it("re-renders on scroll only as rows cross the top, drawing the rows that came into view", async () => {
    const { source } = syntheticSource(10_000);
    renderGallery(<Harness source={source} />);
    await waitFor(() => expect(cells().length).toBeGreaterThan(0));
    const scroll = screen.getByTestId("gallery-scroll");
    const rowHeight = Number.parseFloat(cells()[5].style.top) - Number.parseFloat(cells()[0].style.top);
    act(() => {
      scroll.scrollTop = rowHeight * 10 + 5;
      fireEvent.scroll(scroll);
    });
    await waitFor(() => expect(indices()[0]).toBe(40));
    // Rows 8 to 16 (two above, four on screen, two more below the partly shown one).
    expect(Math.max(...indices())).toBe(84);
  });

  it("changes the cell size from the toolbar, keeping the first sample at the top", async () => {
    const { source } = syntheticSource(10_000);
    renderGallery(<Harness source={source} />);
    await waitFor(() => expect(cells().length).toBeGreaterThan(0));
    fireEvent.keyDown(scrubber(), { key: "PageDown" });
    // Three rows of five down.
    await waitFor(() => expect(scrubber()).toHaveAttribute("aria-valuetext", "16 / 10,000"));
    fireEvent.change(screen.getByRole("combobox", { name: "Size" }), { target: { value: "120" } });
    // Nine columns now: sample 16 (index 15) is in row 1, which starts at index 9.
    await waitFor(() => expect(scrubber()).toHaveAttribute("aria-valuetext", "10 / 10,000"));
    const tops = new Set(cells().map((cell) => cell.style.top));
    expect(cells().filter((cell) => cell.style.top === cells()[0].style.top)).toHaveLength(9);
    expect(tops.size).toBeGreaterThan(4);
    fireEvent.change(screen.getByRole("combobox", { name: "Size" }), { target: { value: "320" } });
    // Three columns: index 9 is the first of row 3.
    await waitFor(() => expect(scrubber()).toHaveAttribute("aria-valuetext", "10 / 10,000"));
    expect(cells().filter((cell) => cell.style.top === cells()[0].style.top)).toHaveLength(3);
  });

  it("opens a sample on a click", async () => {
    const { source } = syntheticSource(50);
    const onOpen = vi.fn();
    renderGallery(<Harness source={source} onOpen={onOpen} />);
    fireEvent.click(await screen.findByRole("button", { name: "Open img-7.png" }));
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ id: 1007 }), 7);
  });

  it("selects by hand, in shift ranges, and all but some", async () => {
    const { source } = syntheticSource(50);
    const onSelection = vi.fn();
    renderGallery(<Harness source={source} onSelection={onSelection} />);
    const box = async (index: number) => screen.findByRole("checkbox", { name: `Select img-${index}.png` });
    fireEvent.click(await box(2));
    expect(onSelection).toHaveBeenLastCalledWith({ mode: "ids", ids: new Set([1002]) });
    fireEvent.click(await box(6), { shiftKey: true });
    await waitFor(() => expect(onSelection).toHaveBeenLastCalledWith({ mode: "ids", ids: new Set([1002, 1003, 1004, 1005, 1006]) }));
    expect(await box(4)).toBeChecked();
    expect(cells()[4]).toHaveClass("selected");
    expect(screen.getByRole("status")).toHaveTextContent("50 samples · 5 selected");

    fireEvent.click(screen.getByRole("button", { name: "Select all 50" }));
    expect(onSelection).toHaveBeenLastCalledWith({ mode: "all", excluded: new Set() });
    fireEvent.click(await box(9));
    expect(onSelection).toHaveBeenLastCalledWith({ mode: "all", excluded: new Set([1009]) });
    expect(screen.getByRole("status")).toHaveTextContent("50 samples · 49 selected");
    expect(await box(10)).toBeChecked();
    fireEvent.click(screen.getByRole("button", { name: "Clear selection" }));
    expect(await box(10)).not.toBeChecked();
  });

  it("says when nothing matches, and shows a failed page's error with a retry", async () => {
    const empty: GallerySource = { key: ["empty"], fetchPage: async () => ({ items: [], total: 0 }) };
    const { unmount } = renderGallery(<Gallery source={empty} layers={DEFAULT_LAYERS} />);
    expect(await screen.findByText("No samples match.")).toBeInTheDocument();
    unmount();
    let fail = true;
    const flaky: GallerySource = {
      key: ["flaky"],
      fetchPage: async (offset, limit) => {
        if (fail) throw new Error("server down");
        return { items: [itemAt(offset)].slice(0, limit), total: 1 };
      },
    };
    renderGallery(<Gallery source={flaky} layers={DEFAULT_LAYERS} />);
    expect(await screen.findByRole("alert")).toHaveTextContent("Samples failed to load: server down");
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(cells()).toHaveLength(1));
  });

  it("starts again at the top with a new source", async () => {
    const first = syntheticSource(100_000, "a").source;
    const second = syntheticSource(100_000, "b").source;
    const { rerender, client } = renderGallery(<Gallery source={first} layers={DEFAULT_LAYERS} />);
    await waitFor(() => expect(cells().length).toBeGreaterThan(0));
    fireEvent.keyDown(scrubber(), { key: "End" });
    await waitFor(() => expect(indices()).toContain(99_999));
    rerender(
      <QueryClientProvider client={client}>
        <Gallery source={second} layers={DEFAULT_LAYERS} />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(indices()[0]).toBe(0));
  });
});

describe("thumbnails", () => {
  it("asks for half-size thumbnails for small cells, the server's default otherwise", () => {
    const item = itemAt(4);
    const media = { kind: "image" as const, dataType: "TEST_SAMPLE/IMAGE", path: "", locator: item.locator ?? "" };
    expect(cellThumbnail(item, media, 240)).toBe(item.thumbnail);
    expect(cellThumbnail(item, media, 120)).toBe(`${item.thumbnail}&size=128`);
    const member = { ...media, path: "left", locator: "/d/l.png" };
    expect(cellThumbnail(item, member, 240)).toBe("/api/v1/app/assets/thumbnail?locator=%2Fd%2Fl.png");
    expect(cellThumbnail(item, member, 100)).toBe("/api/v1/app/assets/thumbnail?locator=%2Fd%2Fl.png&size=128");
  });
});

describe("overlay geometry", () => {
  it("places a cell's image pixels where its contained thumbnail is", () => {
    const view = cellView({ source: itemAt(0), path: "", left: 100, naturalWidth: 640, naturalHeight: 480 }, 200);
    // 640 × 480 in a 200 px square: 200 × 150, 25 px from the top.
    expect(view).toEqual({ scale: 200 / 640, offsetX: 100, offsetY: 25 });
  });

  it("takes the server's size, else a thumbnail's when it is the original", () => {
    const item = itemAt(1);
    expect(overlaySize(item, "", new Map())).toEqual({ width: 640, height: 480 });
    const unsized = { ...item, width: null, height: null };
    expect(overlaySize(unsized, "", new Map())).toBeNull();
    expect(overlaySize(unsized, "", new Map([["1001\u241f", { width: 128, height: 96 }]]))).toEqual({ width: 128, height: 96 });
    // A thumbnail scaled down to 256 px says nothing of the original's size.
    expect(overlaySize(unsized, "", new Map([["1001\u241f", { width: 256, height: 192 }]]))).toBeNull();
  });
});

describe("the page cache", () => {
  it("drops the oldest pages nothing draws beyond the bound, never a drawn one", async () => {
    const client = newClient();
    const { source } = syntheticSource(1_000_000);
    const total = MAX_CACHED_PAGES + 10;
    for (let page = 0; page < total; page += 1) {
      client.setQueryData(pageQuery(source, PAGE_SIZE, page).queryKey, { items: [], total: 1_000_000 }, { updatedAt: 1000 + page });
    }
    // Page 0 is drawn (observed).
    function Observer() {
      useQuery(pageQuery(source, PAGE_SIZE, 0));
      return null;
    }
    render(
      <QueryClientProvider client={client}>
        <Observer />
      </QueryClientProvider>,
    );
    expect(evictPages(client, source.key, MAX_CACHED_PAGES)).toBe(10);
    const left = client
      .getQueryCache()
      .findAll({ queryKey: ["gallery-page", source.key] })
      .map((query) => query.queryKey[3] as number)
      .sort((a, b) => a - b);
    expect(left).toHaveLength(MAX_CACHED_PAGES);
    expect(left[0]).toBe(0);
    expect(left[1]).toBe(11);
  });
});
