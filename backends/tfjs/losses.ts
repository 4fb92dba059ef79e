import * as tf from './tfjs-core.js';

import { BackendError } from '../backend-error.js';
import type { LossCoefficients } from '../micro-batch.js';
import { type LossKind, LOSS_KINDS } from '../unet-spec.js';

/** segmentation_models' SMOOTH (base/functional.py). */
export const DICE_SMOOTH = 1e-5;
/** Keras's backend.epsilon(), which segmentation_models' focal loss and Keras's cross-entropy clip with. */
export const KERAS_EPSILON = 1e-7;

/**
 * segmentation_models' `DiceLoss(class_weights, smooth=1e-5, beta=1, per_image=False)`, i.e.
 * `1 − f_score(gt, pr)` with
 *
 *   tp_c = Σ gt·pr,  fp_c = Σ pr − tp_c,  fn_c = Σ gt − tp_c   (sums over batch, rows, columns: not per image)
 *   score_c = (2·tp_c + smooth) / (2·tp_c + fn_c + fp_c + smooth)
 *   loss = 1 − mean_c(score_c · w_c)
 *
 * The weights multiply before the mean (functional.average), so the study's class_weights = 1/6 each
 * give 1 − mean(score)/6, which never drops below 1 − 1/6 ≈ 0.833. `classWeights` null is the
 * unweighted dice, 1 − mean(score).
 *
 * @param gt one-hot N×H×W×C
 * @param pr probabilities N×H×W×C
 */
export function diceLoss(gt: tf.Tensor, pr: tf.Tensor, classWeights: readonly number[] | null = null, smooth = DICE_SMOOTH): tf.Scalar {
  return tf.tidy(() => {
    const axes = [0, 1, 2];
    const truePositives = tf.sum(tf.mul(gt, pr), axes);
    const falsePositives = tf.sub(tf.sum(pr, axes), truePositives);
    const falseNegatives = tf.sub(tf.sum(gt, axes), truePositives);
    const twiceTruePositives = tf.mul(truePositives, 2);
    const score = tf.div(
      tf.add(twiceTruePositives, smooth),
      tf.add(tf.add(tf.add(twiceTruePositives, falseNegatives), falsePositives), smooth),
    );
    const weighted = classWeights ? tf.mul(score, tf.tensor1d(classWeights as number[])) : score;
    return tf.sub(1, tf.mean(weighted)) as tf.Scalar;
  });
}

/**
 * segmentation_models' `CategoricalFocalLoss(alpha=0.25, gamma=2)`:
 *
 *   pr' = clip(pr, ε, 1 − ε),  loss = mean over N·H·W·C of  −gt · α · (1 − pr')^γ · log(pr')
 *
 * The mean runs over every element including the class axis (backend.mean of the 4-D tensor), so it
 * is the per-pixel focal term divided by C as well.
 */
export function categoricalFocalLoss(gt: tf.Tensor, pr: tf.Tensor, gamma = 2, alpha = 0.25): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(pr, KERAS_EPSILON, 1 - KERAS_EPSILON);
    const modulation = gamma === 2 ? tf.square(tf.sub(1, clipped)) : tf.pow(tf.sub(1, clipped), gamma);
    const loss = tf.mul(tf.mul(gt, tf.mul(modulation, tf.log(clipped))), -alpha);
    return tf.mean(loss) as tf.Scalar;
  });
}

/**
 * Keras's `categorical_crossentropy` on probabilities: per pixel −Σ_c gt·log(clip(pr, ε, 1 − ε)), mean
 * over pixels (the softmax output already sums to 1, so Keras's renormalisation is a no-op).
 */
export function crossEntropyLoss(gt: tf.Tensor, pr: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(pr, KERAS_EPSILON, 1 - KERAS_EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(gt, tf.log(clipped)), -1))) as tf.Scalar;
  });
}

/**
 * The training loss of a `LossKind`. 'dice-focal' is the study's
 * `sm.losses.DiceLoss(class_weights=[1/C]*C) + 1 * sm.losses.CategoricalFocalLoss()` (C = 6 there).
 */
export function segmentationLoss(kind: LossKind, gt: tf.Tensor, pr: tf.Tensor): tf.Scalar {
  switch (kind) {
    case 'dice-focal': {
      const classes = gt.shape[gt.rank - 1] as number;
      return tf.tidy(
        () => tf.add(diceLoss(gt, pr, new Array<number>(classes).fill(1 / classes)), categoricalFocalLoss(gt, pr)) as tf.Scalar,
      );
    }
    case 'dice':
      return diceLoss(gt, pr, null);
    case 'cross-entropy':
      return crossEntropyLoss(gt, pr);
    default:
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `options.loss must be one of ${LOSS_KINDS.join(', ')} (got ${String(kind)})`);
  }
}

/** The per-class sums of a slice's probabilities: Σ gt·pr and Σ pr over images, rows and columns (float32). */
export function classSums(gt: tf.Tensor, pr: tf.Tensor): { truePositives: tf.Tensor1D; predicted: tf.Tensor1D } {
  return tf.tidy(() => ({
    truePositives: tf.sum(tf.mul(gt, pr), [0, 1, 2]) as tf.Tensor1D,
    predicted: tf.sum(pr, [0, 1, 2]) as tf.Tensor1D,
  }));
}

/**
 * The sum M over a slice of the per-element term a loss averages: focal −α·gt·(1 − p)²·log p, or
 * cross-entropy −gt·log p, with p = clip(pr, ε, 1 − ε) as above; zero for 'dice'.
 */
export function meanTermSum(kind: LossKind, gt: tf.Tensor, pr: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (kind === 'dice') return tf.scalar(0);
    const clipped = tf.clipByValue(pr, KERAS_EPSILON, 1 - KERAS_EPSILON);
    if (kind === 'cross-entropy') return tf.neg(tf.sum(tf.mul(gt, tf.log(clipped)))) as tf.Scalar;
    const complement = tf.sub(1, clipped);
    return tf.sum(tf.mul(tf.mul(gt, tf.mul(tf.square(complement), tf.log(clipped))), -0.25)) as tf.Scalar;
  });
}

/**
 * A slice's surrogate of the batch loss (backends/micro-batch.ts): Σ_c a_c·TP_c + b_c·P_c + s·M. Its
 * gradient is the slice's share of the whole batch loss's gradient. Returns it and M.
 */
export function surrogateLoss(
  kind: LossKind,
  gt: tf.Tensor,
  pr: tf.Tensor,
  coefficients: LossCoefficients,
): { value: tf.Scalar; mean: tf.Scalar } {
  return tf.tidy(() => {
    const mean = meanTermSum(kind, gt, pr);
    let value = tf.mul(mean, coefficients.meanScale) as tf.Scalar;
    if (kind !== 'cross-entropy') {
      const { truePositives, predicted } = classSums(gt, pr);
      const dice = tf.add(
        tf.sum(tf.mul(truePositives, tf.tensor1d(coefficients.truePositives))),
        tf.sum(tf.mul(predicted, tf.tensor1d(coefficients.predicted))),
      );
      value = tf.add(value, dice) as tf.Scalar;
    }
    return { value, mean };
  });
}
