import type { ModelOptions } from './backend.js';
import { BackendError } from './backend-error.js';
import { LOSS_KINDS } from './unet-spec.js';

/** Throws ERR_BACKEND_INVALID_INPUT naming the field when a model cannot be made with these options. */
export function validateModelOptions(options: ModelOptions): void {
  const fail = (message: string): never => {
    throw new BackendError('ERR_BACKEND_INVALID_INPUT', message);
  };
  if (!(options.learningRate > 0 && Number.isFinite(options.learningRate))) {
    fail(`options.learningRate must be a finite number > 0 (got ${options.learningRate})`);
  }
  if (!Number.isFinite(options.seed)) fail(`options.seed must be a finite number (got ${options.seed})`);
  if (!LOSS_KINDS.includes(options.loss)) fail(`options.loss must be one of ${LOSS_KINDS.join(', ')} (got ${String(options.loss)})`);
}
