import { confusionMatrixFromProbabilities, precisionRecallCurve, scoreConfusion } from '../metrics/index.js';
import { NUM_CLASSES } from './types.js';

/** Metrics of one pass over the validation patches. */
export interface ValidationMetrics {
  /** Keras-style Jaccard over the flattened one-hot truth and predicted probabilities, smoothing 1. */
  readonly jaccard: number;
  readonly pixelAccuracy: number;
  readonly meanIou: number;
  readonly precision: number[];
  readonly recall: number[];
  readonly iou: number[];
}

/**
 * Accumulates validation predictions batch by batch: confusion counts through the native
 * metrics addon (argmax inside the kernel), and the soft Jaccard's intersection, which for a
 * softmax output is Σ p(true class) since both the truth and the prediction sum to 1 per pixel.
 */
export class ValidationAccumulator {
  private readonly confusion = new Float64Array(NUM_CLASSES * NUM_CLASSES);
  private intersection = 0;
  private pixels = 0;

  add(labels: Uint8Array, probabilities: Float32Array, images: number, size: number): void {
    const shape = { images, height: size, width: size, classes: NUM_CLASSES };
    const { total } = confusionMatrixFromProbabilities(labels, probabilities, shape);
    for (let i = 0; i < total.length; i++) this.confusion[i] += total[i];
    const n = images * size * size;
    for (let pixel = 0; pixel < n; pixel++) this.intersection += probabilities[pixel * NUM_CLASSES + labels[pixel]];
    this.pixels += n;
  }

  result(): ValidationMetrics {
    const scores = scoreConfusion(this.confusion, NUM_CLASSES);
    return {
      jaccard: (this.intersection + 1) / (2 * this.pixels - this.intersection + 1),
      pixelAccuracy: scores.pixelAccuracy,
      meanIou: scores.meanIou,
      precision: Array.from(scores.precision),
      recall: Array.from(scores.recall),
      iou: Array.from(scores.iou),
    };
  }
}

/** Precision at fixed recall levels per class (the study's Keras PrecisionAtRecall 0.01…0.99), from one curve. */
export function precisionAtRecall(
  labels: Uint8Array,
  probabilities: Float32Array,
  images: number,
  size: number,
  recallLevels: readonly number[],
): number[][] {
  const curve = precisionRecallCurve(
    labels,
    probabilities,
    { images, height: size, width: size, classes: NUM_CLASSES },
    { thresholds: 101 },
  );
  const thresholds = curve.thresholds.length;
  return Array.from({ length: NUM_CLASSES }, (_, c) =>
    recallLevels.map((level) => {
      // The best precision among thresholds whose recall reaches the level (Keras' definition).
      let best = 0;
      for (let t = 0; t < thresholds; t++) {
        const recall = curve.recall[c * thresholds + t];
        const precision = curve.precision[c * thresholds + t];
        if (recall >= level && Number.isFinite(precision) && precision > best) best = precision;
      }
      return best;
    }),
  );
}
