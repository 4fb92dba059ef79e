import { concat, split } from '../onnx-ops.js';
import type { GradientOp } from './op.js';

/** Concatenation along channels (Keras's concatenate([u, c]) of the decoder). Backward: Split of dy. */
export const concatChannelsOp: GradientOp<undefined> = {
  name: 'concat-channels',
  forward(g, inputs) {
    return [concat(g, inputs, 1)];
  },
  backward(g, { inputs }, [dy], wanted) {
    if (!dy) return [];
    const parts = split(
      g,
      dy,
      inputs.map((input) => input.shape[1] as number),
      1,
    );
    return parts.map((part, index) => (wanted[index] ? part : undefined));
  },
};
