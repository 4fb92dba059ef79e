import { BandsterError } from '../src/core/errors.js';

/** What went wrong in a backend; callers (and tests) branch on it, never on a message. */
export type BackendErrorCode =
  /** `createBackend` was given a name no backend is registered under. */
  | 'ERR_BACKEND_UNKNOWN'
  /** The backend's package (or execution provider) does not load here; the message names the install command. */
  | 'ERR_BACKEND_UNAVAILABLE'
  /** A U-Net spec the backend cannot build (the message names the field and the value). */
  | 'ERR_BACKEND_INVALID_SPEC'
  /** A batch, an image array or a model option of the wrong size or value (the message names it). */
  | 'ERR_BACKEND_INVALID_INPUT'
  /** A checkpoint that is not one, is truncated, or was made for another spec. */
  | 'ERR_BACKEND_CHECKPOINT'
  /** A model (or backend) was used after `dispose()`. */
  | 'ERR_BACKEND_DISPOSED'
  /** A call that needs `init()` first (e.g. `auto` before it has chosen). */
  | 'ERR_BACKEND_NOT_INITIALISED';

/** A backend cannot do what was asked; `backend` names it when known. */
export class BackendError extends BandsterError {
  declare readonly code: BackendErrorCode;
  readonly backend: string | undefined;
  constructor(code: BackendErrorCode, message: string, options?: { backend?: string; cause?: unknown }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.backend = options?.backend;
  }
}

/** A backend that does not load here, with the reason and the command that installs what is missing. */
export class BackendUnavailableError extends BackendError {
  readonly reason: string;
  readonly install: string | undefined;
  constructor(backend: string, reason: string, install: string | undefined, options?: { cause?: unknown }) {
    super('ERR_BACKEND_UNAVAILABLE', `backend ${backend} is unavailable: ${reason}${install ? ` (install: ${install})` : ''}`, {
      backend,
      cause: options?.cause,
    });
    this.reason = reason;
    this.install = install;
  }
}

/** Throws ERR_BACKEND_INVALID_INPUT unless `actual === expected` (a typed array's length). */
export function checkLength(name: string, actual: number, expected: number): void {
  if (actual !== expected) throw new BackendError('ERR_BACKEND_INVALID_INPUT', `${name} must hold ${expected} values (got ${actual})`);
}
