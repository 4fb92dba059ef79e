import { BackendError } from '../backend-error.js';

/** Options of the frugal profile. */
export interface FrugalOptions {
  /**
   * Images per forward and backward pass: the configured batch is split into micro-batches of at
   * most this many and the step stays exact (backends/micro-batch.ts). Peak activation memory
   * follows this, not the batch size.
   * @defaultValue 2
   */
  readonly microBatch?: number;
  /** Images per forward pass of `evaluate` and `predict`. @defaultValue microBatch */
  readonly evaluationChunk?: number;
  /**
   * Compute the encoder's activations again in each micro-batch's backward pass instead of keeping
   * them (activation checkpointing, backends/micro-batch.ts's MicroBatchOptions): less memory per
   * image of a micro-batch, at the cost of a second forward pass through the encoder. Exact.
   * Measured (README, `bench memory --recompute`): tfjs-wasm's heap peak 0.83×; ONNX Runtime's
   * process peak 0.93× at micro-batch 8, unchanged at 2 (where its peak is not the kept encoder).
   * @defaultValue false
   */
  readonly recompute?: boolean;
}

export const FRUGAL_DEFAULTS = Object.freeze({ microBatch: 2, recompute: false });

/** The options with defaults filled in; ERR_BACKEND_INVALID_INPUT naming the field otherwise. */
export function frugalOptions(options: FrugalOptions = {}): Required<FrugalOptions> {
  const check = (field: string, value: unknown): number => {
    if (!Number.isInteger(value) || (value as number) < 1)
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `options.${field} must be an integer >= 1 (got ${String(value)})`);
    return value as number;
  };
  const microBatch = check('microBatch', options.microBatch ?? FRUGAL_DEFAULTS.microBatch);
  const evaluationChunk = check('evaluationChunk', options.evaluationChunk ?? microBatch);
  const recompute = options.recompute ?? FRUGAL_DEFAULTS.recompute;
  if (typeof recompute !== 'boolean')
    throw new BackendError('ERR_BACKEND_INVALID_INPUT', `options.recompute must be a boolean (got ${String(recompute)})`);
  return { microBatch, evaluationChunk, recompute };
}
