// Home: every workflow with its latest test suites (each linking to its page and its results), its models
// and its latest runs.
import { createColumnHelper } from "@tanstack/react-table";
import { useId } from "react";
import { Link } from "react-router";

import { type ModelSummary, type RunSummary, type SuiteSummary, useOverview, type WorkflowOverview } from "../api/views";
import { DataTable } from "../components/DataTable";
import { RunProgressBar, StatusBadge } from "../components/RunStatus";
import { Empty, QueryState } from "../components/States";
import { formatCount, formatRelative } from "../format";
import { modelUrl, resultsUrl, runsUrl, suiteUrl } from "../links";
import { useTitle } from "../useTitle";

const suiteColumn = createColumnHelper<SuiteSummary>();
const suiteColumns = [
  suiteColumn.accessor("name", {
    header: "Test suite",
    cell: (info) => <Link to={suiteUrl(info.getValue())}>{info.getValue()}</Link>,
  }),
  suiteColumn.accessor("version", { header: "Version", meta: { numeric: true } }),
  suiteColumn.accessor("n_test_cases", { header: "Test cases", meta: { numeric: true } }),
  suiteColumn.accessor("n_samples", {
    header: "Samples",
    meta: { numeric: true },
    cell: (info) => formatCount(info.getValue()),
  }),
  suiteColumn.accessor("n_models", { header: "Models", meta: { numeric: true } }),
  suiteColumn.display({
    id: "results",
    header: "Results",
    cell: (info) =>
      info.row.original.n_models > 0 ? (
        <Link
          className="button primary"
          to={resultsUrl(info.row.original.id)}
          aria-label={`Results of ${info.row.original.name}`}
        >
          Results
        </Link>
      ) : (
        <span className="muted">no runs</span>
      ),
  }),
];

const modelColumn = createColumnHelper<ModelSummary>();
const modelColumns = [
  modelColumn.accessor("name", {
    header: "Model",
    cell: (info) => <Link to={modelUrl(info.row.original.id)}>{info.getValue()}</Link>,
  }),
  modelColumn.accessor("n_runs", { header: "Runs", meta: { numeric: true } }),
  modelColumn.accessor("last_tested", {
    header: "Last tested",
    cell: (info) => formatRelative(info.getValue()),
    sortingFn: "datetime",
  }),
];

const runColumn = createColumnHelper<RunSummary>();
const runColumns = [
  runColumn.accessor((run) => run.model.name, {
    id: "model",
    header: "Model",
    cell: (info) => <Link to={modelUrl(info.row.original.model.id)}>{info.getValue()}</Link>,
  }),
  runColumn.accessor((run) => run.test_suite.name, {
    id: "suite",
    header: "Test suite",
    cell: (info) => (
      <Link to={suiteUrl(info.getValue(), info.row.original.test_suite.version)}>
        {info.getValue()} v{info.row.original.test_suite.version}
      </Link>
    ),
  }),
  runColumn.accessor("status", {
    header: "Status",
    cell: (info) =>
      info.getValue() === "running" ? (
        <RunProgressBar progress={info.row.original.progress} status="running" />
      ) : (
        <StatusBadge status={info.getValue()} message={info.row.original.message} />
      ),
  }),
  runColumn.accessor("updated", { header: "Updated", cell: (info) => formatRelative(info.getValue()) }),
];

function WorkflowSection({ workflow }: { workflow: WorkflowOverview }) {
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId} style={{ marginTop: 0 }}>
        {workflow.name}
      </h2>
      <h3>
        Test suites{" "}
        <Link to={`/test-suites?workflow=${encodeURIComponent(workflow.name)}`} className="muted">
          ({workflow.n_test_suites > workflow.test_suites.length ? `latest ${workflow.test_suites.length} of ` : ""}
          {formatCount(workflow.n_test_suites)})
        </Link>
      </h3>
      <DataTable
        caption={`Test suites of ${workflow.name}`}
        data={workflow.test_suites}
        columns={suiteColumns}
        getRowId={(suite) => String(suite.id)}
        maxHeight="320px"
        empty="No test suites yet."
      />
      <div className="grid-2">
        <div>
          <h3>
            Models{" "}
            <Link to={`/models?workflow=${encodeURIComponent(workflow.name)}`} className="muted">
              ({formatCount(workflow.n_models)})
            </Link>
          </h3>
          <DataTable
            caption={`Models of ${workflow.name}`}
            data={workflow.models}
            columns={modelColumns}
            getRowId={(model) => String(model.id)}
            maxHeight="320px"
            empty="No models yet."
          />
        </div>
        <div>
          <h3>
            Latest runs{" "}
            <Link to={`/runs?workflow=${encodeURIComponent(workflow.name)}`} className="muted">
              (all)
            </Link>
          </h3>
          <DataTable
            caption={`Latest runs of ${workflow.name}`}
            data={workflow.latest_runs}
            columns={runColumns}
            getRowId={(run) => String(run.id)}
            maxHeight="320px"
            empty="No runs yet."
          />
        </div>
      </div>
    </section>
  );
}

export function HomePage() {
  useTitle(null);
  const overview = useOverview();
  return (
    <>
      <h1>Workflows</h1>
      <QueryState query={overview}>
        {(data) =>
          data.workflows.length === 0 ? (
            <Empty>
              No workflows yet. Define one with <code>assay.workflow.define_workflow</code> and test a model; see{" "}
              <Link to={runsUrl()}>runs</Link> as they arrive.
            </Empty>
          ) : (
            data.workflows.map((workflow) => <WorkflowSection key={workflow.name} workflow={workflow} />)
          )
        }
      </QueryState>
    </>
  );
}
