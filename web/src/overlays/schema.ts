/**
 * The workflow's type schema (`assay.schema`), as `SampleFields.workflow_schema` carries it: the test-sample,
 * ground-truth and inference type names, and every type reachable from them with its fields and their kinds.
 * Metrics types of the workflow's evaluators may be in `types` too (by class name).
 */

export type FieldKind =
  | { kind: "scalar"; type: "str" | "int" | "float" | "bool" }
  | { kind: "none" }
  | { kind: "any" }
  | { kind: "metadata" }
  | { kind: "literal"; values: readonly unknown[] }
  | { kind: "list"; items: FieldKind }
  | { kind: "tuple"; items: readonly FieldKind[] }
  | { kind: "dict"; keys: FieldKind; values: FieldKind }
  | { kind: "optional"; inner: FieldKind }
  | { kind: "union"; options: readonly FieldKind[] }
  | {
      kind: "annotation" | "asset" | "test_sample" | "plot" | "metrics" | "object";
      type: string;
      data_type: string | null;
    };

export interface SchemaField {
  name: string;
  kind: FieldKind;
  required?: boolean;
  init?: boolean;
  higher_is_better?: boolean;
  description?: string;
}

export interface SchemaType {
  name: string;
  module?: string;
  role: string;
  data_type: string | null;
  fields: readonly SchemaField[];
}

export interface WorkflowSchema {
  schema_version?: number;
  test_sample?: string;
  ground_truth?: string;
  inference?: string;
  root?: string;
  types: Readonly<Record<string, SchemaType>>;
}

/** The roles a value may play; each names its root type in the document. */
export type SchemaRole = "test_sample" | "ground_truth" | "inference" | "root";

/** Narrows the loosely typed document of the generated client (`Record<string, unknown>`) to a schema. */
export function asWorkflowSchema(value: unknown): WorkflowSchema | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const types = (value as { types?: unknown }).types;
  if (types === null || typeof types !== "object" || Array.isArray(types)) return undefined;
  return value as WorkflowSchema;
}

/** The type name the document gives a role, or the name itself when it is already a type of the document. */
export function typeNameOf(schema: WorkflowSchema, roleOrType: string): string | undefined {
  if (ROLES.has(roleOrType)) {
    const named = schema[roleOrType as SchemaRole];
    if (typeof named === "string" && named in schema.types) return named;
  }
  return roleOrType in schema.types ? roleOrType : undefined;
}

const ROLES: ReadonlySet<string> = new Set<SchemaRole>(["test_sample", "ground_truth", "inference", "root"]);

/**
 * The type of stored per-sample metrics: they carry their class as `_type` (`module:Qualified.Name`), and the
 * document keys types by class name (qualified when two classes share one).
 */
export function metricsTypeOf(schema: WorkflowSchema, metrics: unknown): string | undefined {
  if (metrics === null || typeof metrics !== "object") return undefined;
  const path = (metrics as { _type?: unknown })._type;
  if (typeof path !== "string") return undefined;
  const [module, qualname = ""] = path.split(":");
  const qualified = `${module}.${qualname}`;
  if (qualified in schema.types) return qualified;
  const name = qualname.split(".").pop() ?? "";
  const entry = schema.types[name];
  return entry !== undefined && (entry.module === undefined || entry.module === module) ? name : undefined;
}
