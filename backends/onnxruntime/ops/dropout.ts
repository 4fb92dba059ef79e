import { mul } from '../onnx-ops.js';
import type { GradientOp } from './op.js';

/**
 * Inverted dropout with a mask fed to the graph (0 or 1/(1 − rate), drawn by backends/dropout-masks.ts,
 * so the same seed drops the same units as the tfjs backend). Backward: dx = dy · mask; the mask has none.
 */
export const dropoutOp: GradientOp<undefined> = {
  name: 'dropout',
  forward(g, [x, mask]) {
    return [mul(g, x, mask)];
  },
  backward(g, { inputs: [, mask] }, [dy], wanted) {
    if (!dy) return [];
    return [wanted[0] ? mul(g, dy, mask) : undefined, undefined];
  },
};
