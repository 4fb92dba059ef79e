import type { BackendModel, Batch, ModelOptions } from '../backend.js';
import { BackendError } from '../backend-error.js';
import { checkBatch, checkImages, EvaluationReuse } from '../batch-input.js';
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
  private readonly evaluated = new EvaluationReuse();

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
    checkBatch(this.spec, batch);
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
    checkBatch(this.spec, batch);
    const probabilities = await this.predictInChunks(batch.images, batch.size);
    const sums = new BatchSums(this.spec.classes);
    sums.addProbabilities(probabilities, batch.labels, this.terms.mean);
    this.evaluated.remember(batch.images, this.version, probabilities);
    const side = this.spec.inputSize;
    return lossFromSums(this.terms, sums, meanScale(this.terms, batch.size, side * side, this.spec.classes));
  }

  async predict(images: Float32Array, size: number): Promise<Float32Array> {
    checkImages(this.spec, images, size);
    return this.evaluated.take(images, this.version) ?? this.predictInChunks(images, size);
  }

  exportState(): Promise<Uint8Array> {
    return this.inner.exportState();
  }

  async importState(state: Uint8Array): Promise<void> {
    await this.inner.importState(state);
    this.version++;
  }

  dispose(): void {
    this.evaluated.forget();
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
}
