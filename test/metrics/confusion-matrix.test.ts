import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import { confusionMatrix, confusionMatrixFromProbabilities, typescriptMetrics } from '../../src/metrics/index.js';
import { assertSameResult, randomBatch } from './helpers.js';

const smallShape = { images: 2, height: 2, width: 3, classes: 3 };
const truth = Uint8Array.from([0, 1, 2, 0, 1, 2, 0, 0, 0, 1, 1, 1]);
const predicted = Uint8Array.from([0, 1, 1, 0, 2, 2, 0, 0, 0, 1, 1, 0]);

test('confusion matrix from labels: hand-computed, row = true class', () => {
  const result = confusionMatrix(truth, predicted, smallShape);
  assert.deepEqual(Array.from(result.perImage), [2, 0, 0, 0, 1, 1, 0, 1, 1, 3, 0, 0, 1, 2, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(result.total), [5, 0, 0, 1, 3, 1, 0, 1, 1]);
});

test('confusion matrix from probabilities: argmax inside the kernel, first maximum wins on ties', () => {
  const scores = new Float32Array(12 * 3);
  for (let i = 0; i < 12; i++) scores[i * 3 + predicted[i]] = 0.9;
  assertSameResult(confusionMatrixFromProbabilities(truth, scores, smallShape), confusionMatrix(truth, predicted, smallShape));
  // Ties and signs: [0.5, 0.5, 0.1] -> 0; [-1, -0, 0] -> 1 (-0 and 0 are equal); [-Inf, -Inf, -Inf] -> 0; [Inf, 1, Inf] -> 0.
  const tied = Float32Array.from([0.5, 0.5, 0.1, -1, -0, 0, -Infinity, -Infinity, -Infinity, Infinity, 1, Infinity]);
  const result = confusionMatrixFromProbabilities(Uint8Array.from([2, 2, 2, 2]), tied, { images: 1, height: 2, width: 2, classes: 3 });
  assert.deepEqual(Array.from(result.total), [0, 0, 0, 0, 0, 0, 3, 1, 0]);
});

test('confusion matrices match the TypeScript twin on random batches (every class count path)', () => {
  const rng = new Rng(23);
  for (const classes of [1, 2, 3, 5, 6, 8, 9, 22, 23, 33, 255]) {
    for (const [height, width] of [
      [1, 1],
      [3, 7],
      [64, 64],
      [100, 201],
    ]) {
      const batch = randomBatch(rng, { images: 1 + rng.int(3), height, width, classes });
      const label = `classes=${classes} ${height}x${width}`;
      assertSameResult(
        confusionMatrix(batch.trueLabels, batch.predictedLabels, batch.shape),
        typescriptMetrics.confusionMatrix(batch.trueLabels, batch.predictedLabels, batch.shape),
        label,
      );
      assertSameResult(
        confusionMatrixFromProbabilities(batch.trueLabels, batch.probabilities, batch.shape),
        typescriptMetrics.confusionMatrixFromProbabilities(batch.trueLabels, batch.probabilities, batch.shape),
        label,
      );
    }
  }
});

test('confusion matrix: perfect prediction is diagonal; an empty class has an empty row and column', () => {
  const rng = new Rng(3);
  const batch = randomBatch(rng, { images: 4, height: 50, width: 50, classes: 5 }, 1);
  const labels = batch.trueLabels.map((label) => (label === 3 ? 0 : label));
  const { total } = confusionMatrix(labels, labels, batch.shape);
  for (let t = 0; t < 5; t++) {
    for (let p = 0; p < 5; p++) if (t !== p || t === 3) assert.equal(total[t * 5 + p], 0);
  }
  assert.equal(
    total.reduce((sum, count) => sum + count, 0),
    4 * 50 * 50,
  );
});
