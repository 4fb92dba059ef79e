import type { BackendModel, Batch, ModelOptions } from '../backend.js';
import { BackendError, checkLength } from '../backend-error.js';
import type { ImageSlice, MicroBatchSteps } from '../micro-batch.js';
import type { UNetSpec } from '../unet-spec.js';
import type { FrugalOptions } from './frugal-options.js';
import { BatchSums, lossCoefficients, lossFromSums, type LossTerms, lossTerms, meanScale } from './loss-terms.js';

/** Consecutive slices of at most `size` images covering a batch of `batch` (the last may be smaller). */
export function slicesOf(batch: number, size: number): ImageSlice[] {
  const slices: ImageSlice[] = [];
  for (let start = 0; start < batch; start += size) slices.push({ start, size: Math.min(size, batch - start) });
  return slices;
}

/** The images and labels of `slice` as views into `batch` (no copies). */
function sliceOf(batch: Batch, slice: ImageSlice, side: number, channels: number): Batch {
  const pixels = side * side;
  return {
    size: slice.size,
    images: batch.images.subarray(slice.start * pixels * channels, (slice.start + slice.size) * pixels * channels),
    labels: batch.labels.subarray(slice.start * pixels, (slice.start + slice.size) * pixels),
  };
}

/** The last evaluated batch's probabilities, reused when `predict` follows on the same images (the trainer's validation does). */
interface Evaluated {
  readonly images: Float32Array;
  readonly copy: Float32Array;
  readonly version: number;
  readonly probabilities: Float32Array;
}

/**
 * A model in the frugal profile: the configured batch size is honoured, and peak activation memory
 * is set by the micro-batch. A training step is taken slice by slice through the inner model's
 * {@link MicroBatchSteps}: losses with a dice term (whose sums run over the whole batch, so that
 * plain accumulation would not be exact) take two passes — first every slice's per-class sums, then
 * each slice's forward and backward pass against the whole batch's sums; focal and cross-entropy
 * are means and accumulate directly. `evaluate` and `predict` run in chunks; the loss of an
 * evaluation is computed from the chunks' probabilities.
 */
export class FrugalModel implements BackendModel {
  private readonly steps: MicroBatchSteps;
  private readonly terms: LossTerms;
  private version = 0;
  private evaluated: Evaluated | undefined;

  constructor(
    private readonly inner: BackendModel,
    readonly spec: UNetSpec,
    options: ModelOptions,
    private readonly frugal: Required<FrugalOptions>,
  ) {
    const steps = inner.microBatchSteps?.({ recompute: frugal.recompute });
    if (!steps)
      throw new BackendError('ERR_BACKEND_UNAVAILABLE', 'the backend offers no micro-batch steps: the frugal profile cannot use it');
    this.steps = steps;
    this.terms = lossTerms(options.loss, spec.classes);
  }

  async trainStep(batch: Batch): Promise<number> {
    this.checkBatch(batch);
    const { inputSize: side, inputChannels: channels, classes } = this.spec;
    const slices = slicesOf(batch.size, this.frugal.microBatch);
    const views = slices.map((slice) => sliceOf(batch, slice, side, channels));
    const sums = new BatchSums(classes);
    const scale = meanScale(this.terms, batch.size, side * side, classes);
    this.steps.beginStep(batch.size, slices);
    try {
      if (this.terms.dice) {
        sums.addLabels(batch.labels);
        for (let index = 0; index < slices.length; index++) sums.addClassSums(await this.steps.classSums(index, views[index]));
      }
      const coefficients = lossCoefficients(this.terms, sums, scale);
      for (let index = 0; index < slices.length; index++)
        sums.mean += await this.steps.accumulateGradient(index, views[index], coefficients);
      await this.steps.applyGradient();
    } catch (error) {
      this.steps.abortStep();
      throw error;
    }
    this.version++;
    return lossFromSums(this.terms, sums, scale);
  }

  async evaluate(batch: Batch): Promise<number> {
    this.checkBatch(batch);
    const probabilities = await this.predictInChunks(batch.images, batch.size);
    const sums = new BatchSums(this.spec.classes);
    sums.addProbabilities(probabilities, batch.labels, this.terms.mean);
    const copy = this.evaluated?.copy.length === batch.images.length ? this.evaluated.copy : new Float32Array(batch.images.length);
    copy.set(batch.images);
    this.evaluated = { images: batch.images, copy, version: this.version, probabilities };
    const side = this.spec.inputSize;
    return lossFromSums(this.terms, sums, meanScale(this.terms, batch.size, side * side, this.spec.classes));
  }

  async predict(images: Float32Array, size: number): Promise<Float32Array> {
    if (!Number.isInteger(size) || size < 1)
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `size must be a positive integer (got ${size})`);
    const side = this.spec.inputSize;
    checkLength('images', images.length, size * side * side * this.spec.inputChannels);
    const cached = this.evaluated;
    if (cached && cached.images === images && cached.version === this.version && sameValues(images, cached.copy)) {
      this.evaluated = undefined;
      return cached.probabilities;
    }
    return this.predictInChunks(images, size);
  }

  exportState(): Promise<Uint8Array> {
    return this.inner.exportState();
  }

  async importState(state: Uint8Array): Promise<void> {
    await this.inner.importState(state);
    this.version++;
  }

  dispose(): void {
    this.evaluated = undefined;
    this.inner.dispose();
  }

  private async predictInChunks(images: Float32Array, size: number): Promise<Float32Array> {
    const { inputSize: side, inputChannels: channels, classes } = this.spec;
    const chunk = this.frugal.evaluationChunk;
    if (size <= chunk) return this.inner.predict(images, size);
    const pixels = side * side;
    const probabilities = new Float32Array(size * pixels * classes);
    for (const slice of slicesOf(size, chunk)) {
      const part = await this.inner.predict(
        images.subarray(slice.start * pixels * channels, (slice.start + slice.size) * pixels * channels),
        slice.size,
      );
      probabilities.set(part, slice.start * pixels * classes);
    }
    return probabilities;
  }

  private checkBatch(batch: Batch): void {
    const { inputSize: side, inputChannels, classes } = this.spec;
    if (!Number.isInteger(batch.size) || batch.size < 1) {
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `batch.size must be a positive integer (got ${batch.size})`);
    }
    checkLength('batch.images', batch.images.length, batch.size * side * side * inputChannels);
    checkLength('batch.labels', batch.labels.length, batch.size * side * side);
    const labels = batch.labels;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] >= classes) {
        throw new BackendError('ERR_BACKEND_INVALID_INPUT', `batch.labels must be class ids < ${classes} (got ${labels[i]} at ${i})`);
      }
    }
  }
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}
