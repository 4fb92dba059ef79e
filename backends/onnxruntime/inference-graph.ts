// The U-Net for inference: weights as initializers (constants onnxruntime can prepack and lay out
// NCHWc for MLAS), a symbolic batch, images NHWC in and class probabilities NHWC out; with labels
// given, the loss too (evaluate).
import type { LossKind, UNetSpec } from '../unet-spec.js';
import { transpose } from './onnx-ops.js';
import { OnnxGraph } from './onnx-graph.js';
import { Tape } from './tape.js';
import { imagesToNchw, type LayerWeights, oneHot, unetForward, unetLoss } from './unet-graph.js';
import { weightSlots } from './weight-layout.js';

export const INFERENCE_IO = Object.freeze({ images: 'images', labels: 'labels', probabilities: 'probabilities', loss: 'loss' });

export interface InferenceGraphOptions {
  readonly spec: UNetSpec;
  /** Flat weights, ONNX layout (weight-layout.ts). */
  readonly weights: Float32Array;
  /** With a loss, the graph also takes labels and outputs the loss (dropout off). */
  readonly loss?: LossKind;
  /** The batch dimension's name. @defaultValue 'N' */
  readonly batchName?: string;
  /** Written into the model's metadata_props. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Inputs images [N, H, W, 3] float (and labels [N, H, W] uint8); outputs (the loss [] and) probabilities [N, H, W, classes]. */
export function buildInferenceGraph(options: InferenceGraphOptions): Uint8Array {
  const { spec, weights } = options;
  const batch = options.batchName ?? 'N';
  const side = spec.inputSize;
  const g = new OnnxGraph('bandster_unet');
  const images = g.input(INFERENCE_IO.images, 'float', [batch, side, side, spec.inputChannels]);
  const labels = options.loss ? g.input(INFERENCE_IO.labels, 'uint8', [batch, side, side]) : undefined;
  const slots = weightSlots(spec);
  const tensors = slots.map((slot) =>
    g.initializer(`${slot.layer.name}_${slot.role}`, 'float', slot.onnxShape, weights.subarray(slot.offset, slot.offset + slot.size)),
  );
  const layers: LayerWeights[] = [];
  for (let i = 0; i < tensors.length; i += 2) layers.push({ kernel: tensors[i], bias: tensors[i + 1] });
  const tape = new Tape(g);
  const probabilities = unetForward(tape, spec, imagesToNchw(g, images), layers);
  if (options.loss && labels) g.output(INFERENCE_IO.loss, unetLoss(tape, options.loss, probabilities, oneHot(g, labels, spec.classes)));
  g.output(INFERENCE_IO.probabilities, transpose(g, probabilities, [0, 2, 3, 1]));
  return g.encode(options.metadata);
}
