import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as metrics from '../../src/metrics/index.js';

const shape = { images: 2, height: 2, width: 2, classes: 3 };
const labels = new Uint8Array(8);
const scores = new Float32Array(24);

test('wrong array types are TypeErrors naming the argument', () => {
  assert.throws(() => metrics.classHistogram(new Uint8ClampedArray(8) as unknown as Uint8Array, shape), {
    name: 'TypeError',
    argument: 'labels',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'labels must be a Uint8Array',
  });
  assert.throws(() => metrics.confusionMatrix(labels, [0, 1] as unknown as Uint8Array, shape), {
    name: 'TypeError',
    argument: 'predictedLabels',
  });
  assert.throws(() => metrics.confusionMatrixFromProbabilities(labels, new Float64Array(24) as unknown as Float32Array, shape), {
    name: 'TypeError',
    argument: 'probabilities',
  });
  assert.throws(() => metrics.scoreConfusion(new Float32Array(9) as unknown as Float64Array, 3), {
    name: 'TypeError',
    argument: 'confusion',
  });
  assert.throws(() => metrics.classHistogram(labels, null as unknown as typeof shape), { name: 'TypeError', argument: 'shape' });
  assert.throws(() => metrics.classHistogram(labels, { ...shape, width: '2' } as unknown as typeof shape), {
    name: 'TypeError',
    argument: 'shape.width',
  });
  // A Buffer is a Uint8Array and is accepted.
  assert.equal(metrics.classHistogram(Buffer.alloc(8), shape).total[0], 8);
});

test('mismatched lengths and bad shapes are RangeErrors naming the argument', () => {
  assert.throws(() => metrics.classHistogram(new Uint8Array(7), shape), {
    name: 'RangeError',
    argument: 'labels',
    message: 'labels has 7 elements; the shape needs 8 (images*height*width)',
  });
  assert.throws(() => metrics.confusionMatrix(labels, new Uint8Array(9), shape), { name: 'RangeError', argument: 'predictedLabels' });
  assert.throws(() => metrics.confusionMatrixFromProbabilities(labels, new Float32Array(8), shape), {
    name: 'RangeError',
    argument: 'probabilities',
    message: 'probabilities has 8 elements; the shape needs 24 (images*height*width*classes)',
  });
  for (const classes of [0, 256, 2.5, -1, Number.NaN]) {
    assert.throws(() => metrics.classHistogram(labels, { ...shape, classes }), {
      name: 'RangeError',
      argument: 'shape.classes',
      message: 'shape.classes must be an integer in [1, 255]',
    });
  }
  assert.throws(() => metrics.classHistogram(labels, { ...shape, height: 0 }), { name: 'RangeError', argument: 'shape.height' });
  assert.throws(() => metrics.classHistogram(labels, { images: 2 ** 40, height: 2 ** 10, width: 2 ** 10, classes: 2 }), {
    name: 'RangeError',
    argument: 'shape',
  });
  assert.throws(() => metrics.scoreConfusion(new Float64Array(8), 3), { name: 'RangeError', argument: 'confusion' });
  assert.throws(() => metrics.scoreConfusion(Float64Array.from([1, -1, 0, 0]), 2), { name: 'RangeError', argument: 'confusion', index: 1 });
  assert.throws(() => metrics.pixelAccuracyPerImage(new Float64Array(10), 3), { name: 'RangeError', argument: 'confusionPerImage' });
  assert.throws(() => metrics.selectMostAccurateHardImages(new Float64Array(3), new Float64Array(2), 1), {
    name: 'RangeError',
    argument: 'accuracy',
  });
  assert.throws(() => metrics.precisionRecallCurve(labels, scores, shape, { thresholds: 1 }), {
    name: 'RangeError',
    argument: 'options.thresholds',
  });
});

test('a label >= classes names the argument and its index', () => {
  const truth = Uint8Array.from([0, 1, 2, 0, 1, 2, 0, 0]);
  const predicted = Uint8Array.from([0, 1, 2, 0, 1, 7, 0, 3]);
  assert.throws(() => metrics.confusionMatrix(truth, predicted, shape), {
    name: 'RangeError',
    argument: 'predictedLabels',
    index: 5,
    message: 'predictedLabels[5] = 7 is not a class index (classes = 3)',
  });
  assert.throws(() => metrics.confusionMatrix(predicted, truth, shape), { argument: 'trueLabels', index: 5 });
  assert.throws(() => metrics.hardnessPerImage(predicted, shape), { argument: 'labels', index: 5 });
  assert.throws(() => metrics.confusionMatrixFromProbabilities(predicted, scores, shape), { argument: 'trueLabels', index: 5 });
});

test('NaN probabilities name their flat index', () => {
  const nan = new Float32Array(24);
  nan[17] = Number.NaN;
  assert.throws(() => metrics.confusionMatrixFromProbabilities(labels, nan, shape), {
    name: 'RangeError',
    argument: 'probabilities',
    index: 17,
    message: 'probabilities[17] is NaN',
  });
  assert.throws(() => metrics.precisionRecallCurve(labels, nan, shape), { argument: 'probabilities', index: 17 });
  assert.throws(() => metrics.selectMostAccurateHardImages(Float64Array.from([0.1, Number.NaN]), new Float64Array(2), 1), {
    argument: 'hardness',
    index: 1,
  });
});
