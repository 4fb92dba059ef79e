// Batches for training: bytes -> float32 NHWC with the study's per-patch, per-channel min-max scaling.
import type { PatchSet } from './types.js';

function checkIndices(set: PatchSet, indices: readonly number[]): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= set.count) {
      throw new RangeError(`indices[${i}] must be an integer in [0, ${set.count}) (got ${index})`);
    }
  }
}

function checkOut<T extends Float32Array | Uint8Array>(out: T, needed: number, what: string): T {
  if (out.length < needed) throw new RangeError(`out must hold at least ${needed} values for ${what} (got ${out.length})`);
  // Exactly sized: the buffer itself; larger (a last, short batch): a view of its first values, no copy.
  return (out.length === needed ? out : out.subarray(0, needed)) as T;
}

/**
 * The patches at `indices`, as float32 NHWC (indices.length × size × size × 3), each patch and
 * channel min-max scaled to [0, 1] on its own, as the study did; a constant channel maps to 0.
 * Writes into `out` when given (allocation-free; `out` may be longer, then a view of its first
 * values is returned).
 */
export function scaleBatch(set: PatchSet, indices: readonly number[], out?: Float32Array): Float32Array {
  checkIndices(set, indices);
  const pixels = set.patchSize * set.patchSize;
  const patchValues = pixels * 3;
  const target =
    out === undefined
      ? new Float32Array(indices.length * patchValues)
      : checkOut(out, indices.length * patchValues, `${indices.length} patches`);
  const images = set.images;
  for (let b = 0; b < indices.length; b++) {
    const from = indices[b] * patchValues;
    const to = b * patchValues;
    let min0 = 255,
      min1 = 255,
      min2 = 255,
      max0 = 0,
      max1 = 0,
      max2 = 0;
    for (let i = from, end = from + patchValues; i < end; i += 3) {
      const r = images[i],
        g = images[i + 1],
        bl = images[i + 2];
      if (r < min0) min0 = r;
      if (r > max0) max0 = r;
      if (g < min1) min1 = g;
      if (g > max1) max1 = g;
      if (bl < min2) min2 = bl;
      if (bl > max2) max2 = bl;
    }
    // A constant channel has range 0: scale 0 maps every value to 0 (sklearn's MinMaxScaler does the same).
    const scale0 = max0 > min0 ? 1 / (max0 - min0) : 0;
    const scale1 = max1 > min1 ? 1 / (max1 - min1) : 0;
    const scale2 = max2 > min2 ? 1 / (max2 - min2) : 0;
    for (let i = 0; i < patchValues; i += 3) {
      target[to + i] = (images[from + i] - min0) * scale0;
      target[to + i + 1] = (images[from + i + 1] - min1) * scale1;
      target[to + i + 2] = (images[from + i + 2] - min2) * scale2;
    }
  }
  return target;
}

/** The class ids of the patches at `indices` (indices.length × size × size), into `out` when given. */
export function labelBatch(set: PatchSet, indices: readonly number[], out?: Uint8Array): Uint8Array {
  checkIndices(set, indices);
  const pixels = set.patchSize * set.patchSize;
  const target =
    out === undefined ? new Uint8Array(indices.length * pixels) : checkOut(out, indices.length * pixels, `${indices.length} patches`);
  const labels = set.labels;
  // A plain loop rather than set(subarray(…)): no view object per patch.
  for (let b = 0; b < indices.length; b++) {
    const from = indices[b] * pixels;
    const to = b * pixels;
    for (let i = 0; i < pixels; i++) target[to + i] = labels[from + i];
  }
  return target;
}
