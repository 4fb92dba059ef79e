import type { LossKind } from './types.js';

/** segmentation_models' SMOOTH and Keras's epsilon, as the backends' losses use them (backends/tfjs/losses.ts). */
const DICE_SMOOTH = 1e-5;
const KERAS_EPSILON = 1e-7;
const FOCAL_ALPHA = 0.25;

/**
 * The training loss over a whole set of patches, independent of how the set is cut into batches.
 *
 * The study's validation loss is the average of per-batch losses, and its dice term sums over the
 * batch (segmentation_models' `per_image=False`): cut the same predictions into other batches and
 * the loss changes — which is why the study found its `valbatchsize` "mattered". Here the dice
 * sums (true positives, Σ predicted, Σ truth per class) run over every validation pixel before
 * the score is taken, and the focal and cross-entropy terms are means over every pixel, so the
 * value depends on the weights and the data only. Accumulated in float64 from the probabilities
 * the validation pass computes anyway; the formulas are the backends' (backends/tfjs/losses.ts).
 */
export class WholeSetLoss {
  private readonly truePositives: Float64Array;
  private readonly predicted: Float64Array;
  private readonly truth: Float64Array;
  private focalSum = 0;
  private crossEntropySum = 0;
  private pixels = 0;

  constructor(private readonly classes: number) {
    this.truePositives = new Float64Array(classes);
    this.predicted = new Float64Array(classes);
    this.truth = new Float64Array(classes);
  }

  /** Adds a batch: class ids N×H×W and probabilities N×H×W×C (softmax outputs). */
  add(labels: Uint8Array, probabilities: Float32Array): void {
    const classes = this.classes;
    for (let pixel = 0; pixel < labels.length; pixel++) {
      const base = pixel * classes;
      const label = labels[pixel];
      for (let c = 0; c < classes; c++) this.predicted[c] += probabilities[base + c];
      const p = probabilities[base + label];
      this.truePositives[label] += p;
      this.truth[label] += 1;
      const clipped = Math.min(Math.max(p, KERAS_EPSILON), 1 - KERAS_EPSILON);
      const logP = Math.log(clipped);
      this.focalSum += -FOCAL_ALPHA * (1 - clipped) ** 2 * logP;
      this.crossEntropySum += -logP;
    }
    this.pixels += labels.length;
  }

  /** The loss of `kind` over everything added (NaN before anything was added). */
  loss(kind: LossKind): number {
    if (this.pixels === 0) return Number.NaN;
    switch (kind) {
      case 'dice-focal':
        // Focal is a mean over N·H·W·C elements (the class axis too), as segmentation_models takes it.
        return this.dice(1 / this.classes) + this.focalSum / (this.pixels * this.classes);
      case 'dice':
        return this.dice(1);
      case 'cross-entropy':
        return this.crossEntropySum / this.pixels;
    }
  }

  /** 1 − mean over classes of weight · F1 score, from the sums over the whole set. */
  private dice(weight: number): number {
    let sum = 0;
    for (let c = 0; c < this.classes; c++) {
      const twiceTp = 2 * this.truePositives[c];
      const falsePositives = this.predicted[c] - this.truePositives[c];
      const falseNegatives = this.truth[c] - this.truePositives[c];
      sum += (weight * (twiceTp + DICE_SMOOTH)) / (twiceTp + falseNegatives + falsePositives + DICE_SMOOTH);
    }
    return 1 - sum / this.classes;
  }
}
