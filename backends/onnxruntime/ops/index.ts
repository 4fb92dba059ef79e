// The closed op set the U-Net's training graph is built from; every op has a gradient test.
export { addOp } from './add.js';
export { type CheckpointAttributes, checkpointOp } from './checkpoint.js';
export { concatChannelsOp } from './concat.js';
export { type Conv2dAttributes, type ConvGradientStrategy, conv2dOp, FASTEST_CONV_GRADIENTS } from './conv2d.js';
export { convTranspose2x2Op } from './conv-transpose.js';
export { dropoutOp } from './dropout.js';
export {
  crossEntropyLossOp,
  DICE_SMOOTH,
  type DiceAttributes,
  diceLossOp,
  FOCAL_ALPHA,
  focalLossOp,
  KERAS_EPSILON,
  type LossAttributes,
} from './losses.js';
export { maxPoolOp } from './max-pool.js';
export type { AppliedOp, GradientOp } from './op.js';
export { reluOp } from './relu.js';
export { softmaxOp } from './softmax.js';
export { transposeOp } from './transpose.js';
export { type SurrogateAttributes, surrogateLossOp } from './surrogate-loss.js';
