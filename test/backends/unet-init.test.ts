// The initial weights and dropout masks every backend shares: the port of tfjs's seeded initializers
// draws exactly what tfjs draws, and the bulk Bernoulli fill draws exactly what one draw per element
// would (so the tfjs backend's masks did not change when it moved onto it).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '../../backends/tfjs/tfjs-core.js';
// Registers tfjs's 'cpu' backend (the reference the tests compare against).
import '@tensorflow/tfjs-backend-cpu';

import { DropoutMasks, keepScale } from '../../backends/dropout-masks.js';
import { createBackend } from '../../backends/index.js';
import { flatSize, readToTfjs, weightSlots, writeFromTfjs } from '../../backends/onnxruntime/weight-layout.js';
import { initialUNet, randomUniform, truncatedNormal } from '../../backends/unet-init.js';
import { parameterCount, type UNetSpec, unetLayerPlan } from '../../backends/unet-spec.js';
import { Rng } from '../../src/core/rng.js';

describe('shared U-Net initialisation and dropout masks', () => {
  before(async () => {
    await createBackend('cpu').init();
    await tf.setBackend('cpu');
  });

  it("truncatedNormal and randomUniform draw tfjs's values for the same seed, value for value", () => {
    for (const seed of [1, 123456789, 4294967295]) {
      const ours = truncatedNormal(1000, 0.37, seed);
      const theirs = tf.tidy(() => tf.truncatedNormal([1000], 0, 0.37, 'float32', seed).dataSync() as Float32Array);
      assert.deepEqual(ours, theirs);
      const uniform = randomUniform(1000, -0.2, 0.2, seed);
      assert.deepEqual(
        uniform,
        tf.tidy(() => tf.randomUniform([1000], -0.2, 0.2, 'float32', seed).dataSync() as Float32Array),
      );
    }
  });

  it("initialUNet follows Keras's initialisers: He-normal 3×3 kernels, Glorot-uniform transposed and output kernels, zero biases", () => {
    const spec: UNetSpec = { inputSize: 32, inputChannels: 3, classes: 6, baseFilters: 8, depth: 3, dropoutScale: 1 };
    const net = initialUNet(spec, 9);
    assert.deepEqual(
      net.layers.map((layer) => layer.name),
      unetLayerPlan(spec).map((layer) => layer.name),
    );
    assert.equal(
      net.layers.reduce((sum, layer) => sum + layer.kernel.length + layer.bias.length, 0),
      parameterCount(spec),
    );
    for (const layer of net.layers) {
      assert.ok(layer.bias.every((value) => value === 0));
      const [kh, kw, a, b] = layer.kernelShape;
      if (layer.kind === 'conv3x3') {
        const std = Math.sqrt(layer.kernel.reduce((sum, v) => sum + v * v, 0) / layer.kernel.length);
        const expected = Math.sqrt(2 / (kh * kw * a));
        assert.ok(Math.abs(std - expected) < 0.15 * expected, `${layer.name}: stddev ${std} vs ${expected}`);
        assert.ok(
          layer.kernel.every((v) => Math.abs(v) <= (2 * expected) / 0.8796 + 1e-6),
          `${layer.name}: truncated at 2σ`,
        );
      } else {
        const limit = Math.sqrt(6 / (kh * kw * (a + b)));
        assert.ok(
          layer.kernel.every((v) => Math.abs(v) <= limit),
          `${layer.name}: within ±${limit}`,
        );
      }
    }
    assert.deepEqual(initialUNet(spec, 9), net, 'the same seed, the same weights');
    assert.notDeepEqual(initialUNet(spec, 10).layers[0].kernel, net.layers[0].kernel);
  });

  it('Rng.fillBernoulli and fillUint32 continue the stream nextUint32 draws, at any probability', () => {
    for (const probability of [0, 1e-10, 0.2, 0.3, 0.5, 0.123456789, 0.99999999999, 1]) {
      const one = new Rng(5);
      const bulk = new Rng(5);
      const bits = bulk.fillBernoulli(new Uint8Array(5000), probability);
      for (let i = 0; i < bits.length; i++)
        assert.equal(bits[i], one.nextUint32() < probability * 4294967296 ? 1 : 0, `p ${probability}, element ${i}`);
      assert.equal(bulk.nextUint32(), one.nextUint32(), 'the streams stay in step');
    }
    const one = new Rng(6);
    const words = new Rng(6).fillUint32(new Uint32Array(1000));
    for (const word of words) assert.equal(word, one.nextUint32());
  });

  it("dropout masks: inverted dropout at the rate, a new mask each call, drop bits the same draws as the tfjs mask's values", () => {
    const values = new DropoutMasks(3).nhwc(20000, 0.3);
    const kept = values.filter((value) => value !== 0);
    assert.ok(kept.every((value) => value === keepScale(0.3)));
    assert.ok(Math.abs(kept.length / values.length - 0.7) < 0.02);
    const masks = new DropoutMasks(3);
    const bits = masks.dropBits(20000, 0.3);
    assert.deepEqual(
      Float32Array.from(bits, (bit) => (bit ? 0 : keepScale(0.3))),
      values,
    );
    assert.notDeepEqual(masks.dropBits(20000, 0.3), bits, 'the next step draws a new mask');
  });

  it('weight layout: tfjs checkpoints ↔ ONNX flat vectors round-trip exactly', () => {
    const spec: UNetSpec = { inputSize: 16, inputChannels: 3, classes: 6, baseFilters: 2, depth: 3, dropoutScale: 0 };
    const net = initialUNet(spec, 4);
    const slots = weightSlots(spec);
    assert.equal(flatSize(slots), parameterCount(spec));
    const flat = new Float32Array(flatSize(slots));
    net.layers.forEach((layer, index) => {
      writeFromTfjs(slots[2 * index], layer.kernel, flat);
      writeFromTfjs(slots[2 * index + 1], layer.bias, flat);
    });
    net.layers.forEach((layer, index) => assert.deepEqual(readToTfjs(slots[2 * index], flat), layer.kernel));
    // ONNX's Conv layout: w[o][i][y][x] = tfjs's kernel[y][x][i][o].
    const first = slots[0];
    const [, kw, inputs, outputs] = first.tfjsShape;
    const tfjsAt = (y: number, x: number, i: number, o: number) => net.layers[0].kernel[((y * kw + x) * inputs + i) * outputs + o];
    assert.equal(flat[first.offset + ((1 * inputs + 2) * 3 + 0) * 3 + 2], tfjsAt(0, 2, 2, 1));
  });
});
