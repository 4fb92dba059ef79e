// Segmentation-metrics benchmark on a validation set like the study's: 261 patches of 256×256, 6 classes.
// Native sync (one core), native async (2 threads), the TypeScript twin and tfjs (cpu backend), in
// Mpixel/s and GB/s read, against a memcpy-like copy of the same bytes (TypedArray.prototype.set, the
// physical limit of one core streaming those bytes) measured in the same run.
//
// Run: `node --import tsx bench/metrics.ts` (or through `npm run bench`).
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';

import * as metrics from '../src/metrics/index.js';
import { typescriptMetrics } from '../src/metrics/index.js';

const IMAGES = 261;
const SIDE = 256;
const CLASSES = 6;
const TFJS_IMAGES = 8; // tfjs's cpu backend needs seconds per patch batch; it runs on the first 8 patches
const THREADS = 2;

interface Measure {
  label: string;
  seconds: number;
  pixels: number;
  bytesRead: number;
}

/** Best wall time of `repeats` runs after one warm-up (the minimum is the least disturbed run). */
async function best(repeats: number, run: () => unknown): Promise<number> {
  await run();
  let fastest = Infinity;
  for (let r = 0; r < repeats; r++) {
    const started = process.hrtime.bigint();
    await run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return fastest;
}

/** A validation set with blocky ground truth, 90 % right predictions, and softmax-like probabilities. */
function validationSet(): { trueLabels: Uint8Array; predictedLabels: Uint8Array; probabilities: Float32Array } {
  const pixels = IMAGES * SIDE * SIDE;
  const trueLabels = new Uint8Array(pixels);
  const predictedLabels = new Uint8Array(pixels);
  const probabilities = new Float32Array(pixels * CLASSES);
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

function copyBaseline(bytes: number): Promise<number> {
  const source = new Uint8Array(bytes).fill(1);
  const target = new Uint8Array(bytes);
  return best(5, () => target.set(source));
}

async function tfjsRows(data: ReturnType<typeof validationSet>): Promise<{ fromLabels: Measure; fromProbabilities: Measure } | string> {
  let tf: typeof import('@tensorflow/tfjs');
  try {
    tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
  } catch (error) {
    return `tfjs unavailable: ${(error as Error).message}`;
  }
  const pixels = TFJS_IMAGES * SIDE * SIDE;
  const truth = data.trueLabels.subarray(0, pixels);
  const predicted = data.predictedLabels.subarray(0, pixels);
  const scores = data.probabilities.subarray(0, pixels * CLASSES);
  // The int32 conversion and tensor creation are part of using tfjs from typed arrays, so they are timed.
  const fromLabels = await best(2, () =>
    tf.tidy(() => {
      const matrix = tf.math.confusionMatrix(
        tf.tensor1d(Int32Array.from(truth), 'int32'),
        tf.tensor1d(Int32Array.from(predicted), 'int32'),
        CLASSES,
      );
      return matrix.dataSync();
    }),
  );
  const fromProbabilities = await best(2, () =>
    tf.tidy(() => {
      const argmax = tf
        .tensor4d(scores, [TFJS_IMAGES, SIDE, SIDE, CLASSES])
        .argMax(-1)
        .reshape([pixels]) as import('@tensorflow/tfjs').Tensor1D;
      const matrix = tf.math.confusionMatrix(tf.tensor1d(Int32Array.from(truth), 'int32'), argmax, CLASSES);
      return matrix.dataSync();
    }),
  );
  return {
    fromLabels: { label: `tfjs cpu (${TFJS_IMAGES} patches)`, seconds: fromLabels, pixels, bytesRead: 2 * pixels },
    fromProbabilities: {
      label: `tfjs cpu (${TFJS_IMAGES} patches)`,
      seconds: fromProbabilities,
      pixels,
      bytesRead: pixels * (1 + 4 * CLASSES),
    },
  };
}

const mpixels = (m: Measure): number => m.pixels / m.seconds / 1e6;
const gbPerSecond = (m: Measure): number => m.bytesRead / m.seconds / 1e9;
const pad = (text: string, width: number): string => text.padStart(width);

function printTable(title: string, rows: Measure[], copy: Measure, twin: Measure, tfjs: Measure | undefined): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(
    `${'implementation'.padEnd(30)}${pad('Mpixel/s', 10)}${pad('GB/s read', 11)}${pad('x copy BW', 11)}${pad('x TS twin', 11)}${pad('x tfjs', 10)}\n`,
  );
  for (const row of [copy, ...rows]) {
    const versusTfjs = tfjs === undefined ? '-' : `${(mpixels(row) / mpixels(tfjs)).toFixed(1)}`;
    process.stdout.write(
      `${row.label.padEnd(30)}${pad(mpixels(row).toFixed(0), 10)}${pad(gbPerSecond(row).toFixed(2), 11)}` +
        `${pad((gbPerSecond(row) / gbPerSecond(copy)).toFixed(2), 11)}${pad((mpixels(row) / mpixels(twin)).toFixed(1), 11)}${pad(versusTfjs, 10)}\n`,
    );
  }
}

/** Runs the benchmark and prints its tables and the targets' status. */
export async function run(): Promise<void> {
  const shape = { images: IMAGES, height: SIDE, width: SIDE, classes: CLASSES };
  const pixels = IMAGES * SIDE * SIDE;
  process.stdout.write(
    `validation set: ${IMAGES} patches of ${SIDE}x${SIDE}, ${CLASSES} classes (${(pixels / 1e6).toFixed(1)} Mpixel); ` +
      `${availableParallelism()} CPUs; async runs on ${THREADS} threads; best of 5 (TS twin: 2, tfjs: 2)\n`,
  );
  const data = validationSet();
  const { trueLabels, predictedLabels, probabilities } = data;
  const probabilityBytes = pixels * (1 + 4 * CLASSES);
  const measure = async (label: string, repeats: number, bytesRead: number, call: () => unknown): Promise<Measure> => ({
    label,
    seconds: await best(repeats, call),
    pixels,
    bytesRead,
  });
  const copyOf = async (bytes: number): Promise<Measure> => ({
    label: 'copy of the same bytes',
    seconds: await copyBaseline(bytes),
    pixels,
    bytesRead: bytes,
  });
  const tfjs = await tfjsRows(data);
  if (typeof tfjs === 'string') process.stdout.write(`${tfjs}\n`);
  const tfjsOf = (key: 'fromLabels' | 'fromProbabilities'): Measure[] => (typeof tfjs === 'string' ? [] : [tfjs[key]]);
  const threads = { threads: THREADS };

  const histogram = [
    await measure('native sync (1 core)', 5, pixels, () => metrics.classHistogram(trueLabels, shape)),
    await measure(`native async (${THREADS} threads)`, 5, pixels, () => metrics.classHistogramAsync(trueLabels, shape, threads)),
    await measure('TypeScript twin', 2, pixels, () => typescriptMetrics.classHistogram(trueLabels, shape)),
  ];
  printTable('class histogram per image, from labels', histogram, await copyOf(pixels), histogram[2], undefined);

  const fromLabels = [
    await measure('native sync (1 core)', 5, 2 * pixels, () => metrics.confusionMatrix(trueLabels, predictedLabels, shape)),
    await measure(`native async (${THREADS} threads)`, 5, 2 * pixels, () =>
      metrics.confusionMatrixAsync(trueLabels, predictedLabels, shape, threads),
    ),
    await measure('TypeScript twin', 2, 2 * pixels, () => typescriptMetrics.confusionMatrix(trueLabels, predictedLabels, shape)),
    ...tfjsOf('fromLabels'),
  ];
  printTable('confusion matrices (total + per image), from labels', fromLabels, await copyOf(2 * pixels), fromLabels[2], fromLabels[3]);

  const fromProbabilities = [
    await measure('native sync (1 core)', 5, probabilityBytes, () =>
      metrics.confusionMatrixFromProbabilities(trueLabels, probabilities, shape),
    ),
    await measure(`native async (${THREADS} threads)`, 5, probabilityBytes, () =>
      metrics.confusionMatrixFromProbabilitiesAsync(trueLabels, probabilities, shape, threads),
    ),
    await measure('TypeScript twin', 2, probabilityBytes, () =>
      typescriptMetrics.confusionMatrixFromProbabilities(trueLabels, probabilities, shape),
    ),
    ...tfjsOf('fromProbabilities'),
  ];
  const probabilityCopy = await copyOf(probabilityBytes);
  printTable(
    'confusion matrices from probabilities (argmax in the kernel)',
    fromProbabilities,
    probabilityCopy,
    fromProbabilities[2],
    fromProbabilities[3],
  );

  const curves = [
    await measure('native sync (1 core)', 5, probabilityBytes, () => metrics.precisionRecallCurve(trueLabels, probabilities, shape)),
    await measure(`native async (${THREADS} threads)`, 5, probabilityBytes, () =>
      metrics.precisionRecallCurveAsync(trueLabels, probabilities, shape, threads),
    ),
    await measure('TypeScript twin', 2, probabilityBytes, () => typescriptMetrics.precisionRecallCurve(trueLabels, probabilities, shape)),
  ];
  printTable('precision-recall curves, 101 thresholds, every class', curves, probabilityCopy, curves[2], undefined);

  const check = (ok: boolean, text: string): void => {
    process.stdout.write(`${ok ? 'met    ' : 'MISSED '} ${text}\n`);
  };
  const ratio = (a: Measure, b: Measure): number => mpixels(a) / mpixels(b);
  process.stdout.write('\ntargets\n');
  check(
    ratio(fromLabels[0], fromLabels[2]) >= 5,
    `native >= 5x TS twin, confusion from labels: ${ratio(fromLabels[0], fromLabels[2]).toFixed(1)}x`,
  );
  check(
    ratio(fromProbabilities[0], fromProbabilities[2]) >= 5,
    `native >= 5x TS twin, from probabilities: ${ratio(fromProbabilities[0], fromProbabilities[2]).toFixed(1)}x`,
  );
  check(ratio(histogram[0], histogram[2]) >= 5, `native >= 5x TS twin, histogram: ${ratio(histogram[0], histogram[2]).toFixed(1)}x`);
  check(ratio(curves[0], curves[2]) >= 5, `native >= 5x TS twin, precision-recall: ${ratio(curves[0], curves[2]).toFixed(1)}x`);
  if (fromLabels[3] !== undefined && fromProbabilities[3] !== undefined) {
    check(
      ratio(fromLabels[0], fromLabels[3]) >= 50,
      `native >= 50x tfjs, confusion from labels: ${ratio(fromLabels[0], fromLabels[3]).toFixed(0)}x`,
    );
    check(
      ratio(fromProbabilities[0], fromProbabilities[3]) >= 50,
      `native >= 50x tfjs, from probabilities: ${ratio(fromProbabilities[0], fromProbabilities[3]).toFixed(0)}x`,
    );
  }
  check(mpixels(histogram[0]) >= 2000, `from labels >= 2,000 Mpixel/s on one core, histogram: ${mpixels(histogram[0]).toFixed(0)}`);
  check(mpixels(fromLabels[0]) >= 2000, `from labels >= 2,000 Mpixel/s on one core, confusion: ${mpixels(fromLabels[0]).toFixed(0)}`);
  check(
    mpixels(fromProbabilities[0]) >= 200,
    `from probabilities >= 200 Mpixel/s on one core: ${mpixels(fromProbabilities[0]).toFixed(0)}`,
  );
  const share = gbPerSecond(fromProbabilities[0]) / gbPerSecond(probabilityCopy);
  check(share >= 0.25, `from probabilities >= 1/4 of the copy bandwidth: ${share.toFixed(2)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
