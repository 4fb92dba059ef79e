/**
 * Loads the C++ metrics addon (native/, built by node-gyp into build/Release) on first use. There is no
 * silent fallback to the TypeScript twin: a missing addon is a NativeAddonError that says how to build it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { NativeAddonError } from './native-addon-error.js';
import type { ClassHistogram, ConfusionMatrices, ConfusionScores, PrecisionRecallCurve, PixelShape } from './types.js';

/** The addon's exports, as declared in native/addon.cc. */
export interface NativeMetricsAddon {
  classHistogram(labels: Uint8Array, shape: PixelShape): ClassHistogram;
  classHistogramAsync(labels: Uint8Array, shape: PixelShape, options?: object): Promise<ClassHistogram>;
  hardnessPerImage(labels: Uint8Array, shape: PixelShape): Float64Array;
  hardnessPerImageAsync(labels: Uint8Array, shape: PixelShape, options?: object): Promise<Float64Array>;
  confusionMatrix(trueLabels: Uint8Array, predictedLabels: Uint8Array, shape: PixelShape): ConfusionMatrices;
  confusionMatrixAsync(
    trueLabels: Uint8Array,
    predictedLabels: Uint8Array,
    shape: PixelShape,
    options?: object,
  ): Promise<ConfusionMatrices>;
  confusionMatrixFromProbabilities(trueLabels: Uint8Array, probabilities: Float32Array, shape: PixelShape): ConfusionMatrices;
  confusionMatrixFromProbabilitiesAsync(
    trueLabels: Uint8Array,
    probabilities: Float32Array,
    shape: PixelShape,
    options?: object,
  ): Promise<ConfusionMatrices>;
  precisionRecallCurve(trueLabels: Uint8Array, probabilities: Float32Array, shape: PixelShape, options?: object): PrecisionRecallCurve;
  precisionRecallCurveAsync(
    trueLabels: Uint8Array,
    probabilities: Float32Array,
    shape: PixelShape,
    options?: object,
  ): Promise<PrecisionRecallCurve>;
  scoreConfusion(confusion: Float64Array, classes: number): ConfusionScores;
  pixelAccuracyPerImage(confusionPerImage: Float64Array, classes: number): Float64Array;
  selectMostAccurateHardImages(hardness: Float64Array, accuracy: Float64Array, count: number, threshold: number): Uint32Array;
}

// src/metrics/native.ts is two levels below the package root, the built dist/src/metrics/native.js three.
const addonUrl =
  [
    new URL('../../build/Release/bandster_metrics.node', import.meta.url),
    new URL('../../../build/Release/bandster_metrics.node', import.meta.url),
  ].find((url) => existsSync(fileURLToPath(url))) ?? new URL('../../build/Release/bandster_metrics.node', import.meta.url);
let addon: NativeMetricsAddon | undefined;

/** The loaded addon; throws NativeAddonError when it is not built. */
export function nativeMetrics(): NativeMetricsAddon {
  if (addon === undefined) {
    const path = fileURLToPath(addonUrl);
    try {
      addon = createRequire(import.meta.url)(path) as NativeMetricsAddon;
    } catch (error) {
      throw new NativeAddonError(path, error);
    }
  }
  return addon;
}
