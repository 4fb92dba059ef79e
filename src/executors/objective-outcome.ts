import { describeValue } from '../core/option-checks.js';
import type { JobError, JobOutcome } from '../core/types.js';

/**
 * Turns whatever an objective returned into an outcome. Shared by every executor so that
 * "what counts as a valid result" is decided in one place: a finite number, or an object
 * with a finite `loss` and an optional plain-object `info`.
 */
export function outcomeFromReturnValue(value: unknown): JobOutcome {
  if (typeof value === 'number') return lossOutcome(value, {});
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return failed('invalid-result', `the objective must return a number or { loss, info? } (got ${describeValue(value)})`);
  }
  const { loss, info } = value as { loss?: unknown; info?: unknown };
  if (typeof loss !== 'number') {
    return failed('invalid-result', `the objective's result.loss must be a number (got ${describeValue(loss)})`);
  }
  if (info !== undefined && (info === null || typeof info !== 'object' || Array.isArray(info))) {
    return failed('invalid-result', `the objective's result.info must be a plain object (got ${describeValue(info)})`);
  }
  return lossOutcome(loss, (info ?? {}) as Record<string, unknown>);
}

/** The outcome of an objective that threw: 'out-of-memory' for an OutOfMemoryError, else 'threw'. */
export function outcomeFromError(error: unknown): JobOutcome {
  if (error instanceof Error) {
    const kind = (error as { code?: unknown }).code === 'ERR_OUT_OF_MEMORY' ? 'out-of-memory' : 'threw';
    return { status: 'failed', error: { kind, message: error.message, stack: error.stack } };
  }
  return failed('threw', `the objective threw a non-Error value: ${describeValue(error)}`);
}

export function failed(kind: JobError['kind'], message: string, stack?: string): JobOutcome {
  return { status: 'failed', error: stack === undefined ? { kind, message } : { kind, message, stack } };
}

function lossOutcome(loss: number, info: Record<string, unknown>): JobOutcome {
  if (!Number.isFinite(loss)) {
    return { status: 'failed', error: { kind: 'non-finite-loss', message: `the objective returned a non-finite loss (${loss})` }, info };
  }
  return { status: 'ok', loss, info };
}
