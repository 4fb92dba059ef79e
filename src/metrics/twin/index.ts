/**
 * The TypeScript twin of every native metrics kernel: the same signatures, validation, errors and
 * results (bit-identical), in plain loops. Tests use it as the oracle; it is also usable where the
 * addon cannot be built, by choice (`typescriptMetrics`), never as a silent fallback.
 */
import type { AsyncMetricsOptions, ClassHistogram, ConfusionMatrices, PixelShape, PrecisionRecallCurve } from '../types.js';
import type { PrecisionRecallOptions } from '../types.js';
import { classHistogram, hardnessPerImage } from './class-histogram.js';
import { confusionMatrix, confusionMatrixFromProbabilities } from './confusion-matrix.js';
import { precisionRecallCurve } from './precision-recall.js';
import { pixelAccuracyPerImage, scoreConfusion } from './scores.js';
import { selectMostAccurateHardImages } from './selection.js';
import { readThreads } from './validate.js';

export { classHistogram, hardnessPerImage } from './class-histogram.js';
export { confusionMatrix, confusionMatrixFromProbabilities } from './confusion-matrix.js';
export { precisionRecallCurve } from './precision-recall.js';
export { pixelAccuracyPerImage, scoreConfusion } from './scores.js';
export { selectMostAccurateHardImages } from './selection.js';

// The async twins validate like the native ones (arguments, then options.threads, then the pixels) and
// run inline. The sync twins' last parameter is that hook; it is internal to the twin.
export async function classHistogramAsync(labels: Uint8Array, shape: PixelShape, options?: AsyncMetricsOptions): Promise<ClassHistogram> {
  return classHistogram(labels, shape, () => readThreads(options));
}

export async function hardnessPerImageAsync(labels: Uint8Array, shape: PixelShape, options?: AsyncMetricsOptions): Promise<Float64Array> {
  return hardnessPerImage(labels, shape, () => readThreads(options));
}

export async function confusionMatrixAsync(
  trueLabels: Uint8Array,
  predictedLabels: Uint8Array,
  shape: PixelShape,
  options?: AsyncMetricsOptions,
): Promise<ConfusionMatrices> {
  return confusionMatrix(trueLabels, predictedLabels, shape, () => readThreads(options));
}

export async function confusionMatrixFromProbabilitiesAsync(
  trueLabels: Uint8Array,
  probabilities: Float32Array,
  shape: PixelShape,
  options?: AsyncMetricsOptions,
): Promise<ConfusionMatrices> {
  return confusionMatrixFromProbabilities(trueLabels, probabilities, shape, () => readThreads(options));
}

export async function precisionRecallCurveAsync(
  trueLabels: Uint8Array,
  probabilities: Float32Array,
  shape: PixelShape,
  options?: PrecisionRecallOptions & AsyncMetricsOptions,
): Promise<PrecisionRecallCurve> {
  return precisionRecallCurve(trueLabels, probabilities, shape, options, () => readThreads(options));
}

/** All twins, with the same names as the native functions. */
export const typescriptMetrics = {
  classHistogram,
  classHistogramAsync,
  hardnessPerImage,
  hardnessPerImageAsync,
  confusionMatrix,
  confusionMatrixAsync,
  confusionMatrixFromProbabilities,
  confusionMatrixFromProbabilitiesAsync,
  precisionRecallCurve,
  precisionRecallCurveAsync,
  scoreConfusion,
  pixelAccuracyPerImage,
  selectMostAccurateHardImages,
};
