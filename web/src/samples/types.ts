// The types the gallery, the sample detail page and their users (the Studio) share. The records come from the
// generated schema (assay.service.sample_views); the rest is the gallery's contract with its pages.
import type { components } from "../api/schema";

type Schemas = components["schemas"];
export type SampleItem = Schemas["SampleItem"];
export type SamplePage = Schemas["SamplePage"];
export type SampleQuery = Schemas["SampleQuery"];
export type SampleDetail = Schemas["SampleDetail"];
export type SampleModelResult = Schemas["SampleModelResult"];
export type SampleFields = Schemas["SampleFields"];
export type ModelRef = Schemas["ModelRef"];
export type TestCaseRef = Schemas["TestCaseRef"];

/** A sample as the gallery shows it: a page item, with an optional badge (a delta's "right → wrong"). */
export type GalleryItem = SampleItem & { badge?: string; tone?: "better" | "worse" | "neutral" };

/** One page of a gallery's samples, and how many there are in all. */
export interface GalleryPage {
  items: GalleryItem[];
  total: number;
}

/**
 * Where a gallery's samples come from: a Studio query, the samples behind a delta, a test case...
 *
 * `key` names the source (pages are cached under it, so a new query must give a new key); `fetchPage` returns
 * the samples at `[offset, offset + limit)` and the total. The signal aborts pages scrolled past before they
 * arrived; a source may ignore it.
 */
export interface GallerySource {
  key: readonly unknown[];
  fetchPage(offset: number, limit: number, signal?: AbortSignal): Promise<GalleryPage>;
}

/** Samples chosen by hand (`ids`), or every sample of the source but a few (`all`). */
export type Selection = { mode: "ids"; ids: Set<number> } | { mode: "all"; excluded: Set<number> };

/** What the overlays show: ground truth, each model's inferences, a confidence floor, TP/FP/FN colouring. */
export interface LayerState {
  groundTruth: boolean;
  /** Models whose inferences are hidden, by id (every model asked for is shown unless listed). */
  hiddenModels: readonly number[];
  /** Scored annotations below this are not drawn (0: all). */
  minConfidence: number;
  /** Colour matched / unmatched annotations (TP, FP, FN) where the evaluator stored matches. */
  matchColouring: boolean;
}

export const DEFAULT_LAYERS: LayerState = { groundTruth: true, hiddenModels: [], minConfidence: 0, matchColouring: false };
