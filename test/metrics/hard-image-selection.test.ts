import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import { DEFAULT_HARDNESS_THRESHOLD, selectMostAccurateHardImages, typescriptMetrics } from '../../src/metrics/index.js';

test('selects the k most accurate images among those with hardness <= 0.4, ties by index', () => {
  const hardness = Float64Array.from([0.3, 0.9, 0.4, 0.41, 0.2, 0.35]);
  const accuracy = Float64Array.from([0.7, 0.99, 0.9, 0.95, 0.7, 0.8]);
  assert.equal(DEFAULT_HARDNESS_THRESHOLD, 0.4);
  assert.deepEqual(Array.from(selectMostAccurateHardImages(hardness, accuracy, 3)), [2, 5, 0]);
  assert.deepEqual(Array.from(selectMostAccurateHardImages(hardness, accuracy, 10)), [2, 5, 0, 4]);
  assert.deepEqual(Array.from(selectMostAccurateHardImages(hardness, accuracy, 0)), []);
  assert.deepEqual(Array.from(selectMostAccurateHardImages(hardness, accuracy, 2, 0.95)), [1, 3]);
  assert.ok(selectMostAccurateHardImages(hardness, accuracy, 1) instanceof Uint32Array);
});

test('selection matches the twin on random inputs', () => {
  const rng = new Rng(7);
  for (let round = 0; round < 50; round++) {
    const n = rng.int(40);
    const hardness = Float64Array.from({ length: n }, () => Math.floor(rng.random() * 10) / 10);
    const accuracy = Float64Array.from({ length: n }, () => Math.floor(rng.random() * 5) / 5);
    const count = rng.int(n + 2);
    assert.deepEqual(
      selectMostAccurateHardImages(hardness, accuracy, count),
      typescriptMetrics.selectMostAccurateHardImages(hardness, accuracy, count, 0.4),
    );
  }
});
