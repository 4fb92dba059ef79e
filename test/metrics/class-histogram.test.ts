import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import { classHistogram, hardnessPerImage, typescriptMetrics } from '../../src/metrics/index.js';
import { assertSameResult, randomBatch } from './helpers.js';

test('class histogram: hand-computed counts per image and in total', () => {
  const labels = Uint8Array.from([0, 1, 2, 0, 1, 2, 0, 0, 0, 1, 1, 1]);
  const result = classHistogram(labels, { images: 2, height: 2, width: 3, classes: 4 });
  assert.deepEqual(Array.from(result.perImage), [2, 2, 2, 0, 3, 3, 0, 0]);
  assert.deepEqual(Array.from(result.total), [5, 5, 2, 0]);
});

test('class histogram: matches the TypeScript twin on random batches, both code paths (<=16 and >16 classes)', () => {
  const rng = new Rng(11);
  for (const classes of [1, 2, 6, 16, 17, 40, 255]) {
    for (const [height, width] of [
      [1, 1],
      [1, 63],
      [7, 13],
      [64, 65],
      [130, 129],
    ]) {
      const images = 1 + rng.int(3);
      const batch = randomBatch(rng, { images, height, width, classes });
      const expected = typescriptMetrics.classHistogram(batch.trueLabels, batch.shape);
      assertSameResult(classHistogram(batch.trueLabels, batch.shape), expected, `classes=${classes} ${height}x${width}`);
    }
  }
});

test('class histogram: edge cases — no images, all one class, the last class, 1x1 images', () => {
  assertSameResult(classHistogram(new Uint8Array(0), { images: 0, height: 4, width: 4, classes: 3 }), {
    perImage: new Float64Array(0),
    total: new Float64Array(3),
  });
  const allTwo = new Uint8Array(300 * 257).fill(2);
  const shape = { images: 300, height: 1, width: 257, classes: 3 };
  assert.deepEqual(Array.from(classHistogram(allTwo, shape).total), [0, 0, 300 * 257]);
  const lastClass = new Uint8Array(70000).fill(254);
  assert.equal(classHistogram(lastClass, { images: 1, height: 1, width: 70000, classes: 255 }).total[254], 70000);
  const dots = Uint8Array.from([3, 0, 3, 1]);
  assert.deepEqual(
    Array.from(classHistogram(dots, { images: 4, height: 1, width: 1, classes: 4 }).perImage),
    [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0],
  );
});

test('hardness: one class gives 1, an even split of C classes gives 1/C; matches the twin', () => {
  const labels = Uint8Array.from([1, 1, 1, 1, 0, 1, 2, 3, 0, 0, 1, 1]);
  const hardness = hardnessPerImage(labels, { images: 3, height: 2, width: 2, classes: 4 });
  assert.deepEqual(Array.from(hardness), [1, 0.25, 0.5]);
  const rng = new Rng(5);
  const batch = randomBatch(rng, { images: 9, height: 33, width: 31, classes: 6 });
  assertSameResult(hardnessPerImage(batch.trueLabels, batch.shape), typescriptMetrics.hardnessPerImage(batch.trueLabels, batch.shape));
});
