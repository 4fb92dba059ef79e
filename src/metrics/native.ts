/**
 * Loads the C++ metrics addon (native/) on first use, through node-gyp-build: a build from source
 * (build/Release, made by the install script or `npm run build:native`) if there is one, else the
 * prebuilt binary of this platform (prebuilds/<platform>-<arch>/, made by prebuildify and shipped in the
 * package). `BANDSTER_PREBUILD=<dir>` loads the addon of another package tree instead (node-gyp-build's
 * override; the sanitizer build uses it). There is no silent fallback to the TypeScript twin: a missing
 * addon is a NativeAddonError that says how to build it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { NativeAddonError } from './native-addon-error.js';
import type { ClassHistogram, ConfusionMatrices, ConfusionScores, PrecisionRecallCurve, PixelShape } from './types.js';

/** A SIMD path of the pixel kernels, as the addon reports it. */
export interface SimdPathInfo {
  /** `'scalar'`, `'avx2'` or `'avx512'`. */
  readonly name: string;
  /** Whether this CPU (and operating system) can run it. */
  readonly supported: boolean;
  /** Why not, when it is not supported. */
  readonly reason?: string;
}

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
  /**
   * The SIMD paths of the pixel kernels (native/simd.h). The best supported one is active from load,
   * capped by the environment variable `BANDSTER_SIMD` (scalar | avx2 | avx512); `use` switches the path
   * of the calls made from then on (tests compare every path with the scalar one).
   */
  readonly simd: {
    paths(): SimdPathInfo[];
    active(): string;
    use(name: string): void;
  };
  /** Sum of every value, read once with the active SIMD path: the benchmark's streaming-read limit. */
  sumUint8(values: Uint8Array): number;
  sumFloat32(values: Float32Array): number;
  /** Gives the C heap's free pages back to the system (glibc's malloc_trim); false where there is no glibc or nothing was released. */
  trimHeap(): boolean;
}

// The package root: two levels above src/metrics/native.ts, three above the built dist/src/metrics/native.js.
const packageRoot =
  [new URL('../../', import.meta.url), new URL('../../../', import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(join(dir, 'binding.gyp'))) ?? fileURLToPath(new URL('../../', import.meta.url));
let addon: NativeMetricsAddon | undefined;

/** The loaded addon; throws NativeAddonError when no binary fits or it cannot be loaded. */
export function nativeMetrics(): NativeMetricsAddon {
  if (addon === undefined) {
    const require = createRequire(import.meta.url);
    try {
      const loadBinding = require('node-gyp-build') as (dir: string) => unknown;
      addon = loadBinding(packageRoot) as NativeMetricsAddon;
    } catch (error) {
      throw new NativeAddonError(packageRoot, error);
    }
  }
  return addon;
}
