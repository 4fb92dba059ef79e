import * as tf from './tfjs-core.js';

import type { Batch, LossKind } from '../backend.js';
import type { DropoutStep } from '../dropout-masks.js';
import type { ClassSums, ImageSlice, LossCoefficients, MicroBatchOptions, MicroBatchSteps } from '../micro-batch.js';
import { dropoutSitesOf } from '../unet-spec.js';
import { classSums, surrogateLoss } from './losses.js';
import { recomputedGradients } from './recomputed-gradients.js';
import type { UNet } from './unet.js';

/** What the micro-batch steps need from their model. */
export interface TfjsMicroBatchHost {
  readonly net: UNet;
  readonly loss: LossKind;
  /** Adam (replaced when a checkpoint is imported, so read at each step). */
  optimizer(): tf.Optimizer;
  /** Makes the model's tfjs backend the active one; rejects after dispose. */
  ready(): Promise<void>;
  /** The batch as an image tensor and one-hot labels (validated). */
  batchTensors(batch: Batch): { images: tf.Tensor4D; oneHot: tf.Tensor4D };
}

/**
 * Exact micro-batched steps on tfjs: each slice's forward pass sees the masks the whole batch's
 * step would have drawn (a {@link DropoutStep}), gradients of the surrogates are summed in tensors
 * kept between slices, and Adam applies the sum as `minimize` applies a whole batch's gradient.
 * With `recompute`, a slice's gradients come from recomputed-gradients.ts (the encoder's activations
 * computed again rather than kept; the masks replayed from the same {@link DropoutStep}).
 */
export class TfjsMicroBatchSteps implements MicroBatchSteps {
  private step: DropoutStep | undefined;
  private accumulated: Record<string, tf.Tensor> | undefined;
  /** How the steps are taken (set by the model's microBatchSteps(options)). */
  options: MicroBatchOptions = {};

  constructor(private readonly host: TfjsMicroBatchHost) {}

  beginStep(batchSize: number, slices: readonly ImageSlice[]): void {
    this.abortStep();
    const net = this.host.net;
    this.step = net.masks.planStep(dropoutSitesOf(net.spec), batchSize, slices);
  }

  async classSums(index: number, batch: Batch): Promise<ClassSums> {
    await this.host.ready();
    const sums = tf.tidy(() => {
      const { images, oneHot } = this.host.batchTensors(batch);
      return classSums(oneHot, this.host.net.forward(images, this.dropout(index)));
    });
    const [truePositives, predicted] = await Promise.all([sums.truePositives.data(), sums.predicted.data()]);
    tf.dispose([sums.truePositives, sums.predicted]);
    return { truePositives: Float64Array.from(truePositives), predicted: Float64Array.from(predicted) };
  }

  async accumulateGradient(index: number, batch: Batch, coefficients: LossCoefficients): Promise<number> {
    await this.host.ready();
    let mean: tf.Scalar | undefined;
    const { grads } = tf.tidy(() => {
      const { images, oneHot } = this.host.batchTensors(batch);
      const net = this.host.net;
      const dropout = this.dropout(index);
      const surrogate = (probabilities: tf.Tensor4D): tf.Scalar => {
        const terms = surrogateLoss(this.host.loss, oneHot, probabilities, coefficients);
        mean = tf.keep(terms.mean);
        return terms.value;
      };
      const gradients = this.options.recompute
        ? recomputedGradients(net, images, net.dropoutOf(dropout), surrogate)
        : tf.variableGrads(() => surrogate(net.forward(images, dropout)), net.variables).grads;
      const previous = this.accumulated;
      if (!previous) return { grads: gradients };
      return { grads: Object.fromEntries(Object.entries(gradients).map(([name, grad]) => [name, tf.add(previous[name], grad)])) };
    });
    if (this.accumulated) tf.dispose(Object.values(this.accumulated));
    this.accumulated = grads;
    const value = (await (mean as tf.Scalar).data())[0];
    mean?.dispose();
    return value;
  }

  async applyGradient(): Promise<void> {
    await this.host.ready();
    const accumulated = this.accumulated;
    this.accumulated = undefined;
    this.step = undefined;
    if (!accumulated) return;
    this.host.optimizer().applyGradients(accumulated);
    tf.dispose(Object.values(accumulated));
  }

  abortStep(): void {
    if (this.accumulated) tf.dispose(Object.values(this.accumulated));
    this.accumulated = undefined;
    this.step = undefined;
  }

  /** Slice `index`'s masks as the forward pass asks for them, site by site. */
  private dropout(index: number): (site: number, size: number) => Float32Array {
    const step = this.step;
    if (!step) throw new Error('beginStep() was not called');
    return (site, size) => {
      const mask = step.values(site, index);
      if (mask.length !== size) throw new Error(`dropout site ${site}: ${mask.length} mask values for ${size} activations`);
      return mask;
    };
  }
}
