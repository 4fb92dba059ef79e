// Thousands of random shapes, types and values against every kernel: the addon must never crash, and
// must throw exactly what the TypeScript twin throws (class, message, argument, index) or return exactly
// what it returns; then every SIMD path against the scalar one. `npm run test:sanitize` runs this file
// against an AddressSanitizer + UndefinedBehaviorSanitizer build of the addon (native/sanitize.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import * as metrics from '../../src/metrics/index.js';
import { type PixelShape, typescriptMetrics as twin } from '../../src/metrics/index.js';
import { nativeMetrics } from '../../src/metrics/native.js';
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

// Every SIMD path against the scalar one (and the scalar one against the twin), on inputs sized and
// shaped for the vector code: pixel counts around the vector widths (16, 32, 64), the 512-pixel mask
// groups and the 16,320-pixel blocks; runs long enough to fill byte counters (255 per lane); every
// class count that has its own template (1-16) and the fallbacks above; ties, signed zeros and
// infinities among scores; a bad label or a NaN placed anywhere (the error must name the same index).
const simd = nativeMetrics().simd;
const SIMD_ROUNDS = 114; // 6 cases for each class count
const SIZES = [1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 511, 512, 513, 1000, 4096, 16319, 16320, 16321, 16384, 32641, 40000];
const CLASS_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 24, 64, 255];

function simdCase(
  rng: Rng,
  round: number,
): { shape: PixelShape; trueLabels: Uint8Array; predictedLabels: Uint8Array; probabilities: Float32Array } {
  const classes = CLASS_COUNTS[round % CLASS_COUNTS.length];
  const size = Math.max(1, pick(rng, SIZES) + (rng.random() < 0.3 ? rng.int(5) - 2 : 0));
  const images = 1 + rng.int(2);
  const width = rng.random() < 0.5 ? size : Math.max(1, Math.round(Math.sqrt(size)));
  const height = Math.max(1, Math.round(size / width));
  const shape = { images, height, width, classes };
  const pixels = images * height * width;
  const trueLabels = new Uint8Array(pixels);
  const predictedLabels = new Uint8Array(pixels);
  const probabilities = new Float32Array(pixels * classes);
  const pattern = rng.int(4); // 0 random, 1 one label throughout, 2 long runs, 3 prediction = truth
  const constant = rng.int(classes);
  let run = rng.int(classes);
  for (let i = 0; i < pixels; i++) {
    if (pattern === 2 && rng.random() < 0.0005) run = rng.int(classes);
    const truth = pattern === 0 ? rng.int(classes) : pattern === 1 ? constant : run;
    trueLabels[i] = truth;
    predictedLabels[i] = pattern === 3 || pattern === 1 ? truth : rng.int(classes);
  }
  const quantized = rng.random() < 0.5; // eighths: ties between classes are common
  for (let i = 0; i < probabilities.length; i++) {
    probabilities[i] = quantized ? rng.int(8) / 8 : rng.random();
    if (rng.random() < 0.002) probabilities[i] = pick(rng, [Infinity, -Infinity, -0, 0, -1, 3.5e38, 1e-45]);
  }
  // About a third of the cases carry a bad value.
  if (rng.random() < 0.15) trueLabels[rng.int(pixels)] = classes + rng.int(256 - classes);
  if (rng.random() < 0.1) predictedLabels[rng.int(pixels)] = classes + rng.int(256 - classes);
  if (rng.random() < 0.1) probabilities[rng.int(probabilities.length)] = Number.NaN;
  return { shape, trueLabels, predictedLabels, probabilities };
}

/** Each pixel kernel's outcome ({value} or {error}) on one case, with the active SIMD path. */
function outcomes(api: Record<string, (...args: unknown[]) => unknown>, c: ReturnType<typeof simdCase>): unknown[] {
  const calls: unknown[][] = [
    ['classHistogram', c.trueLabels, c.shape],
    ['hardnessPerImage', c.predictedLabels, c.shape],
    ['confusionMatrix', c.trueLabels, c.predictedLabels, c.shape],
    ['confusionMatrixFromProbabilities', c.trueLabels, c.probabilities, c.shape],
    ['precisionRecallCurve', c.trueLabels, c.probabilities, c.shape, { thresholds: 11 }],
  ];
  return calls.map(([name, ...args]) => {
    try {
      return { value: api[name as string](...args) };
    } catch (error) {
      return { error: errorSummary(error) };
    }
  });
}

for (const path of simd.paths().filter((p) => p.name !== 'scalar')) {
  test(`fuzz: the ${path.name} path returns and throws exactly what the scalar path does`, {
    skip: path.supported ? false : `${path.name} path not run: ${path.reason}`,
  }, () => {
    const rng = new Rng(9000 + path.name.length);
    const api = metrics as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = simd.active();
    try {
      for (let round = 0; round < SIMD_ROUNDS; round++) {
        const c = simdCase(rng, round);
        simd.use('scalar');
        const scalar = outcomes(api, c);
        const sums = [
          nativeMetrics().sumUint8(c.trueLabels),
          nativeMetrics().sumFloat32(c.probabilities.map((v) => (Number.isFinite(v) ? v : 0))),
        ];
        simd.use(path.name);
        const label = `round ${round}: ${JSON.stringify(c.shape)}`;
        assert.deepStrictEqual(outcomes(api, c), scalar, label);
        assert.equal(nativeMetrics().sumUint8(c.trueLabels), sums[0], label);
        // Float sums round differently with different lane counts; they only need to be close.
        const floatSum = nativeMetrics().sumFloat32(c.probabilities.map((v) => (Number.isFinite(v) ? v : 0)));
        assert.ok(Math.abs(floatSum - sums[1]) <= 1e-3 * Math.max(1, Math.abs(sums[1])), `${label}: ${floatSum} vs ${sums[1]}`);
      }
    } finally {
      simd.use(original);
    }
  });
}

test('fuzz: the scalar path on the same vector-sized inputs returns and throws exactly what the twin does', () => {
  const rng = new Rng(4242);
  const original = simd.active();
  try {
    simd.use('scalar');
    for (let round = 0; round < CLASS_COUNTS.length * 2; round++) {
      const c = simdCase(rng, round);
      assert.deepStrictEqual(
        outcomes(metrics as unknown as Record<string, (...args: unknown[]) => unknown>, c),
        outcomes(twin as unknown as Record<string, (...args: unknown[]) => unknown>, c),
        `round ${round}: ${JSON.stringify(c.shape)}`,
      );
    }
  } finally {
    simd.use(original);
  }
});
