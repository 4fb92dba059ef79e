// One ONNX graph per (spec, batch size, loss) that performs a whole Adam training step: the batch, the
// weights, Adam's two moment vectors, the step number and the learning rate in; the loss and the
// updated weights and moments out. Forward, hand-derived backward (ops/) and Adam, standard ops only:
// onnxruntime-node has no training API.
import type { LossKind, UNetSpec } from '../unet-spec.js';
import { adamUpdate } from './adam-graph.js';
import { concat, reshape, slice1d } from './onnx-ops.js';
import { OnnxGraph } from './onnx-graph.js';
import type { ConvGradientStrategy } from './ops/index.js';
import { Tape } from './tape.js';
import {
  type DropoutFeed,
  type DropoutSite,
  dropoutSites,
  imagesToNchw,
  type LayerWeights,
  oneHot,
  unetForward,
  unetLoss,
} from './unet-graph.js';
import { flatSize, weightSlots } from './weight-layout.js';

/** Names of the training graph's inputs and outputs. */
export const TRAINING_IO = Object.freeze({
  images: 'images',
  labels: 'labels',
  weights: 'weights',
  firstMoment: 'adam_m',
  secondMoment: 'adam_v',
  step: 'step',
  learningRate: 'learning_rate',
  dropBits: (site: number): string => `dropout_bits_${site}`,
  keepScale: (site: number): string => `dropout_keep_${site}`,
  loss: 'loss',
  weightsOut: 'weights_out',
  firstMomentOut: 'adam_m_out',
  secondMomentOut: 'adam_v_out',
  gradient: 'gradient',
});

export interface TrainingGraphOptions {
  readonly spec: UNetSpec;
  readonly batch: number;
  readonly loss: LossKind;
  /** Also output the flat gradient (the gradient tests read it). @defaultValue false */
  readonly emitGradient?: boolean;
  /** How convolutions are differentiated (the benchmark compares strategies). @defaultValue FASTEST_CONV_GRADIENTS */
  readonly strategy?: ConvGradientStrategy;
}

export interface TrainingGraph {
  /** The serialized ModelProto. */
  readonly model: Uint8Array;
  readonly parameterCount: number;
  readonly dropoutSites: readonly DropoutSite[];
  readonly nodeCount: number;
}

/**
 * Inputs: images [N, H, W, 3] float (NHWC, as a Batch holds them), labels [N, H, W] uint8, per
 * dropout site (none when the spec's dropoutScale is 0) its drop bits [N, H, W, C] uint8 (1 = dropped,
 * NHWC: the order they are drawn in) and its keep scale 1/(1 − rate) [] float, weights, adam_m, adam_v
 * [P] float (ONNX layout, weight-layout.ts), step [] float (1-based, the step being taken),
 * learning_rate [] float. Outputs: loss [], weights_out, adam_m_out, adam_v_out [P], and with
 * `emitGradient` the gradient [P].
 *
 * The state is one flat vector each rather than one input per tensor: the Adam update is then a dozen
 * large element-wise nodes instead of a dozen per tensor, at the cost of a Slice per weight and one
 * Concat of the gradients (copies of P floats; the benchmark measures both layouts' cost).
 */
export function buildTrainingGraph(options: TrainingGraphOptions): TrainingGraph {
  const { spec, batch, loss } = options;
  const g = new OnnxGraph(`bandster_unet_train_${spec.inputSize}px_b${batch}`);
  const slots = weightSlots(spec);
  const size = flatSize(slots);
  const side = spec.inputSize;
  const images = g.input(TRAINING_IO.images, 'float', [batch, side, side, spec.inputChannels]);
  const labels = g.input(TRAINING_IO.labels, 'uint8', [batch, side, side]);
  const sites = dropoutSites(spec, batch);
  const dropout = dropoutInputs(g, sites);
  const weights = g.input(TRAINING_IO.weights, 'float', [size]);
  const firstMoment = g.input(TRAINING_IO.firstMoment, 'float', [size]);
  const secondMoment = g.input(TRAINING_IO.secondMoment, 'float', [size]);
  const step = g.input(TRAINING_IO.step, 'float', []);
  const learningRate = g.input(TRAINING_IO.learningRate, 'float', []);

  const tape = new Tape(g);
  // Node names are scoped (state/, forward/, loss/, backward/, adam/) so that a profile groups by purpose.
  const tensors = g.scope('state', () =>
    slots.map((slot) => reshape(g, slice1d(g, weights, slot.offset, slot.offset + slot.size), [...slot.onnxShape])),
  );
  tape.watch(...tensors);
  const layers: LayerWeights[] = [];
  for (let i = 0; i < tensors.length; i += 2) layers.push({ kernel: tensors[i], bias: tensors[i + 1] });

  const probabilities = g.scope('forward', () =>
    unetForward(tape, spec, imagesToNchw(g, images), layers, { dropout, strategy: options.strategy }),
  );
  const lossValue = g.scope('loss', () => unetLoss(tape, loss, probabilities, oneHot(g, labels, spec.classes)));
  const gradients = g.scope('backward', () => tape.gradients(lossValue, g.constFloat(1), tensors));
  const gradient = g.scope('state', () =>
    concat(
      g,
      gradients.map((value) => reshape(g, value, [-1])),
      0,
    ),
  );
  const updated = g.scope('adam', () => adamUpdate(g, { weights, firstMoment, secondMoment }, gradient, step, learningRate));
  g.output(TRAINING_IO.loss, lossValue);
  g.output(TRAINING_IO.weightsOut, updated.weights);
  g.output(TRAINING_IO.firstMomentOut, updated.firstMoment);
  g.output(TRAINING_IO.secondMomentOut, updated.secondMoment);
  if (options.emitGradient) g.output(TRAINING_IO.gradient, gradient);
  return { model: g.encode(), parameterCount: size, dropoutSites: sites, nodeCount: g.nodeCount };
}

/** Each dropout site's graph inputs: its drop bits [N, H, W, C] uint8 (NHWC: the order they are drawn in) and keep scale []. */
export function dropoutInputs(g: OnnxGraph, sites: readonly DropoutSite[]): DropoutFeed[] {
  return sites.map((site, index) => {
    const [n, c, h, w] = site.shape;
    return {
      bits: g.input(TRAINING_IO.dropBits(index), 'uint8', [n, h, w, c]),
      keep: g.input(TRAINING_IO.keepScale(index), 'float', []),
    };
  });
}
