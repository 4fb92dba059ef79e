// What the convolution-gradient kernel tests share: the case shape, deterministic inputs,
// TensorFlow's output size and 'same' padding rule, and the tolerance check.
import assert from 'node:assert/strict';

export interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  pad: 'same' | 'valid';
}

/** Deterministic values in [−1, 1). */
export function seededValues(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Output size and the top/left padding of a forward conv2d, with TensorFlow's padding rule. */
export function convGeometry(c: ConvCase): { outHeight: number; outWidth: number; top: number; left: number } {
  const size = (input: number): number => (c.pad === 'same' ? Math.ceil(input / c.stride) : Math.ceil((input - c.kernel + 1) / c.stride));
  const outHeight = size(c.height);
  const outWidth = size(c.width);
  const along = (out: number, input: number): number => (c.pad === 'same' ? Math.max((out - 1) * c.stride + c.kernel - input, 0) : 0);
  return { outHeight, outWidth, top: Math.floor(along(outHeight, c.height) / 2), left: Math.floor(along(outWidth, c.width) / 2) };
}

export function describeCase(c: ConvCase): string {
  return `x ${c.batch}×${c.height}×${c.width}×${c.inChannels}, ${c.kernel}×${c.kernel}→${c.outChannels}, stride ${c.stride}, ${c.pad}`;
}

/** Every element within 1e-4 of the reference, relative to the reference's largest magnitude (at least 1). */
export function assertClose(actual: Float32Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]) / scale;
    assert.ok(error <= 1e-4, `${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (relative error ${error})`);
  }
}
