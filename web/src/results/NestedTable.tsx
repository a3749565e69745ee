// A test case's nested tables (e.g. one row per class), loaded when its row is expanded and drawn with the
// same grid as the page, deltas and states included.

import { useMemo } from "react";

import { gridColumns } from "./cells";
import type { DescribeContext } from "./describe";
import type { DirectionOverrides } from "./direction";
import { type GridRow, ResultsGrid } from "./ResultsGrid";
import { type TableParams, useNestedResults } from "./queries";
import type { MetricColumn, ModelRef } from "./types";

export interface NestedTablesProps {
  params: TableParams;
  row: GridRow;
  models: readonly ModelRef[];
  overrides: DirectionOverrides;
  colors: ReadonlyMap<number, string>;
  context: DescribeContext;
  onFlip: (metric: MetricColumn) => void;
  onSetDirection: (metric: MetricColumn, higherIsBetter: boolean | null) => void;
}

function NestedTable({ field, ...props }: NestedTablesProps & { field: string }) {
  const testCaseId = props.row.testCaseId as number;
  const nested = useNestedResults(props.params, testCaseId, field);
  const data = nested.data;
  const columns = useMemo(
    () => (data ? gridColumns(data.columns, data.metrics, props.models, props.params.baselineId, props.overrides) : []),
    [data, props.models, props.params.baselineId, props.overrides],
  );
  const rows = useMemo<GridRow[]>(
    () => (data ? data.rows.map((r, i) => ({ key: `${testCaseId}\u241f${field}\u241f${i}`, label: r.label, cells: r.cells })) : []),
    [data, testCaseId, field],
  );
  const caption = `${field} of ${props.row.label}`;
  return (
    <section className="rp-nested" aria-label={caption}>
      <h3>
        {field} <span className="muted">({data ? `${data.rows.length} rows` : "loading…"})</span>
      </h3>
      {nested.isError ? <p className="state error">{nested.error.message}</p> : null}
      {data ? (
        <ResultsGrid
          caption={caption}
          rowHeader={field}
          columns={columns}
          rows={rows}
          context={props.context}
          colors={props.colors}
          maxHeight={360}
          onFlip={props.onFlip}
          onSetDirection={props.onSetDirection}
        />
      ) : null}
    </section>
  );
}

export function NestedTables(props: NestedTablesProps) {
  return (
    <div className="rp-nested-list">
      {(props.row.nestedFields ?? []).map((field) => (
        <NestedTable key={field} field={field} {...props} />
      ))}
    </div>
  );
}
