// The Studio's records: the server's (src/assay/service/sample_views.py), as the generated client types them.
import type { components } from "../api/schema";

type Schemas = components["schemas"];

export type SampleFields = Schemas["SampleFields"];
export type FieldInfo = Schemas["FieldInfo"];
export type FieldKind = FieldInfo["kind"];
export type FieldGroup = FieldInfo["group"];
export type Predicate = Schemas["Predicate"];
export type PredicateOp = Predicate["op"];
export type Difference = Schemas["Difference"];
export type SortKey = Schemas["SortKey"];
export type SampleQuery = Schemas["SampleQuery"];
export type SampleItem = Schemas["SampleItem"];
export type SamplePage = Schemas["SamplePage"];
export type Histogram = Schemas["Histogram"];
export type Histograms = Schemas["Histograms"];
export type HistogramRequest = Schemas["HistogramRequest"];
export type CreateTestCase = Schemas["CreateTestCase"];
export type SplitTestCases = Schemas["SplitTestCases"];
export type CreatedTestCases = Schemas["CreatedTestCases"];
export type DeltaSamples = Schemas["DeltaSamples"];
export type DeltaSample = Schemas["DeltaSample"];
export type ModelRef = Schemas["ModelRef"];
export type TestCaseRef = Schemas["TestCaseRef"];
