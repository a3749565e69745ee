// Test suites: every suite at its latest version, searchable (?search=), filterable by workflow
// (?workflow=), sortable (?sort=), in a virtualised table that loads more pages as it scrolls.
import { createColumnHelper } from "@tanstack/react-table";
import { Link } from "react-router";

import { loadedRows, type SuiteSummary, useSuiteSummaries } from "../api/views";
import { DataTable } from "../components/DataTable";
import { ListCount } from "../components/ListFooter";
import { SearchBox, useSearchParam } from "../components/SearchBox";
import { ErrorState, Loading } from "../components/States";
import { formatCount, formatDateTime } from "../format";
import { resultsUrl, suiteUrl } from "../links";
import { urlOptionalString, urlSorting, useUrlState } from "../useUrlState";
import { useTitle } from "../useTitle";

const column = createColumnHelper<SuiteSummary>();
const columns = [
  column.accessor("name", {
    header: "Name",
    cell: (info) => <Link to={suiteUrl(info.getValue())}>{info.getValue()}</Link>,
  }),
  column.accessor("workflow", { header: "Workflow" }),
  column.accessor("version", { header: "Version", meta: { numeric: true } }),
  column.accessor("n_test_cases", { header: "Test cases", meta: { numeric: true }, cell: (i) => formatCount(i.getValue()) }),
  column.accessor("n_samples", { header: "Samples", meta: { numeric: true }, cell: (i) => formatCount(i.getValue()) }),
  column.accessor("n_models", { header: "Models", meta: { numeric: true } }),
  column.accessor("tags", {
    header: "Tags",
    enableSorting: false,
    cell: (info) =>
      info.getValue().map((tag) => (
        <span className="tag" key={tag}>
          {tag}
        </span>
      )),
  }),
  column.accessor("updated", { header: "Updated", cell: (info) => formatDateTime(info.getValue()) }),
  column.display({
    id: "results",
    header: "Results",
    cell: (info) =>
      info.row.original.n_models > 0 ? (
        <Link to={resultsUrl(info.row.original.id)} aria-label={`Results of ${info.row.original.name}`}>
          Results
        </Link>
      ) : (
        <span className="muted">no runs</span>
      ),
  }),
];

export function SuitesPage() {
  useTitle("Test suites");
  const search = useSearchParam();
  const [workflow, setWorkflow] = useUrlState("workflow", urlOptionalString);
  const [sorting, setSorting] = useUrlState("sort", urlSorting);
  const query = useSuiteSummaries(search, workflow);
  const rows = loadedRows(query.data);
  const total = query.data?.pages[0]?.total;

  return (
    <>
      <div className="page-header">
        <h1>Test suites</h1>
      </div>
      <div className="toolbar">
        <SearchBox label="Search test suites" placeholder="Search by name, description or tag" />
        {workflow !== null ? (
          <span>
            Workflow <strong>{workflow}</strong>{" "}
            <button type="button" onClick={() => setWorkflow(null)}>
              Show all workflows
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
          <DataTable
            caption="Test suites"
            data={rows}
            columns={columns}
            getRowId={(suite) => String(suite.id)}
            sorting={sorting}
            onSortingChange={(next) => setSorting(next, { replace: true })}
            empty={search ? `No test suite matches “${search}”.` : "No test suites yet."}
            onEndReached={() => {
              if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
            }}
          />
          <ListCount loaded={rows.length} total={total} noun="test suite" />
        </>
      )}
    </>
  );
}
