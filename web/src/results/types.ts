// The results page's records: the server's (src/assay/service/views.py), as the generated client types them.
// The client decodes non-finite floats on the way in (api/wire.ts), so every number here is a number.

import type { components } from "../api/schema";

type Schemas = components["schemas"];

export type ModelRef = Schemas["ModelRef"];
export type SuiteRef = Schemas["SuiteRef"];
export type TestCaseRef = Schemas["TestCaseRef"];
export type RunOption = Schemas["RunOption"];
export type ResultsOptions = Schemas["ResultsOptions"];
export type MetricColumn = Schemas["MetricColumn"];
export type ResultColumn = Schemas["ResultColumn"];
export type CellStats = Schemas["CellStats"];
export type ResultsRow = Schemas["ResultsRow"];
export type ResultsTable = Schemas["ResultsTable"];
export type NestedRow = Schemas["NestedRow"];
export type NestedResults = Schemas["NestedResults"];
export type PlotsOfModel = Schemas["PlotsOfModel"];
export type TestCasePlots = Schemas["TestCasePlots"];

export type DirectionSource = MetricColumn["direction_source"];
export type SortBy = "value" | "delta" | "significance";
