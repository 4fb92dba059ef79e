import { transpose } from '../onnx-ops.js';
import type { GradientOp } from './op.js';

/** A permutation of axes. Backward: dy permuted by the inverse permutation. */
export const transposeOp: GradientOp<{ readonly perm: readonly number[] }> = {
  name: 'transpose',
  forward(g, [x], { perm }) {
    return [transpose(g, x, perm)];
  },
  backward(g, { attributes: { perm } }, [dy]) {
    if (!dy) return [];
    const inverse = perm.map((_, axis) => perm.indexOf(axis));
    return [transpose(g, dy, inverse)];
  },
};
