// A table of test runs: model, suite version, evaluator, status with progress, times. Used by the runs
// page and a model's page.
import { createColumnHelper, type SortingState } from "@tanstack/react-table";
import { Link } from "react-router";

import type { RunSummary } from "../api/views";
import { formatConfiguration, formatDateTime, formatRelative } from "../format";
import { modelUrl, resultsUrl, suiteUrl } from "../links";
import { DataTable } from "./DataTable";
import { RunProgressBar, StatusBadge } from "./RunStatus";

const column = createColumnHelper<RunSummary>();
const columns = [
  column.accessor("id", { header: "Run", meta: { numeric: true } }),
  column.accessor((run) => run.model.name, {
    id: "model",
    header: "Model",
    cell: (info) => <Link to={modelUrl(info.row.original.model.id)}>{info.getValue()}</Link>,
  }),
  column.accessor((run) => `${run.test_suite.name} v${run.test_suite.version}`, {
    id: "suite",
    header: "Test suite",
    cell: (info) => (
      <Link to={suiteUrl(info.row.original.test_suite.name, info.row.original.test_suite.version)}>
        {info.getValue()}
      </Link>
    ),
  }),
  column.accessor((run) => run.evaluator ?? "", {
    id: "evaluator",
    header: "Evaluator",
    cell: (info) => {
      const run = info.row.original;
      const configurations = run.configurations.map(formatConfiguration).join(", ");
      return (
        <span title={configurations ? `Configurations: ${configurations}` : undefined}>
          {run.evaluator ?? <span className="muted">none</span>}
        </span>
      );
    },
  }),
  column.accessor("status", {
    header: "Status",
    cell: (info) => <StatusBadge status={info.getValue()} message={info.row.original.message} />,
  }),
  column.display({
    id: "progress",
    header: "Progress",
    cell: (info) => <RunProgressBar progress={info.row.original.progress} status={info.row.original.status} />,
  }),
  column.accessor("updated", {
    header: "Updated",
    cell: (info) => (
      <span title={`Started ${formatDateTime(info.row.original.created)}, updated ${formatDateTime(info.getValue())}`}>
        {formatRelative(info.getValue())}
      </span>
    ),
  }),
  column.display({
    id: "results",
    header: "Results",
    cell: (info) =>
      info.row.original.completed.length > 0 ? (
        <Link
          to={resultsUrl(info.row.original.test_suite.id, { baseline: info.row.original.model.id })}
          aria-label={`Results of run ${info.row.original.id}`}
        >
          Results
        </Link>
      ) : null,
  }),
];

export function RunsTable({
  runs,
  caption,
  sorting,
  onSortingChange,
  onEndReached,
  maxHeight,
  hideModel = false,
}: {
  runs: RunSummary[];
  /** On a model's own page the model column says nothing. */
  hideModel?: boolean;
  caption: string;
  sorting?: SortingState;
  onSortingChange?: (sorting: SortingState) => void;
  onEndReached?: () => void;
  maxHeight?: string;
}) {
  return (
    <DataTable
      caption={caption}
      data={runs}
      columns={columns}
      getRowId={(run) => String(run.id)}
      sorting={sorting}
      onSortingChange={onSortingChange}
      onEndReached={onEndReached}
      maxHeight={maxHeight}
      columnVisibility={hideModel ? { model: false } : undefined}
      rowProps={(row) => ({ "data-status": row.original.status })}
      empty="No test runs."
    />
  );
}
