import { add, div, mul, pow, sqrt, sub } from './onnx-ops.js';
import type { OnnxGraph, Value } from './onnx-graph.js';

/**
 * tf.train.adam's hyperparameters (tfjs-core's AdamOptimizer): β1 0.9, β2 0.999, ε = the float32
 * backend's epsilon, 1e-7 (Keras's too).
 */
export const ADAM = Object.freeze({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });

/**
 * One Adam step on flat vectors, term for term as tfjs's AdamOptimizer.applyGradients computes it:
 *   m′ = β1·m + (1 − β1)·g,  v′ = β2·v + (1 − β2)·g²,
 *   w′ = w + (−lr) · (m′ / (1 − β1ᵗ)) / (√(v′ / (1 − β2ᵗ)) + ε)
 * with t the 1-based step number (tfjs's accBeta = βᵗ at step t).
 */
export function adamUpdate(
  g: OnnxGraph,
  state: { weights: Value; firstMoment: Value; secondMoment: Value },
  gradient: Value,
  step: Value,
  learningRate: Value,
): { weights: Value; firstMoment: Value; secondMoment: Value } {
  const { beta1, beta2, epsilon } = ADAM;
  const firstMoment = add(g, mul(g, state.firstMoment, g.constFloat(beta1)), mul(g, gradient, g.constFloat(1 - beta1)));
  const secondMoment = add(g, mul(g, state.secondMoment, g.constFloat(beta2)), mul(g, mul(g, gradient, gradient), g.constFloat(1 - beta2)));
  const correction1 = sub(g, g.constFloat(1), pow(g, g.constFloat(beta1), step));
  const correction2 = sub(g, g.constFloat(1), pow(g, g.constFloat(beta2), step));
  const corrected1 = div(g, firstMoment, correction1);
  const corrected2 = div(g, secondMoment, correction2);
  const update = mul(g, div(g, corrected1, add(g, sqrt(g, corrected2), g.constFloat(epsilon))), mul(g, learningRate, g.constFloat(-1)));
  return { weights: add(g, update, state.weights), firstMoment, secondMoment };
}
