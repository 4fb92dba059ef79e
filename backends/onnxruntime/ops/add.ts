import { add } from '../onnx-ops.js';
import type { GradientOp } from './op.js';

/** Sum of two values of one shape (the study's dice + focal). Backward: dy to both. */
export const addOp: GradientOp<undefined> = {
  name: 'add',
  forward(g, [a, b]) {
    return [add(g, a, b)];
  },
  backward(_g, _op, [dy], wanted) {
    return wanted.map((want) => (want ? dy : undefined));
  },
};
