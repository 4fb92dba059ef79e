// What is particular to the ONNX Runtime backend (the contract itself is the conformance suite's):
// training sessions are shared by models of one shape and bounded in number, the state the backend
// reports holding, and the training graph's interface.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { OnnxRuntimeBackend } from '../../backends/onnxruntime/ort-backend.js';
import { buildTrainingGraph, TRAINING_IO } from '../../backends/onnxruntime/training-graph.js';
import { dropoutSites } from '../../backends/onnxruntime/unet-graph.js';
import { parameterCount, type UNetSpec } from '../../backends/unet-spec.js';
import { fixedBatch } from './backend-conformance.js';

const SPEC: UNetSpec = { inputSize: 16, inputChannels: 3, classes: 6, baseFilters: 2, depth: 2, dropoutScale: 1 };

describe('onnxruntime-cpu backend', () => {
  let backend: OnnxRuntimeBackend;
  before(async () => {
    backend = new OnnxRuntimeBackend('cpu', { cachedSessions: 2 });
    await backend.init();
  });
  after(() => backend.dispose());

  it('models of one spec, batch size and loss share a training session; at most cachedSessions are kept', async () => {
    const options = { learningRate: 1e-3, loss: 'dice' as const, seed: 1 };
    const [a, b] = [await backend.createModel(SPEC, options), await backend.createModel(SPEC, { ...options, seed: 2 })];
    await a.trainStep(fixedBatch(SPEC, 2));
    await b.trainStep(fixedBatch(SPEC, 2));
    assert.equal(backend.cachedSessions, 1);
    await a.trainStep(fixedBatch(SPEC, 1)); // another batch size, another graph
    assert.equal(backend.cachedSessions, 2);
    await a.trainStep(fixedBatch(SPEC, 3));
    assert.equal(backend.cachedSessions, 2, 'the least recently used session was released');
    // Evicted and rebuilt sessions give the same step: training continues correctly.
    assert.ok(Number.isFinite(await b.trainStep(fixedBatch(SPEC, 2))));
    a.dispose();
    b.dispose();
  });

  it('memory() counts the weights and both sets of Adam state buffers of each live model', async () => {
    const before = backend.memory().bytes;
    const model = await backend.createModel(SPEC, { learningRate: 1e-3, loss: 'dice', seed: 1 });
    assert.equal(backend.memory().bytes - before, 2 * 3 * 4 * parameterCount(SPEC));
    model.dispose();
    assert.equal(backend.memory().bytes, before);
  });

  it('the training graph takes the state flat, a step number and a learning rate, and drop bits per dropout site', () => {
    const graph = buildTrainingGraph({ spec: SPEC, batch: 2, loss: 'dice-focal' });
    assert.equal(graph.parameterCount, parameterCount(SPEC));
    assert.deepEqual(
      graph.dropoutSites.map((site) => [site.rate, ...site.shape]),
      [
        [0.2, 2, 2, 16, 16],
        [0.3, 2, 4, 8, 8],
        [0.2, 2, 2, 16, 16],
      ],
    );
    assert.equal(dropoutSites({ ...SPEC, dropoutScale: 0 }, 2).length, 0);
    const text = new TextDecoder('latin1').decode(graph.model);
    for (const name of [
      TRAINING_IO.weights,
      TRAINING_IO.firstMoment,
      TRAINING_IO.step,
      TRAINING_IO.learningRate,
      TRAINING_IO.dropBits(2),
      TRAINING_IO.weightsOut,
    ]) {
      assert.ok(text.includes(name), name);
    }
    assert.ok(!text.includes(TRAINING_IO.gradient), 'no gradient output unless asked for');
  });
});
