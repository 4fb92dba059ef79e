import { decodeState } from '../state-codec.js';
import { type UNetSpec, validateSpec } from '../unet-spec.js';
import { buildInferenceGraph, INFERENCE_IO } from './inference-graph.js';
import { flatSize, weightSlots, writeFromTfjs } from './weight-layout.js';

/** A standalone inference model made from a checkpoint. */
export interface ExportedModel {
  /** The serialized ONNX model (opset 15, IR 8): input `images` [N, H, W, 3] float in [0, 1], output `probabilities` [N, H, W, classes]. */
  readonly model: Uint8Array;
  readonly spec: UNetSpec;
  readonly input: string;
  readonly output: string;
}

/**
 * The U-Net of a checkpoint (any backend's: they share the format) as a standard ONNX inference
 * model: the weights as initializers, a symbolic batch, images NHWC scaled to [0, 1] as the trainer
 * feeds them (per patch and channel min–max scaling, src/segmentation/patch-batches.ts) and class
 * probabilities out. Standard ops only, so any ONNX runtime loads it.
 */
export function exportInferenceModel(state: Uint8Array, metadata: Readonly<Record<string, string>> = {}): ExportedModel {
  const decoded = decodeState(state);
  const spec = decoded.spec;
  validateSpec(spec);
  const slots = weightSlots(spec);
  const weights = new Float32Array(flatSize(slots));
  slots.forEach((slot, index) => writeFromTfjs(slot, decoded.arrays[index].values, weights));
  const model = buildInferenceGraph({
    spec,
    weights,
    metadata: {
      'bandster.spec': JSON.stringify(spec),
      'bandster.input': 'images: float32 [N, H, W, 3], RGB scaled to [0, 1] per patch and channel (min-max)',
      'bandster.output': `probabilities: float32 [N, H, W, ${spec.classes}], softmax over classes`,
      'bandster.trained_steps': String(decoded.iterations),
      ...metadata,
    },
  });
  return { model, spec, input: INFERENCE_IO.images, output: INFERENCE_IO.probabilities };
}
