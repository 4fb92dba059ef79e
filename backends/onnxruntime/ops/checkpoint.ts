// Activation checkpointing inside one ONNX graph (Chen et al. 2016, "Training Deep Nets with Sublinear
// Memory Cost"; PyTorch's torch.utils.checkpoint): a segment of the forward pass whose activations are
// not kept for the backward pass but computed again there, from the segment's inputs.
import type { Value } from '../onnx-graph.js';
import { Tape } from '../tape.js';
import { waitFor, zeroAfter } from './gate.js';
import type { GradientOp } from './op.js';

export interface CheckpointAttributes {
  /**
   * Emits the segment on `tape` from its inputs and returns its outputs. It runs twice: in the forward
   * pass on a tape that records nothing (so no op keeps anything for a backward: max-pooling leaves
   * out its indices), and in the backward pass on a tape of its own, differentiated there.
   */
  readonly build: (tape: Tape, inputs: readonly Value[]) => Value[];
  /**
   * Which inputs the recomputation waits for (see {@link checkpointOp}): the activations and dropout
   * bits the segment starts from. Weights need not wait — every recomputed node depends on a waited-for input.
   */
  readonly gated: readonly boolean[];
}

/**
 * A checkpointed segment as one op of the tape. Forward: the segment's nodes, nothing recorded, so
 * ORT's planner frees each activation after its last forward consumer. Backward: the segment's nodes
 * emitted again (duplicates whose outputs only the backward consumes) and differentiated on a tape of
 * their own; the same ops on the same values give the same activations, so the gradients are the
 * unrecomputed ones.
 *
 * ORT runs a graph in one topological order fixed when the session is made, and nothing in ONNX says
 * "not before"; without a data dependency the recomputation could be scheduled early (in the forward
 * pass), which would keep its activations alive exactly as before, and CommonSubexpressionElimination
 * would merge duplicates of identical inputs back into the originals. So the recomputation starts
 * from gated copies of its inputs, x + 0·dy₀ (dy₀ the first element of each output gradient): equal to
 * x (dy is finite wherever training is), but computable only once the segment's output gradients
 * are, i.e. when the backward pass reaches the segment.
 */
export const checkpointOp: GradientOp<CheckpointAttributes> = {
  name: 'checkpoint',
  forward(g, inputs, { build }) {
    return build(new Tape(g), inputs);
  },
  backward(g, { inputs, attributes: { build, gated } }, outputGradients, wanted) {
    if (outputGradients.every((gradient) => gradient === undefined)) return [];
    const zero = g.scope('gate', () => zeroAfter(g, outputGradients));
    const restarted = inputs.map((input, i) => (gated[i] ? g.scope('gate', () => waitFor(g, input, zero)) : input));
    const tape = new Tape(g);
    const watched = restarted.filter((_, i) => wanted[i]);
    tape.watch(...watched);
    const outputs = g.scope('recompute', () => build(tape, restarted));
    const gradients = tape.gradientsOf(outputs, outputGradients, watched);
    let next = 0;
    return inputs.map((_, i) => (wanted[i] ? gradients[next++] : undefined));
  },
};
