// One sample of a suite version: the sample in full (full-resolution image with zoom and pan, every layer),
// each model's per-sample metrics side by side (per configuration), the test cases holding it, its metadata,
// ground truth and inferences; next / previous (buttons and ← / →) through the list it was opened from, with
// the neighbours' details and images fetched ahead. URL: /samples/<id>?suite=&models=&configuration=&layers=
// plus the list's parameters and the position `i` (navigation.ts).
import "./samples.css";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";

import { formatConfiguration } from "../format";
import { countsText, summariseLayers } from "../overlays/legend";
import { useShortcut } from "../shortcuts";
import { ErrorState, Loading } from "../components/States";
import { studioUrl } from "../studio/urlQuery";
import { urlIntList, urlOptionalInt, useUrlState } from "../useUrlState";
import { useTitle } from "../useTitle";
import { sampleDetailQuery, useSampleDetail, useSampleFields } from "./api";
import { type SideBySideRow, bestOf, formatValue, sideBySide } from "./fields";
import { LayerControls } from "./LayerControls";
import { urlLayers } from "./layerState";
import { assetUrl, sampleMedia, sampleName } from "./media";
import { type Neighbours, neighboursQuery, stepContextOf } from "./navigation";
import { type BodySample, SampleBody } from "./SampleBody";
import { cachedLayers, visibleLayers, workflowSchemaOf } from "./sampleLayers";
import type { ModelRef, SampleDetail, SampleFields, SampleItem } from "./types";

type Values = Record<string, unknown>;

/** A model's metrics in `configuration`; without that name, its only configuration (if it has one). */
export function metricsIn(byConfiguration: Record<string, Values | null>, configuration: string | null): Values | null {
  if (configuration !== null && configuration in byConfiguration) return byConfiguration[configuration];
  const names = Object.keys(byConfiguration);
  return names.length === 1 ? byConfiguration[names[0]] : null;
}

/** The models of a detail in the order the URL asks for them (which picks their colours), then the rest. */
export function orderedModels(detail: SampleDetail, wanted: readonly number[]): ModelRef[] {
  const byId = new Map(detail.results.map((result) => [result.model.id, result.model]));
  const first = wanted.flatMap((id) => (byId.has(id) ? [byId.get(id) as ModelRef] : []));
  return [...first, ...detail.results.map((result) => result.model).filter((model) => !wanted.includes(model.id))];
}

/** The configurations any model has metrics in, the URL's first. */
export function configurationsOf(detail: SampleDetail, preferred: string | null): string[] {
  const names = new Set<string>();
  for (const result of detail.results) for (const name of Object.keys(result.metrics)) names.add(name);
  const list = [...names].sort();
  return preferred !== null && names.has(preferred) ? [preferred, ...list.filter((name) => name !== preferred)] : list;
}

function bodyOf(detail: SampleDetail, configuration: string | null): BodySample {
  return {
    key: detail.key,
    data_type: detail.data_type,
    locator: detail.locator,
    width: detail.width,
    height: detail.height,
    data: detail.data,
    ground_truth: detail.ground_truth,
    inferences: Object.fromEntries(detail.results.map((result) => [String(result.model.id), result.inference])),
    metrics: Object.fromEntries(detail.results.map((result) => [String(result.model.id), metricsIn(result.metrics, configuration)])),
  };
}

// -- tables ---------------------------------------------------------------------------------------------------
function directionOf(fields: SampleFields | undefined, name: string): boolean | null {
  return fields?.fields.find((field) => field.name === name)?.higher_is_better ?? null;
}

function SideBySideTable({
  caption,
  columns,
  groups,
  rows,
  direction,
}: {
  caption: string;
  columns: readonly string[];
  /** Column groups over the columns (configurations), when there are several. */
  groups?: readonly { label: string; span: number }[];
  rows: readonly SideBySideRow[];
  direction?: (path: string) => boolean | null;
}) {
  if (rows.length === 0) return <p className="muted">None.</p>;
  return (
    <div className="table-scroll">
      <table className="data sd-metrics">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          {groups && groups.length > 1 ? (
            <tr>
              <th scope="col" />
              {groups.map((group, index) => (
                <th key={index} scope="colgroup" colSpan={group.span} className="group">
                  {group.label}
                </th>
              ))}
            </tr>
          ) : null}
          <tr>
            <th scope="col">Field</th>
            {columns.map((column, index) => (
              <th key={index} scope="col" className="num">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const groupSize = groups && groups.length > 1 ? groups[0].span : row.values.length;
            const higher = direction?.(row.path) ?? null;
            // The best value is marked within each configuration's group of models.
            const best = new Set<number>();
            for (let start = 0; start < row.values.length; start += groupSize) {
              const at = bestOf(row.values.slice(start, start + groupSize), higher);
              if (at !== null) best.add(start + at);
            }
            return (
              <tr key={row.path}>
                <th scope="row" className="mono">
                  {row.path}
                </th>
                {row.values.map((value, index) => (
                  <td key={index} className={`num${best.has(index) ? " best" : ""}`} title={best.has(index) ? "Best of the models" : undefined}>
                    {formatValue(value)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function MetricsTable({ detail, models, configuration, fields }: { detail: SampleDetail; models: readonly ModelRef[]; configuration: string | null; fields?: SampleFields }) {
  const configurations = configurationsOf(detail, configuration);
  const byModel = new Map(detail.results.map((result) => [result.model.id, result]));
  const columns: string[] = [];
  const values: (Values | null)[] = [];
  for (const name of configurations) {
    for (const model of models) {
      columns.push(model.name);
      values.push(byModel.get(model.id)?.metrics[name] ?? null);
    }
  }
  const rows = sideBySide(values);
  const groups = configurations.map((name) => ({ label: formatConfiguration(name), span: models.length }));
  if (configurations.length === 0) return <p className="muted">No per-sample metrics for the models asked for.</p>;
  return (
    <SideBySideTable
      caption="Per-sample metrics by model"
      columns={columns}
      groups={groups}
      rows={rows}
      direction={(path) => directionOf(fields, `metric.${path}`)}
    />
  );
}

function KeyValues({ label, value }: { label: string; value: Values | null }) {
  const rows = sideBySide([value]);
  if (rows.length === 0) return <p className="muted">None.</p>;
  return (
    <dl className="sd-kv" aria-label={label}>
      {rows.map((row) => (
        <div key={row.path} style={{ display: "contents" }}>
          <dt className="mono">{row.path}</dt>
          <dd>{formatValue(row.values[0])}</dd>
        </div>
      ))}
    </dl>
  );
}

// -- neighbours -----------------------------------------------------------------------------------------------
/** Images loading ahead, kept referenced until they are used (the browser's cache then has them). */
const preloaded: HTMLImageElement[] = [];
const MAX_PRELOADED = 8;

function preload(url: string): void {
  if (preloaded.some((image) => image.src.endsWith(url))) return;
  const image = new Image();
  image.decoding = "async";
  image.src = url;
  preloaded.push(image);
  if (preloaded.length > MAX_PRELOADED) preloaded.shift();
}

/**
 * Starts loading the neighbours' details and images, so that stepping to one shows it at once. Loads are not
 * cancelled on leaving: the step that follows is usually to one of them.
 */
function usePrefetch(items: readonly (SampleItem | null)[], suite: number | null, models: readonly number[]) {
  const queryClient = useQueryClient();
  const ids = items.map((item) => item?.id ?? "").join(",");
  useEffect(() => {
    if (suite === null) return;
    for (const item of items) {
      if (!item) continue;
      void queryClient.prefetchQuery(sampleDetailQuery(item.id, suite, models));
      for (const part of sampleMedia(item.data, item.data_type, item.locator, item.thumbnail !== null).parts) {
        if (part.kind === "image" && part.locator) preload(assetUrl(part.locator));
      }
    }
    // `ids` stands for the items (new arrays of the same samples must not prefetch again).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids, suite, models.join(","), queryClient]);
}

// -- the page -------------------------------------------------------------------------------------------------
export default function SampleDetailPage() {
  const params = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const sampleId = Number.isInteger(Number(params.sampleId)) ? Number(params.sampleId) : null;
  const suite = urlOptionalInt.parse(search.getAll("suite"));
  const wantedModels = useMemo(() => urlIntList.parse(search.getAll("models")), [search]);
  const configuration = search.has("configuration") ? (search.get("configuration") ?? "") : null;
  const index = urlOptionalInt.parse(search.getAll("i"));
  const [layers, setLayers] = useUrlState("layers", urlLayers);

  const detail = useSampleDetail(sampleId, suite, wantedModels);
  const fields = useSampleFields(suite);
  const context = useMemo(() => (suite === null ? null : stepContextOf(search, suite)), [search, suite]);
  const neighbours = useQuery({
    ...neighboursQuery(context ?? { kind: "query", query: { test_suite_id: -1 } }, index ?? 0),
    enabled: context !== null && index !== null,
  });
  const near: Neighbours | null = neighbours.data ?? null;
  useTitle(detail.data ? sampleName(detail.data) : "Sample");

  const queryClient = useQueryClient();
  const step = useCallback(
    (item: SampleItem | null, to: number) => {
      if (!item) return;
      const next = new URLSearchParams(search);
      next.set("i", String(to));
      void navigate(`/samples/${item.id}?${next.toString()}`);
    },
    [navigate, search],
  );
  const previous = () => step(near?.previous ?? null, (index ?? 0) - 1);
  const next = () => step(near?.next ?? null, (index ?? 0) + 1);
  useShortcut("ArrowLeft", "Previous sample", previous, "Sample");
  useShortcut("ArrowRight", "Next sample", next, "Sample");

  usePrefetch([near?.previous ?? null, near?.next ?? null], suite, wantedModels);
  // The neighbours' own neighbours too, so that holding → keeps up.
  useEffect(() => {
    if (!context || index === null) return;
    if (near?.next) void queryClient.prefetchQuery(neighboursQuery(context, index + 1));
    if (near?.previous) void queryClient.prefetchQuery(neighboursQuery(context, index - 1));
  }, [context, index, near, queryClient]);

  const data = detail.data;
  const models = useMemo(() => (data ? orderedModels(data, wantedModels) : []), [data, wantedModels]);
  const body = useMemo(() => (data ? bodyOf(data, configuration) : null), [data, configuration]);
  const schema = fields.data?.workflow_schema ?? null;
  const summaries = useMemo(() => {
    if (!body) return [];
    const shown = visibleLayers(cachedLayers(body, "", models, workflowSchemaOf(schema)), layers);
    return summariseLayers(shown, { minConfidence: layers.minConfidence, matchColouring: layers.matchColouring });
  }, [body, models, schema, layers]);

  if (sampleId === null) return <ErrorState error={new Error("The address names no sample.")} title="Not a sample" />;
  if (suite === null) {
    return <ErrorState error={new Error("Open samples from the Studio or a results page: the link needs its suite version (?suite=).")} title="Which suite?" />;
  }
  if (detail.isPending) return <Loading label="Loading the sample…" />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  if (!data || !body) return null;

  const position =
    index !== null && near ? `${(index + 1).toLocaleString("en-US")} of ${near.total.toLocaleString("en-US")}` : null;
  const studioParams = new URLSearchParams(search);
  studioParams.delete("i");
  return (
    <div className="sd-page">
      <header className="sd-header">
        <h1 title={data.key}>{sampleName(data)}</h1>
        <span className="muted">{data.data_type ?? "custom sample"}</span>
        {data.locator ? (
          <a className="mono" href={assetUrl(data.locator)} target="_blank" rel="noreferrer" title="The original file">
            {data.locator}
          </a>
        ) : null}
        <nav className="sd-nav" aria-label="Samples">
          <Link to={`/studio?${studioParams.toString()}`}>Back to the samples</Link>
          {context && index !== null ? (
            <>
              <button type="button" onClick={previous} disabled={!near?.previous} aria-keyshortcuts="ArrowLeft">
                ← Previous
              </button>
              <span className="num muted" role="status" aria-label="Position in the list">
                {position ?? "…"}
              </span>
              <button type="button" onClick={next} disabled={!near?.next} aria-keyshortcuts="ArrowRight">
                Next →
              </button>
            </>
          ) : null}
        </nav>
      </header>

      <div className="sd-main">
        <SampleBody sample={body} layers={layers} models={models} schema={schema} />
        <aside className="sd-side">
          <LayerControls value={layers} onChange={(value) => setLayers(value, { replace: true })} models={models} />
          <ul className="plain sd-legend" aria-label="What each layer holds">
            {summaries.map((summary) => (
              <li key={summary.layerId}>
                <span className="sg-swatch" style={{ background: summary.colour }} aria-hidden="true" /> {summary.label}:{" "}
                {countsText(summary.byKind) || "nothing to draw"}
                {summary.total > summary.shown ? <span className="muted"> ({summary.total - summary.shown} below the confidence floor)</span> : null}
                {layers.matchColouring && Object.keys(summary.byMatch).length ? (
                  <span className="muted">
                    {" "}
                    · {(["TP", "FP", "FN"] as const).map((status) => `${status} ${summary.byMatch[status] ?? 0}`).join(" · ")}
                  </span>
                ) : null}
                {summary.listed.length ? (
                  <ul>
                    {summary.listed.map((entry) => (
                      <li key={`${entry.source ?? ""}:${entry.path}`} className={entry.hidden ? "muted" : undefined}>
                        {entry.text}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
          <section aria-label="Test cases">
            <h2>Test cases</h2>
            {data.test_cases.length ? (
              <ul className="plain">
                {data.test_cases.map((testCase) => (
                  <li key={testCase.id}>
                    <Link to={studioUrl({ suite, testCase: testCase.id })}>{testCase.name}</Link>{" "}
                    <span className="muted">
                      v{testCase.version} · {testCase.n_samples.toLocaleString("en-US")} samples
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">In no test case of this suite version.</p>
            )}
          </section>
          <section aria-label="Metadata">
            <h2>Metadata</h2>
            <KeyValues label="Metadata" value={data.metadata} />
          </section>
        </aside>
      </div>

      <section aria-label="Per-sample metrics">
        <h2>Per-sample metrics</h2>
        <MetricsTable detail={data} models={models} configuration={configuration} fields={fields.data} />
      </section>
      <section aria-label="Inferences">
        <h2>Inferences</h2>
        <SideBySideTable
          caption="Inferences by model"
          columns={models.map((model) => model.name)}
          rows={sideBySide(models.map((model) => body.inferences[String(model.id)] ?? null))}
        />
      </section>
      <section aria-label="Ground truth">
        <h2>Ground truth</h2>
        <KeyValues label="Ground truth" value={data.ground_truth} />
      </section>
      <section aria-label="Sample fields">
        <h2>Sample</h2>
        <KeyValues label="Sample fields" value={data.data} />
      </section>
    </div>
  );
}
