/**
 * Shapes, options and results of the segmentation metrics (native kernels and their TypeScript twin).
 * Arrays are row-major: labels N×H×W, probabilities N×H×W×C (classes last), confusion matrices C×C with
 * the true class as the row and the predicted class as the column.
 */

/** A batch of `images` label maps of `height`×`width` pixels over `classes` classes (labels 0..classes-1). */
export interface PixelShape {
  /** Number of images N (>= 0). */
  readonly images: number;
  /** Rows per image H (>= 1). */
  readonly height: number;
  /** Columns per image W (>= 1). */
  readonly width: number;
  /** Number of classes C, in [1, 255] (labels are bytes). */
  readonly classes: number;
}

/** Options of the async variants. */
export interface AsyncMetricsOptions {
  /**
   * Threads the images are spread over (contiguous ranges of images), in [1, 256].
   * @defaultValue the number of logical CPUs (`std::thread::hardware_concurrency()`), capped by the number of images
   */
  readonly threads?: number;
}

/** Options of the precision–recall curve. */
export interface PrecisionRecallOptions {
  /**
   * Number K of thresholds, in [2, 65536]: threshold k is k/(K-1), from 0 to 1.
   * @defaultValue 101
   */
  readonly thresholds?: number;
}

/** Pixel counts per class. Counts are exact integers (doubles hold integers exactly up to 2^53). */
export interface ClassHistogram {
  /** N×C: pixels of class c in image n at [n*C + c]. */
  readonly perImage: Float64Array;
  /** C: pixels of each class over the batch. */
  readonly total: Float64Array;
}

/** Confusion matrices (row = true class, column = predicted class). */
export interface ConfusionMatrices {
  /** N×C×C: image n's matrix starts at n*C*C; cell (true t, predicted p) at n*C*C + t*C + p. */
  readonly perImage: Float64Array;
  /** C×C: the sum of the per-image matrices. */
  readonly total: Float64Array;
}

/**
 * Scores of one confusion matrix. A ratio whose denominator is 0 is NaN (e.g. the precision of a class
 * never predicted); `meanIou` averages the classes whose IoU is a number (present in truth or prediction).
 */
export interface ConfusionScores {
  /** C: TP / (TP + FP) per class. */
  readonly precision: Float64Array;
  /** C: TP / (TP + FN) per class. */
  readonly recall: Float64Array;
  /** C: 2TP / (2TP + FP + FN) per class. */
  readonly f1: Float64Array;
  /** C: TP / (TP + FP + FN) per class (intersection over union, Jaccard index). */
  readonly iou: Float64Array;
  /** Mean of the IoUs that are numbers; NaN when none is. */
  readonly meanIou: number;
  /** Trace / total: the fraction of pixels labelled correctly; NaN for an empty matrix. */
  readonly pixelAccuracy: number;
}

/**
 * Precision–recall curves of every class (one-vs-rest on the class's probability), at K thresholds
 * k/(K-1). A score s counts as >= threshold k when floor(clamp(s·(K-1), 0, K-1)) >= k: scores below 0
 * count as 0 and above 1 as 1.
 */
export interface PrecisionRecallCurve {
  /** K: the thresholds, k/(K-1). */
  readonly thresholds: Float64Array;
  /** C: pixels whose true class is c. */
  readonly positives: Float64Array;
  /** C×K: pixels of class c whose score for c is >= threshold k, at [c*K + k]. */
  readonly truePositives: Float64Array;
  /** C×K: pixels of other classes whose score for c is >= threshold k. */
  readonly falsePositives: Float64Array;
  /** C×K: TP / (TP + FP); NaN where no pixel reaches the threshold. */
  readonly precision: Float64Array;
  /** C×K: TP / positives; NaN for a class without pixels. */
  readonly recall: Float64Array;
}

/**
 * The error every metrics function throws (or rejects with) for a bad argument: a `TypeError` for a wrong
 * type, a `RangeError` for a wrong length, shape, label or value. `argument` names the argument
 * (`'trueLabels'`, `'shape.classes'`, `'options.threads'`); `index` is the flat element index of a bad
 * label or NaN inside it.
 */
export type MetricsArgumentError = (TypeError | RangeError) & {
  readonly code: 'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE';
  readonly argument: string;
  readonly index?: number;
};

/** The study's rule: a patch is hard when the sum of its squared class frequencies is at most 0.4. */
export const DEFAULT_HARDNESS_THRESHOLD = 0.4;
