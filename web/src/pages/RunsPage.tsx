// Test runs, newest first, filterable by status, model, suite and workflow (all in the URL). While any run
// is running the list refreshes every two seconds, so a `test()` in progress shows its progress live.
import { useId } from "react";
import { useSearchParams } from "react-router";

import { loadedRows, type RunFilters, RUNNING_POLL_MS, type RunSummary, useRunSummaries } from "../api/views";
import { ListCount } from "../components/ListFooter";
import { RunsTable } from "../components/RunsTable";
import { ErrorState, Loading } from "../components/States";
import { urlOptionalInt, urlOptionalString, urlSorting, useUrlState, useUrlUpdate } from "../useUrlState";
import { useTitle } from "../useTitle";

const STATUSES: RunSummary["status"][] = ["running", "completed", "crashed"];

function validStatus(status: string | null): RunSummary["status"] | null {
  return STATUSES.find((name) => name === status) ?? null;
}

/** The runs a URL asks for (also what the route's loader fetches ahead). */
export function runFiltersOf(search: URLSearchParams): RunFilters {
  return {
    status: validStatus(urlOptionalString.parse(search.getAll("status"))),
    model_id: urlOptionalInt.parse(search.getAll("model")),
    test_suite_name: urlOptionalString.parse(search.getAll("suite")),
    workflow: urlOptionalString.parse(search.getAll("workflow")),
  };
}

export function RunsPage() {
  useTitle("Runs");
  const statusId = useId();
  const [status, setStatus] = useUrlState("status", urlOptionalString);
  const [model] = useUrlState("model", urlOptionalInt);
  const [suite] = useUrlState("suite", urlOptionalString);
  const [workflow] = useUrlState("workflow", urlOptionalString);
  const [sorting, setSorting] = useUrlState("sort", urlSorting);
  const update = useUrlUpdate();
  const [search] = useSearchParams();
  const query = useRunSummaries(runFiltersOf(search));
  const rows = loadedRows(query.data);
  const running = rows.filter((run) => run.status === "running").length;
  const filtered = model !== null || suite !== null || workflow !== null;

  return (
    <>
      <div className="page-header">
        <h1>Runs</h1>
        {running > 0 ? (
          <span className="muted" aria-live="polite">
            {running} running; refreshing every {RUNNING_POLL_MS / 1000} s
          </span>
        ) : null}
      </div>
      <div className="toolbar">
        <span>
          <label htmlFor={statusId}>Status</label>{" "}
          <select
            id={statusId}
            value={validStatus(status) ?? ""}
            onChange={(event) => setStatus(event.target.value || null, { replace: true })}
          >
            <option value="">any</option>
            {STATUSES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </span>
        {filtered ? (
          <span>
            {[
              model !== null ? `model ${rows[0]?.model.id === model ? rows[0].model.name : `#${model}`}` : null,
              suite !== null ? `suite ${suite}` : null,
              workflow !== null ? `workflow ${workflow}` : null,
            ]
              .filter(Boolean)
              .join(", ")}{" "}
            <button type="button" onClick={() => update({ model: null, suite: null, workflow: null })}>
              Clear filters
            </button>
          </span>
        ) : null}
      </div>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <>
          <RunsTable
            runs={rows}
            caption="Test runs"
            sorting={sorting}
            onSortingChange={(next) => setSorting(next, { replace: true })}
            onEndReached={() => {
              if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
            }}
          />
          <ListCount loaded={rows.length} total={query.data?.pages[0]?.total} noun="run" />
        </>
      )}
    </>
  );
}
