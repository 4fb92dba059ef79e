import type { InferenceSession, Tensor } from 'onnxruntime-node';

import type { Batch, LossKind } from '../backend.js';
import { type DropoutMasks, type DropoutStep, keepScale } from '../dropout-masks.js';
import type { ClassSums, ImageSlice, LossCoefficients, MicroBatchOptions, MicroBatchSteps } from '../micro-batch.js';
import { dropoutSitesOf, type UNetSpec } from '../unet-spec.js';
import { buildAdamGraph, buildClassSumsGraph, buildGradientGraph, MICRO_BATCH_IO } from './micro-batch-graphs.js';
import type { Ort } from './ort-loader.js';
import { TRAINING_IO } from './training-graph.js';

/** A flat vector and the ORT tensor wrapping it (no copy per run). */
interface Flat {
  readonly values: Float32Array;
  readonly tensor: Tensor;
}

/** What the micro-batch steps need from their model. */
export interface OrtMicroBatchModel {
  readonly ort: Ort;
  readonly spec: UNetSpec;
  readonly loss: LossKind;
  readonly parameterCount: number;
  readonly dropout: DropoutMasks;
  readonly learningRate: Tensor;
  /** Runs `use` with the backend's cached session of `key`, built from `build` when absent. */
  withSession<T>(key: string, build: () => Uint8Array, use: (session: InferenceSession) => Promise<T>): Promise<T>;
  /** The model's current weights and Adam moments, and the buffers the next step writes into. */
  state(): {
    current: { weights: Tensor; firstMoment: Tensor; secondMoment: Tensor };
    spare: { weights: Tensor; firstMoment: Tensor; secondMoment: Tensor };
  };
  /** The number of Adam steps taken so far. */
  readonly iterations: number;
  /** Swaps current and spare and counts the step (after Adam wrote the spare buffers). */
  stepTaken(): void;
}

/**
 * Exact micro-batched steps on ONNX Runtime: three graphs per spec (micro-batch-graphs.ts) — a
 * slice's class sums, a slice's gradient added to an accumulated one, Adam on the accumulated
 * gradient — with the accumulator double-buffered like the model's state (ORT writes into
 * preallocated outputs). Every slice sees the masks the whole batch's step would have drawn.
 *
 * Every slice runs at one width, the largest slice the model has met (its micro-batch, or its
 * batch when that is smaller): a smaller slice (a batch's remainder, an epoch's last batch) is padded
 * with zero images of weight 0, whose terms and gradients are exact zeros. One session per graph
 * then serves the whole trial: each ORT session keeps its own memory arena at its largest run, so
 * a session per slice size would add an arena per size (measured at 256 px, micro-batch 2, batch 5:
 * 0.91 GB against 0.75 GB with padding).
 *
 * With `recompute`, the gradient graph recomputes the encoder's activations in its backward part
 * (ops/checkpoint.ts): one graph and one session still, whose planner frees each encoder activation
 * after its forward use.
 */
export class OrtMicroBatchSteps implements MicroBatchSteps {
  private step: DropoutStep | undefined;
  private accumulated: Flat;
  private spare: Flat;
  private readonly meanBuffer = new Float32Array(1);
  private readonly meanTensor: Tensor;
  private readonly stepBuffer = new Float32Array(1);
  private readonly maskBuffers = new Map<number, { bits: Tensor; keep: Tensor }[]>();
  /** Images per run of the slice graphs: the largest slice met so far. */
  private width = 0;
  private padded: { images: Float32Array; labels: Uint8Array; weights: Float32Array; real: number } | undefined;
  /** How the steps are taken (set by the model's microBatchSteps(options)). */
  options: MicroBatchOptions = {};

  constructor(private readonly model: OrtMicroBatchModel) {
    this.accumulated = this.flat();
    this.spare = this.flat();
    this.meanTensor = new model.ort.Tensor('float32', this.meanBuffer, []);
  }

  beginStep(batchSize: number, slices: readonly ImageSlice[]): void {
    this.step = this.model.dropout.planStep(dropoutSitesOf(this.model.spec), batchSize, slices);
    this.accumulated.values.fill(0);
    for (const slice of slices) this.width = Math.max(this.width, slice.size);
  }

  async classSums(index: number, batch: Batch): Promise<ClassSums> {
    const feeds = this.sliceFeeds(index, batch);
    const spec = this.model.spec;
    const width = this.width;
    const outputs = await this.model.withSession(
      `sums/${shapeKey(spec)}/${width}`,
      () => buildClassSumsGraph(spec, width),
      (session) => session.run(feeds),
    );
    return {
      truePositives: Float64Array.from(outputs[MICRO_BATCH_IO.truePositives].data as Float32Array),
      predicted: Float64Array.from(outputs[MICRO_BATCH_IO.predicted].data as Float32Array),
    };
  }

  async accumulateGradient(index: number, batch: Batch, coefficients: LossCoefficients): Promise<number> {
    const ort = this.model.ort;
    const spec = this.model.spec;
    const feeds = this.sliceFeeds(index, batch);
    feeds[MICRO_BATCH_IO.coefficientTruePositives] = new ort.Tensor('float32', coefficients.truePositives, [spec.classes]);
    feeds[MICRO_BATCH_IO.coefficientPredicted] = new ort.Tensor('float32', coefficients.predicted, [spec.classes]);
    feeds[MICRO_BATCH_IO.meanScale] = new ort.Tensor('float32', new Float32Array([coefficients.meanScale]), []);
    feeds[MICRO_BATCH_IO.gradientIn] = this.accumulated.tensor;
    const fetches = { [MICRO_BATCH_IO.gradientOut]: this.spare.tensor, [MICRO_BATCH_IO.meanSum]: this.meanTensor };
    const loss = this.model.loss;
    const width = this.width;
    const recompute = this.options.recompute === true;
    await this.model.withSession(
      `gradient/${shapeKey(spec)}/${width}/${loss}${recompute ? '/recompute' : ''}`,
      () => buildGradientGraph(spec, width, loss, recompute),
      (session) => session.run(feeds, fetches),
    );
    [this.accumulated, this.spare] = [this.spare, this.accumulated];
    return this.meanBuffer[0];
  }

  async applyGradient(): Promise<void> {
    const { current, spare } = this.model.state();
    this.stepBuffer[0] = this.model.iterations + 1;
    const ort = this.model.ort;
    const feeds = {
      [TRAINING_IO.weights]: current.weights,
      [TRAINING_IO.firstMoment]: current.firstMoment,
      [TRAINING_IO.secondMoment]: current.secondMoment,
      [MICRO_BATCH_IO.gradientIn]: this.accumulated.tensor,
      [TRAINING_IO.step]: new ort.Tensor('float32', this.stepBuffer, []),
      [TRAINING_IO.learningRate]: this.model.learningRate,
    };
    const fetches = {
      [TRAINING_IO.weightsOut]: spare.weights,
      [TRAINING_IO.firstMomentOut]: spare.firstMoment,
      [TRAINING_IO.secondMomentOut]: spare.secondMoment,
    };
    const spec = this.model.spec;
    await this.model.withSession(
      `adam/${shapeKey(spec)}`,
      () => buildAdamGraph(spec),
      (session) => session.run(feeds, fetches),
    );
    this.model.stepTaken();
    this.step = undefined;
  }

  abortStep(): void {
    this.step = undefined;
  }

  private flat(): Flat {
    const values = new Float32Array(this.model.parameterCount);
    return { values, tensor: new this.model.ort.Tensor('float32', values, [values.length]) };
  }

  /** Images, labels, image weights, weights and slice `index`'s dropout bits, padded to the graphs' width. */
  private sliceFeeds(index: number, batch: Batch): Record<string, Tensor> {
    const step = this.step;
    if (!step) throw new Error('beginStep() was not called');
    const ort = this.model.ort;
    const side = this.model.spec.inputSize;
    const width = this.width;
    const inputs = this.paddedInputs(batch);
    const feeds: Record<string, Tensor> = {
      [TRAINING_IO.images]: new ort.Tensor('float32', inputs.images, [width, side, side, 3]),
      [TRAINING_IO.labels]: new ort.Tensor('uint8', inputs.labels, [width, side, side]),
      [MICRO_BATCH_IO.imageWeights]: new ort.Tensor('float32', inputs.weights, [width]),
      [TRAINING_IO.weights]: this.model.state().current.weights,
    };
    this.masks(width).forEach((mask, site) => {
      const bits = mask.bits.data as Uint8Array;
      const real = batch.size * (bits.length / width);
      step.bits(site, index, bits.subarray(0, real));
      bits.fill(0, real);
      feeds[TRAINING_IO.dropBits(site)] = mask.bits;
      feeds[TRAINING_IO.keepScale(site)] = mask.keep;
    });
    return feeds;
  }

  /** The slice itself when it fills the width; else a copy followed by zero images of weight 0. */
  private paddedInputs(batch: Batch): { images: Float32Array; labels: Uint8Array; weights: Float32Array } {
    const width = this.width;
    if (this.padded?.weights.length !== width) {
      const pixels = this.model.spec.inputSize ** 2;
      this.padded = {
        images: new Float32Array(width * pixels * 3),
        labels: new Uint8Array(width * pixels),
        weights: new Float32Array(width).fill(1),
        real: width,
      };
    }
    const padded = this.padded;
    if (padded.real !== batch.size) {
      padded.weights.fill(1, 0, batch.size).fill(0, batch.size);
      padded.real = batch.size;
    }
    if (batch.size === width) return { images: batch.images, labels: batch.labels, weights: padded.weights };
    padded.images.set(batch.images);
    padded.images.fill(0, batch.images.length);
    padded.labels.set(batch.labels);
    padded.labels.fill(0, batch.labels.length);
    return padded;
  }

  /** Reused buffers for the dropout bits of a slice of `size` images. */
  private masks(size: number): { bits: Tensor; keep: Tensor }[] {
    let masks = this.maskBuffers.get(size);
    if (!masks) {
      this.maskBuffers.clear();
      const ort = this.model.ort;
      masks = dropoutSitesOf(this.model.spec).map((site) => ({
        bits: new ort.Tensor('uint8', new Uint8Array(size * site.perImage), [size, site.side, site.side, site.channels]),
        keep: new ort.Tensor('float32', new Float32Array([keepScale(site.rate)]), []),
      }));
      this.maskBuffers.set(size, masks);
    }
    return masks;
  }
}

/** What the graphs depend on in a spec: its shape and whether dropout is on (the rates are in the masks). */
export function shapeKey(spec: UNetSpec): string {
  return [spec.inputSize, spec.inputChannels, spec.classes, spec.baseFilters, spec.depth, spec.dropoutScale > 0].join('/');
}
