// Every op of the ONNX Runtime backend's closed op set has its hand-derived gradient checked against
// tfjs-cpu's tf.grads on the same inputs (per layer kind), and so does the whole U-Net's training graph
// with each loss, with dropout off and on: max |Δ| / max |g| ≤ 1e-5.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '../../backends/tfjs/tfjs-core.js';
// Registers tfjs's 'cpu' backend (the reference the tests compare against).
import '@tensorflow/tfjs-backend-cpu';
import ort from 'onnxruntime-node';

import { DropoutMasks } from '../../backends/dropout-masks.js';
import { createBackend } from '../../backends/index.js';
import { OnnxGraph, type Value } from '../../backends/onnxruntime/onnx-graph.js';
import {
  addOp,
  concatChannelsOp,
  conv2dOp,
  convTranspose2x2Op,
  crossEntropyLossOp,
  diceLossOp,
  dropoutOp,
  FASTEST_CONV_GRADIENTS,
  focalLossOp,
  type GradientOp,
  maxPoolOp,
  reluOp,
  softmaxOp,
  transposeOp,
} from '../../backends/onnxruntime/ops/index.js';
import { Tape } from '../../backends/onnxruntime/tape.js';
import { buildTrainingGraph, TRAINING_IO } from '../../backends/onnxruntime/training-graph.js';
import { dropoutSites } from '../../backends/onnxruntime/unet-graph.js';
import { flatSize, readToTfjs, weightSlots, writeFromTfjs } from '../../backends/onnxruntime/weight-layout.js';
import { categoricalFocalLoss, crossEntropyLoss, diceLoss, segmentationLoss } from '../../backends/tfjs/losses.js';
import { UNet } from '../../backends/tfjs/unet.js';
import { initialUNet } from '../../backends/unet-init.js';
import { LOSS_KINDS, type UNetSpec } from '../../backends/unet-spec.js';
import { Rng } from '../../src/core/rng.js';
import { relativeError } from './backend-conformance.js';

const TOLERANCE = 1e-5;

interface InputSpec {
  readonly shape: number[];
  /** Made when the test runs (after tfjs is set up); random values in [−1, 1] when absent. */
  readonly values?: () => Float32Array;
  /** Whether the gradient with respect to this input is checked (weights, activations); masks and labels are not. */
  readonly differentiable: boolean;
}

interface OpCase {
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: each case pairs an op with its own attributes
  readonly op: GradientOp<any>;
  readonly attributes?: unknown;
  readonly inputs: readonly InputSpec[];
  /** The same function in tfjs, on the same layouts (NCHW tensors are transposed inside). */
  readonly tfjs: (...inputs: tf.Tensor[]) => tf.Tensor;
}

const rng = new Rng(2024);
const random = (size: number, scale = 1): Float32Array => Float32Array.from({ length: size }, () => rng.uniform(-scale, scale));
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const nhwc = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
const nchw = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D;

/** Probabilities (softmax of random logits) with a few entries at 0 and 1, outside the losses' clip range. */
function probabilities(shape: number[]): Float32Array {
  const classes = shape[3];
  const values = tf.tidy(() => tf.softmax(tf.tensor(random(size(shape), 3), shape)).dataSync() as Float32Array);
  values[0] = 0;
  values[classes + 1] = 1;
  return values;
}

function oneHotLabels(shape: number[]): Float32Array {
  const classes = shape[3];
  const values = new Float32Array(size(shape));
  for (let pixel = 0; pixel < values.length / classes; pixel++) values[pixel * classes + rng.int(classes)] = 1;
  values.fill(0, 0, classes);
  values[1] = 1; // the first pixel's label is where its probability was set to 0 (the clip bites there)
  return values;
}

/** The op's output and the gradients of Σ output·dy with respect to the differentiable inputs, from onnxruntime. */
async function onnxGradients(
  testCase: OpCase,
  values: Float32Array[],
  dy: Float32Array,
): Promise<{ output: Float32Array; gradients: Float32Array[] }> {
  const g = new OnnxGraph(`gradient_${testCase.name}`);
  const inputs = testCase.inputs.map((input, index) => g.input(`x${index}`, 'float', input.shape));
  const tape = new Tape(g);
  const differentiable = inputs.filter((_, index) => testCase.inputs[index].differentiable);
  tape.watch(...differentiable);
  const [output] = tape.apply(testCase.op, inputs, testCase.attributes);
  const upstream = g.input('dy', 'float', output.shape);
  const gradients = tape.gradients(output, upstream, differentiable);
  g.output('y', output);
  gradients.forEach((gradient: Value, index) => g.output(`g${index}`, gradient));
  const session = await ort.InferenceSession.create(g.encode(), { intraOpNumThreads: 1 });
  const feeds: Record<string, ort.Tensor> = { dy: new ort.Tensor('float32', dy, output.shape as number[]) };
  testCase.inputs.forEach((input, index) => {
    feeds[`x${index}`] = new ort.Tensor('float32', values[index], input.shape);
  });
  const result = await session.run(feeds);
  await session.release();
  return { output: result.y.data as Float32Array, gradients: gradients.map((_, index) => result[`g${index}`].data as Float32Array) };
}

/** The same from tfjs-cpu: tf.grads of Σ f(inputs)·dy. */
function tfjsGradients(testCase: OpCase, values: Float32Array[], dy: Float32Array): { output: Float32Array; gradients: Float32Array[] } {
  return tf.tidy(() => {
    const tensors = testCase.inputs.map((input, index) => tf.tensor(values[index], input.shape));
    const differentiable = testCase.inputs.flatMap((input, index) => (input.differentiable ? [index] : []));
    const output = testCase.tfjs(...tensors);
    const f = (...xs: tf.Tensor[]): tf.Scalar => {
      const all = tensors.slice();
      differentiable.forEach((index, k) => {
        all[index] = xs[k];
      });
      return tf.sum(tf.mul(testCase.tfjs(...all), tf.tensor(dy, output.shape)));
    };
    const gradients = tf.grads(f)(differentiable.map((index) => tensors[index]));
    return { output: output.dataSync() as Float32Array, gradients: gradients.map((gradient) => gradient.dataSync() as Float32Array) };
  });
}

const N = 2;
const conv = (pad: number, k: number) => (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
  nchw(tf.add(tf.conv2d(nhwc(x), tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, 1, pad === (k - 1) / 2 && pad > 0 ? 'same' : 'valid'), b));

const CASES: OpCase[] = [
  ...(['offset-gemm', 'transposed-conv'] as const).flatMap((filterGradient) =>
    (['flipped-conv', 'conv-transpose'] as const).map(
      (inputGradient): OpCase => ({
        name: `conv2d 3×3 'same' (${inputGradient} dx, ${filterGradient} dw)`,
        op: conv2dOp,
        attributes: { pad: 1, strategy: { inputGradient, filterGradient } },
        inputs: [
          { shape: [N, 3, 8, 8], differentiable: true },
          { shape: [5, 3, 3, 3], differentiable: true },
          { shape: [5], differentiable: true },
        ],
        tfjs: conv(1, 3),
      }),
    ),
  ),
  {
    name: "conv2d 3×3 'same', filter gradient first (dx gated on dW, as the recomputing graph orders it)",
    op: conv2dOp,
    attributes: { pad: 1, strategy: { ...FASTEST_CONV_GRADIENTS, order: 'filter-first' } },
    inputs: [
      { shape: [N, 3, 8, 8], differentiable: true },
      { shape: [5, 3, 3, 3], differentiable: true },
      { shape: [5], differentiable: true },
    ],
    tfjs: conv(1, 3),
  },
  {
    name: 'conv2d 1×1 (the output layer)',
    op: conv2dOp,
    attributes: { pad: 0 },
    inputs: [
      { shape: [N, 4, 6, 6], differentiable: true },
      { shape: [6, 4, 1, 1], differentiable: true },
      { shape: [6], differentiable: true },
    ],
    tfjs: conv(0, 1),
  },
  {
    name: 'conv-transpose 2×2/2 (the decoder)',
    op: convTranspose2x2Op,
    inputs: [
      { shape: [N, 6, 4, 4], differentiable: true },
      { shape: [6, 3, 2, 2], differentiable: true },
      { shape: [3], differentiable: true },
    ],
    tfjs: (x, w, b) => nchw(tf.add(tf.conv2dTranspose(nhwc(x), tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, [N, 8, 8, 3], 2, 'same'), b)),
  },
  { name: 'relu', op: reluOp, inputs: [{ shape: [N, 3, 4, 4], differentiable: true }], tfjs: (x) => tf.relu(x) },
  {
    name: 'max-pool 2×2/2',
    op: maxPoolOp,
    inputs: [{ shape: [N, 3, 6, 6], differentiable: true }],
    tfjs: (x) => nchw(tf.maxPool(nhwc(x), 2, 2, 'valid')),
  },
  {
    name: 'dropout (fed mask)',
    op: dropoutOp,
    inputs: [
      { shape: [N, 3, 4, 4], differentiable: true },
      { shape: [N, 3, 4, 4], values: () => new DropoutMasks(3).nhwc(N * 48, 0.3), differentiable: false },
    ],
    tfjs: (x, mask) => tf.mul(x, mask),
  },
  {
    name: 'concat channels',
    op: concatChannelsOp,
    inputs: [
      { shape: [N, 2, 4, 4], differentiable: true },
      { shape: [N, 3, 4, 4], differentiable: true },
    ],
    tfjs: (a, b) => tf.concat([a, b], 1),
  },
  {
    name: 'softmax (last axis)',
    op: softmaxOp,
    attributes: { axis: 3 },
    inputs: [{ shape: [N, 4, 4, 6], differentiable: true }],
    tfjs: (x) => tf.softmax(x),
  },
  {
    name: 'transpose',
    op: transposeOp,
    attributes: { perm: [0, 2, 3, 1] },
    inputs: [{ shape: [N, 3, 4, 5], differentiable: true }],
    tfjs: (x) => tf.transpose(x, [0, 2, 3, 1]),
  },
  {
    name: 'add',
    op: addOp,
    inputs: [
      { shape: [3, 4], differentiable: true },
      { shape: [3, 4], differentiable: true },
    ],
    tfjs: (a, b) => tf.add(a, b),
  },
  ...[
    {
      name: 'dice loss (weights 1/C)',
      op: diceLossOp,
      attributes: { classWeights: new Array(6).fill(1 / 6), classAxis: 3 },
      f: (gt: tf.Tensor, pr: tf.Tensor) => diceLoss(gt, pr, new Array(6).fill(1 / 6)),
    },
    {
      name: 'dice loss (unweighted)',
      op: diceLossOp,
      attributes: { classWeights: null, classAxis: 3 },
      f: (gt: tf.Tensor, pr: tf.Tensor) => diceLoss(gt, pr),
    },
    { name: 'focal loss', op: focalLossOp, attributes: { classAxis: 3 }, f: categoricalFocalLoss },
    { name: 'cross-entropy loss', op: crossEntropyLossOp, attributes: { classAxis: 3 }, f: crossEntropyLoss },
  ].map(
    ({ name, op, attributes, f }): OpCase => ({
      name,
      op,
      attributes,
      inputs: [
        { shape: [N, 4, 4, 6], values: () => probabilities([N, 4, 4, 6]), differentiable: true },
        { shape: [N, 4, 4, 6], values: () => oneHotLabels([N, 4, 4, 6]), differentiable: false },
      ],
      tfjs: (pr, gt) => f(gt, pr),
    }),
  ),
];

describe('ONNX Runtime backend: gradients against tfjs-cpu tf.grads', () => {
  before(async () => {
    await createBackend('cpu').init();
    await tf.setBackend('cpu');
  });

  for (const testCase of CASES) {
    it(`${testCase.name}: output and gradients within ${TOLERANCE} of tfjs`, async () => {
      const values = testCase.inputs.map((input) => input.values?.() ?? random(size(input.shape)));
      const outputShape = tf.tidy(
        () => testCase.tfjs(...testCase.inputs.map((input, index) => tf.tensor(values[index], input.shape))).shape,
      );
      const dy = random(size(outputShape));
      const ours = await onnxGradients(testCase, values, dy);
      const theirs = tfjsGradients(testCase, values, dy);
      assert.ok(relativeError(ours.output, theirs.output) <= TOLERANCE, `output: ${relativeError(ours.output, theirs.output)}`);
      assert.equal(ours.gradients.length, theirs.gradients.length);
      ours.gradients.forEach((gradient, index) => {
        const error = relativeError(gradient, theirs.gradients[index]);
        assert.ok(error <= TOLERANCE, `gradient of input ${index}: max |Δ| / max |g| = ${error}`);
        assert.ok(
          theirs.gradients[index].some((value) => value !== 0),
          `gradient of input ${index} is all zero: the case tests nothing`,
        );
      });
    });
  }

  const SPEC: UNetSpec = { inputSize: 16, inputChannels: 3, classes: 6, baseFilters: 3, depth: 3, dropoutScale: 1 };
  for (const dropout of [false, true]) {
    for (const loss of LOSS_KINDS) {
      it(`the whole U-Net's training graph (${loss}, dropout ${dropout ? 'on' : 'off'}): every weight's gradient within ${TOLERANCE}`, async () => {
        const spec = { ...SPEC, dropoutScale: dropout ? 1 : 0 };
        const side = spec.inputSize;
        const graph = buildTrainingGraph({ spec, batch: N, loss, emitGradient: true });
        const session = await ort.InferenceSession.create(graph.model, { intraOpNumThreads: 1 });
        const net = new UNet(spec, 17);
        const slots = weightSlots(spec);
        const size = flatSize(slots);
        const weights = new Float32Array(size);
        net.variables.forEach((variable, index) => writeFromTfjs(slots[index], variable.dataSync() as Float32Array, weights));
        const images = random(N * side * side * 3).map((value) => (value + 1) / 2);
        const labels = Uint8Array.from({ length: N * side * side }, () => rng.int(spec.classes));
        const feeds: Record<string, ort.Tensor> = {
          [TRAINING_IO.images]: new ort.Tensor('float32', images, [N, side, side, 3]),
          [TRAINING_IO.labels]: new ort.Tensor('uint8', labels, [N, side, side]),
          [TRAINING_IO.weights]: new ort.Tensor('float32', weights, [size]),
          [TRAINING_IO.firstMoment]: new ort.Tensor('float32', new Float32Array(size), [size]),
          [TRAINING_IO.secondMoment]: new ort.Tensor('float32', new Float32Array(size), [size]),
          [TRAINING_IO.step]: new ort.Tensor('float32', new Float32Array([1]), []),
          [TRAINING_IO.learningRate]: new ort.Tensor('float32', new Float32Array([1e-3]), []),
        };
        // The tfjs net draws its masks from the same seed in the same order: feed the graph those draws.
        const masks = new DropoutMasks(initialUNet(spec, 17).dropoutSeed);
        dropoutSites(spec, N).forEach((site, index) => {
          const [n, c, h, w] = site.shape;
          feeds[TRAINING_IO.dropBits(index)] = new ort.Tensor('uint8', masks.dropBits(n * c * h * w, site.rate), [n, h, w, c]);
          feeds[TRAINING_IO.keepScale(index)] = new ort.Tensor('float32', new Float32Array([1 / (1 - site.rate)]), []);
        });
        const result = await session.run(feeds);
        await session.release();
        const ours = result[TRAINING_IO.gradient].data as Float32Array;

        const { value, grads } = tf.tidy(() => {
          const x = tf.tensor4d(images, [N, side, side, 3]);
          const oneHot = tf.cast(tf.oneHot(tf.tensor3d(Int32Array.from(labels), [N, side, side], 'int32'), spec.classes), 'float32');
          return tf.variableGrads(() => segmentationLoss(loss, oneHot, net.forward(x, dropout)), net.variables);
        });
        assert.ok(Math.abs((result[TRAINING_IO.loss].data as Float32Array)[0] - value.dataSync()[0]) <= 1e-6 * value.dataSync()[0]);
        const theirs = new Float32Array(size);
        net.variables.forEach((variable, index) => writeFromTfjs(slots[index], grads[variable.name].dataSync() as Float32Array, theirs));
        for (const slot of slots) {
          const error = relativeError(readToTfjs(slot, ours), readToTfjs(slot, theirs));
          assert.ok(error <= TOLERANCE, `${slot.layer.name} ${slot.role}: max |Δ| / max |g| = ${error}`);
        }
        tf.dispose([value, ...Object.values(grads)]);
        net.dispose();
      });
    }
  }
});
