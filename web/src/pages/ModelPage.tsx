// A model: its metadata, the suite versions it was tested on (each linking to results with it as the
// baseline), and its latest runs.
import { createColumnHelper } from "@tanstack/react-table";
import { Link, useParams } from "react-router";

import { type ModelDetail, type SuiteRef, useModelDetail } from "../api/views";
import { DataTable } from "../components/DataTable";
import { RunsTable } from "../components/RunsTable";
import { QueryState } from "../components/States";
import { formatDateTime, plural } from "../format";
import { resultsUrl, runsUrl, suiteUrl } from "../links";
import { useTitle } from "../useTitle";

function metadataValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

interface MetadataRow {
  key: string;
  value: unknown;
}

const metadataColumn = createColumnHelper<MetadataRow>();
const metadataColumns = [
  metadataColumn.accessor("key", { header: "Key", cell: (info) => <code>{info.getValue()}</code> }),
  metadataColumn.accessor("value", {
    header: "Value",
    enableSorting: false,
    cell: (info) => <span style={{ whiteSpace: "pre-wrap" }}>{metadataValue(info.getValue())}</span>,
  }),
];

function suiteColumns(modelId: number) {
  const column = createColumnHelper<SuiteRef>();
  return [
    column.accessor("name", {
      header: "Test suite",
      cell: (info) => <Link to={suiteUrl(info.getValue(), info.row.original.version)}>{info.getValue()}</Link>,
    }),
    column.accessor("version", { header: "Version", meta: { numeric: true } }),
    column.display({
      id: "results",
      header: "Results",
      cell: (info) => (
        <Link
          to={resultsUrl(info.row.original.id, { baseline: modelId })}
          aria-label={`Results on ${info.row.original.name} v${info.row.original.version}`}
        >
          Results
        </Link>
      ),
    }),
  ];
}

function ModelView({ detail }: { detail: ModelDetail }) {
  const model = detail.model;
  const metadata = Object.entries(model.metadata).map(([key, value]) => ({ key, value }));
  return (
    <>
      <div className="page-header">
        <h1>{model.name}</h1>
        <span className="muted">{model.workflow}</span>
        {model.tags.map((tag) => (
          <span className="tag" key={tag}>
            {tag}
          </span>
        ))}
      </div>
      <p className="muted">
        Created {formatDateTime(model.created)}; {plural(detail.n_runs, "test run")}.
      </p>
      <div className="grid-3">
        <section aria-labelledby="model-metadata">
          <h2 id="model-metadata">Metadata</h2>
          <DataTable
            caption={`Metadata of ${model.name}`}
            data={metadata}
            columns={metadataColumns}
            getRowId={(row) => row.key}
            maxHeight="40vh"
            empty="No metadata."
          />
        </section>
        <section aria-labelledby="model-suites">
          <h2 id="model-suites">Tested on</h2>
          <DataTable
            caption={`Test suites ${model.name} was tested on`}
            data={detail.test_suites}
            columns={suiteColumns(model.id)}
            getRowId={(suite) => String(suite.id)}
            maxHeight="40vh"
            empty="Not tested yet."
          />
        </section>
      </div>
      <h2>
        Runs{" "}
        {detail.n_runs > detail.runs.length ? (
          <Link to={runsUrl({ model: model.id })} className="muted">
            (latest {detail.runs.length} of {detail.n_runs}; see all)
          </Link>
        ) : null}
      </h2>
      <RunsTable runs={detail.runs} caption={`Runs of ${model.name}`} maxHeight="50vh" hideModel />
    </>
  );
}

export function ModelPage() {
  const { id = "" } = useParams();
  const modelId = Number(id);
  const detail = useModelDetail(modelId);
  useTitle(detail.data?.model.name ?? null);
  if (!Number.isInteger(modelId)) return <p role="alert">No model has the id “{id}”.</p>;
  return <QueryState query={detail}>{(data) => <ModelView detail={data} />}</QueryState>;
}
