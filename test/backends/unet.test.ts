// The U-Net's structure: output shapes, the study spec's parameter count against Keras's, FLOPs.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import * as tf from '../../backends/tfjs/tfjs-core.js';
// Registers tfjs's 'cpu' backend (the reference the tests compare against).
import '@tensorflow/tfjs-backend-cpu';

import { createBackend, forwardFlopsPerImage } from '../../backends/index.js';
import { UNet, validateSpec } from '../../backends/tfjs/unet.js';
import type { UNetSpec } from '../../src/segmentation/types.js';

const STUDY: UNetSpec = { inputSize: 256, inputChannels: 3, classes: 6, baseFilters: 16, depth: 5, dropoutScale: 1 };

/** Keras's "Total params" of the study's model, counted layer by layer from the architecture. */
function kerasParameterCount(base: number, depth: number, inputChannels: number, classes: number): number {
  const conv3x3 = (cin: number, cout: number): number => 3 * 3 * cin * cout + cout;
  const transposed2x2 = (cin: number, cout: number): number => 2 * 2 * cin * cout + cout;
  let total = 0;
  let channels = inputChannels;
  for (let level = 0; level < depth; level++) {
    const filters = base * 2 ** level;
    total += conv3x3(channels, filters) + conv3x3(filters, filters);
    channels = filters;
  }
  for (let level = depth - 2; level >= 0; level--) {
    const filters = base * 2 ** level;
    total += transposed2x2(channels, filters) + conv3x3(2 * filters, filters) + conv3x3(filters, filters);
    channels = filters;
  }
  return total + (channels * classes + classes); // 1×1 output
}

describe('U-Net', () => {
  before(async () => {
    await createBackend('cpu').init();
    await tf.setBackend('cpu');
  });

  it("the study spec (16 filters, 5 levels, 256×256×3 → 6) has Keras's 1,941,190 parameters", () => {
    const before = tf.memory().numTensors;
    const net = new UNet(STUDY, 1);
    assert.equal(kerasParameterCount(16, 5, 3, 6), 1_941_190);
    assert.equal(net.parameterCount, kerasParameterCount(16, 5, 3, 6));
    assert.equal(net.layers.length, 2 * 5 + 3 * 4 + 1);
    net.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('parameter counts of smaller specs follow the same formula', () => {
    for (const [base, depth] of [
      [4, 3],
      [8, 4],
      [2, 1],
    ]) {
      const net = new UNet({ ...STUDY, inputSize: 32, baseFilters: base, depth }, 2);
      assert.equal(net.parameterCount, kerasParameterCount(base, depth, 3, 6), `base ${base} depth ${depth}`);
      net.dispose();
    }
  });

  for (const spec of [
    { inputSize: 32, baseFilters: 4, depth: 3, classes: 6 },
    { inputSize: 16, baseFilters: 2, depth: 1, classes: 6 },
    { inputSize: 24, baseFilters: 3, depth: 4, classes: 3 },
  ]) {
    it(`outputs softmax probabilities N×H×W×classes: ${JSON.stringify(spec)}`, () => {
      const full: UNetSpec = { ...spec, inputChannels: 3, dropoutScale: 1 };
      const net = new UNet(full, 3);
      const before = tf.memory().numTensors;
      const output = tf.tidy(() => net.forward(tf.randomUniform([2, spec.inputSize, spec.inputSize, 3], 0, 1, 'float32', 4), true));
      assert.deepEqual(output.shape, [2, spec.inputSize, spec.inputSize, spec.classes]);
      const sums = tf.tidy(() => tf.sum(output, -1));
      for (const sum of sums.dataSync()) assert.ok(Math.abs(sum - 1) < 1e-5);
      tf.dispose([output, sums]);
      assert.equal(tf.memory().numTensors, before);
      net.dispose();
    });
  }

  it('the same seed gives the same weights; another seed other weights', () => {
    const spec: UNetSpec = { ...STUDY, inputSize: 16, baseFilters: 2, depth: 2 };
    const [a, b, c] = [new UNet(spec, 5), new UNet(spec, 5), new UNet(spec, 6)];
    assert.deepEqual(a.layers[0].kernel.dataSync(), b.layers[0].kernel.dataSync());
    assert.notDeepEqual(a.layers[0].kernel.dataSync(), c.layers[0].kernel.dataSync());
    // He-normal: stddev √(2 / fan_in) (truncated at 2σ, rescaled): fan_in of the study's 2nd conv = 9·16.
    for (const net of [a, b, c]) net.dispose();
    const study = new UNet(STUDY, 7);
    const values = study.layers[1].kernel.dataSync() as Float32Array;
    const std = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);
    assert.ok(Math.abs(std - Math.sqrt(2 / (9 * 16))) < 0.01, `stddev ${std}`);
    study.dispose();
  });

  it('rejects specs it cannot build, naming the field', () => {
    assert.throws(() => validateSpec({ ...STUDY, inputSize: 100 }), /spec\.inputSize must be a multiple of 2\^\(depth−1\) = 16/);
    assert.throws(() => validateSpec({ ...STUDY, depth: 0 }), /spec\.depth/);
    assert.throws(() => validateSpec({ ...STUDY, dropoutScale: 4 }), /spec\.dropoutScale/);
    assert.throws(() => validateSpec({ ...STUDY, classes: 1 }), /spec\.classes/);
  });

  it('FLOPs per image follow from the architecture', () => {
    // depth 1, 8×8, 2 filters, 6 classes: two 3×3 convs and the 1×1 output.
    const flops = forwardFlopsPerImage({ inputSize: 8, inputChannels: 3, classes: 6, baseFilters: 2, depth: 1, dropoutScale: 1 });
    assert.equal(flops, 2 * 64 * (9 * 3 * 2 + 9 * 2 * 2 + 2 * 6));
    assert.ok(forwardFlopsPerImage(STUDY) > 2e9 && forwardFlopsPerImage(STUDY) < 1e10);
  });
});
