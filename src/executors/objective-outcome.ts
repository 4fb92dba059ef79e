import type { JobError, JobOutcome } from '../core/types.js';

/**
 * Turns whatever an objective returned into an outcome. Shared by every executor so that
 * "what counts as a valid result" is decided in one place: a finite number, or an object
 * with a finite `loss` and an optional plain-object `info`.
 */
export function outcomeFromReturnValue(value: unknown): JobOutcome {
  if (typeof value === 'number') return lossOutcome(value, {});
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return failed('invalid-result', `the objective must return a number or { loss, info? } (got ${describe(value)})`);
  }
  const { loss, info } = value as { loss?: unknown; info?: unknown };
  if (typeof loss !== 'number') {
    return failed('invalid-result', `the objective's result.loss must be a number (got ${describe(loss)})`);
  }
  if (info !== undefined && (info === null || typeof info !== 'object' || Array.isArray(info))) {
    return failed('invalid-result', `the objective's result.info must be a plain object (got ${describe(info)})`);
  }
  return lossOutcome(loss, (info ?? {}) as Record<string, unknown>);
}

/** The outcome of an objective that threw. */
export function outcomeFromError(error: unknown): JobOutcome {
  if (error instanceof Error) return { status: 'failed', error: { kind: 'threw', message: error.message, stack: error.stack } };
  return failed('threw', `the objective threw a non-Error value: ${describe(error)}`);
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

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object' && value !== null) {
    try {
      const text = JSON.stringify(value);
      return text.length > 80 ? `${text.slice(0, 80)}…` : text;
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
