import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import { precisionRecallCurve, typescriptMetrics } from '../../src/metrics/index.js';
import { assertSameResult, randomBatch } from './helpers.js';

test('precision-recall: hand-computed counts at thresholds 0, 0.5, 1', () => {
  // Two classes, four pixels; scores for class 1: 0.2 (true 0), 0.6 (true 1), 0.5 (true 0), 1.0 (true 1).
  const truth = Uint8Array.from([0, 1, 0, 1]);
  const scores = Float32Array.from([0.8, 0.2, 0.4, 0.6, 0.5, 0.5, 0, 1]);
  const curve = precisionRecallCurve(truth, scores, { images: 1, height: 2, width: 2, classes: 2 }, { thresholds: 3 });
  assert.deepEqual(Array.from(curve.thresholds), [0, 0.5, 1]);
  assert.deepEqual(Array.from(curve.positives), [2, 2]);
  // class 1: >= 0 all four (2 TP, 2 FP); >= 0.5: 0.6, 0.5, 1.0 (2 TP, 1 FP); >= 1: 1.0 (1 TP).
  assert.deepEqual(Array.from(curve.truePositives.subarray(3)), [2, 2, 1]);
  assert.deepEqual(Array.from(curve.falsePositives.subarray(3)), [2, 1, 0]);
  assert.deepEqual(Array.from(curve.precision.subarray(3)), [0.5, 2 / 3, 1]);
  assert.deepEqual(Array.from(curve.recall.subarray(3)), [1, 1, 0.5]);
});

test('precision-recall: scores outside [0, 1] are clamped; an absent class has NaN recall', () => {
  const truth = Uint8Array.from([0, 0]);
  const scores = Float32Array.from([-3, 7, 2, -Infinity]);
  const curve = precisionRecallCurve(truth, scores, { images: 1, height: 1, width: 2, classes: 2 }, { thresholds: 2 });
  assert.deepEqual(Array.from(curve.truePositives), [2, 1, 0, 0]);
  assert.deepEqual(Array.from(curve.falsePositives), [0, 0, 2, 1]);
  assert.ok(Number.isNaN(curve.recall[2]) && Number.isNaN(curve.recall[3]));
});

test('precision-recall matches the twin on random batches and threshold counts', () => {
  const rng = new Rng(41);
  for (const classes of [1, 2, 6, 13]) {
    for (const thresholds of [2, 11, 101, 1000]) {
      const batch = randomBatch(rng, { images: 1 + rng.int(3), height: 1 + rng.int(40), width: 1 + rng.int(40), classes });
      for (let i = 0; i < batch.probabilities.length; i += 7) batch.probabilities[i] = rng.random();
      assertSameResult(
        precisionRecallCurve(batch.trueLabels, batch.probabilities, batch.shape, { thresholds }),
        typescriptMetrics.precisionRecallCurve(batch.trueLabels, batch.probabilities, batch.shape, { thresholds }),
      );
    }
  }
});
