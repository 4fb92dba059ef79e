import { maxPool2x2, reshape, scatterElements, zeros } from '../onnx-ops.js';
import { staticShape } from '../onnx-graph.js';
import type { GradientOp } from './op.js';

/**
 * 2×2/2 max-pooling. The forward keeps MaxPool's Indices output (the flat N·C·H·W position of each
 * window's first maximum, as tfjs's MaxPoolGrad picks it); the backward scatters dy there into zeros
 * (ScatterElements), so a tie (a window of ReLU zeros) sends the gradient to one input only.
 */
export const maxPoolOp: GradientOp<undefined> = {
  name: 'max-pool-2x2',
  forward(g, [x], _attributes, recording) {
    return maxPool2x2(g, x, recording);
  },
  backward(g, { inputs: [x], outputs: [, indices] }, [dy]) {
    if (!dy) return [];
    const shape = staticShape(x.shape);
    const size = shape.reduce((a, b) => a * b, 1);
    const flat = scatterElements(g, zeros(g, [size]), reshape(g, indices, [-1]), reshape(g, dy, [-1]), 0);
    return [reshape(g, flat, shape)];
  },
};
