// One conformance suite, run on every tfjs backend that loads here (wasm and cpu at least): training
// lowers the loss on a fixed batch, checkpoints round-trip exactly (weights and Adam state), no method
// leaks a tensor, inputs are validated.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import type { Backend, Batch } from '../../backends/backend.js';
import { createBackend, listBackends, type TfjsFlavourName } from '../../backends/index.js';
import type { UNetSpec } from '../../src/segmentation/types.js';

const SPEC: UNetSpec = { inputSize: 32, inputChannels: 3, classes: 6, baseFilters: 4, depth: 3, dropoutScale: 1 };
const NO_DROPOUT: UNetSpec = { ...SPEC, dropoutScale: 0 };

/** A fixed batch of 2 whose labels are readable from the image (blocks of colour), so a net can fit it. */
function fixedBatch(spec: UNetSpec, size = 2): Batch {
  const side = spec.inputSize;
  const pixels = size * side * side;
  const images = new Float32Array(pixels * 3);
  const labels = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const row = Math.floor(i / side) % side;
    const column = i % side;
    const label = (Math.floor(row / 8) * 2 + Math.floor(column / 16) + Math.floor(i / (side * side))) % spec.classes;
    labels[i] = label;
    images[3 * i] = (label % 2) * 0.8 + 0.1;
    images[3 * i + 1] = (Math.floor(label / 2) % 3) / 2;
    images[3 * i + 2] = ((row * 5 + column * 3) % 7) / 7;
  }
  return { size, images, labels };
}

/** Asserts `run` leaves tfjs's tensor count as it found it. */
async function noLeak<T>(what: string, run: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await run();
  assert.equal(tf.memory().numTensors, before, `${what} leaked ${tf.memory().numTensors - before} tensors`);
  return result;
}

const names = (await listBackends()).filter((entry) => entry.availability.available).map((entry) => entry.name);
assert.ok(names.includes('wasm') && names.includes('cpu'), `wasm and cpu must load here (got ${names.join(', ')})`);

for (const name of names as TfjsFlavourName[]) {
  describe(`backend ${name}`, () => {
    let backend: Backend;
    before(async () => {
      backend = createBackend(name);
      await backend.init();
    });
    after(async () => {
      await backend.dispose();
    });

    it('reports what it can do', () => {
      assert.equal(backend.name, name);
      const capabilities = backend.capabilities();
      assert.equal(capabilities.train, true);
      assert.equal(capabilities.infer, true);
      assert.equal(typeof capabilities.device, 'string');
      assert.ok(backend.memory().bytes >= 0);
    });

    it('training on a fixed batch lowers the loss over 10 steps, with no tensor leak', async () => {
      const model = await backend.createModel(SPEC, { learningRate: 1e-2, loss: 'dice-focal', seed: 1 });
      const batch = fixedBatch(SPEC);
      const losses: number[] = [];
      for (let step = 0; step < 10; step++) losses.push(await noLeak(`trainStep ${step}`, () => model.trainStep(batch)));
      assert.ok(losses.every(Number.isFinite));
      assert.ok(losses[9] < losses[0] - 0.01, `losses ${losses.map((loss) => loss.toFixed(4)).join(' ')}`);
      // The study's loss: dice with weights 1/6 stays above 1 − 1/6.
      assert.ok(losses[9] > 0.83);
      const evaluated = await noLeak('evaluate', () => model.evaluate(batch));
      assert.ok(evaluated < losses[0]);
      model.dispose();
    });

    it("trains on 'dice' and 'cross-entropy' too", async () => {
      for (const loss of ['dice', 'cross-entropy'] as const) {
        const model = await backend.createModel(NO_DROPOUT, { learningRate: 1e-2, loss, seed: 2 });
        const batch = fixedBatch(NO_DROPOUT);
        const first = await model.trainStep(batch);
        for (let step = 0; step < 4; step++) await model.trainStep(batch);
        assert.ok((await model.evaluate(batch)) < first, loss);
        model.dispose();
      }
    });

    it('predict gives softmax probabilities N×H×W×classes, deterministic (no dropout)', async () => {
      const model = await backend.createModel(SPEC, { learningRate: 1e-3, loss: 'dice-focal', seed: 3 });
      const batch = fixedBatch(SPEC, 3);
      const probabilities = await noLeak('predict', () => model.predict(batch.images, 3));
      assert.ok(probabilities instanceof Float32Array);
      assert.equal(probabilities.length, 3 * 32 * 32 * 6);
      for (let pixel = 0; pixel < 3 * 32 * 32; pixel += 97) {
        const sum = probabilities.subarray(pixel * 6, pixel * 6 + 6).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5);
      }
      assert.deepEqual(await model.predict(batch.images, 3), probabilities);
      assert.equal(await model.evaluate(batch), await model.evaluate(batch));
      model.dispose();
    });

    it('exportState → importState reproduces predictions and Adam state exactly', async () => {
      const options = { learningRate: 1e-2, loss: 'dice-focal' as const, seed: 4 };
      const trained = await backend.createModel(NO_DROPOUT, options);
      const batch = fixedBatch(NO_DROPOUT);
      for (let step = 0; step < 3; step++) await trained.trainStep(batch);
      const state = await noLeak('exportState', () => trained.exportState());
      assert.ok(state instanceof Uint8Array && state.length > 3 * 4 * 1000);

      const restored = await backend.createModel(NO_DROPOUT, { ...options, seed: 99 });
      assert.notDeepEqual(await restored.predict(batch.images, 2), await trained.predict(batch.images, 2));
      await noLeak('importState', () => restored.importState(state));
      assert.deepEqual(await restored.predict(batch.images, 2), await trained.predict(batch.images, 2));
      // Adam's moments and step count came along: the next step is the same step.
      assert.equal(await restored.trainStep(batch), await trained.trainStep(batch));
      assert.deepEqual(await restored.predict(batch.images, 2), await trained.predict(batch.images, 2));
      trained.dispose();
      restored.dispose();
    });

    it('importState rejects a checkpoint of another spec, naming the field', async () => {
      const small = await backend.createModel({ ...NO_DROPOUT, baseFilters: 2 }, { learningRate: 1e-3, loss: 'dice', seed: 1 });
      const other = await backend.createModel(NO_DROPOUT, { learningRate: 1e-3, loss: 'dice', seed: 1 });
      await assert.rejects(other.importState(await small.exportState()), /spec\.baseFilters = 2/);
      await assert.rejects(other.importState(new Uint8Array(20)), /not a bandster tfjs checkpoint/);
      small.dispose();
      other.dispose();
    });

    it('creating and disposing a model leaves no tensor behind; a disposed model refuses calls', async () => {
      const model = await noLeak('createModel + dispose', async () => {
        const created = await backend.createModel(SPEC, { learningRate: 1e-3, loss: 'dice-focal', seed: 5 });
        await created.trainStep(fixedBatch(SPEC));
        created.dispose();
        return created;
      });
      await assert.rejects(model.predict(new Float32Array(32 * 32 * 3), 1), /disposed/);
    });

    it('validates batches and options', async () => {
      const model = await backend.createModel(SPEC, { learningRate: 1e-3, loss: 'dice-focal', seed: 6 });
      const batch = fixedBatch(SPEC);
      await noLeak('rejected calls', async () => {
        await assert.rejects(model.trainStep({ ...batch, size: 3 }), /batch\.images must hold 9216 values \(got 6144\)/);
        await assert.rejects(model.trainStep({ ...batch, labels: new Uint8Array(5) }), /batch\.labels/);
        await assert.rejects(
          model.trainStep({ ...batch, labels: new Uint8Array(batch.labels.length).fill(6) }),
          /batch\.labels.*class ids < 6/,
        );
        await assert.rejects(model.predict(new Float32Array(7), 1), /images must hold 3072 values/);
      });
      await assert.rejects(backend.createModel(SPEC, { learningRate: 0, loss: 'dice', seed: 1 }), /options\.learningRate/);
      await assert.rejects(
        backend.createModel({ ...SPEC, inputSize: 30 }, { learningRate: 1e-3, loss: 'dice', seed: 1 }),
        /spec\.inputSize/,
      );
      model.dispose();
    });
  });
}
