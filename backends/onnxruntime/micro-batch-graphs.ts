// The graphs of an exact micro-batched training step (the frugal profile, backends/micro-batch.ts):
// a slice's per-class sums (pass 1 of dice losses), a slice's gradient of its surrogate added to an
// accumulated gradient (pass 2), and Adam on the accumulated gradient. Built from the training
// graph's pieces (unet-graph.ts, ops/, adam-graph.ts), so the forward pass, its backward and Adam are
// the whole-batch step's term for term.
import type { LossKind, UNetSpec } from '../unet-spec.js';
import { lossTerms } from '../frugal/loss-terms.js';
import { adamUpdate } from './adam-graph.js';
import { add, concat, mul, reduceSum, reshape, slice1d } from './onnx-ops.js';
import { OnnxGraph, type Value } from './onnx-graph.js';
import { surrogateLossOp } from './ops/index.js';
import { Tape } from './tape.js';
import { dropoutInputs, TRAINING_IO } from './training-graph.js';
import { dropoutSites, imagesToNchw, type LayerWeights, oneHot, unetForward } from './unet-graph.js';
import { flatSize, weightSlots } from './weight-layout.js';

/** Names of the micro-batch graphs' inputs and outputs (beyond the training graph's, which they share). */
export const MICRO_BATCH_IO = Object.freeze({
  truePositives: 'true_positives',
  predicted: 'predicted',
  coefficientTruePositives: 'coefficient_tp',
  coefficientPredicted: 'coefficient_pr',
  meanScale: 'mean_scale',
  gradientIn: 'gradient_in',
  gradientOut: 'gradient_out',
  meanSum: 'mean_sum',
  imageWeights: 'image_weights',
});

/**
 * Inputs shared by both slice graphs: images, labels, dropout bits and keep scales, flat weights, and
 * image weights [N] (1, or 0 for the zero images that pad a smaller slice to the graph's batch, so
 * that one session serves every slice of a model); the net's layers, probabilities and weights.
 */
function sliceForward(
  g: OnnxGraph,
  spec: UNetSpec,
  batch: number,
  tape: Tape,
  watch: boolean,
  recompute = false,
): { probabilities: Value; gt: Value; tensors: Value[]; imageWeights: Value } {
  const side = spec.inputSize;
  const images = g.input(TRAINING_IO.images, 'float', [batch, side, side, spec.inputChannels]);
  const labels = g.input(TRAINING_IO.labels, 'uint8', [batch, side, side]);
  const dropout = dropoutInputs(g, dropoutSites(spec, batch));
  const slots = weightSlots(spec);
  const weights = g.input(TRAINING_IO.weights, 'float', [flatSize(slots)]);
  const tensors = g.scope('state', () =>
    slots.map((slot) => reshape(g, slice1d(g, weights, slot.offset, slot.offset + slot.size), [...slot.onnxShape])),
  );
  if (watch) tape.watch(...tensors);
  const layers: LayerWeights[] = [];
  for (let i = 0; i < tensors.length; i += 2) layers.push({ kernel: tensors[i], bias: tensors[i + 1] });
  const probabilities = g.scope('forward', () => unetForward(tape, spec, imagesToNchw(g, images), layers, { dropout, recompute }));
  const imageWeights = reshape(g, g.input(MICRO_BATCH_IO.imageWeights, 'float', [batch]), [batch, 1, 1, 1]);
  return { probabilities, gt: oneHot(g, labels, spec.classes), tensors, imageWeights };
}

/** Pass 1: a slice's forward pass (dropout on) and its per-class sums TP [C] and P [C]. */
export function buildClassSumsGraph(spec: UNetSpec, batch: number): Uint8Array {
  const g = new OnnxGraph(`bandster_unet_sums_${spec.inputSize}px_b${batch}`);
  const { probabilities, gt, imageWeights } = sliceForward(g, spec, batch, new Tape(g), false);
  g.scope('loss', () => {
    const weighted = mul(g, probabilities, imageWeights);
    g.output(MICRO_BATCH_IO.truePositives, reduceSum(g, mul(g, gt, weighted), [0, 2, 3]));
    g.output(MICRO_BATCH_IO.predicted, reduceSum(g, weighted, [0, 2, 3]));
  });
  return g.encode();
}

/**
 * Pass 2: a slice's forward and backward pass of its surrogate S = Σ pr·(gt·a + b) + s·M, with the
 * gradient added to `gradient_in`. Inputs beyond the shared ones: coefficient_tp, coefficient_pr
 * [C], mean_scale [], gradient_in [P]; outputs gradient_out [P] and mean_sum [] (M). With
 * `recompute`, the encoder's activations are computed again in the backward pass rather than kept
 * (unet-graph.ts, ops/checkpoint.ts).
 */
export function buildGradientGraph(spec: UNetSpec, batch: number, loss: LossKind, recompute = false): Uint8Array {
  const g = new OnnxGraph(`bandster_unet_gradient_${spec.inputSize}px_b${batch}${recompute ? '_recompute' : ''}`);
  const tape = new Tape(g);
  const { probabilities, gt, tensors, imageWeights } = sliceForward(g, spec, batch, tape, true, recompute);
  const classes = spec.classes;
  const a = g.input(MICRO_BATCH_IO.coefficientTruePositives, 'float', [classes]);
  const b = g.input(MICRO_BATCH_IO.coefficientPredicted, 'float', [classes]);
  const s = g.input(MICRO_BATCH_IO.meanScale, 'float', []);
  const gradientIn = g.input(MICRO_BATCH_IO.gradientIn, 'float', [flatSize(weightSlots(spec))]);
  const [surrogate, meanSum] = g.scope('loss', () =>
    tape.apply(
      surrogateLossOp,
      [probabilities, gt, reshape(g, a, [1, classes, 1, 1]), reshape(g, b, [1, classes, 1, 1]), s, imageWeights],
      {
        mean: lossTerms(loss, classes).mean,
      },
    ),
  );
  const gradients = g.scope('backward', () => tape.gradients(surrogate, g.constFloat(1), tensors));
  const gradient = g.scope('state', () =>
    concat(
      g,
      gradients.map((value) => reshape(g, value, [-1])),
      0,
    ),
  );
  g.output(
    MICRO_BATCH_IO.gradientOut,
    g.scope('state', () => add(g, gradientIn, gradient)),
  );
  g.output(MICRO_BATCH_IO.meanSum, meanSum);
  return g.encode();
}

/** Adam on an accumulated gradient: weights, adam_m, adam_v, gradient_in [P], step, learning_rate in; the updated state out. */
export function buildAdamGraph(spec: UNetSpec): Uint8Array {
  const g = new OnnxGraph('bandster_adam');
  const size = flatSize(weightSlots(spec));
  const weights = g.input(TRAINING_IO.weights, 'float', [size]);
  const firstMoment = g.input(TRAINING_IO.firstMoment, 'float', [size]);
  const secondMoment = g.input(TRAINING_IO.secondMoment, 'float', [size]);
  const gradient = g.input(MICRO_BATCH_IO.gradientIn, 'float', [size]);
  const step = g.input(TRAINING_IO.step, 'float', []);
  const learningRate = g.input(TRAINING_IO.learningRate, 'float', []);
  const updated = g.scope('adam', () => adamUpdate(g, { weights, firstMoment, secondMoment }, gradient, step, learningRate));
  g.output(TRAINING_IO.weightsOut, updated.weights);
  g.output(TRAINING_IO.firstMomentOut, updated.firstMoment);
  g.output(TRAINING_IO.secondMomentOut, updated.secondMoment);
  return g.encode();
}
