// A micro-batch's surrogate of the batch loss (backends/micro-batch.ts), on NCHW probabilities pr and
// one-hot labels gt, with the coefficients as graph inputs:
//   S = Σ w·pr·(gt·a_c + b_c) + s·M,   M = Σ w·(−α·gt·(1 − p)²·log p) (focal) or Σ w·(−gt·log p) (cross-entropy),
// p = clip(pr, ε, 1 − ε), w an image's weight: 1, or 0 for the zero images that pad a slice to the
// graph's batch (their terms and gradients are exact zeros). Σ w·pr·(gt·a_c + b_c) is
// Σ_c a_c·TP_c + b_c·P_c written without the per-class sums. The forward formulas and the clip
// follow ops/losses.ts term for term.
import { add, and, clip, greaterOrEqual, lessOrEqual, log, mul, reciprocal, reduceSum, sub, where } from '../onnx-ops.js';
import type { OnnxGraph, Value } from '../onnx-graph.js';
import { FOCAL_ALPHA, KERAS_EPSILON } from './losses.js';
import type { GradientOp } from './op.js';

export interface SurrogateAttributes {
  /** The loss's per-element mean term, or null (dice alone). */
  readonly mean: 'focal' | 'cross-entropy' | null;
}

function insideClip(g: OnnxGraph, pr: Value): Value {
  return and(g, greaterOrEqual(g, pr, g.constFloat(KERAS_EPSILON)), lessOrEqual(g, pr, g.constFloat(1 - KERAS_EPSILON)));
}

/**
 * Inputs: pr, gt [N, C, H, W]; a, b [1, C, 1, 1]; s []; w [N, 1, 1, 1]. Outputs: S, M, then what the
 * backward reuses. Backward: dS/dpr = w·(gt·a + b + s·dM/dp inside the clip range), where
 * dM/dp = −α·gt·((1 − p)²/p − 2(1 − p)·log p) (focal) or −gt/p (cross-entropy).
 */
export const surrogateLossOp: GradientOp<SurrogateAttributes> = {
  name: 'surrogate-loss',
  forward(g, [pr, gt, a, b, s, w], { mean }) {
    const linear = mul(g, add(g, mul(g, gt, a), b), w);
    const dice = reduceSum(g, mul(g, pr, linear), [0, 1, 2, 3]);
    if (mean === null) return [dice, g.constFloat(0), linear];
    const clipped = clip(g, pr, KERAS_EPSILON, 1 - KERAS_EPSILON);
    const logClipped = log(g, clipped);
    let term: Value;
    let complement: Value | undefined;
    if (mean === 'focal') {
      complement = sub(g, g.constFloat(1), clipped);
      term = mul(g, mul(g, mul(g, gt, w), mul(g, mul(g, complement, complement), logClipped)), g.constFloat(-FOCAL_ALPHA));
    } else {
      term = mul(g, mul(g, mul(g, gt, w), logClipped), g.constFloat(-1));
    }
    const meanSum = reduceSum(g, term, [0, 1, 2, 3]);
    return [add(g, dice, mul(g, meanSum, s)), meanSum, linear, clipped, logClipped, ...(complement ? [complement] : [])];
  },
  backward(g, { inputs: [pr, gt, , , s, w], outputs: [, , linear, clipped, logClipped, complement], attributes: { mean } }, [dy], wanted) {
    if (!dy || !wanted[0]) return [];
    let gradient = linear;
    if (mean !== null) {
      const derivative =
        mean === 'focal' && complement
          ? mul(
              g,
              sub(
                g,
                mul(g, mul(g, complement, complement), reciprocal(g, clipped)),
                mul(g, mul(g, complement, logClipped), g.constFloat(2)),
              ),
              g.constFloat(-FOCAL_ALPHA),
            )
          : mul(g, reciprocal(g, clipped), g.constFloat(-1));
      const dp = mul(g, mul(g, mul(g, gt, w), derivative), s);
      gradient = add(g, gradient, where(g, insideClip(g, pr), dp, g.constFloat(0)));
    }
    return [g.isOne(dy) ? gradient : mul(g, gradient, dy), undefined, undefined, undefined, undefined, undefined];
  },
};
