import { describe, expect, it } from "vitest";

import { NO_OVERRIDES } from "./direction";
import { CSV_COLUMNS, MARKDOWN_ROWS, csvText, exportRecords, toCsv, toJson, toMarkdown } from "./exporters";
import { ROWS, fixtureTable } from "./fixture";

const table = fixtureTable();
const input = { table, rows: ROWS, overrides: NO_OVERRIDES };

/** A tiny RFC 4180 reader, enough to check what the writer wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  return rows;
}

describe("exportRecords", () => {
  it("has every cell: suite cells first, then each test case's", () => {
    const records = exportRecords(input);
    expect(records).toHaveLength(table.suite_columns.length + ROWS.length * table.columns.length);
    expect(records[0].scope).toBe("suite");
    expect(records.at(-1)?.testCaseId).toBe(13);
  });
});

describe("toCsv", () => {
  const rows = parseCsv(toCsv(input));
  const header = rows[0];
  const find = (testCase: string, configuration: string, metric: string, model: string) =>
    rows.find((r) => r[1] === testCase && r[3] === configuration && r[4] === metric && r[5] === model)!;
  const at = (row: string[], column: (typeof CSV_COLUMNS)[number]) => row[header.indexOf(column)];

  it("writes one line per cell under a header", () => {
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + table.suite_columns.length + ROWS.length * table.columns.length);
  });

  it("keeps full precision and every statistic", () => {
    const r = find("faces :: pose: profile", "t-0.05", "mean_nme", "model B");
    expect(at(r, "value")).toBe("0.081");
    expect(at(r, "delta")).toBe("0.023");
    expect(Number(at(r, "ci_low"))).toBeCloseTo(0.013, 12);
    expect(at(r, "p_value")).toBe("0.0015");
    expect(at(r, "q_value")).toBe("0.003");
    expect(at(r, "significant")).toBe("true");
    expect(at(r, "test")).toBe("paired");
    expect(at(r, "state")).toBe("worse");
    expect(at(r, "higher_is_better")).toBe("false");
  });

  it("writes the unnamed configuration and missing numbers as empty fields", () => {
    const r = find("faces :: blur: high", "", "accuracy", "model C");
    expect(at(r, "value")).toBe("");
    expect(at(r, "state")).toBe("missing");
  });

  it("follows the reader's flips", () => {
    const flipped = parseCsv(toCsv({ ...input, overrides: { flip: ["mean_nme"], set: {} } }));
    const r = flipped.find((x) => x[1] === "faces :: pose: profile" && x[3] === "t-0.05" && x[4] === "mean_nme" && x[5] === "model B")!;
    expect(r[header.indexOf("state")]).toBe("better");
    expect(r[header.indexOf("higher_is_better")]).toBe("true");
  });
});

describe("csvText", () => {
  it("quotes separators, quotes and line breaks", () => {
    expect(csvText('a,"b"\nc')).toBe('"a,""b""\nc"');
  });

  it("keeps user-chosen names from running as spreadsheet formulas", () => {
    expect(csvText("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvText("-x")).toBe("'-x");
    expect(csvText("plain")).toBe("plain");
  });
});

describe("toJson", () => {
  it("describes the comparison and carries every cell, non-finite numbers tagged", () => {
    const withNaN = {
      ...input,
      rows: [{ ...ROWS[0], cells: ROWS[0].cells.map((c, i) => (i === 1 ? { ...c!, value: Number.NaN } : c)) }],
    };
    const doc = JSON.parse(toJson(withNaN));
    expect(doc.test_suite).toEqual(table.test_suite);
    expect(doc.baseline_id).toBe(1);
    expect(doc.alpha).toBe(0.05);
    expect(doc.metrics.map((m: { key: string }) => m.key)).toEqual(["mean_nme", "accuracy", "ap"]);
    expect(doc.metrics[0]).toMatchObject({ higher_is_better: false, direction_source: "declared" });
    expect(doc.test_cases).toHaveLength(1);
    expect(doc.test_cases[0].cells).toHaveLength(table.columns.length);
    expect(doc.test_cases[0].cells[1].value).toEqual({ "$assay:float": "NaN" });
    expect(doc.suite).toHaveLength(table.suite_columns.length);
  });
});

describe("toMarkdown", () => {
  const text = toMarkdown(input);

  it("names the suite, the baseline and the compared models", () => {
    expect(text).toContain("### Assay results: faces (version 2)");
    expect(text).toContain("Baseline: **model A**; compared: **model B**, **model C**");
    expect(text).toContain("Benjamini–Hochberg over 24 tests, q ≤ 0.05");
  });

  it("lists the regressions and improvements with deltas and q-values", () => {
    // Regressions: profile nme B (+0.023, q .003), profile accuracy B (-0.1, q .001), complete nme C (+0.01, q .04), both configurations.
    expect(text).toContain("**6 significant regressions, 4 significant improvements**");
    expect(text).toContain("| faces :: pose: profile | mean\\_nme ↓ | t-0.05 | model B | 0.0580 | 0.0810 | ▲ +0.023 | [+0.013, +0.033] | 0.003 |");
    const regressions = text.slice(text.indexOf("#### Regressions"), text.indexOf("#### Improvements"));
    expect(regressions).toContain("accuracy ↑ | t-0.05 | model B");
    expect(regressions).not.toContain("model C | 0.0580");
  });

  it("escapes Markdown in names", () => {
    const named = toMarkdown({ ...input, rows: [{ ...ROWS[1], test_case: { ...ROWS[1].test_case, name: "a|b *c*" } }] });
    expect(named).toContain("a\\|b \\*c\\*");
  });

  it("says when nothing changed significantly", () => {
    const none = toMarkdown({ ...input, rows: [ROWS[2]] });
    expect(none).toContain("No significant change at q ≤ 0.05.");
  });

  it("caps long sections", () => {
    const many = Array.from({ length: MARKDOWN_ROWS }, (_, i) => ({ ...ROWS[1], test_case: { ...ROWS[1].test_case, id: 1000 + i } }));
    expect(toMarkdown({ ...input, rows: many })).toContain(`…and ${MARKDOWN_ROWS * 4 - MARKDOWN_ROWS} more`);
  });

  it("notes directions the reader changed", () => {
    expect(toMarkdown({ ...input, overrides: { flip: ["mean_nme"], set: {} } })).toContain("Directions set by the reader: mean\\_nme: higher is better");
  });
});
