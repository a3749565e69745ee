// Two versions of a suite side by side (?base=&head=): test cases added, removed and changed, with the
// samples each changed case gained or lost.
import { createColumnHelper } from "@tanstack/react-table";
import { Link, useParams } from "react-router";

import { type SuiteDiff, type TestCaseChange, type TestCaseRef, useSuiteDetail, useSuiteDiff } from "../api/views";
import { DataTable } from "../components/DataTable";
import { Empty, ErrorState, Loading, QueryState } from "../components/States";
import { VersionPicker } from "../components/VersionPicker";
import { formatCount, plural } from "../format";
import { suiteUrl } from "../links";
import { urlOptionalInt, useUrlState, useUrlUpdate } from "../useUrlState";
import { useTitle } from "../useTitle";

const refColumn = createColumnHelper<TestCaseRef>();
const refColumns = [
  refColumn.accessor("name", { header: "Test case" }),
  refColumn.accessor("version", { header: "Version", meta: { numeric: true } }),
  refColumn.accessor("n_samples", {
    header: "Samples",
    meta: { numeric: true },
    cell: (info) => formatCount(info.getValue()),
  }),
];

const changeColumn = createColumnHelper<TestCaseChange>();
const changeColumns = [
  changeColumn.accessor("name", { header: "Test case" }),
  changeColumn.accessor((change) => change.base.version, {
    id: "base_version",
    header: "Base version",
    meta: { numeric: true },
  }),
  changeColumn.accessor((change) => change.head.version, {
    id: "head_version",
    header: "Head version",
    meta: { numeric: true },
  }),
  changeColumn.accessor((change) => change.base.n_samples, {
    id: "base_samples",
    header: "Samples before",
    meta: { numeric: true },
    cell: (info) => formatCount(info.getValue()),
  }),
  changeColumn.accessor((change) => change.head.n_samples, {
    id: "head_samples",
    header: "Samples after",
    meta: { numeric: true },
    cell: (info) => formatCount(info.getValue()),
  }),
  changeColumn.accessor("samples_added", {
    header: "Samples added",
    meta: { numeric: true },
    cell: (info) => (info.getValue() ? <span className="added">+{formatCount(info.getValue())}</span> : "0"),
  }),
  changeColumn.accessor("samples_removed", {
    header: "Samples removed",
    meta: { numeric: true },
    cell: (info) =>
      info.getValue() ? <span className="removed">{"\u2212"}{formatCount(info.getValue())}</span> : "0",
  }),
  changeColumn.accessor("ground_truths_changed", {
    header: "Ground truths changed",
    meta: { numeric: true, headerTitle: "Samples in both versions whose ground truth differs" },
    cell: (info) => formatCount(info.getValue()),
  }),
];

function DiffView({ diff }: { diff: SuiteDiff }) {
  const samplesAdded = diff.changed.reduce((sum, change) => sum + change.samples_added, 0);
  const samplesRemoved = diff.changed.reduce((sum, change) => sum + change.samples_removed, 0);
  const truthsChanged = diff.changed.reduce((sum, change) => sum + change.ground_truths_changed, 0);
  return (
    <>
      <section className="card" aria-label="Summary of changes">
        <ul className="plain">
          <li>
            <span className="added">{plural(diff.added.length, "test case")} added</span>,{" "}
            <span className="removed">{plural(diff.removed.length, "test case")} removed</span>,{" "}
            {plural(diff.changed.length, "test case")} changed, {formatCount(diff.unchanged.length)} unchanged.
          </li>
          {diff.changed.length ? (
          <li>
            In changed test cases: <span className="added">+{plural(samplesAdded, "sample")}</span>,{" "}
            <span className="removed">
              {"\u2212"}
              {plural(samplesRemoved, "sample")}
            </span>
            {truthsChanged ? `, ${plural(truthsChanged, "ground truth")} changed` : null}.
          </li>
          ) : null}
          <li className="muted">
            <Link to={suiteUrl(diff.name, diff.base.version)}>v{diff.base.version}</Link>:{" "}
            {plural(diff.base.n_test_cases, "test case")}, {plural(diff.base.n_samples, "sample")}
            {" → "}
            <Link to={suiteUrl(diff.name, diff.head.version)}>v{diff.head.version}</Link>:{" "}
            {plural(diff.head.n_test_cases, "test case")}, {plural(diff.head.n_samples, "sample")}
          </li>
        </ul>
      </section>
      <h2>Changed ({diff.changed.length})</h2>
      {diff.changed.length ? (
        <DataTable
          caption="Changed test cases"
          data={diff.changed}
          columns={changeColumns}
          getRowId={(change) => change.name}
          maxHeight="50vh"
        />
      ) : (
        <Empty>No test case changed.</Empty>
      )}
      <h2>Added ({diff.added.length})</h2>
      {diff.added.length ? (
        <DataTable
          caption="Added test cases"
          data={diff.added}
          columns={refColumns}
          getRowId={(ref) => String(ref.id)}
          maxHeight="40vh"
        />
      ) : (
        <Empty>No test case added.</Empty>
      )}
      <h2>Removed ({diff.removed.length})</h2>
      {diff.removed.length ? (
        <DataTable
          caption="Removed test cases"
          data={diff.removed}
          columns={refColumns}
          getRowId={(ref) => String(ref.id)}
          maxHeight="40vh"
        />
      ) : (
        <Empty>No test case removed.</Empty>
      )}
      <details>
        <summary>Unchanged ({diff.unchanged.length})</summary>
        <DataTable
          caption="Unchanged test cases"
          data={diff.unchanged}
          columns={refColumns}
          getRowId={(ref) => String(ref.id)}
          maxHeight="40vh"
        />
      </details>
    </>
  );
}

export function SuiteDiffPage() {
  const { name = "" } = useParams();
  useTitle(`${name}: compare versions`);
  const [base] = useUrlState("base", urlOptionalInt);
  const [head] = useUrlState("head", urlOptionalInt);
  const update = useUrlUpdate();
  const detail = useSuiteDetail(name, null);
  const versions = detail.data?.versions ?? [];
  const latest = versions.length ? Math.max(...versions.map((version) => version.version)) : null;
  const headVersion = head ?? latest;
  const baseVersion = base ?? (headVersion !== null && headVersion > 1 ? headVersion - 1 : null);
  const diff = useSuiteDiff(name, baseVersion, headVersion);

  return (
    <>
      <div className="page-header">
        <h1>
          <Link to={suiteUrl(name)}>{name}</Link>: compare versions
        </h1>
      </div>
      {detail.isError ? <ErrorState error={detail.error} onRetry={() => void detail.refetch()} /> : null}
      {detail.isPending ? <Loading /> : null}
      {versions.length && baseVersion !== null && headVersion !== null ? (
        <div className="toolbar">
          <VersionPicker
            label="Base"
            versions={versions}
            value={baseVersion}
            latest={latest ?? undefined}
            onChange={(version) => update({ base: version, head: headVersion })}
          />
          <span aria-hidden="true">→</span>
          <VersionPicker
            label="Head"
            versions={versions}
            value={headVersion}
            latest={latest ?? undefined}
            onChange={(version) => update({ base: baseVersion, head: version })}
          />
          <button type="button" onClick={() => update({ base: headVersion, head: baseVersion })}>
            Swap
          </button>
        </div>
      ) : null}
      {detail.data && versions.length < 2 ? <Empty>This suite has only one version.</Empty> : null}
      {baseVersion !== null && headVersion !== null ? (
        <QueryState query={diff}>{(data) => <DiffView diff={data} />}</QueryState>
      ) : null}
    </>
  );
}
