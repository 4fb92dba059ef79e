// The arithmetic of an exact micro-batched step that every backend shares: which terms a loss has,
// the dice loss from whole-batch sums and its linearisation (the coefficients each slice's backward
// pass is given), and the loss from probabilities (chunked evaluation). The formulas are
// backends/tfjs/losses.ts's (segmentation_models' dice and focal, Keras's cross-entropy); sums are
// kept in float64 here, the backends' own in float32.
import { BackendError } from '../backend-error.js';
import type { ClassSums, LossCoefficients } from '../micro-batch.js';
import { LOSS_KINDS, type LossKind } from '../unet-spec.js';

/** segmentation_models' SMOOTH, Keras's epsilon and the focal loss's α, γ = 2 (as backends/tfjs/losses.ts). */
export const DICE_SMOOTH = 1e-5;
export const KERAS_EPSILON = 1e-7;
export const FOCAL_ALPHA = 0.25;

/** The terms of a loss: dice over the whole batch (weights per class, null = unweighted) and a mean term. */
export interface LossTerms {
  /** Whether the loss has a dice term, and its class weights (the study's 1/C each, or none). */
  readonly dice: { readonly classWeights: readonly number[] | null } | null;
  /** The per-element term averaged over the batch: focal (mean over N·H·W·C), cross-entropy (over N·H·W), or none. */
  readonly mean: 'focal' | 'cross-entropy' | null;
}

export function lossTerms(kind: LossKind, classes: number): LossTerms {
  switch (kind) {
    case 'dice-focal':
      return { dice: { classWeights: new Array<number>(classes).fill(1 / classes) }, mean: 'focal' };
    case 'dice':
      return { dice: { classWeights: null }, mean: null };
    case 'cross-entropy':
      return { dice: null, mean: 'cross-entropy' };
    default:
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `options.loss must be one of ${LOSS_KINDS.join(', ')} (got ${String(kind)})`);
  }
}

/** 1 / the number of elements the mean term averages over, for a batch of `images` of `pixels` pixels each. */
export function meanScale(terms: LossTerms, images: number, pixels: number, classes: number): number {
  if (terms.mean === 'focal') return 1 / (images * pixels * classes);
  if (terms.mean === 'cross-entropy') return 1 / (images * pixels);
  return 0;
}

/** Whole-batch sums: per class TP, P and G = Σ gt (pixels labelled c), and the mean term's sum M. */
export class BatchSums {
  readonly truePositives: Float64Array;
  readonly predicted: Float64Array;
  readonly labelled: Float64Array;
  mean = 0;

  constructor(readonly classes: number) {
    this.truePositives = new Float64Array(classes);
    this.predicted = new Float64Array(classes);
    this.labelled = new Float64Array(classes);
  }

  addLabels(labels: Uint8Array): void {
    for (let i = 0; i < labels.length; i++) this.labelled[labels[i]]++;
  }

  addClassSums(sums: ClassSums): void {
    for (let c = 0; c < this.classes; c++) {
      this.truePositives[c] += sums.truePositives[c];
      this.predicted[c] += sums.predicted[c];
    }
  }

  /**
   * Adds probabilities (NHWC, `classes` per pixel) of labelled pixels: TP, P, G and the mean term
   * (a loss of evaluation computed from predictions, chunk by chunk).
   */
  addProbabilities(probabilities: Float32Array, labels: Uint8Array, mean: LossTerms['mean']): void {
    const classes = this.classes;
    const low = Math.fround(KERAS_EPSILON);
    const high = Math.fround(1 - KERAS_EPSILON);
    let meanSum = 0;
    for (let pixel = 0; pixel < labels.length; pixel++) {
      const label = labels[pixel];
      const offset = pixel * classes;
      for (let c = 0; c < classes; c++) this.predicted[c] += probabilities[offset + c];
      const p = probabilities[offset + label];
      this.truePositives[label] += p;
      this.labelled[label]++;
      if (mean !== null) {
        const clipped = Math.min(Math.max(p, low), high);
        const logP = Math.log(clipped);
        meanSum += mean === 'focal' ? -FOCAL_ALPHA * (1 - clipped) * (1 - clipped) * logP : -logP;
      }
    }
    this.mean += meanSum;
  }
}

/**
 * segmentation_models' dice loss from whole-batch sums, and its partial derivatives:
 *   D_c = P_c + G_c + smooth (= 2TP + FP + FN + smooth), score_c = (2TP_c + smooth) / D_c,
 *   L = 1 − mean_c(w_c · score_c),
 *   ∂L/∂TP_c = −2w_c / (C·D_c),  ∂L/∂P_c = w_c (2TP_c + smooth) / (C·D_c²).
 */
export function diceFromSums(sums: BatchSums, classWeights: readonly number[] | null): { loss: number; a: Float32Array; b: Float32Array } {
  const classes = sums.classes;
  const a = new Float32Array(classes);
  const b = new Float32Array(classes);
  let weightedScores = 0;
  for (let c = 0; c < classes; c++) {
    const weight = classWeights?.[c] ?? 1;
    const numerator = 2 * sums.truePositives[c] + DICE_SMOOTH;
    const denominator = sums.predicted[c] + sums.labelled[c] + DICE_SMOOTH;
    weightedScores += (weight * numerator) / denominator;
    a[c] = (-2 * weight) / (classes * denominator);
    b[c] = (weight * numerator) / (classes * denominator * denominator);
  }
  return { loss: 1 - weightedScores / classes, a, b };
}

/** The coefficients of every slice's surrogate (see LossCoefficients), from the whole batch's sums. */
export function lossCoefficients(terms: LossTerms, sums: BatchSums, scale: number): LossCoefficients {
  const dice = terms.dice ? diceFromSums(sums, terms.dice.classWeights) : undefined;
  return {
    truePositives: dice?.a ?? new Float32Array(sums.classes),
    predicted: dice?.b ?? new Float32Array(sums.classes),
    meanScale: scale,
  };
}

/** The batch loss from its sums: dice (when the loss has it) + the mean term. */
export function lossFromSums(terms: LossTerms, sums: BatchSums, scale: number): number {
  const dice = terms.dice ? diceFromSums(sums, terms.dice.classWeights).loss : 0;
  return dice + scale * sums.mean;
}
