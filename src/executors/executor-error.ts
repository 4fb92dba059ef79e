import { BandsterError } from '../core/errors.js';

/**
 * What went wrong with an executor itself (never with a job: a job's failures — a throw, a
 * timeout, a dead thread — are failed outcomes, not errors); callers branch on it, never on a message.
 */
export type ExecutorErrorCode =
  /** `start()` or `connect()` was called on an executor that was closed. */
  | 'ERR_EXECUTOR_CLOSED'
  /** The objective module cannot be imported, or exports no `compute(config, budget, ctx)` function (or default function). */
  | 'ERR_OBJECTIVE_MODULE';

/** An executor cannot do what it was asked. */
export class ExecutorError extends BandsterError {
  declare readonly code: ExecutorErrorCode;
  constructor(code: ExecutorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
