// Thousands of random shapes, types and values against every kernel: the addon must never crash, and
// must throw exactly what the TypeScript twin throws (class, message, argument, index) or return exactly
// what it returns.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import * as metrics from '../../src/metrics/index.js';
import { typescriptMetrics as twin } from '../../src/metrics/index.js';
import { errorSummary, thrown } from './helpers.js';

const ROUNDS = 4000;

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.int(values.length)];
}

function fuzzNumber(rng: Rng, typical: number): unknown {
  const roll = rng.random();
  if (roll < 0.8) return typical;
  return pick(rng, [0, -1, 1.5, 256, 255, Number.NaN, Infinity, 2 ** 53, '3', null, undefined, 3n, {}]);
}

function fuzzShape(rng: Rng): { shape: unknown; pixels: number; classes: number } {
  const images = rng.int(4);
  const height = 1 + rng.int(9);
  const width = 1 + rng.int(9);
  const classes = 1 + (rng.random() < 0.7 ? rng.int(8) : rng.int(255));
  if (rng.random() < 0.03) return { shape: pick(rng, [null, undefined, 5, 'shape', [], () => 0]), pixels: 0, classes };
  const shape = {
    images: fuzzNumber(rng, images),
    height: fuzzNumber(rng, height),
    width: fuzzNumber(rng, width),
    classes: fuzzNumber(rng, classes),
  };
  return { shape, pixels: images * height * width, classes };
}

function fuzzLength(rng: Rng, length: number): number {
  return rng.random() < 0.9 ? length : Math.max(0, length + rng.int(5) - 2);
}

function fuzzLabels(rng: Rng, length: number, classes: number): unknown {
  if (rng.random() < 0.04) return pick(rng, [new Int8Array(length), new Uint8ClampedArray(length), new Float32Array(length), [], null]);
  const labels = new Uint8Array(fuzzLength(rng, length));
  for (let i = 0; i < labels.length; i++) labels[i] = rng.int(classes);
  if (labels.length > 0 && rng.random() < 0.15) labels[rng.int(labels.length)] = classes + rng.int(256 - classes);
  return labels;
}

function fuzzScores(rng: Rng, length: number): unknown {
  if (rng.random() < 0.04) return pick(rng, [new Float64Array(length), new Uint8Array(length), undefined]);
  const scores = new Float32Array(fuzzLength(rng, length));
  for (let i = 0; i < scores.length; i++) scores[i] = rng.random() < 0.02 ? pick(rng, [Infinity, -Infinity, -0, 2, -1]) : rng.random();
  if (scores.length > 0 && rng.random() < 0.1) scores[rng.int(scores.length)] = Number.NaN;
  return scores;
}

function fuzzCounts(rng: Rng, length: number): unknown {
  if (rng.random() < 0.04) return pick(rng, [new Float32Array(length), null]);
  const counts = new Float64Array(fuzzLength(rng, length));
  for (let i = 0; i < counts.length; i++) counts[i] = rng.int(20);
  if (counts.length > 0 && rng.random() < 0.1) counts[rng.int(counts.length)] = pick(rng, [-1, Number.NaN, Infinity]);
  return counts;
}

function fuzzOptions(rng: Rng): unknown {
  const roll = rng.random();
  if (roll < 0.3) return undefined;
  if (roll < 0.35) return pick(rng, [null, 7, 'x']);
  return {
    threads: rng.random() < 0.8 ? 1 + rng.int(4) : pick(rng, [0, 257, 1.5, '2', undefined]),
    thresholds: rng.random() < 0.8 ? 2 + rng.int(30) : pick(rng, [1, 65537, 2.5, null, undefined]),
  };
}

function fuzzCall(rng: Rng): { name: string; args: unknown[] } {
  const { shape, pixels, classes } = fuzzShape(rng);
  switch (rng.int(7)) {
    case 0:
      return { name: pick(rng, ['classHistogram', 'hardnessPerImage']), args: [fuzzLabels(rng, pixels, classes), shape] };
    case 1:
      return { name: 'confusionMatrix', args: [fuzzLabels(rng, pixels, classes), fuzzLabels(rng, pixels, classes), shape] };
    case 2:
      return {
        name: 'confusionMatrixFromProbabilities',
        args: [fuzzLabels(rng, pixels, classes), fuzzScores(rng, pixels * classes), shape],
      };
    case 3:
      return {
        name: 'precisionRecallCurve',
        args: [fuzzLabels(rng, pixels, classes), fuzzScores(rng, pixels * classes), shape, fuzzOptions(rng)],
      };
    case 4:
      return { name: 'scoreConfusion', args: [fuzzCounts(rng, classes * classes), fuzzNumber(rng, classes)] };
    case 5:
      return { name: 'pixelAccuracyPerImage', args: [fuzzCounts(rng, rng.int(4) * classes * classes), fuzzNumber(rng, classes)] };
    default: {
      const n = rng.int(12);
      const values = () =>
        rng.random() < 0.05
          ? null
          : Float64Array.from({ length: fuzzLength(rng, n) }, () => (rng.random() < 0.02 ? Number.NaN : rng.random()));
      return { name: 'selectMostAccurateHardImages', args: [values(), values(), fuzzNumber(rng, rng.int(n + 2)), fuzzNumber(rng, 0.4)] };
    }
  }
}

test(`fuzz: ${ROUNDS} random calls, sync kernels throw or return exactly what the twin does`, () => {
  const rng = new Rng(2024);
  let errors = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { name, args } = fuzzCall(rng);
    const native = (metrics as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    const reference = (twin as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    let nativeResult: unknown;
    let referenceResult: unknown;
    const nativeError = thrown(() => (nativeResult = native(...args)));
    const referenceError = thrown(() => (referenceResult = reference(...args)));
    assert.deepStrictEqual(errorSummary(nativeError), errorSummary(referenceError), `round ${round}: ${name}`);
    if (nativeError === undefined) assert.deepStrictEqual(nativeResult, referenceResult, `round ${round}: ${name}`);
    else errors++;
  }
  // Both outcomes must be well represented for the test to mean something.
  assert.ok(errors > ROUNDS / 5 && errors < (ROUNDS * 4) / 5, `${errors} errors in ${ROUNDS} rounds`);
});

test('fuzz: async kernels reject or resolve exactly as the twin', async () => {
  const rng = new Rng(77);
  const asyncNames: Record<string, string> = {
    classHistogram: 'classHistogramAsync',
    hardnessPerImage: 'hardnessPerImageAsync',
    confusionMatrix: 'confusionMatrixAsync',
    confusionMatrixFromProbabilities: 'confusionMatrixFromProbabilitiesAsync',
    precisionRecallCurve: 'precisionRecallCurveAsync',
  };
  let rounds = 0;
  while (rounds < 600) {
    const { name, args } = fuzzCall(rng);
    const asyncName = asyncNames[name];
    if (asyncName === undefined) continue;
    rounds++;
    if (name !== 'precisionRecallCurve') args.push(fuzzOptions(rng));
    const settle = async (api: unknown) => {
      try {
        return { value: await (api as Record<string, (...a: unknown[]) => Promise<unknown>>)[asyncName](...args) };
      } catch (error) {
        return { error: errorSummary(error) };
      }
    };
    assert.deepStrictEqual(await settle(metrics), await settle(twin), `round ${rounds}: ${asyncName}`);
  }
});
