import { BackendError } from './backend-error.js';
import type { UNetSpec } from './unet-spec.js';

const MAGIC = 0x53444e42; // "BNDS" little-endian
const FORMAT = 1;

/**
 * The checkpoint format every backend reads and writes ("tfjs" in its messages for history: the tfjs
 * backend defined it), so a state exported by one backend imports into another.
 */

/** What a checkpoint holds: the spec it was made for, Adam's step count, and float32 arrays in order. */
export interface ModelState {
  readonly spec: UNetSpec;
  readonly iterations: number;
  /** Weights, then Adam's first moments, then its second moments (same order and shapes). */
  readonly arrays: readonly { readonly shape: readonly number[]; readonly values: Float32Array }[];
}

/**
 * Bytes: magic u32, format u32, header length u32, JSON header (spec, iterations, shapes), zero
 * padding to 4 bytes, then every array's float32 values (little-endian) back to back.
 */
export function encodeState(state: ModelState): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      spec: state.spec,
      iterations: state.iterations,
      shapes: state.arrays.map((array) => array.shape),
    }),
  );
  const dataOffset = Math.ceil((12 + header.length) / 4) * 4;
  const floats = state.arrays.reduce((sum, array) => sum + array.values.length, 0);
  const bytes = new Uint8Array(dataOffset + floats * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  let offset = dataOffset;
  for (const array of state.arrays) {
    for (let i = 0; i < array.values.length; i++, offset += 4) view.setFloat32(offset, array.values[i], true);
  }
  return bytes;
}

export function decodeState(bytes: Uint8Array): ModelState {
  if (bytes.length < 12) throw checkpointError(`state: ${bytes.length} bytes is too short for a bandster tfjs checkpoint`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw checkpointError('state: not a bandster tfjs checkpoint (bad magic)');
  const format = view.getUint32(4, true);
  if (format !== FORMAT) throw checkpointError(`state: unsupported checkpoint format ${format} (expected ${FORMAT})`);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as {
    spec: UNetSpec;
    iterations: number;
    shapes: number[][];
  };
  let offset = Math.ceil((12 + headerLength) / 4) * 4;
  const arrays = header.shapes.map((shape) => {
    const size = shape.reduce((product, dimension) => product * dimension, 1);
    if (offset + size * 4 > bytes.length) throw checkpointError('state: checkpoint is truncated');
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++, offset += 4) values[i] = view.getFloat32(offset, true);
    return { shape, values };
  });
  return { spec: header.spec, iterations: header.iterations, arrays };
}

/**
 * A checkpoint decoded for a model of `spec` with `shapes` (its weights' shapes; Adam's moments have
 * the same): ERR_BACKEND_CHECKPOINT naming what differs — the spec field, the number of arrays or an
 * array's shape — so every backend refuses a foreign checkpoint alike.
 */
export function decodeStateFor(bytes: Uint8Array, spec: UNetSpec, shapes: readonly (readonly number[])[]): ModelState {
  const decoded = decodeState(bytes);
  for (const key of ['inputSize', 'inputChannels', 'classes', 'baseFilters', 'depth'] as const) {
    if (decoded.spec[key] !== spec[key]) {
      throw checkpointError(`state: checkpoint is for spec.${key} = ${decoded.spec[key]}, this model has ${spec[key]}`);
    }
  }
  if (decoded.arrays.length !== 3 * shapes.length) {
    throw checkpointError(`state: checkpoint holds ${decoded.arrays.length} arrays, expected ${3 * shapes.length}`);
  }
  decoded.arrays.forEach((array, index) => {
    const expected = shapes[index % shapes.length];
    if (array.shape.length !== expected.length || array.shape.some((dimension, axis) => dimension !== expected[axis])) {
      throw checkpointError(`state: array ${index} has shape [${array.shape}], expected [${expected}]`);
    }
  });
  return decoded;
}

function checkpointError(message: string): BackendError {
  return new BackendError('ERR_BACKEND_CHECKPOINT', message);
}
