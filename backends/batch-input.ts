import type { Batch } from './backend.js';
import { BackendError, checkLength } from './backend-error.js';
import type { UNetSpec } from './unet-spec.js';

/** A batch's shape and labels checked against the net: ERR_BACKEND_INVALID_INPUT naming the field and value. */
export function checkBatch(spec: UNetSpec, batch: Batch): void {
  const { inputSize: side, classes } = spec;
  checkImages(spec, batch.images, batch.size, 'batch.size');
  checkLength('batch.labels', batch.labels.length, batch.size * side * side);
  const labels = batch.labels;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `batch.labels must be class ids < ${classes} (got ${labels[i]} at ${i})`);
    }
  }
}

/** `size` images of the net's input shape in `images`, or ERR_BACKEND_INVALID_INPUT naming the field. */
export function checkImages(spec: UNetSpec, images: Float32Array, size: number, sizeField = 'size'): void {
  if (!Number.isInteger(size) || size < 1) {
    throw new BackendError('ERR_BACKEND_INVALID_INPUT', `${sizeField} must be a positive integer (got ${size})`);
  }
  const side = spec.inputSize;
  checkLength(sizeField === 'size' ? 'images' : 'batch.images', images.length, size * side * side * spec.inputChannels);
}

/**
 * The last evaluated batch's probabilities, reused when `predict` follows on the same images (the
 * trainer's validation does: one inference instead of two). Reused only for the same array, unchanged
 * since (its values are compared with a copy) and with the same weights (`version`).
 */
export class EvaluationReuse {
  private last: { readonly images: Float32Array; readonly copy: Float32Array; version: number; probabilities: Float32Array } | undefined;

  remember(images: Float32Array, version: number, probabilities: Float32Array): void {
    const copy = this.last?.copy.length === images.length ? this.last.copy : new Float32Array(images.length);
    copy.set(images);
    this.last = { images, copy, version, probabilities };
  }

  /** The remembered probabilities when they answer `images` with the weights at `version` (once), else undefined. */
  take(images: Float32Array, version: number): Float32Array | undefined {
    const last = this.last;
    if (!last || last.images !== images || last.version !== version || !sameValues(images, last.copy)) return undefined;
    this.last = undefined;
    return last.probabilities;
  }

  forget(): void {
    this.last = undefined;
  }
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}
