// The Studio: the samples of a suite version filtered by any field, model results included; distributions of
// every field with each model's metric per bin; a gallery to pick samples from; and curation (a test case of
// the selection, or one per value of a field). Delta mode shows the samples behind one results cell instead.
// All of it is in the URL (urlQuery.ts), so a Studio view is a link.

import "./studio.css";

import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { useSuiteSummaries } from "../api/views";
import { ErrorState, Loading } from "../components/States";
import { formatDelta, formatNumber, plural } from "../format";
import { resultsUrl, suiteUrl } from "../links";
import { modelColour } from "../overlays/palette";
import { urlLayers } from "../samples/layerState";
import { noSelection, selectedCount } from "../samples/selection";
import type { GalleryItem, GallerySource, Selection } from "../samples/types";
import { useUrlState } from "../useUrlState";
import { useTitle } from "../useTitle";
import {
  allDeltaIds,
  fetchDeltaPage,
  fetchSamplePage,
  useDebounced,
  useDeltaSummary,
  useHistograms,
  useSampleCount,
  useSampleFields,
  useStoredQuery,
} from "./api";
import { CreateTestCaseDialog, SplitDialog } from "./Dialogs";
import { FilterBar } from "./FilterBar";
import { HistogramSidebar } from "./HistogramSidebar";
import {
  type Names,
  applyBin,
  countText,
  describeDifference,
  describePredicate,
  metricFields,
  namesOf,
  resolveMetric,
  resolveModels,
  suggestName,
} from "./predicates";
import { createTestCaseBody } from "./selection";
import { StudioGallery } from "./StudioGallery";
import type { DeltaSample, DeltaSamples, Histogram, HistogramRequest, SampleFields } from "./types";
import { type DeltaCell, type StudioState, parseStudioState, sampleQueryOf, sampleUrl, writeStudioState } from "./urlQuery";

/** Bins of a numeric field's histogram: enough to see a shape, few enough to click one. */
const HISTOGRAM_BINS = 20;

type Update = (changes: Partial<StudioState>, options?: { replace?: boolean }) => void;

/** The URL's parameters the Studio's state does not hold (the gallery's layers): kept across updates. */
const STUDIO_KEYS = new Set(["suite", "case", "models", "configuration", "metric", "q", "d", "sort", "delta", "evaluator"]);

function useStudioState(): [StudioState, Update] {
  const [searchParams, setSearchParams] = useSearchParams();
  const state = useMemo(() => parseStudioState(searchParams), [searchParams]);
  // Navigations render as transitions, so a second change can come before the page has rendered the first;
  // the router's own "previous" is then the render's, and the first change would be lost. Changes build on
  // the last URL written instead.
  const latest = useRef(searchParams);
  const pending = useRef<string[]>([]);
  useEffect(() => {
    // A URL this hook wrote arriving: the writes after it are still ahead. Any other URL (a link, the back
    // button) is where the user went: changes build on it.
    const at = pending.current.indexOf(searchParams.toString());
    if (at >= 0) pending.current = pending.current.slice(at + 1);
    else pending.current = [];
    if (pending.current.length === 0) latest.current = searchParams;
  }, [searchParams]);
  const update = useCallback<Update>(
    (changes, options) => {
      const previous = latest.current;
      const next = writeStudioState({ ...parseStudioState(previous), ...changes });
      for (const [key, value] of previous) if (!STUDIO_KEYS.has(key)) next.append(key, value);
      latest.current = next;
      pending.current.push(next.toString());
      setSearchParams(next, { replace: options?.replace ?? false });
    },
    [setSearchParams],
  );
  return [state, update];
}

// -- no suite yet -------------------------------------------------------------------------------------------
function SuitePicker({ update }: { update: Update }) {
  const [search, setSearch] = useState("");
  const suites = useSuiteSummaries(search);
  useTitle("Studio");
  const items = suites.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="studio-page">
      <h1>Studio</h1>
      <p className="muted">Pick a test suite to explore its samples, filter them by any field or model result, and make test cases of them.</p>
      <label className="st-field">
        <span>Search suites</span>
        <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
      </label>
      {suites.isError ? <ErrorState error={suites.error} /> : null}
      {suites.data && items.length === 0 ? <p className="state">No test suite matches.</p> : null}
      <ul className="plain st-suites">
        {items.map((suite) => (
          <li key={suite.id}>
            <button type="button" className="st-suite" onClick={() => update({ suite: suite.id })}>
              <strong>{suite.name}</strong> <span className="muted">version {suite.version}</span>
              <span className="muted">
                {" "}
                · {suite.workflow} · {plural(suite.n_test_cases, "test case")}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

// -- scope --------------------------------------------------------------------------------------------------
function ScopeBar({ fields, state, update, delta }: { fields: SampleFields; state: StudioState; update: Update; delta: boolean }) {
  const id = useId();
  const models = resolveModels(fields, state.models);
  const metric = resolveMetric(fields, state.metric);
  const chosen = new Set(models.map((m) => m.id));
  const toggleModel = (id: number, on: boolean) => {
    const next = fields.models.filter((m) => (m.id === id ? on : chosen.has(m.id))).map((m) => m.id);
    // Every model (or none, which would show no results) is the default: left out of the URL.
    update({ models: next.length === 0 || next.length === fields.models.length ? null : next });
  };
  return (
    <section className="st-scope" aria-label="Scope">
      <span className="st-scope-field">
        <label htmlFor={`${id}-case`}>Test case</label>
        <select
          id={`${id}-case`}
          value={state.testCase ?? ""}
          disabled={delta}
          onChange={(event) => update({ testCase: event.target.value === "" ? null : Number(event.target.value) })}
        >
          <option value="">Whole suite ({plural(fields.n_samples, "sample")})</option>
          {fields.test_cases.map((tc) => (
            <option key={tc.id} value={tc.id}>
              {tc.name} ({plural(tc.n_samples, "sample")})
            </option>
          ))}
        </select>
      </span>
      {!delta && fields.models.length > 0 ? (
        <fieldset className="st-models">
          <legend>Models</legend>
          {fields.models.map((model) => (
            <label key={model.id}>
              <input type="checkbox" checked={chosen.has(model.id)} onChange={(event) => toggleModel(model.id, event.target.checked)} /> {model.name}
            </label>
          ))}
        </fieldset>
      ) : null}
      {!delta && fields.configurations.length > 1 ? (
        <span className="st-scope-field">
          <label htmlFor={`${id}-configuration`}>Configuration</label>
          <select id={`${id}-configuration`} value={state.configuration ?? fields.configurations[0]} onChange={(event) => update({ configuration: event.target.value })}>
            {fields.configurations.map((c) => (
              <option key={c} value={c}>
                {c === "" ? "default" : c}
              </option>
            ))}
          </select>
        </span>
      ) : null}
      {!delta && metricFields(fields.fields).length > 0 ? (
        <span className="st-scope-field">
          <label htmlFor={`${id}-metric`}>Sidebar metric</label>
          <select id={`${id}-metric`} value={metric ?? ""} onChange={(event) => update({ metric: event.target.value }, { replace: true })}>
            {metricFields(fields.fields).map((f) => (
              <option key={f.name} value={f.name}>
                {f.label}
              </option>
            ))}
          </select>
        </span>
      ) : null}
      {!delta && state.testCase !== null ? <StoredQueryNote testCaseId={state.testCase} names={namesOf(fields)} update={update} /> : null}
    </section>
  );
}

/**
 * For a test case made in the Studio: the filters it was made with, and a way to apply them to the whole
 * suite (to see what else matches now, or to make a sibling test case).
 */
function StoredQueryNote({ testCaseId, names, update }: { testCaseId: number; names: Names; update: Update }) {
  const stored = useStoredQuery(testCaseId);
  const data = stored.data;
  if (!data) return null;
  const { query } = data;
  const filters = [...(query.predicates ?? []).map((p) => describePredicate(p, names)), ...(query.differences ?? []).map((d) => describeDifference(d, names))];
  return (
    <p className="st-stored" data-testid="stored-query">
      Made in the Studio
      {data.created_from ? ` from version ${data.created_from.version}` : ""}
      {filters.length > 0 ? `, with ${filters.join(", ")}` : ", by hand"}.{" "}
      {filters.length > 0 ? (
        <button
          type="button"
          className="st-link"
          onClick={() =>
            update({ testCase: null, predicates: query.predicates ?? [], differences: query.differences ?? [], sort: query.sort ?? null })
          }
        >
          Apply these filters to the whole suite
        </button>
      ) : null}
    </p>
  );
}

// -- delta mode ---------------------------------------------------------------------------------------------
const CHANGE_WORDS: Record<DeltaSample["change"], string> = {
  right_to_wrong: "right → wrong",
  wrong_to_right: "wrong → right",
  moved: "moved",
  unchanged: "unchanged",
};

/** A delta's sample as a gallery item: its badge says how it changed and its share of the change. */
export function deltaItem(entry: DeltaSample): GalleryItem {
  const flipped = entry.change === "right_to_wrong" || entry.change === "wrong_to_right";
  return {
    ...entry.item,
    badge: flipped ? CHANGE_WORDS[entry.change] : `${formatDelta(entry.contribution, 2)}`,
    tone: entry.change === "right_to_wrong" ? "worse" : entry.change === "wrong_to_right" ? "better" : "neutral",
  };
}

export function DeltaHeader({ summary, fields, testCaseId, delta }: { summary: DeltaSamples | undefined; fields: SampleFields; testCaseId: number; delta: DeltaCell }) {
  const names = new Map(fields.models.map((m) => [m.id, m.name]));
  const model = names.get(delta.modelId) ?? `model ${delta.modelId}`;
  const baseline = names.get(delta.baselineId) ?? `model ${delta.baselineId}`;
  const testCase = fields.test_cases.find((tc) => tc.id === testCaseId)?.name ?? `test case ${testCaseId}`;
  const change = summary && summary.value !== null && summary.baseline_value !== null ? summary.value - summary.baseline_value : null;
  return (
    <section className="st-delta card" aria-label="Samples behind a change" data-testid="delta-header">
      <h2>
        {delta.metric} of {model} vs {baseline}
      </h2>
      <p>
        {testCase}
        {delta.configuration !== null ? ` · configuration ${delta.configuration}` : ""}
      </p>
      {summary ? (
        <>
          <p className="st-delta-values">
            <span>
              {baseline}: <strong>{formatNumber(summary.baseline_value)}</strong>
            </span>{" "}
            →{" "}
            <span>
              {model}: <strong>{formatNumber(summary.value)}</strong>
            </span>{" "}
            {change !== null ? <span className="muted">({formatDelta(change)})</span> : null}
          </p>
          <p>
            {summary.n_flipped.right_to_wrong !== undefined || summary.n_flipped.wrong_to_right !== undefined ? (
              <>
                <span className="st-tone-worse">{plural(summary.n_flipped.right_to_wrong ?? 0, "sample")} right → wrong</span>
                {" · "}
                <span className="st-tone-better">{plural(summary.n_flipped.wrong_to_right ?? 0, "sample")} wrong → right</span>
                {" · "}
              </>
            ) : null}
            {plural(summary.total, "sample")} ranked by their share of the change
            {summary.method === "per_sample" && summary.basis ? ` (each sample's ${summary.basis}, divided by the count)` : " (leaving each sample out)"}
          </p>
        </>
      ) : null}
    </section>
  );
}

// -- the page -----------------------------------------------------------------------------------------------
function StudioView({ state, update, fields }: { state: StudioState; update: Update; fields: SampleFields }) {
  const navigate = useNavigate();
  const suiteId = fields.suite.id;
  const delta = state.delta !== null && state.testCase !== null ? state.delta : null;
  const models = useMemo(() => {
    if (!delta) return resolveModels(fields, state.models);
    return [delta.baselineId, delta.modelId].map((id) => fields.models.find((m) => m.id === id) ?? { id, name: `model ${id}` });
  }, [fields, state.models, delta]);
  const modelIds = useMemo(() => models.map((m) => m.id), [models]);
  // The same colour per model as the gallery's layers (by position among the models shown).
  const colors = useMemo(() => new Map(models.map((m, i) => [m.id, modelColour(i)])), [models]);
  const names = useMemo(() => namesOf(fields), [fields]);
  const metric = resolveMetric(fields, state.metric);

  const query = useMemo(() => sampleQueryOf(delta ? { ...state, predicates: [], differences: [], sort: null } : state, suiteId, modelIds), [state, delta, suiteId, modelIds]);
  // The count and the histograms follow the filters once they stop changing; the last answers stay meanwhile.
  const settled = useDebounced(query);
  const count = useSampleCount(delta ? null : settled);
  const histogramRequest = useMemo<HistogramRequest | null>(
    () => (delta ? null : { query: settled, metric, model_ids: settled.model_ids ?? [], configuration: settled.configuration ?? null, bins: HISTOGRAM_BINS }),
    [delta, settled, metric],
  );
  const histograms = useHistograms(histogramRequest);
  const histogramByField = useMemo(() => new Map((histograms.data?.histograms ?? []).map((h) => [h.field, h])), [histograms.data]);
  const deltaSummary = useDeltaSummary(delta ? suiteId : null, delta ? state.testCase : null, delta);

  const [layers, setLayers] = useUrlState("layers", urlLayers);
  const [selection, setSelection] = useState<Selection>(noSelection);
  const sourceKey = JSON.stringify(delta ? ["delta", suiteId, state.testCase, delta] : ["query", settled]);
  const [selectionKey, setSelectionKey] = useState(sourceKey);
  if (selectionKey !== sourceKey) {
    // A selection belongs to the samples it was made among: new filters start a new one.
    setSelectionKey(sourceKey);
    setSelection(noSelection());
  }
  const source = useMemo<GallerySource>(() => {
    if (delta && state.testCase !== null) {
      const testCaseId = state.testCase;
      return {
        key: ["studio", "delta", suiteId, testCaseId, delta],
        fetchPage: async (offset, limit) => {
          const page = await fetchDeltaPage(suiteId, testCaseId, delta, offset, limit);
          return { items: page.items.map(deltaItem), total: page.total };
        },
      };
    }
    return {
      key: ["studio", "query", settled],
      fetchPage: async (offset, limit) => {
        const page = await fetchSamplePage(settled, offset, limit);
        return { items: page.items, total: page.total };
      },
    };
  }, [delta, state.testCase, suiteId, settled]);

  const total = delta ? (deltaSummary.data?.total ?? 0) : (count.data?.total ?? 0);
  // With nothing ticked, the page's own answer is the selection: a filtered view is what a user means to save.
  const effective: Selection = selectedCount(selection, total) > 0 ? selection : { mode: "all", excluded: new Set() };
  const selected = selectedCount(effective, total);
  const [dialog, setDialog] = useState<"create" | "split" | null>(null);

  const onBin = useCallback(
    (histogram: Histogram, index: number) => update({ predicates: applyBin(state.predicates, histogram, index, names.fields.get(histogram.field)) }),
    [state.predicates, names, update],
  );
  const onOpen = useCallback(
    (item: GalleryItem, index: number) => void navigate(sampleUrl(item.id, { ...state, suite: suiteId }, modelIds, index)),
    [navigate, state, suiteId, modelIds],
  );

  const suggestedName = delta
    ? `${delta.metric}: ${names.models.get(delta.modelId) ?? delta.modelId} vs ${names.models.get(delta.baselineId) ?? delta.baselineId}`
    : suggestName(state.predicates, state.differences, names);
  const createBody = async (form: Parameters<typeof createTestCaseBody>[0]) => {
    if (delta && state.testCase !== null && effective.mode === "all") {
      // The samples behind a delta are no query the server could re-run: "all" becomes their ids.
      const ids = await allDeltaIds(suiteId, state.testCase, delta);
      const kept = ids.filter((id) => !effective.excluded.has(id));
      return createTestCaseBody(form, query, { mode: "ids", ids: new Set(kept) });
    }
    return createTestCaseBody(form, query, effective);
  };

  const suite = fields.suite;
  useTitle(`Studio: ${suite.name} v${suite.version}`);
  const stale = count.isPlaceholderData || count.isFetching || query !== settled;

  return (
    <div className="studio-page">
      <div className="page-header">
        <h1>
          Studio: {suite.name} <span className="muted">version {suite.version}</span>
        </h1>
        <Link to={suiteUrl(suite.name, suite.version)}>Suite</Link>
        <Link to={resultsUrl(suite.id)}>Results</Link>
        <button type="button" className="st-link" onClick={() => update({ suite: null, testCase: null, models: null, configuration: null, metric: null, predicates: [], differences: [], sort: null, delta: null })}>
          Other suite
        </button>
      </div>
      <ScopeBar fields={fields} state={state} update={update} delta={delta !== null} />
      {delta && state.testCase !== null ? (
        <>
          <DeltaHeader summary={deltaSummary.data} fields={fields} testCaseId={state.testCase} delta={delta} />
          {deltaSummary.isError ? <ErrorState error={deltaSummary.error} title="The samples behind this change could not be loaded" /> : null}
          <p>
            <button type="button" className="st-link" onClick={() => update({ delta: null, models: [delta.baselineId, delta.modelId] })}>
              Explore this test case with filters instead
            </button>
          </p>
        </>
      ) : (
        <FilterBar
          fields={fields.fields}
          models={models}
          names={names}
          histograms={histogramByField}
          predicates={state.predicates}
          differences={state.differences}
          sort={state.sort}
          onPredicates={(predicates) => update({ predicates })}
          onDifferences={(differences) => update({ differences })}
          onSort={(sort) => update({ sort })}
          onClear={() => update({ predicates: [], differences: [] })}
        />
      )}
      <div className={`st-body${delta ? " st-no-sidebar" : ""}`}>
        {delta ? null : (
          <HistogramSidebar
            histograms={histograms.data}
            fields={names.fields}
            models={models}
            colors={colors}
            loading={histograms.isFetching}
            error={histograms.isError ? histograms.error : null}
            onBin={onBin}
          />
        )}
        <section className="st-main" aria-label="Samples">
          <div className="st-toolbar">
            <span className="st-count" data-testid="studio-count" role="status" aria-live="polite">
              {delta
                ? deltaSummary.data
                  ? plural(deltaSummary.data.total, "sample")
                  : "…"
                : count.data
                  ? countText(count.data.total, count.data.n_samples)
                  : count.isError
                    ? ""
                    : "counting…"}
            </span>
            {!delta && stale && count.data ? <span className="muted">updating…</span> : null}
            <span className="spacer" />
            <button type="button" className="primary" data-testid="studio-create" onClick={() => setDialog("create")} disabled={selected === 0}>
              Create test case{selected > 0 ? ` of ${plural(selected, "sample")}` : ""}
            </button>
            {delta ? null : (
              <button type="button" data-testid="studio-split" onClick={() => setDialog("split")} disabled={total === 0}>
                Split by field
              </button>
            )}
          </div>
          {count.isError ? <ErrorState error={count.error} title="The samples could not be queried" /> : null}
          <StudioGallery
            source={source}
            layers={layers}
            onLayersChange={setLayers}
            selection={selection}
            onSelectionChange={setSelection}
            onOpen={onOpen}
            models={models}
            schema={fields.workflow_schema ?? null}
            height="calc(100vh - 260px)"
            label={delta ? "Samples behind the change" : "Matching samples"}
          />
        </section>
      </div>
      {dialog === "create" ? <CreateTestCaseDialog suggestedName={suggestedName} count={selected} body={createBody} onClose={() => setDialog(null)} /> : null}
      {dialog === "split" ? <SplitDialog fields={fields.fields} models={models} query={query} suiteName={suite.name} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}

function StudioWithSuite({ state, update }: { state: StudioState; update: Update }) {
  const fields = useSampleFields(state.suite);
  if (fields.isPending) return <Loading label="Loading the suite's fields…" />;
  if (fields.isError) return <ErrorState error={fields.error} onRetry={() => void fields.refetch()} title="The suite's samples could not be loaded" />;
  return <StudioView state={state} update={update} fields={fields.data} />;
}

/** The Studio page: reads its state from the URL and writes every change back to it. */
export default function StudioPage() {
  const [state, update] = useStudioState();
  if (state.suite === null) return <SuitePicker update={update} />;
  return <StudioWithSuite state={state} update={update} />;
}
