import * as tf from './tfjs-core.js';

import type { UNetSpec } from '../unet-spec.js';
import type { Batch, BackendModel, ModelOptions } from '../backend.js';
import { BackendError } from '../backend-error.js';
import { checkBatch, checkImages } from '../batch-input.js';
import { validateModelOptions } from '../model-options.js';
import type { MicroBatchOptions, MicroBatchSteps } from '../micro-batch.js';
import { segmentationLoss } from './losses.js';
import { TfjsMicroBatchSteps } from './tfjs-micro-batch.js';
import { decodeStateFor, encodeState } from '../state-codec.js';
import { UNet } from './unet.js';

/** Adam's slots as tfjs keeps them (private there; read for checkpoints). */
interface AdamSlots {
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * A U-Net on one tfjs backend. Adam's moment slots are allocated when the model is made (as zeros, at
 * step 0, exactly what tfjs would create at the first step), so that every method, the first
 * `trainStep` included, leaves `tf.memory().numTensors` unchanged.
 */
export class TfjsUNetModel implements BackendModel {
  private optimizer: tf.AdamOptimizer;
  private disposed = false;
  private microBatch: TfjsMicroBatchSteps | undefined;

  private constructor(
    readonly net: UNet,
    private readonly options: ModelOptions,
    private readonly activate: () => Promise<void>,
  ) {
    this.optimizer = tf.train.adam(options.learningRate);
  }

  static async create(spec: UNetSpec, options: ModelOptions, activate: () => Promise<void>): Promise<TfjsUNetModel> {
    validateModelOptions(options);
    await activate();
    const model = new TfjsUNetModel(new UNet(spec, options.seed), options, activate);
    await model.setOptimizerState(0, null);
    return model;
  }

  get spec(): UNetSpec {
    return this.net.spec;
  }

  async trainStep(batch: Batch): Promise<number> {
    await this.ready();
    const cost = tf.tidy(() => {
      const { images, oneHot } = this.batchTensors(batch);
      return this.optimizer.minimize(
        () => segmentationLoss(this.options.loss, oneHot, this.net.forward(images, true)),
        true,
        this.net.variables,
      ) as tf.Scalar;
    });
    const [loss] = await cost.data();
    cost.dispose();
    return loss;
  }

  async evaluate(batch: Batch): Promise<number> {
    await this.ready();
    const cost = tf.tidy(() => {
      const { images, oneHot } = this.batchTensors(batch);
      return segmentationLoss(this.options.loss, oneHot, this.net.forward(images, false));
    });
    const [loss] = await cost.data();
    cost.dispose();
    return loss;
  }

  async predict(images: Float32Array, size: number): Promise<Float32Array> {
    await this.ready();
    const side = this.spec.inputSize;
    checkImages(this.spec, images, size);
    const probabilities = tf.tidy(() => this.net.forward(tf.tensor4d(images, [size, side, side, this.spec.inputChannels]), false));
    const values = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    return values;
  }

  async exportState(): Promise<Uint8Array> {
    await this.ready();
    const slots = this.optimizer as unknown as AdamSlots;
    const tensors = [
      ...this.net.variables,
      ...slots.accumulatedFirstMoment.map((slot) => slot.variable),
      ...slots.accumulatedSecondMoment.map((slot) => slot.variable),
    ];
    const arrays = await Promise.all(
      tensors.map(async (tensor) => ({ shape: tensor.shape, values: (await tensor.data()) as Float32Array })),
    );
    return encodeState({ spec: this.spec, iterations: this.optimizer.iterations, arrays });
  }

  async importState(state: Uint8Array): Promise<void> {
    await this.ready();
    const decoded = decodeStateFor(
      state,
      this.spec,
      this.net.variables.map((variable) => variable.shape),
    );
    const variables = this.net.variables;
    variables.forEach((variable, index) => {
      tf.tidy(() => variable.assign(tf.tensor(decoded.arrays[index].values, variable.shape)));
    });
    await this.setOptimizerState(
      decoded.iterations,
      decoded.arrays.slice(variables.length).map((array) => array.values),
    );
  }

  microBatchSteps(options: MicroBatchOptions = {}): MicroBatchSteps {
    this.microBatch ??= new TfjsMicroBatchSteps({
      net: this.net,
      loss: this.options.loss,
      optimizer: () => this.optimizer,
      ready: () => this.ready(),
      batchTensors: (batch) => this.batchTensors(batch),
    });
    this.microBatch.options = options;
    return this.microBatch;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.microBatch?.abortStep();
    this.optimizer.dispose();
    this.net.dispose();
  }

  /** Replaces Adam with one at `iterations` steps and the given moments (zeros when null). */
  private async setOptimizerState(iterations: number, moments: Float32Array[] | null): Promise<void> {
    const variables = this.net.variables;
    this.optimizer.dispose();
    this.optimizer = tf.train.adam(this.options.learningRate);
    const weights: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: tf.scalar(iterations, 'int32') }];
    for (const moment of ['m', 'v'] as const) {
      variables.forEach((variable, index) => {
        const values = moments?.[(moment === 'm' ? 0 : variables.length) + index];
        weights.push({ name: `${variable.name}/${moment}`, tensor: values ? tf.tensor(values, variable.shape) : tf.zerosLike(variable) });
      });
    }
    await this.optimizer.setWeights(weights);
    // setWeights makes variables that share the tensors' data; drop our references.
    tf.dispose(weights.map((weight) => weight.tensor));
  }

  private async ready(): Promise<void> {
    if (this.disposed) throw new BackendError('ERR_BACKEND_DISPOSED', 'this model has been disposed');
    await this.activate();
  }

  private batchTensors(batch: Batch): { images: tf.Tensor4D; oneHot: tf.Tensor4D } {
    const { inputSize: side, inputChannels, classes } = this.spec;
    checkBatch(this.spec, batch);
    const images = tf.tensor4d(batch.images, [batch.size, side, side, inputChannels]);
    const labels = tf.tensor3d(Int32Array.from(batch.labels), [batch.size, side, side], 'int32');
    const oneHot = tf.cast(tf.oneHot(labels, classes), 'float32') as tf.Tensor4D;
    return { images, oneHot };
  }
}
