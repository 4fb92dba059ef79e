import type { InferenceSession, Tensor } from 'onnxruntime-node';

import type { BackendModel, Batch, ModelOptions } from '../backend.js';
import type { MicroBatchOptions, MicroBatchSteps } from '../micro-batch.js';
import { BackendError } from '../backend-error.js';
import { checkBatch, checkImages, EvaluationReuse } from '../batch-input.js';
import { DropoutMasks, keepScale } from '../dropout-masks.js';
import { validateModelOptions } from '../model-options.js';
import { decodeStateFor, encodeState } from '../state-codec.js';
import { initialUNet } from '../unet-init.js';
import type { UNetSpec } from '../unet-spec.js';
import { buildInferenceGraph, INFERENCE_IO } from './inference-graph.js';
import type { Ort } from './ort-loader.js';
import { OrtMicroBatchSteps } from './ort-micro-batch.js';
import { TRAINING_IO } from './training-graph.js';
import { dropoutSites } from './unet-graph.js';
import { flatSize, readToTfjs, type WeightSlot, weightSlots, writeFromTfjs } from './weight-layout.js';

/** What a model needs from its backend: onnxruntime, sessions, and bookkeeping. */
export interface OrtModelHost {
  readonly ort: Ort;
  readonly backendName: string;
  /** Runs `use` with the (cached) training session of this spec, batch size and loss. */
  withTrainingSession<T>(
    spec: UNetSpec,
    batch: number,
    loss: ModelOptions['loss'],
    use: (session: InferenceSession) => Promise<T>,
  ): Promise<T>;
  /** Runs `use` with the backend's cached session of `key` (a graph of the micro-batch steps), built from `build` when absent. */
  withSession<T>(key: string, build: () => Uint8Array, use: (session: InferenceSession) => Promise<T>): Promise<T>;
  /** A session for a model held in memory (the inference graph). */
  createSession(model: Uint8Array): Promise<InferenceSession>;
  onDispose(model: OrtUNetModel): void;
}

/** Weights and Adam's moments, flat, ONNX layout, with tensors wrapping them (no copies per step). */
class StateBuffers {
  readonly weights: Float32Array;
  readonly firstMoment: Float32Array;
  readonly secondMoment: Float32Array;
  readonly tensors: { weights: Tensor; firstMoment: Tensor; secondMoment: Tensor };

  constructor(ort: Ort, size: number) {
    this.weights = new Float32Array(size);
    this.firstMoment = new Float32Array(size);
    this.secondMoment = new Float32Array(size);
    this.tensors = {
      weights: new ort.Tensor('float32', this.weights, [size]),
      firstMoment: new ort.Tensor('float32', this.firstMoment, [size]),
      secondMoment: new ort.Tensor('float32', this.secondMoment, [size]),
    };
  }

  get bytes(): number {
    return 3 * this.weights.byteLength;
  }
}

/**
 * A U-Net trained by onnxruntime: each step is one run of the training graph, which reads the weights
 * and moments from one set of buffers and writes the updated ones into the other (ORT writes into
 * preallocated outputs); the two sets swap after the step, so the state never round-trips through
 * JS copies. `predict` and `evaluate` run the inference graph, rebuilt with the weights as
 * initializers whenever a training step has changed them.
 */
export class OrtUNetModel implements BackendModel {
  private readonly slots: WeightSlot[];
  private current: StateBuffers;
  private spare: StateBuffers;
  private readonly lossBuffer = new Float32Array(1);
  private readonly lossTensor: Tensor;
  private readonly stepBuffer = new Float32Array(1);
  private readonly learningRate: Tensor;
  private readonly dropout: DropoutMasks;
  private readonly maskBuffers = new Map<number, { bits: Tensor; keep: Tensor }[]>();
  private iterations = 0;
  private version = 0;
  /** Inference sessions of the current weights: one for predict, one with the loss for evaluate. */
  private inference: { version: number; predict?: Promise<InferenceSession>; evaluate?: Promise<InferenceSession> } | undefined;
  private readonly evaluated = new EvaluationReuse();
  private microBatch: OrtMicroBatchSteps | undefined;
  private disposed = false;

  constructor(
    private readonly host: OrtModelHost,
    readonly spec: UNetSpec,
    private readonly options: ModelOptions,
  ) {
    validateModelOptions(options);
    const initial = initialUNet(spec, options.seed);
    this.slots = weightSlots(spec);
    const size = flatSize(this.slots);
    const ort = host.ort;
    this.current = new StateBuffers(ort, size);
    this.spare = new StateBuffers(ort, size);
    initial.layers.forEach((layer, index) => {
      writeFromTfjs(this.slots[2 * index], layer.kernel, this.current.weights);
      writeFromTfjs(this.slots[2 * index + 1], layer.bias, this.current.weights);
    });
    this.dropout = new DropoutMasks(initial.dropoutSeed);
    this.lossTensor = new ort.Tensor('float32', this.lossBuffer, []);
    this.learningRate = new ort.Tensor('float32', new Float32Array([options.learningRate]), []);
  }

  /** Bytes of the state buffers this model holds (both sets, and the micro-batch steps' accumulated gradient). */
  get bytes(): number {
    return this.current.bytes + this.spare.bytes + (this.microBatch ? (2 * this.current.bytes) / 3 : 0);
  }

  microBatchSteps(options: MicroBatchOptions = {}): MicroBatchSteps {
    if (!this.microBatch) {
      const model = this;
      this.microBatch = new OrtMicroBatchSteps({
        ort: this.host.ort,
        spec: this.spec,
        loss: this.options.loss,
        parameterCount: this.current.weights.length,
        dropout: this.dropout,
        learningRate: this.learningRate,
        withSession: (key, build, use) => {
          this.ready();
          return this.host.withSession(key, build, use);
        },
        state: () => ({ current: this.current.tensors, spare: this.spare.tensors }),
        get iterations() {
          return model.iterations;
        },
        stepTaken: () => {
          [this.current, this.spare] = [this.spare, this.current];
          this.iterations++;
          this.version++;
          this.releaseInference();
        },
      });
    }
    this.microBatch.options = options;
    return this.microBatch;
  }

  async trainStep(batch: Batch): Promise<number> {
    this.ready();
    checkBatch(this.spec, batch);
    const ort = this.host.ort;
    const side = this.spec.inputSize;
    const feeds: Record<string, Tensor> = {
      [TRAINING_IO.images]: new ort.Tensor('float32', batch.images, [batch.size, side, side, 3]),
      [TRAINING_IO.labels]: new ort.Tensor('uint8', batch.labels, [batch.size, side, side]),
      [TRAINING_IO.weights]: this.current.tensors.weights,
      [TRAINING_IO.firstMoment]: this.current.tensors.firstMoment,
      [TRAINING_IO.secondMoment]: this.current.tensors.secondMoment,
      [TRAINING_IO.step]: new ort.Tensor('float32', this.stepBuffer, []),
      [TRAINING_IO.learningRate]: this.learningRate,
    };
    this.masks(batch.size).forEach((mask, site) => {
      feeds[TRAINING_IO.dropBits(site)] = mask.bits;
      feeds[TRAINING_IO.keepScale(site)] = mask.keep;
    });
    this.stepBuffer[0] = this.iterations + 1;
    const fetches = {
      [TRAINING_IO.loss]: this.lossTensor,
      [TRAINING_IO.weightsOut]: this.spare.tensors.weights,
      [TRAINING_IO.firstMomentOut]: this.spare.tensors.firstMoment,
      [TRAINING_IO.secondMomentOut]: this.spare.tensors.secondMoment,
    };
    await this.host.withTrainingSession(this.spec, batch.size, this.options.loss, (session) => session.run(feeds, fetches));
    [this.current, this.spare] = [this.spare, this.current];
    this.iterations++;
    this.version++;
    // The inference sessions hold the old weights and could never run again: release them (and
    // their arenas) now rather than at the next evaluation.
    this.releaseInference();
    return this.lossBuffer[0];
  }

  async evaluate(batch: Batch): Promise<number> {
    this.ready();
    checkBatch(this.spec, batch);
    const { loss, probabilities } = await this.infer(batch.images, batch.labels, batch.size);
    this.evaluated.remember(batch.images, this.version, probabilities);
    return loss;
  }

  async predict(images: Float32Array, size: number): Promise<Float32Array> {
    this.ready();
    checkImages(this.spec, images, size);
    return this.evaluated.take(images, this.version) ?? (await this.infer(images, undefined, size)).probabilities;
  }

  async exportState(): Promise<Uint8Array> {
    this.ready();
    const read = (flat: Float32Array) => this.slots.map((slot) => ({ shape: slot.tfjsShape, values: readToTfjs(slot, flat) }));
    return encodeState({
      spec: this.spec,
      iterations: this.iterations,
      arrays: [...read(this.current.weights), ...read(this.current.firstMoment), ...read(this.current.secondMoment)],
    });
  }

  async importState(state: Uint8Array): Promise<void> {
    this.ready();
    const decoded = decodeStateFor(
      state,
      this.spec,
      this.slots.map((slot) => slot.tfjsShape),
    );
    const count = this.slots.length;
    const targets = [this.current.weights, this.current.firstMoment, this.current.secondMoment];
    decoded.arrays.forEach((array, index) => writeFromTfjs(this.slots[index % count], array.values, targets[Math.floor(index / count)]));
    this.iterations = decoded.iterations;
    this.version++;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releaseInference();
    this.evaluated.forget();
    this.host.onDispose(this);
  }

  /** The dropout bits of one training step (new draws each step, into buffers reused across steps). */
  private masks(batch: number): { bits: Tensor; keep: Tensor }[] {
    let masks = this.maskBuffers.get(batch);
    if (!masks) {
      const ort = this.host.ort;
      masks = dropoutSites(this.spec, batch).map((site) => {
        const [n, c, h, w] = site.shape;
        return {
          bits: new ort.Tensor('uint8', new Uint8Array(n * c * h * w), [n, h, w, c]),
          keep: new ort.Tensor('float32', new Float32Array([keepScale(site.rate)]), []),
        };
      });
      this.maskBuffers.set(batch, masks);
    }
    const sites = dropoutSites(this.spec, batch);
    masks.forEach((mask, index) => this.dropout.dropBits(mask.bits.size, sites[index].rate, mask.bits.data as Uint8Array));
    return masks;
  }

  /** Runs the inference graph of the current weights: with labels, the evaluate graph (loss and probabilities). */
  private async infer(
    images: Float32Array,
    labels: Uint8Array | undefined,
    size: number,
  ): Promise<{ loss: number; probabilities: Float32Array }> {
    if (this.inference?.version !== this.version) {
      this.releaseInference();
      this.inference = { version: this.version };
    }
    const kind = labels ? 'evaluate' : 'predict';
    let session = this.inference[kind];
    if (!session) {
      const model = buildInferenceGraph({ spec: this.spec, weights: this.current.weights, loss: labels ? this.options.loss : undefined });
      session = this.host.createSession(model);
      this.inference[kind] = session;
    }
    const ort = this.host.ort;
    const side = this.spec.inputSize;
    const feeds: Record<string, Tensor> = { [INFERENCE_IO.images]: new ort.Tensor('float32', images, [size, side, side, 3]) };
    if (labels) feeds[INFERENCE_IO.labels] = new ort.Tensor('uint8', labels, [size, side, side]);
    const outputs = await (await session).run(feeds);
    return {
      loss: labels ? (outputs[INFERENCE_IO.loss].data as Float32Array)[0] : Number.NaN,
      probabilities: outputs[INFERENCE_IO.probabilities].data as Float32Array,
    };
  }

  private releaseInference(): void {
    const inference = this.inference;
    this.inference = undefined;
    for (const session of [inference?.predict, inference?.evaluate])
      void session?.then((opened) => opened.release()).catch(() => undefined);
  }

  private ready(): void {
    if (this.disposed) throw new BackendError('ERR_BACKEND_DISPOSED', 'this model has been disposed', { backend: this.host.backendName });
  }
}
