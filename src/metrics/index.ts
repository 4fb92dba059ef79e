/**
 * Segmentation metrics over every pixel of a batch, computed by the C++ addon (native/): class
 * histograms, confusion matrices (from labels or straight from probabilities), precision/recall/F1/IoU,
 * hardness and the hard-image selection, and precision–recall curves.
 *
 * Inputs are typed arrays read in place (no copy) with their shape given explicitly; bad arguments throw
 * (async variants: reject with) a `TypeError`/`RangeError` carrying `argument` and, for a bad label or a
 * NaN, `index` (see {@link MetricsArgumentError}). Sync variants run on the calling thread and suit small
 * inputs; async variants spread images over threads and never block the event loop. While an async call
 * runs, its input arrays must not be modified or transferred.
 *
 * The pixel kernels have scalar, AVX2 and AVX-512 variants that return identical results; the addon
 * uses the best one the CPU supports, capped by the environment variable `BANDSTER_SIMD`
 * (`scalar` | `avx2` | `avx512`). The TypeScript twin of every kernel is exported as {@link typescriptMetrics}.
 */
import { nativeMetrics } from './native.js';
import {
  DEFAULT_HARDNESS_THRESHOLD,
  type AsyncMetricsOptions,
  type ClassHistogram,
  type ConfusionMatrices,
  type ConfusionScores,
  type PixelShape,
  type PrecisionRecallCurve,
  type PrecisionRecallOptions,
} from './types.js';

export type {
  AsyncMetricsOptions,
  ClassHistogram,
  ConfusionMatrices,
  ConfusionScores,
  MetricsArgumentError,
  PixelShape,
  PrecisionRecallCurve,
  PrecisionRecallOptions,
} from './types.js';
export { DEFAULT_HARDNESS_THRESHOLD } from './types.js';
export { NativeAddonError } from './native-addon-error.js';
export { typescriptMetrics } from './twin/index.js';

/**
 * Pixels of each class, per image and over the batch.
 * @param labels - N×H×W class labels, each < shape.classes.
 * @param shape - the batch's shape.
 */
export function classHistogram(labels: Uint8Array, shape: PixelShape): ClassHistogram {
  return nativeMetrics().classHistogram(labels, shape);
}

/** {@link classHistogram} off the event loop, images spread over `options.threads` threads. */
export async function classHistogramAsync(labels: Uint8Array, shape: PixelShape, options?: AsyncMetricsOptions): Promise<ClassHistogram> {
  return nativeMetrics().classHistogramAsync(labels, shape, options);
}

/**
 * Hardness of each image: the sum over classes of the squared fraction of its pixels in that class
 * (1 for a single-class image, 1/C for a uniform one). The study calls an image hard when it is at most
 * {@link DEFAULT_HARDNESS_THRESHOLD}.
 */
export function hardnessPerImage(labels: Uint8Array, shape: PixelShape): Float64Array {
  return nativeMetrics().hardnessPerImage(labels, shape);
}

/** {@link hardnessPerImage} off the event loop. */
export async function hardnessPerImageAsync(labels: Uint8Array, shape: PixelShape, options?: AsyncMetricsOptions): Promise<Float64Array> {
  return nativeMetrics().hardnessPerImageAsync(labels, shape, options);
}

/**
 * Confusion matrices (row = true class, column = predicted class), per image and in total.
 * @param trueLabels - N×H×W true labels.
 * @param predictedLabels - N×H×W predicted labels.
 */
export function confusionMatrix(trueLabels: Uint8Array, predictedLabels: Uint8Array, shape: PixelShape): ConfusionMatrices {
  return nativeMetrics().confusionMatrix(trueLabels, predictedLabels, shape);
}

/** {@link confusionMatrix} off the event loop. */
export async function confusionMatrixAsync(
  trueLabels: Uint8Array,
  predictedLabels: Uint8Array,
  shape: PixelShape,
  options?: AsyncMetricsOptions,
): Promise<ConfusionMatrices> {
  return nativeMetrics().confusionMatrixAsync(trueLabels, predictedLabels, shape, options);
}

/**
 * Confusion matrices from per-pixel class probabilities: the predicted class is the argmax (the first
 * maximum on ties, as numpy and tfjs), taken inside the kernel with no label array in between.
 * @param probabilities - N×H×W×C scores (classes last); any non-NaN values (probabilities or logits).
 */
export function confusionMatrixFromProbabilities(
  trueLabels: Uint8Array,
  probabilities: Float32Array,
  shape: PixelShape,
): ConfusionMatrices {
  return nativeMetrics().confusionMatrixFromProbabilities(trueLabels, probabilities, shape);
}

/** {@link confusionMatrixFromProbabilities} off the event loop. */
export async function confusionMatrixFromProbabilitiesAsync(
  trueLabels: Uint8Array,
  probabilities: Float32Array,
  shape: PixelShape,
  options?: AsyncMetricsOptions,
): Promise<ConfusionMatrices> {
  return nativeMetrics().confusionMatrixFromProbabilitiesAsync(trueLabels, probabilities, shape, options);
}

/**
 * Precision–recall curve of every class at `options.thresholds` thresholds, from one pass over the
 * pixels (per-class histograms of the scores of positives and negatives).
 */
export function precisionRecallCurve(
  trueLabels: Uint8Array,
  probabilities: Float32Array,
  shape: PixelShape,
  options?: PrecisionRecallOptions,
): PrecisionRecallCurve {
  return nativeMetrics().precisionRecallCurve(trueLabels, probabilities, shape, options);
}

/** {@link precisionRecallCurve} off the event loop. */
export async function precisionRecallCurveAsync(
  trueLabels: Uint8Array,
  probabilities: Float32Array,
  shape: PixelShape,
  options?: PrecisionRecallOptions & AsyncMetricsOptions,
): Promise<PrecisionRecallCurve> {
  return nativeMetrics().precisionRecallCurveAsync(trueLabels, probabilities, shape, options);
}

/**
 * Per-class precision, recall, F1 and IoU, mean IoU and pixel accuracy of one confusion matrix.
 * @param confusion - C×C counts (row = true class), e.g. {@link ConfusionMatrices.total}.
 * @param classes - C.
 */
export function scoreConfusion(confusion: Float64Array, classes: number): ConfusionScores {
  return nativeMetrics().scoreConfusion(confusion, classes);
}

/**
 * Pixel accuracy of each image.
 * @param confusionPerImage - N×C×C counts, e.g. {@link ConfusionMatrices.perImage}.
 */
export function pixelAccuracyPerImage(confusionPerImage: Float64Array, classes: number): Float64Array {
  return nativeMetrics().pixelAccuracyPerImage(confusionPerImage, classes);
}

/**
 * The `count` most accurate hard images: the indices of the images whose hardness is at most
 * `threshold`, ordered by accuracy, highest first (ties: lower index first); fewer when fewer are hard.
 * @param hardness - per-image hardness ({@link hardnessPerImage}).
 * @param accuracy - per-image pixel accuracy ({@link pixelAccuracyPerImage}), same length.
 */
export function selectMostAccurateHardImages(
  hardness: Float64Array,
  accuracy: Float64Array,
  count: number,
  threshold: number = DEFAULT_HARDNESS_THRESHOLD,
): Uint32Array {
  return nativeMetrics().selectMostAccurateHardImages(hardness, accuracy, count, threshold);
}
