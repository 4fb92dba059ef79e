import { add } from './onnx-ops.js';
import type { OnnxGraph, Value } from './onnx-graph.js';
import type { AppliedOp, GradientOp } from './ops/op.js';

interface Record {
  readonly op: GradientOp<unknown>;
  readonly applied: AppliedOp<unknown>;
}

/**
 * Reverse-mode differentiation over a graph being built: ops applied through the tape are recorded
 * when one of their inputs depends on a trainable value, and `gradients` walks the records backwards,
 * asking each op for the gradients of the inputs that need one and summing contributions where a value
 * feeds several ops (a U-Net's skip connections).
 */
export class Tape {
  private readonly records: Record[] = [];
  private readonly differentiable = new Set<string>();

  constructor(readonly graph: OnnxGraph) {}

  /** Marks values the gradients are taken with respect to (weights). */
  watch(...values: readonly Value[]): void {
    for (const value of values) this.differentiable.add(value.name);
  }

  /** Applies an op; records it when any input depends on a watched value. */
  apply<A>(op: GradientOp<A>, inputs: readonly Value[], attributes: A): Value[] {
    const recording = inputs.some((input) => this.differentiable.has(input.name));
    const outputs = this.graph.scope(op.name, () => op.forward(this.graph, inputs, attributes, recording));
    if (recording) {
      for (const output of outputs) this.differentiable.add(output.name);
      this.records.push({ op: op as GradientOp<unknown>, applied: { inputs, outputs, attributes } });
    }
    return outputs;
  }

  /**
   * Gradients of `wrt` given the gradient `seed` of `of` (a scalar loss is seeded with the constant 1).
   * A value `of` does not depend on gets no gradient: an error, as it means a wiring mistake.
   */
  gradients(of: Value, seed: Value, wrt: readonly Value[]): Value[] {
    return this.gradientsOf([of], [seed], wrt);
  }

  /**
   * Gradients of `wrt` given the gradients `seeds` of several values `of` (undefined: that value does
   * not reach the loss), as a checkpointed segment with two outputs needs (ops/checkpoint.ts).
   */
  gradientsOf(of: readonly Value[], seeds: readonly (Value | undefined)[], wrt: readonly Value[]): Value[] {
    const gradients = new Map<string, Value>();
    of.forEach((value, index) => {
      const seed = seeds[index];
      if (seed) gradients.set(value.name, seed);
    });
    for (let index = this.records.length - 1; index >= 0; index--) {
      const { op, applied } = this.records[index];
      const outputGradients = applied.outputs.map((output) => gradients.get(output.name));
      if (outputGradients.every((gradient) => gradient === undefined)) continue;
      const wanted = applied.inputs.map((input) => this.differentiable.has(input.name));
      const inputGradients = this.graph.scope(op.name, () => op.backward(this.graph, applied, outputGradients, wanted));
      applied.inputs.forEach((input, i) => {
        const gradient = inputGradients[i];
        if (!wanted[i] || gradient === undefined) return;
        const previous = gradients.get(input.name);
        gradients.set(input.name, previous ? add(this.graph, previous, gradient) : gradient);
      });
    }
    return wrt.map((value) => {
      const gradient = gradients.get(value.name);
      if (!gradient) throw new Error(`${value.name} does not reach ${of.map((value) => value.name).join(', ')}: no gradient`);
      return gradient;
    });
  }
}
