// The layers of a sample (or of one member of a composite), switched on and off by a LayerState. Layers are
// collected once per sample and kept with it (a WeakMap on the item), so a re-render, a toggle or the slider
// only redraws.
import { useMemo } from "react";

import { type Layer, type ModelResult, buildLayers } from "../overlays/layers";
import { type WorkflowSchema, asWorkflowSchema } from "../overlays/schema";
import { isModelShown } from "./layerState";
import type { LayerState, ModelRef } from "./types";

type Values = Record<string, unknown>;

/** What layers are made of: a sample's data, its ground truth, and each model's inference and metrics. */
export interface LayerSource {
  data: Values;
  ground_truth: Values | null;
  inferences: Record<string, Values | null>;
  metrics: Record<string, Values | null>;
}

const isRecord = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);

/** The models to draw: those given, else every model the sample carries an inference of. */
export function modelsOf(source: LayerSource, models: readonly ModelRef[]): readonly ModelRef[] {
  if (models.length) return models;
  return Object.keys(source.inferences)
    .map(Number)
    .filter(Number.isInteger)
    .map((id) => ({ id, name: `Model ${id}` }));
}

/**
 * The layers of `source` (every one visible), for the sample itself (`path` "") or one member of a composite,
 * whose ground truth and inferences hold one object per member under its name.
 */
export function sampleLayers(
  source: LayerSource,
  path: string,
  models: readonly ModelRef[],
  schema: WorkflowSchema | undefined,
): Layer[] {
  const member = (value: unknown) => (path === "" ? value : isRecord(value) ? value[path] : undefined);
  const results: ModelResult[] = modelsOf(source, models).map((model) => ({
    id: model.id,
    name: model.name,
    inference: member(source.inferences[String(model.id)]),
    metrics: source.metrics[String(model.id)] ?? undefined,
  }));
  // A member's values are walked by their tags: the schema describes the composite's types, not the member's.
  return buildLayers({
    schema: path === "" ? schema : undefined,
    sample: member(source.data),
    groundTruth: member(source.ground_truth),
    models: results,
  });
}

const layerCache = new WeakMap<object, Map<string, Layer[]>>();

/** `sampleLayers`, remembered per source object, member, models and schema. */
export function cachedLayers(
  source: LayerSource,
  path: string,
  models: readonly ModelRef[],
  schema: WorkflowSchema | undefined,
): Layer[] {
  let bySource = layerCache.get(source);
  if (!bySource) {
    bySource = new Map();
    layerCache.set(source, bySource);
  }
  const key = `${path}\u241f${models.map((model) => `${model.id}:${model.name}`).join(",")}\u241f${schema ? "s" : ""}`;
  let layers = bySource.get(key);
  if (!layers) {
    layers = sampleLayers(source, path, models, schema);
    bySource.set(key, layers);
  }
  return layers;
}

/** The layers as a LayerState switches them. */
export function visibleLayers(layers: readonly Layer[], state: LayerState): Layer[] {
  return layers.map((layer) => {
    const visible = layer.id === "gt" ? state.groundTruth : isModelShown(state, Number(layer.id.slice("model:".length)));
    return visible === layer.visible ? layer : { ...layer, visible };
  });
}

const schemaCache = new WeakMap<object, WorkflowSchema | undefined>();

export function workflowSchemaOf(schema: Record<string, unknown> | null | undefined): WorkflowSchema | undefined {
  if (!schema) return undefined;
  if (!schemaCache.has(schema)) schemaCache.set(schema, asWorkflowSchema(schema));
  return schemaCache.get(schema);
}

/** The layers of a sample (or member) as `state` switches them, collected once per source object. */
export function useSampleLayers(
  source: LayerSource,
  path: string,
  models: readonly ModelRef[],
  schema: Record<string, unknown> | null,
  state: LayerState,
): Layer[] {
  const all = cachedLayers(source, path, models, workflowSchemaOf(schema));
  return useMemo(() => visibleLayers(all, state), [all, state]);
}

/** The draw options of a LayerState (the same object while the state's values stay the same). */
export function useDrawOptions(state: LayerState, showText: boolean) {
  return useMemo(
    () => ({ minConfidence: state.minConfidence, matchColouring: state.matchColouring, showText }),
    [state.minConfidence, state.matchColouring, showText],
  );
}
