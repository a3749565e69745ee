/**
 * Layers: what the canvas draws, one for the ground truth and one per model. The ground-truth layer holds the
 * test sample's own annotations and its ground truth's; a model's layer holds its inference's annotations,
 * coloured by match where its per-sample metrics carry matched / unmatched lists (see matches.ts).
 */

import type { components } from "../api/schema";
import { collectAnnotations, inferenceConfidence } from "./collect";
import { applyMatches } from "./matches";
import { GROUND_TRUTH_COLOUR, modelColour } from "./palette";
import type { WorkflowSchema } from "./schema";
import type { Annotation } from "./types";

export type LayerId = "gt" | `model:${number}`;

export interface Layer {
  id: LayerId;
  label: string;
  /** `#rrggbb`, from palette.ts. */
  colour: string;
  visible: boolean;
  annotations: Annotation[];
  /** Its annotations carry TP / FP / FN from the model's per-sample metrics. */
  hasMatches?: boolean;
}

export const GROUND_TRUTH_LAYER: LayerId = "gt";

export function modelLayerId(modelId: number): LayerId {
  return `model:${modelId}`;
}

/** The model id of a model layer's id; undefined for the ground truth. */
export function modelIdOf(layerId: LayerId): number | undefined {
  return layerId === GROUND_TRUTH_LAYER ? undefined : Number(layerId.slice("model:".length));
}

/** One model's results on a sample. */
export interface ModelResult {
  id: number;
  name: string;
  inference?: unknown;
  /** Its per-sample metrics (in the configuration shown). */
  metrics?: unknown;
}

export interface LayerInput {
  schema?: WorkflowSchema;
  /** The test sample as stored (`SampleItem.data`). */
  sample?: unknown;
  groundTruth?: unknown;
  /** In the order of the user's choice: it picks each model's colour. */
  models: readonly ModelResult[];
  /** Layers to build switched off. */
  hidden?: Iterable<LayerId>;
  groundTruthLabel?: string;
}

/** The ground-truth layer and one layer per model, in that order. */
export function buildLayers(input: LayerInput): Layer[] {
  const { schema } = input;
  const hidden = new Set(input.hidden ?? []);
  const truth = [
    ...collectAnnotations(input.sample, schema, "test_sample", { source: "sample" }),
    ...collectAnnotations(input.groundTruth, schema, "ground_truth", { source: "ground_truth" }),
  ];
  const layers: Layer[] = [
    {
      id: GROUND_TRUTH_LAYER,
      label: input.groundTruthLabel ?? "Ground truth",
      colour: GROUND_TRUTH_COLOUR,
      visible: !hidden.has(GROUND_TRUTH_LAYER),
      annotations: truth,
    },
  ];
  input.models.forEach((model, index) => {
    const id = modelLayerId(model.id);
    const inference = collectAnnotations(model.inference, schema, "inference", {
      source: "inference",
      confidence: inferenceConfidence(model.inference),
    });
    const metrics = collectAnnotations(model.metrics, schema, undefined, { source: "metrics" });
    const { annotations, hasMatches } = applyMatches(inference, metrics);
    layers.push({
      id,
      label: model.name,
      colour: modelColour(index),
      visible: !hidden.has(id),
      annotations,
      hasMatches,
    });
  });
  return layers;
}

type Schemas = components["schemas"];

/**
 * The layers of a gallery item: `models` are the models asked for, in order (their inference and metrics are
 * the item's, keyed by model id).
 */
export function layersOfItem(
  item: Pick<Schemas["SampleItem"], "data" | "ground_truth" | "inferences" | "metrics">,
  models: readonly Schemas["ModelRef"][],
  schema?: WorkflowSchema,
  hidden?: Iterable<LayerId>,
): Layer[] {
  return buildLayers({
    schema,
    sample: item.data,
    groundTruth: item.ground_truth,
    models: models.map((model) => ({
      id: model.id,
      name: model.name,
      inference: item.inferences[String(model.id)],
      metrics: item.metrics[String(model.id)],
    })),
    hidden,
  });
}

/**
 * The layers of a sample's detail: every model with results, with its metrics of `configuration` (when it has
 * none of that name, its only configuration, if it has exactly one).
 */
export function layersOfDetail(
  detail: {
    data: unknown;
    ground_truth: unknown;
    results: readonly { model: Schemas["ModelRef"]; inference: unknown; metrics: Readonly<Record<string, unknown>> }[];
  },
  configuration: string | null | undefined,
  schema?: WorkflowSchema,
  hidden?: Iterable<LayerId>,
): Layer[] {
  return buildLayers({
    schema,
    sample: detail.data,
    groundTruth: detail.ground_truth,
    models: detail.results.map((result) => ({
      id: result.model.id,
      name: result.model.name,
      inference: result.inference,
      metrics: metricsIn(result.metrics, configuration),
    })),
    hidden,
  });
}

function metricsIn(
  byConfiguration: Readonly<Record<string, unknown>>,
  configuration: string | null | undefined,
): unknown {
  if (configuration !== null && configuration !== undefined && configuration in byConfiguration) {
    return byConfiguration[configuration];
  }
  const names = Object.keys(byConfiguration);
  return names.length === 1 ? byConfiguration[names[0]] : undefined;
}

/** The layers with `id` shown or not. */
export function withVisibility(layers: readonly Layer[], id: LayerId, visible: boolean): Layer[] {
  return layers.map((layer) => (layer.id === id ? { ...layer, visible } : layer));
}
