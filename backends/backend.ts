import type { MicroBatchOptions, MicroBatchSteps } from './micro-batch.js';
import type { LossKind, UNetSpec } from './unet-spec.js';

export type { LossKind, UNetSpec } from './unet-spec.js';

/** Why a backend cannot be used here, and how to get it. */
export interface Unavailable {
  readonly available: false;
  readonly reason: string;
  /** The command that installs what is missing, e.g. `npm install @tensorflow/tfjs-node`. */
  readonly install?: string;
}

export type Availability = { readonly available: true } | Unavailable;

/** What a backend can do on this machine. */
export interface BackendCapabilities {
  readonly train: boolean;
  readonly infer: boolean;
  /** 'cpu', 'gpu', 'wasm', … */
  readonly device: string;
}

/** Options of a model being trained. */
export interface ModelOptions {
  readonly learningRate: number;
  readonly loss: LossKind;
  /** Seed of the weight initialisation and dropout masks. */
  readonly seed: number;
}

/** A batch: images scaled to [0,1] as float32 NHWC, labels as class ids NHW. */
export interface Batch {
  readonly size: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

/** A U-Net instance on one backend. Every call releases the tensors it made. */
export interface BackendModel {
  /** One optimizer step (Adam) on a batch; resolves to the batch's training loss. */
  trainStep(batch: Batch): Promise<number>;
  /** Loss of a batch without updating weights (dropout off). */
  evaluate(batch: Batch): Promise<number>;
  /** Class probabilities, float32 N×H×W×classes (softmax output). */
  predict(images: Float32Array, size: number): Promise<Float32Array>;
  /** Weights (and optimizer state) for checkpoints; restored by `importState`. */
  exportState(): Promise<Uint8Array>;
  importState(state: Uint8Array): Promise<void>;
  dispose(): void;
  /**
   * Exact micro-batched steps (backends/micro-batch.ts), which the frugal profile drives, taken as
   * `options` say; absent on a backend that cannot take them (the frugal profile then reports it
   * unavailable).
   */
  microBatchSteps?(options?: MicroBatchOptions): MicroBatchSteps;
}

/**
 * One interface over every training backend. The trainer talks only to this; no backend
 * package is imported anywhere else.
 */
export interface Backend {
  readonly name: string;
  /** Whether the backend's package loads here; never throws. */
  availability(): Promise<Availability>;
  /** Loads and initialises the backend once per thread (worker threads each call it). */
  init(): Promise<void>;
  capabilities(): BackendCapabilities;
  /** Bytes (and tensors, where the backend counts them) currently held. */
  memory(): BackendMemory;
  createModel(spec: UNetSpec, options: ModelOptions): Promise<BackendModel>;
  /**
   * Releases what the backend keeps for speed beyond its live models' own state (ONNX Runtime's
   * cached sessions and their memory arenas), so that memory a finished trial used returns to the
   * system. The trainer calls it after each trial when memory counts. Optional.
   */
  trim?(): Promise<void>;
  dispose(): Promise<void>;
}

/** What a backend holds, as it counts it. */
export interface BackendMemory {
  /** Bytes of the tensors (or state buffers) the backend's models hold now. */
  readonly bytes: number;
  readonly tensors?: number;
  /**
   * Bytes the backend has taken from the system for its own heap, where it has one: tfjs-wasm's
   * WebAssembly memory, which grows to a thread's largest need and never shrinks.
   */
  readonly heapBytes?: number;
  /** The most that heap can ever grow to (tfjs-wasm: WebAssembly's 4 GB less 64 KiB). */
  readonly heapLimitBytes?: number;
}
