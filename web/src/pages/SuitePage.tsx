// A test suite at one version (?version=, the latest when absent): its test cases with sample counts, its
// version history, the models tested on it, a link to their results, and a way into the diff of versions.
import { createColumnHelper } from "@tanstack/react-table";
import { Link, useNavigate, useParams } from "react-router";

import { type SuiteDetail, type SuiteVersionSummary, type TestCaseRecord, useSuiteDetail } from "../api/views";
import { DataTable } from "../components/DataTable";
import { QueryState } from "../components/States";
import { VersionPicker } from "../components/VersionPicker";
import { formatCount, formatDateTime, plural } from "../format";
import { modelUrl, resultsUrl, runsUrl, suiteDiffUrl, suiteUrl } from "../links";
import { studioUrl } from "../studio/urlQuery";
import { urlOptionalInt, urlSorting, useUrlState } from "../useUrlState";
import { useTitle } from "../useTitle";

const caseColumn = createColumnHelper<TestCaseRecord>();
const caseColumns = [
  caseColumn.accessor("name", { header: "Test case" }),
  caseColumn.accessor("version", { header: "Version", meta: { numeric: true } }),
  caseColumn.accessor("n_samples", {
    header: "Samples",
    meta: { numeric: true },
    cell: (info) => formatCount(info.getValue()),
  }),
  caseColumn.accessor("description", {
    header: "Description",
    enableSorting: false,
    cell: (info) => <span className="muted">{info.getValue()}</span>,
  }),
];

function versionColumns(name: string, current: number, latest: number) {
  const column = createColumnHelper<SuiteVersionSummary>();
  return [
    column.accessor("version", {
      header: "Version",
      meta: { numeric: true },
      cell: (info) =>
        info.getValue() === current ? (
          <strong aria-current="true">v{info.getValue()}</strong>
        ) : (
          <Link to={suiteUrl(name, info.getValue() === latest ? null : info.getValue())}>v{info.getValue()}</Link>
        ),
    }),
    column.accessor("created", { header: "Created", cell: (info) => formatDateTime(info.getValue()) }),
    column.accessor("n_test_cases", { header: "Test cases", meta: { numeric: true } }),
    column.accessor("n_samples", {
      header: "Samples",
      meta: { numeric: true },
      cell: (info) => formatCount(info.getValue()),
    }),
    column.accessor("description", { header: "Description", enableSorting: false }),
    column.display({
      id: "compare",
      header: "Compare",
      cell: (info) =>
        info.row.original.version === current ? null : (
          <Link
            to={suiteDiffUrl(
              name,
              Math.min(info.row.original.version, current),
              Math.max(info.row.original.version, current),
            )}
            aria-label={`Compare v${info.row.original.version} with v${current}`}
          >
            diff with v{current}
          </Link>
        ),
    }),
  ];
}

function SuiteView({ detail }: { detail: SuiteDetail }) {
  const navigate = useNavigate();
  const [sorting, setSorting] = useUrlState("sort", urlSorting);
  const suite = detail.suite;
  const latest = Math.max(...detail.versions.map((version) => version.version), suite.version);
  const previous = [...detail.versions]
    .map((version) => version.version)
    .filter((version) => version < suite.version)
    .sort((a, b) => b - a)[0];
  const models = detail.models;

  return (
    <>
      <div className="page-header">
        <h1>{suite.name}</h1>
        <VersionPicker
          label="Version"
          versions={detail.versions}
          value={suite.version}
          latest={latest}
          onChange={(version) => void navigate(suiteUrl(suite.name, version === latest ? null : version))}
        />
      </div>
      <div className="toolbar">
        {models.length > 0 ? (
          <Link
            className="button primary"
            to={resultsUrl(
              suite.id,
              { models: models.map((model) => model.id) },
            )}
          >
            Results of {plural(models.length, "model")} on v{suite.version}
          </Link>
        ) : (
          <span className="muted">No model has been tested on v{suite.version} yet.</span>
        )}
        {previous !== undefined ? (
          <Link className="button" to={suiteDiffUrl(suite.name, previous, suite.version)}>
            Compare versions (v{previous} → v{suite.version})
          </Link>
        ) : null}
        <Link to={runsUrl({ suite: suite.name })}>Runs on this suite</Link>
        <Link to={studioUrl({ suite: suite.id })}>Open in Studio</Link>
      </div>
      <section className="card" aria-label="About this version">
        <dl className="kv">
          <dt>Workflow</dt>
          <dd>{suite.workflow}</dd>
          <dt>Description</dt>
          <dd>{suite.description || <span className="muted">none</span>}</dd>
          <dt>Tags</dt>
          <dd>
            {suite.tags.length
              ? suite.tags.map((tag) => (
                  <span className="tag" key={tag}>
                    {tag}
                  </span>
                ))
              : <span className="muted">none</span>}
          </dd>
          <dt>Made</dt>
          <dd>{formatDateTime(suite.created)}</dd>
          <dt>Size</dt>
          <dd>
            {plural(suite.test_cases.length, "test case")}, {plural(detail.n_samples, "distinct sample")}
          </dd>
          <dt>Models tested</dt>
          <dd>
            {models.length ? (
              models.map((model, index) => (
                <span key={model.id}>
                  {index > 0 ? ", " : null}
                  <Link to={modelUrl(model.id)}>{model.name}</Link>
                </span>
              ))
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
        </dl>
      </section>
      <h2>Test cases</h2>
      <DataTable
        caption={`Test cases of ${suite.name} v${suite.version}`}
        data={suite.test_cases}
        columns={caseColumns}
        getRowId={(testCase) => String(testCase.id)}
        sorting={sorting}
        onSortingChange={(next) => setSorting(next, { replace: true })}
        maxHeight="60vh"
        empty="This version has no test cases."
      />
      <h2>Version history</h2>
      <DataTable
        caption={`Versions of ${suite.name}`}
        data={[...detail.versions].sort((a, b) => b.version - a.version)}
        columns={versionColumns(suite.name, suite.version, latest)}
        getRowId={(version) => String(version.version)}
        maxHeight="40vh"
      />
    </>
  );
}

export function SuitePage() {
  const { name = "" } = useParams();
  useTitle(name);
  const [version] = useUrlState("version", urlOptionalInt);
  const detail = useSuiteDetail(name, version);
  return <QueryState query={detail}>{(data) => <SuiteView detail={data} />}</QueryState>;
}
