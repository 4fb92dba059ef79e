// Where each weight lives in the flat parameter vector of the ONNX graphs, and the conversion between
// the checkpoint's tfjs/Keras layout and ONNX's.
import type { UNetLayerPlan, UNetSpec } from '../unet-spec.js';
import { unetLayerPlan } from '../unet-spec.js';

/** One weight tensor (a kernel or a bias) in the flat vector, ONNX layout. */
export interface WeightSlot {
  readonly layer: UNetLayerPlan;
  readonly role: 'kernel' | 'bias';
  readonly offset: number;
  readonly size: number;
  /** ONNX layout: Conv [out, in, kh, kw]; ConvTranspose [in, out, kh, kw]; bias [out]. */
  readonly onnxShape: readonly number[];
  /** tfjs/Keras layout, as checkpoints hold it. */
  readonly tfjsShape: readonly number[];
}

/**
 * Kernels and biases in the order of the layer plan (kernel, then bias, per layer): the order of the
 * tfjs backend's variables and of every checkpoint. tfjs keeps a kernel as [kh, kw, a, b] (a conv's
 * [kh, kw, in, out], a transposed conv's [kh, kw, out, in]); ONNX wants [b, a, kh, kw] in both cases
 * (Conv's [out, in, kh, kw], ConvTranspose's [in, out, kh, kw]), so one permutation serves both.
 */
export function weightSlots(spec: UNetSpec): WeightSlot[] {
  const slots: WeightSlot[] = [];
  let offset = 0;
  for (const layer of unetLayerPlan(spec)) {
    const [kh, kw, a, b] = layer.kernelShape;
    const kernelSize = kh * kw * a * b;
    slots.push({ layer, role: 'kernel', offset, size: kernelSize, onnxShape: [b, a, kh, kw], tfjsShape: layer.kernelShape });
    offset += kernelSize;
    slots.push({ layer, role: 'bias', offset, size: layer.biasSize, onnxShape: [layer.biasSize], tfjsShape: [layer.biasSize] });
    offset += layer.biasSize;
  }
  return slots;
}

/** Total number of weights. */
export function flatSize(slots: readonly WeightSlot[]): number {
  const last = slots.at(-1);
  return last ? last.offset + last.size : 0;
}

/** Writes a tfjs-layout tensor into `flat` at the slot, in ONNX layout. */
export function writeFromTfjs(slot: WeightSlot, values: Float32Array, flat: Float32Array): void {
  if (slot.role === 'bias') {
    flat.set(values, slot.offset);
    return;
  }
  const [kh, kw, a, b] = slot.tfjsShape;
  const base = slot.offset;
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < a; i++)
        for (let o = 0; o < b; o++) flat[base + ((o * a + i) * kh + y) * kw + x] = values[((y * kw + x) * a + i) * b + o];
}

/** Reads the slot's tensor out of `flat` in tfjs layout. */
export function readToTfjs(slot: WeightSlot, flat: Float32Array): Float32Array {
  if (slot.role === 'bias') return flat.slice(slot.offset, slot.offset + slot.size);
  const [kh, kw, a, b] = slot.tfjsShape;
  const values = new Float32Array(slot.size);
  const base = slot.offset;
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < a; i++)
        for (let o = 0; o < b; o++) values[((y * kw + x) * a + i) * b + o] = flat[base + ((o * a + i) * kh + y) * kw + x];
  return values;
}
