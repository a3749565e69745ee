// Models: every model, searchable (?search=), by workflow (?workflow=), sortable (?sort=).
import { createColumnHelper } from "@tanstack/react-table";
import { Link } from "react-router";

import { loadedRows, type ModelSummary, useModelSummaries } from "../api/views";
import { DataTable } from "../components/DataTable";
import { ListCount } from "../components/ListFooter";
import { SearchBox, useSearchParam } from "../components/SearchBox";
import { ErrorState, Loading } from "../components/States";
import { formatDateTime, formatRelative } from "../format";
import { modelUrl } from "../links";
import { urlOptionalString, urlSorting, useUrlState } from "../useUrlState";
import { useTitle } from "../useTitle";

const column = createColumnHelper<ModelSummary>();
const columns = [
  column.accessor("name", {
    header: "Name",
    cell: (info) => <Link to={modelUrl(info.row.original.id)}>{info.getValue()}</Link>,
  }),
  column.accessor("workflow", { header: "Workflow" }),
  column.accessor("n_runs", { header: "Runs", meta: { numeric: true } }),
  column.accessor("last_tested", {
    header: "Last tested",
    cell: (info) => <span title={formatDateTime(info.getValue())}>{formatRelative(info.getValue())}</span>,
  }),
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
  column.accessor("created", { header: "Created", cell: (info) => formatDateTime(info.getValue()) }),
];

export function ModelsPage() {
  useTitle("Models");
  const search = useSearchParam();
  const [workflow, setWorkflow] = useUrlState("workflow", urlOptionalString);
  const [sorting, setSorting] = useUrlState("sort", urlSorting);
  const query = useModelSummaries(search, workflow);
  const rows = loadedRows(query.data);

  return (
    <>
      <div className="page-header">
        <h1>Models</h1>
      </div>
      <div className="toolbar">
        <SearchBox label="Search models" placeholder="Search by name or tag" />
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
            caption="Models"
            data={rows}
            columns={columns}
            getRowId={(model) => String(model.id)}
            sorting={sorting}
            onSortingChange={(next) => setSorting(next, { replace: true })}
            empty={search ? `No model matches “${search}”.` : "No models yet."}
            onEndReached={() => {
              if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
            }}
          />
          <ListCount loaded={rows.length} total={query.data?.pages[0]?.total} noun="model" />
        </>
      )}
    </>
  );
}
