// The results page: test cases × (configuration, metric, model) for a suite version, suite metrics on top,
// each delta to the baseline in one of three states, nested tables, plots, and exports. Its whole state is
// in the URL (urlState.ts), so a reopened link shows the same numbers.

import "./results.css";

import { useCallback, useDeferredValue, useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { formatDelta, formatPValue, plural } from "../format";
import { deltaUrl, studioUrl } from "../studio/urlQuery";
import { useShortcut } from "../shortcuts";
import { useTitle } from "../useTitle";
import { type GridColumn, arrowOf, configurationName, deltaState, gridColumns, resolveCell, rowIsSignificant } from "./cells";
import type { DescribeContext } from "./describe";
import { cellLabel } from "./describe";
import { setDirection, toggleFlip } from "./direction";
import { type ExportInput, toCsv, toJson, toMarkdown } from "./exporters";
import { NestedTables } from "./NestedTable";
import { PlotsPanel } from "./PlotsPanel";
import { modelColors } from "./plotSpecs";
import { type ServerOrder, type TableParams, fetchAllRows, tableParamsOf, useResultsApi, useResultsOptions, useResultsTable, useSuiteChoices } from "./queries";
import { ResultsControls } from "./ResultsControls";
import { type GridFocus, type GridRow, ResultsGrid, samplesDetail } from "./ResultsGrid";
import { resolveSelection } from "./selection";
import { nextSort, sortColumn, sortRows } from "./sort";
import type { MetricColumn, ResultsTable, SortBy } from "./types";
import { type ResultsUrlState, parseResultsState, writeResultsState } from "./urlState";
import { download } from "./VegaFigure";
import { num } from "./wire";

type Update = (changes: Partial<ResultsUrlState>, options?: { replace?: boolean }) => void;

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "results";
}

function saveText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(url, fileName);
  // The click has started the download; the URL can go once the event loop has moved on.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// -- no suite chosen yet ----------------------------------------------------------------------------------
function SuitePicker({ update }: { update: Update }) {
  const [search, setSearch] = useState("");
  const suites = useSuiteChoices(search);
  useTitle("Results");
  return (
    <div className="results-page">
      <h1>Results</h1>
      <p className="muted">Pick a test suite to compare its models test case by test case.</p>
      <label className="rp-field">
        <span>Search suites</span>
        <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
      </label>
      {suites.isError ? <p className="state error">{suites.error.message}</p> : null}
      {suites.data && suites.data.items.length === 0 ? <p className="state">No test suite matches.</p> : null}
      <ul className="plain rp-suites">
        {(suites.data?.items ?? []).map((suite) => (
          <li key={suite.id}>
            <button type="button" className="rp-suite" onClick={() => update({ suite: suite.id })}>
              <strong>{suite.name}</strong> <span className="muted">version {suite.version}</span>
              <span className="muted">
                {" "}
                · {suite.workflow} · {plural(suite.n_test_cases, "test case")} · {plural(suite.n_models, "model")}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

// -- exports ----------------------------------------------------------------------------------------------
function ExportBar({ load, fileBase }: { load: () => Promise<ExportInput>; fileBase: string }) {
  const [message, setMessage] = useState("");
  const run = async (what: "csv" | "json" | "md" | "copy") => {
    try {
      setMessage("Preparing…");
      const input = await load();
      if (what === "csv") saveText(toCsv(input), `${fileBase}.csv`, "text/csv;charset=utf-8");
      else if (what === "json") saveText(toJson(input), `${fileBase}.json`, "application/json");
      else if (what === "md") saveText(toMarkdown(input), `${fileBase}.md`, "text/markdown;charset=utf-8");
      else {
        await navigator.clipboard.writeText(toMarkdown(input));
        setMessage("Markdown summary copied to the clipboard.");
        return;
      }
      setMessage("");
    } catch (error) {
      setMessage(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return (
    <div className="rp-exports" role="group" aria-label="Export">
      <button type="button" onClick={() => void run("csv")}>
        Export CSV
      </button>
      <button type="button" onClick={() => void run("json")}>
        Export JSON
      </button>
      <button type="button" onClick={() => void run("copy")}>
        Copy Markdown summary
      </button>
      <button type="button" onClick={() => void run("md")}>
        Download Markdown
      </button>
      <span className="muted" role="status">
        {message}
      </span>
    </div>
  );
}

// -- the table --------------------------------------------------------------------------------------------
/**
 * A test case's name without its suite's (test cases are often named "<suite> :: <slice>", and the suite is
 * in the page's title); the full name stays in the row's hover text.
 */
export function shortName(name: string, suite: string): string {
  for (const separator of [" :: ", " / ", ": ", " - "]) {
    const prefix = `${suite}${separator}`;
    if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
  }
  return name;
}

// Grid rows are kept per server row, so that rows already drawn keep their identity when a page is added and
// their cells (memoised) are not drawn again.
const gridRowCache = new WeakMap<ResultsTable["rows"][number], GridRow>();

function toGridRows(table: ResultsTable | undefined, rows: ResultsTable["rows"]): GridRow[] {
  if (!table) return [];
  const suite = table.test_suite.name;
  return rows.map((row) => {
    const cached = gridRowCache.get(row);
    if (cached) return cached;
    const made: GridRow = {
      key: String(row.test_case.id),
      label: shortName(row.test_case.name, suite),
      fullLabel: row.test_case.name,
      detail: samplesDetail(row.test_case.n_samples),
      cells: row.cells,
      testCaseId: row.test_case.id,
      nestedFields: row.nested_fields,
    };
    gridRowCache.set(row, made);
    return made;
  });
}

/** Significantly worse cells in reading order (rows as shown, then columns): what j/k step through. */
function regressionsOf(rows: readonly GridRow[], columns: readonly GridColumn[]): GridFocus[] {
  const out: GridFocus[] = [];
  const tested = columns.filter((column) => !column.isBaseline && column.direction.higherIsBetter !== null);
  for (const row of rows) {
    for (const column of tested) {
      // A significant cell always carries its delta: no need to resolve the whole cell (this runs over every
      // cell of the table whenever a page arrives).
      const cell = row.cells[column.index];
      if (cell?.significant && deltaState(true, num(cell.delta), column.direction.higherIsBetter) === "worse") {
        out.push({ rowKey: row.key, columnId: column.id });
      }
    }
  }
  return out;
}

/** How to read the cells, next to the table. */
function Legend() {
  return (
    <p className="rp-legend">
      <span className="rp-key s-better">▼ −0.02</span> significantly better
      <span className="rp-key s-worse">▲ +0.14</span> significantly worse
      <span className="rp-key s-insufficient">▲ +0.01</span> insufficient evidence
      <span className="muted">
        Arrows show which way the value moved against the baseline, colours whether that is better for the metric
        (its direction is in the column header); hover a cell for its interval and p- and q-values.
      </span>
    </p>
  );
}

/** The first regressions as a list: each entry moves the focus to its cell, as j/k do. */
function RegressionList({
  regressions,
  rows,
  columns,
  onPick,
}: {
  regressions: readonly GridFocus[];
  rows: readonly GridRow[];
  columns: readonly GridColumn[];
  onPick: (index: number) => void;
}) {
  const shown = 20;
  const rowByKey = useMemo(() => new Map(rows.map((r) => [r.key, r])), [rows]);
  const columnById = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  if (regressions.length === 0) return null;
  return (
    <details className="rp-regression-list">
      <summary>List the significant regressions</summary>
      <ol>
        {regressions.slice(0, shown).map((focus, index) => {
          const row = rowByKey.get(focus.rowKey);
          const column = columnById.get(focus.columnId);
          if (!row || !column) return null;
          const view = resolveCell(row.cells, column);
          return (
            <li key={`${focus.rowKey}\u241f${focus.columnId}`}>
              <button type="button" className="rp-link" onClick={() => onPick(index)}>
                {row.label}
              </button>{" "}
              {column.metric.label} ({configurationName(column.configuration)}), {column.model.name}: {arrowOf(view.delta)}{" "}
              {formatDelta(view.delta)}, q = {formatPValue(view.qValue)}
            </li>
          );
        })}
      </ol>
      {regressions.length > shown ? <p className="muted">…and {regressions.length - shown} more: press j / k to step through them all.</p> : null}
    </details>
  );
}

function ResultsView({ state, update }: { state: ResultsUrlState; update: Update }) {
  const client = useResultsApi();
  const options = useResultsOptions(state.suite);
  const selection = useMemo(() => (options.data ? resolveSelection(state, options.data) : null), [options.data, state]);

  const modelKey = selection?.models.map((m) => m.id).join(",");
  const configurationKey = selection && !selection.allConfigurations ? JSON.stringify(selection.configurations) : null;
  const params = useMemo<TableParams | null>(
    () => (selection ? tableParamsOf(selection, state) : null),
    // The selection is rebuilt on every URL change; the params only change when what they hold does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [selection?.suiteId, modelKey, selection?.baselineId, selection?.evaluator, configurationKey, state.commonSamples, state.alpha],
  );
  // A sort left in the URL from another selection (a model since removed, say) names no column: it is ignored
  // rather than sent, which the server would refuse.
  const sortable =
    state.sort !== null &&
    selection !== null &&
    selection.models.some((m) => m.id === state.sort?.modelId) &&
    selection.configurations.includes(state.sort.configuration);
  const order = useMemo<ServerOrder>(
    () => ({ sort: sortable ? state.sort : null, onlySignificant: state.onlySignificant }),
    [sortable, state.sort, state.onlySignificant],
  );
  const live = selection?.runs.some((run) => selection.models.some((m) => m.id === run.model.id) && run.completed.length < run.configurations.length) ?? false;
  const tableQuery = useResultsTable(params, order, live);
  // A new page of the table is rendered as a transition: React renders the grid's cells in slices, yielding
  // to the browser in between, instead of in one task (which on the stress set, a page at a time, took
  // 150-450 ms). Sorting and the toggles change the URL state, not the pages, so they stay immediate.
  const pages = useDeferredValue(tableQuery.data?.pages);
  const table = pages?.[0];
  const loadedRows = useMemo(() => {
    // Pages are separate requests: a row that moved between two of them (a run storing results meanwhile)
    // must not show twice.
    const seen = new Set<number>();
    return (pages ?? []).flatMap((p) => p.rows).filter((row) => !seen.has(row.test_case.id) && seen.add(row.test_case.id));
  }, [pages]);

  // A table small enough to hold (see queries.ts) is loaded page after page, then sorted and filtered here.
  const { hasNextPage, isFetchingNextPage, fetchNextPage, serverOrdered, paged } = tableQuery;
  useEffect(() => {
    if (!paged && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [paged, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const onEndReached = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const columns = useMemo(
    () => (table ? gridColumns(table.columns, table.metrics, table.models, table.baseline_id, state.directions) : []),
    [table, state.directions],
  );
  const suiteColumns = useMemo(
    () => (table ? gridColumns(table.suite_columns, table.suite_metrics, table.models, table.baseline_id, state.directions) : []),
    [table, state.directions],
  );
  const shownRows = useMemo(() => {
    if (serverOrdered) return loadedRows;
    const kept = state.onlySignificant ? loadedRows.filter((row) => rowIsSignificant(row.cells, columns)) : loadedRows;
    const sort = state.sort;
    return sort ? sortRows(kept, (row) => row.cells, sortColumn(columns, sort), sort.by, sort.descending) : kept;
  }, [serverOrdered, loadedRows, state.onlySignificant, state.sort, columns]);
  const gridRows = useMemo(() => toGridRows(table, shownRows), [table, shownRows]);
  const suiteRows = useMemo<GridRow[]>(
    () => (table ? [{ key: "suite", label: `${table.test_suite.name} (suite)`, detail: `version ${table.test_suite.version}`, cells: table.suite_cells }] : []),
    [table],
  );
  const colors = useMemo(() => modelColors(table?.models ?? selection?.models ?? []), [table, selection]);
  const context = useMemo<DescribeContext>(
    () => ({
      manyConfigurations: (table?.configurations.length ?? 0) > 1,
      baselineName: table?.models.find((m) => m.id === table.baseline_id)?.name ?? "baseline",
      confidence: table?.confidence ?? 0.95,
      nTests: table?.n_tests ?? 0,
    }),
    [table],
  );

  // j/k through the significant regressions.
  const regressions = useMemo(() => regressionsOf(gridRows, columns), [gridRows, columns]);
  const [focusAt, setFocusAt] = useState(-1);
  useEffect(() => setFocusAt(-1), [regressions]);
  const step = (by: number) => {
    if (regressions.length === 0) return;
    setFocusAt((at) => (at < 0 ? (by > 0 ? 0 : regressions.length - 1) : (at + by + regressions.length) % regressions.length));
  };
  useShortcut("j", "Next significant regression", () => step(1), "Results");
  useShortcut("k", "Previous significant regression", () => step(-1), "Results");
  const focus = focusAt >= 0 ? (regressions[focusAt] ?? null) : null;
  const focusText = useMemo(() => {
    if (!focus) return "";
    const row = gridRows.find((r) => r.key === focus.rowKey);
    const column = columns.find((c) => c.id === focus.columnId);
    if (!row || !column) return "";
    return `Regression ${focusAt + 1} of ${regressions.length}: ${row.label}: ${cellLabel(resolveCell(row.cells, column), column, context)}`;
  }, [focus, focusAt, regressions.length, gridRows, columns, context]);

  // Direction overrides, sorting, expanding and plots all write the URL.
  const onFlip = useCallback((metric: MetricColumn) => update({ directions: toggleFlip(state.directions, metric.key) }), [state.directions, update]);
  const onSetDirection = useCallback(
    (metric: MetricColumn, higher: boolean | null) => update({ directions: setDirection(state.directions, metric.key, higher) }),
    [state.directions, update],
  );
  const onSort = useCallback((column: GridColumn, by: SortBy) => update({ sort: nextSort(state.sort, column, by) }), [state.sort, update]);
  const openIds = state.open;
  const isOpen = useCallback((row: GridRow) => row.testCaseId !== undefined && openIds.includes(row.testCaseId), [openIds]);
  const onToggle = useCallback(
    (row: GridRow) => {
      if (row.testCaseId === undefined) return;
      const id = row.testCaseId;
      update({ open: openIds.includes(id) ? openIds.filter((x) => x !== id) : [...openIds, id] }, { replace: true });
    },
    [openIds, update],
  );
  const onPlots = useCallback(
    (row: GridRow) => update({ plots: state.plots === row.testCaseId ? null : (row.testCaseId ?? null) }, { replace: true }),
    [state.plots, update],
  );
  const renderDetail = useCallback(
    (row: GridRow) =>
      params && table ? (
        <NestedTables
          params={params}
          row={row}
          models={table.models}
          overrides={state.directions}
          colors={colors}
          context={context}
          onFlip={onFlip}
          onSetDirection={onSetDirection}
        />
      ) : null,
    [params, table, state.directions, colors, context, onFlip, onSetDirection],
  );

  // Each delta opens the Studio on the samples behind it (its test case, model, baseline, configuration, metric).
  const deltaHref = useCallback(
    (row: GridRow, column: GridColumn) =>
      selection && row.testCaseId !== undefined
        ? deltaUrl(selection.suiteId, row.testCaseId, {
            modelId: column.model.id,
            baselineId: selection.baselineId,
            configuration: column.configuration,
            metric: column.metric.key,
            evaluator: selection.evaluator,
          })
        : null,
    [selection],
  );

  const loadExport = useCallback(async (): Promise<ExportInput> => {
    if (!table || !params) throw new Error("the table has not loaded yet");
    const complete = !paged && !hasNextPage;
    const source = complete ? { ...table, rows: shownRows } : await fetchAllRows(client, params, order);
    return { table: source, rows: source.rows, overrides: state.directions };
  }, [table, params, paged, hasNextPage, shownRows, client, order, state.directions]);

  const suiteName = options.data?.test_suite;
  useTitle(suiteName ? `Results: ${suiteName.name} v${suiteName.version}` : "Results");

  if (options.isPending) return <p className="state">Loading the suite's runs…</p>;
  if (options.isError) return <p className="state error">The suite's runs could not be loaded: {options.error.message}</p>;
  if (!selection) {
    return (
      <div className="results-page">
        <h1>Results: {options.data.test_suite.name}</h1>
        <p className="state">No model has been tested on version {options.data.test_suite.version} of this suite yet.</p>
        <button type="button" onClick={() => update({ suite: null })}>
          Pick another suite
        </button>
      </div>
    );
  }
  const suite = options.data.test_suite;
  const total = table?.total ?? 0;
  const shownCount = serverOrdered ? total : gridRows.length;
  const plotsRow = state.plots !== null ? gridRows.find((r) => r.testCaseId === state.plots) : undefined;
  const stale = tableQuery.isPlaceholderData || tableQuery.isFetching;

  return (
    <div className={`results-page${state.plots !== null ? " with-panel" : ""}`}>
      <div className="rp-main">
        <div className="page-header">
          <h1>
            Results: {suite.name} <span className="muted">version {suite.version}</span>
          </h1>
          <Link to={studioUrl({ suite: suite.id, models: selection.models.map((m) => m.id) })}>Studio</Link>
          <button type="button" className="rp-link" onClick={() => update({ suite: null, models: null, baseline: null, configurations: null, evaluator: undefined, sort: null, open: [], plots: null })}>
            Other suite
          </button>
        </div>
        <ResultsControls options={options.data} selection={selection} state={state} colors={colors} update={update} />
        {tableQuery.isError ? <p className="state error">The results could not be loaded: {tableQuery.error.message}</p> : null}
        {table ? (
          <>
            <div className="rp-summary" aria-live="polite">
              <span>
                {!serverOrdered && loadedRows.length < total
                  ? `${loadedRows.length} of ${plural(total, "test case")} loaded`
                  : state.onlySignificant && !serverOrdered
                    ? `${plural(shownCount, "test case")} with a significant change, of ${loadedRows.length}`
                    : plural(shownCount, "test case")}{" "}
                ·{" "}
                {regressions.length > 0 ? (
                  <span className="rp-regressions">
                    {plural(regressions.length, "significant regression")} (press j / k to step through)
                  </span>
                ) : (
                  "no significant regression"
                )}{" "}
                · Benjamini–Hochberg over {plural(table.n_tests, "test")}, q ≤ {table.alpha}
                {table.common_samples ? " · only samples every model ran on" : ""}
              </span>
              {stale ? <span className="rp-updating">updating…</span> : null}
            </div>
            <Legend />
            <RegressionList regressions={regressions} rows={gridRows} columns={columns} onPick={setFocusAt} />
            <ExportBar load={loadExport} fileBase={`${slug(suite.name)}-v${suite.version}-results`} />
            <p className="visually-hidden" aria-live="polite">
              {focusText}
            </p>
            {suiteColumns.length > 0 ? (
              <section aria-label="Suite metrics" className="rp-suite-metrics">
                <h2>Suite metrics</h2>
                <ResultsGrid
                  caption="Suite metrics"
                  rowHeader="Suite"
                  columns={suiteColumns}
                  rows={suiteRows}
                  context={context}
                  colors={colors}
                  maxHeight={320}
                  onFlip={onFlip}
                  onSetDirection={onSetDirection}
                />
              </section>
            ) : null}
            <section aria-label="Test cases" className="rp-cases">
              <h2>Test cases</h2>
              <div aria-busy={stale}>
                <ResultsGrid
                  caption={`Results of ${suite.name} version ${suite.version} by test case`}
                  rowHeader="Test case"
                  columns={columns}
                  rows={gridRows}
                  context={context}
                  colors={colors}
                  maxHeight="max(420px, calc(100vh - 120px))"
                  sort={state.sort}
                  onSort={onSort}
                  onFlip={onFlip}
                  onSetDirection={onSetDirection}
                  isOpen={isOpen}
                  onToggle={onToggle}
                  renderDetail={renderDetail}
                  onPlots={onPlots}
                  plotsFor={state.plots}
                  focus={focus}
                  onEndReached={serverOrdered || paged ? onEndReached : undefined}
                  totalRows={shownCount}
                  deltaHref={deltaHref}
                />
              </div>
            </section>
          </>
        ) : tableQuery.isPending ? (
          <p className="state">Loading results…</p>
        ) : null}
      </div>
      {state.plots !== null && params && table ? (
        <PlotsPanel
          params={params}
          testCaseId={state.plots}
          testCaseName={plotsRow?.label ?? `test case ${state.plots}`}
          models={table.models}
          baselineId={table.baseline_id}
          onClose={() => update({ plots: null }, { replace: true })}
        />
      ) : null}
    </div>
  );
}

/** The results page: reads its state from the URL and writes every change back to it. */
export default function ResultsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const state = useMemo(() => parseResultsState(searchParams), [searchParams]);
  const update = useCallback<Update>(
    (changes, options) => {
      setSearchParams((previous) => writeResultsState({ ...parseResultsState(previous), ...changes }), { replace: options?.replace ?? false });
    },
    [setSearchParams],
  );
  if (state.suite === null) return <SuitePicker update={update} />;
  return <ResultsView state={state} update={update} />;
}
