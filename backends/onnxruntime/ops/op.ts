import type { OnnxGraph, Value } from '../onnx-graph.js';

/** What the backward pass of one applied op sees: its inputs, outputs and attributes. */
export interface AppliedOp<A> {
  readonly inputs: readonly Value[];
  readonly outputs: readonly Value[];
  readonly attributes: A;
}

/**
 * One differentiable op of the closed set the U-Net is built from: a forward that emits ONNX nodes,
 * and a hand-derived backward that emits the nodes of its inputs' gradients. Every op has a gradient
 * test against tfjs's `tf.grads` (test/backends/onnxruntime-gradients.test.ts).
 */
export interface GradientOp<A = undefined> {
  readonly name: string;
  /**
   * Emits the op's nodes. `recording` says whether a backward will follow (max-pooling then keeps its
   * indices; inference graphs leave them out).
   */
  forward(g: OnnxGraph, inputs: readonly Value[], attributes: A, recording: boolean): Value[];
  /**
   * Gradients of the inputs for which `wanted[i]` holds (undefined elsewhere), given the gradients
   * of the outputs (undefined where an output does not reach the loss: it counts as zero).
   */
  backward(
    g: OnnxGraph,
    op: AppliedOp<A>,
    outputGradients: readonly (Value | undefined)[],
    wanted: readonly boolean[],
  ): (Value | undefined)[];
}
