// Shared by the metrics tests: seeded random batches and exact comparison of results.
import assert from 'node:assert/strict';

import type { Rng } from '../../src/core/rng.js';
import type { PixelShape } from '../../src/metrics/index.js';

export interface Batch {
  shape: PixelShape;
  trueLabels: Uint8Array;
  predictedLabels: Uint8Array;
  probabilities: Float32Array;
}

/**
 * A random batch: true labels in blocks (so some classes are empty and images uneven), predictions
 * right with probability `accuracy`, and probabilities whose argmax is the prediction except for ties
 * (quantized scores make ties and equal maxima common, to exercise the first-maximum rule).
 */
export function randomBatch(rng: Rng, shape: PixelShape, accuracy = 0.8): Batch {
  const pixels = shape.images * shape.height * shape.width;
  const { classes } = shape;
  const trueLabels = new Uint8Array(pixels);
  const predictedLabels = new Uint8Array(pixels);
  const probabilities = new Float32Array(pixels * classes);
  const usedClasses = 1 + rng.int(classes);
  let label = rng.int(usedClasses);
  for (let i = 0; i < pixels; i++) {
    if (rng.random() < 0.2) label = rng.int(usedClasses);
    trueLabels[i] = label;
    predictedLabels[i] = rng.random() < accuracy ? label : rng.int(classes);
    for (let c = 0; c < classes; c++) probabilities[i * classes + c] = Math.floor(rng.random() * 8) / 8;
  }
  return { shape, trueLabels, predictedLabels, probabilities };
}

/** Deep equality where NaN equals NaN and typed arrays must have the same type (assert.deepStrictEqual does both). */
export function assertSameResult(actual: unknown, expected: unknown, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** Runs `call` and returns what it threw (or undefined). */
export function thrown(call: () => unknown): unknown {
  try {
    call();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The fields of a metrics argument error that both implementations must agree on. */
export function errorSummary(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const details = error as Error & { code?: string; argument?: string; index?: number };
  return { name: error.name, message: error.message, code: details.code, argument: details.argument, index: details.index };
}
