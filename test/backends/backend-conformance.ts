// The conformance suite every Backend passes (tfjs cpu and wasm, ONNX Runtime, and tfjs-node(-gpu) or
// ONNX Runtime's CUDA provider where they load): the model contract, gradient parity with tfjs-cpu
// through training, checkpoint interchange both ways with tfjs-cpu, memory() and availability.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Backend, Batch, BackendModel, LossKind, ModelOptions } from '../../backends/backend.js';
import { BackendError } from '../../backends/backend-error.js';
import { FrugalBackend } from '../../backends/frugal/frugal-backend.js';
import { createBackend } from '../../backends/index.js';
import { decodeState } from '../../backends/state-codec.js';
import type { UNetSpec } from '../../backends/unet-spec.js';

const SPEC: UNetSpec = { inputSize: 16, inputChannels: 3, classes: 6, baseFilters: 4, depth: 3, dropoutScale: 1 };
const NO_DROPOUT: UNetSpec = { ...SPEC, dropoutScale: 0 };

/** A fixed batch whose labels are readable from the image (blocks of colour), so a net can fit it. */
export function fixedBatch(spec: UNetSpec, size = 2): Batch {
  const side = spec.inputSize;
  const pixels = size * side * side;
  const images = new Float32Array(pixels * 3);
  const labels = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const row = Math.floor(i / side) % side;
    const column = i % side;
    const label = (Math.floor(row / 4) * 2 + Math.floor(column / 8) + Math.floor(i / (side * side))) % spec.classes;
    labels[i] = label;
    images[3 * i] = (label % 2) * 0.8 + 0.1;
    images[3 * i + 1] = (Math.floor(label / 2) % 3) / 2;
    images[3 * i + 2] = ((row * 5 + column * 3) % 7) / 7;
  }
  return { size, images, labels };
}

/** Largest |a − b| over max |b| (0 when b is all zeros and a equals it). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? difference : difference / scale;
}

/** Asserts that `run` rejects with a BackendError of `code`. */
async function rejectsWithCode(run: () => Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof BackendError, `expected a BackendError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** Asserts `run` leaves the backend's memory() as it found it (no tensor or buffer leaked; a heap may grow, as wasm's does). */
async function noLeak<T>(backend: Backend, what: string, run: () => Promise<T>): Promise<T> {
  const held = () => {
    const { heapBytes: _, ...memory } = backend.memory();
    return memory;
  };
  const before = held();
  const result = await run();
  assert.deepEqual(held(), before, `${what} changed memory() from ${JSON.stringify(before)} to ${JSON.stringify(backend.memory())}`);
  return result;
}

async function trainSteps(model: BackendModel, batch: Batch, steps: number): Promise<number[]> {
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) losses.push(await model.trainStep(batch));
  return losses;
}

export interface ConformanceOptions {
  /** The name the backend reports (e.g. 'onnxruntime-cpu'). */
  readonly name: string;
  readonly make: () => Backend;
}

/** Runs the Backend conformance suite on one backend; tfjs-cpu is the reference for parity and interchange. */
export function backendConformance({ name, make }: ConformanceOptions): void {
  describe(`${name}: backend conformance`, () => {
    let backend: Backend;
    let reference: Backend;
    before(async () => {
      backend = make();
      assert.deepEqual(await backend.availability(), { available: true });
      await backend.init();
      reference = createBackend('cpu');
      await reference.init();
    });
    after(async () => {
      await backend.dispose();
      await reference.dispose();
    });

    const model = (spec: UNetSpec, options: Partial<ModelOptions> = {}) =>
      backend.createModel(spec, { learningRate: 1e-3, loss: 'dice-focal', seed: 1, ...options });

    it('reports its name, capabilities and memory', () => {
      assert.equal(backend.name, name);
      const capabilities = backend.capabilities();
      assert.equal(capabilities.train, true);
      assert.equal(capabilities.infer, true);
      assert.equal(typeof capabilities.device, 'string');
      const memory = backend.memory();
      assert.ok(Number.isFinite(memory.bytes) && memory.bytes >= 0);
      if (memory.heapBytes !== undefined) assert.ok(memory.heapBytes >= memory.bytes, 'a heap holds the tensors in it');
    });

    it('training on a fixed batch lowers the loss over 10 steps without leaking; evaluate agrees', async () => {
      const trained = await model(SPEC, { learningRate: 1e-2 });
      const batch = fixedBatch(SPEC);
      await trained.trainStep(batch); // sessions, graphs and optimizer slots are made on first use
      const losses = await noLeak(backend, 'trainStep', () => trainSteps(trained, batch, 10));
      assert.ok(losses.every(Number.isFinite));
      assert.ok(losses[9] < losses[0] - 0.01, `losses ${losses.map((loss) => loss.toFixed(4)).join(' ')}`);
      // The study's loss: dice with weights 1/6 stays above 1 − 1/6.
      assert.ok(losses[9] > 0.83);
      assert.ok((await trained.evaluate(batch)) < losses[0]);
      trained.dispose();
    });

    it("trains on 'dice' and 'cross-entropy' too", async () => {
      for (const loss of ['dice', 'cross-entropy'] as const) {
        const trained = await model(NO_DROPOUT, { learningRate: 1e-2, loss, seed: 2 });
        const batch = fixedBatch(NO_DROPOUT);
        const first = await trained.trainStep(batch);
        await trainSteps(trained, batch, 4);
        assert.ok((await trained.evaluate(batch)) < first, loss);
        trained.dispose();
      }
    });

    it('predict gives softmax probabilities N×H×W×classes, deterministic; evaluate too', async () => {
      const predicting = await model(SPEC, { seed: 3 });
      const batch = fixedBatch(SPEC, 3);
      const probabilities = await predicting.predict(batch.images, 3);
      assert.ok(probabilities instanceof Float32Array);
      assert.equal(probabilities.length, 3 * 16 * 16 * 6);
      for (let pixel = 0; pixel < 3 * 16 * 16; pixel += 37) {
        const sum = probabilities.subarray(pixel * 6, pixel * 6 + 6).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5);
      }
      assert.deepEqual(await predicting.predict(batch.images, 3), probabilities);
      assert.equal(await predicting.evaluate(batch), await predicting.evaluate(batch));
      // A training step changes what predict returns (no stale inference state).
      await predicting.trainStep(batch);
      assert.notDeepEqual(await predicting.predict(batch.images, 3), probabilities);
      predicting.dispose();
    });

    it('accepts batches and images that are views into larger buffers (the trainer reuses its buffers)', async () => {
      const viewed = await model(NO_DROPOUT, { seed: 12 });
      const fresh = await model(NO_DROPOUT, { seed: 12 });
      const batch = fixedBatch(NO_DROPOUT);
      const images = new Float32Array(batch.images.length + 100);
      images.set(batch.images, 50);
      const labels = new Uint8Array(batch.labels.length + 30);
      labels.set(batch.labels, 7);
      const view = { size: 2, images: images.subarray(50, 50 + batch.images.length), labels: labels.subarray(7, 7 + batch.labels.length) };
      assert.equal(await viewed.trainStep(view), await fresh.trainStep(batch));
      assert.deepEqual(await viewed.predict(view.images, 2), await fresh.predict(batch.images, 2));
      assert.equal(await viewed.evaluate(view), await fresh.evaluate(batch));
      viewed.dispose();
      fresh.dispose();
    });

    it('same seed → the same initial weights as tfjs-cpu', async () => {
      const ours = await model(SPEC, { seed: 11 });
      const theirs = await reference.createModel(SPEC, { learningRate: 1e-3, loss: 'dice-focal', seed: 11 });
      assert.deepEqual(await ours.exportState(), await theirs.exportState());
      ours.dispose();
      theirs.dispose();
    });

    for (const loss of ['dice-focal', 'dice', 'cross-entropy'] as LossKind[]) {
      it(`gradient parity with tfjs-cpu: 20 Adam steps (${loss}, dropout off) give losses within 1e-3 relative`, async () => {
        const options = { learningRate: 1e-3, loss, seed: 5 };
        const ours = await backend.createModel(NO_DROPOUT, options);
        const theirs = await reference.createModel(NO_DROPOUT, options);
        const batch = fixedBatch(NO_DROPOUT);
        const [a, b] = [await trainSteps(ours, batch, 20), await trainSteps(theirs, batch, 20)];
        for (let step = 0; step < 20; step++) {
          assert.ok(Math.abs(a[step] - b[step]) <= 1e-3 * Math.abs(b[step]), `step ${step}: ${a[step]} vs tfjs-cpu ${b[step]}`);
        }
        ours.dispose();
        theirs.dispose();
      });
    }

    it('dropout: the same seed draws the same masks as tfjs-cpu (losses agree with dropout on)', async () => {
      const options = { learningRate: 1e-3, loss: 'dice-focal' as const, seed: 6 };
      const ours = await backend.createModel(SPEC, options);
      const theirs = await reference.createModel(SPEC, options);
      const batch = fixedBatch(SPEC);
      const [a, b] = [await trainSteps(ours, batch, 5), await trainSteps(theirs, batch, 5)];
      for (let step = 0; step < 5; step++)
        assert.ok(Math.abs(a[step] - b[step]) <= 1e-4 * b[step], `step ${step}: ${a[step]} vs ${b[step]}`);
      // Dropout is on in training only: evaluate is deterministic and lower than a dropped-out step's loss on average.
      assert.equal(await ours.evaluate(batch), await ours.evaluate(batch));
      ours.dispose();
      theirs.dispose();
    });

    it('exportState → importState reproduces predictions and Adam state exactly', async () => {
      const options = { learningRate: 1e-2, seed: 4 };
      const trained = await model(NO_DROPOUT, options);
      const batch = fixedBatch(NO_DROPOUT);
      await trainSteps(trained, batch, 3);
      const state = await trained.exportState();
      assert.ok(state instanceof Uint8Array && state.length > 3 * 4 * 1000);
      const restored = await model(NO_DROPOUT, { ...options, seed: 99 });
      assert.notDeepEqual(await restored.predict(batch.images, 2), await trained.predict(batch.images, 2));
      await restored.importState(state);
      assert.deepEqual(await restored.predict(batch.images, 2), await trained.predict(batch.images, 2));
      // Adam's moments and step count came along: the next step is the same step.
      assert.equal(await restored.trainStep(batch), await trained.trainStep(batch));
      assert.deepEqual(await restored.predict(batch.images, 2), await trained.predict(batch.images, 2));
      trained.dispose();
      restored.dispose();
    });

    it('checkpoints interchange with tfjs-cpu both ways (weights, moments and step count)', async () => {
      const options = { learningRate: 1e-3, loss: 'dice-focal' as const, seed: 8 };
      const batch = fixedBatch(NO_DROPOUT);
      const ours = await backend.createModel(NO_DROPOUT, options);
      const theirs = await reference.createModel(NO_DROPOUT, options);
      await trainSteps(ours, batch, 3);
      await trainSteps(theirs, batch, 3);
      // theirs → a fresh model of ours, and ours → a fresh tfjs-cpu model.
      const intoOurs = await backend.createModel(NO_DROPOUT, { ...options, seed: 50 });
      await intoOurs.importState(await theirs.exportState());
      const intoTheirs = await reference.createModel(NO_DROPOUT, { ...options, seed: 51 });
      await intoTheirs.importState(await ours.exportState());
      assert.ok(relativeError(await intoOurs.predict(batch.images, 2), await theirs.predict(batch.images, 2)) < 1e-5);
      assert.ok(relativeError(await intoTheirs.predict(batch.images, 2), await ours.predict(batch.images, 2)) < 1e-5);
      // Training continues from the imported Adam state: the next losses agree across backends.
      const next = [await intoOurs.trainStep(batch), await theirs.trainStep(batch)];
      assert.ok(Math.abs(next[0] - next[1]) <= 1e-5 * next[1], `next step ${next[0]} vs ${next[1]}`);
      for (const made of [ours, theirs, intoOurs, intoTheirs]) made.dispose();
    });

    // The frugal profile (backends/frugal/) on this backend: micro-batched steps are the standard step.
    // With `recompute`, each slice's backward pass computes the encoder's activations again instead of keeping them.
    const frugal = (microBatch: number, recompute = false) =>
      new FrugalBackend(backend, { microBatch, evaluationChunk: microBatch, recompute });
    for (const [loss, recompute] of (['dice-focal', 'dice', 'cross-entropy'] as LossKind[]).flatMap((loss) => [
      [loss, false] as const,
      [loss, true] as const,
    ])) {
      const how = recompute ? ', encoder recomputed' : '';
      it(`frugal profile: one step in micro-batches gives the standard step's weights and moments (${loss}${how}, dropout off, ≤ 1e-5 relative)`, async () => {
        const options = { learningRate: 1e-3, loss, seed: 21 };
        const standard = await backend.createModel(NO_DROPOUT, options);
        const micro = await frugal(2, recompute).createModel(NO_DROPOUT, options);
        const batch = fixedBatch(NO_DROPOUT, 5); // slices of 2, 2 and 1
        const [expected, actual] = [await standard.trainStep(batch), await micro.trainStep(batch)];
        assert.ok(Math.abs(actual - expected) <= 1e-5 * expected, `loss ${actual} vs ${expected}`);
        const [a, b] = [decodeState(await micro.exportState()), decodeState(await standard.exportState())];
        assert.equal(a.iterations, 1);
        const flat = (state: typeof a, part: number) => {
          const count = state.arrays.length / 3;
          return state.arrays.slice(part * count, (part + 1) * count).flatMap((array) => Array.from(array.values));
        };
        for (const [part, what] of ['weights', 'first moments', 'second moments'].entries()) {
          const error = relativeError(flat(a, part), flat(b, part));
          assert.ok(error <= 1e-5, `${what}: relative error ${error}`);
        }
        standard.dispose();
        micro.dispose();
      });
    }

    it("frugal profile: with dropout on, slices see the whole batch's masks (3 steps agree, micro-batch 1); evaluate and predict in chunks agree", async () => {
      const options = { learningRate: 1e-3, loss: 'dice-focal' as const, seed: 22 };
      const standard = await backend.createModel(SPEC, options);
      const micro = await frugal(1).createModel(SPEC, options);
      const batch = fixedBatch(SPEC, 3);
      const [a, b] = [await trainSteps(micro, batch, 3), await trainSteps(standard, batch, 3)];
      for (let step = 0; step < 3; step++)
        assert.ok(Math.abs(a[step] - b[step]) <= 1e-5 * b[step], `step ${step}: ${a[step]} vs ${b[step]}`);
      const evaluated = [await micro.evaluate(batch), await standard.evaluate(batch)];
      assert.ok(Math.abs(evaluated[0] - evaluated[1]) <= 1e-5 * evaluated[1], `evaluate ${evaluated[0]} vs ${evaluated[1]}`);
      assert.ok(relativeError(await micro.predict(batch.images, 3), await standard.predict(batch.images, 3)) <= 1e-5);
      standard.dispose();
      micro.dispose();
    });

    it('frugal profile, encoder recomputed: with dropout on, the recomputation replays the masks (2 steps give the standard weights)', async () => {
      const options = { learningRate: 1e-3, loss: 'dice-focal' as const, seed: 23 };
      const standard = await backend.createModel(SPEC, options);
      const micro = await frugal(2, true).createModel(SPEC, options);
      const batch = fixedBatch(SPEC, 3);
      const [a, b] = [await trainSteps(micro, batch, 2), await trainSteps(standard, batch, 2)];
      for (let step = 0; step < 2; step++)
        assert.ok(Math.abs(a[step] - b[step]) <= 1e-5 * b[step], `step ${step}: ${a[step]} vs ${b[step]}`);
      const weights = async (made: BackendModel) => {
        const state = decodeState(await made.exportState());
        return state.arrays.slice(0, state.arrays.length / 3).flatMap((array) => Array.from(array.values));
      };
      const error = relativeError(await weights(micro), await weights(standard));
      assert.ok(error <= 1e-5, `weights: relative error ${error}`);
      standard.dispose();
      micro.dispose();
    });

    it('importState rejects a checkpoint of another spec or none at all (ERR_BACKEND_CHECKPOINT)', async () => {
      const small = await model({ ...NO_DROPOUT, baseFilters: 2 }, { loss: 'dice' });
      const other = await model(NO_DROPOUT, { loss: 'dice' });
      await rejectsWithCode(async () => other.importState(await small.exportState()), 'ERR_BACKEND_CHECKPOINT', /spec\.baseFilters = 2/);
      await rejectsWithCode(() => other.importState(new Uint8Array(20)), 'ERR_BACKEND_CHECKPOINT');
      small.dispose();
      other.dispose();
    });

    it('trim() (where offered) releases caches only: a live model goes on training and predicting the same', async (t) => {
      if (!backend.trim) return t.skip(`${name} keeps no caches to trim`);
      const trimmed = await model(NO_DROPOUT, { seed: 13 });
      const kept = await model(NO_DROPOUT, { seed: 13 });
      const batch = fixedBatch(NO_DROPOUT);
      await trimmed.trainStep(batch);
      await kept.trainStep(batch);
      await backend.trim();
      assert.equal(await trimmed.trainStep(batch), await kept.trainStep(batch));
      assert.deepEqual(await trimmed.predict(batch.images, 2), await kept.predict(batch.images, 2));
      trimmed.dispose();
      kept.dispose();
    });

    it('creating and disposing a model leaves memory() as it was; a disposed model refuses calls', async () => {
      const disposed = await noLeak(backend, 'createModel + dispose', async () => {
        const created = await model(SPEC, { seed: 5 });
        await created.trainStep(fixedBatch(SPEC));
        created.dispose();
        return created;
      });
      await rejectsWithCode(() => disposed.predict(new Float32Array(16 * 16 * 3), 1), 'ERR_BACKEND_DISPOSED');
      await rejectsWithCode(() => disposed.trainStep(fixedBatch(SPEC)), 'ERR_BACKEND_DISPOSED');
    });

    it('validates batches, specs and options, naming the field (ERR_BACKEND_INVALID_*)', async () => {
      const checked = await model(SPEC, { seed: 6 });
      const batch = fixedBatch(SPEC);
      await rejectsWithCode(
        () => checked.trainStep({ ...batch, size: 3 }),
        'ERR_BACKEND_INVALID_INPUT',
        /batch\.images must hold 2304 values \(got 1536\)/,
      );
      await rejectsWithCode(() => checked.trainStep({ ...batch, labels: new Uint8Array(5) }), 'ERR_BACKEND_INVALID_INPUT', /batch\.labels/);
      await rejectsWithCode(
        () => checked.trainStep({ ...batch, labels: new Uint8Array(batch.labels.length).fill(6) }),
        'ERR_BACKEND_INVALID_INPUT',
        /batch\.labels.*class ids < 6/,
      );
      await rejectsWithCode(() => checked.predict(new Float32Array(7), 1), 'ERR_BACKEND_INVALID_INPUT', /images must hold 768 values/);
      await rejectsWithCode(() => model(SPEC, { learningRate: 0 }), 'ERR_BACKEND_INVALID_INPUT', /options\.learningRate/);
      await rejectsWithCode(() => model(SPEC, { loss: 'hinge' as LossKind }), 'ERR_BACKEND_INVALID_INPUT', /options\.loss/);
      await rejectsWithCode(() => model({ ...SPEC, inputSize: 30 }), 'ERR_BACKEND_INVALID_SPEC', /spec\.inputSize/);
      checked.dispose();
    });
  });
}
