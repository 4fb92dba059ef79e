// Segmentation-metrics benchmark on a validation set like the study's: 261 patches of 256×256, 6 classes
// (17.1 Mpixel). For each kernel, in one run: the addon on one thread (the sync call, once per SIMD path
// this CPU has, the best path first) and on two (the async call), the plain JavaScript loop a user would
// write, and the streaming-read limit of one core measured here (the addon summing the same uint8 and
// float32 buffers the kernel reads, doing nothing else). Rounds interleave every variant, so a noisy
// neighbour slows all of them alike, and each starts with its inputs out of the caches (read from
// memory, like the limit); the table gives the best round, the median and the spread.
//
// Run: `npm run bench metrics` (or `node --import tsx bench/metrics.ts [--quick]`).
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';

import * as metrics from '../src/metrics/index.js';
import { nativeMetrics } from '../src/metrics/native.js';

const IMAGES = 261;
const SIDE = 256;
const CLASSES = 6;
const PIXELS = IMAGES * SIDE * SIDE;
const THRESHOLDS = 101;

interface ValidationSet {
  trueLabels: Uint8Array;
  predictedLabels: Uint8Array;
  probabilities: Float32Array;
}

/** Blocky ground truth (8×8 regions of 32×32 pixels), 90 % right predictions, softmax-like probabilities. */
function validationSet(): ValidationSet {
  const trueLabels = new Uint8Array(PIXELS);
  const predictedLabels = new Uint8Array(PIXELS);
  const probabilities = new Float32Array(PIXELS * CLASSES);
  let state = 0x2545f491;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  for (let image = 0; image < IMAGES; image++) {
    const regionClass = Array.from({ length: 64 }, () => Math.floor(next() * CLASSES));
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const i = (image * SIDE + y) * SIDE + x;
        const truth = regionClass[(y >> 5) * 8 + (x >> 5)];
        const predicted = next() < 0.9 ? truth : Math.floor(next() * CLASSES);
        trueLabels[i] = truth;
        predictedLabels[i] = predicted;
        let sum = 0;
        for (let c = 0; c < CLASSES; c++) {
          const score = next() + (c === predicted ? 2 : 0);
          probabilities[i * CLASSES + c] = score;
          sum += score;
        }
        for (let c = 0; c < CLASSES; c++) probabilities[i * CLASSES + c] /= sum;
      }
    }
  }
  return { trueLabels, predictedLabels, probabilities };
}

// The plain loops: what a user without the addon writes, same outputs (per image and in total), no
// argument checks. Int32 counters, the fastest counters a JavaScript engine has.
const PIXELS_PER_IMAGE = SIDE * SIDE;

function plainHistogram(labels: Uint8Array): { perImage: Int32Array; total: Int32Array } {
  const perImage = new Int32Array(IMAGES * CLASSES);
  const total = new Int32Array(CLASSES);
  for (let image = 0; image < IMAGES; image++) {
    const counts = perImage.subarray(image * CLASSES, (image + 1) * CLASSES);
    const end = (image + 1) * PIXELS_PER_IMAGE;
    for (let i = image * PIXELS_PER_IMAGE; i < end; i++) counts[labels[i]]++;
    for (let c = 0; c < CLASSES; c++) total[c] += counts[c];
  }
  return { perImage, total };
}

function plainConfusion(truth: Uint8Array, predicted: Uint8Array): { perImage: Int32Array; total: Int32Array } {
  const cells = CLASSES * CLASSES;
  const perImage = new Int32Array(IMAGES * cells);
  const total = new Int32Array(cells);
  for (let image = 0; image < IMAGES; image++) {
    const counts = perImage.subarray(image * cells, (image + 1) * cells);
    const end = (image + 1) * PIXELS_PER_IMAGE;
    for (let i = image * PIXELS_PER_IMAGE; i < end; i++) counts[truth[i] * CLASSES + predicted[i]]++;
    for (let cell = 0; cell < cells; cell++) total[cell] += counts[cell];
  }
  return { perImage, total };
}

function plainConfusionFromProbabilities(truth: Uint8Array, scores: Float32Array): { perImage: Int32Array; total: Int32Array } {
  const cells = CLASSES * CLASSES;
  const perImage = new Int32Array(IMAGES * cells);
  const total = new Int32Array(cells);
  for (let image = 0; image < IMAGES; image++) {
    const counts = perImage.subarray(image * cells, (image + 1) * cells);
    const end = (image + 1) * PIXELS_PER_IMAGE;
    for (let i = image * PIXELS_PER_IMAGE; i < end; i++) {
      const base = i * CLASSES;
      let best = scores[base];
      let predicted = 0;
      for (let c = 1; c < CLASSES; c++) {
        if (scores[base + c] > best) {
          best = scores[base + c];
          predicted = c;
        }
      }
      counts[truth[i] * CLASSES + predicted]++;
    }
    for (let cell = 0; cell < cells; cell++) total[cell] += counts[cell];
  }
  return { perImage, total };
}

function plainPrecisionRecallHistograms(truth: Uint8Array, scores: Float32Array): { all: Int32Array; positives: Int32Array } {
  const top = THRESHOLDS - 1;
  const all = new Int32Array(CLASSES * THRESHOLDS);
  const positives = new Int32Array(CLASSES * THRESHOLDS);
  for (let i = 0; i < PIXELS; i++) {
    const base = i * CLASSES;
    for (let c = 0; c < CLASSES; c++) all[c * THRESHOLDS + Math.floor(Math.min(Math.max(scores[base + c] * top, 0), top))]++;
    const t = truth[i];
    positives[t * THRESHOLDS + Math.floor(Math.min(Math.max(scores[base + t] * top, 0), top))]++;
  }
  return { all, positives };
}

interface Variant {
  label: string;
  run: () => unknown;
  simdPath?: string;
}

interface Kernel {
  title: string;
  variants: Variant[];
  plainLabel: string;
  /** Seconds of the streaming-read limit: the sums of the buffers this kernel reads. */
  limitParts: string[];
}

const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const gpx = (time: number): number => PIXELS / time / 1e9;

/** Runs the benchmark and prints its tables and the targets with their status. */
export async function run(options: { quick?: boolean } = {}): Promise<void> {
  const rounds = options.quick ? 3 : 9;
  const addon = nativeMetrics();
  const paths = addon.simd
    .paths()
    .filter((path) => path.supported)
    .map((path) => path.name)
    .reverse();
  const originalPath = addon.simd.active();
  const shape = { images: IMAGES, height: SIDE, width: SIDE, classes: CLASSES };
  const data = validationSet();
  const { trueLabels, predictedLabels, probabilities } = data;
  const twoThreads = { threads: 2 };
  process.stdout.write(
    `validation set: ${IMAGES} patches of ${SIDE}x${SIDE}, ${CLASSES} classes (${(PIXELS / 1e6).toFixed(1)} Mpixel); ` +
      `${availableParallelism()} CPUs; SIMD paths here: ${paths.join(', ')} (active: ${originalPath}); ${rounds} rounds\n`,
  );

  // Plain loops must compute what the addon does: checked once, before timing.
  const check = (plain: { total: Int32Array }, native: { total: Float64Array }, name: string): void => {
    if (Array.from(plain.total).join() !== Array.from(native.total).join()) throw new Error(`plain loop disagrees with the addon: ${name}`);
  };
  check(plainHistogram(trueLabels), metrics.classHistogram(trueLabels, shape), 'histogram');
  check(plainConfusion(trueLabels, predictedLabels), metrics.confusionMatrix(trueLabels, predictedLabels, shape), 'confusion');
  check(
    plainConfusionFromProbabilities(trueLabels, probabilities),
    metrics.confusionMatrixFromProbabilities(trueLabels, probabilities, shape),
    'confusion from probabilities',
  );

  const perPath = (call: () => unknown): Variant[] =>
    paths.map((path) => ({ label: `addon, 1 thread, ${path}`, run: call, simdPath: path }));
  const kernels: Kernel[] = [
    {
      title: 'class histogram per image, from labels (1 byte/pixel)',
      variants: [
        ...perPath(() => metrics.classHistogram(trueLabels, shape)),
        { label: 'addon, 2 threads', run: () => metrics.classHistogramAsync(trueLabels, shape, twoThreads) },
        { label: 'plain JavaScript loop', run: () => plainHistogram(trueLabels) },
      ],
      plainLabel: 'plain JavaScript loop',
      limitParts: ['u8'],
    },
    {
      title: 'confusion matrices per image, from labels (2 bytes/pixel)',
      variants: [
        ...perPath(() => metrics.confusionMatrix(trueLabels, predictedLabels, shape)),
        { label: 'addon, 2 threads', run: () => metrics.confusionMatrixAsync(trueLabels, predictedLabels, shape, twoThreads) },
        { label: 'plain JavaScript loop', run: () => plainConfusion(trueLabels, predictedLabels) },
      ],
      plainLabel: 'plain JavaScript loop',
      limitParts: ['u8', 'u8'],
    },
    {
      title: `confusion matrices per image, from probabilities (argmax; ${1 + 4 * CLASSES} bytes/pixel)`,
      variants: [
        ...perPath(() => metrics.confusionMatrixFromProbabilities(trueLabels, probabilities, shape)),
        {
          label: 'addon, 2 threads',
          run: () => metrics.confusionMatrixFromProbabilitiesAsync(trueLabels, probabilities, shape, twoThreads),
        },
        { label: 'plain JavaScript loop', run: () => plainConfusionFromProbabilities(trueLabels, probabilities) },
      ],
      plainLabel: 'plain JavaScript loop',
      limitParts: ['u8', 'f32'],
    },
    {
      title: `precision-recall curves, ${THRESHOLDS} thresholds, every class (${1 + 4 * CLASSES} bytes/pixel)`,
      variants: [
        { label: 'addon, 1 thread', run: () => metrics.precisionRecallCurve(trueLabels, probabilities, shape) },
        { label: 'addon, 2 threads', run: () => metrics.precisionRecallCurveAsync(trueLabels, probabilities, shape, twoThreads) },
        { label: 'plain JavaScript loop (histograms only)', run: () => plainPrecisionRecallHistograms(trueLabels, probabilities) },
      ],
      plainLabel: 'plain JavaScript loop (histograms only)',
      limitParts: ['u8', 'f32'],
    },
  ];

  // Streaming-read limit: the addon's sums with the best path, over the very buffers the kernels read.
  const limitVariants: Variant[] = [
    { label: 'sum u8', run: () => addon.sumUint8(trueLabels), simdPath: paths[0] },
    { label: 'sum f32', run: () => addon.sumFloat32(probabilities), simdPath: paths[0] },
  ];
  const times = new Map<Variant, number[]>();
  const all = [...limitVariants, ...kernels.flatMap((kernel) => kernel.variants)];
  for (const variant of all) times.set(variant, []);
  // Every call starts with its inputs out of the caches (the labels, 17 MB, would otherwise sit in a
  // 32 MB L3 for whichever variant runs after another one that read them): reading this evicts them.
  const evictor = new Uint8Array(96 * 2 ** 20).fill(1);
  for (let round = -1; round < rounds; round++) {
    for (const variant of all) {
      addon.simd.use(variant.simdPath ?? paths[0]);
      addon.sumUint8(evictor);
      const started = process.hrtime.bigint();
      await variant.run();
      if (round >= 0) times.get(variant)!.push(seconds(started)); // round -1 warms up
    }
  }
  addon.simd.use(originalPath);

  const bestOf = (variant: Variant): number => Math.min(...times.get(variant)!);
  const u8Seconds = bestOf(limitVariants[0]);
  const f32Seconds = bestOf(limitVariants[1]);
  const gbPerSecond = (bytes: number, roundSeconds: number[]): string =>
    `${(bytes / Math.min(...roundSeconds) / 1e9).toFixed(1)} GB/s (spread ${(bytes / Math.max(...roundSeconds) / 1e9).toFixed(1)}-${(bytes / Math.min(...roundSeconds) / 1e9).toFixed(1)})`;
  process.stdout.write(
    `\nstreaming-read limit of one core (addon sums, ${paths[0]}): uint8 ${gbPerSecond(PIXELS, times.get(limitVariants[0])!)}, ` +
      `float32 ${gbPerSecond(4 * CLASSES * PIXELS, times.get(limitVariants[1])!)}\n`,
  );

  const summary = new Map<string, { best: number; plain: number; limit: number; twoThreads: number }>();
  for (const kernel of kernels) {
    const limitSeconds = kernel.limitParts.reduce((sum, part) => sum + (part === 'u8' ? u8Seconds : f32Seconds), 0);
    const plain = kernel.variants.find((variant) => variant.label === kernel.plainLabel)!;
    process.stdout.write(`\n${kernel.title}\n`);
    process.stdout.write(
      `${'implementation'.padEnd(42)}${'Gpx/s'.padStart(8)}${'median'.padStart(8)}${'spread'.padStart(12)}` +
        `${'x plain'.padStart(9)}${'x limit'.padStart(9)}\n`,
    );
    process.stdout.write(`${'streaming-read limit (1 core)'.padEnd(42)}${gpx(limitSeconds).toFixed(2).padStart(8)}\n`);
    for (const variant of kernel.variants) {
      const best = gpx(bestOf(variant));
      process.stdout.write(
        `${variant.label.padEnd(42)}${best.toFixed(2).padStart(8)}${gpx(median(times.get(variant)!))
          .toFixed(2)
          .padStart(8)}` +
          `${spread(times.get(variant)!).padStart(12)}${(best / gpx(bestOf(plain))).toFixed(1).padStart(9)}` +
          `${(best / gpx(limitSeconds)).toFixed(2).padStart(9)}\n`,
      );
    }
    summary.set(kernel.title, {
      best: gpx(bestOf(kernel.variants[0])),
      plain: gpx(bestOf(plain)),
      limit: gpx(limitSeconds),
      twoThreads: gpx(bestOf(kernel.variants.find((variant) => variant.label === 'addon, 2 threads')!)),
    });
  }

  const [histogram, fromLabels, fromProbabilities] = kernels.map((kernel) => summary.get(kernel.title)!);
  const target = (ok: boolean, text: string): void => {
    process.stdout.write(`${ok ? 'met    ' : 'MISSED '} ${text}\n`);
  };
  process.stdout.write('\ntargets (issue 15; one core = the sync call with the best SIMD path, best round)\n');
  target(fromLabels.best >= 8, `confusion from labels >= 8 Gpx/s on one core: ${fromLabels.best.toFixed(2)}`);
  target(histogram.best >= 8, `class histogram from labels >= 8 Gpx/s on one core: ${histogram.best.toFixed(2)}`);
  target(fromProbabilities.best >= 1, `confusion from probabilities >= 1 Gpx/s on one core: ${fromProbabilities.best.toFixed(2)}`);
  target(
    fromLabels.best >= 4 * fromLabels.plain,
    `confusion from labels >= 4x the plain loop: ${(fromLabels.best / fromLabels.plain).toFixed(1)}x`,
  );
  target(
    histogram.best >= 4 * histogram.plain,
    `class histogram from labels >= 4x the plain loop: ${(histogram.best / histogram.plain).toFixed(1)}x`,
  );
  target(
    fromProbabilities.best >= 3 * fromProbabilities.plain,
    `confusion from probabilities >= 3x the plain loop: ${(fromProbabilities.best / fromProbabilities.plain).toFixed(1)}x`,
  );
  process.stdout.write(
    `one core's share of its streaming-read limit: histogram ${(histogram.best / histogram.limit).toFixed(2)}, ` +
      `from labels ${(fromLabels.best / fromLabels.limit).toFixed(2)}, from probabilities ${(fromProbabilities.best / fromProbabilities.limit).toFixed(2)}\n`,
  );
}

/** min–max of a variant's rounds as Gpx/s. */
function spread(roundSeconds: number[]): string {
  return `${gpx(Math.max(...roundSeconds)).toFixed(2)}-${gpx(Math.min(...roundSeconds)).toFixed(2)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run({ quick: process.argv.includes('--quick') });
