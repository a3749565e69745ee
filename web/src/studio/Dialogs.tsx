// The Studio's two curation dialogs: make a test case of the selection, or split the matches by a field. Each
// posts, then says what was made with links to the suite's new version and its results; a refused request
// (a name already taken, say) is shown in the dialog, which stays open with what was typed.
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";

import { errorMessage } from "../components/States";
import { plural } from "../format";
import { resultsUrl, suiteUrl } from "../links";
import { useCreateTestCase, useSplitTestCases } from "./api";
import { groupFields } from "./predicates";
import type { CreateForm } from "./selection";
import type { CreatedTestCases, CreateTestCase, FieldInfo, ModelRef, SampleQuery, SplitTestCases } from "./types";

function Dialog({ title, testId, onClose, children }: { title: string; testId: string; onClose: () => void; children: ReactNode }) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>("input, select, textarea, button")?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div className="st-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={ref}
        className="st-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        data-testid={testId}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="st-dialog-head">
          <h2 id={`${id}-title`}>{title}</h2>
          <button type="button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

/** What curation made, with links to the suite's new version and its results. */
export function CreatedSummary({ created }: { created: CreatedTestCases }) {
  return (
    <div className="st-created" role="status" data-testid="studio-created">
      <p>
        Made {plural(created.test_cases.length, "test case")}:{" "}
        {created.test_cases.map((tc, i) => (
          <span key={tc.id}>
            {i > 0 ? ", " : null}
            <strong>{tc.name}</strong> ({plural(tc.n_samples, "sample")})
          </span>
        ))}
        .
      </p>
      {created.suite ? (
        <p>
          <Link to={suiteUrl(created.suite.name, created.suite.version)}>
            {created.suite.name} version {created.suite.version}
          </Link>{" "}
          · <Link to={resultsUrl(created.suite.id)}>Results of version {created.suite.version}</Link>
          {created.derived_runs > 0 ? ` (metrics of ${plural(created.derived_runs, "run")} derived)` : null}
        </p>
      ) : (
        <p className="muted">Not added to the suite.</p>
      )}
      {(created.pending_metrics ?? []).length > 0 ? (
        <p className="muted">Metrics that need the evaluator to run again: {(created.pending_metrics ?? []).join(", ")}.</p>
      ) : null}
    </div>
  );
}

function Options({ form, set }: { form: Pick<CreateForm, "addToSuite" | "computeMetrics">; set: (changes: Partial<CreateForm>) => void }) {
  return (
    <>
      <label className="st-check">
        <input type="checkbox" checked={form.addToSuite} onChange={(e) => set({ addToSuite: e.target.checked, computeMetrics: e.target.checked && form.computeMetrics })} />{" "}
        Add to suite (new version)
      </label>
      <label className="st-check">
        <input type="checkbox" checked={form.computeMetrics} disabled={!form.addToSuite} onChange={(e) => set({ computeMetrics: e.target.checked })} /> Compute metrics for
        existing models
      </label>
    </>
  );
}

export interface CreateDialogProps {
  suggestedName: string;
  /** How many samples the test case will hold. */
  count: number;
  /** The body for what was typed (may fetch, for selections that are not a query). */
  body: (form: CreateForm) => CreateTestCase | Promise<CreateTestCase>;
  onClose: () => void;
}

export function CreateTestCaseDialog({ suggestedName, count, body, onClose }: CreateDialogProps) {
  const id = useId();
  const [form, setForm] = useState<CreateForm>({ name: suggestedName, description: "", addToSuite: true, computeMetrics: true });
  const [preparing, setPreparing] = useState<string | null>(null);
  const mutation = useCreateTestCase();
  const set = (changes: Partial<CreateForm>) => setForm((f) => ({ ...f, ...changes }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (form.name.trim() === "") return;
    try {
      setPreparing(null);
      const request = await body(form);
      mutation.mutate(request);
    } catch (error) {
      setPreparing(errorMessage(error));
    }
  };
  const problem = preparing ?? (mutation.isError ? errorMessage(mutation.error) : null);
  return (
    <Dialog title="Create test case" testId="create-dialog" onClose={onClose}>
      {mutation.isSuccess ? (
        <>
          <CreatedSummary created={mutation.data} />
          <div className="st-dialog-actions">
            <button type="button" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={(event) => void submit(event)} className="st-form">
          <p className="muted">{plural(count, "sample")} will make up the test case; ground truths are the suite's.</p>
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} type="text" required value={form.name} onChange={(e) => set({ name: e.target.value })} aria-invalid={form.name.trim() === ""} />
          <label htmlFor={`${id}-description`}>Description</label>
          <textarea id={`${id}-description`} rows={2} value={form.description} onChange={(e) => set({ description: e.target.value })} />
          <Options form={form} set={set} />
          {problem ? (
            <p className="state error" role="alert">
              {problem}
            </p>
          ) : null}
          <div className="st-dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={mutation.isPending || form.name.trim() === "" || count === 0}>
              {mutation.isPending ? "Creating…" : "Create"}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

export interface SplitDialogProps {
  fields: readonly FieldInfo[];
  models: readonly ModelRef[];
  query: SampleQuery;
  suiteName: string;
  onClose: () => void;
}

/** Fields a split can use: categories and booleans, and numbers (in equal-width bins). */
function splittable(field: FieldInfo): boolean {
  return field.kind === "category" || field.kind === "bool" || field.kind === "number" || (field.kind === "text" && (field.n_distinct ?? 51) <= 50);
}

export function SplitDialog({ fields, models, query, suiteName, onClose }: SplitDialogProps) {
  const id = useId();
  const choices = fields.filter(splittable);
  const [fieldName, setFieldName] = useState(choices[0]?.name ?? "");
  const field = choices.find((f) => f.name === fieldName);
  const [modelId, setModelId] = useState<number | null>(models[0]?.id ?? null);
  const [bins, setBins] = useState("5");
  const [prefix, setPrefix] = useState("");
  const [form, setForm] = useState({ addToSuite: true, computeMetrics: true });
  const [problem, setProblem] = useState<string | null>(null);
  const mutation = useSplitTestCases();
  const numeric = field?.kind === "number";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!field) return;
    const count = Number(bins);
    if (numeric && (!Number.isInteger(count) || count < 2 || count > 50)) {
      setProblem("bins must be a whole number from 2 to 50");
      return;
    }
    setProblem(null);
    const body: SplitTestCases = { query, field: field.name, add_to_suite: form.addToSuite, compute_metrics: form.computeMetrics };
    if (field.per_model && modelId !== null) body.model_id = modelId;
    if (field.per_model && query.configuration !== undefined && query.configuration !== null) body.configuration = query.configuration;
    if (numeric) body.bins = count;
    if (prefix.trim() !== "") body.name_prefix = prefix.trim();
    mutation.mutate(body);
  };
  const shown = problem ?? (mutation.isError ? errorMessage(mutation.error) : null);
  return (
    <Dialog title="Split by field" testId="split-dialog" onClose={onClose}>
      {mutation.isSuccess ? (
        <>
          <CreatedSummary created={mutation.data} />
          <div className="st-dialog-actions">
            <button type="button" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} className="st-form">
          <p className="muted">One test case per value of the field (or per bin of a number) among the matching samples.</p>
          <label htmlFor={`${id}-field`}>Split field</label>
          <select id={`${id}-field`} value={field?.name ?? ""} onChange={(e) => setFieldName(e.target.value)}>
            {groupFields(choices).map((group) => (
              <optgroup key={group.group} label={group.label}>
                {group.fields.map((f) => (
                  <option key={f.name} value={f.name}>
                    {f.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          {field?.per_model ? (
            <>
              <label htmlFor={`${id}-model`}>Split model</label>
              <select id={`${id}-model`} value={modelId ?? ""} onChange={(e) => setModelId(Number(e.target.value))}>
                {models.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          {numeric ? (
            <>
              <label htmlFor={`${id}-bins`}>Bins</label>
              <input id={`${id}-bins`} type="number" min={2} max={50} value={bins} onChange={(e) => setBins(e.target.value)} />
            </>
          ) : null}
          <label htmlFor={`${id}-prefix`}>Name prefix</label>
          <input id={`${id}-prefix`} type="text" value={prefix} placeholder={`${suiteName} :: ${field?.label ?? ""}`} onChange={(e) => setPrefix(e.target.value)} />
          <Options form={form} set={(changes) => setForm((f) => ({ ...f, ...changes }))} />
          {shown ? (
            <p className="state error" role="alert">
              {shown}
            </p>
          ) : null}
          <div className="st-dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={mutation.isPending || !field}>
              {mutation.isPending ? "Splitting…" : "Split"}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
