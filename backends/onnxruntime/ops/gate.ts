// Ordering inside one ONNX graph. ORT runs a graph in one topological order, fixed when the session is
// made (a reverse depth-first walk from the outputs); ONNX has no control dependencies to ask for
// another. A data dependency that changes no value does: `value + 0·s`, where s is computable only
// once some other values are, makes `value` wait for them. Exact wherever s is finite (0·s = ±0, and
// x ± 0 = x), and it cannot be folded away: s is not a constant, and onnxruntime does not simplify
// x·0 (it is not an identity under IEEE: NaN·0 is NaN).
import { add, equal, mul, reshape, where } from '../onnx-ops.js';
import { type OnnxGraph, staticShape, type Value } from '../onnx-graph.js';

/** 0 · (the sum of each value's first element): a float scalar that exists once every given value does. */
export function zeroAfter(g: OnnxGraph, values: readonly (Value | undefined)[]): Value {
  const firsts = values.flatMap((value) => {
    if (!value) return [];
    const rank = staticShape(value.shape).length;
    if (rank === 0) return [value];
    const [first] = g.node(
      'Slice',
      [value, g.constInt64(new Array<number>(rank).fill(0)), g.constInt64(new Array<number>(rank).fill(1))],
      [{ type: value.type, shape: new Array<number>(rank).fill(1) }],
    );
    return [reshape(g, first, [])];
  });
  if (firsts.length === 0) throw new Error('zeroAfter needs at least one value');
  return mul(
    g,
    firsts.reduce((sum, first) => add(g, sum, first)),
    g.constFloat(0),
  );
}

/** `value` made to wait for `zero` (from {@link zeroAfter}): + 0 for floats, a Where on a true flag otherwise. */
export function waitFor(g: OnnxGraph, value: Value, zero: Value): Value {
  if (value.type === 'float') return add(g, value, zero);
  return where(g, equal(g, zero, g.constFloat(0)), value, value);
}
