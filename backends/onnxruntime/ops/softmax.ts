import { mul, reduceSum, softmax, sub } from '../onnx-ops.js';
import type { GradientOp } from './op.js';

/**
 * Softmax over one axis. Backward: dx = y · (dy − Σ_axis y · dy). On the last axis ORT's kernel runs
 * over contiguous rows; on another it transposes internally.
 */
export const softmaxOp: GradientOp<{ readonly axis: number }> = {
  name: 'softmax',
  forward(g, [x], { axis }) {
    return [softmax(g, x, axis)];
  },
  backward(g, { outputs: [y], attributes: { axis } }, [dy]) {
    if (!dy) return [];
    return [mul(g, y, sub(g, dy, reduceSum(g, mul(g, y, dy), [axis], true)))];
  },
};
