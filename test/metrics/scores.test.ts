import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import { confusionMatrix, pixelAccuracyPerImage, scoreConfusion, typescriptMetrics } from '../../src/metrics/index.js';
import { assertSameResult, randomBatch } from './helpers.js';

test('scores of a confusion matrix: hand-computed precision, recall, F1, IoU, mean IoU, accuracy', () => {
  // rows = true class: class 0: 5 right; class 1: 3 right, 1 as 0, 1 as 2; class 2: 1 right, 1 as 1.
  const matrix = Float64Array.from([5, 0, 0, 1, 3, 1, 0, 1, 1]);
  const scores = scoreConfusion(matrix, 3);
  assert.deepEqual(Array.from(scores.precision), [5 / 6, 3 / 4, 1 / 2]);
  assert.deepEqual(Array.from(scores.recall), [1, 3 / 5, 1 / 2]);
  assert.deepEqual(Array.from(scores.f1), [10 / 11, 6 / 9, 2 / 4]);
  assert.deepEqual(Array.from(scores.iou), [5 / 6, 3 / 6, 1 / 3]);
  assert.equal(scores.meanIou, (5 / 6 + 3 / 6 + 1 / 3) / 3);
  assert.equal(scores.pixelAccuracy, 9 / 12);
});

test('scores: a class absent from truth and prediction is NaN and left out of the mean IoU', () => {
  const matrix = Float64Array.from([4, 0, 1, 0, 0, 0, 1, 0, 2]);
  const scores = scoreConfusion(matrix, 3);
  assert.ok(Number.isNaN(scores.iou[1]) && Number.isNaN(scores.precision[1]) && Number.isNaN(scores.recall[1]));
  assert.equal(scores.meanIou, (4 / 6 + 2 / 4) / 2);
  const empty = scoreConfusion(new Float64Array(4), 2);
  assert.ok(Number.isNaN(empty.meanIou) && Number.isNaN(empty.pixelAccuracy));
  assertSameResult(empty, typescriptMetrics.scoreConfusion(new Float64Array(4), 2));
});

test('scores and per-image accuracy match the twin bit for bit on random matrices', () => {
  const rng = new Rng(99);
  for (const classes of [1, 2, 6, 17]) {
    const batch = randomBatch(rng, { images: 5, height: 20, width: 30, classes }, 0.7);
    const { perImage, total } = confusionMatrix(batch.trueLabels, batch.predictedLabels, batch.shape);
    assertSameResult(scoreConfusion(total, classes), typescriptMetrics.scoreConfusion(total, classes));
    const accuracy = pixelAccuracyPerImage(perImage, classes);
    assertSameResult(accuracy, typescriptMetrics.pixelAccuracyPerImage(perImage, classes));
    for (let image = 0; image < 5; image++) {
      let right = 0;
      for (let i = image * 600; i < (image + 1) * 600; i++) right += batch.trueLabels[i] === batch.predictedLabels[i] ? 1 : 0;
      assert.equal(accuracy[image], right / 600);
    }
  }
});
