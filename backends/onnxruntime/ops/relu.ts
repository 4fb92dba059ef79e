import { greater, relu, where } from '../onnx-ops.js';
import type { GradientOp } from './op.js';

/** ReLU. Backward: dx = dy where y > 0, else 0 (tfjs's step(y), which is 0 at 0), one Where. */
export const reluOp: GradientOp<undefined> = {
  name: 'relu',
  forward(g, [x]) {
    return [relu(g, x)];
  },
  backward(g, { outputs: [y] }, [dy]) {
    if (!dy) return [];
    return [where(g, greater(g, y, g.constFloat(0)), dy, g.constFloat(0))];
  },
};
