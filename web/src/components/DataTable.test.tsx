import { type ColumnDef, getCoreRowModel, getExpandedRowModel, useReactTable } from "@tanstack/react-table";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { DataTable, VirtualTable } from "./DataTable";

interface Row {
  id: number;
  name: string;
  score: number;
}

const rows: Row[] = Array.from({ length: 10_000 }, (_, index) => ({
  id: index,
  name: `case ${String(index).padStart(5, "0")}`,
  score: (index * 7919) % 1000,
}));

const columns: ColumnDef<Row, unknown>[] = [
  { accessorKey: "name", header: "Name" },
  { accessorKey: "score", header: "Score", meta: { numeric: true } },
];

describe("DataTable", () => {
  it("is a table with a caption, column headers and only the visible rows in the DOM", () => {
    render(<DataTable caption="Cases" data={rows} columns={columns} getRowId={(row) => String(row.id)} />);
    const table = screen.getByRole("table", { name: "Cases" });
    expect(within(table).getAllByRole("columnheader").map((header) => header.textContent)).toEqual([
      "Name",
      "Score",
    ]);
    const rendered = within(table).getAllByRole("row").length - 1;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    expect(table).toHaveAttribute("aria-rowcount", String(rows.length + 1));
    expect(within(table).getByText("case 00000")).toBeInTheDocument();
    expect(within(table).queryByText("case 09999")).not.toBeInTheDocument();
  });

  it("sorts by a header's button, marking aria-sort, uncontrolled", async () => {
    render(<DataTable caption="Cases" data={rows.slice(0, 20)} columns={columns} />);
    const table = screen.getByRole("table", { name: "Cases" });
    const score = within(table).getByRole("columnheader", { name: /Score/ });
    await userEvent.click(within(score).getByRole("button"));
    const sortedAscending = score.getAttribute("aria-sort");
    const values = () =>
      within(table)
        .getAllByRole("row")
        .slice(1)
        .map((row) => Number(within(row).getAllByRole("cell")[1].textContent));
    const first = values();
    expect(first).toEqual(
      [...first].sort((a, b) => (sortedAscending === "ascending" ? a - b : b - a)),
    );
    expect(["ascending", "descending"]).toContain(sortedAscending);
  });

  it("reports controlled sort changes instead of sorting by itself", async () => {
    const onSortingChange = vi.fn();
    render(
      <DataTable caption="Cases" data={rows.slice(0, 5)} columns={columns} sorting={[]} onSortingChange={onSortingChange} />,
    );
    await userEvent.click(screen.getByRole("button", { name: /Name/ }));
    expect(onSortingChange).toHaveBeenCalledWith([{ id: "name", desc: false }]);
  });

  it("renders column groups as header cells spanning their columns", () => {
    const grouped: ColumnDef<Row, unknown>[] = [
      { accessorKey: "name", header: "Name" },
      {
        id: "metrics",
        header: "Metrics",
        columns: [
          { id: "a", accessorKey: "score", header: "A" },
          { id: "b", accessorFn: (row) => row.score * 2, header: "B" },
        ],
      },
    ];
    render(<DataTable caption="Grouped" data={rows.slice(0, 3)} columns={grouped} />);
    const group = screen.getByRole("columnheader", { name: "Metrics" });
    expect(group).toHaveAttribute("colspan", "2");
    expect(group).toHaveAttribute("scope", "colgroup");
  });

  it("asks for more rows when the end of the loaded ones comes into view", () => {
    const onEndReached = vi.fn();
    render(<DataTable caption="Few" data={rows.slice(0, 5)} columns={columns} onEndReached={onEndReached} />);
    expect(onEndReached).toHaveBeenCalled();
  });

  it("shows the empty message when there are no rows", () => {
    render(<DataTable caption="None" data={[]} columns={columns} empty="Nothing here." />);
    expect(screen.getByRole("cell", { name: "Nothing here." })).toBeInTheDocument();
  });
});

describe("VirtualTable with expandable rows", () => {
  function Expandable() {
    const table = useReactTable({
      data: rows.slice(0, 3),
      columns,
      getRowId: (row) => String(row.id),
      getRowCanExpand: () => true,
      initialState: { expanded: { "1": true } },
      getCoreRowModel: getCoreRowModel(),
      getExpandedRowModel: getExpandedRowModel(),
    });
    return (
      <VirtualTable
        table={table}
        caption="Expandable"
        renderExpanded={(row) => <p>details of {row.original.name}</p>}
      />
    );
  }

  it("renders an expanded row's content in a full-width row under it", () => {
    render(<Expandable />);
    const table = screen.getByRole("table", { name: "Expandable" });
    const bodyRows = within(table).getAllByRole("row").slice(1);
    expect(bodyRows.map((row) => row.textContent)).toEqual([
      "case 000000",
      "case 00001" + String(rows[1].score),
      "details of case 00001",
      "case 00002" + String(rows[2].score),
    ]);
    expect(within(bodyRows[2]).getByRole("cell")).toHaveAttribute("colspan", "2");
  });
});
