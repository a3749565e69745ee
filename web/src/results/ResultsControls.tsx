// What to compare: the suite version, the evaluator, the models and the baseline, the configurations, and
// the significance settings. Every control writes the URL; the page reads it back.

import { configurationName } from "./cells";
import { useSuiteVersions } from "./queries";
import { type Selection, evaluatorName } from "./selection";
import type { ResultsOptions } from "./types";
import { ALPHAS, type ResultsUrlState } from "./urlState";

export interface ResultsControlsProps {
  options: ResultsOptions;
  selection: Selection;
  state: ResultsUrlState;
  colors: ReadonlyMap<number, string>;
  update: (changes: Partial<ResultsUrlState>) => void;
}

function SuiteVersionPicker({ options, update }: Pick<ResultsControlsProps, "options" | "update">) {
  const suite = options.test_suite;
  const versions = useSuiteVersions(suite.name);
  const list = versions.data?.versions ?? [];
  return (
    <label className="rp-field">
      <span>Suite version</span>
      <select
        value={suite.id}
        onChange={(event) => update({ suite: Number(event.target.value), open: [], plots: null })}
        disabled={list.length === 0}
      >
        {list.length === 0 ? <option value={suite.id}>version {suite.version}</option> : null}
        {list.map((v) => (
          <option key={v.id} value={v.id}>
            version {v.version} ({v.n_test_cases} test cases)
          </option>
        ))}
      </select>
    </label>
  );
}

export function ResultsControls({ options, selection, state, colors, update }: ResultsControlsProps) {
  const chosen = new Set(selection.models.map((m) => m.id));
  const toggleModel = (id: number) => {
    const order = selection.runs.map((r) => r.model.id);
    const next = chosen.has(id) ? [...chosen].filter((m) => m !== id) : [...chosen, id];
    if (next.length === 0) return;
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    update({
      models: next.length === order.length ? null : next,
      baseline: next.includes(selection.baselineId) ? state.baseline : null,
    });
  };
  const toggleConfiguration = (configuration: string | null) => {
    const shown = selection.configurations;
    const next = shown.includes(configuration) ? shown.filter((c) => c !== configuration) : [...shown, configuration];
    if (next.length === 0) return;
    update({ configurations: next.length === selection.available.length ? null : selection.available.filter((c) => next.includes(c)) });
  };

  return (
    <section className="rp-controls" aria-label="What to compare">
      <div className="rp-control-row">
        <SuiteVersionPicker options={options} update={update} />
        {options.evaluators.length > 1 ? (
          <label className="rp-field">
            <span>Evaluator</span>
            <select
              value={selection.evaluator ?? ""}
              onChange={(event) => update({ evaluator: event.target.value === "" ? null : event.target.value, models: null, baseline: null, configurations: null, sort: null })}
            >
              {options.evaluators.map((e) => (
                <option key={e ?? ""} value={e ?? ""}>
                  {evaluatorName(e)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="rp-field">
          <span>False discovery rate</span>
          <select value={state.alpha} onChange={(event) => update({ alpha: Number(event.target.value) })}>
            {ALPHAS.map((a) => (
              <option key={a} value={a}>
                q ≤ {a}
              </option>
            ))}
          </select>
        </label>
        <label className="rp-check">
          <input type="checkbox" checked={state.onlySignificant} onChange={(event) => update({ onlySignificant: event.target.checked })} />
          Show only significant changes
        </label>
        <label className="rp-check">
          <input type="checkbox" checked={state.commonSamples} onChange={(event) => update({ commonSamples: event.target.checked })} />
          Only samples every model ran on
        </label>
      </div>
      <div className="rp-control-row">
        <fieldset className="rp-models">
          <legend>Models and baseline</legend>
          {selection.runs.map((run) => {
            const id = run.model.id;
            const on = chosen.has(id);
            return (
              <span key={id} className={`rp-model${on ? "" : " off"}`}>
                <label className="rp-check">
                  <input type="checkbox" checked={on} disabled={on && chosen.size === 1} onChange={() => toggleModel(id)} />
                  <span className="rg-swatch" style={{ background: on ? colors.get(id) : "transparent" }} aria-hidden="true" />
                  {run.model.name}
                  {run.completed.length < run.configurations.length ? (
                    <span className="muted" title="The run is still storing results; the table shows what it has so far">
                      {" "}
                      (running: {run.completed.length} of {run.configurations.length} configurations done)
                    </span>
                  ) : null}
                </label>
                <label className="rp-radio">
                  <input
                    type="radio"
                    name="baseline"
                    checked={selection.baselineId === id}
                    disabled={!on}
                    onChange={() => update({ baseline: id })}
                    aria-label={`Use ${run.model.name} as the baseline`}
                  />
                  baseline
                </label>
              </span>
            );
          })}
        </fieldset>
        {selection.available.length > 1 ? (
          <fieldset className="rp-configurations">
            <legend>Configurations</legend>
            {selection.available.map((c) => (
              <label key={c ?? ""} className="rp-check">
                <input
                  type="checkbox"
                  checked={selection.configurations.includes(c)}
                  disabled={selection.configurations.length === 1 && selection.configurations.includes(c)}
                  onChange={() => toggleConfiguration(c)}
                />
                {configurationName(c)}
              </label>
            ))}
          </fieldset>
        ) : null}
      </div>
    </section>
  );
}
