import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import * as metrics from '../../src/metrics/index.js';
import { assertSameResult, randomBatch } from './helpers.js';

test('async variants give the sync results for every thread count', async () => {
  const rng = new Rng(17);
  const batch = randomBatch(rng, { images: 7, height: 61, width: 67, classes: 6 });
  const { trueLabels, predictedLabels, probabilities, shape } = batch;
  for (const threads of [1, 2, 3, 7, 16]) {
    assertSameResult(await metrics.classHistogramAsync(trueLabels, shape, { threads }), metrics.classHistogram(trueLabels, shape));
    assertSameResult(await metrics.hardnessPerImageAsync(trueLabels, shape, { threads }), metrics.hardnessPerImage(trueLabels, shape));
    assertSameResult(
      await metrics.confusionMatrixAsync(trueLabels, predictedLabels, shape, { threads }),
      metrics.confusionMatrix(trueLabels, predictedLabels, shape),
    );
    assertSameResult(
      await metrics.confusionMatrixFromProbabilitiesAsync(trueLabels, probabilities, shape, { threads }),
      metrics.confusionMatrixFromProbabilities(trueLabels, probabilities, shape),
    );
    assertSameResult(
      await metrics.precisionRecallCurveAsync(trueLabels, probabilities, shape, { threads, thresholds: 21 }),
      metrics.precisionRecallCurve(trueLabels, probabilities, shape, { thresholds: 21 }),
    );
  }
  assertSameResult(await metrics.classHistogramAsync(new Uint8Array(0), { images: 0, height: 3, width: 3, classes: 2 }), {
    perImage: new Float64Array(0),
    total: new Float64Array(2),
  });
});

test('async variants reject (never throw) and report the first bad pixel whatever the thread count', async () => {
  const labels = new Uint8Array(8 * 100).fill(1);
  labels[650] = 9;
  labels[120] = 4;
  const shape = { images: 8, height: 10, width: 10, classes: 3 };
  for (const threads of [1, 2, 8]) {
    const pending = metrics.classHistogramAsync(labels, shape, { threads });
    assert.ok(pending instanceof Promise);
    await assert.rejects(pending, { name: 'RangeError', argument: 'labels', index: 120 });
  }
  await assert.rejects(metrics.classHistogramAsync(labels, shape, { threads: 0 }), { name: 'RangeError' });
  await assert.rejects(metrics.confusionMatrixAsync(labels, labels, shape, { threads: 2.5 }), {
    name: 'RangeError',
    argument: 'options.threads',
  });
});

test('a large async batch leaves the event loop free', async () => {
  const rng = new Rng(1);
  const images = 64;
  const shape = { images, height: 256, width: 256, classes: 6 };
  const pixels = images * 256 * 256;
  const trueLabels = new Uint8Array(pixels).map(() => rng.int(6));
  const probabilities = new Float32Array(pixels * 6).map(() => rng.random());
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const started = performance.now();
  const result = await metrics.precisionRecallCurveAsync(trueLabels, probabilities, shape, { threads: 2 });
  const elapsed = performance.now() - started;
  clearInterval(timer);
  assert.equal(
    result.positives.reduce((sum, count) => sum + count, 0),
    pixels,
  );
  // The timer keeps firing while the workers count; a blocked loop would give 0 ticks.
  assert.ok(ticks >= Math.min(3, elapsed / 10), `${ticks} ticks in ${elapsed.toFixed(0)} ms`);
});
