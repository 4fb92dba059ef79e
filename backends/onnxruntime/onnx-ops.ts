// Typed helpers over the standard ONNX operators this backend uses (opset 15), each inferring its
// output's shape, so that graph code reads like tensor code. Layout is NCHW throughout, as ONNX's
// Conv, ConvTranspose and MaxPool take it.
import { type Dim, type ElementType, float, int, ints, type OnnxGraph, type Shape, staticShape, type Value } from './onnx-graph.js';

/** NumPy broadcasting of two shapes (symbolic dims broadcast only against 1 or themselves). */
export function broadcast(a: Shape, b: Shape): Dim[] {
  const rank = Math.max(a.length, b.length);
  const result: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === y || y === 1) result.push(x);
    else if (x === 1) result.push(y);
    else throw new Error(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
  }
  return result;
}

function binary(g: OnnxGraph, op: string, a: Value, b: Value, type: ElementType = a.type): Value {
  return g.node(op, [a, b], [{ type, shape: broadcast(a.shape, b.shape) }])[0];
}

function unary(g: OnnxGraph, op: string, x: Value): Value {
  return g.node(op, [x], [{ type: x.type, shape: x.shape }])[0];
}

export const add = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'Add', a, b);
export const sub = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'Sub', a, b);
export const mul = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'Mul', a, b);
export const div = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'Div', a, b);
export const pow = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'Pow', a, b);
export const greater = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'Greater', a, b, 'bool');
export const greaterOrEqual = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'GreaterOrEqual', a, b, 'bool');
export const lessOrEqual = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'LessOrEqual', a, b, 'bool');
export const and = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'And', a, b, 'bool');
export const equal = (g: OnnxGraph, a: Value, b: Value): Value => binary(g, 'Equal', a, b, 'bool');
export const relu = (g: OnnxGraph, x: Value): Value => unary(g, 'Relu', x);
export const log = (g: OnnxGraph, x: Value): Value => unary(g, 'Log', x);
export const sqrt = (g: OnnxGraph, x: Value): Value => unary(g, 'Sqrt', x);
export const neg = (g: OnnxGraph, x: Value): Value => unary(g, 'Neg', x);
export const reciprocal = (g: OnnxGraph, x: Value): Value => unary(g, 'Reciprocal', x);
export const exp = (g: OnnxGraph, x: Value): Value => unary(g, 'Exp', x);

export function where(g: OnnxGraph, condition: Value, a: Value, b: Value): Value {
  return g.node('Where', [condition, a, b], [{ type: a.type, shape: broadcast(condition.shape, broadcast(a.shape, b.shape)) }])[0];
}

export function cast(g: OnnxGraph, x: Value, to: ElementType): Value {
  const codes: Record<ElementType, number> = { float: 1, uint8: 2, int32: 6, int64: 7, bool: 9 };
  return g.node('Cast', [x], [{ type: to, shape: x.shape }], { to: int(codes[to]) })[0];
}

export function clip(g: OnnxGraph, x: Value, min: number, max: number): Value {
  return g.node('Clip', [x, g.constFloat(min), g.constFloat(max)], [{ type: x.type, shape: x.shape }])[0];
}

export function transpose(g: OnnxGraph, x: Value, perm: readonly number[]): Value {
  return g.node('Transpose', [x], [{ type: x.type, shape: perm.map((axis) => x.shape[axis]) }], { perm: ints(perm) })[0];
}

/** Reshape to a static shape (one −1 allowed, resolved here). */
export function reshape(g: OnnxGraph, x: Value, shape: readonly number[]): Value {
  const size = staticShape(x.shape).reduce((a, b) => a * b, 1);
  const known = shape.reduce((a, b) => (b === -1 ? a : a * b), 1);
  const resolved = shape.map((dim) => (dim === -1 ? size / known : dim));
  return g.node('Reshape', [x, g.constInt64(shape)], [{ type: x.type, shape: resolved }])[0];
}

function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): Dim[] {
  const normal = axes.map((axis) => (axis < 0 ? axis + shape.length : axis));
  return keepDims ? shape.map((dim, axis) => (normal.includes(axis) ? 1 : dim)) : shape.filter((_, axis) => !normal.includes(axis));
}

/** ReduceSum over `axes` (opset 13+: axes as an input). */
export function reduceSum(g: OnnxGraph, x: Value, axes: readonly number[], keepDims = false): Value {
  return g.node('ReduceSum', [x, g.constInt64(axes)], [{ type: x.type, shape: reducedShape(x.shape, axes, keepDims) }], {
    keepdims: int(keepDims ? 1 : 0),
  })[0];
}

/** ReduceMax over `axes` (opset < 18: axes as an attribute). */
export function reduceMax(g: OnnxGraph, x: Value, axes: readonly number[], keepDims = false): Value {
  return g.node('ReduceMax', [x], [{ type: x.type, shape: reducedShape(x.shape, axes, keepDims) }], {
    axes: ints(axes),
    keepdims: int(keepDims ? 1 : 0),
  })[0];
}

/** ReduceMean over `axes`, or over every axis when none are given (opset < 18: axes as an attribute). */
export function reduceMean(g: OnnxGraph, x: Value, axes?: readonly number[], keepDims = false): Value {
  const all = axes ?? x.shape.map((_, axis) => axis);
  return g.node('ReduceMean', [x], [{ type: x.type, shape: reducedShape(x.shape, all, keepDims) }], {
    ...(axes ? { axes: ints(axes) } : {}),
    keepdims: int(keepDims ? 1 : 0),
  })[0];
}

export function concat(g: OnnxGraph, values: readonly Value[], axis: number): Value {
  const shape = [...values[0].shape];
  shape[axis] = values.reduce((sum, value) => sum + (value.shape[axis] as number), 0);
  return g.node('Concat', values, [{ type: values[0].type, shape }], { axis: int(axis) })[0];
}

export function split(g: OnnxGraph, x: Value, sizes: readonly number[], axis: number): Value[] {
  return g.node(
    'Split',
    [x, g.constInt64(sizes)],
    sizes.map((size) => ({ type: x.type, shape: x.shape.map((dim, index) => (index === axis ? size : dim)) })),
    { axis: int(axis) },
  );
}

/** Elements [start, end) of a 1-D tensor. */
export function slice1d(g: OnnxGraph, x: Value, start: number, end: number): Value {
  return g.node('Slice', [x, g.constInt64([start]), g.constInt64([end]), g.constInt64([0])], [{ type: x.type, shape: [end - start] }])[0];
}

export function softmax(g: OnnxGraph, x: Value, axis: number): Value {
  return g.node('Softmax', [x], [{ type: x.type, shape: x.shape }], { axis: int(axis) })[0];
}

function convSide(side: Dim, kernel: number, padBefore: number, padAfter: number, stride: number): Dim {
  if (typeof side !== 'number') return side;
  return Math.floor((side + padBefore + padAfter - kernel) / stride) + 1;
}

export interface ConvGeometry {
  /** [top, left, bottom, right] as ONNX orders them: [x1_begin, x2_begin, x1_end, x2_end]. */
  readonly pads?: readonly number[];
  readonly strides?: readonly number[];
}

/** Conv: x [N, C, H, W], w [M, C, kh, kw] (+ bias [M]) → [N, M, H′, W′]. */
export function conv(g: OnnxGraph, x: Value, w: Value, bias: Value | undefined, geometry: ConvGeometry = {}): Value {
  const pads = geometry.pads ?? [0, 0, 0, 0];
  const strides = geometry.strides ?? [1, 1];
  const [kh, kw] = [w.shape[2] as number, w.shape[3] as number];
  const shape = [
    x.shape[0],
    w.shape[0],
    convSide(x.shape[2], kh, pads[0], pads[2], strides[0]),
    convSide(x.shape[3], kw, pads[1], pads[3], strides[1]),
  ];
  return g.node('Conv', bias ? [x, w, bias] : [x, w], [{ type: 'float', shape }], {
    kernel_shape: ints([kh, kw]),
    pads: ints(pads),
    strides: ints(strides),
  })[0];
}

/** ConvTranspose: x [N, C, H, W], w [C, M, kh, kw] (+ bias [M]) → [N, M, (H−1)·s + kh − pads, …]. */
export function convTranspose(g: OnnxGraph, x: Value, w: Value, bias: Value | undefined, geometry: ConvGeometry = {}): Value {
  const pads = geometry.pads ?? [0, 0, 0, 0];
  const strides = geometry.strides ?? [1, 1];
  const [kh, kw] = [w.shape[2] as number, w.shape[3] as number];
  const side = (dim: Dim, kernel: number, before: number, after: number, stride: number): Dim =>
    typeof dim === 'number' ? (dim - 1) * stride + kernel - before - after : dim;
  const shape = [
    x.shape[0],
    w.shape[1],
    side(x.shape[2], kh, pads[0], pads[2], strides[0]),
    side(x.shape[3], kw, pads[1], pads[3], strides[1]),
  ];
  return g.node('ConvTranspose', bias ? [x, w, bias] : [x, w], [{ type: 'float', shape }], {
    kernel_shape: ints([kh, kw]),
    pads: ints(pads),
    strides: ints(strides),
  })[0];
}

/** 2×2/2 max-pooling; `withIndices` adds the int64 flat index (over N·C·H·W) of each maximum. */
export function maxPool2x2(g: OnnxGraph, x: Value, withIndices: boolean): Value[] {
  const shape = [x.shape[0], x.shape[1], convSide(x.shape[2], 2, 0, 0, 2), convSide(x.shape[3], 2, 0, 0, 2)];
  const outputs: { type: ElementType; shape: Dim[] }[] = [{ type: x.type, shape }];
  if (withIndices) outputs.push({ type: 'int64', shape });
  return g.node('MaxPool', [x], outputs, { kernel_shape: ints([2, 2]), strides: ints([2, 2]) });
}

export function scatterElements(g: OnnxGraph, data: Value, indices: Value, updates: Value, axis: number): Value {
  return g.node('ScatterElements', [data, indices, updates], [{ type: data.type, shape: data.shape }], { axis: int(axis) })[0];
}

/** A float tensor of zeros of a static shape, made at run time (ConstantOfShape: no initializer of that size). */
export function zeros(g: OnnxGraph, shape: readonly number[]): Value {
  return g.node('ConstantOfShape', [g.constInt64(shape)], [{ type: 'float', shape }])[0];
}

export function spaceToDepth(g: OnnxGraph, x: Value, block: number): Value {
  const [n, c, h, w] = x.shape;
  return g.node(
    'SpaceToDepth',
    [x],
    [{ type: x.type, shape: [n, (c as number) * block * block, (h as number) / block, (w as number) / block] }],
    {
      blocksize: int(block),
    },
  )[0];
}

/** Gemm: a [M, K] (or [K, M] with transA) times b [K, N] (or [N, K] with transB). */
export function gemm(g: OnnxGraph, a: Value, b: Value, options: { transA?: boolean; transB?: boolean } = {}): Value {
  const m = options.transA ? a.shape[1] : a.shape[0];
  const n = options.transB ? b.shape[0] : b.shape[1];
  return g.node('Gemm', [a, b], [{ type: 'float', shape: [m, n] }], {
    transA: int(options.transA ? 1 : 0),
    transB: int(options.transB ? 1 : 0),
    alpha: float(1),
  })[0];
}
