// The three training losses as ops on probabilities pr and one-hot labels gt, both rank 4 with the
// classes on axis 1 (NCHW) or 3 (NHWC), each
// returning a scalar, with hand-derived gradients with respect to pr. The forward formulas follow
// backends/tfjs/losses.ts term for term (segmentation_models' and Keras's definitions, cited there).
import {
  and,
  clip,
  div,
  greaterOrEqual,
  lessOrEqual,
  log,
  mul,
  neg,
  reciprocal,
  reduceMean,
  reduceSum,
  reshape,
  sub,
  where,
  add,
} from '../onnx-ops.js';
import { type OnnxGraph, sizeOf, type Value } from '../onnx-graph.js';
import type { GradientOp } from './op.js';

/** segmentation_models' SMOOTH and Keras's epsilon (see backends/tfjs/losses.ts). */
export const DICE_SMOOTH = 1e-5;
export const KERAS_EPSILON = 1e-7;
/** segmentation_models' CategoricalFocalLoss defaults. */
export const FOCAL_ALPHA = 0.25;

/** Multiplies by the upstream gradient unless it is the constant 1 a scalar loss is seeded with. */
function scaled(g: OnnxGraph, value: Value, dy: Value): Value {
  return g.isOne(dy) ? value : mul(g, value, dy);
}

/** Where pr lies inside [ε, 1 − ε] (inclusive: tfjs's clipByValue gradient passes there, zero outside). */
function insideClip(g: OnnxGraph, pr: Value): Value {
  return and(g, greaterOrEqual(g, pr, g.constFloat(KERAS_EPSILON)), lessOrEqual(g, pr, g.constFloat(1 - KERAS_EPSILON)));
}

/** Where the classes are in the [N, ·, ·, ·] probabilities: 1 (NCHW) or 3 (NHWC). */
export interface LossAttributes {
  readonly classAxis: 1 | 3;
}

/** The three other axes of a rank-4 tensor (the ones the dice sums run over). */
function otherAxes(classAxis: number): number[] {
  return [0, 1, 2, 3].filter((axis) => axis !== classAxis);
}

/** Shape [1, 1, 1, 1] with `classes` at the class axis (a per-class vector broadcast over the rest). */
function perClassShape(classes: number, classAxis: number): number[] {
  return [0, 1, 2, 3].map((axis) => (axis === classAxis ? classes : 1));
}

export interface DiceAttributes extends LossAttributes {
  /** Per-class weights multiplied before the mean (the study's 1/C each), or null for none. */
  readonly classWeights: readonly number[] | null;
}

/**
 * Dice loss, sums over N, H, W per class c (not per image):
 *   tp = Σ gt·pr, D = 2tp + fn + fp + smooth = Σ pr + Σ gt + smooth, score = (2tp + smooth) / D,
 *   loss = 1 − mean_c(w_c · score_c).
 * Backward: ∂score_c/∂pr = 2gt/D_c − (2tp_c + smooth)/D_c², so
 *   dpr = gt · (−2w_c / (C·D_c)) + w_c (2tp_c + smooth) / (C·D_c²), per class, times dy.
 * Outputs: the loss, then the numerators and denominators the backward reuses.
 */
export const diceLossOp: GradientOp<DiceAttributes> = {
  name: 'dice-loss',
  forward(g, [pr, gt], { classWeights, classAxis }) {
    const axes = otherAxes(classAxis);
    const truePositives = reduceSum(g, mul(g, gt, pr), axes);
    const falsePositives = sub(g, reduceSum(g, pr, axes), truePositives);
    const falseNegatives = sub(g, reduceSum(g, gt, axes), truePositives);
    const twiceTruePositives = mul(g, truePositives, g.constFloat(2));
    const numerator = add(g, twiceTruePositives, g.constFloat(DICE_SMOOTH));
    const denominator = add(g, add(g, add(g, twiceTruePositives, falseNegatives), falsePositives), g.constFloat(DICE_SMOOTH));
    const score = div(g, numerator, denominator);
    const weighted = classWeights ? mul(g, score, g.constFloat(classWeights)) : score;
    return [sub(g, g.constFloat(1), reduceMean(g, weighted)), numerator, denominator];
  },
  backward(g, { inputs: [pr, gt], outputs: [, numerator, denominator], attributes: { classWeights, classAxis } }, [dy], wanted) {
    if (!dy || !wanted[0]) return [];
    const classes = pr.shape[classAxis] as number;
    const weights = classWeights ?? new Array<number>(classes).fill(1);
    const inverse = reciprocal(g, denominator);
    const slope = scaled(g, mul(g, g.constFloat(weights.map((w) => (-2 * w) / classes)), inverse), dy);
    const offset = scaled(g, mul(g, mul(g, g.constFloat(weights.map((w) => w / classes)), numerator), mul(g, inverse, inverse)), dy);
    const perClass = (value: Value): Value => reshape(g, value, perClassShape(classes, classAxis));
    return [add(g, mul(g, gt, perClass(slope)), perClass(offset)), undefined];
  },
};

/**
 * Categorical focal loss (γ = 2, α = 0.25): p = clip(pr, ε, 1 − ε), loss = mean over N·C·H·W of
 * −α · gt · (1 − p)² · log p. Backward: dp = −α/count · gt · ((1 − p)²/p − 2(1 − p) log p) · dy,
 * passed to pr where pr is inside the clip range. Outputs: the loss, then p, 1 − p and log p.
 */
export const focalLossOp: GradientOp<LossAttributes> = {
  name: 'focal-loss',
  forward(g, [pr, gt]) {
    const clipped = clip(g, pr, KERAS_EPSILON, 1 - KERAS_EPSILON);
    const complement = sub(g, g.constFloat(1), clipped);
    const logClipped = log(g, clipped);
    const modulation = mul(g, complement, complement);
    const loss = mul(g, mul(g, gt, mul(g, modulation, logClipped)), g.constFloat(-FOCAL_ALPHA));
    return [reduceMean(g, loss), clipped, complement, logClipped];
  },
  backward(g, { inputs: [pr, gt], outputs: [, clipped, complement, logClipped] }, [dy], wanted) {
    if (!dy || !wanted[0]) return [];
    const count = sizeOf(pr.shape);
    const derivative = sub(
      g,
      mul(g, mul(g, complement, complement), reciprocal(g, clipped)),
      mul(g, mul(g, complement, logClipped), g.constFloat(2)),
    );
    const dp = scaled(g, mul(g, mul(g, gt, derivative), g.constFloat(-FOCAL_ALPHA / count)), dy);
    return [where(g, insideClip(g, pr), dp, g.constFloat(0)), undefined];
  },
};

/**
 * Keras's categorical cross-entropy on probabilities: −mean over N·H·W of Σ_c gt · log clip(pr, ε, 1 − ε).
 * Backward: dp = −gt / (p · N·H·W) · dy inside the clip range. Outputs: the loss, then p.
 */
export const crossEntropyLossOp: GradientOp<LossAttributes> = {
  name: 'cross-entropy-loss',
  forward(g, [pr, gt], { classAxis }) {
    const clipped = clip(g, pr, KERAS_EPSILON, 1 - KERAS_EPSILON);
    return [neg(g, reduceMean(g, reduceSum(g, mul(g, gt, log(g, clipped)), [classAxis]))), clipped];
  },
  backward(g, { inputs: [pr, gt], outputs: [, clipped], attributes: { classAxis } }, [dy], wanted) {
    if (!dy || !wanted[0]) return [];
    const pixels = sizeOf(pr.shape) / (pr.shape[classAxis] as number);
    const dp = scaled(g, mul(g, mul(g, gt, reciprocal(g, clipped)), g.constFloat(-1 / pixels)), dy);
    return [where(g, insideClip(g, pr), dp, g.constFloat(0)), undefined];
  },
};
