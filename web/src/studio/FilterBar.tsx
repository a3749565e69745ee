// The filter bar: add a predicate on any field (one widget per field kind), or a model-versus-model difference;
// every filter as a removable chip; the sort. Everything is written to the URL by the page.
import { type FormEvent, useId, useMemo, useState } from "react";

import { formatCount } from "../format";
import {
  type FilterKind,
  addPredicate,
  type Names,
  categoryPredicate,
  describeDifference,
  describePredicate,
  differenceOf,
  filterKindsOf,
  groupFields,
  nullPredicate,
  parseBound,
  rangePredicate,
  textPredicate,
} from "./predicates";
import type { Difference, FieldInfo, Histogram, ModelRef, Predicate, SortKey } from "./types";

const KIND_WORDS: Record<FilterKind, string> = {
  range: "between",
  in: "is one of",
  contains: "contains",
  null: "is missing",
  not_null: "is present",
};

function FieldSelect({
  id,
  fields,
  value,
  onChange,
  filter,
  empty,
}: {
  id: string;
  fields: readonly FieldInfo[];
  value: string;
  onChange: (name: string) => void;
  filter?: (field: FieldInfo) => boolean;
  empty?: string;
}) {
  const groups = groupFields(filter ? fields.filter(filter) : fields);
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
      {empty !== undefined ? <option value="">{empty}</option> : null}
      {groups.map((group) => (
        <optgroup key={group.group} label={group.label}>
          {group.fields.map((field) => (
            <option key={field.name} value={field.name}>
              {field.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

function ModelSelect({ id, models, value, onChange }: { id: string; models: readonly ModelRef[]; value: number | null; onChange: (id: number) => void }) {
  return (
    <select id={id} value={value ?? ""} onChange={(event) => onChange(Number(event.target.value))}>
      {models.map((model) => (
        <option key={model.id} value={model.id}>
          {model.name}
        </option>
      ))}
    </select>
  );
}

/** The form that adds one predicate: field, model (per-model fields), kind, and the kind's inputs. */
function AddPredicate({
  fields,
  models,
  histograms,
  onAdd,
}: {
  fields: readonly FieldInfo[];
  models: readonly ModelRef[];
  histograms: ReadonlyMap<string, Histogram>;
  onAdd: (predicate: Predicate) => void;
}) {
  const id = useId();
  // The first field as the picker lists it (metadata first), not the server's first (the sample's key).
  const first = groupFields(fields)[0]?.fields[0];
  const [fieldName, setFieldName] = useState(first?.name ?? "");
  const field = fields.find((f) => f.name === fieldName) ?? first;
  const [modelId, setModelId] = useState<number | null>(models[0]?.id ?? null);
  const kinds = field ? filterKindsOf(field) : [];
  const [kindChoice, setKind] = useState<FilterKind | null>(null);
  const kind = kindChoice !== null && kinds.includes(kindChoice) ? kindChoice : kinds[0];
  const [min, setMin] = useState("");
  const [max, setMax] = useState("");
  const [values, setValues] = useState<string[]>([]);
  // Fields without known categories take values typed in, comma-separated.
  const [valuesText, setValuesText] = useState("");
  const [text, setText] = useState("");
  const [problem, setProblem] = useState("");
  const model = field?.per_model ? (models.some((m) => m.id === modelId) ? modelId : (models[0]?.id ?? null)) : null;

  // Categories with their counts over the current matches, when the sidebar has the field (else as listed).
  const categories = useMemo(() => {
    if (!field) return [];
    const histogram = histograms.get(field.name);
    const counts = new Map<string, number>();
    histogram?.categories?.forEach((c, i) => counts.set(c, histogram.counts[i] ?? 0));
    const names = field.categories ?? histogram?.categories ?? (field.kind === "bool" ? ["true", "false"] : []);
    return names.map((name) => ({ name, count: counts.get(name) }));
  }, [field, histograms]);

  if (!field) return <p className="muted">This suite has no field to filter by.</p>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    try {
      let predicate: Predicate;
      if (kind === "range") {
        const lo = parseBound(min);
        const hi = parseBound(max);
        if (lo === undefined || hi === undefined) throw new Error("bounds must be numbers");
        if (lo === null && hi === null) throw new Error("give a minimum or a maximum");
        predicate = rangePredicate(field, model, lo, hi);
      } else if (kind === "in") {
        const typed = valuesText.split(",").map((v) => v.trim()).filter(Boolean);
        predicate = categoryPredicate(field, model, categories.length > 0 ? values : typed);
      }
      else if (kind === "contains") predicate = textPredicate(field, model, text);
      else predicate = nullPredicate(field, model, kind === "null");
      onAdd(predicate);
      setProblem("");
      setMin("");
      setMax("");
      setValues([]);
      setValuesText("");
      setText("");
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <form className="st-add" onSubmit={submit} aria-label="Add a filter">
      <label htmlFor={`${id}-field`}>Filter field</label>
      <FieldSelect id={`${id}-field`} fields={fields} value={field.name} onChange={setFieldName} />
      {field.per_model ? (
        <>
          <label htmlFor={`${id}-model`}>Filter model</label>
          <ModelSelect id={`${id}-model`} models={models} value={model} onChange={setModelId} />
        </>
      ) : null}
      <label htmlFor={`${id}-kind`}>Condition</label>
      <select id={`${id}-kind`} value={kind} onChange={(event) => setKind(event.target.value as FilterKind)}>
        {kinds.map((k) => (
          <option key={k} value={k}>
            {KIND_WORDS[k]}
          </option>
        ))}
      </select>
      {kind === "range" ? (
        <>
          <label htmlFor={`${id}-min`}>Minimum</label>
          <input id={`${id}-min`} type="text" className="st-bound" inputMode="decimal" value={min} placeholder={field.min === null || field.min === undefined ? "" : String(field.min)} onChange={(e) => setMin(e.target.value)} />
          <label htmlFor={`${id}-max`}>Maximum</label>
          <input id={`${id}-max`} type="text" className="st-bound" inputMode="decimal" value={max} placeholder={field.max === null || field.max === undefined ? "" : String(field.max)} onChange={(e) => setMax(e.target.value)} />
        </>
      ) : null}
      {kind === "in" ? (
        <>
          <label htmlFor={`${id}-values`}>Values</label>
          {categories.length > 0 ? (
            <select
              id={`${id}-values`}
              multiple
              size={Math.min(6, categories.length)}
              value={values}
              onChange={(event) => setValues([...event.target.selectedOptions].map((option) => option.value))}
            >
              {categories.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                  {c.count !== undefined ? ` (${formatCount(c.count)})` : ""}
                </option>
              ))}
            </select>
          ) : (
            <input id={`${id}-values`} type="text" value={valuesText} placeholder="comma-separated" onChange={(event) => setValuesText(event.target.value)} />
          )}
        </>
      ) : null}
      {kind === "contains" ? (
        <>
          <label htmlFor={`${id}-text`}>Text</label>
          <input id={`${id}-text`} type="search" value={text} onChange={(event) => setText(event.target.value)} />
        </>
      ) : null}
      <button type="submit">Add filter</button>
      {problem ? (
        <span className="st-problem" role="alert">
          {problem}
        </span>
      ) : null}
    </form>
  );
}

/** The form that adds "field of model minus the same of another model within [min, max]". */
function AddDifference({ fields, models, onAdd }: { fields: readonly FieldInfo[]; models: readonly ModelRef[]; onAdd: (difference: Difference) => void }) {
  const id = useId();
  const numeric = fields.filter((f) => f.per_model && f.kind === "number");
  const [fieldName, setFieldName] = useState(numeric[0]?.name ?? "");
  const [modelId, setModelId] = useState<number | null>(models[1]?.id ?? models[0]?.id ?? null);
  const [minusId, setMinusId] = useState<number | null>(models[0]?.id ?? null);
  const [min, setMin] = useState("");
  const [max, setMax] = useState("");
  const [problem, setProblem] = useState("");
  const field = numeric.find((f) => f.name === fieldName) ?? numeric[0];
  if (!field || models.length < 2) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    try {
      const lo = parseBound(min);
      const hi = parseBound(max);
      if (lo === undefined || hi === undefined) throw new Error("bounds must be numbers");
      onAdd(differenceOf(field, modelId ?? models[1].id, minusId ?? models[0].id, lo, hi));
      setProblem("");
      setMin("");
      setMax("");
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <details className="st-difference">
      <summary>Model vs model</summary>
      <form className="st-add" onSubmit={submit} aria-label="Add a model difference">
        <label htmlFor={`${id}-field`}>Difference of</label>
        <FieldSelect id={`${id}-field`} fields={numeric} value={field.name} onChange={setFieldName} />
        <label htmlFor={`${id}-model`}>Model</label>
        <ModelSelect id={`${id}-model`} models={models} value={modelId} onChange={setModelId} />
        <label htmlFor={`${id}-minus`}>Minus model</label>
        <ModelSelect id={`${id}-minus`} models={models} value={minusId} onChange={setMinusId} />
        <label htmlFor={`${id}-min`}>Difference minimum</label>
        <input id={`${id}-min`} type="text" className="st-bound" inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} />
        <label htmlFor={`${id}-max`}>Difference maximum</label>
        <input id={`${id}-max`} type="text" className="st-bound" inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} />
        <button type="submit">Add difference</button>
        {problem ? (
          <span className="st-problem" role="alert">
            {problem}
          </span>
        ) : null}
      </form>
    </details>
  );
}

/** The sort: a field (and its model, for per-model fields), ascending or descending. */
function SortControl({ fields, models, sort, onSort }: { fields: readonly FieldInfo[]; models: readonly ModelRef[]; sort: SortKey | null; onSort: (sort: SortKey | null) => void }) {
  const id = useId();
  const field = sort ? fields.find((f) => f.name === sort.field) : undefined;
  const change = (next: Partial<SortKey>) => {
    const name = next.field ?? sort?.field ?? "";
    if (name === "") return onSort(null);
    const info = fields.find((f) => f.name === name);
    const modelId = info?.per_model ? (next.model_id ?? sort?.model_id ?? models[0]?.id ?? null) : null;
    const out: SortKey = { field: name, descending: next.descending ?? sort?.descending ?? false };
    if (modelId !== null) out.model_id = modelId;
    onSort(out);
  };
  return (
    <div className="st-sort" role="group" aria-label="Sort">
      <label htmlFor={`${id}-field`}>Sort by</label>
      <FieldSelect id={`${id}-field`} fields={fields} value={sort?.field ?? ""} onChange={(name) => change({ field: name })} empty="sample order" />
      {field?.per_model ? (
        <>
          <label htmlFor={`${id}-model`}>Sort model</label>
          <ModelSelect id={`${id}-model`} models={models} value={sort?.model_id ?? null} onChange={(modelId) => change({ model_id: modelId })} />
        </>
      ) : null}
      {sort ? (
        <label>
          <input type="checkbox" checked={sort.descending ?? false} onChange={(event) => change({ descending: event.target.checked })} /> Descending
        </label>
      ) : null}
    </div>
  );
}

export interface FilterBarProps {
  fields: readonly FieldInfo[];
  models: readonly ModelRef[];
  names: Names;
  histograms: ReadonlyMap<string, Histogram>;
  predicates: readonly Predicate[];
  differences: readonly Difference[];
  sort: SortKey | null;
  onPredicates: (predicates: Predicate[]) => void;
  onDifferences: (differences: Difference[]) => void;
  onSort: (sort: SortKey | null) => void;
  onClear: () => void;
}

export function FilterBar(props: FilterBarProps) {
  const { fields, models, names, predicates, differences } = props;
  const hasFilters = predicates.length + differences.length > 0;
  return (
    <section className="st-filters" aria-label="Filters">
      <AddPredicate fields={fields} models={models} histograms={props.histograms} onAdd={(p) => props.onPredicates(addPredicate(predicates, p))} />
      <AddDifference fields={fields} models={models} onAdd={(d) => props.onDifferences([...differences, d])} />
      {hasFilters ? (
        <ul className="st-chips plain" aria-label="Active filters">
          {predicates.map((predicate, index) => {
            const text = describePredicate(predicate, names);
            return (
              <li key={`p${index}`} className="st-chip">
                <span>{text}</span>
                <button type="button" aria-label={`Remove filter: ${text}`} onClick={() => props.onPredicates(predicates.filter((_, i) => i !== index))}>
                  ×
                </button>
              </li>
            );
          })}
          {differences.map((difference, index) => {
            const text = describeDifference(difference, names);
            return (
              <li key={`d${index}`} className="st-chip">
                <span>{text}</span>
                <button type="button" aria-label={`Remove filter: ${text}`} onClick={() => props.onDifferences(differences.filter((_, i) => i !== index))}>
                  ×
                </button>
              </li>
            );
          })}
          <li>
            <button
              type="button"
              className="st-link"
              onClick={props.onClear}
            >
              Clear filters
            </button>
          </li>
        </ul>
      ) : null}
      <SortControl fields={fields} models={models} sort={props.sort} onSort={props.onSort} />
    </section>
  );
}
